/*
 * uaccess.h: copying to and from "either" kind of address, for code
 * that serves both user buffers (a read() into a program's memory) and
 * kernel buffers (exec reading an ELF header) through one path.
 */
#ifndef KERNEL_MM_UACCESS_H
#define KERNEL_MM_UACCESS_H

#include "kernel/types.h"

/*
 * Copy to or from either a user address (user != 0, in the calling
 * process's address space, checked as vm_copyout/vm_copyin do) or a
 * kernel address. Return 0, or -EFAULT for a bad user address.
 */
int uaccess_copyout(int user, uint64 dst, const void *src, uint64 len);
int uaccess_copyin(void *dst, int user, uint64 src, uint64 len);

#endif
