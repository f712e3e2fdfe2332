/*
 * fdtable.h: a process's file descriptors (kernel/fs/fdtable.c).
 *
 * Descriptor fd of a process is p->ofile[fd], a counted reference to a
 * struct file. The calls work on the calling process's own table, which
 * only its own kernel thread touches ([o] in kernel/proc/proc.h), so
 * they need no lock. fork and exit use fdtable_fork and fdtable_exit, so
 * that the process code need not know how files and the current
 * directory are reference-counted.
 */
#ifndef KERNEL_FS_FDTABLE_H
#define KERNEL_FS_FDTABLE_H

struct file;
struct proc;

/* The file open at descriptor fd, or 0 if fd is not open (or out of range). */
struct file *fdtable_get(int fd);
/* Put f at the lowest free descriptor and return it, or -EMFILE. The
   reference the caller holds on f now belongs to the table. */
int fdtable_install(struct file *f);
/* Empty descriptor fd and return the file it held (the caller now owns
   that reference), or 0 if fd was not open. */
struct file *fdtable_remove(int fd);

/* Give child a reference to each of parent's open files and its cwd. */
void fdtable_fork(struct proc *parent, struct proc *child);
/* Close every open file of p and release its cwd: p is the caller, or a
   child that fork is giving up on, which has never run. */
void fdtable_exit(struct proc *p);

#endif
