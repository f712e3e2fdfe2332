/*
 * internal.h: the process table's private parts, shared only by the
 * files of kernel/proc/. Nothing outside this directory includes it:
 * wait_lock and the table itself are the process code's business.
 */
#ifndef KERNEL_PROC_INTERNAL_H
#define KERNEL_PROC_INTERNAL_H

#include "kernel/procinfo.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/policy.h"

#define INIT_PID 1

extern struct proc proc[NPROC];  /* the table; gdb's kps reads it too */
extern struct proc *initproc;    /* [I] pid 1, set by proc_userinit */

/* Guards every p->parent, so that a parent's wait and a child's exit,
   stop or continue agree on who waits for whom. Every change a parent
   can wait for is made holding it. Taken before any p->lock. */
extern struct spinlock wait_lock;

/* proc.c */
struct proc *proc_alloc(void);       /* a new slot, locked, or 0 */
/* p->lock held; the slot becomes UNUSED. Returns its page table (and
   size) for proc_free_table, called once no lock is held. */
pagetable_t proc_free(struct proc *p, uint64 *szp);
void proc_free_table(pagetable_t pt, uint64 sz);
/* What a pending signal asks of p, as an error for the call it is in:
   -EINTR (killed), -ERESTART (to stop) or 0. p->lock held. */
int proc_pending_interrupt(struct proc *p);

/* status.c */
/* p's times as waitstat reports them. wait_lock and p->lock held. */
void proc_waitinfo(struct proc *p, struct waitinfo *wi);

/* scheduler.c */
/* Make p RUNNABLE, hand it to the policy (why: enum sched_join) and wake
   an idle hart to take it, or preempt a less deserving process. p->lock
   held. */
void proc_make_runnable(struct proc *p, enum sched_join why);

/* sleep.c */
void sleepq_init(void);

/* userinit.c */
void forkret(void);  /* where every new process starts, in the kernel */

#endif
