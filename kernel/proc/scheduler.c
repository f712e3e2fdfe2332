/*
 * scheduler.c: the scheduling mechanism: each hart's scheduler loop,
 * sched() and yield, and waking idle harts.
 *
 * Every process has a kernel thread. A process gives up its hart by
 * calling sched(), which swtch()es to the hart's scheduler thread (in
 * scheduler()); the scheduler asks the policy (kernel/sched/policy.h)
 * for the next runnable process and swtch()es to it. p->lock is held
 * across each switch, so a process is never seen half switched. Which
 * process runs next is the policy's decision alone: nothing here names a
 * policy.
 *
 * The scheduler charges a process for each turn and puts it back on the
 * run queue itself when it is still runnable (a preempted or yielding
 * process does not queue itself), so the policy always knows how long the
 * turn was before it decides where the process goes.
 *
 * A hart with nothing to run first polls the run queue for a moment
 * (poll_for_work), then waits in wfi with its bit set in idle_harts;
 * proc_make_runnable sends one such hart an IPI, or, with none idle (a
 * polling hart takes the process itself), asks the policy whether the new
 * process should take a running one's hart (preempt_for).
 *
 * Locks: each p->lock; runq_lock (kernel/sched/sched.c), inside it.
 */
#include "kernel/lib/printf.h"
#include "kernel/mm/vm.h"
#include "kernel/proc/clock.h"
#include "kernel/proc/internal.h"
#include "kernel/sched/sched.h"
#include "kernel/riscv/csr.h"
#include "kernel/riscv/hart.h"
#include "kernel/riscv/timer.h"
#include "kernel/riscv/trap.h"
#include "kernel/lib/hot.h"

struct cpu cpus[NCPU] HOT_DATA;

/* Harts waiting in wfi for work: bit h is hart h. Changed only with
   atomic operations. */
static volatile uint64 idle_harts HOT_DATA;

/* Wake one idle hart other than this one, if there is any. Its bit is
   claimed first, so that several processes made runnable at once wake
   as many harts rather than all signalling the same one. Returns whether
   it woke one. */
HOT static int wake_idle_hart(void)
{
  uint64 me = mycpu()->hartid;
  for (uint64 h = 0; h < NCPU; h++) {
    uint64 bit = 1UL << h;
    if (h == me || (idle_harts & bit) == 0)
      continue;
    if (__sync_fetch_and_and(&idle_harts, ~bit) & bit) {
      hart_send_ipi(h);
      return 1;
    }
  }
  return 0;
}

/* Ask hart c to give up the process it runs: its resched flag, and an IPI
   unless it is this hart, which looks at the flag on its way out of the
   trap it is in. */
static void ask_back(struct cpu *c)
{
  c->resched = 1;
  if (c != mycpu())
    hart_send_ipi(c->hartid);
}

/*
 * p has just become runnable and no hart is idle: if the policy says p
 * deserves a hart more than a process running now, ask that hart to
 * give it up.
 */
HOT static void preempt_for(struct proc *p)
{
  for (int h = 0; h < NCPU; h++) {
    struct cpu *c = &cpus[h];
    if (!c->started || c->proc == 0 || c->resched)
      continue;
    /* The running process itself is looked at under the policy's lock:
       unlocked, it may be exiting and freed by now. */
    if (sched_preempts(p, c)) {
      ask_back(c);
      return;
    }
  }
}

/* Is this hart between processes and not yet counted on to take one
   that just became runnable? Then count on it: it picks as soon as the
   interrupt it is in returns. */
HOT static int this_hart_takes_it(void)
{
  struct cpu *c = mycpu();
  if (c->proc != 0 || c->picks_next)
    return 0;
  c->picks_next = 1;
  return 1;
}

void proc_preempt_running(void)
{
  for (int h = 0; h < NCPU; h++) {
    struct cpu *c = &cpus[h];
    if (c->started && c->proc != 0 && !c->resched)
      ask_back(c);
  }
}

HOT void proc_make_runnable(struct proc *p, enum sched_join why)
{
  ASSERT_HELD(&p->lock);
  p->state = RUNNABLE;
  sched_enqueue(p, why);
  if (!this_hart_takes_it() && !wake_idle_hart())
    preempt_for(p);
}

/*
 * Switch to this hart's scheduler. The caller holds p->lock (and no other
 * lock) and has already changed p->state. intena belongs to this kernel
 * thread, not the hart, so it is saved across the switch.
 */
HOT void sched(void)
{
  struct proc *p = myproc();
  struct cpu *c = mycpu();
  if (!spin_holding(&p->lock))
    panic("sched: pid %d does not hold its lock", p->pid);
  if (c->noff != 1)
    panic("sched: pid %d holds %d locks", p->pid, c->noff);
  if (p->state == RUNNING)
    panic("sched: pid %d still RUNNING", p->pid);
  if (intr_get())
    panic("sched: interrupts on");

  int intena = c->intena;
  swtch(&p->context, &c->context);
  mycpu()->intena = intena;
}

/* Give up the hart, staying runnable: the scheduler puts p back on the
   run queue once it has charged it for its turn. */
HOT void proc_yield(void)
{
  struct proc *p = myproc();
  spin_acquire(&p->lock);
  p->state = RUNNABLE;
  sched();
  spin_release(&p->lock);
}

/* How p's turn ended, from the state it left the hart in. */
HOT static enum sched_left how_left(struct proc *p)
{
  if (p->state == RUNNABLE)
    return LEFT_PREEMPTED;
  return p->state == ZOMBIE ? LEFT_EXITED : LEFT_BLOCKED;
}

/* Run p, which is RUNNABLE and locked, until it gives the hart back. */
HOT static void run(struct cpu *c, struct proc *p)
{
  KASSERT(c->proc == 0);
  sched_unqueue(p); /* in case it was queued again meanwhile */
  int here = p->lastcpu == cpuid();
  p->state = RUNNING;
  p->nsched++;
  p->lastcpu = cpuid();
  c->proc = p;
  c->pid = p->pid;
  c->resched = 0;
  timer_set_busy(1);
  timer_set_slice(sched_dispatch(p));
  vm_switch_user(p->pagetable, &p->asid, here);
  uint64 t0 = r_time();
  p->acct_mark = t0;
  swtch(&c->context, &p->context);
  uint64 t1 = r_time();
  p->stime += t1 - p->acct_mark;
  c->busy_time += t1 - t0;
  /* p's table stays loaded until the next process's replaces it (or the
     kernel's, before wfi): vm.c's `loaded` says why, and how p's may
     still be freed meanwhile. A zombie's is of no more use, and its
     parent's wait must not wait for this hart to move on. */
  if (p->state == ZOMBIE)
    vm_switch(kernel_pagetable);
  c->proc = 0;
  c->pid = 0;
  /* Charge p for its turn before anyone can queue it again (a waker
     needs p->lock), then put it back if it is still runnable. */
  enum sched_left how = how_left(p);
  sched_charge(p, t1 - t0, how);
  if (how == LEFT_PREEMPTED)
    sched_enqueue(p, JOIN_PREEMPT);
}

/*
 * Before a hart halts, it watches the run queue for a moment. A process
 * that becomes runnable while no hart is idle is just queued (no IPI), and
 * the polling hart takes it at once. Waking a halted hart costs an IPI and,
 * under QEMU, the host's waking of that hart's thread: tens of
 * microseconds, often more than the whole wait (two processes passing a
 * byte back and forth on two harts). Virtual machines' kernels poll so
 * too (Linux's haltpoll). Interrupts are off meanwhile: they wait for
 * IDLE_POLL_US at most.
 */
#define IDLE_POLL_US 50

static struct proc *poll_for_work(uint64 seen)
{
  uint64 until = r_time() + clock_from_us(IDLE_POLL_US);
  while (r_time() < until) {
    if (sched_enqueues() != seen) {
      struct proc *p = sched_pick();
      if (p)
        return p;
      seen = sched_enqueues();
    }
  }
  return 0;
}

/*
 * Each hart's scheduler thread: forever take the next process from the
 * policy and run it until it gives the hart back. With nothing to run,
 * wait for an interrupt with wfi (interrupts masked, so one that arrives
 * between the check and the wfi still ends the wait).
 */
HOT void scheduler(void)
{
  struct cpu *c = mycpu();
  c->proc = 0;
  uint64 hartbit = 1UL << c->hartid;
  for (;;) {
    intr_off();
    c->picks_next = 0;
    uint64 seen = sched_enqueues(); /* before the pick: none may slip by */
    struct proc *p = sched_pick();
    if (p == 0)
      p = poll_for_work(seen);
    if (p == 0) {
      timer_set_slice(0); /* nothing runs: no slice to end, */
      timer_set_busy(0);  /* and no ticks to take; */
      vm_switch(kernel_pagetable); /* and no process's table to hold */
      /* Announce idleness, then look once more: an enqueue that missed
         the bit has already put its process where sched_pick will find it. */
      __sync_fetch_and_or(&idle_harts, hartbit);
      p = sched_pick();
      if (p == 0)
        wfi();
      __sync_fetch_and_and(&idle_harts, ~hartbit);
      if (p == 0) {
        intr_on();
        continue;
      }
    }
    spin_acquire(&p->lock);
    if (p->state == RUNNABLE)
      run(c, p);
    spin_release(&p->lock);
    intr_on();
  }
}
