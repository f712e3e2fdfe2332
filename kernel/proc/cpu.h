/*
 * cpu.h: per-hart state (struct cpu) and how code finds its own.
 *
 * cpus[] is indexed by hart id; while a hart runs kernel code, its tp
 * register points at its struct cpu (set at boot and at every trap from
 * user mode), so mycpu() is one register read. Only the hart itself
 * touches most fields, with interrupts off: a hart cannot be switched
 * away while it looks at them.
 *
 * Lock legend: [c] this hart only, with interrupts off; [I] set while
 * the hart boots, then never changed.
 */
#ifndef KERNEL_PROC_CPU_H
#define KERNEL_PROC_CPU_H

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv/csr.h"
#include "kernel/riscv/trap.h"

struct proc;

struct cpu {
  struct proc *proc;      /* [c] process running here, or 0 */
  int pid;                /* [c] its pid, or 0: for other harts to read (hartinfo) */
  struct context context; /* [c] swtch() here to enter the scheduler */
  /* A switch in progress (kernel/proc/scheduler.c). */
  struct proc *handoff;   /* [c] the process switched from, still locked */
  struct proc *next;      /* [c] picked by sched() for the scheduler thread */
  int proc_was_here;      /* [c] proc last ran on this hart (vm_switch_user may skip a flush) */
  uint64 turn_start;      /* [c] time CSR value when the running process's turn began */
  int noff;               /* [c] depth of intr_push nesting */
  int intena;             /* [c] were interrupts on before the first push? */
  uint64 hartid;          /* [I] this hart's id */
  int started;            /* [I] set once the hart has booted */
  uint64 start_time;      /* [I] time CSR value when it started */
  uint64 busy_time;       /* [c] time CSR units spent running processes */
  /* The timer's deadlines (kernel/riscv/timer.c), in time CSR units. */
  int busy;               /* [c] running processes (timer_set_busy)? */
  uint64 next_tick;       /* [c] the next tick if busy, else the idle beat (timer.c) */
  uint64 slice_end;       /* [c] when the running process's slice ends, or never */
  uint64 wake_at;         /* [c] when a sleeper is due (clock.c), or never */
  uint64 armed_for;       /* [c] what the compare register holds, 0 if spent */
  /* Set by any hart, cleared by this one: give up the hart at the next
     chance, a more deserving process is waiting (sched_preempts). */
  volatile int resched;
  /* The hart is in its scheduler and will pick next: one process made
     runnable meanwhile needs no other hart (proc_make_runnable). */
  int picks_next;         /* [c] */
};

extern struct cpu cpus[NCPU];

/* With interrupts off, or the answer may be stale. */
static inline struct cpu *mycpu(void)
{
  return (struct cpu *)r_tp();
}

/* An int field of this hart's struct cpu, with interrupts on or off:
   read through tp in one instruction, so it is the field of the hart we
   are on, even if the thread moves to another hart just before or after
   (mycpu()->field would read tp, then the field, two instructions). */
#define THIS_CPU_INT(field)                                                          \
  ({                                                                                 \
    int __v;                                                                         \
    asm volatile("lw %0, %1(tp)" : "=r"(__v) : "i"(__builtin_offsetof(struct cpu, field))); \
    __v;                                                                             \
  })

/* This hart's id, its index in cpus[]; with interrupts off. */
static inline int cpuid(void)
{
  return (int)mycpu()->hartid;
}

#endif
