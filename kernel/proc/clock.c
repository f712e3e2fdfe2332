/*
 * clock.c: ticks since boot, sleeping for a number of ticks or of
 * microseconds, and time in microseconds (kernel/proc/clock.h).
 *
 * A process in sleep() waits on its own entry in `sleepers`, a list kept
 * in deadline order; each tick wakes exactly the entries whose deadline
 * has come, in that order (those with the same deadline in the order they
 * went to sleep), and no one else. So a sleeper never runs before its
 * time, and processes whose sleeps end together become runnable in the
 * order they began.
 *
 * usleep() sleepers are on a second list, `timed`, in the same order,
 * with deadlines in time CSR units. They do not wait for a tick: the
 * list's first deadline is always armed on some hart's timer
 * (timer_set_wake). The hart that puts a sleeper first arms its own; a
 * hart whose wake-up fires wakes every sleeper that is due and arms
 * itself for the new first one. A first sleeper that leaves early (a
 * signal) leaves its hart armed for a moment when nothing is due: that
 * hart then just arms for the new first deadline, later.
 *
 * Locks: tick_lock guards `ticks` and both lists; it is the lock sleepers
 * sleep with. Inserting is linear in the number of sleepers, waking
 * constant per sleeper woken.
 */
#include "kernel/param.h"
#include "kernel/proc/clock.h"
#include "kernel/proc/sleep.h"
#include "kernel/sched/sched.h"
#include "kernel/riscv/csr.h"
#include "kernel/riscv/timer.h"

#define US_PER_SEC 1000000

/* One sleeping process, on its own kernel stack. */
struct sleeper {
  uint64 deadline;         /* the tick it waits for (timed: the time CSR value) */
  struct sleeper *next;    /* [tick_lock] */
  int listed;              /* [tick_lock] on the list? */
};

static struct spinlock tick_lock;
static uint64 ticks;              /* [tick_lock] */
static struct sleeper *sleepers;  /* [tick_lock] by deadline, earliest first */
static struct sleeper *timed;     /* [tick_lock] usleep()'s, the same way */
static uint64 timebase_hz;        /* [I] time CSR units per second */

void clock_init(uint64 timebase)
{
  spin_init(&tick_lock, "tick_lock");
  timebase_hz = timebase;
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

/* Wake the usleep()ers that are due, and arm this hart for the first
   still asleep. tick_lock held, interrupts off. */
static void wake_timed(void)
{
  wake_due(&timed, r_time());
  if (timed)
    timer_set_wake(timed->deadline);
}

void clock_tick(void)
{
  sched_tick();
  spin_acquire(&tick_lock);
  ticks++;
  wake_due(&sleepers, ticks);
  spin_release(&tick_lock);
}

void clock_wake(void)
{
  spin_acquire(&tick_lock);
  wake_timed();
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

/* Sleep on *list (sleepers or timed) until its clock (ticks, or the time
   CSR) reaches me->deadline, or a signal or kill ends it early. tick_lock
   held; returns 0 or what proc_sleep_intr returned, with me off the list. */
static int wait_on(struct sleeper **list, struct sleeper *me)
{
  int is_timed = list == &timed;
  int intr = 0;
  me->listed = 0;
  while ((is_timed ? r_time() : ticks) < me->deadline) {
    if (!me->listed) {
      list_sleeper(list, me);
      if (is_timed && *list == me)
        timer_set_wake(me->deadline);
    }
    if ((intr = proc_sleep_intr(me, &tick_lock)) != 0)
      break;
  }
  if (me->listed)
    unlist_sleeper(list, me);
  return intr;
}

int clock_sleep(uint64 nticks, uint64 *left)
{
  struct sleeper me;
  spin_acquire(&tick_lock);
  me.deadline = ticks + nticks;
  int intr = wait_on(&sleepers, &me);
  *left = intr && me.deadline > ticks ? me.deadline - ticks : 0;
  spin_release(&tick_lock);
  return intr;
}

int clock_sleep_until(uint64 when, uint64 *left)
{
  struct sleeper me;
  spin_acquire(&tick_lock);
  me.deadline = when;
  int intr = wait_on(&timed, &me);
  uint64 now = r_time();
  *left = intr && me.deadline > now ? clock_to_us(me.deadline - now) : 0;
  spin_release(&tick_lock);
  return intr;
}
