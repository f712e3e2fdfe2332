/*
 * clock.h: time as the rest of the kernel sees it: ticks (TICK_HZ a
 * second, kernel/param.h) counted since boot, for uptime() and sleep(),
 * and finer time straight from the `time` CSR.
 *
 * The tick itself comes from the timer (kernel/riscv/timer.c), which
 * calls clock_tick() on the one hart that counts ticks, and clock_wake()
 * on a hart armed for a usleep() deadline.
 */
#ifndef KERNEL_PROC_CLOCK_H
#define KERNEL_PROC_CLOCK_H

#include "kernel/types.h"

void clock_init(uint64 timebase);
void clock_tick(void);        /* one more tick has passed (the tick hart) */
void clock_wake(void);        /* a usleep() deadline armed here is due (any hart) */
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
