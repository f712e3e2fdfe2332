/*
 * shortest.c: the shared run queue of sjf and stcf (kernel/sched/shortest.h).
 *
 * A job's length is what it declared with setexpected (schedtest declares
 * each job's, as OSTEP's simulator knows them), less the CPU it has used;
 * a process that declared nothing is judged by the textbook estimate of
 * its next CPU burst, tau = alpha * t + (1 - alpha) * tau, which the
 * switchboard keeps for every process (ps -l shows it as EST).
 */
#include "kernel/proc/proc.h"
#include "kernel/sched/queue.h"
#include "kernel/sched/shortest.h"

enum { ALPHA };

const struct sched_param shortest_params[] = {
  [ALPHA] = { "alpha", "", 1000, 0, 1000, 1 },
};


const struct sched_config shortest_defaults = {
  .count = { [ALPHA] = 1 },
  .value = { [ALPHA] = { 500 } },
};

static struct heap runq; /* [runq_lock] */

/* Shorter first; at a tie, the one runnable longer, then the lower pid. */
static int shorter(const struct proc *a, const struct proc *b)
{
  uint64 ra = sched_remaining((struct proc *)a), rb = sched_remaining((struct proc *)b);
  if (ra != rb)
    return ra < rb;
  if (a->sched.runnable_since != b->sched.runnable_since)
    return a->sched.runnable_since < b->sched.runnable_since;
  return a->pid < b->pid;
}

void shortest_start(const struct sched_config *cfg)
{
  heap_init(&runq, shorter);
  sched_alpha = cfg->value[ALPHA][0];
}

void shortest_enqueue(struct proc *p, enum sched_join why)
{
  sched_fresh(p);
  heap_push(&runq, p);
}

void shortest_dequeue(struct proc *p)
{
  heap_remove(&runq, p);
}

struct proc *shortest_pick(void)
{
  return heap_pop(&runq);
}

uint64 shortest_slice(struct proc *p)
{
  return 0; /* until it blocks or (stcf) a shorter one arrives */
}

void shortest_charge(struct proc *p, uint64 ran, enum sched_left how)
{
}
