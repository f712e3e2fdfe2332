/*
 * timer.h: the supervisor timer (kernel/riscv/timer.c).
 *
 * One hart, the tick hart, takes an interrupt every tick (TICK_HZ a
 * second) and passes it to the clock. Besides, each hart may have a
 * slice deadline: the moment the process it runs has used up its time
 * slice, set by the scheduler at every dispatch, and a wake-up deadline
 * for the clock's usleep() sleepers. A hart with none of these
 * (an idle hart, or one running a process that may run until it blocks)
 * takes no timer interrupts at all.
 */
#ifndef KERNEL_RISCV_TIMER_H
#define KERNEL_RISCV_TIMER_H

#include "kernel/types.h"

void timer_init(uint64 timebase, int use_sstc, uint64 tick_hart);
void timer_inithart(void);
/* The running process may run for slice time units from now (0: no
   limit). Interrupts off. */
void timer_set_slice(uint64 slice);
/* Interrupt this hart at time `when` (time CSR units) too, and then call
   clock_wake(); an earlier request already pending stands. Interrupts
   off. */
void timer_set_wake(uint64 when);
/* The timer interrupt, from the trap handler. Returns 1 if the running
   process's slice has ended (it should be preempted), else 0. */
int timer_intr(void);

#endif
