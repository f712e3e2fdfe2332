/*
 * proc.h: processes (struct proc) and the process API the rest of the
 * kernel uses: fork, exit, wait, kill, process groups, growing memory,
 * and giving up the hart (the scheduler loop is in scheduler.c).
 *
 * Code that only waits for something includes kernel/proc/sleep.h
 * instead; the process table's own locks and helpers are private to
 * kernel/proc/ (internal.h).
 *
 * Lock legend for the fields below:
 *   [p]  p->lock (debug name "proc_lock")
 *   [w]  wait_lock (kernel/proc/proc.c); it also guards the table's lists
 *   [q]  the lock of the sleep-queue bucket p is on (sleepq_lock, sleep.c)
 *   [r]  runq_lock, the run queue's lock (kernel/sched/sched.c)
 *   [o]  owned by the process itself: only its own kernel thread touches
 *        it, or another thread does so while the process cannot run
 *        (being created, or a zombie being reaped under [p])
 *   [I]  set when the process is made (proc_alloc), then never changed
 *
 * Lock order (outermost first), the one place it is written down. Sleep
 * locks are held across sleeps, so they come before every spinlock; a
 * spinlock is never held while taking a sleep lock (sched() panics if a
 * process would sleep holding one).
 *   a file-system transaction (log_begin_op, which may wait for the log)
 *   -> sleep locks: console_output; an inode's (a parent directory before
 *      its child), then a buffer's (an indirect block before a bitmap
 *      block; a block's home before its log slot)
 *   -> wait_lock, tick_lock, and the device and file-system spinlocks
 *      (console_input.lock, uart_tx_lock, disk.lock, cache_lock, log_lock,
 *      itable_lock, ftable_lock, pipe_lock); none of these nests in
 *      another; a sleep lock's own spinlock ("sleeplock") is one of them
 *   -> text_lock (kernel/mm/textcache.c)
 *   -> sleepq_lock (one bucket at a time)
 *   -> p->lock (one process at a time, but for a switch: sched() holds
      the old process's and only tries the next one's, spin_try_acquire,
      falling back to the scheduler thread if it is busy)
 *   -> runq_lock, pid_lock, slot_lock (kernel/proc/ptable.c), asid_lock
 *      (kernel/mm/vm.c)
 *   -> kmem_lock, printf_lock (leaves: nothing is taken inside them)
 */
#ifndef KERNEL_PROC_PROC_H
#define KERNEL_PROC_PROC_H

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "kernel/procinfo.h"
#include "kernel/lib/spinlock.h"
#include "kernel/proc/cpu.h"
#include "kernel/riscv/trap.h"
#include "kernel/sched/entity.h"
#include "kernel/mm/uspace.h"
#include "kernel/mm/vm.h"

/* enum procstate (UNUSED, USED, SLEEPING, RUNNABLE, RUNNING, STOPPED,
   ZOMBIE) is in kernel/procinfo.h, shared with user programs. */

/* Changes in a child that waitpid has yet to report (p->report). */
enum { REPORT_NONE, REPORT_STOPPED, REPORT_CONTINUED };

struct proc {
  struct spinlock lock;

  enum procstate state;   /* [p] */
  void *chan;             /* [p] channel slept on, if SLEEPING */
  int killed;             /* [p] 0, or the signal that is terminating it */
  int stopsig;            /* [p] 0, or a stop signal to act on before user mode */
  int report;             /* [p] REPORT_*: a stop or continue waitpid owes the parent */
  int reportsig;          /* [p] the signal that stopped it, for REPORT_STOPPED */
  uint32 sigignored;      /* [p] bit s set: signal s is ignored */
  int xstate;             /* [p] exit code for wait(); -1 if killed */
  int termsig;            /* [p] signal that terminated it, or 0 */
  int pid;                /* [p] process id */
  int pgid;               /* [p] process group id; changed holding wait_lock too */

  /* Where the process table finds it (kernel/proc/ptable.c). */
  struct proc *parent;    /* [w] */
  struct proc *children;  /* [w] its first child; those with news to report come first */
  struct proc *children_last; /* [w] its last child */
  struct proc *sib_next;  /* [w] its parent's next child */
  struct proc *sib_prev;  /* [w] its parent's previous child, or 0 if first */
  struct proc *pid_next;  /* [w] next in its pid hash bucket */
  struct proc *grp_next;  /* [w] next in its group hash bucket */
  struct proc *grp_prev;  /* [w] previous there, or 0 if first */
  struct proc *all_next;  /* [w] the process with the next higher pid */
  struct proc *all_prev;  /* [w] and the next lower */
  int linked;             /* [w] in the table's lists (from fork's commit to the reap) */

  /* Sleep-queue linkage (kernel/proc/sleep.c). */
  struct proc *sq_next;   /* [q] */
  struct proc **sq_pprev; /* [q] */

  /* What the scheduler keeps about it (kernel/sched/entity.h). */
  struct sched_entity sched; /* [r] */

  /* Accounting, in time CSR units (see kernel/proc/clock.h). Written by
     the process's own thread, and by the thread that switches to it or
     from it (in sched() or the scheduler thread, with p->lock held);
     status.c reads them unlocked, a snapshot that may be a moment out
     of date. */
  uint64 utime;           /* [o] time spent in user mode */
  uint64 stime;           /* [o] time spent in the kernel */
  uint64 acct_mark;       /* [o] when utime or stime was last brought up to date */
  int in_user;            /* [o] running in user mode since acct_mark? */
  uint64 ctime;           /* [o] when it was created */
  uint64 etime;           /* [p] when it exited, 0 until then */
  uint64 nsched;          /* [p] times scheduled */
  int lastcpu;            /* [p] hart it last ran on, -1 if never */

  int slot;               /* [I] its kernel stack's slot */
  uint64 kstack;          /* [I] bottom of the kernel stack (virtual): KSTACK(slot) */
  uint64 sz;              /* [o] size of user memory in bytes: the heap's end */
  struct uspace space;    /* [o] what each part of user memory holds (kernel/mm/uspace.h) */
  uint64 faults;          /* [o] page faults served (pages brought in, copy-on-write breaks) */
  uint64 cow_copies;      /* [o] of those, pages copied because others shared them */
  pagetable_t pagetable;  /* [o] user page table */
  struct vm_asid asid;    /* [o] its address space identifier (kernel/mm/vm.c) */
  struct vm_leaf leaf;    /* [o] the leaf table copyin and copyout last used (vm.c) */
  struct trapframe *trapframe; /* [o] user registers during a trap */
  struct fpstate fp;      /* [o] user FP registers */
  int fp_hart;            /* [o] hart whose FP registers hold fp, or -1 */
  struct context context; /* [o] swtch() here to run the process */
  struct file *ofile[NOFILE]; /* [o] open files */
  struct inode *cwd;      /* [o] current directory */
  int sleeplocks;         /* [o] sleep locks it holds (a fault may not read the disk then) */
  int io_error;           /* [o] the disk failed during this system call: it returns EIO */
  _Alignas(8) char name[PROC_NAME_LEN]; /* [o] the program's name (word-aligned for the trace) */
};

struct proc *myproc_again(void);

/* Could p (0 in the scheduler) be the process of the thread whose stack
   pointer is sp? A process's kernel thread runs on its own kernel stack;
   the scheduler threads run on boot stacks, below KSTACK_BASE. */
static inline int proc_owns_stack(struct proc *p, uint64 sp)
{
  return sp < KSTACK_BASE || (p != 0 && sp - p->kstack <= KSTACK_SIZE);
}

/*
 * The process running on this hart, or 0 in the scheduler. Inline, as it
 * runs a score of times per system call, and without turning interrupts
 * off (each sstatus write costs QEMU a trip out of its translated code):
 * tp always names the hart the code runs on (swtch leaves it alone, so a
 * thread that moves finds its new hart's), and while a process runs, its
 * hart's proc is it. A preemption between reading tp and reading proc
 * could move us to another hart in between; then tp has changed, and
 * myproc_again looks again. Two preemptions could even bring us back,
 * having read another hart's proc: but a process's kernel thread runs on
 * its own kernel stack, so the answer must own the stack we are on (the
 * scheduler's threads run on boot stacks, below KSTACK_BASE, with
 * interrupts off whenever their hart has a process).
 */
static inline struct proc *myproc(void)
{
  struct cpu *c = mycpu();
  struct proc *p = __atomic_load_n(&c->proc, __ATOMIC_RELAXED);
  uint64 sp = r_sp();
  if (c == mycpu() && proc_owns_stack(p, sp))
    return p;
  return myproc_again();
}

/* The process table (proc.c). */
void proc_init(void);
int proc_fork(void);
void proc_exit(int status) __attribute__((noreturn));
void proc_exit_killed(void) __attribute__((noreturn));
int proc_wait(int pid, uint64 status_addr, int options, int xv6_status, uint64 info_addr);
int proc_killed(struct proc *p);
/* Is p killed or due to stop? (It acts on that in signal_check.) */
int proc_signal_pending(struct proc *p);
/*
 * The same look without p->lock, for the trap path's checks of its own
 * process: it may miss a signal being sent right now, but a signal to a
 * process running on another hart is followed by an IPI to that hart
 * (signal.c's kick), which traps again at once and looks again.
 */
static inline int proc_signal_hint(struct proc *p)
{
  return __atomic_load_n(&p->killed, __ATOMIC_ACQUIRE) ||
         __atomic_load_n(&p->stopsig, __ATOMIC_ACQUIRE);
}
void proc_setkilled(struct proc *p);
int proc_setpgid(int pid, int pgid);
int proc_getpgid(int pid);
int proc_getppid(void);
int proc_setnice(int pid, int nice);
int proc_getnice(int pid, int *nice);
int proc_grow(int64 n);
/* The disk failed during the calling process's system call (kernel/fs/
   bio.c): whatever the call does, it returns -EIO. */
void proc_io_error(void);

/* The first process (userinit.c). */
void proc_userinit(void);

/* The scheduling mechanism (scheduler.c). */
void scheduler(void) __attribute__((noreturn));
void sched(void);
void proc_switch_finish(void); /* a new process's first step (forkret) */
void proc_yield(void);
/* Ask every hart running a process to give it up at once (the policy
   has just changed every process's standing, as mlfq's boost does). */
void proc_preempt_running(void);

#endif
