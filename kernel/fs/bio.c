/*
 * bio.c: the buffer cache, the lowest layer of the file system.
 *
 * The cache keeps NBUF disk blocks in memory. It serves two purposes:
 * fewer trips to the disk for blocks that many operations touch (the
 * bitmap, inode blocks, directories), and one agreed-upon copy of each
 * block, so two processes never edit private copies of the same block.
 *
 * Interface (kernel/fs/bio.h):
 *   bio_read(dev, blockno)  the block's buffer, locked, contents valid
 *                           (or zeros and b->ioerr set, if the disk failed)
 *   bio_write(b)            write a locked buffer through to the disk
 *   bio_release(b)          unlock it and let the cache recycle it
 *   bio_pin / bio_unpin     hold a reference without the lock (the log
 *                           pins the blocks of a transaction until commit)
 *
 * Locks: cache_lock (a spinlock) guards which block each buffer holds,
 * the reference counts and the LRU list. Each buffer's sleep lock guards
 * its data and valid flag; it is held from bio_read to bio_release, which
 * may be across disk I/O, hence a sleep lock. cache_lock is never held
 * while sleeping on a buffer's lock.
 *
 * Call chain: the inode, directory and block code (inode.c, dir.c,
 * balloc.c, super.c) and the log (log.c) call this layer; it calls
 * virtio_blk_rw, which sleeps until the disk is done.
 *
 * Disk errors. A read or write the disk fails is said in an "fs:" line,
 * makes the system call it happened in return EIO (proc_io_error), and
 * stops the log from writing anything more (log_disk_failed): the disk
 * keeps its last committed state, which fsck finds consistent. A failed
 * read leaves zeros in the buffer, with b->ioerr set and the block not
 * cached: the layers above check file data (inode.c), and take zeros in
 * metadata as they take any damaged block, with an error, never a panic.
 */
#include "kernel/types.h"
#include "kernel/errno.h"
#include "kernel/param.h"
#include "kernel/lib/spinlock.h"
#include "kernel/lib/sleeplock.h"
#include "kernel/lib/printf.h"
#include "kernel/proc/sleep.h"
#include "kernel/fs.h"
#include "kernel/fs/buf.h"
#include "kernel/fs/bio.h"
#include "kernel/fs/internal.h"
#include "kernel/fs/log.h"
#include "kernel/lib/string.h"
#include "kernel/proc/proc.h"
#include "kernel/dev/virtio_blk.h"

#define DISK_READ  0 /* virtio_blk_rw direction */
#define DISK_WRITE 1

/*
 * The buffers form a circular doubly linked list through `lru`, a sentinel
 * that holds no block. lru.next is the most recently released buffer,
 * lru.prev the least recently released one, so a lookup scans from the
 * front (likely hits) and a recycle scans from the back (cold blocks).
 */
static struct {
  struct spinlock cache_lock;
  struct buf bufs[NBUF]; /* dev, blockno, refcnt, links: [cache_lock] */
  struct buf lru;        /* [cache_lock] list sentinel */
} cache;

/* Called once at boot, before any process runs. */
void bio_init(void)
{
  spin_init(&cache.cache_lock, "cache_lock");
  cache.lru.next = &cache.lru;
  cache.lru.prev = &cache.lru;
  for (struct buf *b = cache.bufs; b < cache.bufs + NBUF; b++) {
    sleeplock_init(&b->lock, "buffer");
    b->refcnt = 0;
    b->valid = 0;
    /* insert at the front; the order does not matter while all are unused */
    b->next = cache.lru.next;
    b->prev = &cache.lru;
    cache.lru.next->prev = b;
    cache.lru.next = b;
  }
}

/* Move b to the most-recently-used end of the list. [cache_lock] */
static void lru_touch(struct buf *b)
{
  ASSERT_HELD(&cache.cache_lock);
  b->prev->next = b->next;
  b->next->prev = b->prev;
  b->next = cache.lru.next;
  b->prev = &cache.lru;
  cache.lru.next->prev = b;
  cache.lru.next = b;
}

/*
 * Find the buffer for (dev, blockno), or take over the least recently
 * used unreferenced buffer for it. Returns the buffer locked, with its
 * contents valid only if b->valid says so.
 *
 * If every buffer is referenced, wait for one to be released instead of
 * failing: buffers are held only briefly (one operation's reads, or the
 * log's pinned blocks until the next commit), so one comes free soon.
 */
static struct buf *bio_get(uint dev, uint blockno)
{
  struct buf *b;

  spin_acquire(&cache.cache_lock);
  for (;;) {
    for (b = cache.lru.next; b != &cache.lru; b = b->next) {
      if (b->dev == dev && b->blockno == blockno && (b->refcnt > 0 || b->valid)) {
        b->refcnt++;
        spin_release(&cache.cache_lock);
        sleeplock_acquire(&b->lock);
        return b;
      }
    }
    for (b = cache.lru.prev; b != &cache.lru; b = b->prev) {
      if (b->refcnt == 0) {
        /* Nobody holds it, so nobody holds its sleep lock either. */
        b->dev = dev;
        b->blockno = blockno;
        b->valid = 0;
        b->refcnt = 1;
        spin_release(&cache.cache_lock);
        sleeplock_acquire(&b->lock);
        return b;
      }
    }
    proc_sleep(&cache, &cache.cache_lock);
  }
}

/*
 * Drop one reference to b. Once nobody refers to it, it becomes the most
 * recently used candidate for recycling, and a process waiting in bio_get
 * for a free buffer may proceed.
 */
static void drop_ref(struct buf *b)
{
  spin_acquire(&cache.cache_lock);
  KASSERT(b->refcnt > 0);
  b->refcnt--;
  if (b->refcnt == 0) {
    lru_touch(b);
    proc_wakeup(&cache);
  }
  spin_release(&cache.cache_lock);
}

/* The disk failed a transfer of b: say so, once with what follows. */
static void disk_failed(struct buf *b, const char *what)
{
  int first = log_disk_failed();
  printf("fs: disk error %s block %u (%s)%s\n", what, b->blockno, fs_block_kind(b->blockno),
         first ? "; nothing more is written to the disk until reboot" : "");
  proc_io_error();
}

/* Return a locked buffer holding the current contents of the block, or
   zeros with b->ioerr set if the disk could not read it. */
struct buf *bio_read(uint dev, uint blockno)
{
  struct buf *b = bio_get(dev, blockno);

  if (!b->valid) {
    if (virtio_blk_rw(b, DISK_READ) < 0) {
      memset(b->data, 0, BSIZE);
      b->ioerr = 1;
      disk_failed(b, "reading");
      return b; /* still not valid: the next use reads it again */
    }
    b->ioerr = 0;
    b->valid = 1;
  }
  return b;
}

/* A locked buffer for a block the caller overwrites whole before it
   lets go: it is not read from the disk (a copy into the log, recovery
   installing a logged block), so a disk error cannot spoil it. */
struct buf *bio_overwrite(uint dev, uint blockno)
{
  struct buf *b = bio_get(dev, blockno);
  b->ioerr = 0;
  b->valid = 1;
  return b;
}

/* Write b's contents to the disk now. The caller holds b's lock.
   Returns 0 or -EIO. */
int bio_write(struct buf *b)
{
  KASSERT(sleeplock_holding(&b->lock));
  if (virtio_blk_rw(b, DISK_WRITE) < 0) {
    disk_failed(b, "writing");
    return -EIO;
  }
  return 0;
}

/* Forget b's contents: the next bio_read reads the disk. b locked. */
void bio_forget(struct buf *b)
{
  KASSERT(sleeplock_holding(&b->lock));
  b->valid = 0;
}

/* Give up a buffer from bio_read: unlock it and drop the reference. */
void bio_release(struct buf *b)
{
  KASSERT(sleeplock_holding(&b->lock));
  sleeplock_release(&b->lock);
  drop_ref(b);
}

/* Keep b in the cache (not recycled) until the matching bio_unpin. */
void bio_pin(struct buf *b)
{
  spin_acquire(&cache.cache_lock);
  b->refcnt++;
  spin_release(&cache.cache_lock);
}

void bio_unpin(struct buf *b)
{
  drop_ref(b);
}
