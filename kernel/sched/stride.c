/*
 * stride.c: deterministic proportional share by stride (OSTEP chapter 9;
 * kernel/sched/policy.h).
 *
 * Each process has a pass value; the runnable one with the lowest runs
 * next, for a turn of `quantum` ms, and its pass then grows by the time
 * it ran over its tickets (its stride, scaled by the time used), so a
 * process with twice the tickets advances half as fast and runs twice as
 * often. A process that joins (new, woken, or moved from another policy)
 * starts no lower than the pass of the last one picked, so time spent
 * asleep earns it no credit. A heap keyed by pass: O(log n).
 */
#include "kernel/proc/proc.h"
#include "kernel/sched/policy.h"
#include "kernel/sched/queue.h"

#define STRIDE1 (1UL << 20)  /* pass units for a quantum at one ticket, per us */

enum { QUANTUM };

static const struct sched_param params[] = {
  [QUANTUM] = SCHED_QUANTUM_PARAM(1),
};

static const struct sched_config defaults = {
  .count = { [QUANTUM] = 1 },
  .value = { [QUANTUM] = { SCHED_QUANTUM_DEFAULT } },
};

static struct heap runq;  /* [runq_lock] */
static uint64 quantum;    /* [runq_lock] time units */
static uint64 vtime;      /* [runq_lock] the pass of the last process picked */

static int lower_pass(const struct proc *a, const struct proc *b)
{
  if (a->sched.pass != b->sched.pass)
    return a->sched.pass < b->sched.pass;
  return a->pid < b->pid;
}

static void stride_start(const struct sched_config *cfg)
{
  heap_init(&runq, lower_pass);
  quantum = sched_ms(cfg->value[QUANTUM][0]);
  vtime = 0;
}

static void stride_enqueue(struct proc *p, enum sched_join why)
{
  if (sched_fresh(p) || p->sched.pass < vtime)
    p->sched.pass = vtime;
  heap_push(&runq, p);
}

static void stride_dequeue(struct proc *p)
{
  heap_remove(&runq, p);
}

static struct proc *stride_pick(void)
{
  struct proc *p = heap_pop(&runq);
  if (p)
    vtime = p->sched.pass;
  return p;
}

static uint64 stride_slice(struct proc *p)
{
  return quantum;
}

static void stride_charge(struct proc *p, uint64 ran, enum sched_left how)
{
  if (sched_fresh(p))
    p->sched.pass = vtime;
  p->sched.pass += ran * STRIDE1 / p->sched.tickets;
}

const struct sched_policy policy_stride = {
  .name = "stride",
  .about = "deterministic proportional share: the lowest pass runs, pass += time / tickets",
  .params = params,
  .nparams = sizeof(params) / sizeof(params[0]),
  .defaults = &defaults,
  .start = stride_start,
  .enqueue = stride_enqueue,
  .dequeue = stride_dequeue,
  .pick = stride_pick,
  .slice = stride_slice,
  .charge = stride_charge,
};
