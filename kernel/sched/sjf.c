/*
 * sjf.c: shortest job first, without preemption (kernel/sched/policy.h).
 *
 * When a hart is free it takes the runnable process that needs the least
 * CPU time (shortest.c says how that is judged), and that process runs
 * until it blocks or exits: a shorter one that arrives meanwhile waits.
 */
#include "kernel/sched/shortest.h"

const struct sched_policy policy_sjf = {
  .name = "sjf",
  .about = "shortest job first, by declared length or burst estimate; no preemption",
  .params = shortest_params,
  .nparams = SHORTEST_NPARAMS,
  .defaults = &shortest_defaults,
  .start = shortest_start,
  .enqueue = shortest_enqueue,
  .dequeue = shortest_dequeue,
  .pick = shortest_pick,
  .slice = shortest_slice,
  .charge = shortest_charge,
};
