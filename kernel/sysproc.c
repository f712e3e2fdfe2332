/*
 * sysproc.c: system calls about processes, time and the machine.
 * Each returns a result >= 0 or a negative error (kernel/errno.h).
 */
#include "kernel/types.h"
#include "kernel/clock.h"
#include "kernel/errno.h"
#include "kernel/kalloc.h"
#include "kernel/power.h"
#include "kernel/proc.h"
#include "kernel/sysarg.h"

int64 sys_fork(void)
{
  return proc_fork();
}

int64 sys_exit(void)
{
  proc_exit(argint(0));
}

int64 sys_wait(void)
{
  return proc_wait(argaddr(0));
}

int64 sys_kill(void)
{
  return proc_kill(argint(0));
}

int64 sys_getpid(void)
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
  return clock_sleep(n);
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

/* Microseconds since boot, from the time CSR: for timing in user space. */
int64 sys_uptime_us(void)
{
  return clock_usec();
}
