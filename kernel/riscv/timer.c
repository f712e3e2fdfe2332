/*
 * timer.c: the tick, from the supervisor timer (kernel/riscv/timer.h).
 *
 * Each hart asks for its next interrupt one tick ahead: with the Sstc
 * extension by writing stimecmp directly (about 0.1 us under QEMU), else
 * through SBI set_timer (about 1.3 us). Writing the compare value also
 * clears the pending timer interrupt. The tick hart passes each tick on
 * to the clock (kernel/proc/clock.c). The other harts tick only while
 * they run processes (for preemption), so an idle machine takes one
 * interrupt per tick in all.
 *
 * Locks: none; every field is per hart ([c] in cpu.h) or set at boot.
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

static void arm_next_tick(void)
{
  set_timer(r_time() + tick_interval);
  mycpu()->timer_armed = 1;
}

void timer_inithart(void)
{
  arm_next_tick();
  CSR_SET(sie, SIE_STIE);
}

/* Timer interrupt on this hart. */
void timer_intr(void)
{
  struct cpu *c = mycpu();
  if (c->hartid != tick_hartid) {
    /* An idle hart needs no tick: it is woken by an IPI when there is
       work, and timer_busy() starts its tick again. */
    if (c->proc == 0) {
      set_timer(TIMER_NEVER);
      c->timer_armed = 0;
    } else {
      arm_next_tick();
    }
    return;
  }
  arm_next_tick();
  clock_tick();
}

/* This hart is about to run a process: make sure its tick is on, so the
   process can be preempted. Interrupts off. */
void timer_busy(void)
{
  KASSERT(!intr_get());
  if (!mycpu()->timer_armed)
    arm_next_tick();
}
