/*
 * timer.h: the supervisor timer (kernel/riscv/timer.c).
 *
 * A hart that runs processes takes an interrupt every tick (TICK_HZ a
 * second), and one of them passes each tick to the clock. Besides, each
 * hart may have a slice deadline: the moment the process it runs has used
 * up its time slice, set by the scheduler at every dispatch, and a
 * wake-up deadline for the clock's sleepers. An idle hart takes only the
 * wake-ups it was asked for and one interrupt a second (timer.c says why).
 */
#ifndef KERNEL_RISCV_TIMER_H
#define KERNEL_RISCV_TIMER_H

#include "kernel/types.h"

void timer_init(uint64 timebase, int use_sstc);
void timer_inithart(void);
/* This hart runs processes (busy: it takes ticks from the next one on),
   or has nothing to run (no ticks). Interrupts off. */
void timer_set_busy(int busy);
/* The running process may run for slice time units from time now (0: no
   limit, and now is not looked at). Interrupts off. */
void timer_set_slice(uint64 slice, uint64 now);
/* Interrupt this hart at time `when` (time CSR units) too, and then call
   clock_wake(); an earlier request already pending stands. Interrupts
   off. */
void timer_set_wake(uint64 when);
/* The timer interrupt, from the trap handler. Returns 1 if the running
   process's slice has ended (it should be preempted), else 0. */
int timer_intr(void);

#endif
