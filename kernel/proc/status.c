/*
 * status.c: the status calls (procinfo, hartinfo) that ps and top are
 * built on, and the console's Ctrl-P process list (kernel/proc/status.h).
 *
 * Locks: each entry is filled under wait_lock (for the parent) and
 * p->lock, then copied out to the caller with neither held.
 */
#include "kernel/errno.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/string.h"
#include "kernel/mm/vm.h"
#include "kernel/proc/clock.h"
#include "kernel/proc/internal.h"
#include "kernel/proc/status.h"
#include "kernel/sched/sched.h"

#define PROC_STATE_NAME(name, str, letter) [name] = str,
static const char *const state_names[] = { PROC_STATES(PROC_STATE_NAME) };
#undef PROC_STATE_NAME

/* Ctrl-P: list the processes on the console. Each line is read without
   the process's lock, so that it works even while a process holds its
   own forever; the list needs wait_lock (processes are freed when
   reaped), and if that stays held, it says so instead. */
void proc_dump(void)
{
  printf("\n");
  if (!ptable_try_lock()) {
    printf("ctrl-p: the process table is busy (wait_lock held for 100 ms)\n");
    return;
  }
  for (struct proc *p = ptable_first_after(0); p; p = ptable_next(p)) {
    printf("%d %s %s", p->pid, state_names[p->state], p->name);
    if (p->state == RUNNING)
      printf(" on hart %d", p->lastcpu);
    printf("\n");
  }
  spin_release(&wait_lock);
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
  pi->faults = p->faults;
  pi->cow_copies = p->cow_copies;
  pi->vsz = uspace_vsz(&p->space, p->sz);
  pi->rss = p->space.rss * PGSIZE;
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
  sched_fill_info(p, pi);
}

void proc_waitinfo(struct proc *p, struct waitinfo *wi)
{
  struct procinfo pi;
  fill_info(p, &pi);
  memset(wi, 0, sizeof(*wi));
  wi->pid = p->pid;
  wi->utime_us = pi.utime_us;
  wi->stime_us = pi.stime_us;
  wi->wait_us = pi.wait_us;
  wi->start_us = pi.start_us;
  wi->first_us = pi.first_us;
  wi->end_us = p->etime ? clock_to_us(p->etime) : 0;
}

/* Entries filled under the locks at a time, then copied out without. */
#define LIST_CHUNK 8

int proc_list(int after, uint64 buf, int max)
{
  if (max <= 0)
    return -EINVAL;
  struct procinfo chunk[LIST_CHUNK];
  int n = 0;
  while (n < max) {
    int k = 0;
    spin_acquire(&wait_lock);
    for (struct proc *p = ptable_first_after(after); p && k < LIST_CHUNK && n + k < max;
         p = ptable_next(p)) {
      spin_acquire(&p->lock);
      fill_info(p, &chunk[k++]);
      spin_release(&p->lock);
    }
    spin_release(&wait_lock);
    if (k == 0)
      break;
    if (vm_copyout(myproc()->pagetable, buf + n * sizeof(chunk[0]), chunk, k * sizeof(chunk[0])) < 0)
      return -EFAULT;
    n += k;
    after = chunk[k - 1].pid;
  }
  return n;
}

int proc_info(int pid, uint64 buf, int max)
{
  if (max <= 0 || (pid <= 0 && pid != -1))
    return -EINVAL;
  if (pid == -1)
    return proc_list(0, buf, max);
  struct procinfo pi;
  spin_acquire(&wait_lock);
  struct proc *p = proc_find(pid);
  if (p) {
    spin_acquire(&p->lock);
    fill_info(p, &pi);
    spin_release(&p->lock);
  }
  spin_release(&wait_lock);
  if (p == 0)
    return -ESRCH;
  if (vm_copyout(myproc()->pagetable, buf, &pi, sizeof(pi)) < 0)
    return -EFAULT;
  return 1;
}

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
    hi.pid = __atomic_load_n(&c->pid, __ATOMIC_RELAXED);
    hi.busy_us = clock_to_us(c->busy_time);
    hi.up_us = clock_to_us(r_time() - c->start_time);
    if (vm_copyout(myproc()->pagetable, buf + n * sizeof(hi), &hi, sizeof(hi)) < 0)
      return -EFAULT;
    n++;
  }
  return n;
}

