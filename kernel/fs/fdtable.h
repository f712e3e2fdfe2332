/*
 * fdtable.h: a process's file descriptors as a whole (kernel/fs/sysfile.c).
 * The core calls these from fork and exit so that it need not know how
 * files and the current directory are reference-counted.
 */
#ifndef KERNEL_FS_FDTABLE_H
#define KERNEL_FS_FDTABLE_H

struct proc;

/* Give child a reference to each of parent's open files and its cwd. */
void fdtable_fork(struct proc *parent, struct proc *child);
/* Close every open file of p and release its cwd (p is the caller). */
void fdtable_exit(struct proc *p);

#endif
