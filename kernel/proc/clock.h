/*
 * clock.h: time as the rest of the kernel sees it: ticks (TICK_HZ a
 * second, kernel/param.h) counted since boot, for uptime() and sleep(),
 * and finer time straight from the `time` CSR.
 *
 * Ticks are moments on the time CSR, not interrupts (clock.c). The timer
 * (kernel/riscv/timer.c) calls clock_tick() once a tick while any hart
 * runs a process, and clock_wake() on a hart armed for a sleeper's
 * deadline.
 */
#ifndef KERNEL_PROC_CLOCK_H
#define KERNEL_PROC_CLOCK_H

#include "kernel/types.h"

void clock_init(uint64 timebase);
void clock_tick(void);        /* a tick has come: the policy's turn (once a tick) */
void clock_wake(void);        /* a sleeper's deadline armed here is due (any hart) */
uint64 clock_next_tick(uint64 now);   /* the moment of the first tick after now */
uint64 clock_tick_number(uint64 when); /* which tick the moment `when` is in */
uint64 clock_ticks(void);     /* ticks since boot */
uint64 clock_usec(void);      /* microseconds since boot */
uint64 clock_to_us(uint64 t); /* time CSR units to microseconds */
uint64 clock_from_us(uint64 us); /* microseconds to time CSR units */
/* Sleep nticks ticks. Returns 0, or -EINTR (killed) or -ERESTART (must
   stop), with the ticks still to sleep in *left. */
int clock_sleep(uint64 nticks, uint64 *left);
/* Sleep until the time CSR reads `when`, to within the timer interrupt's
   latency, not to the tick; sleepers due at the same moment wake in the
   order they slept. Returns as clock_sleep, with the microseconds left
   in *left. */
int clock_sleep_until(uint64 when, uint64 *left);

#endif
