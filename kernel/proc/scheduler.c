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
 * A hart with nothing to run waits in wfi with its bit set in
 * idle_harts; proc_make_runnable sends one such hart an IPI.
 *
 * Locks: each p->lock; the policy's run-queue lock, inside it.
 */
#include "kernel/lib/printf.h"
#include "kernel/mm/vm.h"
#include "kernel/proc/internal.h"
#include "kernel/sched/policy.h"
#include "kernel/riscv/csr.h"
#include "kernel/riscv/hart.h"
#include "kernel/riscv/timer.h"
#include "kernel/riscv/trap.h"

struct cpu cpus[NCPU];

/* Harts waiting in wfi for work: bit h is hart h. Changed only with
   atomic operations. */
static volatile uint64 idle_harts;

void scheduler_init(void)
{
  sched_policy->init();
}

struct cpu *mycpu(void)
{
  return (struct cpu *)r_tp();
}

int cpuid(void)
{
  return mycpu() - cpus;
}

/* Wake one idle hart other than this one, if there is any. Its bit is
   claimed first, so that several processes made runnable at once wake
   as many harts rather than all signalling the same one. */
static void wake_idle_hart(void)
{
  uint64 me = mycpu()->hartid;
  for (uint64 h = 0; h < NCPU; h++) {
    uint64 bit = 1UL << h;
    if (h == me || (idle_harts & bit) == 0)
      continue;
    if (__sync_fetch_and_and(&idle_harts, ~bit) & bit) {
      hart_send_ipi(h);
      return;
    }
  }
}

/* Put p on the run queue. p->lock held. */
static void enqueue(struct proc *p)
{
  ASSERT_HELD(&p->lock);
  p->state = RUNNABLE;
  sched_policy->enqueue(p);
}

void proc_make_runnable(struct proc *p)
{
  enqueue(p);
  wake_idle_hart();
}

/*
 * Switch to this hart's scheduler. The caller holds p->lock (and no other
 * lock) and has already changed p->state. intena belongs to this kernel
 * thread, not the hart, so it is saved across the switch.
 */
void sched(void)
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

void proc_yield(void)
{
  struct proc *p = myproc();
  spin_acquire(&p->lock);
  /* No idle hart is woken: it would only take p from this one, which
     looks for work next, and lose p's FP registers held here. */
  enqueue(p);
  sched();
  spin_release(&p->lock);
}

/*
 * Each hart's scheduler thread: forever take the next process from the
 * policy and run it until it gives the hart back. With nothing to run,
 * wait for an interrupt with wfi (interrupts masked, so one that arrives
 * between the check and the wfi still ends the wait).
 */
void scheduler(void)
{
  struct cpu *c = mycpu();
  c->proc = 0;
  uint64 hartbit = 1UL << c->hartid;
  for (;;) {
    intr_off();
    struct proc *p = sched_policy->pick();
    if (p == 0) {
      /* Announce idleness, then look once more: an enqueue that missed
         the bit has already put its process where pick() will find it. */
      __sync_fetch_and_or(&idle_harts, hartbit);
      p = sched_policy->pick();
      if (p == 0)
        wfi();
      __sync_fetch_and_and(&idle_harts, ~hartbit);
      if (p == 0) {
        intr_on();
        continue;
      }
    }
    spin_acquire(&p->lock);
    if (p->state == RUNNABLE) {
      sched_policy->dequeue(p); /* in case it was queued again meanwhile */
      p->state = RUNNING;
      p->nsched++;
      p->lastcpu = cpuid();
      c->proc = p;
      timer_busy();
      vm_switch(p->pagetable);
      uint64 t0 = r_time();
      p->acct_mark = t0;
      swtch(&c->context, &p->context);
      uint64 t1 = r_time();
      p->stime += t1 - p->acct_mark;
      c->busy_time += t1 - t0;
      /* Back on the kernel's table: p's may be freed once we unlock. */
      vm_switch(kernel_pagetable);
      c->proc = 0;
    }
    spin_release(&p->lock);
    intr_on();
  }
}
