/*
 * sched.h: the switchboard between the scheduling mechanism and the
 * policy in use (kernel/sched/sched.c).
 *
 * The mechanism (kernel/proc/scheduler.c) calls these for every process
 * it queues, runs and puts back; each takes runq_lock, the run queue's
 * one lock, and calls the policy's hook (kernel/sched/policy.h). The
 * system calls that choose the policy and a process's nice value,
 * tickets or expected CPU time come here too.
 *
 * Lock order: p->lock, then runq_lock (the caller holds p->lock where a
 * function says so; runq_lock is taken inside).
 */
#ifndef KERNEL_SCHED_SCHED_H
#define KERNEL_SCHED_SCHED_H

#include "kernel/types.h"
#include "kernel/sched/policy.h"
#include "kernel/schedinfo.h"

struct proc;
struct cpu;

/* runq_lock, for the trace (kernel/sched/trace.c), whose ring it guards. */
void sched_lock(void);
void sched_unlock(void);
void sched_assert_locked(void);

/* At boot: the policy named by "sched=NAME" in the kernel command line
   (bootargs), else rr. */
void sched_init(const char *bootargs);

/* The mechanism's calls; p->lock held in each. */
void sched_enqueue(struct proc *p, enum sched_join why); /* p is RUNNABLE */
/* p runs from time now (time CSR units, as the caller read it): its
   slice, or 0. */
uint64 sched_dispatch(struct proc *p, uint64 now);
/* p's turn ended at time now, after `ran` time units; if it was preempted
   (it is still RUNNABLE), it goes back on the run queue. Then, as
   sched_pick (in the same hold of the run queue's lock, for the switch
   that follows): the next to run, off the queue, or 0. */
struct proc *sched_charge_pick(struct proc *p, uint64 ran, enum sched_left how, uint64 now);
/* No lock held. */
struct proc *sched_pick(void);             /* the next to run, off the queue, or 0 */
/* How many times a process has been queued since boot (read without a
   lock: a hart polling for work watches it to know when sched_pick may
   find something new). */
uint64 sched_enqueues(void);
/* Does p deserve hart c more than the process running there (if any)? */
int sched_preempts(struct proc *p, struct cpu *c);
void sched_tick(void);                     /* each clock tick while something runs, once */
/* fork: child gets parent's nice, tickets and expected time. Both are
   being set up or locked by the caller. */
void sched_fork(struct proc *parent, struct proc *child);
/* The first process, which has no parent: the defaults. */
void sched_entity_init(struct proc *p);

/* The scheduling fields of p's struct procinfo. p->lock held. */
struct procinfo;
void sched_fill_info(struct proc *p, struct procinfo *pi);
int sched_getnice(struct proc *p);                /* p->lock held */

/* System calls (their checks and errors are in sched.c). */
int sched_set(const char *spec);           /* "NAME [PARAM=V[,V...]]..." */
int sched_info(int index, struct schedinfo *si);
int sched_setnice(struct proc *p, int nice);      /* p->lock held */
int sched_settickets(struct proc *p, int tickets); /* p->lock held */
int sched_setexpected(struct proc *p, uint64 ms);  /* p->lock held */

#endif
