/*
 * sleeplock.h: mutual exclusion for long critical sections (disk I/O).
 * A process that finds the lock held sleeps instead of spinning, so the
 * holder may itself sleep. Only processes may take sleep locks.
 */
#ifndef KERNEL_LIB_SLEEPLOCK_H
#define KERNEL_LIB_SLEEPLOCK_H

#include "kernel/types.h"
#include "kernel/lib/spinlock.h"

struct sleeplock {
  uint locked;         /* [lk] nonzero while held */
  struct spinlock lk;  /* guards this structure */
  const char *name;    /* for debugging */
  int pid;             /* [lk] holder */
};

void sleeplock_init(struct sleeplock *sl, const char *name);
void sleeplock_acquire(struct sleeplock *sl);
void sleeplock_release(struct sleeplock *sl);
int sleeplock_holding(struct sleeplock *sl); /* held by the calling process? */

#endif
