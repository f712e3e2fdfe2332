/*
 * prio.c: static priority, preemptive (kernel/sched/policy.h).
 *
 * A process's priority is its nice value: -20 is the highest, 19 the
 * lowest (setpriority, nice, renice). There is one FIFO per priority;
 * a hart takes from the highest non-empty one, round robin within it
 * with turns of `quantum` ms, and a process that becomes runnable with a
 * higher priority than a running one takes that one's hart at once.
 *
 * Aging, if `aging` is not 0: a process that has waited `aging` ms in its
 * queue moves up one level, and again after each further `aging` ms, so
 * that even the lowest priority runs in the end; once it has run it is
 * back at its own level. Each tick looks only at the head of each level,
 * the one there that has waited longest: O(levels).
 */
#include "kernel/proc/proc.h"
#include "kernel/sched/policy.h"
#include "kernel/sched/queue.h"

#define LEVELS (NICE_MAX - NICE_MIN + 1)  /* level 0 is nice -20 */

enum { QUANTUM, AGING };

static const struct sched_param params[] = {
  [QUANTUM] = SCHED_QUANTUM_PARAM(1),
  [AGING] = { "aging", "ms", 1, 0, 100000, 1 },
};

static const struct sched_config defaults = {
  .count = { [QUANTUM] = 1, [AGING] = 1 },
  .value = { [QUANTUM] = { SCHED_QUANTUM_DEFAULT }, [AGING] = { 0 } },
};

static struct fifo level[LEVELS]; /* [runq_lock] */
static uint64 quantum, aging;      /* [runq_lock] time units; aging 0: off */

static int base_level(struct proc *p)
{
  return p->sched.nice - NICE_MIN;
}

static void prio_start(const struct sched_config *cfg)
{
  for (int i = 0; i < LEVELS; i++)
    fifo_init(&level[i]);
  quantum = sched_ms(cfg->value[QUANTUM][0]);
  aging = sched_ms(cfg->value[AGING][0]);
}

static void put(struct proc *p, int lv)
{
  p->sched.level = lv;
  p->sched.enq_time = sched_now();
  fifo_push(&level[lv], p);
}

static void prio_enqueue(struct proc *p, enum sched_join why)
{
  sched_fresh(p);
  put(p, base_level(p)); /* aging starts again each time it queues */
}

static void prio_dequeue(struct proc *p)
{
  fifo_remove(&level[p->sched.level], p);
}

static struct proc *prio_pick(void)
{
  for (int i = 0; i < LEVELS; i++) {
    if (level[i].n > 0)
      return fifo_pop(&level[i]);
  }
  return 0;
}

static uint64 prio_slice(struct proc *p)
{
  return quantum;
}

static void prio_charge(struct proc *p, uint64 ran, enum sched_left how)
{
}

static int prio_preempts(struct proc *p, struct proc *running)
{
  if (sched_fresh(running))
    running->sched.level = base_level(running);
  return p->sched.level < running->sched.level;
}

/* Aging: move up each level's longest waiter once it has waited long
   enough, then let the next one at that level be looked at next tick. */
static int prio_tick(uint64 now)
{
  if (aging == 0)
    return 0;
  for (int i = 1; i < LEVELS; i++) {
    struct proc *p = fifo_peek(&level[i]);
    if (p && now - p->sched.enq_time >= aging) {
      fifo_remove(&level[i], p);
      put(p, i - 1);
    }
  }
  return 0;
}

static int prio_level(struct proc *p)
{
  return p->sched.level;
}

const struct sched_policy policy_prio = {
  .name = "prio",
  .about = "static priority by nice (-20 highest), preemptive, rr within a level; aging",
  .params = params,
  .nparams = sizeof(params) / sizeof(params[0]),
  .defaults = &defaults,
  .start = prio_start,
  .enqueue = prio_enqueue,
  .dequeue = prio_dequeue,
  .pick = prio_pick,
  .slice = prio_slice,
  .charge = prio_charge,
  .preempts = prio_preempts,
  .tick = prio_tick,
  .level = prio_level,
};
