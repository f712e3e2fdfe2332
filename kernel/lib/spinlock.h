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
#include "kernel/proc/cpu.h"   /* mycpu, for the inline parts below */

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

/*
 * The three below are inline: they run a dozen times or more per system
 * call, and under QEMU each call's return is a lookup of translated code
 * (the more so just after a switch has emptied QEMU's caches, see
 * kernel/lib/hot.h).
 */

/* Held by this hart? Call with interrupts off, so the answer cannot
   change under us. */
static inline int spin_holding(struct spinlock *lk)
{
  return lk->locked && lk->cpu == mycpu();
}

/* Turn interrupts off, nesting: intr_pop turns them back on after the
   last pop if they were on before the first push. */
static inline void intr_push(void)
{
  int was_on = intr_get();
  if (was_on)
    intr_off(); /* an sstatus write costs QEMU a trip out of translated code */
  struct cpu *c = mycpu();
  if (c->noff == 0)
    c->intena = was_on;
  c->noff++;
}

static inline void intr_pop(void)
{
  struct cpu *c = mycpu();
  if (intr_get())
    panic("intr_pop: interrupts are on");
  if (c->noff < 1)
    panic("intr_pop: not pushed (noff %d)", c->noff);
  c->noff--;
  if (c->noff == 0 && c->intena)
    intr_on();
}
int spin_none_held(void); /* does this hart hold no spinlock at all? */

/* Assert that this hart holds lk. */
#define ASSERT_HELD(lk) KASSERT(spin_holding(lk))

#endif
