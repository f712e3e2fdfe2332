/*
 * scheduler.c: the scheduling mechanism: each hart's scheduler loop,
 * sched() and yield, and waking idle harts.
 *
 * Every process has a kernel thread. A process gives up its hart by
 * calling sched(), which charges it for its turn, asks the policy
 * (kernel/sched/policy.h) for the next runnable process and swtch()es
 * straight to it. Each hart also has a scheduler thread (scheduler()),
 * which takes over when nothing is runnable (it idles) or when the next
 * process's lock is busy. The locks of both processes are held across a
 * switch, and the thread switched to lets go of the old one's
 * (finish_switch), so a process is never seen half switched. Which
 * process runs next is the policy's decision alone: nothing here names a
 * policy.
 *
 * A process is charged for each turn as it leaves the hart, and the
 * charge puts it back on the run queue when it is still runnable (a
 * preempted or yielding process does not queue itself), so the policy
 * always knows how long the turn was before it decides where the process
 * goes.
 *
 * A hart with nothing to run first polls the run queue for a moment
 * (poll_for_work), then waits in wfi with its bit set in idle_harts;
 * proc_make_runnable sends one such hart an IPI, or, with none idle (a
 * polling hart takes the process itself), asks the policy whether the new
 * process should take a running one's hart (preempt_for).
 *
 * Locks: each p->lock; runq_lock (kernel/sched/sched.c), inside it. A
 * switch holds two p->locks, the second only tried (proc.h's order).
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

/* How p's turn ended, from the state it left the hart in. */
HOT static enum sched_left how_left(struct proc *p)
{
  if (p->state == RUNNABLE)
    return LEFT_PREEMPTED;
  return p->state == ZOMBIE ? LEFT_EXITED : LEFT_BLOCKED;
}

/* p, RUNNABLE and locked, takes this hart: its turn starts now, with its
   slice timed. Its page table is loaded once the switch is done
   (finish_switch). */
HOT static void enter(struct cpu *c, struct proc *p, uint64 now)
{
  KASSERT(c->proc == 0);
  c->proc_was_here = p->lastcpu == cpuid();
  p->state = RUNNING;
  p->nsched++;
  p->lastcpu = cpuid();
  c->proc = p;
  c->pid = p->pid;
  c->resched = 0;
  timer_set_busy(1);
  timer_set_slice(sched_dispatch(p, now), now);
  p->acct_mark = now;
  c->turn_start = now;
}

/* p's turn on this hart ends at time now (p is locked and has left
   RUNNING): account for it and charge it, which puts p back on the run
   queue if it is still runnable, and return the policy's next pick (or
   0). c->proc is cleared first: sched_preempts reads it under runq_lock,
   which the charge takes, so a process seen there is not reaped (and
   freed) before it lets go. */
HOT static struct proc *leave(struct cpu *c, struct proc *p, uint64 now)
{
  p->stime += now - p->acct_mark;
  c->busy_time += now - c->turn_start;
  c->proc = 0;
  c->pid = 0;
  return sched_charge_pick(p, now - c->turn_start, how_left(p), now);
}

/* After a switch, in the thread switched to: let go of the lock of the
   process switched from, now that its registers are saved. */
HOT static void release_handoff(struct cpu *c)
{
  struct proc *prev = c->handoff;
  c->handoff = 0;
  if (prev)
    spin_release(&prev->lock);
}

/*
 * The end of a switch to c->proc, in its own thread: the process
 * switched from is let go of, then c->proc's page table is loaded. In
 * that order because under QEMU the satp write empties the TLB: whatever
 * is touched after it is looked up again (kernel/lib/hot.h), and the old
 * process's pages need not be. Its table may still be loaded as it is
 * let go of; if it is a zombie, the parent's wait waits for this hart to
 * move on (vm.c's `loaded`), a moment with interrupts off.
 */
HOT static void finish_switch(struct cpu *c)
{
  release_handoff(c);
  struct proc *p = c->proc;
  vm_switch_user(p->pagetable, &p->asid, c->proc_was_here);
}

/*
 * Give up the hart. The caller holds p->lock (and no other lock) and has
 * already changed p->state; sched returns when p runs again, holding
 * p->lock once more. intena belongs to this kernel thread, not the hart,
 * so it is saved across the switch.
 *
 * The next process is picked here and switched to directly: one swtch,
 * not two through the scheduler thread. Its lock is taken before the
 * switch and p's is let go after it, by the thread switched to
 * (finish_switch), so neither process is ever seen half switched. Two
 * proc locks held at once could deadlock with a hart doing the same the
 * other way round, so the next one's is only tried: if it is busy, or
 * nothing is runnable, the hart's scheduler thread takes over.
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

  int intena = c->intena;
  /* The next turn on this hart starts when p's ends. */
  uint64 now = r_time();
  struct proc *next = leave(c, p, now);
  if (next == p) {
    /* Still runnable, and still the policy's choice: a new turn. */
    enter(c, p, now);
    return;
  }
  c->handoff = p;
  if (next && spin_try_acquire(&next->lock)) {
    if (next->state == RUNNABLE) {
      enter(c, next, now);
      swtch(&p->context, &next->context);
    } else {
      spin_release(&next->lock);
      swtch(&p->context, &c->context);
    }
  } else {
    c->next = next; /* 0, or one for the scheduler to wait for the lock of */
    swtch(&p->context, &c->context);
  }
  c = mycpu(); /* p may have moved */
  c->intena = intena;
  finish_switch(c);
}

/* The end of the switch that brought a new process to its first
   instructions (forkret). */
void proc_switch_finish(void)
{
  finish_switch(mycpu());
}

/* Give up the hart, staying runnable: sched() charges p for its turn,
   which puts it back on the run queue. */
HOT void proc_yield(void)
{
  struct proc *p = myproc();
  spin_acquire(&p->lock);
  p->state = RUNNABLE;
  sched();
  spin_release(&p->lock);
}

/*
 * Run p, which is RUNNABLE and locked, until a process gives the hart
 * back to this thread: p, or one that p (or its successor) switched to
 * directly. That one is still locked (finish_switch lets go).
 */
HOT static void run(struct cpu *c, struct proc *p)
{
  enter(c, p, r_time());
  swtch(&c->context, &p->context);
  /* The nesting count's saved interrupt state was the process thread's:
     the scheduler's own is off (it keeps them off between processes). */
  c->intena = 0;
  /* The last process's table stays loaded until the next one's replaces
     it (or the kernel's, before wfi): vm.c's `loaded` says why, and how
     it may still be freed meanwhile. A zombie's is of no more use, and
     its parent's wait must not wait for this hart to move on. */
  if (c->handoff->state == ZOMBIE)
    vm_switch(kernel_pagetable);
  release_handoff(c);
}

/*
 * Before a hart halts, it watches the run queue for a moment. A process
 * that becomes runnable while no hart is idle is just queued (no IPI), and
 * the polling hart takes it at once. Waking a halted hart costs an IPI and,
 * under QEMU, the host's waking of that hart's thread: tens of
 * microseconds, often more than the whole wait (two processes passing a
 * byte back and forth on two harts). Virtual machines' kernels poll so
 * too (Linux's haltpoll). Interrupts are off meanwhile, but one that is
 * pending is taken at once: a disk request's completion, which wakes the
 * process that waits for it, need not wait for the poll to end.
 */
#define IDLE_POLL_US 50

/* Let the interrupts pending on this hart run their handlers, which may
   make processes runnable; the scheduler thread otherwise keeps them
   off. */
static void take_interrupts(void)
{
  intr_on();
  intr_off();
}

static struct proc *poll_for_work(uint64 seen)
{
  uint64 until = r_time() + clock_from_us(IDLE_POLL_US);
  while (r_time() < until) {
    /* An interrupt waiting (a disk request done, say): take it now, not
       when the poll ends; its handler may make a process runnable. */
    if (CSR_READ(sip) & (SIE_SSIE | SIE_STIE | SIE_SEIE))
      take_interrupts();
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
  /* Interrupts are off here except while idle: from one process to the
     next they stay off (each sstatus write costs QEMU a trip out of its
     translated code), and the next process turns them on soon enough. */
  intr_off();
  for (;;) {
    c->picks_next = 0;
    /* Picked by sched(), which found its lock busy? */
    struct proc *p = c->next;
    c->next = 0;
    uint64 seen = sched_enqueues(); /* before the pick: none may slip by */
    if (p == 0)
      p = sched_pick();
    if (p == 0)
      p = poll_for_work(seen);
    if (p == 0) {
      timer_set_slice(0, 0); /* nothing runs: no slice to end, */
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
        take_interrupts(); /* the one that ended the wait */
        continue;
      }
    }
    spin_acquire(&p->lock);
    if (p->state == RUNNABLE)
      run(c, p);
    else
      spin_release(&p->lock);
  }
}
