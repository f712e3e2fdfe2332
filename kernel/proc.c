/*
 * proc.c: processes: creation, exit, wait, kill, sleep and wakeup, and
 * the per-hart scheduler loop that switches between them.
 *
 * Every process has a kernel thread. A process gives up its hart by
 * calling sched(), which swtch()es to the hart's scheduler thread (in
 * scheduler()); the scheduler asks the policy (kernel/sched.h) for the
 * next runnable process and swtch()es to it. p->lock is held across each
 * switch, so a process is never seen half switched.
 *
 * Sleeping processes wait on hashed sleep queues instead of being found
 * by a scan of the whole table: proc_wakeup(chan) looks at one bucket.
 * Locks: pid_lock (pid counter), wait_lock (parent links; taken before
 * any p->lock so exit and wait cannot miss each other), each bucket's
 * lock, each p->lock. The lock order is written in kernel/proc.h.
 */
#include "kernel/proc.h"
#include "kernel/clock.h"
#include "kernel/errno.h"
#include "kernel/exec.h"
#include "kernel/fdt.h"
#include "kernel/kalloc.h"
#include "kernel/memlayout.h"
#include "kernel/printf.h"
#include "kernel/sched.h"
#include "kernel/string.h"
#include "kernel/vm.h"
#include "kernel/fs/fdtable.h"
#include "kernel/fs/inode.h"
#include "kernel/riscv/csr.h"
#include "kernel/riscv/trap.h"

struct cpu cpus[NCPU];
static struct proc proc[NPROC];
static struct proc *initproc;

static struct spinlock pid_lock;
static int nextpid = 1; /* [pid_lock] */

/* Guards every p->parent, so that a parent's wait and a child's exit
   agree on who waits for whom. Taken before any p->lock. */
static struct spinlock wait_lock;

/* Sleep queues: a process sleeping on chan is on bucket SQ_HASH(chan). */
#define NSLEEPQ 64
#define SQ_HASH(chan) ((((uint64)(chan)) >> 3) % NSLEEPQ)
static struct sleepq {
  struct spinlock lock;
  struct proc *head; /* [lock] */
} sleepq[NSLEEPQ];

extern char _secondary[];

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
  p->parent = 0;
  p->name[0] = 0;
  p->chan = 0;
  p->killed = 0;
  p->xstate = 0;
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
  p->ctime = clock_ticks();
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

/* Make p runnable and tell the policy. p->lock held. */
static void make_runnable(struct proc *p)
{
  ASSERT_HELD(&p->lock);
  p->state = RUNNABLE;
  sched_policy->enqueue(p);
}

/* The first process. It starts in the kernel (forkret), mounts the file
   system and execs /init with the kernel command line as arguments. */
void proc_userinit(void)
{
  struct proc *p = alloc_proc();
  if (p == 0)
    panic("proc_userinit: cannot allocate the first process");
  initproc = p;
  safestrcpy(p->name, "init", sizeof(p->name));
  make_runnable(p);
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
  p->cwd = fs_namei("/");
  if (p->cwd == 0)
    panic("no root directory on the disk: is fs.img a file system made by mkfs?");
  int r = exec_run("/init", argv);
  if (r < 0)
    panic("cannot run /init (error %d): is fs.img built from user/?", r);
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
  struct proc *np = alloc_proc();
  if (np == 0)
    return -EAGAIN;

  if (vm_user_copy(p->pagetable, np->pagetable, p->sz) < 0) {
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
  int pid = np->pid;
  spin_release(&np->lock);

  spin_acquire(&wait_lock);
  np->parent = p;
  spin_release(&wait_lock);

  spin_acquire(&np->lock);
  make_runnable(np);
  spin_release(&np->lock);
  return pid;
}

/* Give p's children to init. wait_lock held. */
static void reparent(struct proc *p)
{
  for (struct proc *pp = proc; pp < &proc[NPROC]; pp++) {
    if (pp->parent == p) {
      pp->parent = initproc;
      proc_wakeup(initproc);
    }
  }
}

void proc_exit(int status)
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
  p->state = ZOMBIE;
  spin_release(&wait_lock);

  sched();
  panic("proc_exit: zombie pid %d ran again", p->pid);
}

/* Wait for a child to exit; store its status at user address addr unless
   addr is 0. Returns its pid, -ECHILD, -EINTR or -EFAULT. */
int proc_wait(uint64 addr)
{
  struct proc *p = myproc();
  spin_acquire(&wait_lock);
  for (;;) {
    int have_kids = 0;
    for (struct proc *pp = proc; pp < &proc[NPROC]; pp++) {
      if (pp->parent != p)
        continue;
      spin_acquire(&pp->lock);
      have_kids = 1;
      if (pp->state == ZOMBIE) {
        int pid = pp->pid;
        if (addr != 0 && vm_copyout(p->pagetable, addr, &pp->xstate, sizeof(pp->xstate)) < 0) {
          spin_release(&pp->lock);
          spin_release(&wait_lock);
          return -EFAULT;
        }
        free_proc(pp);
        spin_release(&pp->lock);
        spin_release(&wait_lock);
        return pid;
      }
      spin_release(&pp->lock);
    }
    if (!have_kids) {
      spin_release(&wait_lock);
      return -ECHILD;
    }
    if (proc_killed(p)) {
      spin_release(&wait_lock);
      return -EINTR;
    }
    proc_sleep(p, &wait_lock);
  }
}

int proc_kill(int pid)
{
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    spin_acquire(&p->lock);
    if (p->pid == pid && p->state != UNUSED) {
      p->killed = 1;
      if (p->state == SLEEPING)
        make_runnable(p); /* it leaves the sleep queue itself */
      spin_release(&p->lock);
      return 0;
    }
    spin_release(&p->lock);
  }
  return -ESRCH;
}

void proc_setkilled(struct proc *p)
{
  spin_acquire(&p->lock);
  p->killed = 1;
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
  make_runnable(p);
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
  for (;;) {
    intr_off();
    struct proc *p = sched_policy->pick();
    if (p == 0) {
      wfi();
      intr_on();
      continue;
    }
    spin_acquire(&p->lock);
    if (p->state == RUNNABLE) {
      sched_policy->dequeue(p); /* in case it was queued again meanwhile */
      p->state = RUNNING;
      p->nsched++;
      p->lastcpu = cpuid();
      c->proc = p;
      vm_switch(p->pagetable);
      swtch(&c->context, &p->context);
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

void proc_sleep(void *chan, struct spinlock *lk)
{
  struct proc *p = myproc();
  struct sleepq *q = &sleepq[SQ_HASH(chan)];

  /* Holding q->lock before letting go of lk means a waker, which changes
     the condition under lk and then calls proc_wakeup, cannot look at the
     queue until we are on it and SLEEPING. */
  spin_acquire(&q->lock);
  spin_acquire(&p->lock);
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
  /* Woken by kill rather than proc_wakeup: still queued. */
  spin_acquire(&q->lock);
  if (p->sq_pprev)
    sq_unlink(p);
  spin_release(&q->lock);
  spin_acquire(lk);
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
      make_runnable(p);
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

static const char *const state_names[] = {
  [UNUSED] = "unused", [USED] = "new", [SLEEPING] = "sleep",
  [RUNNABLE] = "runble", [RUNNING] = "run", [ZOMBIE] = "zombie",
};

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
