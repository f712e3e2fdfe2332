/*
 * timer.c: the tick (kernel/proc/clock.h), from the supervisor timer.
 *
 * Each hart asks for its next interrupt one tick ahead: with the Sstc
 * extension by writing stimecmp directly (about 0.1 us under QEMU), else
 * through SBI set_timer (about 1.3 us). Writing the compare value also
 * clears the pending timer interrupt. tick_lock guards `ticks`, which only
 * the tick hart advances, and is the lock sleepers on &ticks use. The
 * other harts tick only while they run processes (for preemption), so an
 * idle machine takes one interrupt per tick in all. The
 * tick wakes sleepers only when the earliest of their deadlines is due,
 * not on every tick; the ones that woke early record their deadline again.
 */
#include "kernel/proc/clock.h"
#include "kernel/errno.h"
#include "kernel/proc/cpu.h"
#include "kernel/proc/sleep.h"
#include "kernel/riscv/csr.h"
#include "kernel/riscv/sbi.h"

static struct spinlock tick_lock;
static uint64 ticks;          /* [tick_lock] */
static uint64 next_wake;      /* [tick_lock] earliest tick a sleeper waits for */
#define NO_WAKE (~0UL)
#define TIMER_NEVER (~0UL)
static uint64 tick_interval;  /* [I] timebase units per tick */
static uint64 timebase_hz;    /* [I] */
static int sstc;              /* [I] use stimecmp? */
static uint64 tick_hartid;    /* [I] the hart that counts ticks */

void clock_init(uint64 timebase, int use_sstc, uint64 tick_hart)
{
  spin_init(&tick_lock, "tick_lock");
  timebase_hz = timebase;
  tick_interval = timebase / TICK_HZ;
  sstc = use_sstc;
  tick_hartid = tick_hart;
  next_wake = NO_WAKE;
}

static void set_timer(uint64 when)
{
  if (sstc)
    w_stimecmp(when);
  else
    sbi_set_timer(when);
}

static void arm_next_tick(void)
{
  set_timer(r_time() + tick_interval);
  mycpu()->timer_armed = 1;
}

void clock_inithart(void)
{
  arm_next_tick();
  CSR_SET(sie, SIE_STIE);
}

/* Timer interrupt on this hart. */
void clock_intr(void)
{
  struct cpu *c = mycpu();
  if (c->hartid != tick_hartid) {
    /* An idle hart needs no tick: it is woken by an IPI when there is
       work, and clock_busy() starts its tick again. */
    if (c->proc == 0) {
      set_timer(TIMER_NEVER);
      c->timer_armed = 0;
    } else {
      arm_next_tick();
    }
    return;
  }
  arm_next_tick();
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

/* This hart is about to run a process: make sure its tick is on, so the
   process can be preempted. Interrupts off. */
void clock_busy(void)
{
  if (!mycpu()->timer_armed)
    arm_next_tick();
}

uint64 clock_to_us(uint64 t)
{
  return t / (timebase_hz / 1000000);
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
