/*
 * sleeplock.c: locks held across sleeps, for disk I/O (kernel/lib/sleeplock.h).
 * The spinlock sl->lk guards the fields; a waiter sleeps on the sleeplock.
 */
#include "kernel/lib/sleeplock.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/sleep.h"

void sleeplock_init(struct sleeplock *sl, const char *name)
{
  spin_init(&sl->lk, "sleeplock");
  sl->name = name;
  sl->locked = 0;
  sl->pid = 0;
}

void sleeplock_acquire(struct sleeplock *sl)
{
  /* It may sleep, and a spinlock must never be held across a sleep: the
     lock order puts every sleep lock before every spinlock. */
  KASSERT(spin_none_held());
  spin_acquire(&sl->lk);
  while (sl->locked)
    proc_sleep(sl, &sl->lk);
  sl->locked = 1;
  sl->pid = myproc()->pid;
  myproc()->sleeplocks++;
  spin_release(&sl->lk);
}

void sleeplock_release(struct sleeplock *sl)
{
  spin_acquire(&sl->lk);
  KASSERT(sl->pid == myproc()->pid); /* released by its holder */
  myproc()->sleeplocks--;
  sl->locked = 0;
  sl->pid = 0;
  proc_wakeup(sl);
  spin_release(&sl->lk);
}

int sleeplock_holding(struct sleeplock *sl)
{
  spin_acquire(&sl->lk);
  int held = sl->locked && sl->pid == myproc()->pid;
  spin_release(&sl->lk);
  return held;
}
