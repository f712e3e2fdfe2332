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

extern struct proc *initproc;    /* [I] pid 1, set by proc_userinit */

/* Guards every p->parent, so that a parent's wait and a child's exit,
   stop or continue agree on who waits for whom, and the process table's
   lists (ptable.c). Every change a parent can wait for is made holding
   it. Taken before any p->lock. */
extern struct spinlock wait_lock;

/* ptable.c: making, freeing and finding processes. */
void ptable_init(void);
struct proc *proc_alloc(int *err);   /* a new process, locked, or 0 with *err */
void proc_destroy(struct proc *p);   /* free it all; no lock held, p unlinked */
void ptable_link(struct proc *p, struct proc *parent);
void ptable_unlink(struct proc *p);
struct proc *proc_find(int pid);     /* by pid, or 0 */
void ptable_reparent(struct proc *p, struct proc *newparent);
void ptable_report(struct proc *p);   /* p has news: its parent's wait looks at it first */
void ptable_reported(struct proc *p); /* its news taken, p back behind those with news */
int ptable_child_in_group(struct proc *parent, int pgid);
void ptable_setpgid(struct proc *p, int pgid);
struct proc *ptable_group_first(int pgid);
struct proc *ptable_group_next(struct proc *p);
struct proc *ptable_first_after(int after);
struct proc *ptable_next(struct proc *p);
int ptable_count(void);
/* For Ctrl-P, which must work when the kernel is wedged: take wait_lock
   if it comes free soon. Returns 1 if taken. */
int ptable_try_lock(void);

/* Has p news for its parent's wait: it exited, or a stop or continue
   is yet to be reported? These change only under wait_lock, so a look
   holding wait_lock needs no p->lock. */
static inline int proc_has_news(struct proc *p)
{
  return p->state == ZOMBIE || p->report != REPORT_NONE;
}

/* proc.c */
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
