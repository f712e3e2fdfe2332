/*
 * rr.c: round robin (kernel/sched/policy.h).
 *
 * One FIFO for the whole machine: a process joins at the tail whenever it
 * becomes runnable (new, woken, or preempted at the end of its slice),
 * harts take from the head, and every turn lasts at most `quantum` ms.
 * With n runnable processes, each waits at most (n - 1) quanta for its
 * next turn.
 */
#include "kernel/sched/policy.h"
#include "kernel/sched/queue.h"
#include "kernel/proc/proc.h"
#include "kernel/lib/hot.h"

enum { QUANTUM };

static const struct sched_param params[] = {
  [QUANTUM] = SCHED_QUANTUM_PARAM(1),
};

static const struct sched_config defaults = {
  .count = { [QUANTUM] = 1 },
  .value = { [QUANTUM] = { SCHED_QUANTUM_DEFAULT } },
};

static struct fifo runq HOT_DATA;  /* [runq_lock] */
static uint64 quantum HOT_DATA;    /* [runq_lock] in time units */

static void rr_start(const struct sched_config *cfg)
{
  fifo_init(&runq);
  quantum = sched_ms(cfg->value[QUANTUM][0]);
}

HOT static void rr_enqueue(struct proc *p, enum sched_join why)
{
  fifo_push(&runq, p);
}

static void rr_dequeue(struct proc *p)
{
  fifo_remove(&runq, p);
}

HOT static struct proc *rr_pick(void)
{
  return fifo_pop(&runq);
}

HOT static uint64 rr_slice(struct proc *p)
{
  return quantum;
}

HOT static void rr_charge(struct proc *p, uint64 ran, enum sched_left how)
{
}

HOT_RODATA const struct sched_policy policy_rr = {
  .name = "rr",
  .about = "round robin: one queue, turns of at most quantum ms",
  .params = params,
  .nparams = sizeof(params) / sizeof(params[0]),
  .defaults = &defaults,
  .start = rr_start,
  .enqueue = rr_enqueue,
  .dequeue = rr_dequeue,
  .pick = rr_pick,
  .slice = rr_slice,
  .charge = rr_charge,
};
