/*
 * timer.c: ticks and time slices, from the supervisor timer
 * (kernel/riscv/timer.h).
 *
 * Each hart has one compare register: with the Sstc extension it writes
 * stimecmp directly (about 0.1 us under QEMU), else it asks SBI
 * set_timer (about 1.3 us). Writing it also clears a pending timer
 * interrupt. A hart arms it for the earliest of its three deadlines: the
 * next tick (only while it runs processes), the end of the running
 * process's slice, and a sleeper's deadline the clock asked it to watch.
 *
 * Tickless when idle: a tick matters only to the scheduling policy
 * (clock_tick), and only while something runs. So each busy hart arms
 * the moments of the ticks (clock_next_tick), the first hart to take
 * tick k claims it (last_tick), and only that one calls clock_tick; an
 * idle hart arms no tick, only sleepers' deadlines and one beat a second
 * (IDLE_BEAT_SECONDS, for QEMU's sake). uptime() reads ticks off the time
 * CSR, so it does not care who took which.
 *
 * Locks: none; the deadlines are per hart ([c] in cpu.h) and used with
 * interrupts off; last_tick changes by compare-and-swap.
 */
#include "kernel/param.h"
#include "kernel/lib/printf.h"
#include "kernel/proc/clock.h"
#include "kernel/proc/cpu.h"
#include "kernel/riscv/csr.h"
#include "kernel/riscv/sbi.h"
#include "kernel/riscv/timer.h"
#include "kernel/lib/spinlock.h" /* intr_are_off */
#include "kernel/lib/hot.h"

#define TIMER_NEVER (~0UL)
/* An idle hart still takes an interrupt this often. Nothing needs it but
   QEMU's instruction-count clock (DETERMINISTIC=1, -icount sleep=off):
   with every hart halted and no timer armed at all, it spins and never
   lets virtual time reach the next event (a disk completion hangs). */
#define IDLE_BEAT_SECONDS 1
static int sstc;              /* [I] use stimecmp? */
static uint64 idle_beat;      /* [I] an idle hart's interval between interrupts */
static uint64 last_tick;      /* [atomic] the latest tick some hart has taken */

void timer_init(uint64 timebase, int use_sstc)
{
  sstc = use_sstc;
  idle_beat = timebase * IDLE_BEAT_SECONDS;
}

static void set_timer(uint64 when)
{
  if (sstc)
    w_stimecmp(when);
  else
    sbi_set_timer(when);
}

/* Arm the compare register for this hart's earlier deadline. */
static void arm(struct cpu *c)
{
  uint64 when = c->slice_end;
  if (c->next_tick < when)
    when = c->next_tick;
  if (c->wake_at < when)
    when = c->wake_at;
  if (when != c->armed_for) {
    set_timer(when);
    c->armed_for = when;
  }
}

void timer_inithart(void)
{
  struct cpu *c = mycpu();
  c->busy = 0; /* idle until it runs something */
  c->next_tick = r_time() + idle_beat;
  c->slice_end = TIMER_NEVER;
  c->wake_at = TIMER_NEVER;
  c->armed_for = 0;
  arm(c);
  CSR_SET(sie, SIE_STIE);
}

HOT void timer_set_slice(uint64 slice, uint64 now)
{
  KASSERT(intr_are_off());
  struct cpu *c = mycpu();
  c->slice_end = slice ? now + slice : TIMER_NEVER;
  arm(c);
}

HOT void timer_set_busy(int busy)
{
  KASSERT(intr_are_off());
  struct cpu *c = mycpu();
  if (busy == c->busy)
    return;
  c->busy = busy;
  uint64 now = r_time();
  c->next_tick = busy ? clock_next_tick(now) : now + idle_beat;
  arm(c);
}

/* Tick k has come on this hart: take it unless another hart has. */
static void take_tick(uint64 k)
{
  uint64 last = __atomic_load_n(&last_tick, __ATOMIC_RELAXED);
  while (k > last) {
    if (__atomic_compare_exchange_n(&last_tick, &last, k, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
      clock_tick();
      return;
    }
  }
}

void timer_set_wake(uint64 when)
{
  KASSERT(intr_are_off());
  struct cpu *c = mycpu();
  if (when < c->wake_at) {
    c->wake_at = when;
    arm(c);
  }
}

HOT int timer_intr(void)
{
  struct cpu *c = mycpu();
  uint64 now = r_time();
  int ended = 0;
  /* The compare register fired: it is spent until written again. */
  c->armed_for = 0;
  if (c->next_tick <= now) {
    if (c->busy)
      take_tick(clock_tick_number(now));
    c->next_tick = c->busy ? clock_next_tick(now) : now + idle_beat;
  }
  if (c->wake_at <= now) {
    c->wake_at = TIMER_NEVER;
    clock_wake(); /* may arm us again, for the next sleeper */
  }
  if (c->slice_end <= now) {
    c->slice_end = TIMER_NEVER;
    ended = 1;
  }
  arm(c);
  return ended;
}
