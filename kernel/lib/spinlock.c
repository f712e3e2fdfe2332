/*
 * spinlock.c: spinlocks and the nesting interrupt switch (kernel/lib/spinlock.h).
 *
 * spin_acquire turns interrupts off before it spins, and keeps them off
 * until the matching spin_release: an interrupt handler that wanted the
 * same lock on the same hart would otherwise spin forever.
 */
#include "kernel/lib/spinlock.h"
#include "kernel/lib/printf.h"
#include "kernel/proc/cpu.h"
#include "kernel/riscv/csr.h"
#include "kernel/lib/hot.h"

void spin_init(struct spinlock *lk, const char *name)
{
  lk->name = name;
  lk->locked = 0;
  lk->cpu = 0;
}

void spin_acquire_wait(struct spinlock *lk)
{
  if (spin_holding(lk))
    panic("spin_acquire: %s already held by this hart", lk->name);
  while (__sync_lock_test_and_set(&lk->locked, 1) != 0)
    ;
}

HOT int spin_try_acquire(struct spinlock *lk)
{
  intr_push();
  if (spin_holding(lk))
    panic("spin_try_acquire: %s already held by this hart", lk->name);
  if (__sync_lock_test_and_set(&lk->locked, 1) != 0) {
    intr_pop();
    return 0;
  }
  __sync_synchronize();
  lk->cpu = mycpu();
  return 1;
}

void spin_release_unheld(struct spinlock *lk)
{
  panic("spin_release: %s not held by this hart", lk->name);
}

int spin_none_held(void)
{
  intr_push();
  int none = mycpu()->noff == 1; /* only the push just made */
  intr_pop();
  return none;
}
