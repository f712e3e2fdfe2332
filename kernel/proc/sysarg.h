/*
 * sysarg.h: how a system call's implementation reads its arguments.
 *
 * The dispatcher, syscall() in kernel/proc/syscall.c, finds the number in a7 and
 * calls sys_NAME(), whose return value goes back to user mode in a0:
 * a result >= 0, or a negative error number from kernel/errno.h.
 * Arguments are a0..a5 of the saved user registers.
 */
#ifndef KERNEL_PROC_SYSARG_H
#define KERNEL_PROC_SYSARG_H

#include "kernel/types.h"

/*
 * Kernel-internal result of a call that gave up waiting because its
 * process must stop: syscall() runs the call again once the process is
 * continued. A call returns it only if it has done nothing visible yet;
 * it never reaches user mode.
 */
#define ERESTART 512

/* The dispatcher: run the system call the trapframe asks for (usertrap). */
void syscall(void);

int argint(int n);                         /* argument n as an int */
uint64 argaddr(int n);                     /* argument n as a user address (unchecked) */
int argstr(int n, char *buf, int max);     /* copy string argument n: length, or -EFAULT / -ENAMETOOLONG */
int fetchaddr(uint64 addr, uint64 *ip);    /* read a uint64 from user memory: 0 or -EFAULT */
int fetchstr(uint64 addr, char *buf, int max); /* as argstr, from an address */

#endif
