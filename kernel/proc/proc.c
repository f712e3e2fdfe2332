/*
 * proc.c: the process table: creating a process (fork), ending one
 * (exit), waiting for one (wait, waitpid), killing one, process groups,
 * and growing a process's memory.
 *
 * A process is made USED (being created) by proc_alloc, becomes RUNNABLE
 * when fork is done with it, goes on through the states of
 * kernel/procinfo.h to ZOMBIE, and stays so until its parent's wait
 * reaps it; then all it held is freed (ptable.c). Running and switching
 * between processes is scheduler.c's business, waiting is sleep.c's,
 * signals are signal.c's, finding a process ptable.c's.
 *
 * Locks: wait_lock (every p->parent and the table's lists; taken before
 * any p->lock so that exit and wait cannot miss each other), each
 * p->lock. The lock order is written in kernel/proc/proc.h.
 */
#include "kernel/errno.h"
#include "kernel/memlayout.h"
#include "kernel/signal.h"
#include "kernel/wait.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/string.h"
#include "kernel/mm/fault.h"
#include "kernel/mm/kalloc.h"
#include "kernel/mm/vm.h"
#include "kernel/fs/fdtable.h"
#include "kernel/proc/internal.h"
#include "kernel/proc/sleep.h"
#include "kernel/proc/sysarg.h"
#include "kernel/sched/sched.h"
#include "kernel/lib/hot.h"

struct proc *initproc;

struct spinlock wait_lock;

/* myproc's slow path (proc.h): tp changed while it looked, or a
   preemption just moved this thread. */
struct proc *myproc_again(void)
{
  for (long tries = 0;; tries++) {
    struct cpu *c = mycpu();
    struct proc *p = __atomic_load_n(&c->proc, __ATOMIC_RELAXED);
    if (c != mycpu())
      continue;
    uint64 sp = r_sp();
    if (proc_owns_stack(p, sp))
      return p;
    if (tries == 1000000)
      panic("myproc: hart %d's proc %p does not own the stack at sp %p", (int)c->hartid,
            (void *)p, (void *)sp);
  }
}

void proc_init(void)
{
  spin_init(&wait_lock, "wait_lock");
  sleepq_init();
  ptable_init();
}

HOT int proc_pending_interrupt(struct proc *p)
{
  ASSERT_HELD(&p->lock);
  return p->killed ? -EINTR : p->stopsig ? -ERESTART : 0;
}

int proc_signal_pending(struct proc *p)
{
  spin_acquire(&p->lock);
  int r = proc_pending_interrupt(p);
  spin_release(&p->lock);
  return r != 0;
}


int proc_fork(void)
{
  struct proc *p = myproc();
  spin_acquire(&p->lock);
  int pgid = p->pgid;
  uint32 ignored = p->sigignored;
  spin_release(&p->lock);

  int err;
  struct proc *np = proc_alloc(&err);
  if (np == 0)
    return err;
  int pid = np->pid;
  /* Before the lock goes: a signal to a group must never see a stale one. */
  np->pgid = pgid;
  np->sigignored = ignored;
  /* The slot is ours (USED) and runs nothing: its memory and files are
     set up without its lock, which must not be held across the file
     system's locks (fdtable_fork) or a long copy. */
  spin_release(&np->lock);

  int64 shared = vm_user_copy(p->pagetable, np->pagetable, p->sz);
  if (shared < 0) {
    np->sz = p->sz; /* what the copy may have mapped */
    proc_destroy(np);
    return -ENOMEM;
  }
  np->sz = p->sz;
  uspace_fork(&p->space, &np->space);
  np->space.rss = shared;
  *np->trapframe = *p->trapframe;
  np->trapframe->a0 = 0; /* fork returns 0 in the child */
  np->fp = p->fp;
  fdtable_fork(p, np);
  sched_fork(p, np);
  safestrcpy(np->name, p->name, sizeof(np->name));

  /*
   * A signal to p's group sent during the copy found no np in the group
   * yet. It has marked p, then: give up, so that the child cannot escape
   * it. A stopped p forks again once continued (see syscall()); a killed
   * one dies. From here on np is in the table, where send() (which holds
   * wait_lock for its whole walk) finds it.
   */
  spin_acquire(&wait_lock);
  spin_acquire(&p->lock);
  int intr = proc_pending_interrupt(p);
  spin_release(&p->lock);
  if (intr == 0)
    ptable_link(np, p);
  spin_release(&wait_lock);
  if (intr) {
    fdtable_exit(np);
    uspace_release(&np->space);
    proc_destroy(np);
    return intr;
  }

  spin_acquire(&np->lock);
  proc_make_runnable(np, JOIN_NEW);
  spin_release(&np->lock);
  return pid;
}

/* Give p's children to init. A stopped orphan is continued: init would
   never resume it. wait_lock held. */
static void reparent(struct proc *p)
{
  ASSERT_HELD(&wait_lock);
  if (p->children == 0)
    return;
  while (p->children) {
    struct proc *pp = p->children;
    spin_acquire(&pp->lock);
    pp->stopsig = 0; /* as SIGCONT: no stop may follow under init */
    if (pp->state == STOPPED) {
      pp->report = REPORT_NONE;
      proc_make_runnable(pp, JOIN_WAKE);
    }
    spin_release(&pp->lock);
    ptable_reparent(pp, initproc);
  }
  proc_wakeup(initproc);
}

/* Terminate the calling process with exit code status (for wait) and
   terminating signal termsig (0 for a normal exit). */
__attribute__((noreturn)) static void exit_common(int status, int termsig)
{
  struct proc *p = myproc();
  if (p == initproc)
    panic("init exited with status %d", status);

  fdtable_exit(p);
  mm_exit(); /* its memory is free now, not when the parent reaps it */

  spin_acquire(&wait_lock);
  reparent(p);
  ptable_report(p);
  proc_wakeup(p->parent);
  spin_acquire(&p->lock);
  p->xstate = status;
  p->termsig = termsig;
  p->report = REPORT_NONE;
  p->etime = r_time();
  p->state = ZOMBIE;
  spin_release(&wait_lock);

  sched();
  panic("exit: zombie pid %d ran again", p->pid);
}

void proc_exit(int status)
{
  exit_common(status, 0);
}

/* Die of the signal in p->killed: wait() sees -1, waitpid the signal. */
void proc_exit_killed(void)
{
  struct proc *p = myproc();
  spin_acquire(&p->lock);
  int sig = p->killed;
  spin_release(&p->lock);
  exit_common(-1, sig);
}

/* Does child c match waitpid's pid argument, for parent p? */
static int wait_matches(struct proc *c, struct proc *p, int pid)
{
  if (pid > 0)
    return c->pid == pid;
  if (pid == -1)
    return 1;
  return c->pgid == (pid == 0 ? p->pgid : -pid);
}

/*
 * Wait for a change in a child matching pid (as waitpid: > 0 that child,
 * -1 any, 0 any in the caller's group, < -1 any in group -pid): an exit,
 * and with WUNTRACED a stop, with WCONTINUED a continue. Each change is
 * reported once. The status goes to user address status_addr unless it
 * is 0: as xv6's wait() (exit code, -1 if killed) if xv6_status is set,
 * else in waitpid's encoding (kernel/wait.h). If info_addr is not 0, the
 * child's times go there too, as a struct waitinfo. Returns the child's
 * pid, 0 (WNOHANG and nothing to report), -ECHILD, -EINTR or -EFAULT.
 */
int proc_wait(int pid, uint64 status_addr, int options, int xv6_status, uint64 info_addr)
{
  /* The copies below are made under wait_lock. */
  mm_prefault(status_addr, sizeof(int));
  mm_prefault(info_addr, sizeof(struct waitinfo));
  struct proc *p = myproc();
  spin_acquire(&wait_lock);
  for (;;) {
    int have_kids;
    struct proc *c;
    if (pid > 0) {
      c = proc_find(pid);
      if (c && c->parent != p)
        c = 0;
      have_kids = c != 0;
    } else {
      c = p->children;
      have_kids = pid == -1 ? c != 0 : ptable_child_in_group(p, pid == 0 ? p->pgid : -pid);
    }
    /* The children with news come first (ptable.c): look at those. */
    for (; c && proc_has_news(c); c = pid > 0 ? 0 : c->sib_next) {
      spin_acquire(&c->lock);
      if (!wait_matches(c, p, pid)) {
        spin_release(&c->lock);
        continue;
      }
      int status, reap = 0;
      if (c->state == ZOMBIE) {
        reap = 1;
        if (xv6_status)
          status = c->xstate;
        else
          status = c->termsig ? c->termsig : W_EXITCODE(c->xstate);
      } else if (c->report == REPORT_STOPPED && (options & WUNTRACED)) {
        status = W_STOPPED(c->reportsig);
      } else if (c->report == REPORT_CONTINUED && (options & WCONTINUED)) {
        status = W_CONTINUED;
      } else {
        spin_release(&c->lock);
        continue;
      }
      int cpid = c->pid;
      struct waitinfo wi;
      if (info_addr != 0)
        proc_waitinfo(c, &wi);
      if ((status_addr != 0 && vm_copyout(p->pagetable, status_addr, &status, sizeof(status)) < 0) ||
          (info_addr != 0 && vm_copyout(p->pagetable, info_addr, &wi, sizeof(wi)) < 0)) {
        spin_release(&c->lock);
        spin_release(&wait_lock);
        return -EFAULT;
      }
      if (reap) {
        ptable_unlink(c);
      } else {
        c->report = REPORT_NONE;
        ptable_reported(c);
      }
      spin_release(&c->lock);
      spin_release(&wait_lock);
      /* Out of the table, so nobody else can find it: free it with no
         lock held, since freeing its page table may wait for a hart. */
      if (reap)
        proc_destroy(c);
      return cpid;
    }
    if (!have_kids) {
      spin_release(&wait_lock);
      return -ECHILD;
    }
    if (options & WNOHANG) {
      spin_release(&wait_lock);
      return 0;
    }
    int intr = proc_sleep_intr(p, &wait_lock);
    if (intr) {
      spin_release(&wait_lock);
      return intr;
    }
  }
}

/* Kill p for a fault it made itself (reported like SIGKILL). */
void proc_setkilled(struct proc *p)
{
  spin_acquire(&p->lock);
  if (!p->killed)
    p->killed = SIGKILL;
  spin_release(&p->lock);
}

int proc_killed(struct proc *p)
{
  spin_acquire(&p->lock);
  int k = p->killed;
  spin_release(&p->lock);
  return k;
}

/*
 * Grow or shrink the heap by n bytes. Growing only moves the break: each
 * page is made, zeroed, when first touched (kernel/mm/fault.c), so a
 * program may reserve far more than there is memory and use a little.
 * Shrinking frees the pages that were touched. Returns 0, -ENOMEM (past
 * the end of user address space) or -EINVAL (below the heap's start).
 */
int proc_grow(int64 n)
{
  struct proc *p = myproc();
  uint64 sz = p->sz;
  if (n > 0) {
    if (sz + n > MAXVA || sz + n < sz)
      return -ENOMEM;
    p->sz = sz + n;
  } else if (n < 0) {
    if ((uint64)-n > sz - p->space.stack_top)
      return -EINVAL;
    p->space.rss -= vm_user_dealloc(p->pagetable, sz, sz + n);
    p->sz = sz + n;
  }
  return 0;
}


void proc_io_error(void)
{
  struct proc *p = myproc();
  if (p)
    p->io_error = 1;
}

/* The process with this pid, locked, or 0. wait_lock held. */
static struct proc *find_locked(int pid)
{
  struct proc *p = proc_find(pid);
  if (p)
    spin_acquire(&p->lock);
  return p;
}

/* The same, taking wait_lock for the look. Holding p->lock keeps p from
   being freed after: its reaper must take p->lock to see it a zombie. */
static struct proc *lookup_locked(int pid)
{
  spin_acquire(&wait_lock);
  struct proc *p = find_locked(pid);
  spin_release(&wait_lock);
  return p;
}

/* setpgid(pid, pgid): pid 0 is the caller, pgid 0 means pgid = pid. Only
   the caller itself or one of its children may be moved. Returns 0,
   -EINVAL, -ESRCH or -EPERM. */
int proc_setpgid(int pid, int pgid)
{
  struct proc *me = myproc();
  if (pid < 0 || pgid < 0)
    return -EINVAL;
  if (pid == 0)
    pid = me->pid;
  if (pgid == 0)
    pgid = pid;
  spin_acquire(&wait_lock);
  struct proc *p = find_locked(pid);
  int r = 0;
  if (p == 0)
    r = -ESRCH;
  else if (p != me && p->parent != me)
    r = -EPERM;
  else if (p->state == ZOMBIE)
    r = -ESRCH;
  else
    ptable_setpgid(p, pgid);
  if (p)
    spin_release(&p->lock);
  spin_release(&wait_lock);
  return r;
}

/* getpgid(pid): pid 0 is the caller. Returns the group or -ESRCH. */
int proc_getpgid(int pid)
{
  struct proc *p = lookup_locked(pid == 0 ? myproc()->pid : pid);
  if (p == 0)
    return -ESRCH;
  int pgid = p->pgid;
  spin_release(&p->lock);
  return pgid;
}

/* setpriority(pid, nice): pid 0 is the caller; any process may renice
   any other. Returns 0, -ESRCH or -EINVAL (nice outside -20..19). */
int proc_setnice(int pid, int nice)
{
  struct proc *p = lookup_locked(pid == 0 ? myproc()->pid : pid);
  if (p == 0)
    return -ESRCH;
  int r = p->state == ZOMBIE ? -ESRCH : sched_setnice(p, nice);
  spin_release(&p->lock);
  return r;
}

/* getpriority(pid): pid's nice in *nice. Returns 0 or -ESRCH. */
int proc_getnice(int pid, int *nice)
{
  struct proc *p = lookup_locked(pid == 0 ? myproc()->pid : pid);
  if (p == 0)
    return -ESRCH;
  *nice = sched_getnice(p);
  spin_release(&p->lock);
  return 0;
}

/* getppid(): the caller's parent's pid (0 for init). */
int proc_getppid(void)
{
  spin_acquire(&wait_lock);
  struct proc *parent = myproc()->parent;
  int ppid = parent ? parent->pid : 0;
  spin_release(&wait_lock);
  return ppid;
}
