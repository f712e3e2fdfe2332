/*
 * timer.c: ticks and time slices, from the supervisor timer
 * (kernel/riscv/timer.h).
 *
 * Each hart has one compare register: with the Sstc extension it writes
 * stimecmp directly (about 0.1 us under QEMU), else it asks SBI
 * set_timer (about 1.3 us). Writing it also clears a pending timer
 * interrupt. A hart arms it for the earliest of its three deadlines: the
 * next tick (the tick hart only), the end of the running process's
 * slice, and a usleep() deadline the clock asked it to watch. Ticks are counted from when they were due, not from when the
 * interrupt was taken, so a late interrupt costs uptime() nothing.
 *
 * Locks: none; the deadlines are per hart ([c] in cpu.h) and used with
 * interrupts off, the rest is set at boot.
 */
#include "kernel/param.h"
#include "kernel/lib/printf.h"
#include "kernel/proc/clock.h"
#include "kernel/proc/cpu.h"
#include "kernel/riscv/csr.h"
#include "kernel/riscv/sbi.h"
#include "kernel/riscv/timer.h"

#define TIMER_NEVER (~0UL)
static uint64 tick_interval;  /* [I] timebase units per tick */
static int sstc;              /* [I] use stimecmp? */
static uint64 tick_hartid;    /* [I] the hart that counts ticks */

void timer_init(uint64 timebase, int use_sstc, uint64 tick_hart)
{
  tick_interval = timebase / TICK_HZ;
  sstc = use_sstc;
  tick_hartid = tick_hart;
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
  c->next_tick = c->hartid == tick_hartid ? r_time() + tick_interval : TIMER_NEVER;
  c->slice_end = TIMER_NEVER;
  c->wake_at = TIMER_NEVER;
  c->armed_for = 0;
  arm(c);
  CSR_SET(sie, SIE_STIE);
}

void timer_set_slice(uint64 slice)
{
  KASSERT(!intr_get());
  struct cpu *c = mycpu();
  c->slice_end = slice ? r_time() + slice : TIMER_NEVER;
  arm(c);
}

void timer_set_wake(uint64 when)
{
  KASSERT(!intr_get());
  struct cpu *c = mycpu();
  if (when < c->wake_at) {
    c->wake_at = when;
    arm(c);
  }
}

int timer_intr(void)
{
  struct cpu *c = mycpu();
  uint64 now = r_time();
  int ended = 0;
  /* The compare register fired: it is spent until written again. */
  c->armed_for = 0;
  while (c->next_tick <= now) {
    c->next_tick += tick_interval;
    clock_tick();
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
