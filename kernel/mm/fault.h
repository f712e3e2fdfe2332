/*
 * fault.h: serving page faults in user memory (kernel/mm/fault.c).
 */
#ifndef KERNEL_MM_FAULT_H
#define KERNEL_MM_FAULT_H

#include "kernel/types.h"

/* A page fault (scause) at user address va in the current process.
   Returns 0 if served (the instruction can run again), -EFAULT if the
   address is not the process's to use so, -ENOMEM if serving it needed a
   page and none was free. */
int mm_fault(uint64 scause, uint64 va);

#endif
