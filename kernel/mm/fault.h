/*
 * fault.h: serving page faults in user memory (kernel/mm/fault.c).
 *
 * User memory is made when first touched: a fault on a page the process
 * may have but has not got yet brings it in (a program page read from
 * its file, or a zeroed page of bss, heap or stack), and a store to a
 * copy-on-write page gives the writer its own. The same happens when the
 * kernel copies to or from user memory (vm_copyin, vm_copyout).
 */
#ifndef KERNEL_MM_FAULT_H
#define KERNEL_MM_FAULT_H

#include "kernel/types.h"
#include "kernel/riscv.h"

/* A page fault (scause) at user address va in the current process.
   Returns 0 if served (the instruction can run again), -EFAULT if the
   address is not the process's to use so, -ENOMEM if serving it needed a
   page and none was free, -EIO if its program file could not be read. */
int mm_fault(uint64 scause, uint64 va);

/* The kernel is about to read (write = 0) or write user address va of
   page table pt and found the page missing or not writable: bring it in
   as mm_fault would. Returns 0, -EFAULT, -ENOMEM or -EIO. A page that
   must be read from the program file is brought in only where the caller
   may sleep (holds no lock); elsewhere that is -EFAULT, which
   mm_prefault avoids. */
int mm_copy_fault(pagetable_t pt, uint64 va, int write);

/* Bring in now the pages of [va, va + len) that must be read from the
   program file, before the caller takes locks under which it copies to
   or from them (read, write, wait). Errors are left for the copy. */
void mm_prefault(uint64 va, uint64 len);

/* Give up every user page of the current process (exit: its memory is
   free before its parent reaps it). */
void mm_exit(void);

#endif
