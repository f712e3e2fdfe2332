/*
 * buf.h: a disk block held in the buffer cache (kernel/fs/bio.c).
 * The disk driver (kernel/dev/virtio_blk.c) reads and writes these.
 */
#ifndef KERNEL_FS_BUF_H
#define KERNEL_FS_BUF_H

#include "kernel/types.h"
#include "kernel/fs.h"
#include "kernel/lib/sleeplock.h"

struct buf {
  int valid;             /* [lock] data has been read from disk */
  int disk;              /* [driver's lock] the disk owns the buffer */
  uint dev;              /* [cache lock] */
  uint blockno;          /* [cache lock] */
  struct sleeplock lock; /* held by the one user of the buffer */
  uint refcnt;           /* [cache lock] */
  struct buf *prev;      /* [cache lock] LRU list */
  struct buf *next;
  uchar data[BSIZE];     /* [lock] */
};

#endif
