/*
 * clock.c: ticks since boot, sleeping for a number of ticks, and time in
 * microseconds (kernel/proc/clock.h).
 *
 * A process in sleep() waits on its own entry in `sleepers`, a list kept
 * in deadline order; each tick wakes exactly the entries whose deadline
 * has come, in that order (those with the same deadline in the order they
 * went to sleep), and no one else. So a sleeper never runs before its
 * time, and processes whose sleeps end together become runnable in the
 * order they began.
 *
 * Locks: tick_lock guards `ticks` and the list; it is the lock sleepers
 * sleep with. Inserting is linear in the number of sleepers, waking
 * constant per sleeper woken.
 */
#include "kernel/param.h"
#include "kernel/proc/clock.h"
#include "kernel/proc/sleep.h"
#include "kernel/sched/sched.h"
#include "kernel/riscv/csr.h"

#define US_PER_SEC 1000000

/* One sleeping process, on its own kernel stack. */
struct sleeper {
  uint64 deadline;         /* the tick it waits for */
  struct sleeper *next;    /* [tick_lock] */
  int listed;              /* [tick_lock] on the list? */
};

static struct spinlock tick_lock;
static uint64 ticks;              /* [tick_lock] */
static struct sleeper *sleepers;  /* [tick_lock] by deadline, earliest first */
static uint64 timebase_hz;        /* [I] time CSR units per second */

void clock_init(uint64 timebase)
{
  spin_init(&tick_lock, "tick_lock");
  timebase_hz = timebase;
}

/* Put s on the list after every entry due no later. tick_lock held. */
static void list_sleeper(struct sleeper *s)
{
  struct sleeper **pp = &sleepers;
  while (*pp && (*pp)->deadline <= s->deadline)
    pp = &(*pp)->next;
  s->next = *pp;
  *pp = s;
  s->listed = 1;
}

static void unlist_sleeper(struct sleeper *s)
{
  for (struct sleeper **pp = &sleepers; *pp; pp = &(*pp)->next) {
    if (*pp == s) {
      *pp = s->next;
      s->listed = 0;
      return;
    }
  }
}

void clock_tick(void)
{
  sched_tick();
  spin_acquire(&tick_lock);
  ticks++;
  while (sleepers && sleepers->deadline <= ticks) {
    struct sleeper *s = sleepers;
    sleepers = s->next;
    s->listed = 0;
    proc_wakeup(s);
  }
  spin_release(&tick_lock);
}

uint64 clock_ticks(void)
{
  spin_acquire(&tick_lock);
  uint64 t = ticks;
  spin_release(&tick_lock);
  return t;
}

uint64 clock_to_us(uint64 t)
{
  return t / (timebase_hz / US_PER_SEC);
}

uint64 clock_from_us(uint64 us)
{
  return us * (timebase_hz / US_PER_SEC);
}

uint64 clock_usec(void)
{
  return clock_to_us(r_time());
}

int clock_sleep(uint64 nticks, uint64 *left)
{
  struct sleeper me;
  spin_acquire(&tick_lock);
  me.deadline = ticks + nticks;
  me.listed = 0;
  while (ticks < me.deadline) {
    if (!me.listed)
      list_sleeper(&me);
    int intr = proc_sleep_intr(&me, &tick_lock);
    if (intr) {
      if (me.listed)
        unlist_sleeper(&me);
      *left = me.deadline - ticks;
      spin_release(&tick_lock);
      return intr;
    }
  }
  if (me.listed)
    unlist_sleeper(&me);
  spin_release(&tick_lock);
  *left = 0;
  return 0;
}
