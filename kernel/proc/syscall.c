/*
 * syscall.c: the system call dispatcher and argument fetching
 * (kernel/proc/sysarg.h).
 *
 * User code puts the call number in a7 and arguments in a0..a5, then runs
 * ecall; usertrap calls syscall(), which looks the number up in the table
 * generated from kernel/syscalls.tbl and stores the result in a0.
 */
#include <stddef.h>
#include "kernel/types.h"
#include "kernel/errno.h"
#include "kernel/lib/printf.h"
#include "kernel/proc/proc.h"
#include "kernel/syscall.h"
#include "kernel/proc/sysarg.h"
#include "kernel/proc/clock.h"
#include "kernel/mm/vm.h"

struct syscall_entry {
  int64 (*fn)(void);
  const char *name;
};

#include "kernel/proc/syscall_table.h"
#include "kernel/lib/hot.h"

#define ECALL_SIZE 4 /* bytes of the ecall instruction */
#define NSYSCALL (sizeof(syscall_table) / sizeof(syscall_table[0]))

/* Argument n (0..5) of the current system call. The registers are read
   as an array, not through a switch, whose jump table would sit in
   .rodata, one more page for QEMU to look up after each switch
   (kernel/lib/hot.h). */
_Static_assert(offsetof(struct trapframe, a5) - offsetof(struct trapframe, a0) ==
                 5 * sizeof(uint64),
               "a0..a5 are consecutive in the trapframe");
static uint64 raw_arg(int n)
{
  if (n < 0 || n > 5)
    panic("raw_arg: no argument %d", n);
  return (&myproc()->trapframe->a0)[n];
}

HOT int argint(int n)
{
  return (int)raw_arg(n);
}

HOT uint64 argaddr(int n)
{
  return raw_arg(n);
}

int fetchaddr(uint64 addr, uint64 *ip)
{
  return vm_copyin(myproc()->pagetable, ip, addr, sizeof(*ip));
}

int fetchstr(uint64 addr, char *buf, int max)
{
  return vm_copyinstr(myproc()->pagetable, buf, addr, max);
}

int argstr(int n, char *buf, int max)
{
  return fetchstr(argaddr(n), buf, max);
}

/*
 * Say that p made an unknown system call, at most once a second: a
 * program that makes many (a fuzzer) must not flood the console, yet the
 * first one is worth a line. The count of those not told is approximate
 * under races between harts, which is all it needs to be.
 */
static void unknown_call(struct proc *p, uint64 num)
{
  static uint64 last_said, untold;
  uint64 now = r_time();
  if (last_said != 0 && now - last_said < clock_from_us(1000000)) {
    __atomic_add_fetch(&untold, 1, __ATOMIC_RELAXED);
    return;
  }
  last_said = now;
  uint64 n = __atomic_exchange_n(&untold, 0, __ATOMIC_RELAXED);
  if (n)
    printf("pid %d %s: unknown system call %ld (and %ld more in the last second)\n", p->pid,
           p->name, num, n);
  else
    printf("pid %d %s: unknown system call %ld\n", p->pid, p->name, num);
}

HOT void syscall(void)
{
  struct proc *p = myproc();
  uint64 num = p->trapframe->a7;
  if (num < NSYSCALL && syscall_table[num].fn) {
    p->io_error = 0;
    int64 r = syscall_table[num].fn();
    if (p->io_error && r != -ERESTART)
      r = -EIO; /* the disk failed under it (kernel/fs/bio.c) */
    if (r == -ERESTART && !proc_killed(p)) {
      /* It gave up only to stop: once continued, the process runs the
         ecall again. a0 still holds the first argument. */
      p->trapframe->epc -= ECALL_SIZE;
    } else {
      p->trapframe->a0 = r == -ERESTART ? -EINTR : r;
    }
  } else {
    unknown_call(p, num);
    p->trapframe->a0 = -ENOSYS;
  }
}
