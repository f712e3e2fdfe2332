/*
 * fdtable.c: the per-process file descriptor table (kernel/fs/fdtable.h).
 *
 * Locks: none of its own. A process's ofile[] and cwd belong to the
 * process ([o]): only its own kernel thread changes them, and fork fills
 * in a child's before the child can run.
 *
 * Call chain: sysfile.c's calls on descriptors; fork and exit
 * (kernel/proc/proc.c) -> fdtable_fork, fdtable_exit -> file.c, inode.c.
 */
#include "kernel/param.h"
#include "kernel/errno.h"
#include "kernel/proc/proc.h"
#include "kernel/fs/fdtable.h"
#include "kernel/fs/file.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/log.h"
#include "kernel/lib/hot.h"

HOT struct file *fdtable_get(int fd)
{
  if (fd < 0 || fd >= NOFILE)
    return 0;
  return myproc()->ofile[fd];
}

int fdtable_install(struct file *f)
{
  struct proc *p = myproc();

  for (int fd = 0; fd < NOFILE; fd++) {
    if (p->ofile[fd] == 0) {
      p->ofile[fd] = f;
      return fd;
    }
  }
  return -EMFILE;
}

struct file *fdtable_remove(int fd)
{
  struct file *f = fdtable_get(fd);
  if (f != 0)
    myproc()->ofile[fd] = 0;
  return f;
}

void fdtable_fork(struct proc *parent, struct proc *child)
{
  for (int fd = 0; fd < NOFILE; fd++) {
    if (parent->ofile[fd] != 0)
      child->ofile[fd] = file_dup(parent->ofile[fd]);
  }
  if (parent->cwd != 0)
    child->cwd = inode_dup(parent->cwd);
}

void fdtable_exit(struct proc *p)
{
  for (int fd = 0; fd < NOFILE; fd++) {
    if (p->ofile[fd] != 0) {
      struct file *f = p->ofile[fd];
      p->ofile[fd] = 0;
      file_close(f);
    }
  }
  if (p->cwd != 0)
    inode_release(p->cwd);
  p->cwd = 0;
}
