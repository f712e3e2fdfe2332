/*
 * mlfq.c: the multi-level feedback queue of OSTEP chapter 8
 * (kernel/sched/policy.h), by its rules:
 *
 *   1. If A's level is above B's, A runs (and a higher arrival preempts).
 *   2. At the same level, round robin with that level's quantum.
 *   3. A new process starts at the top level (0).
 *   4. Once a process has used its allotment at a level, however many
 *      times it blocked on the way, it moves down a level. (Time counts
 *      across blocking, so a job cannot stay on top by sleeping just
 *      before its allotment runs out.)
 *   5. Every `boost` ms, every process moves back to the top.
 *
 * Parameters: `levels` (3), `quantum` per level (10,20,40 ms), `allot`
 * per level (the same as the quantum by default: one full turn), `boost`
 * in ms (1000; 0 for none). A single value for a per-level list applies
 * to every level.
 *
 * A boost moves the queued processes by splicing the lower queues onto
 * the top one (O(levels)); the others (running or asleep) learn of it
 * from the boost epoch when they next queue or are charged.
 */
#include "kernel/errno.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/policy.h"
#include "kernel/sched/queue.h"

#define MAX_LEVELS SCHED_MAX_VALUES

enum { LEVELS, QUANTUM, ALLOT, BOOST };

static const struct sched_param params[] = {
  [LEVELS] = { "levels", "", 1, 1, MAX_LEVELS, 1 },
  [QUANTUM] = SCHED_QUANTUM_PARAM(MAX_LEVELS),
  [ALLOT] = { "allot", "ms", 1, 1, 100000, MAX_LEVELS },
  [BOOST] = { "boost", "ms", 1, 0, 100000, 1 },
};

static const struct sched_config defaults = {
  .count = { [LEVELS] = 1, [QUANTUM] = 3, [ALLOT] = 3, [BOOST] = 1 },
  .value = { [LEVELS] = { 3 }, [QUANTUM] = { 10, 20, 40 }, [ALLOT] = { 10, 20, 40 },
             [BOOST] = { 1000 } },
};

static struct fifo queue[MAX_LEVELS];  /* [runq_lock] */
static int nlevels;                    /* [runq_lock] */
static uint64 quantum[MAX_LEVELS];     /* [runq_lock] time units */
static uint64 allot[MAX_LEVELS];       /* [runq_lock] time units */
static uint64 boost, next_boost;       /* [runq_lock] boost 0: none */
static uint64 last_boost;              /* [runq_lock] when the last one was */
static uint epoch;                     /* [runq_lock] boosts so far */

/* A per-level list's value at level lv: one value serves every level. */
static int64 per_level(const struct sched_config *cfg, int param, int lv)
{
  return cfg->count[param] == 1 ? cfg->value[param][0] : cfg->value[param][lv];
}

static int mlfq_check(const struct sched_config *cfg)
{
  int n = cfg->value[LEVELS][0];
  for (int p = QUANTUM; p <= ALLOT; p++) {
    if (cfg->count[p] != 1 && cfg->count[p] != n)
      return -EINVAL;
  }
  return 0;
}

static void mlfq_start(const struct sched_config *cfg)
{
  nlevels = cfg->value[LEVELS][0];
  for (int i = 0; i < nlevels; i++) {
    fifo_init(&queue[i]);
    quantum[i] = sched_ms(per_level(cfg, QUANTUM, i));
    allot[i] = sched_ms(per_level(cfg, ALLOT, i));
  }
  boost = sched_ms(cfg->value[BOOST][0]);
  last_boost = sched_now();
  next_boost = last_boost + boost;
  epoch = 0;
}

/* Bring p's level up to date: a new process, one from another policy,
   or one a boost has passed since, is at the top with nothing used. */
static void current_level(struct proc *p)
{
  struct sched_entity *se = &p->sched;
  if (sched_fresh(p) || se->epoch != epoch) {
    se->level = 0;
    se->allot_used = 0;
    se->epoch = epoch;
  }
}

static void mlfq_enqueue(struct proc *p, enum sched_join why)
{
  current_level(p);
  if (why == JOIN_NEW) {
    p->sched.level = 0;
    p->sched.allot_used = 0;
  }
  fifo_push(&queue[p->sched.level], p);
}

static void mlfq_dequeue(struct proc *p)
{
  /* A boost may have spliced p onto the top queue since it was queued:
     the queues are circular lists, so removal needs no head. */
  fifo_remove(&queue[p->sched.epoch == epoch ? p->sched.level : 0], p);
}

static struct proc *mlfq_pick(void)
{
  for (int i = 0; i < nlevels; i++) {
    if (queue[i].n > 0) {
      struct proc *p = fifo_pop(&queue[i]);
      current_level(p);
      return p;
    }
  }
  return 0;
}

/* The level's quantum, cut short where the allotment runs out first. */
static uint64 mlfq_slice(struct proc *p)
{
  struct sched_entity *se = &p->sched;
  uint64 left = allot[se->level] - se->allot_used;
  return left < quantum[se->level] ? left : quantum[se->level];
}

static void mlfq_charge(struct proc *p, uint64 ran, enum sched_left how)
{
  struct sched_entity *se = &p->sched;
  /* A turn a boost fell in counts at the top only from the boost on. */
  if (se->epoch != epoch && ran > sched_now() - last_boost)
    ran = sched_now() - last_boost;
  current_level(p);
  se->allot_used += ran;
  if (se->allot_used >= allot[se->level]) {
    if (se->level + 1 < nlevels)
      se->level++;
    se->allot_used = 0;
  }
}

static int mlfq_preempts(struct proc *p, struct proc *running)
{
  current_level(running);
  return p->sched.level < running->sched.level;
}

/* Rule 5, the boost: everyone to the top, the queued by splicing the
   queues, the running by asking their harts back (so that they start a
   turn with the top's quantum, as the boost has made them top jobs). */
static int mlfq_tick(uint64 now)
{
  if (boost == 0 || now < next_boost)
    return 0;
  last_boost = now;
  next_boost = now + boost;
  epoch++;
  for (int i = 1; i < nlevels; i++)
    fifo_append(&queue[0], &queue[i]);
  sched_note(SCHED_EV_BOOST, 0, epoch);
  return 1;
}

static int mlfq_level(struct proc *p)
{
  return p->sched.epoch == epoch ? p->sched.level : 0;
}

const struct sched_policy policy_mlfq = {
  .name = "mlfq",
  .about = "multi-level feedback queue (OSTEP's rules 1-5): levels, allotments, boosts",
  .params = params,
  .nparams = sizeof(params) / sizeof(params[0]),
  .defaults = &defaults,
  .rules = "quantum and allot: one value for every level, or one per level",
  .start = mlfq_start,
  .enqueue = mlfq_enqueue,
  .dequeue = mlfq_dequeue,
  .pick = mlfq_pick,
  .slice = mlfq_slice,
  .charge = mlfq_charge,
  .preempts = mlfq_preempts,
  .tick = mlfq_tick,
  .check = mlfq_check,
  .level = mlfq_level,
};
