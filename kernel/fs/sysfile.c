/*
 * sysfile.c: the file-system system calls.
 *
 * Each sys_NAME reads its arguments (sysarg.h), checks them, and calls
 * the layers below: fdtable.c and file.c for descriptors and their files,
 * dir.c and inode.c for names and inodes, pipe.c for pipes. Each returns a result >= 0 or a negative
 * errno; the semantics and arguments are xv6-riscv's:
 *
 *   dup(fd)  read(fd, buf, n)  write(fd, buf, n)  close(fd)  fstat(fd, st)
 *   link(old, new)  unlink(path)  open(path, flags)  mkdir(path)
 *   mknod(path, major, minor)  chdir(path)  pipe(int fds[2])
 *
 * Every call that may write the disk, including those that only look a
 * name up (the lookup may drop the last reference to an unlinked inode),
 * runs inside one log transaction.
 *
 * Locks: the descriptor table and ->cwd belong to the calling process
 * ([o] in kernel/proc/proc.h), so they need no lock. Inode locks are
 * taken parent before child.
 *
 * Call chain: syscall() (kernel/proc/syscall.c) -> sys_NAME -> fdtable.c,
 * file.c, inode.c, dir.c, pipe.c, log.c.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/errno.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/string.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/sysarg.h"
#include "kernel/fs.h"
#include "kernel/fs/log.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/file.h"
#include "kernel/fs/pipe.h"
#include "kernel/fs/fdtable.h"
#include "kernel/mm/fault.h"
#include "kernel/lib/hot.h"

/* nlink and minor are shorts on disk; this is the largest they can hold. */
#define SHORT_MAX 0x7fff

/* Descriptor argument n and its file. Returns 0, or -EBADF. */
static int argfd(int n, struct file **pf)
{
  *pf = fdtable_get(argint(n));
  return *pf == 0 ? -EBADF : 0;
}

/* ---- Calls on descriptors ------------------------------------------ */

int64 sys_dup(void)
{
  struct file *f;
  int err = argfd(0, &f);
  if (err < 0)
    return err;
  int fd = fdtable_install(f);
  if (fd < 0)
    return fd;
  file_dup(f);
  return fd;
}

/* The buffer of a read or write is copied under locks (the inode's, a
   pipe's): bring in its program-file pages first (kernel/mm/fault.h). */
static void prefault_buffer(uint64 addr, int n)
{
  if (n > 0)
    mm_prefault(addr, n);
}

HOT int64 sys_read(void)
{
  struct file *f;
  int err = argfd(0, &f);
  if (err < 0)
    return err;
  uint64 buf = argaddr(1);
  int n = argint(2);
  prefault_buffer(buf, n);
  return file_read(f, buf, n);
}

HOT int64 sys_write(void)
{
  struct file *f;
  int err = argfd(0, &f);
  if (err < 0)
    return err;
  uint64 buf = argaddr(1);
  int n = argint(2);
  prefault_buffer(buf, n);
  return file_write(f, buf, n);
}

int64 sys_close(void)
{
  struct file *f = fdtable_remove(argint(0));
  if (f == 0)
    return -EBADF;
  file_close(f);
  return 0;
}

int64 sys_fstat(void)
{
  struct file *f;
  int err = argfd(0, &f);
  if (err < 0)
    return err;
  return file_stat(f, argaddr(1));
}

/* ioctl(fd, request, arg): device control, see kernel/ioctl.h. */
int64 sys_ioctl(void)
{
  struct file *f;
  int err = argfd(0, &f);
  if (err < 0)
    return err;
  return file_ioctl(f, argint(1), argaddr(2));
}

/* pipe(int fds[2]): fds[0] reads, fds[1] writes. */
int64 sys_pipe(void)
{
  uint64 fds_addr = argaddr(0);
  struct file *rf, *wf;
  int fds[2];
  int err;

  err = pipe_alloc(&rf, &wf);
  if (err < 0)
    return err;
  fds[0] = fdtable_install(rf);
  fds[1] = fds[0] < 0 ? -EMFILE : fdtable_install(wf);
  if (fds[1] < 0) {
    err = -EMFILE;
    goto fail;
  }
  err = uaccess_copyout(1, fds_addr, fds, sizeof(fds));
  if (err < 0)
    goto fail;
  return 0;

fail:
  if (fds[0] >= 0)
    fdtable_remove(fds[0]);
  if (fds[1] >= 0)
    fdtable_remove(fds[1]);
  file_close(rf);
  file_close(wf);
  return err;
}

/* ---- Calls on names ------------------------------------------------ */

/* Copy path argument n into buf (MAXPATH bytes). Returns 0 or an error. */
static int argpath(int n, char *buf)
{
  int r = argstr(n, buf, MAXPATH);
  return r < 0 ? r : 0;
}

/* Is a name "." or ".."? Neither may be linked or unlinked by hand. */
static int is_dot_name(const char *name)
{
  return dir_namecmp(name, ".") == 0 || dir_namecmp(name, "..") == 0;
}

/*
 * Does directory dp (locked) hold nothing but "." and ".."? Returns 0 if
 * so, -ENOTEMPTY if not, or -EIO if an entry cannot be read (a damaged
 * disk: the directory is not removed).
 */
static int dir_check_empty(struct inode *dp)
{
  struct dirent de;

  for (uint off = 2 * sizeof(de); off < dp->size; off += sizeof(de)) {
    int r = inode_read(dp, 0, (uint64)&de, off, sizeof(de));
    if (r != sizeof(de))
      return r < 0 ? r : -EIO;
    if (de.inum != 0)
      return -ENOTEMPTY;
  }
  return 0;
}

/*
 * Make a new inode of the given type named path, and return it locked in
 * *ipp. For T_FILE an existing file or device of that name is returned
 * instead (that is open with O_CREATE). Returns 0, or -EEXIST, -EISDIR
 * (O_CREATE of an existing directory), -ENOSPC (no free inode or block),
 * or a lookup error. Inside a transaction.
 */
static int create(const char *path, short type, short major, short minor,
       struct inode **ipp)
{
  char name[DIRSIZ + 1];
  struct inode *dp, *ip;
  int err;

  err = fs_lookup_parent(path, name, &dp);
  if (err < 0)
    return err;
  inode_lock(dp);

  err = dir_lookup(dp, name, 0, &ip);
  if (err == 0) {
    inode_unlockput(dp);
    inode_lock(ip);
    if (type == T_FILE && (ip->type == T_FILE || ip->type == T_DEVICE)) {
      *ipp = ip;
      return 0;
    }
    err = (type == T_FILE && ip->type == T_DIR) ? -EISDIR : -EEXIST;
    inode_unlockput(ip);
    return err;
  }

  if (err == -ENOENT)
    err = inode_alloc(dp->dev, type, &ip);
  if (err < 0) {
    inode_unlockput(dp);
    return err;
  }
  inode_lock(ip);
  ip->major = major;
  ip->minor = minor;
  ip->nlink = 1;
  inode_update(ip);

  if (type == T_DIR) {
    /* "." does not count as a link: it would keep the directory alive
       forever. ".." counts as a link to the parent, added below. */
    err = dir_link(ip, ".", ip->inum);
    if (err == 0)
      err = dir_link(ip, "..", dp->inum);
    if (err < 0)
      goto undo;
  }
  err = dir_link(dp, name, ip->inum);
  if (err < 0)
    goto undo;
  if (type == T_DIR) {
    dp->nlink++;
    inode_update(dp);
  }
  inode_unlockput(dp);
  *ipp = ip;
  return 0;

undo:
  /* Nothing names ip, so dropping the last reference frees it and any
     block its entries used. */
  ip->nlink = 0;
  inode_update(ip);
  inode_unlockput(ip);
  inode_unlockput(dp);
  return err;
}

/*
 * open(path, flags): flags is O_RDONLY, O_WRONLY or O_RDWR, optionally with
 * O_CREATE and O_TRUNC. Returns the new descriptor, or -ENOENT, -EISDIR
 * (a directory opened for writing), -ETXTBSY (a running program's file
 * opened for writing), -ENODEV (a device file with no
 * driver), -ENFILE, -EMFILE, or a lookup or create error.
 */
int64 sys_open(void)
{
  char path[MAXPATH];
  struct inode *ip;
  struct file *f;
  int fd, err;
  int flags = argint(1);
  /* As in xv6: O_RDONLY is 0, and O_WRONLY wins over O_RDWR. */
  int readable = !(flags & O_WRONLY);
  int writable = (flags & (O_WRONLY | O_RDWR)) != 0;

  err = argpath(0, path);
  if (err < 0)
    return err;

  log_begin_op();
  if (flags & O_CREATE) {
    err = create(path, T_FILE, 0, 0, &ip);
    if (err < 0)
      goto out;
  } else {
    err = fs_lookup(path, &ip);
    if (err < 0)
      goto out;
    inode_lock(ip);
  }

  if (myproc()->io_error) {
    err = -EIO; /* the disk failed on the way: no descriptor for what it gave */
    goto out_put;
  }
  if (ip->type == T_DIR && writable) {
    err = -EISDIR;
    goto out_put;
  }
  if (ip->type == T_DEVICE && (ip->major < 0 || ip->major >= NDEV)) {
    err = -ENODEV;
    goto out_put;
  }
  /* Only a T_FILE can be open for writing as FD_INODE (file_close's
     inode_put_write): directories were refused, devices are FD_DEVICE.
     O_TRUNC changes the file too, whatever the access mode. */
  int changes = ip->type == T_FILE && (writable || (flags & O_TRUNC));
  if (changes) {
    err = inode_get_write(ip); /* -ETXTBSY: a program runs from it */
    if (err < 0)
      goto out_put;
  }
  f = file_alloc();
  if (f == 0) {
    err = -ENFILE;
    goto out_write;
  }
  fd = fdtable_install(f);
  if (fd < 0) {
    file_close(f); /* still FD_NONE: only the slot is returned */
    err = fd;
    goto out_write;
  }

  if (ip->type == T_DEVICE) {
    f->type = FD_DEVICE;
    f->major = ip->major;
  } else {
    f->type = FD_INODE;
    f->off = 0;
  }
  f->ip = ip;
  f->readable = readable;
  f->writable = writable;
  if ((flags & O_TRUNC) && ip->type == T_FILE)
    inode_truncate(ip);
  if (changes && !writable)
    inode_put_write(ip); /* O_RDONLY | O_TRUNC: done changing it */
  inode_unlock(ip);
  log_end_op();
  return fd;

out_write:
  if (changes)
    inode_put_write(ip);
out_put:
  inode_unlockput(ip);
out:
  log_end_op();
  return err;
}

/* mkdir(path). Returns 0, or -EEXIST, -ENOSPC or a lookup error. */
int64 sys_mkdir(void)
{
  char path[MAXPATH];
  struct inode *ip;
  int err = argpath(0, path);
  if (err < 0)
    return err;

  log_begin_op();
  err = create(path, T_DIR, 0, 0, &ip);
  if (err == 0)
    inode_unlockput(ip);
  log_end_op();
  return err;
}

/*
 * mknod(path, major, minor): make a device file. Returns 0, or -EINVAL
 * (major not below NDEV, or a number that is negative or too large),
 * -EEXIST, -ENOSPC or a lookup error.
 */
int64 sys_mknod(void)
{
  char path[MAXPATH];
  struct inode *ip;
  int major = argint(1);
  int minor = argint(2);
  int err = argpath(0, path);
  if (err < 0)
    return err;
  if (major < 0 || major >= NDEV || minor < 0 || minor > SHORT_MAX)
    return -EINVAL;

  log_begin_op();
  err = create(path, T_DEVICE, major, minor, &ip);
  if (err == 0)
    inode_unlockput(ip);
  log_end_op();
  return err;
}

/* chdir(path). Returns 0, or -ENOTDIR or a lookup error. */
int64 sys_chdir(void)
{
  char path[MAXPATH];
  struct proc *p = myproc();
  struct inode *ip;
  int err = argpath(0, path);
  if (err < 0)
    return err;

  log_begin_op();
  err = fs_lookup(path, &ip);
  if (err < 0)
    goto out;
  inode_lock(ip);
  if (ip->type != T_DIR) {
    inode_unlockput(ip);
    err = -ENOTDIR;
    goto out;
  }
  inode_unlock(ip);
  inode_put(p->cwd);
  p->cwd = ip;
out:
  log_end_op();
  return err;
}

/*
 * link(old, new): give the file old the second name new. Returns 0, or
 * -EPERM (old is a directory), -EEXIST, -EXDEV, -EMLINK, -ENOSPC or a
 * lookup error.
 */
int64 sys_link(void)
{
  char old[MAXPATH], new[MAXPATH], name[DIRSIZ + 1];
  struct inode *ip, *dp;
  int err;

  err = argpath(0, old);
  if (err == 0)
    err = argpath(1, new);
  if (err < 0)
    return err;

  log_begin_op();
  err = fs_lookup(old, &ip);
  if (err < 0)
    goto out;
  inode_lock(ip);
  if (ip->type == T_DIR) {
    err = -EPERM;
    goto out_put;
  }
  if (ip->nlink >= SHORT_MAX) {
    err = -EMLINK;
    goto out_put;
  }
  /* Count the link before the inode is unlocked to add the name: while
     the new entry is being made, a concurrent unlink of the old name must
     not see nlink below the number of names and free a file still named. */
  ip->nlink++;
  inode_update(ip);
  inode_unlock(ip);

  err = fs_lookup_parent(new, name, &dp);
  if (err < 0)
    goto undo;
  inode_lock(dp);
  if (dp->dev != ip->dev)
    err = -EXDEV;
  else
    err = dir_link(dp, name, ip->inum);
  inode_unlockput(dp);
  if (err < 0)
    goto undo;
  inode_put(ip);
  log_end_op();
  return 0;

undo:
  inode_lock(ip);
  ip->nlink--;
  inode_update(ip);
out_put:
  inode_unlockput(ip);
out:
  log_end_op();
  return err;
}

/*
 * unlink(path): remove a name. The inode is freed when its last name and
 * last open file are gone. An entry naming a damaged inode (free, past
 * the inode area, of no known type) is removed on its own, the inode
 * left for fsck: so a damaged disk's bad names can be cleared. Returns 0,
 * or -EINVAL (the name is "." or ".."), -ENOTEMPTY (a directory with
 * entries), -EIO (a damaged directory), -ENOENT or a lookup error.
 */
int64 sys_unlink(void)
{
  char path[MAXPATH], name[DIRSIZ + 1];
  struct inode *dp, *ip;
  struct dirent empty;
  uint off;
  int err = argpath(0, path);
  if (err < 0)
    return err;

  log_begin_op();
  err = fs_lookup_parent(path, name, &dp);
  if (err < 0)
    goto out;
  inode_lock(dp);
  if (is_dot_name(name)) {
    err = -EINVAL;
    goto out_dp;
  }
  err = dir_lookup(dp, name, &off, &ip);
  if (err == -EIO && !myproc()->io_error) {
    /* The inode is damaged on the disk (not just unreadable now). */
    err = dir_drop_entry(dp, name);
    goto out_dp;
  }
  if (err < 0)
    goto out_dp;
  if (ip == dp) {
    /* Only "." may name the directory itself; locking ip would wait for
       ever on the lock we hold. */
    printf("fs: directory %u names itself as %s; not removed\n", dp->inum,
           name);
    inode_put(ip);
    err = -EIO;
    goto out_dp;
  }
  inode_lock(ip);
  if (ip->nlink < 1) {
    /* dir_lookup saw a link, but a damaged disk can name an inode from
       more places than its count says, and another unlink got there
       first. */
    printf("fs: inode %u named %s has no links left; not removed\n",
           ip->inum, name);
    inode_unlockput(ip);
    err = -EIO;
    goto out_dp;
  }
  if (ip->type == T_DIR) {
    err = dir_check_empty(ip);
    if (err < 0) {
      inode_unlockput(ip);
      goto out_dp;
    }
  }

  memset(&empty, 0, sizeof(empty));
  /* Overwrites an existing entry, so it needs no new block: it fails only
     if the disk does (an indirect block it cannot read). */
  int r = inode_write(dp, 0, (uint64)&empty, off, sizeof(empty));
  if (r != sizeof(empty)) {
    inode_unlockput(ip);
    err = r < 0 ? r : -EIO;
    goto out_dp;
  }
  if (ip->type == T_DIR) {
    dp->nlink--; /* the child's ".." no longer names dp */
    inode_update(dp);
  }
  inode_unlockput(dp);

  ip->nlink--;
  inode_update(ip);
  inode_unlockput(ip);
  log_end_op();
  return 0;

out_dp:
  inode_unlockput(dp);
out:
  log_end_op();
  return err;
}
