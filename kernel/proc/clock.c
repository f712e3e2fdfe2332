/*
 * clock.c: ticks since boot, sleeping for a number of ticks, and time in
 * microseconds (kernel/proc/clock.h).
 *
 * The tick wakes sleepers only when the earliest of their deadlines is
 * due, not on every tick; the ones that woke early record their deadline
 * again. tick_lock guards `ticks`, which only clock_tick advances, and is
 * the lock sleepers on &ticks use.
 */
#include "kernel/param.h"
#include "kernel/proc/clock.h"
#include "kernel/proc/sleep.h"
#include "kernel/sched/sched.h"
#include "kernel/riscv/csr.h"

#define US_PER_SEC 1000000

static struct spinlock tick_lock;
static uint64 ticks;          /* [tick_lock] */
static uint64 next_wake;      /* [tick_lock] earliest tick a sleeper waits for */
#define NO_WAKE (~0UL)
static uint64 timebase_hz;    /* [I] time CSR units per second */

void clock_init(uint64 timebase)
{
  spin_init(&tick_lock, "tick_lock");
  timebase_hz = timebase;
  next_wake = NO_WAKE;
}

void clock_tick(void)
{
  sched_tick();
  spin_acquire(&tick_lock);
  ticks++;
  int wake = ticks >= next_wake;
  if (wake)
    next_wake = NO_WAKE;
  spin_release(&tick_lock);
  if (wake)
    proc_wakeup(&ticks);
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
  spin_acquire(&tick_lock);
  uint64 deadline = ticks + nticks;
  while (ticks < deadline) {
    if (deadline < next_wake)
      next_wake = deadline;
    int intr = proc_sleep_intr(&ticks, &tick_lock);
    if (intr) {
      *left = deadline - ticks;
      spin_release(&tick_lock);
      return intr;
    }
  }
  spin_release(&tick_lock);
  *left = 0;
  return 0;
}
