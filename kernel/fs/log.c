/*
 * log.c: the write-ahead log, which makes each file-system operation
 * atomic with respect to crashes.
 *
 * A system call that changes the disk does so inside a transaction:
 *
 *   log_begin_op();
 *   ... bio_read, change the buffer, log_write(b), bio_release ...
 *   log_end_op();
 *
 * log_write does not touch the disk: it records the block number and
 * pins the buffer so the cache keeps the new contents. When the last
 * operation of the current group ends, log_end_op commits the whole group:
 *
 *   1. copy every recorded block into the log area on disk;
 *   2. write the log header, which names those blocks. This single-block
 *      write is the commit point: before it, a crash loses the group;
 *      after it, recovery replays the group in full;
 *   3. copy the blocks to their home locations;
 *   4. write a header that names no blocks, retiring the log.
 *
 * At boot, log_init replays a committed but not yet retired log (step 3
 * again, which is harmless to repeat), so the disk always holds either
 * all of a group's writes or none of them.
 *
 * The header on disk is input like any other block. One that names more
 * blocks than the log holds, or a home outside the inodes, bitmap and
 * data, is not a commit this kernel wrote: the disk is damaged. Replaying
 * it could overwrite the superblock or the log itself, and retiring it
 * would throw away what may be a real commit, leaving the file system
 * silently half-updated. So log_init says what is wrong and returns
 * -EIO without writing anything, and fs_init refuses the disk, as it
 * does a bad superblock.
 *
 * A disk error (bio.c says it) ends all writing until reboot, so the
 * disk keeps a state recovery accepts: one before the commit point drops
 * the group (its blocks are forgotten by the cache and read afresh); one
 * after it leaves the committed header for recovery at the next boot to
 * install again. Operations that change blocks after that still run, in
 * memory only, and return EIO (log_write marks them); those that only
 * read go on working. An operation that ended before a failed commit
 * began has returned already, as write() returns before the disk does.
 *
 * Several processes' operations share one commit ("group commit"). To be
 * sure the group fits, log_begin_op reserves MAXOPBLOCKS log slots for
 * each operation in progress and makes a new operation wait while the
 * reservations would overflow the log, or while a commit is running.
 *
 * On disk: [ header | logged block 0 | logged block 1 | ... ] starting at
 * sb.logstart, sb.nlog blocks in all.
 *
 * Locks: log_lock (a spinlock) guards the group bookkeeping below. The
 * commit itself runs without it, by the one process that set `committing`;
 * no operation can begin meanwhile, so nobody else touches the header.
 *
 * Call chain: system calls (sysfile.c, file.c, exec) bracket operations;
 * inode.c, dir.c and balloc.c call log_write; the log calls the buffer
 * cache (bio.c).
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/lib/spinlock.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/string.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/sleep.h"
#include "kernel/fs.h"
#include "kernel/fs/buf.h"
#include "kernel/fs/bio.h"
#include "kernel/fs/log.h"
#include "kernel/errno.h"

/* Most blocks one group may log: the log area less its header block. */
#define LOG_MAXBLOCKS (LOGBLOCKS - 1)

/* The header block, both on disk and as the in-memory record of a group. */
struct log_header {
  uint count;                  /* blocks recorded; 0 means nothing to replay */
  uint home[LOG_MAXBLOCKS];    /* home block number of each logged block */
};

_Static_assert(sizeof(struct log_header) <= BSIZE,
               "the log header must fit in one block");

static struct {
  struct spinlock log_lock;
  int dev;                /* [I] disk holding the log */
  uint start;             /* [I] block number of the header */
  uint capacity;          /* [I] blocks one group may log */
  int outstanding;        /* [log_lock] operations begun, not yet ended */
  int committing;         /* [log_lock] a commit is writing the disk */
  int failed;             /* [log_lock] the disk failed: nothing more is written */
  struct log_header group; /* [log_lock] the group being built; during a
                              commit, the committing process alone */
} log;

/* Disk block that holds the i'th logged block. */
static uint log_slot(uint i)
{
  return log.start + 1 + i;
}

/* Read the on-disk header into log.group. Returns 0 or -EIO. */
static int header_read(void)
{
  struct buf *b = bio_read(log.dev, log.start);
  int err = b->ioerr ? -EIO : 0;
  memmove(&log.group, b->data, sizeof(log.group));
  bio_release(b);
  return err;
}

/*
 * Write log.group to the on-disk header. When count > 0 this is the commit
 * point; when count == 0 it retires the log.
 */
static int header_write(void)
{
  struct buf *b = bio_overwrite(log.dev, log.start);
  memset(b->data, 0, BSIZE);
  memmove(b->data, &log.group, sizeof(log.group));
  int err = bio_write(b);
  bio_release(b);
  return err;
}

/* Step 1 of a commit: copy each recorded block from the cache to the log.
   Returns 0 or -EIO. */
static int copy_to_log(void)
{
  for (uint i = 0; i < log.group.count; i++) {
    struct buf *from = bio_read(log.dev, log.group.home[i]);
    struct buf *to = bio_overwrite(log.dev, log_slot(i));
    memmove(to->data, from->data, BSIZE);
    int err = bio_write(to);
    bio_release(to);
    bio_release(from);
    if (err < 0)
      return err;
  }
  return 0;
}

/*
 * Step 3: write each logged block to its home location.
 *
 * After a crash (recovering != 0) the contents come from the log area on
 * disk. During a normal commit the pinned cache buffers still hold exactly
 * what was logged (no operation can run during a commit), so they are
 * written directly and then unpinned. Returns 0, or -EIO at the first
 * block that could not be read or written (all are unpinned anyway).
 */
static int install(int recovering)
{
  int err = 0;
  for (uint i = 0; i < log.group.count; i++) {
    if (recovering) {
      /* The home block is overwritten whole: it need not be read. */
      struct buf *home = bio_overwrite(log.dev, log.group.home[i]);
      struct buf *saved = bio_read(log.dev, log_slot(i));
      err = saved->ioerr ? -EIO : 0;
      memmove(home->data, saved->data, BSIZE);
      bio_release(saved);
      if (err == 0)
        err = bio_write(home);
      if (err < 0)
        bio_forget(home); /* it holds what the disk may not */
      bio_release(home);
      if (err < 0)
        return err;
    } else {
      /* Pinned in the cache since log_write, with what was logged. All
         are unpinned, written or not. */
      struct buf *home = bio_read(log.dev, log.group.home[i]);
      if (err == 0)
        err = bio_write(home);
      bio_unpin(home);
      bio_release(home);
    }
  }
  return err;
}

/* A commit failed before its commit point: the cache forgets the group's
   blocks (they hold changes the disk never got) and lets them go. */
static void drop_group(void)
{
  for (uint i = 0; i < log.group.count; i++) {
    struct buf *b = bio_read(log.dev, log.group.home[i]);
    bio_forget(b);
    bio_unpin(b);
    bio_release(b);
  }
  log.group.count = 0;
}

/* The disk failed (bio.c): write nothing more. Returns 1 the first time. */
int log_disk_failed(void)
{
  spin_acquire(&log.log_lock);
  int first = !log.failed;
  log.failed = 1;
  spin_release(&log.log_lock);
  return first;
}

/* The header on disk is damaged (see the top): say so. Returns -EIO. */
static int refuse_log(void)
{
  printf("fs: the log is not replayed and the disk is not used; "
         "rebuild the image with mkfs (make fs.img)\n");
  return -EIO;
}

/*
 * Replay a committed group left by a crash, then retire the log. Every
 * home block of a commit is an inode, bitmap or data block, that is,
 * from sb->inodestart up to the end of the file system.
 */
static int recover(const struct superblock *sb)
{
  if (header_read() < 0)
    return -EIO;
  if (log.group.count > log.capacity) {
    printf("fs: disk %d: damaged log header: it names %u blocks, the log "
           "holds %u\n", log.dev, log.group.count, log.capacity);
    return refuse_log();
  }
  for (uint i = 0; i < log.group.count; i++) {
    uint home = log.group.home[i];
    if (home < sb->inodestart || home >= sb->size) {
      printf("fs: disk %d: damaged log header: entry %u names block %u, "
             "outside blocks %u to %u\n", log.dev, i, home, sb->inodestart,
             sb->size - 1);
      return refuse_log();
    }
  }
  if (log.group.count == 0)
    return 0; /* nothing to replay, and the header on disk says so already */
  if (install(1) < 0)
    return -EIO;
  log.group.count = 0;
  return header_write();
}

/*
 * Called once by fs_init, from a process (it sleeps for disk I/O), with a
 * superblock that fs_init has checked. Returns 0, or -EIO (with a
 * message, the disk untouched) if the log header on disk is damaged.
 */
int log_init(int dev, struct superblock *sb)
{
  /* superblock_problem refuses logs too small for one operation. */
  KASSERT(sb->nlog - 1 >= MAXOPBLOCKS);
  spin_init(&log.log_lock, "log_lock");
  log.dev = dev;
  log.start = sb->logstart;
  log.capacity = sb->nlog - 1;
  if (log.capacity > LOG_MAXBLOCKS)
    log.capacity = LOG_MAXBLOCKS;
  return recover(sb);
}

/*
 * Start a file-system operation. Sleeps while a commit is in progress, or
 * while this operation's worst case (MAXOPBLOCKS more blocks) might not fit
 * beside what the group has logged and the other operations have reserved.
 */
void log_begin_op(void)
{
  spin_acquire(&log.log_lock);
  for (;;) {
    uint reserved = (uint)(log.outstanding + 1) * MAXOPBLOCKS;
    if (log.committing || log.group.count + reserved > log.capacity) {
      proc_sleep(&log, &log.log_lock);
    } else {
      log.outstanding++;
      break;
    }
  }
  spin_release(&log.log_lock);
}

/* Steps 1 to 4 of a commit; called with no locks held, by one process.
   log.failed is read without log_lock: set by an operation of this group,
   it was set before that operation ended; set by a read elsewhere just
   now, it does not spoil this group. */
static void commit(void)
{
  if (log.group.count == 0)
    return;
  if (log.failed || copy_to_log() < 0 || header_write() < 0) { /* the commit point */
    drop_group();
    proc_io_error();
    return;
  }
  int err = install(0);
  log.group.count = 0;
  if (err == 0)
    header_write();    /* retire the log */
}

/*
 * End a file-system operation. The last one to end commits the group;
 * the others may let a waiting log_begin_op in, since their reservation
 * is no longer needed.
 */
void log_end_op(void)
{
  int do_commit = 0;

  spin_acquire(&log.log_lock);
  KASSERT(log.outstanding > 0);
  KASSERT(!log.committing);
  log.outstanding--;
  if (log.outstanding == 0) {
    do_commit = 1;
    log.committing = 1;
  } else {
    proc_wakeup(&log);
  }
  spin_release(&log.log_lock);

  if (do_commit) {
    commit();
    spin_acquire(&log.log_lock);
    log.committing = 0;
    proc_wakeup(&log);
    spin_release(&log.log_lock);
  }
}

/*
 * Record that b (locked by the caller, inside an operation) has new
 * contents to be committed. A block already in the group keeps its one
 * slot ("absorption"), so rewriting the bitmap block ten times costs one
 * log slot. The buffer is pinned in the cache until the commit installs it.
 */
void log_write(struct buf *b)
{
  uint i;
  int added = 0;

  KASSERT(sleeplock_holding(&b->lock));
  spin_acquire(&log.log_lock);
  KASSERT(log.outstanding > 0);
  if (log.failed)
    proc_io_error(); /* this change will never reach the disk */
  for (i = 0; i < log.group.count; i++) {
    if (log.group.home[i] == b->blockno)
      break;
  }
  if (i == log.group.count) {
    if (log.group.count >= log.capacity)
      panic("log_write: group full (%u blocks); an operation wrote more "
            "than MAXOPBLOCKS", log.group.count);
    log.group.home[i] = b->blockno;
    log.group.count++;
    added = 1;
  }
  spin_release(&log.log_lock);

  /* Pinned after log_lock is dropped, so the two spinlocks never nest.
     That is safe: the caller's reference keeps b in the cache until then,
     and no commit can start while this operation is outstanding. */
  if (added)
    bio_pin(b);
}
