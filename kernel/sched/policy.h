/*
 * policy.h: the scheduling policy interface.
 *
 * The mechanism (scheduler() and sched() in kernel/proc/scheduler.c, swtch,
 * the trap path)
 * decides *how* to switch; a policy decides *which* runnable process runs
 * next. A policy keeps its own run queue under its own lock and offers:
 *   enqueue(p)  p has become RUNNABLE (called with p->lock held); must be
 *               idempotent: a process already queued stays queued once
 *   dequeue(p)  take p off the queue if it is there (p->lock held)
 *   pick()      remove and return the next process to try, or 0. The
 *               caller then locks it and runs it only if still RUNNABLE.
 * To try another policy, write kernel/sched/NAME.c and point
 * `sched_policy` at it.
 */
#ifndef KERNEL_SCHED_POLICY_H
#define KERNEL_SCHED_POLICY_H

struct proc;

struct sched_policy {
  const char *name;
  void (*init)(void);
  void (*enqueue)(struct proc *p);
  void (*dequeue)(struct proc *p);
  struct proc *(*pick)(void);
};

extern const struct sched_policy *const sched_policy;

#endif
