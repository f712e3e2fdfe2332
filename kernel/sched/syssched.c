/*
 * syssched.c: the system calls that choose the scheduling policy and a
 * process's share of the CPU (README: system call table). Each returns 0
 * or a value, or a negative error. setpriority and getpriority, which
 * name another process, are in kernel/proc/sysproc.c.
 */
#include "kernel/errno.h"
#include "kernel/schedinfo.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/sysarg.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/trace.h"

#define EXPECTED_MAX_MS (1000L * 1000 * 1000)  /* a declared CPU time: at most 11 days */

/* sched_set(spec): "NAME [PARAM=V[,V...]]...": switch the whole machine to
   policy NAME. -EINVAL for an unknown name, parameter or value (and
   nothing changes), -EFAULT, -ENAMETOOLONG (longer than SCHED_TEXT_LEN). */
int64 sys_sched_set(void)
{
  char spec[SCHED_TEXT_LEN];
  int r = argstr(0, spec, sizeof(spec));
  if (r < 0)
    return r;
  return sched_set(spec);
}

/* sched_info(index, &si): -1 the policy in use, 0.. each policy there is.
   0, -EINVAL past the last, -EFAULT. */
int64 sys_sched_info(void)
{
  struct schedinfo si;
  int r = sched_info(argint(0), &si);
  if (r < 0)
    return r;
  return uaccess_copyout(1, argaddr(1), &si, sizeof(si));
}

/* schedtrace(buf, max, &cursor): the scheduling trace (kernel/schedtrace.h). */
int64 sys_schedtrace(void)
{
  return trace_read(argaddr(0), argint(1), argaddr(2));
}

/* schedtrace_on(on): record the trace (1, the default) or not (0); returns
   whether it was on. For measuring what the trace costs. */
int64 sys_schedtrace_on(void)
{
  return trace_enable(argint(0));
}

/* sched_yield(): give up the hart; the caller stays runnable, and the
   policy decides where it goes (the tail, in rr). Returns 0. */
int64 sys_sched_yield(void)
{
  proc_yield();
  return 0;
}

/* settickets(n): the caller's share for lottery and stride (1 ..
   TICKETS_MAX, inherited by fork). 0 or -EINVAL. */
int64 sys_settickets(void)
{
  struct proc *p = myproc();
  spin_acquire(&p->lock);
  int r = sched_settickets(p, argint(0));
  spin_release(&p->lock);
  return r;
}

/* setexpected(ms): the CPU time the caller expects to need in all, for
   sjf and stcf (0: none, they estimate instead). 0 or -EINVAL. */
int64 sys_setexpected(void)
{
  int ms = argint(0);
  if (ms < 0 || ms > EXPECTED_MAX_MS)
    return -EINVAL;
  struct proc *p = myproc();
  spin_acquire(&p->lock);
  int r = sched_setexpected(p, ms);
  spin_release(&p->lock);
  return r;
}
