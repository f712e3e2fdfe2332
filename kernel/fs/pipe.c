/*
 * pipe.c: pipes, a bounded byte queue between a writing file and a
 * reading file.
 *
 * pipe_alloc makes the pair of struct files; pipe_read and pipe_write move
 * bytes between the queue and user memory; pipe_close is called by
 * file_close for each end, and the last close frees the pipe.
 *
 * The queue is a ring of PIPE_SIZE bytes indexed by two free-running
 * counters: nwrite counts bytes ever written, nread bytes ever read, so
 * nwrite - nread is the number of bytes waiting (this stays right when the
 * counters wrap, because PIPE_SIZE divides 2^32).
 *
 * Readers wait on &pi->nread for data, writers on &pi->nwrite for room.
 * A read returns what is there (at least one byte) rather than waiting to
 * fill the whole request; a write returns only when all bytes are queued,
 * the reader has gone, or the writer is killed.
 *
 * Locks: pipe_lock guards everything in the struct. It is a spinlock:
 * copies to and from user memory do not sleep in this kernel.
 *
 * Call chain: file_read / file_write / file_close (file.c) and sys_pipe
 * (sysfile.c) call in; this calls kalloc and the sleep/wakeup primitives.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/errno.h"
#include "kernel/lib/spinlock.h"
#include "kernel/lib/printf.h"
#include "kernel/mm/kalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/sleep.h"
#include "kernel/fs/file.h"
#include "kernel/fs/pipe.h"
#include "kernel/lib/hot.h"

#define PIPE_SIZE 2048 /* bytes the ring holds; a power of two */

_Static_assert((PIPE_SIZE & (PIPE_SIZE - 1)) == 0,
               "PIPE_SIZE must divide 2^32 for the counters to wrap");

struct pipe {
  struct spinlock pipe_lock;
  uint nread;           /* [pipe_lock] bytes read so far */
  uint nwrite;          /* [pipe_lock] bytes written so far */
  int readopen;         /* [pipe_lock] the read end is open */
  int writeopen;        /* [pipe_lock] the write end is open */
  char data[PIPE_SIZE]; /* [pipe_lock] */
};

_Static_assert(sizeof(struct pipe) <= PGSIZE, "a pipe must fit in a page");

/*
 * Make a pipe and its two files: *rf reads it, *wf writes it.
 * Returns 0, or -ENFILE (file table full) or -ENOMEM, leaving nothing
 * allocated and *rf and *wf 0.
 */
int pipe_alloc(struct file **rf, struct file **wf)
{
  struct pipe *pi = 0;
  int err;

  *rf = file_alloc();
  *wf = file_alloc();
  if (*rf == 0 || *wf == 0) {
    err = -ENFILE;
    goto fail;
  }
  pi = kalloc();
  if (pi == 0) {
    err = -ENOMEM;
    goto fail;
  }

  spin_init(&pi->pipe_lock, "pipe_lock");
  pi->nread = 0;
  pi->nwrite = 0;
  pi->readopen = 1;
  pi->writeopen = 1;

  (*rf)->type = FD_PIPE;
  (*rf)->readable = 1;
  (*rf)->writable = 0;
  (*rf)->pipe = pi;
  (*wf)->type = FD_PIPE;
  (*wf)->readable = 0;
  (*wf)->writable = 1;
  (*wf)->pipe = pi;
  return 0;

fail:
  /* Still FD_NONE, so closing them only returns the slots. */
  if (*rf != 0)
    file_close(*rf);
  if (*wf != 0)
    file_close(*wf);
  *rf = 0;
  *wf = 0;
  return err;
}

/* Close one end (the write end if writable); the second close frees pi. */
void pipe_close(struct pipe *pi, int writable)
{
  spin_acquire(&pi->pipe_lock);
  if (writable) {
    pi->writeopen = 0;
    proc_wakeup(&pi->nread); /* readers now see end of file */
  } else {
    pi->readopen = 0;
    proc_wakeup(&pi->nwrite); /* writers now see a broken pipe */
  }
  int unused = !pi->readopen && !pi->writeopen;
  spin_release(&pi->pipe_lock);
  if (unused)
    kfree(pi);
}

static uint min_uint(uint a, uint b)
{
  return a < b ? a : b;
}

/*
 * Queue n bytes from user address user_addr, waiting for room as needed.
 * Returns n; or, if the reader closes its end or an address is bad part
 * way, the bytes queued so far; if none were: -EPIPE or -EFAULT.
 * Returns -EINTR (killed) or -ERESTART (stopped) if that happens while it
 * waits with nothing queued yet.
 */
HOT int pipe_write(struct pipe *pi, uint64 user_addr, int n)
{
  uint done = 0;
  int err = 0;

  spin_acquire(&pi->pipe_lock);
  while (done < (uint)n) {
    if (!pi->readopen) {
      err = -EPIPE;
      break;
    }
    uint room = PIPE_SIZE - (pi->nwrite - pi->nread);
    if (room == 0) {
      proc_wakeup(&pi->nread);
      int intr = proc_sleep_intr(&pi->nwrite, &pi->pipe_lock);
      if (intr) {
        /* Bytes already in the pipe stay written: report them, so a call
           restarted after a stop does not write them twice. */
        spin_release(&pi->pipe_lock);
        return done > 0 ? (int)done : intr;
      }
      continue;
    }
    /* Copy as much as fits before the ring wraps; the loop does the rest. */
    uint at = pi->nwrite % PIPE_SIZE;
    uint len = min_uint(min_uint((uint)n - done, room), PIPE_SIZE - at);
    err = uaccess_copyin(pi->data + at, 1, user_addr + done, len);
    if (err < 0)
      break;
    pi->nwrite += len;
    done += len;
  }
  proc_wakeup(&pi->nread);
  spin_release(&pi->pipe_lock);
  return done > 0 ? (int)done : err;
}

/*
 * Copy up to n bytes to user address user_addr, waiting while the pipe is
 * empty and its write end open. Returns the bytes read, 0 at end of file
 * (empty and the write end closed), -EFAULT for a bad address, or -EINTR
 * if the caller is killed while it waits.
 */
HOT int pipe_read(struct pipe *pi, uint64 user_addr, int n)
{
  uint done = 0;
  int err = 0;

  spin_acquire(&pi->pipe_lock);
  while (pi->nread == pi->nwrite && pi->writeopen) {
    int intr = proc_sleep_intr(&pi->nread, &pi->pipe_lock);
    if (intr) {
      spin_release(&pi->pipe_lock);
      return intr;
    }
  }
  /* At most two pieces: up to the end of the ring, then from its start. */
  while (done < (uint)n && pi->nread != pi->nwrite) {
    uint at = pi->nread % PIPE_SIZE;
    uint len = min_uint(min_uint((uint)n - done, pi->nwrite - pi->nread),
                        PIPE_SIZE - at);
    err = uaccess_copyout(1, user_addr + done, pi->data + at, len);
    if (err < 0)
      break;
    pi->nread += len;
    done += len;
  }
  proc_wakeup(&pi->nwrite);
  spin_release(&pi->pipe_lock);
  return done > 0 ? (int)done : err;
}
