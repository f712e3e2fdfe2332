/*
 * fcfs.c: first come, first served (kernel/sched/policy.h).
 *
 * One FIFO, and no preemption: a process runs until it blocks or exits
 * (slice 0), then the one that has waited longest goes next. A process
 * that wakes joins the tail, like a new arrival. The clock still ticks,
 * but a tick never takes the hart away.
 */
#include "kernel/sched/policy.h"
#include "kernel/sched/queue.h"
#include "kernel/proc/proc.h"

static const struct sched_config defaults = { { 0 } };

static struct fifo runq;  /* [runq_lock] */

static void fcfs_start(const struct sched_config *cfg)
{
  fifo_init(&runq);
}

static void fcfs_enqueue(struct proc *p, enum sched_join why)
{
  fifo_push(&runq, p);
}

static void fcfs_dequeue(struct proc *p)
{
  fifo_remove(&runq, p);
}

static struct proc *fcfs_pick(void)
{
  return fifo_pop(&runq);
}

static uint64 fcfs_slice(struct proc *p)
{
  return 0; /* until it blocks */
}

static void fcfs_charge(struct proc *p, uint64 ran, enum sched_left how)
{
}

const struct sched_policy policy_fcfs = {
  .name = "fcfs",
  .about = "first come, first served: one queue, no preemption",
  .params = 0,
  .nparams = 0,
  .defaults = &defaults,
  .start = fcfs_start,
  .enqueue = fcfs_enqueue,
  .dequeue = fcfs_dequeue,
  .pick = fcfs_pick,
  .slice = fcfs_slice,
  .charge = fcfs_charge,
};
