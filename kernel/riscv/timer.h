/*
 * timer.h: the supervisor timer, which interrupts each hart TICK_HZ
 * times a second (kernel/riscv/timer.c). Each interrupt may preempt the
 * running process; on the tick hart it also advances the clock.
 */
#ifndef KERNEL_RISCV_TIMER_H
#define KERNEL_RISCV_TIMER_H

#include "kernel/types.h"

void timer_init(uint64 timebase, int use_sstc, uint64 tick_hart);
void timer_inithart(void);  /* start this hart's tick */
void timer_intr(void);      /* the timer interrupt, from the trap handler */
void timer_busy(void);      /* before running a process on this hart */

#endif
