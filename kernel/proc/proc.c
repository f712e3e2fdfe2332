/*
 * proc.c: processes: creation, exit, wait, kill, sleep and wakeup, and
 * the per-hart scheduler loop that switches between them.
 *
 * Every process has a kernel thread. A process gives up its hart by
 * calling sched(), which swtch()es to the hart's scheduler thread (in
 * scheduler()); the scheduler asks the policy (kernel/sched/policy.h) for the
 * next runnable process and swtch()es to it. p->lock is held across each
 * switch, so a process is never seen half switched.
 *
 * Sleeping processes wait on hashed sleep queues instead of being found
 * by a scan of the whole table: proc_wakeup(chan) looks at one bucket.
 * Locks: pid_lock (pid counter), wait_lock (parent links; taken before
 * any p->lock so exit and wait cannot miss each other), each bucket's
 * lock, each p->lock. The lock order is written in kernel/proc/proc.h.
 */
#include "kernel/proc/proc.h"
#include "kernel/proc/clock.h"
#include "kernel/errno.h"
#include "kernel/proc/exec.h"
#include "kernel/dev/fdt.h"
#include "kernel/mm/kalloc.h"
#include "kernel/memlayout.h"
#include "kernel/lib/printf.h"
#include "kernel/riscv/power.h"
#include "kernel/sched/policy.h"
#include "kernel/lib/string.h"
#include "kernel/proc/sysarg.h"
#include "kernel/mm/vm.h"
#include "kernel/fs/fdtable.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/log.h"
#include "kernel/signal.h"
#include "kernel/wait.h"
#include "kernel/riscv/csr.h"
#include "kernel/riscv/sbi.h"
#include "kernel/riscv/trap.h"

struct cpu cpus[NCPU];
struct proc proc[NPROC];
static struct proc *initproc;

static struct spinlock pid_lock;
static int nextpid = 1; /* [pid_lock] */

/* Guards every p->parent, so that a parent's wait and a child's exit,
   stop or continue agree on who waits for whom. Every change a parent
   can wait for is made holding it. Taken before any p->lock. */
struct spinlock wait_lock;

/* Harts waiting in wfi for work: bit h is hart h. */
static volatile uint64 idle_harts;

/* Sleep queues: a process sleeping on chan is on bucket SQ_HASH(chan). */
#define NSLEEPQ 64
#define SQ_HASH(chan) ((((uint64)(chan)) >> 3) % NSLEEPQ)
static struct sleepq {
  struct spinlock lock;
  struct proc *head; /* [lock] */
} sleepq[NSLEEPQ];

static void forkret(void);

struct cpu *mycpu(void)
{
  return (struct cpu *)r_tp();
}

int cpuid(void)
{
  return mycpu() - cpus;
}

/* The process running on this hart, or 0 in the scheduler. */
struct proc *myproc(void)
{
  intr_push();
  struct proc *p = mycpu()->proc;
  intr_pop();
  return p;
}

void proc_init(void)
{
  spin_init(&pid_lock, "pid_lock");
  spin_init(&wait_lock, "wait_lock");
  for (int i = 0; i < NSLEEPQ; i++)
    spin_init(&sleepq[i].lock, "sleepq_lock");
  sched_policy->init();

  for (int i = 0; i < NPROC; i++) {
    struct proc *p = &proc[i];
    spin_init(&p->lock, "proc_lock");
    p->state = UNUSED;
    p->kstack = KSTACK(i);
    for (int pg = 0; pg < KSTACK_PAGES; pg++) {
      void *page = kalloc();
      if (page == 0 || vm_map(kernel_pagetable, p->kstack + pg * PGSIZE, PGSIZE,
                              V2P(page), PTE_R | PTE_W | PTE_G) < 0)
        panic("proc_init: no memory for kernel stacks");
    }
  }
}

static int alloc_pid(void)
{
  spin_acquire(&pid_lock);
  int pid = nextpid++;
  spin_release(&pid_lock);
  return pid;
}

/* Give back everything a slot holds except its kernel stack. Called with
   p->lock held; the slot becomes UNUSED. */
static void free_proc(struct proc *p)
{
  ASSERT_HELD(&p->lock);
  if (p->trapframe)
    kfree(p->trapframe);
  p->trapframe = 0;
  if (p->pagetable)
    vm_user_free(p->pagetable, p->sz);
  p->pagetable = 0;
  p->sz = 0;
  p->pid = 0;
  p->pgid = 0;
  p->parent = 0;
  p->name[0] = 0;
  p->chan = 0;
  p->killed = 0;
  p->stopsig = 0;
  p->report = 0;
  p->sigignored = 0;
  p->xstate = 0;
  p->termsig = 0;
  p->state = UNUSED;
}

/*
 * Find an unused slot and set it up to start in forkret on its kernel
 * stack, with a trapframe and an empty user page table. Returns it with
 * p->lock held, or 0 (no slot, or no memory).
 */
static struct proc *alloc_proc(void)
{
  struct proc *p;
  for (p = proc; p < &proc[NPROC]; p++) {
    spin_acquire(&p->lock);
    if (p->state == UNUSED)
      goto found;
    spin_release(&p->lock);
  }
  return 0;

found:
  p->pid = alloc_pid();
  p->state = USED;
  p->utime = p->stime = p->nsched = 0;
  p->ctime = r_time();
  p->lastcpu = -1;
  p->fp_hart = -1;
  memset(&p->fp, 0, sizeof(p->fp));
  p->trapframe = kalloc_zeroed();
  p->pagetable = vm_user_create();
  if (p->trapframe == 0 || p->pagetable == 0) {
    free_proc(p);
    spin_release(&p->lock);
    return 0;
  }
  memset(&p->context, 0, sizeof(p->context));
  p->context.ra = (uint64)forkret;
  p->context.sp = p->kstack + KSTACK_SIZE;
  return p;
}

/* Wake one idle hart other than this one, if there is any. Its bit is
   claimed first, so that several processes made runnable at once wake
   as many harts rather than all signalling the same one. */
static void wake_idle_hart(void)
{
  uint64 me = 1UL << mycpu()->hartid;
  for (;;) {
    uint64 idle = idle_harts & ~me;
    if (idle == 0)
      return;
    uint64 h = idle & -idle; /* the lowest */
    if (__sync_fetch_and_and(&idle_harts, ~h) & h) {
      sbi_send_ipi(h, 0);
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

/* What a pending signal asks of p, as an error for the call it is in:
   -EINTR (killed), -ERESTART (to stop) or 0. Caller holds p->lock. */
static int pending_interrupt(struct proc *p)
{
  return p->killed ? -EINTR : p->stopsig ? -ERESTART : 0;
}

int proc_signal_pending(struct proc *p)
{
  spin_acquire(&p->lock);
  int r = pending_interrupt(p);
  spin_release(&p->lock);
  return r != 0;
}

/* Make p runnable and tell the policy; wake an idle hart to take it.
   p->lock held. */
void proc_make_runnable(struct proc *p)
{
  enqueue(p);
  wake_idle_hart();
}

/* The first process. It starts in the kernel (forkret), mounts the file
   system and execs /init with the kernel command line as arguments. */
void proc_userinit(void)
{
  struct proc *p = alloc_proc();
  if (p == 0)
    panic("proc_userinit: cannot allocate the first process");
  initproc = p;
  p->pgid = p->pid;
  safestrcpy(p->name, "init", sizeof(p->name));
  proc_make_runnable(p);
  spin_release(&p->lock);
}

/* Split the kernel command line into init's argv. */
static void start_init(void)
{
  static char args[BOOTARGS_MAX];
  char *argv[MAXARG + 1];
  int argc = 0;
  argv[argc++] = "/init";
  safestrcpy(args, machine.bootargs, sizeof(args));
  for (char *s = args; *s && argc < MAXARG;) {
    while (*s == ' ')
      *s++ = '\0';
    if (*s == '\0')
      break;
    argv[argc++] = s;
    while (*s && *s != ' ')
      s++;
  }
  argv[argc] = 0;

  struct proc *p = myproc();
  log_begin_op();
  p->cwd = fs_namei("/");
  log_end_op();
  if (p->cwd == 0)
    panic("no root directory on the disk: is fs.img a file system made by mkfs?");
  int r = exec_run("/init", argv);
  if (r < 0) {
    /* The disk's fault, not the kernel's: say so and power off. */
    printf("cannot run /init (error %d): is fs.img built by mkfs from user/?\n", -r);
    machine_poweroff(POWEROFF_BADDISK);
  }
  p->trapframe->a0 = r; /* argc, as the exec system call would return it */
}

/* A new process's first instructions in the kernel: swtch() from the
   scheduler returns here, still holding p->lock. */
static void forkret(void)
{
  static int first = 1;
  spin_release(&myproc()->lock);
  if (first) {
    /* fs_init sleeps, so it must run in a process, not in main(). */
    first = 0;
    fs_init(ROOTDEV);
    start_init();
  }
  usertrapret();
}

int proc_fork(void)
{
  struct proc *p = myproc();
  spin_acquire(&p->lock);
  int pgid = p->pgid;
  uint32 ignored = p->sigignored;
  spin_release(&p->lock);

  struct proc *np = alloc_proc();
  if (np == 0)
    return -EAGAIN;
  int pid = np->pid;
  /* Before the lock goes: a signal to a group must never see a stale one. */
  np->pgid = pgid;
  np->sigignored = ignored;
  /* The slot is ours (USED) and runs nothing: its memory and files are
     set up without its lock, which must not be held across the file
     system's locks (fdtable_fork) or a long copy. */
  spin_release(&np->lock);

  if (vm_user_copy(p->pagetable, np->pagetable, p->sz) < 0) {
    spin_acquire(&np->lock);
    free_proc(np);
    spin_release(&np->lock);
    return -ENOMEM;
  }
  np->sz = p->sz;
  *np->trapframe = *p->trapframe;
  np->trapframe->a0 = 0; /* fork returns 0 in the child */
  np->fp = p->fp;
  fdtable_fork(p, np);
  safestrcpy(np->name, p->name, sizeof(np->name));

  /*
   * A signal to p's group sent during the copy may have passed np's slot
   * before np was in it. It has marked p, then: give up, so that the
   * child cannot escape it. A stopped p forks again once continued (see
   * syscall()); a killed one dies. From here on np is visible to send()
   * (which holds wait_lock for its whole walk), and gets such a signal.
   */
  spin_acquire(&wait_lock);
  spin_acquire(&p->lock);
  int intr = pending_interrupt(p);
  spin_release(&p->lock);
  if (intr == 0)
    np->parent = p;
  spin_release(&wait_lock);
  if (intr) {
    fdtable_exit(np);
    spin_acquire(&np->lock);
    free_proc(np);
    spin_release(&np->lock);
    return intr;
  }

  spin_acquire(&np->lock);
  proc_make_runnable(np);
  spin_release(&np->lock);
  return pid;
}

/* Give p's children to init. A stopped orphan is continued: init would
   never resume it. wait_lock held. */
static void reparent(struct proc *p)
{
  ASSERT_HELD(&wait_lock);
  for (struct proc *pp = proc; pp < &proc[NPROC]; pp++) {
    if (pp->parent == p) {
      pp->parent = initproc;
      spin_acquire(&pp->lock);
      pp->stopsig = 0; /* as SIGCONT: no stop may follow under init */
      if (pp->state == STOPPED) {
        pp->report = REPORT_NONE;
        proc_make_runnable(pp);
      }
      spin_release(&pp->lock);
      proc_wakeup(initproc);
    }
  }
}

/* Terminate the calling process with exit code status (for wait) and
   terminating signal termsig (0 for a normal exit). */
__attribute__((noreturn)) static void exit_common(int status, int termsig)
{
  struct proc *p = myproc();
  if (p == initproc)
    panic("init exited with status %d", status);

  fdtable_exit(p);

  spin_acquire(&wait_lock);
  reparent(p);
  proc_wakeup(p->parent);
  spin_acquire(&p->lock);
  p->xstate = status;
  p->termsig = termsig;
  p->report = REPORT_NONE;
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
 * else in waitpid's encoding (kernel/wait.h). Returns the child's pid,
 * 0 (WNOHANG and nothing to report), -ECHILD, -EINTR or -EFAULT.
 */
int proc_wait(int pid, uint64 status_addr, int options, int xv6_status)
{
  struct proc *p = myproc();
  spin_acquire(&wait_lock);
  for (;;) {
    int have_kids = 0;
    for (struct proc *c = proc; c < &proc[NPROC]; c++) {
      if (c->parent != p)
        continue;
      spin_acquire(&c->lock);
      if (!wait_matches(c, p, pid)) {
        spin_release(&c->lock);
        continue;
      }
      have_kids = 1;
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
      if (status_addr != 0 && vm_copyout(p->pagetable, status_addr, &status, sizeof(status)) < 0) {
        spin_release(&c->lock);
        spin_release(&wait_lock);
        return -EFAULT;
      }
      if (reap)
        free_proc(c);
      else
        c->report = REPORT_NONE;
      spin_release(&c->lock);
      spin_release(&wait_lock);
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

/* Grow or shrink user memory by n bytes. Returns 0 or -ENOMEM. */
int proc_grow(int64 n)
{
  struct proc *p = myproc();
  uint64 sz = p->sz;
  if (n > 0) {
    if (sz + n > MAXVA || sz + n < sz)
      return -ENOMEM;
    if (vm_user_alloc(p->pagetable, sz, sz + n, PTE_W) == 0)
      return -ENOMEM;
    p->sz = sz + n;
  } else if (n < 0) {
    if ((uint64)-n > sz)
      return -EINVAL;
    p->sz = vm_user_dealloc(p->pagetable, sz, sz + n);
  }
  return 0;
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
      clock_busy();
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

static void sq_unlink(struct proc *p)
{
  *p->sq_pprev = p->sq_next;
  if (p->sq_next)
    p->sq_next->sq_pprev = p->sq_pprev;
  p->sq_next = 0;
  p->sq_pprev = 0;
}

/*
 * Sleep on chan, unless interruptible and a signal is pending. Checking
 * under p->lock, which a sender holds while it marks a signal and then
 * wakes a SLEEPING target, leaves no window in which a signal can arrive
 * after the check and before the sleep without waking it.
 */
static int sleep_on(void *chan, struct spinlock *lk, int interruptible)
{
  struct proc *p = myproc();
  struct sleepq *q = &sleepq[SQ_HASH(chan)];

  /* Holding q->lock before letting go of lk means a waker, which changes
     the condition under lk and then calls proc_wakeup, cannot look at the
     queue until we are on it and SLEEPING. */
  spin_acquire(&q->lock);
  spin_acquire(&p->lock);
  int intr = interruptible ? pending_interrupt(p) : 0;
  if (intr) {
    spin_release(&p->lock);
    spin_release(&q->lock);
    return intr; /* lk still held */
  }
  spin_release(lk);
  p->sq_next = q->head;
  p->sq_pprev = &q->head;
  if (q->head)
    q->head->sq_pprev = &p->sq_next;
  q->head = p;
  p->chan = chan;
  p->state = SLEEPING;
  spin_release(&q->lock);

  sched();

  p->chan = 0;
  spin_release(&p->lock);
  /* Woken by a signal rather than proc_wakeup: still queued. */
  spin_acquire(&q->lock);
  if (p->sq_pprev)
    sq_unlink(p);
  spin_release(&q->lock);
  spin_acquire(lk);
  return 0;
}

void proc_sleep(void *chan, struct spinlock *lk)
{
  sleep_on(chan, lk, 0);
}

int proc_sleep_intr(void *chan, struct spinlock *lk)
{
  return sleep_on(chan, lk, 1);
}

void proc_wakeup(void *chan)
{
  struct sleepq *q = &sleepq[SQ_HASH(chan)];
  spin_acquire(&q->lock);
  struct proc *p = q->head;
  while (p) {
    struct proc *next = p->sq_next;
    spin_acquire(&p->lock);
    if (p->state == SLEEPING && p->chan == chan) {
      sq_unlink(p);
      proc_make_runnable(p);
    }
    spin_release(&p->lock);
    p = next;
  }
  spin_release(&q->lock);
}

int proc_copyout(int user, uint64 dst, const void *src, uint64 len)
{
  if (user)
    return vm_copyout(myproc()->pagetable, dst, src, len);
  memmove((void *)dst, src, len);
  return 0;
}

int proc_copyin(void *dst, int user, uint64 src, uint64 len)
{
  if (user)
    return vm_copyin(myproc()->pagetable, dst, src, len);
  memmove(dst, (void *)src, len);
  return 0;
}

#define PROC_STATE_NAME(name, str, letter) [name] = str,
static const char *const state_names[] = { PROC_STATES(PROC_STATE_NAME) };
#undef PROC_STATE_NAME

/* Ctrl-P: list the processes on the console. Takes no locks, so that it
   works even when the kernel is wedged. */
void proc_dump(void)
{
  printf("\n");
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    if (p->state == UNUSED)
      continue;
    printf("%d %s %s", p->pid, state_names[p->state], p->name);
    if (p->state == RUNNING)
      printf(" on hart %d", p->lastcpu);
    printf("\n");
  }
}

/* The process with this pid, locked, or 0. */
static struct proc *find_locked(int pid)
{
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    spin_acquire(&p->lock);
    if (p->pid == pid && p->state != UNUSED)
      return p;
    spin_release(&p->lock);
  }
  return 0;
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
    p->pgid = pgid;
  if (p)
    spin_release(&p->lock);
  spin_release(&wait_lock);
  return r;
}

/* getpgid(pid): pid 0 is the caller. Returns the group or -ESRCH. */
int proc_getpgid(int pid)
{
  struct proc *p = find_locked(pid == 0 ? myproc()->pid : pid);
  if (p == 0)
    return -ESRCH;
  int pgid = p->pgid;
  spin_release(&p->lock);
  return pgid;
}

/* Fill *pi from p. wait_lock and p->lock held. */
static void fill_info(struct proc *p, struct procinfo *pi)
{
  ASSERT_HELD(&wait_lock);
  ASSERT_HELD(&p->lock);
  memset(pi, 0, sizeof(*pi));
  pi->pid = p->pid;
  pi->ppid = p->parent ? p->parent->pid : 0;
  pi->pgid = p->pgid;
  pi->state = p->state;
  safestrcpy(pi->name, p->name, sizeof(pi->name));
  pi->sz = p->sz;
  uint64 utime = p->utime, stime = p->stime;
  if (p->state == RUNNING) { /* include the current stretch */
    if (p->in_user)
      utime += r_time() - p->acct_mark;
    else
      stime += r_time() - p->acct_mark;
  }
  pi->utime_us = clock_to_us(utime);
  pi->stime_us = clock_to_us(stime);
  pi->start_us = clock_to_us(p->ctime);
  pi->nsched = p->nsched;
  pi->lastcpu = p->lastcpu;
}

/*
 * The status call. pid > 0: that process's procinfo into buf (max >= 1),
 * returning 1. pid == -1: every process, at most max entries, returning
 * how many were written. Errors: -ESRCH, -EINVAL, -EFAULT.
 */
int proc_info(int pid, uint64 buf, int max)
{
  if (max <= 0 || (pid <= 0 && pid != -1))
    return -EINVAL;
  struct proc *me = myproc();
  int n = 0;
  for (struct proc *p = proc; p < &proc[NPROC] && n < max; p++) {
    struct procinfo pi;
    spin_acquire(&wait_lock);
    spin_acquire(&p->lock);
    int want = p->state != UNUSED && (pid == -1 || p->pid == pid);
    if (want)
      fill_info(p, &pi);
    spin_release(&p->lock);
    spin_release(&wait_lock);
    if (!want)
      continue;
    if (vm_copyout(me->pagetable, buf + n * sizeof(pi), &pi, sizeof(pi)) < 0)
      return -EFAULT;
    n++;
    if (pid != -1)
      break;
  }
  if (pid != -1 && n == 0)
    return -ESRCH;
  return n;
}

/* hartinfo(buf, max): one struct hartinfo per started hart, at most max.
   Returns how many were written, -EINVAL or -EFAULT. */
int proc_hartinfo(uint64 buf, int max)
{
  if (max <= 0)
    return -EINVAL;
  int n = 0;
  for (int i = 0; i < NCPU && n < max; i++) {
    struct cpu *c = &cpus[i];
    if (!c->started)
      continue;
    struct hartinfo hi;
    memset(&hi, 0, sizeof(hi));
    hi.hartid = c->hartid;
    struct proc *running = c->proc;
    hi.pid = running ? running->pid : 0;
    hi.busy_us = clock_to_us(c->busy_time);
    hi.up_us = clock_to_us(r_time() - c->start_time);
    if (vm_copyout(myproc()->pagetable, buf + n * sizeof(hi), &hi, sizeof(hi)) < 0)
      return -EFAULT;
    n++;
  }
  return n;
}
