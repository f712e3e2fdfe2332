/*
 * signal.c: signals with default actions: terminate, stop and continue
 * (kernel/signal.h lists them). There are no user handlers.
 *
 * Sending (signal_send, signal_group) marks the target under wait_lock
 * and p->lock: a terminating signal sets p->killed, a stop signal sets
 * p->stopsig, SIGCONT puts a stopped process back on the run queue. A
 * sleeping target is woken so that an interruptible sleep (pipe, console,
 * wait, sleep) can give up with -EINTR; a target running on another hart
 * gets an IPI so that it traps at once. The target acts on the signal in
 * signal_check(), on its way back to user mode: it exits, or it stops
 * (state STOPPED, off every run queue) until SIGCONT or a kill arrives.
 * A process therefore never stops while holding a kernel resource, and
 * runs no user instruction while stopped.
 *
 * Every state change a parent can wait for happens under wait_lock,
 * followed by a wakeup of the parent (see proc_wait).
 *
 * init (pid 1) takes no signals: were it to die or stop, nobody would
 * reap orphans, and the kernel cannot run without it. Its children (the
 * orphans) ignore SIGTSTP, the console's stop: nobody would continue them.
 */
#include "kernel/types.h"
#include "kernel/errno.h"
#include "kernel/lib/printf.h"
#include "kernel/proc/internal.h"
#include "kernel/proc/signal.h"
#include "kernel/proc/sleep.h"
#include "kernel/signal.h"
#include "kernel/riscv/hart.h"

/* Make p trap soon if it is running on another hart. */
static void kick(struct proc *p)
{
  if (p->state == RUNNING && p->lastcpu != cpuid()) {
    /* The flag set before must be visible when the IPI is taken: the
       trap path looks at it without p->lock (proc_signal_hint). The IPI
       is a device write (OpenSBI's, to the CLINT): order memory before
       device output too, not only before other memory accesses. */
    asm volatile("fence iorw, iorw" ::: "memory");
    hart_send_ipi(cpus[p->lastcpu].hartid);
  }
}

/*
 * Apply sig's default action to p. Caller holds wait_lock and p->lock.
 * Returns 1 if the signal does something to p, 0 if p ignores it (or is
 * already dead). Sets *wake_parent if p's parent may now have a change
 * to collect.
 */
static int deliver(struct proc *p, int sig, int *wake_parent)
{
  ASSERT_HELD(&wait_lock);
  ASSERT_HELD(&p->lock);
  if (p->state == UNUSED || p->state == ZOMBIE || sig == 0 || p->pid == INIT_PID)
    return 0;
  if (sig == SIGCONT) {
    /* Continuing happens even if SIGCONT is ignored (as in POSIX): else
       a stopped process could be stuck for good. It also cancels a stop
       not yet acted on. */
    p->stopsig = 0;
    if (p->state == STOPPED) {
      p->report = REPORT_CONTINUED;
      *wake_parent = 1;
      proc_make_runnable(p, JOIN_WAKE);
    }
    return 1;
  }
  if (sig != SIGKILL && sig != SIGSTOP && (p->sigignored & (1U << sig)))
    return 0;

  switch (sig) {
  case SIGCHLD:
    return 0;
  case SIGTSTP:
    /* The terminal's stop is dropped for a child of init (an orphan, in
       POSIX terms): nobody would be there to continue it. */
    if (p->parent && p->parent->pid == INIT_PID)
      return 0;
    /* fall through */
  case SIGSTOP:
    if (p->killed)
      return 1;
    p->stopsig = sig;
    if (p->state == SLEEPING)
      proc_make_runnable(p, JOIN_WAKE); /* an interruptible sleep gives up */
    kick(p);
    return 1;
  default: /* SIGINT, SIGTERM, SIGKILL and the rest: terminate */
    if (!p->killed)
      p->killed = sig;
    p->stopsig = 0;
    if (p->state == SLEEPING || p->state == STOPPED)
      proc_make_runnable(p, JOIN_WAKE);
    kick(p);
    return 1;
  }
}

/* Send sig to every process matching (pid > 0: that one; else group
   pgid). Returns how many processes it affected, or -ESRCH. */
static int send(int pid, int pgid, int sig)
{
  int found = 0, affected = 0;
  spin_acquire(&wait_lock);
  struct proc *p = pid > 0 ? proc_find(pid) : ptable_group_first(pgid);
  for (; p; p = pid > 0 ? 0 : ptable_group_next(p)) {
    int wake_parent = 0;
    spin_acquire(&p->lock);
    found = 1;
    affected += deliver(p, sig, &wake_parent);
    spin_release(&p->lock);
    if (wake_parent && p->parent) {
      ptable_report(p);
      proc_wakeup(p->parent);
    }
  }
  spin_release(&wait_lock);
  return found ? affected : -ESRCH;
}

/*
 * Send sig to pid (> 0), to the caller's process group (pid 0) or to the
 * group -pid (pid < -1). Signal 0 only checks that the target exists.
 * Returns 0, -EINVAL (bad signal or pid -1), -EPERM (pid 1) or -ESRCH
 * (no such process).
 */
int signal_send(int pid, int sig)
{
  if (sig < 0 || sig >= NSIG || pid == -1)
    return -EINVAL;
  if (pid == INIT_PID && sig != 0)
    return -EPERM;
  int r = pid > 0 ? send(pid, 0, sig) : send(0, pid == 0 ? proc_getpgid(0) : -pid, sig);
  return r < 0 ? r : 0;
}

/* Send sig to process group pgid, for the console (Ctrl-C, Ctrl-Z).
   Returns how many processes it affected (0 if all ignore it). */
int signal_group(int pgid, int sig)
{
  if (pgid <= 0)
    return 0;
  int r = send(0, pgid, sig);
  return r < 0 ? 0 : r;
}

/* signal(sig, SIG_DFL or SIG_IGN): returns the old disposition, or
   -EINVAL (SIGKILL and SIGSTOP cannot be ignored). */
int signal_ignore(int sig, int disposition)
{
  if (sig <= 0 || sig >= NSIG || sig == SIGKILL || sig == SIGSTOP ||
      (disposition != SIG_DFL && disposition != SIG_IGN))
    return -EINVAL;
  struct proc *p = myproc();
  spin_acquire(&p->lock);
  int old = (p->sigignored & (1U << sig)) ? SIG_IGN : SIG_DFL;
  if (disposition == SIG_IGN)
    p->sigignored |= 1U << sig;
  else
    p->sigignored &= ~(1U << sig);
  spin_release(&p->lock);
  return old;
}

/*
 * Act on pending signals before returning to user mode: exit if killed,
 * stop if told to (and wait there until continued or killed).
 */
void signal_check(void)
{
  struct proc *p = myproc();
  for (;;) {
    spin_acquire(&p->lock);
    int killed = p->killed, stop = p->stopsig;
    spin_release(&p->lock);
    if (killed)
      proc_exit_killed();
    if (!stop)
      return;

    /* Wake the parent first: it cannot look before we drop wait_lock,
       and by then we are STOPPED. */
    spin_acquire(&wait_lock);
    if (p->parent)
      proc_wakeup(p->parent);
    spin_acquire(&p->lock);
    if (p->stopsig && !p->killed) {
      p->state = STOPPED;
      p->report = REPORT_STOPPED;
      ptable_report(p);
      p->reportsig = p->stopsig;
      p->stopsig = 0;
      spin_release(&wait_lock);
      sched();
      spin_release(&p->lock);
    } else {
      spin_release(&p->lock);
      spin_release(&wait_lock);
    }
  }
}
