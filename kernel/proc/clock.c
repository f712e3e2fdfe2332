/*
 * clock.c: ticks since boot, sleeping for a number of ticks or of
 * microseconds, and time in microseconds (kernel/proc/clock.h).
 *
 * Ticks are not counted but read off the time CSR: tick k is the moment
 * boot_time + k * tick_len, so uptime() is exact whether or not any hart
 * took an interrupt then, and an idle machine needs none (timer.c ticks
 * only on harts that run processes, for the scheduling policy).
 *
 * A sleeping process waits on its own entry in `sleepers`, a list kept in
 * deadline order (time CSR units); those with the same deadline are in
 * the order they went to sleep. sleep(n) sleeps until the moment of the
 * n-th tick from now, usleep() until its own moment. The list's first
 * deadline is always armed on some hart's timer (timer_set_wake): the
 * hart that puts a sleeper first arms its own; a hart whose wake-up fires
 * wakes exactly the sleepers that are due, in order, and arms itself for
 * the new first one. So a sleeper never runs before its time, and
 * processes whose sleeps end together become runnable in the order they
 * began. A first sleeper that leaves early (a signal) leaves its hart
 * armed for a moment when nothing is due: that hart then just arms for
 * the new first deadline, later.
 *
 * Locks: tick_lock guards the list; it is the lock sleepers sleep with.
 * Inserting is linear in the number of sleepers, waking constant per
 * sleeper woken.
 */
#include "kernel/param.h"
#include "kernel/proc/clock.h"
#include "kernel/proc/sleep.h"
#include "kernel/sched/sched.h"
#include "kernel/riscv/csr.h"
#include "kernel/riscv/timer.h"
#include "kernel/lib/hot.h"

#define US_PER_SEC 1000000

/* One sleeping process, on its own kernel stack. */
struct sleeper {
  uint64 deadline;         /* the time CSR value it waits for */
  struct sleeper *next;    /* [tick_lock] */
  int listed;              /* [tick_lock] on the list? */
};

static struct spinlock tick_lock;
static struct sleeper *sleepers;  /* [tick_lock] by deadline, earliest first */
static uint64 timebase_hz HOT_DATA; /* [I] time CSR units per second */
static uint64 boot_time;          /* [I] the time CSR at tick 0 */
static uint64 tick_len;           /* [I] time CSR units per tick */

void clock_init(uint64 timebase)
{
  spin_init(&tick_lock, "tick_lock");
  timebase_hz = timebase;
  tick_len = timebase / TICK_HZ;
  boot_time = r_time();
}

uint64 clock_next_tick(uint64 now)
{
  return boot_time + ((now - boot_time) / tick_len + 1) * tick_len;
}

uint64 clock_tick_number(uint64 when)
{
  return (when - boot_time) / tick_len;
}

/* Put s on *list after every entry due no later. tick_lock held. */
static void list_sleeper(struct sleeper **list, struct sleeper *s)
{
  struct sleeper **pp = list;
  while (*pp && (*pp)->deadline <= s->deadline)
    pp = &(*pp)->next;
  s->next = *pp;
  *pp = s;
  s->listed = 1;
}

static void unlist_sleeper(struct sleeper **list, struct sleeper *s)
{
  for (struct sleeper **pp = list; *pp; pp = &(*pp)->next) {
    if (*pp == s) {
      *pp = s->next;
      s->listed = 0;
      return;
    }
  }
}

/* Wake the sleepers at the front of *list whose deadline is no later
   than now, in order. tick_lock held. */
static void wake_due(struct sleeper **list, uint64 now)
{
  while (*list && (*list)->deadline <= now) {
    struct sleeper *s = *list;
    *list = s->next;
    s->listed = 0;
    proc_wakeup(s);
  }
}

void clock_tick(void)
{
  sched_tick();
}

/* Wake the sleepers that are due, and arm this hart for the first still
   asleep. Interrupts off. */
void clock_wake(void)
{
  spin_acquire(&tick_lock);
  wake_due(&sleepers, r_time());
  if (sleepers)
    timer_set_wake(sleepers->deadline);
  spin_release(&tick_lock);
}

uint64 clock_ticks(void)
{
  return clock_tick_number(r_time());
}

HOT uint64 clock_to_us(uint64 t)
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

/* Sleep until the time CSR reaches me->deadline, or a signal or kill ends
   it early. tick_lock held; returns 0 or what proc_sleep_intr returned,
   with me off the list. */
static int wait_on(struct sleeper *me)
{
  int intr = 0;
  me->listed = 0;
  while (r_time() < me->deadline) {
    if (!me->listed) {
      list_sleeper(&sleepers, me);
      if (sleepers == me)
        timer_set_wake(me->deadline);
    }
    if ((intr = proc_sleep_intr(me, &tick_lock)) != 0)
      break;
  }
  if (me->listed)
    unlist_sleeper(&sleepers, me);
  return intr;
}

int clock_sleep(uint64 nticks, uint64 *left)
{
  struct sleeper me;
  spin_acquire(&tick_lock);
  uint64 until = clock_tick_number(r_time()) + nticks;
  me.deadline = boot_time + until * tick_len;
  int intr = wait_on(&me);
  uint64 now = clock_tick_number(r_time());
  *left = intr && until > now ? until - now : 0;
  spin_release(&tick_lock);
  return intr;
}

int clock_sleep_until(uint64 when, uint64 *left)
{
  struct sleeper me;
  spin_acquire(&tick_lock);
  me.deadline = when;
  int intr = wait_on(&me);
  uint64 now = r_time();
  *left = intr && me.deadline > now ? clock_to_us(me.deadline - now) : 0;
  spin_release(&tick_lock);
  return intr;
}
