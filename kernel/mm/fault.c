/*
 * fault.c: page faults in user memory (kernel/mm/fault.h).
 *
 * A fault the kernel can serve is one on a page the process has but may
 * not yet use that way: today a store to a copy-on-write page (vm.c's
 * vm_cow_break). Every other fault is the program's error, and the trap
 * handler kills it. Serving one needs memory only for a copy; without
 * it the faulting process dies, and only it.
 */
#include "kernel/errno.h"
#include "kernel/mm/fault.h"
#include "kernel/mm/vm.h"
#include "kernel/proc/proc.h"
#include "kernel/riscv/csr.h"

void vm_count_cow(int copied)
{
  struct proc *p = myproc();
  p->faults++;
  p->cow_copies += copied;
}

int mm_fault(uint64 scause, uint64 va)
{
  struct proc *p = myproc();
  if (scause != CAUSE_STORE_PAGE_FAULT)
    return -EFAULT;
  int copied, r = vm_cow_break(p->pagetable, va, &copied);
  if (r == 0)
    vm_count_cow(copied);
  return r;
}
