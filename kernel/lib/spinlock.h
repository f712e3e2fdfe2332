/*
 * spinlock.h: mutual exclusion for short critical sections.
 *
 * A spinlock busy-waits. Holding one keeps interrupts off on this hart
 * (spin_acquire calls intr_push, spin_release calls intr_pop), so an
 * interrupt handler on the same hart can never spin on a lock its own
 * hart holds. intr_push/intr_pop nest: interrupts come back on only when
 * the outermost pop runs and they were on before the first push.
 * Never sleep while holding a spinlock.
 */
#ifndef KERNEL_LIB_SPINLOCK_H
#define KERNEL_LIB_SPINLOCK_H

#include "kernel/types.h"
#include "kernel/lib/printf.h" /* KASSERT, for ASSERT_HELD */

struct cpu;

struct spinlock {
  uint locked;      /* nonzero while held */
  const char *name; /* for panics and debugging */
  struct cpu *cpu;  /* holder, while held */
};

void spin_init(struct spinlock *lk, const char *name);
void spin_acquire(struct spinlock *lk);
void spin_release(struct spinlock *lk);
/* Take lk if it is free now: 1 if taken (then as spin_acquire), else 0. */
int spin_try_acquire(struct spinlock *lk);
int spin_holding(struct spinlock *lk); /* held by this hart? */

void intr_push(void);
void intr_pop(void);
int spin_none_held(void); /* does this hart hold no spinlock at all? */

/* Assert that this hart holds lk. */
#define ASSERT_HELD(lk) KASSERT(spin_holding(lk))

#endif
