/*
 * inode.c: inodes, the in-memory inode table and file contents
 * (kernel/fs/inode.h).
 *
 * The in-memory inode table holds at most NINODE inodes. An entry is in
 * use while its ref > 0 (some pointer to it exists: an open file, a cwd, a
 * function walking a path); its copy of the disk inode is loaded lazily by
 * inode_lock, because holding a reference must not require disk I/O.
 * A file's contents are its blocks in order: NDIRECT direct block
 * numbers in the inode, then the ones its indirect block lists
 * (block_for). block_for refuses block numbers outside the data area
 * (-EIO), and inode_truncate skips them; each says so in an "fs:" line.
 *
 * Locks:
 *   itable_lock    which inode each table entry holds, the ref counts, and
 *                  the write-access counts (writers, running, textgen)
 *   ip->lock       (sleep lock) everything else in the inode, and the
 *                  inode's data blocks; taken by inode_lock
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/errno.h"
#include "kernel/stat.h"
#include "kernel/fs.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/string.h"
#include "kernel/fs/bio.h"
#include "kernel/fs/log.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/internal.h"
#include "kernel/lib/spinlock.h"
#include "kernel/lib/sleeplock.h"
#include "kernel/mm/uaccess.h"

/*
 * Freeing a file (inode_truncate, from unlink or the last close) rewrites
 * each bitmap block at most once thanks to log absorption, plus the inode's
 * own block, a directory block and the parent's inode block. That must fit
 * in one operation's share of the log.
 */
_Static_assert(FSSIZE / BPB + 1 + 3 <= MAXOPBLOCKS,
               "freeing a file could overflow one log operation");

static struct {
  struct spinlock itable_lock;
  struct inode inodes[NINODE]; /* dev, inum, ref: [itable_lock];
                                  the rest: [the inode's sleep lock] */
} itable;

/* Disk inode inum inside b, which holds block IBLOCK(inum, fs_sb). */
struct dinode *dinode_in(struct buf *b, uint inum)
{
  return (struct dinode *)b->data + inum % IPB;
}

/* Copy disk inode inum (below fs_sb.ninodes) into *di. */
void dinode_read(uint dev, uint inum, struct dinode *di)
{
  struct buf *b = bio_read(dev, IBLOCK(inum, fs_sb));
  *di = *dinode_in(b, inum);
  bio_release(b);
}

/*
 * Why the allocated disk inode di cannot be used as a file, or 0 if it
 * can. The phrase completes "inode N ...". Sizes beyond the largest file
 * would trip block_for's assertion, so they are refused here.
 */
const char *dinode_problem(const struct dinode *di)
{
  if (di->type == 0)
    return "is free";
  if (di->type != T_DIR && di->type != T_FILE && di->type != T_DEVICE)
    return "has an unknown type";
  if (di->size > MAXFILE_BYTES)
    return "is larger than the largest file";
  if (di->type == T_DIR && di->size % sizeof(struct dirent) != 0)
    return "is a directory that ends part way through an entry";
  return 0;
}

/* ---- Inode table --------------------------------------------------- */

/* Called at boot by file_init(); needs no disk. */
void inode_init(void)
{
  spin_init(&itable.itable_lock, "itable_lock");
  for (int i = 0; i < NINODE; i++)
    sleeplock_init(&itable.inodes[i].lock, "inode");
}

/*
 * The table entry for inode inum on dev, with one more reference; it is
 * neither locked nor necessarily read from disk. Returns 0 if the inode
 * is not in the table and every entry is in use.
 */
struct inode *inode_get(uint dev, uint inum)
{
  struct inode *free = 0;

  spin_acquire(&itable.itable_lock);
  for (struct inode *ip = itable.inodes; ip < itable.inodes + NINODE; ip++) {
    if (ip->ref > 0 && ip->dev == dev && ip->inum == inum) {
      ip->ref++;
      spin_release(&itable.itable_lock);
      return ip;
    }
    if (free == 0 && ip->ref == 0)
      free = ip;
  }
  if (free != 0) {
    free->dev = dev;
    free->inum = inum;
    free->ref = 1;
    free->valid = 0;
    free->writers = free->running = 0;
  }
  spin_release(&itable.itable_lock);
  return free;
}

/*
 * Allocate a free disk inode of the given type and set *ipp to it,
 * referenced and unlocked (its nlink is 0 until the caller links it
 * somewhere). Returns 0, -ENOSPC if no disk inode is free, -ENFILE if
 * the inode table is full, or -EIO if an inode block cannot be read (its
 * zeros would look free). Inside a transaction.
 */
int inode_alloc(uint dev, short type, struct inode **ipp)
{
  KASSERT(type != 0);
  for (uint first = 0; first < fs_sb.ninodes; first += IPB) {
    struct buf *b = bio_read(dev, IBLOCK(first, fs_sb));
    if (b->ioerr) {
      bio_release(b);
      *ipp = 0;
      return -EIO;
    }
    for (uint inum = first; inum < first + IPB && inum < fs_sb.ninodes; inum++) {
      struct dinode *di = dinode_in(b, inum);
      /* inode 0 is never used: a directory entry with inum 0 is empty */
      if (inum == 0 || di->type != 0)
        continue;
      memset(di, 0, sizeof(*di));
      di->type = type;
      log_write(b);
      bio_release(b);

      *ipp = inode_get(dev, inum);
      if (*ipp == 0) {
        /* Give the disk inode back rather than leak it. */
        b = bio_read(dev, IBLOCK(inum, fs_sb));
        dinode_in(b, inum)->type = 0;
        log_write(b);
        bio_release(b);
        return -ENFILE;
      }
      return 0;
    }
    bio_release(b);
  }
  *ipp = 0;
  return -ENOSPC;
}

/*
 * Copy the in-memory inode to its disk block. Call after changing any
 * field that lives on disk. Locked, inside a transaction. If the block
 * cannot be read, nothing is written (the system call returns EIO).
 */
void inode_update(struct inode *ip)
{
  KASSERT(sleeplock_holding(&ip->lock));
  struct buf *b = bio_read(ip->dev, IBLOCK(ip->inum, fs_sb));
  if (b->ioerr) {
    bio_release(b);
    return;
  }
  struct dinode *di = dinode_in(b, ip->inum);
  di->type = ip->type;
  di->major = ip->major;
  di->minor = ip->minor;
  di->nlink = ip->nlink;
  di->size = ip->size;
  memmove(di->addrs, ip->addrs, sizeof(ip->addrs));
  log_write(b);
  bio_release(b);
}

int inode_deny_write(struct inode *ip, uint *gen)
{
  spin_acquire(&itable.itable_lock);
  KASSERT(ip->ref > 0);
  int r = -ETXTBSY;
  if (ip->writers == 0) {
    ip->running++;
    *gen = ip->textgen;
    r = 0;
  }
  spin_release(&itable.itable_lock);
  return r;
}

int inode_allow_write(struct inode *ip)
{
  spin_acquire(&itable.itable_lock);
  KASSERT(ip->running > 0);
  int last = --ip->running == 0;
  spin_release(&itable.itable_lock);
  return last;
}

int inode_get_write(struct inode *ip)
{
  spin_acquire(&itable.itable_lock);
  int r = -ETXTBSY;
  if (ip->running == 0) {
    if (ip->writers++ == 0)
      ip->textgen++; /* what a program cached from it may now go stale */
    r = 0;
  }
  spin_release(&itable.itable_lock);
  return r;
}

void inode_put_write(struct inode *ip)
{
  spin_acquire(&itable.itable_lock);
  KASSERT(ip->writers > 0);
  ip->writers--;
  spin_release(&itable.itable_lock);
}

/* Another reference to ip (for dup, fork, a cwd). */
struct inode *inode_dup(struct inode *ip)
{
  spin_acquire(&itable.itable_lock);
  KASSERT(ip->ref > 0);
  ip->ref++;
  spin_release(&itable.itable_lock);
  return ip;
}

/*
 * Lock ip, reading it from disk the first time. The disk inode has been
 * checked already: by fs_init for the root, by dir_lookup for any inode
 * reached through a directory, by free_orphans for an orphan; and an
 * inode with a reference cannot be freed. So a bad one here is a bug.
 */
void inode_lock(struct inode *ip)
{
  KASSERT(ip != 0 && ip->ref > 0);
  sleeplock_acquire(&ip->lock);
  if (ip->valid)
    return;

  struct buf *b = bio_read(ip->dev, IBLOCK(ip->inum, fs_sb));
  if (b->ioerr) {
    /* The disk failed (bio.c said so; the call returns EIO): an empty
       inode of no type for now, which every caller refuses, never
       freed (nlink 1), and read again at the next lock. */
    bio_release(b);
    ip->type = 0;
    ip->major = ip->minor = 0;
    ip->nlink = 1;
    ip->size = 0;
    memset(ip->addrs, 0, sizeof(ip->addrs));
    return;
  }
  struct dinode *di = dinode_in(b, ip->inum);
  ip->type = di->type;
  ip->major = di->major;
  ip->minor = di->minor;
  ip->nlink = di->nlink;
  ip->size = di->size;
  memmove(ip->addrs, di->addrs, sizeof(ip->addrs));
  const char *problem = dinode_problem(di);
  bio_release(b);
  if (problem)
    panic("inode_lock: inode %u on disk %u %s, yet it was not refused",
          ip->inum, ip->dev, problem);
  ip->valid = 1;
}

void inode_unlock(struct inode *ip)
{
  KASSERT(ip != 0 && ip->ref > 0);
  KASSERT(sleeplock_holding(&ip->lock));
  sleeplock_release(&ip->lock);
}

/*
 * Drop a reference. When the last reference to an inode that no directory
 * names goes away, the inode and its blocks are freed: that is when an
 * unlinked file dies, possibly long after the unlink (an open file stays
 * usable). Unlocked, inside a transaction.
 */
void inode_put(struct inode *ip)
{
  spin_acquire(&itable.itable_lock);
  if (ip->ref == 1 && ip->valid && ip->nlink == 0) {
    /*
     * Ours is the only reference and no directory leads here, so nobody
     * else can hold or wait for ip->lock: taking it cannot block, and the
     * spinlock may be dropped while the disk is written.
     */
    spin_release(&itable.itable_lock);
    sleeplock_acquire(&ip->lock);
    inode_truncate(ip);
    ip->type = 0;
    inode_update(ip);
    ip->valid = 0;
    sleeplock_release(&ip->lock);
    spin_acquire(&itable.itable_lock);
  }
  KASSERT(ip->ref > 0);
  ip->ref--;
  spin_release(&itable.itable_lock);
}

void inode_release(struct inode *ip)
{
  spin_acquire(&itable.itable_lock);
  KASSERT(ip->ref > 0);
  int shared = ip->ref > 1;
  if (shared)
    ip->ref--; /* not the last: nothing can be written */
  spin_release(&itable.itable_lock);
  if (!shared) {
    log_begin_op(); /* the last reference to an unlinked file frees it */
    inode_put(ip);
    log_end_op();
  }
}

void inode_unlockput(struct inode *ip)
{
  inode_unlock(ip);
  inode_put(ip);
}

/* Fill *st from ip. Locked. */
void inode_stat(struct inode *ip, struct stat *st)
{
  KASSERT(sleeplock_holding(&ip->lock));
  st->dev = ip->dev;
  st->ino = ip->inum;
  st->type = ip->type;
  st->nlink = ip->nlink;
  st->size = ip->size;
}

/* ---- File contents ------------------------------------------------- */

/* Is bno, read from ip's inode or indirect block, a data block? If not,
   say so: the disk is damaged. */
static int file_block_ok(const struct inode *ip, uint bno)
{
  if (fs_in_data_area(bno))
    return 1;
  printf("fs: inode %u: block number %u is outside the data area "
         "(blocks %u to %u)\n", ip->inum, bno, fs_data_start(), fs_sb.size - 1);
  return 0;
}

/*
 * One block-number slot of ip (an addrs[] entry or an indirect entry)
 * that holds cur: set *bnop to cur, or if cur is 0 and alloc is set, to
 * a newly allocated block (the caller stores it in the slot). Returns 0,
 * -EIO (cur is outside the data area) or -ENOSPC.
 */
static int use_slot(struct inode *ip, uint cur, int alloc, uint *bnop)
{
  if (cur != 0 && !file_block_ok(ip, cur))
    return -EIO;
  if (cur == 0 && alloc) {
    cur = block_alloc(ip->dev);
    if (cur == 0)
      return -ENOSPC;
  }
  *bnop = cur;
  return 0;
}

/*
 * Set *bnop to the disk block that holds block bn of ip's contents. If it
 * has none yet and alloc is set, allocate it (and the indirect block if
 * needed). Returns 0, with *bnop 0 if there is no block and alloc is
 * clear; -ENOSPC if the disk is full; -EIO if a block number on the way
 * lies outside the data area (nothing is allocated over it). Locked;
 * inside a transaction when alloc is set.
 *
 * The indirect block is released before block_alloc runs, so looking a
 * block up holds at most one buffer at a time; the inode lock keeps the
 * indirect block's entries from changing meanwhile. (inode_truncate does
 * hold the indirect block while it frees the blocks it lists: the
 * indirect block, then a bitmap block, is the one order two buffer
 * locks nest in.)
 */
static int block_for(struct inode *ip, uint bn, int alloc, uint *bnop)
{
  KASSERT(bn < MAXFILE);
  *bnop = 0;
  if (bn < NDIRECT) {
    int err = use_slot(ip, ip->addrs[bn], alloc, bnop);
    if (err == 0)
      ip->addrs[bn] = *bnop;
    return err;
  }

  bn -= NDIRECT;
  uint ind_bno;
  int err = use_slot(ip, ip->addrs[NDIRECT], alloc, &ind_bno);
  if (err < 0 || ind_bno == 0)
    return err;
  ip->addrs[NDIRECT] = ind_bno;

  struct buf *ind = bio_read(ip->dev, ind_bno);
  uint old = ((uint *)ind->data)[bn];
  int failed = ind->ioerr;
  bio_release(ind);
  if (failed)
    return -EIO; /* zeros: a block number that is not there */
  err = use_slot(ip, old, alloc, bnop);
  if (err == 0 && *bnop != old) {
    ind = bio_read(ip->dev, ind_bno);
    ((uint *)ind->data)[bn] = *bnop;
    log_write(ind);
    bio_release(ind);
  }
  return err;
}

/*
 * Free all of ip's data blocks and make it empty. Locked, inside a
 * transaction (see the _Static_assert above for why one suffices).
 *
 * Block numbers that are outside the data area or already free come from
 * a damaged disk; they are skipped, with one message for the inode, and
 * so are the entries of an indirect block that is not a data block in
 * use (its contents could be anything, even another file's numbers).
 */
void inode_truncate(struct inode *ip)
{
  int skipped = 0;

  KASSERT(sleeplock_holding(&ip->lock));
  for (int i = 0; i < NDIRECT; i++) {
    if (ip->addrs[i] != 0 && block_free(ip->dev, ip->addrs[i]) < 0)
      skipped++;
    ip->addrs[i] = 0;
  }

  uint ind_bno = ip->addrs[NDIRECT];
  if (ind_bno != 0 && block_in_use(ip->dev, ind_bno)) {
    struct buf *ind = bio_read(ip->dev, ind_bno);
    uint *entry = (uint *)ind->data;
    for (uint i = 0; i < NINDIRECT; i++) {
      if (entry[i] != 0 && block_free(ip->dev, entry[i]) < 0)
        skipped++;
    }
    bio_release(ind);
    block_free(ip->dev, ind_bno);
  } else if (ind_bno != 0) {
    skipped++;
  }
  ip->addrs[NDIRECT] = 0;

  if (skipped > 0)
    printf("fs: inode %u: skipped %d bad block number%s while freeing its "
           "blocks\n", ip->inum, skipped, skipped == 1 ? "" : "s");
  ip->size = 0;
  inode_update(ip);
}

static uint min_uint(uint a, uint b)
{
  return a < b ? a : b;
}

/*
 * Read up to n bytes at offset off into dst (a user address if user_dst).
 * Returns the bytes read, which is short at end of file (0 at or beyond
 * it) or where an error stops it; or, if nothing was read, -EFAULT for a
 * bad dst or -EIO if the block to read is missing or outside the data
 * area (a damaged disk). A block the disk fails to read is -EIO, whatever
 * came before it: the caller (a page fault, say) must not take what it
 * got for the whole. Locked; n must fit in an int.
 */
int inode_read(struct inode *ip, int user_dst, uint64 dst, uint off, uint n)
{
  uint done = 0;
  int err = 0;

  KASSERT(sleeplock_holding(&ip->lock));
  if (off >= ip->size)
    return 0;
  n = min_uint(n, ip->size - off);

  while (done < n) {
    uint bno;
    err = block_for(ip, off / BSIZE, 0, &bno);
    if (err < 0)
      break;
    if (bno == 0) {
      /* A write never leaves a hole, so the block was lost. */
      printf("fs: inode %u: block %u of its %u bytes is missing\n",
             ip->inum, off / BSIZE, ip->size);
      err = -EIO;
      break;
    }
    uint start = off % BSIZE;
    uint len = min_uint(n - done, BSIZE - start);
    struct buf *b = bio_read(ip->dev, bno);
    if (b->ioerr) {
      bio_release(b);
      return -EIO;
    }
    err = uaccess_copyout(user_dst, dst, b->data + start, len);
    bio_release(b);
    if (err < 0)
      break;
    done += len;
    off += len;
    dst += len;
  }
  return done > 0 ? (int)done : err;
}

/*
 * Write n bytes from src (a user address if user_src) at offset off,
 * growing the file if the write runs past its end. Writing cannot start
 * beyond the end (no holes). Returns the bytes written, or, if none could
 * be: -EINVAL (off past the end), -EFBIG (off at the largest file size),
 * -ENOSPC (disk full), -EIO (a block number outside the data area: a
 * damaged disk) or -EFAULT (bad src). A write that hits one of those
 * part way returns the shorter count, and the file keeps what was written.
 * Locked, inside a transaction; n must fit in an int, and the caller must
 * size writes so one transaction stays within MAXOPBLOCKS (see file.c).
 */
int inode_write(struct inode *ip, int user_src, uint64 src, uint off, uint n)
{
  uint done = 0;
  int err = 0;

  KASSERT(sleeplock_holding(&ip->lock));
  if (off > ip->size)
    return -EINVAL;
  if (n == 0)
    return 0;
  if (off >= MAXFILE_BYTES)
    return -EFBIG;
  if (off + (uint64)n > MAXFILE_BYTES)
    n = MAXFILE_BYTES - off;

  while (done < n) {
    uint bno;
    err = block_for(ip, off / BSIZE, 1, &bno);
    if (err < 0)
      break;
    uint start = off % BSIZE;
    uint len = min_uint(n - done, BSIZE - start);
    struct buf *b = bio_read(ip->dev, bno);
    err = uaccess_copyin(b->data + start, user_src, src, len);
    /*
     * Log the block even if the copy faulted: part of it may have landed
     * in the cached buffer, and the cache must never hold changes that
     * the log does not know about.
     */
    log_write(b);
    bio_release(b);
    if (err < 0)
      break;
    done += len;
    off += len;
    src += len;
  }

  if (off > ip->size)
    ip->size = off;
  /* Written even if the size is unchanged: block_for may have filled in
     ip->addrs. */
  inode_update(ip);
  return done > 0 ? (int)done : err;
}
