/*
 * rr.c: round-robin scheduling policy (kernel/sched/policy.h).
 *
 * One FIFO run queue shared by all harts, guarded by runq_lock. A process
 * joins at the tail when it becomes runnable (including when the timer
 * preempts it after its one-tick quantum) and harts take from the head.
 */
#include "kernel/sched/policy.h"
#include "kernel/proc/proc.h"
#include "kernel/lib/printf.h"

static struct spinlock runq_lock;
static struct proc *head, *tail; /* [runq_lock] linked through p->rq_next */

static void rr_init(void)
{
  spin_init(&runq_lock, "runq_lock");
}

static void rr_enqueue(struct proc *p)
{
  ASSERT_HELD(&p->lock);
  spin_acquire(&runq_lock);
  if (!p->on_runq) {
    p->on_runq = 1;
    p->rq_next = 0;
    if (tail)
      tail->rq_next = p;
    else
      head = p;
    tail = p;
  }
  spin_release(&runq_lock);
}

static void rr_dequeue(struct proc *p)
{
  ASSERT_HELD(&p->lock);
  spin_acquire(&runq_lock);
  if (p->on_runq) {
    struct proc **pp = &head, *prev = 0;
    while (*pp != p) {
      prev = *pp;
      pp = &(*pp)->rq_next;
    }
    *pp = p->rq_next;
    if (tail == p)
      tail = prev;
    p->on_runq = 0;
  }
  spin_release(&runq_lock);
}

static struct proc *rr_pick(void)
{
  spin_acquire(&runq_lock);
  struct proc *p = head;
  if (p) {
    head = p->rq_next;
    if (head == 0)
      tail = 0;
    p->on_runq = 0;
  }
  spin_release(&runq_lock);
  return p;
}

static const struct sched_policy rr = {
  .name = "round-robin",
  .init = rr_init,
  .enqueue = rr_enqueue,
  .dequeue = rr_dequeue,
  .pick = rr_pick,
};

const struct sched_policy *const sched_policy = &rr;
