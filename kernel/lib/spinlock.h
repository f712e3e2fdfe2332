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
static inline void spin_acquire(struct spinlock *lk);
static inline void spin_release(struct spinlock *lk);
/* spin_acquire's slow path: lk was busy (spinlock.c). */
void spin_acquire_wait(struct spinlock *lk);
/* spin_release called without lk held: panics (spinlock.c). */
void spin_release_unheld(struct spinlock *lk) __attribute__((noreturn, cold));
/* Take lk if it is free now: 1 if taken (then as spin_acquire), else 0. */
int spin_try_acquire(struct spinlock *lk);

/*
 * The helpers below are inline: they run a dozen times or more per system
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

/*
 * Turn interrupts off, nesting: intr_pop turns them back on after the
 * last pop if they were on before the first push.
 *
 * Under QEMU every CSR access, a read too, ends the translated block and
 * goes back to QEMU's main loop, so a push that is not the first touches
 * no CSR: noff > 0 means interrupts are already off. That test reads noff
 * through tp in one instruction, so it is this hart's even if the thread
 * could be moved to another hart just before or after (only with noff 0,
 * interrupts on); noff > 0 pins the thread where it is. The first push
 * turns interrupts off and learns whether they were on in one csrrci.
 */
static inline void intr_push(void)
{
  int depth = THIS_CPU_INT(noff);
  if (depth > 0) {
    mycpu()->noff = depth + 1;
    return;
  }
  uint64 was = intr_off_was();
  struct cpu *c = mycpu();
  c->intena = (was & SSTATUS_SIE) != 0;
  c->noff = 1;
}

/* The outermost pop checks, in the same csrrsi that turns interrupts back
   on, that nothing turned them on while they were pushed. */
static inline void intr_pop(void)
{
  struct cpu *c = mycpu();
  if (c->noff < 1)
    panic("intr_pop: not pushed (noff %d)", c->noff);
  c->noff--;
  if (c->noff == 0 && c->intena && (intr_on_was() & SSTATUS_SIE))
    panic("intr_pop: interrupts were on");
}

/* Are interrupts off on this hart? Pushed, or else off in sstatus: in
   the first case no CSR is read. */
static inline int intr_are_off(void)
{
  return THIS_CPU_INT(noff) > 0 || !intr_get();
}

int spin_none_held(void); /* does this hart hold no spinlock at all? */

/*
 * spin_acquire and spin_release are inline too: under QEMU the return of
 * each call is a lookup of translated code, and a system call takes
 * and lets go of several locks. Inline is only the case of a free lock;
 * a busy one (and the check that this hart is not the holder, which
 * would wait forever) is spin_acquire_wait's.
 */
static inline void spin_acquire(struct spinlock *lk)
{
  intr_push();
  /* amoswap with acquire ordering: no load or store of the critical
     section moves above this point. */
  if (__sync_lock_test_and_set(&lk->locked, 1) != 0)
    spin_acquire_wait(lk);
  __sync_synchronize();
  lk->cpu = mycpu();
}

static inline void spin_release(struct spinlock *lk)
{
  if (!spin_holding(lk))
    spin_release_unheld(lk);
  lk->cpu = 0;
  /* Everything written in the critical section is visible before the
     lock is seen free. */
  __sync_synchronize();
  __sync_lock_release(&lk->locked);
  intr_pop();
}

/* Assert that this hart holds lk. */
#define ASSERT_HELD(lk) KASSERT(spin_holding(lk))

#endif
