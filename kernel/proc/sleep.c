/*
 * sleep.c: sleep and wakeup (kernel/proc/sleep.h).
 *
 * Sleeping processes wait on hashed sleep queues instead of being found
 * by a scan of the whole table: proc_wakeup(chan) looks at one bucket,
 * the one SQ_HASH(chan) picks, and wakes the processes there that sleep
 * on chan, in the order they went to sleep (a bucket is a FIFO), so that
 * processes released together reach the run queue in that order.
 *
 * Locks: each bucket's sleepq_lock guards its list (p->sq_next,
 * p->sq_pprev of the processes on it); it is taken before p->lock.
 * proc_wakeup also holds the sleeper's p->lock when it unlinks it.
 */
#include "kernel/proc/internal.h"
#include "kernel/proc/sleep.h"
#include "kernel/lib/hot.h"

/* Sleep queues: a process sleeping on chan is on bucket SQ_HASH(chan).
   Channels are addresses, often at one offset in page-aligned objects
   (every pipe's nread, every struct proc): the page number counts as
   much as the offset. */
#define NSLEEPQ 256
#define SQ_MIX(a) (((a) >> 3) ^ ((a) >> 12) ^ ((a) >> 21))
#define SQ_HASH(chan) (SQ_MIX((uint64)(chan)) % NSLEEPQ)
static struct sleepq {
  struct spinlock lock;
  struct proc *head;   /* [lock] the first to have gone to sleep (proc_wakeup reads it unlocked) */
  struct proc **tailp; /* [lock] where the next sleeper is linked in */
} sleepq[NSLEEPQ];

void sleepq_init(void)
{
  for (int i = 0; i < NSLEEPQ; i++) {
    spin_init(&sleepq[i].lock, "sleepq_lock");
    sleepq[i].head = 0;
    sleepq[i].tailp = &sleepq[i].head;
  }
}

HOT static void sq_unlink(struct sleepq *q, struct proc *p)
{
  ASSERT_HELD(&q->lock);
  *p->sq_pprev = p->sq_next;
  if (p->sq_next)
    p->sq_next->sq_pprev = p->sq_pprev;
  else
    q->tailp = p->sq_pprev;
  p->sq_next = 0;
  p->sq_pprev = 0;
}

/*
 * Sleep on chan, unless interruptible and a signal is pending. Checking
 * under p->lock, which a sender holds while it marks a signal and then
 * wakes a SLEEPING target, leaves no window in which a signal can arrive
 * after the check and before the sleep without waking it.
 */
HOT static int sleep_on(void *chan, struct spinlock *lk, int interruptible)
{
  struct proc *p = myproc();
  struct sleepq *q = &sleepq[SQ_HASH(chan)];

  /* Holding q->lock before letting go of lk means a waker, which changes
     the condition under lk and then calls proc_wakeup, cannot look at the
     queue until we are on it and SLEEPING. */
  spin_acquire(&q->lock);
  spin_acquire(&p->lock);
  int intr = interruptible ? proc_pending_interrupt(p) : 0;
  if (intr) {
    spin_release(&p->lock);
    spin_release(&q->lock);
    return intr; /* lk still held */
  }
  /* At the tail: a wakeup wakes sleepers in the order they went to sleep. */
  p->sq_next = 0;
  p->sq_pprev = q->tailp;
  *q->tailp = p;
  q->tailp = &p->sq_next;
  p->chan = chan;
  p->state = SLEEPING;
  /* On the queue before lk is let go: see proc_wakeup. */
  spin_release(lk);
  spin_release(&q->lock);

  sched();

  p->chan = 0;
  /* proc_wakeup takes a sleeper off the queue holding its lock as well
     as q->lock, so with p->lock held sq_pprev says whether it did. */
  int queued = p->sq_pprev != 0;
  /* Interrupts stay off from p->lock to lk: turning them on and off
     again in between would cost two sstatus writes, each a trip out of
     QEMU's translated code, for an interrupt that can wait a moment. */
  intr_push();
  spin_release(&p->lock);
  if (queued) { /* woken by a signal rather than proc_wakeup */
    spin_acquire(&q->lock);
    if (p->sq_pprev)
      sq_unlink(q, p);
    spin_release(&q->lock);
  }
  spin_acquire(lk);
  intr_pop();
  return 0;
}

HOT void proc_sleep(void *chan, struct spinlock *lk)
{
  sleep_on(chan, lk, 0);
}

HOT int proc_sleep_intr(void *chan, struct spinlock *lk)
{
  return sleep_on(chan, lk, 1);
}

HOT void proc_wakeup(void *chan)
{
  struct proc *me = myproc();
  KASSERT(me == 0 || !spin_holding(&me->lock));
  struct sleepq *q = &sleepq[SQ_HASH(chan)];
  /* Nobody asleep in the bucket: nothing to do, and no lock to take. A
     sleeper is on its queue before it lets go of the lock that guards
     its condition (sleep_on), and the waker has taken that lock to change
     the condition, after the sleeper let go of it: so the waker sees the
     sleeper here. */
  if (__atomic_load_n(&q->head, __ATOMIC_ACQUIRE) == 0)
    return;
  spin_acquire(&q->lock);
  struct proc *p = q->head;
  while (p) {
    struct proc *next = p->sq_next;
    /* Others on this bucket sleep on other channels: pass them by
       without their locks. A process here has p->chan set to the
       channel it sleeps on, or cleared once woken (under p->lock only),
       so a look without the lock can only skip one that is not asleep
       on chan. */
    if (__atomic_load_n(&p->chan, __ATOMIC_RELAXED) != chan) {
      p = next;
      continue;
    }
    spin_acquire(&p->lock);
    if (p->state == SLEEPING && p->chan == chan) {
      sq_unlink(q, p);
      proc_make_runnable(p, JOIN_WAKE);
    }
    spin_release(&p->lock);
    p = next;
  }
  spin_release(&q->lock);
}
