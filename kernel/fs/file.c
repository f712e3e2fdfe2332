/*
 * file.c: open files, the layer between file descriptors and what they
 * name (an inode, a device or a pipe).
 *
 * A struct file is one open(): it carries the offset and the access mode,
 * and is shared by every descriptor that dup() or fork() derived from it.
 * The system-wide table holds NFILE of them. file_read and file_write
 * dispatch on the file's type: pipes to pipe.c, device files to the
 * device switch `devsw` (drivers fill in their entry at boot, e.g. the
 * console as CONSOLE), inodes to inode.c, one log transaction per chunk.
 *
 * Interface (kernel/fs/file.h): file_init, file_alloc, file_dup,
 * file_close, file_stat, file_read, file_write; all errors are negative
 * errno values.
 *
 * Locks: ftable_lock guards every file's ref count, and a file's other
 * fields while it is being set up or torn down. Once set up, type, ip,
 * pipe, major, readable and writable do not change; off is guarded by the
 * inode's sleep lock (held around each read or write).
 *
 * Call chain: sysfile.c (read, write, close, ...) and the core (fork, exit)
 * call in; this calls pipe.c, inode.c, log.c and the drivers' devsw entries.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/errno.h"
#include "kernel/stat.h"
#include "kernel/lib/spinlock.h"
#include "kernel/lib/printf.h"
#include "kernel/mm/uaccess.h"
#include "kernel/fs.h"
#include "kernel/fs/log.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/pipe.h"
#include "kernel/fs/file.h"
#include "kernel/proc/proc.h"
#include "kernel/lib/hot.h"

/*
 * The most bytes file_write puts in one transaction. Writing k blocks'
 * worth of bytes at an unaligned offset touches k + 1 data blocks, and
 * each new one also changes a bitmap block; on top of that the inode's
 * block and its indirect block may change. So 2 * (k + 1) + 2 blocks
 * must not exceed MAXOPBLOCKS.
 */
#define WRITE_CHUNK_BLOCKS ((MAXOPBLOCKS - 2) / 2 - 1)
#define WRITE_CHUNK        (WRITE_CHUNK_BLOCKS * BSIZE)

_Static_assert(WRITE_CHUNK_BLOCKS >= 1, "MAXOPBLOCKS too small for a write");

struct devsw devsw[NDEV];

static struct {
  struct spinlock ftable_lock;
  struct file files[NFILE]; /* ref: [ftable_lock]; see the file comment */
} ftable;

/*
 * Called once at boot. It also sets up the in-memory inode table, which
 * open files point into and which must be usable before fs_init runs.
 */
void file_init(void)
{
  spin_init(&ftable.ftable_lock, "ftable_lock");
  inode_init();
}

/* A free file with ref 1 and type FD_NONE, or 0 if the table is full. */
struct file *file_alloc(void)
{
  spin_acquire(&ftable.ftable_lock);
  for (struct file *f = ftable.files; f < ftable.files + NFILE; f++) {
    if (f->ref == 0) {
      f->ref = 1;
      f->type = FD_NONE;
      f->readable = 0;
      f->writable = 0;
      f->pipe = 0;
      f->ip = 0;
      f->off = 0;
      f->major = 0;
      spin_release(&ftable.ftable_lock);
      return f;
    }
  }
  spin_release(&ftable.ftable_lock);
  return 0;
}

/* One more reference to f (dup, fork). */
struct file *file_dup(struct file *f)
{
  spin_acquire(&ftable.ftable_lock);
  KASSERT(f->ref > 0);
  f->ref++;
  spin_release(&ftable.ftable_lock);
  return f;
}

/*
 * Drop a reference; the last one closes the pipe end or releases the
 * inode (which may free an unlinked file, hence the transaction).
 */
void file_close(struct file *f)
{
  spin_acquire(&ftable.ftable_lock);
  KASSERT(f->ref > 0);
  f->ref--;
  if (f->ref > 0) {
    spin_release(&ftable.ftable_lock);
    return;
  }
  /* Take what is needed, then free the slot before sleeping on the disk. */
  struct file closing = *f;
  f->type = FD_NONE;
  spin_release(&ftable.ftable_lock);

  switch (closing.type) {
  case FD_PIPE:
    pipe_close(closing.pipe, closing.writable);
    break;
  case FD_INODE:
  case FD_DEVICE:
    if (closing.type == FD_INODE && closing.writable)
      inode_put_write(closing.ip); /* sys_open's inode_get_write */
    inode_release(closing.ip);
    break;
  case FD_NONE:
    break;
  }
}

/*
 * Copy f's metadata as a struct stat to user address user_addr.
 * Returns 0, -EINVAL for a pipe (it has no inode), or -EFAULT.
 */
int file_stat(struct file *f, uint64 user_addr)
{
  struct stat st;

  if (f->type != FD_INODE && f->type != FD_DEVICE)
    return -EINVAL;
  inode_lock(f->ip);
  inode_stat(f->ip, &st);
  inode_unlock(f->ip);
  return uaccess_copyout(1, user_addr, &st, sizeof(st));
}

/* The device switch entry for a device file, or 0 if there is none. */
static struct devsw *device_of(struct file *f)
{
  if (f->major < 0 || f->major >= NDEV)
    return 0;
  return &devsw[f->major];
}

/*
 * Read up to n bytes into user address user_addr. Returns the bytes read
 * (0 at end of file), or -EBADF (not open for reading), -EINVAL (n < 0),
 * -ENODEV (no driver), or the error of the pipe, driver or inode.
 */
HOT int file_read(struct file *f, uint64 user_addr, int n)
{
  struct devsw *dev;
  int r;

  if (!f->readable)
    return -EBADF;
  if (n < 0)
    return -EINVAL;

  switch (f->type) {
  case FD_PIPE:
    return pipe_read(f->pipe, user_addr, n);
  case FD_DEVICE:
    dev = device_of(f);
    if (dev == 0 || dev->read == 0)
      return -ENODEV;
    return dev->read(1, user_addr, n);
  case FD_INODE:
    inode_lock(f->ip);
    r = inode_read(f->ip, 1, user_addr, f->off, n);
    if (r > 0)
      f->off += r;
    inode_unlock(f->ip);
    return r;
  case FD_NONE:
    break;
  }
  panic("file_read: file %p has type %d", f, f->type);
}

/*
 * Write an inode file in WRITE_CHUNK pieces, one transaction each, so a
 * large write never overflows the log. A piece that comes up short (disk
 * full, largest file size reached, bad address) ends the write, and so
 * does a kill between pieces: a killed process dies on its way out, and
 * would otherwise go on through a transaction per piece first (a write of
 * MAXFILE bytes is 90 of them, each of which may wait for the log behind
 * other processes' operations: seconds, on a busy machine). What it wrote
 * stays written.
 */
static int inode_file_write(struct file *f, uint64 user_addr, int n)
{
  int done = 0;
  int err = 0;

  while (done < n) {
    if (done > 0 && proc_killed(myproc()))
      break;
    int len = n - done;
    if (len > WRITE_CHUNK)
      len = WRITE_CHUNK;
    log_begin_op();
    inode_lock(f->ip);
    int r = inode_write(f->ip, 1, user_addr + done, f->off, len);
    if (r > 0)
      f->off += r;
    inode_unlock(f->ip);
    log_end_op();
    if (r < 0) {
      err = r;
      break;
    }
    done += r;
    if (r < len)
      break;
  }
  return done > 0 ? done : err;
}

/*
 * Write n bytes from user address user_addr. Returns the bytes written,
 * which for an inode may be short if the disk fills up or the file reaches
 * its largest size; or, if nothing was written, -EBADF (not open for
 * writing), -EINVAL (n < 0), -ENODEV (no driver), -ENOSPC, -EFBIG, or the
 * error of the pipe or driver.
 */
HOT int file_write(struct file *f, uint64 user_addr, int n)
{
  struct devsw *dev;

  if (!f->writable)
    return -EBADF;
  if (n < 0)
    return -EINVAL;

  switch (f->type) {
  case FD_PIPE:
    return pipe_write(f->pipe, user_addr, n);
  case FD_DEVICE:
    dev = device_of(f);
    if (dev == 0 || dev->write == 0)
      return -ENODEV;
    return dev->write(1, user_addr, n);
  case FD_INODE:
    return inode_file_write(f, user_addr, n);
  case FD_NONE:
    break;
  }
  panic("file_write: file %p has type %d", f, f->type);
}

/* Device control (kernel/ioctl.h): only devices with an ioctl answer. */
int file_ioctl(struct file *f, int request, uint64 arg)
{
  if (f->type != FD_DEVICE)
    return -ENOTTY;
  const struct devsw *dev = device_of(f);
  if (dev == 0 || dev->ioctl == 0)
    return -ENOTTY;
  return dev->ioctl(request, arg);
}
