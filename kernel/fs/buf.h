/*
 * buf.h: a disk block held in the buffer cache (kernel/fs/bio.c).
 * The disk driver (kernel/dev/virtio_blk.c) reads and writes these.
 */
#ifndef KERNEL_FS_BUF_H
#define KERNEL_FS_BUF_H

#include "kernel/types.h"
#include "kernel/fs.h"
#include "kernel/lib/sleeplock.h"

/* Lock legend: [b->lock] the buffer's sleep lock, held by its one user
   from bio_read to bio_release; [cache_lock] the buffer cache's spinlock
   (bio.c); [disk.lock] the disk driver's spinlock (virtio_blk.c). */
struct buf {
  int valid;             /* [b->lock] data has been read from disk */
  int disk;              /* [disk.lock] the disk owns the buffer */
  int ioerr;             /* [b->lock] its last read failed: data is zeros, not the disk's */
  uint dev;              /* [cache_lock] */
  uint blockno;          /* [cache_lock] */
  struct sleeplock lock; /* held by the one user of the buffer */
  uint refcnt;           /* [cache_lock] */
  struct buf *prev;      /* [cache_lock] LRU list, towards the least recent */
  struct buf *next;      /* [cache_lock] LRU list, towards the most recent */
  uchar data[BSIZE];     /* [b->lock] */
};

#endif
