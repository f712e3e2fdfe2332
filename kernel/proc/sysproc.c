/*
 * sysproc.c: system calls about processes, time and the machine.
 * Each returns a result >= 0 or a negative error (kernel/errno.h).
 */
#include "kernel/types.h"
#include "kernel/proc/clock.h"
#include "kernel/errno.h"
#include "kernel/meminfo.h"
#include "kernel/mm/kalloc.h"
#include "kernel/mm/textcache.h"
#include "kernel/riscv/power.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/signal.h"
#include "kernel/proc/status.h"
#include "kernel/signal.h"
#include "kernel/proc/sysarg.h"
#include "kernel/riscv/csr.h"
#include "kernel/wait.h"
#include "kernel/lib/hot.h"

int64 sys_fork(void)
{
  return proc_fork();
}

int64 sys_exit(void)
{
  proc_exit(argint(0));
}

/* wait(&status): any child's exit, with xv6's status (-1 if killed). */
int64 sys_wait(void)
{
  return proc_wait(-1, argaddr(0), 0, 1, 0);
}

/* waitpid(pid, &status, options): see proc_wait and kernel/wait.h. */
int64 sys_waitpid(void)
{
  int options = argint(2);
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED))
    return -EINVAL;
  return proc_wait(argint(0), argaddr(1), options, 0, 0);
}

/* waitstat(pid, &status, options, &info): waitpid, and the child's times
   (struct waitinfo, kernel/procinfo.h) into *info. */
int64 sys_waitstat(void)
{
  int options = argint(2);
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED))
    return -EINVAL;
  return proc_wait(argint(0), argaddr(1), options, 0, argaddr(3));
}

/* kill(pid): xv6's kill, which is SIGKILL to one process. */
int64 sys_kill(void)
{
  int pid = argint(0);
  if (pid <= 0)
    return -ESRCH;
  return signal_send(pid, SIGKILL);
}

/* sigsend(pid, sig): pid > 0 one process, 0 own group, < -1 group -pid. */
int64 sys_sigsend(void)
{
  return signal_send(argint(0), argint(1));
}

/* signal(sig, SIG_DFL or SIG_IGN): returns the previous disposition. */
int64 sys_signal(void)
{
  return signal_ignore(argint(0), argint(1));
}

int64 sys_setpgid(void)
{
  return proc_setpgid(argint(0), argint(1));
}

int64 sys_getpgid(void)
{
  return proc_getpgid(argint(0));
}

/* setpriority(pid, nice): see proc_setnice. */
int64 sys_setpriority(void)
{
  return proc_setnice(argint(0), argint(1));
}

/* getpriority(pid, &nice): pid's nice value into *nice (a value that may
   be negative, so not the return value). */
int64 sys_getpriority(void)
{
  int nice;
  int r = proc_getnice(argint(0), &nice);
  if (r < 0)
    return r;
  return uaccess_copyout(1, argaddr(1), &nice, sizeof(nice));
}

int64 sys_getppid(void)
{
  return proc_getppid();
}

/* procinfo(pid, buf, max): see proc_info. */
int64 sys_procinfo(void)
{
  return proc_info(argint(0), argaddr(1), argint(2));
}

/* proclist(after, buf, max): see proc_list. */
int64 sys_proclist(void)
{
  return proc_list(argint(0), argaddr(1), argint(2));
}

/* hartinfo(buf, max): see proc_hartinfo. */
int64 sys_hartinfo(void)
{
  return proc_hartinfo(argaddr(0), argint(1));
}

HOT int64 sys_getpid(void)
{
  return myproc()->pid;
}

/* sbrk(n): grow (or shrink) memory by n bytes; returns the old end. */
int64 sys_sbrk(void)
{
  int n = argint(0);
  uint64 old = myproc()->sz;
  int r = proc_grow(n);
  return r < 0 ? r : (int64)old;
}

int64 sys_sleep(void)
{
  int n = argint(0);
  if (n < 0)
    return -EINVAL;
  uint64 left;
  int r = clock_sleep(n, &left);
  if (r == -ERESTART)
    myproc()->trapframe->a0 = left; /* the restart sleeps only what is left */
  return r;
}

#define USLEEP_MAX 1000000000000UL /* about 11.6 days, in microseconds */

/* usleep(us): sleep us microseconds, to the microsecond, not the tick. */
int64 sys_usleep(void)
{
  uint64 us = argaddr(0);
  if (us > USLEEP_MAX)
    return -EINVAL;
  uint64 left;
  int r = clock_sleep_until(r_time() + clock_from_us(us), &left);
  if (r == -ERESTART)
    myproc()->trapframe->a0 = left; /* the restart sleeps only what is left */
  return r;
}

/* usleep_until(t): sleep until uptime_us() reaches t. Processes that
   sleep until the same t wake in the order they began. */
int64 sys_usleep_until(void)
{
  uint64 when = argaddr(0);
  if (when > clock_usec() + USLEEP_MAX)
    return -EINVAL;
  uint64 left;
  return clock_sleep_until(clock_from_us(when), &left); /* a restart: the same t */
}

int64 sys_uptime(void)
{
  return clock_ticks();
}

int64 sys_poweroff(void)
{
  machine_poweroff(argint(0));
}

int64 sys_freemem(void)
{
  return kalloc_nfree();
}

/* meminfo(&mi): fill struct meminfo (kernel/meminfo.h). */
int64 sys_meminfo(void)
{
  struct meminfo mi = {
    .total = kalloc_npages(),
    .free = kalloc_nfree(),
    .shared = kalloc_nshared(),
    .text = textcache_npages(),
  };
  return uaccess_copyout(1, argaddr(0), &mi, sizeof(mi));
}

/* Microseconds since boot, from the time CSR: for timing in user space. */
int64 sys_uptime_us(void)
{
  return clock_usec();
}
