/*
 * lottery.c: proportional share by lottery (OSTEP chapter 9;
 * kernel/sched/policy.h).
 *
 * Each process holds tickets (100 unless settickets or tickets said
 * otherwise). At each pick the policy draws one ticket at random from all
 * the runnable processes hold and runs the holder for a turn of `quantum`
 * ms; over many turns, each gets the CPU in proportion to its tickets.
 * The draw is a Fenwick tree over the holders (queue.h's struct draw), so
 * it costs O(log n). The random numbers come from xorshift64*, started
 * from `seed`: the same seed and workload give the same draws.
 */
#include "kernel/proc/proc.h"
#include "kernel/sched/policy.h"
#include "kernel/sched/queue.h"

enum { QUANTUM, SEED };

static const struct sched_param params[] = {
  [QUANTUM] = SCHED_QUANTUM_PARAM(1),
  [SEED] = { "seed", "", 1, 1, 0x7fffffff, 1 },
};

static const struct sched_config defaults = {
  .count = { [QUANTUM] = 1, [SEED] = 1 },
  .value = { [QUANTUM] = { SCHED_QUANTUM_DEFAULT }, [SEED] = { 1 } },
};

static struct draw runq;  /* [runq_lock] */
static uint64 quantum;    /* [runq_lock] time units */
static uint64 rng;        /* [runq_lock] xorshift64* state, never 0 */

/* The next pseudo-random number (Marsaglia's xorshift, multiplied). */
static uint64 next_random(void)
{
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return rng * 0x2545F4914F6CDD1DUL;
}

static void lottery_start(const struct sched_config *cfg)
{
  draw_init(&runq);
  quantum = sched_ms(cfg->value[QUANTUM][0]);
  rng = cfg->value[SEED][0];
}

static void lottery_enqueue(struct proc *p, enum sched_join why)
{
  sched_fresh(p);
  draw_push(&runq, p, p->sched.tickets);
}

static void lottery_dequeue(struct proc *p)
{
  draw_remove(&runq, p);
}

static struct proc *lottery_pick(void)
{
  if (runq.n == 0)
    return 0;
  struct proc *p = draw_find(&runq, next_random() % runq.total);
  draw_remove(&runq, p);
  return p;
}

static uint64 lottery_slice(struct proc *p)
{
  return quantum;
}

static void lottery_charge(struct proc *p, uint64 ran, enum sched_left how)
{
}

const struct sched_policy policy_lottery = {
  .name = "lottery",
  .about = "proportional share: each turn goes to a random ticket's holder",
  .params = params,
  .nparams = sizeof(params) / sizeof(params[0]),
  .defaults = &defaults,
  .start = lottery_start,
  .enqueue = lottery_enqueue,
  .dequeue = lottery_dequeue,
  .pick = lottery_pick,
  .slice = lottery_slice,
  .charge = lottery_charge,
};
