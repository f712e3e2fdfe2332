/*
 * shortest.h: the run queue of the shortest-first policies, sjf and stcf
 * (kernel/sched/shortest.c): a heap of runnable processes ordered by the
 * CPU time each still needs (sched_remaining: what it declared, or else
 * the estimate of its next burst), ties going to the one that has been
 * runnable longest.
 */
#ifndef KERNEL_SCHED_SHORTEST_H
#define KERNEL_SCHED_SHORTEST_H

#include "kernel/sched/policy.h"

/* alpha, the estimator's weight, the one parameter both take. */
extern const struct sched_param shortest_params[];
#define SHORTEST_NPARAMS 1
extern const struct sched_config shortest_defaults;

void shortest_start(const struct sched_config *cfg);
void shortest_enqueue(struct proc *p, enum sched_join why);
void shortest_dequeue(struct proc *p);
struct proc *shortest_pick(void);
uint64 shortest_slice(struct proc *p);
void shortest_charge(struct proc *p, uint64 ran, enum sched_left how);

#endif
