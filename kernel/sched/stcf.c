/*
 * stcf.c: shortest time to completion first (kernel/sched/policy.h).
 *
 * sjf with preemption: a process that becomes runnable needing less
 * time than a running one still needs takes that one's hart at once
 * (preempts), and the preempted one goes back to the queue with what it
 * has left.
 */
#include "kernel/sched/shortest.h"

static int stcf_preempts(struct proc *p, struct proc *running)
{
  return sched_remaining(p) < sched_remaining(running);
}

const struct sched_policy policy_stcf = {
  .name = "stcf",
  .about = "shortest time to completion first: sjf, and a shorter arrival preempts",
  .params = shortest_params,
  .nparams = SHORTEST_NPARAMS,
  .defaults = &shortest_defaults,
  .start = shortest_start,
  .enqueue = shortest_enqueue,
  .dequeue = shortest_dequeue,
  .pick = shortest_pick,
  .slice = shortest_slice,
  .charge = shortest_charge,
  .preempts = stcf_preempts,
};
