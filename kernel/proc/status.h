/*
 * status.h: what the kernel tells about its processes and harts: the
 * status system calls behind ps and top, and the console's Ctrl-P list.
 */
#ifndef KERNEL_PROC_STATUS_H
#define KERNEL_PROC_STATUS_H

#include "kernel/types.h"

/*
 * The status call. pid > 0: that process's struct procinfo into user
 * address buf (max >= 1), returning 1. pid == -1: the processes in pid
 * order, at most max entries, returning how many were written. Errors:
 * -ESRCH, -EINVAL, -EFAULT.
 */
int proc_info(int pid, uint64 buf, int max);
/* The processes whose pid is above after, in pid order, at most max of
   them: a listing in pieces of any size (ps, top). Returns how many were
   written (0: none left), -EINVAL or -EFAULT. */
int proc_list(int after, uint64 buf, int max);
/* One struct hartinfo per started hart into user address buf, at most
   max. Returns how many were written, -EINVAL or -EFAULT. */
int proc_hartinfo(uint64 buf, int max);
/* Ctrl-P: list the processes on the console (status.c says how it locks). */
void proc_dump(void);

#endif
