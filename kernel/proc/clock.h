/*
 * clock.h: time. The timer interrupts every hart TICK_HZ times a second;
 * each interrupt may preempt the running process.
 * The boot hart also counts ticks for uptime() and sleep(). Finer time
 * comes straight from the `time` CSR (clock_usec).
 */
#ifndef KERNEL_CLOCK_H
#define KERNEL_CLOCK_H

#include "kernel/types.h"

#define TICK_HZ 100  /* timer interrupts per second: a tick is 10 ms */

void clock_init(uint64 timebase, int use_sstc, uint64 tick_hart);
void clock_inithart(void);
void clock_intr(void);
void clock_busy(void);   /* before running a process on this hart */
uint64 clock_ticks(void);
uint64 clock_usec(void);
uint64 clock_to_us(uint64 t); /* time CSR units to microseconds */
/* Sleep nticks ticks. Returns 0, or -EINTR (killed) or -ERESTART (must
   stop), with the ticks still to sleep in *left. */
int clock_sleep(uint64 nticks, uint64 *left);

#endif
