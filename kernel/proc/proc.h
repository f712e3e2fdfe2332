/*
 * proc.h: processes (struct proc), harts (struct cpu), sleep and wakeup.
 *
 * Lock legend for the fields below:
 *   [p]  p->lock        [w]  wait_lock (in proc.c)
 *   [o]  owned by the process itself: only its own kernel thread touches
 *        it, or another thread does so while the process cannot run
 *        (being created, or a zombie being reaped under [p])
 *   [c]  this hart only, with interrupts off
 *   [I]  set when the slot is initialised, then never changed
 *
 * Lock order (outermost first), the one place it is written down:
 *   wait_lock -> any sleep lock -> file-system/device spinlocks, tick_lock
 *     -> sleep-queue lock -> p->lock -> run-queue lock
 *     -> pid_lock, kmem_lock, printf's lock (leaves: nothing taken inside)
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/lib/spinlock.h"
#include "kernel/procinfo.h"

/* Callee-saved registers that swtch saves and restores. */
struct context {
  uint64 ra;
  uint64 sp;
  uint64 s[12];
};

/* Per-hart state. */
struct cpu {
  struct proc *proc;      /* [c] process running here, or 0 */
  struct context context; /* [c] swtch() here to enter the scheduler */
  int noff;               /* [c] depth of intr_push nesting */
  int intena;             /* [c] were interrupts on before the first push? */
  uint64 hartid;          /* [I] this hart's id */
  int started;            /* [I] set once the hart has booted */
  uint64 start_time;      /* [I] time CSR value when it started */
  uint64 busy_time;       /* [c] time CSR units spent running processes */
  int timer_armed;        /* [c] is this hart's tick on? (clock.h) */
};

extern struct cpu cpus[NCPU];

/*
 * User registers, saved by uservec (kernel/riscv/trapvec.S) on every trap
 * from user mode and restored by userret. regs[i] holds register x(i+1):
 * ra, sp, gp, tp, t0-t2, s0, s1, a0-a7, s2-s11, t3-t6.
 * The named fields below alias the ones course material uses.
 */
struct trapframe {
  union {
    uint64 regs[31];
    struct {
      uint64 ra, sp, gp, tp, t0, t1, t2, s0, s1;
      uint64 a0, a1, a2, a3, a4, a5, a6, a7;
      uint64 s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
      uint64 t3, t4, t5, t6;
    };
  };
  uint64 epc;         /* user pc at the trap */
  uint64 kernel_sp;   /* top of this process's kernel stack */
  uint64 kernel_cpu;  /* tp value for the kernel: this hart's struct cpu* */
};

/* Floating-point registers, saved while the process is not in user mode. */
struct fpstate {
  uint64 f[32];
  uint64 fcsr;
};

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
  int pgid;               /* [p] process group id */

  struct proc *parent;    /* [w] */

  /* Sleep-queue linkage; see proc_sleep. [sleep-queue lock] */
  struct proc *sq_next;
  struct proc **sq_pprev;

  /* Run-queue linkage, owned by the scheduling policy. [run-queue lock] */
  struct proc *rq_next;
  int on_runq;

  /* Accounting, in time CSR units (see kernel/proc/clock.h). */
  uint64 utime;           /* [o] time spent in user mode */
  uint64 stime;           /* [o] time spent in the kernel */
  uint64 acct_mark;       /* [o] when utime or stime was last brought up to date */
  int in_user;            /* [o] running in user mode since acct_mark? */
  uint64 ctime;           /* [o] when it was created */
  uint64 nsched;          /* [p] times scheduled */
  int lastcpu;            /* [p] hart it last ran on, -1 if never */

  uint64 kstack;          /* [I] bottom of the kernel stack (virtual) */
  uint64 sz;              /* [o] size of user memory in bytes */
  pagetable_t pagetable;  /* [o] user page table */
  struct trapframe *trapframe; /* [o] user registers during a trap */
  struct fpstate fp;      /* [o] user FP registers */
  int fp_hart;            /* [o] hart whose FP registers hold fp, or -1 */
  struct context context; /* [o] swtch() here to run the process */
  struct file *ofile[NOFILE]; /* [o] open files */
  struct inode *cwd;      /* [o] current directory */
  char name[PROC_NAME_LEN]; /* [o] for debugging: the program's name */
};

extern struct proc proc[NPROC];
extern struct spinlock wait_lock;

struct cpu *mycpu(void);
struct proc *myproc(void);
int cpuid(void);

void proc_init(void);
void proc_userinit(void);
int proc_fork(void);
void proc_exit(int status) __attribute__((noreturn));
void proc_exit_killed(void) __attribute__((noreturn));
int proc_wait(int pid, uint64 status_addr, int options, int xv6_status);
int proc_killed(struct proc *p);
/* Is p killed or due to stop? (It acts on that in signal_check.) */
int proc_signal_pending(struct proc *p);
void proc_setkilled(struct proc *p);
void proc_make_runnable(struct proc *p);
int proc_setpgid(int pid, int pgid);
int proc_getpgid(int pid);
int proc_info(int pid, uint64 buf, int max);
int proc_hartinfo(uint64 buf, int max);

/* Signals (kernel/proc/signal.c). */
int signal_send(int pid, int sig);
int signal_group(int pgid, int sig);
int signal_ignore(int sig, int disposition);
void signal_check(void);
int proc_grow(int64 n);
void proc_dump(void);
pagetable_t proc_pagetable(void);
void proc_freepagetable(pagetable_t pt, uint64 sz);

void scheduler(void) __attribute__((noreturn));
void sched(void);
void proc_yield(void);

/*
 * Sleep on chan, atomically releasing lk; reacquire lk on return.
 * Returns when some thread calls proc_wakeup(chan), or earlier (a caller
 * must re-check its condition in a loop, and check proc_killed).
 */
void proc_sleep(void *chan, struct spinlock *lk);
/*
 * The same for a sleep a signal may cut short (pipe, console, wait,
 * sleep): returns 0 after sleeping, or without sleeping (lk still held)
 * -EINTR if the process is being killed, -ERESTART if it must stop (the
 * call is then run again once the process is continued; see syscall()).
 * A call that has already done part of its work returns that instead.
 */
int proc_sleep_intr(void *chan, struct spinlock *lk);
/* Wake every process sleeping on chan. Must not be called holding a p->lock. */
void proc_wakeup(void *chan);

/*
 * Copy to or from either a user address (user != 0, in the current
 * process's address space) or a kernel address. Return 0, or -EFAULT.
 */
int proc_copyout(int user, uint64 dst, const void *src, uint64 len);
int proc_copyin(void *dst, int user, uint64 src, uint64 len);

#endif
