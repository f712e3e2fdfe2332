/*
 * fs.c: the file system proper, from disk blocks up to path names.
 *
 * The file system is built in layers, each using only the ones below:
 *
 *   path names     fs_lookup("/a/b")  walk directories from / or the cwd
 *   directories    dir_lookup, dir_link: files holding struct dirent
 *   inodes         inode_get/lock/read/write/put: files as byte arrays
 *   block alloc    balloc/bfree: the free-block bitmap
 *   log            log_write: crash-safe groups of block writes (log.c)
 *   buffer cache   bio_read/bio_release: cached disk blocks (bio.c)
 *
 * A typical sequence, opening and writing a file inside one transaction:
 *
 *   log_begin_op();
 *   fs_lookup(path, &ip);         referenced, not locked
 *   inode_lock(ip);               reads the disk inode if needed
 *   inode_write(ip, ...);         allocates blocks, log_writes them
 *   inode_unlock(ip);
 *   inode_put(ip);                last reference to an unlinked file frees it
 *   log_end_op();
 *
 * The in-memory inode table holds at most NINODE inodes. An entry is in
 * use while its ref > 0 (some pointer to it exists: an open file, a cwd, a
 * function walking a path); its copy of the disk inode is loaded lazily by
 * inode_lock, because holding a reference must not require disk I/O.
 *
 * Locks:
 *   itable_lock    which inode each table entry holds, and the ref counts
 *   ip->lock       (sleep lock) everything else in the inode, and the
 *                  inode's data blocks; taken by inode_lock
 * A path walk holds at most one inode lock at a time (parent is unlocked
 * before the child is locked), which is what makes ".." lookups safe.
 * Directory operations in sysfile.c lock a parent, then a child.
 *
 * Every function here that writes the disk must run inside a transaction
 * (log_begin_op/log_end_op); that includes inode_put, which may free an
 * inode, and so every path lookup.
 *
 * The disk is input, and a damaged image must give errors, not panics.
 * fs_init checks the superblock and the root directory; dir_lookup checks
 * each inode a directory entry leads to before anyone locks it; block_for
 * refuses block numbers outside the data area (-EIO), and inode_truncate
 * skips them. Each of these prints one "fs: ..." line saying what is wrong.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/errno.h"
#include "kernel/stat.h"
#include "kernel/lib/spinlock.h"
#include "kernel/lib/sleeplock.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/string.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/fs.h"
#include "kernel/fs/buf.h"
#include "kernel/fs/bio.h"
#include "kernel/fs/log.h"
#include "kernel/fs/inode.h"
#include "kernel/riscv/power.h"
#include "kernel/dev/virtio_blk.h"

#define SUPERBLOCK_BLOCK 1   /* block 0 is left for a boot loader */
#define BITS_PER_BYTE    8
#define FULL_BYTE        0xff /* a bitmap byte whose 8 blocks are all in use */

/* Largest file, in bytes. */
#define MAXFILE_BYTES ((uint64)MAXFILE * BSIZE)

/* A directory entry never straddles two blocks, so writing one either
   succeeds whole or fails whole. */
_Static_assert(BSIZE % sizeof(struct dirent) == 0,
               "directory entries must tile a block");

/*
 * Freeing a file (inode_truncate, from unlink or the last close) rewrites
 * each bitmap block at most once thanks to log absorption, plus the inode's
 * own block, a directory block and the parent's inode block. That must fit
 * in one operation's share of the log.
 */
_Static_assert(FSSIZE / BPB + 1 + 3 <= MAXOPBLOCKS,
               "freeing a file could overflow one log operation");

static struct superblock sb; /* [I] read once by fs_init */

static struct {
  struct spinlock itable_lock;
  struct inode inodes[NINODE]; /* dev, inum, ref: [itable_lock];
                                  the rest: [the inode's sleep lock] */
} itable;

static void free_orphans(uint dev);

/* ---- Superblock ---------------------------------------------------- */

/*
 * Why superblock s cannot describe a file system on a disk of nblocks
 * blocks laid out as mkfs does (boot, super, log, inodes, bitmap, data),
 * or 0 if it can.
 */
static const char *superblock_problem(const struct superblock *s, uint64 nblocks)
{
  if (s->magic != FSMAGIC)
    return "bad magic number: not a file system made by mkfs";
  if (s->size > nblocks)
    return "file system is larger than the disk";
  if (s->nlog < 2 || s->logstart != SUPERBLOCK_BLOCK + 1)
    return "bad log position or size";
  if (s->nlog - 1 < MAXOPBLOCKS)
    return "log too small to hold one file-system operation";
  if (s->inodestart != s->logstart + s->nlog || s->ninodes == 0)
    return "bad inode area";
  if (s->bmapstart < s->inodestart + (s->ninodes + IPB - 1) / IPB)
    return "bitmap overlaps the inodes";
  uint nbitmap = (s->size + BPB - 1) / BPB;
  if (s->nblocks == 0 || (uint64)s->bmapstart + nbitmap + s->nblocks > s->size)
    return "block counts do not add up";
  return 0;
}

/* First block of the data area, the only blocks a file may use. */
static uint data_start(void)
{
  return sb.bmapstart + (sb.size + BPB - 1) / BPB;
}

static int in_data_area(uint bno)
{
  return bno >= data_start() && bno < sb.size;
}

/* Disk inode inum inside b, which holds block IBLOCK(inum, sb). */
static struct dinode *dinode_in(struct buf *b, uint inum)
{
  return (struct dinode *)b->data + inum % IPB;
}

/* Copy disk inode inum (below sb.ninodes) into *di. */
static void dinode_read(uint dev, uint inum, struct dinode *di)
{
  struct buf *b = bio_read(dev, IBLOCK(inum, sb));
  *di = *dinode_in(b, inum);
  bio_release(b);
}

/*
 * Why the allocated disk inode di cannot be used as a file, or 0 if it
 * can. The phrase completes "inode N ...". Sizes beyond the largest file
 * would trip block_for's assertion, so they are refused here.
 */
static const char *dinode_problem(const struct dinode *di)
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

/*
 * Read the superblock, replay the log and check the root directory.
 * Called once, by the first process, because it sleeps for disk I/O. A
 * disk that holds no usable file system is a user mistake, not a kernel
 * bug: say so and power off.
 */
void fs_init(int dev)
{
  struct buf *b = bio_read(dev, SUPERBLOCK_BLOCK);
  memmove(&sb, b->data, sizeof(sb));
  bio_release(b);
  const char *problem = superblock_problem(&sb, virtio_blk_nblocks());
  if (problem) {
    printf("fs: disk %d is not a file system this kernel can use: %s\n"
           "fs: build the image with mkfs (make fs.img)\n", dev, problem);
    machine_poweroff(POWEROFF_BADDISK);
  }
  log_init(dev, &sb); /* powers off if the log header is damaged */

  /* Every path walk starts at the root without a directory entry to
     check it by (see dir_lookup), so check it once here. */
  struct dinode root;
  dinode_read(dev, ROOTINO, &root);
  problem = dinode_problem(&root);
  if (problem == 0 && root.type != T_DIR)
    problem = "is not a directory";
  if (problem) {
    printf("fs: disk %d is damaged: the root directory (inode %d) %s\n"
           "fs: build the image with mkfs (make fs.img)\n", dev, ROOTINO,
           problem);
    machine_poweroff(POWEROFF_BADDISK);
  }
  free_orphans(dev);
}

/* ---- Block allocator ----------------------------------------------- */

/* Fill block bno with zeros, through the log. */
static void zero_block(uint dev, uint bno)
{
  struct buf *b = bio_read(dev, bno);
  memset(b->data, 0, BSIZE);
  log_write(b);
  bio_release(b);
}

/*
 * Allocate a data block and zero it (so a crash can never expose an old
 * file's contents in a new file). Returns its block number, or 0 when the
 * disk is full; block 0 is the boot block, never a data block.
 *
 * mkfs marks the metadata blocks in use, but a damaged bitmap may not:
 * they are skipped whatever it says, so a file never overwrites them.
 */
static uint balloc(uint dev)
{
  uint first = data_start();
  for (uint base = 0; base < sb.size; base += BPB) {
    struct buf *map = bio_read(dev, BBLOCK(base, sb));
    for (uint byte = 0; byte < BSIZE; byte++) {
      if (base + byte * BITS_PER_BYTE >= sb.size)
        break;
      if (map->data[byte] == FULL_BYTE)
        continue;
      for (uint bit = 0; bit < BITS_PER_BYTE; bit++) {
        uint bno = base + byte * BITS_PER_BYTE + bit;
        uchar mask = 1 << bit;
        if (bno >= sb.size)
          break;
        if (bno >= first && (map->data[byte] & mask) == 0) {
          map->data[byte] |= mask;
          log_write(map);
          bio_release(map);
          zero_block(dev, bno);
          return bno;
        }
      }
    }
    bio_release(map);
  }
  return 0;
}

/*
 * Mark block bno free in the bitmap. Returns 0, or -EIO (leaving the
 * bitmap alone) if bno is not a data block or is free already: the block
 * number came from a damaged disk.
 */
static int bfree(uint dev, uint bno)
{
  if (!in_data_area(bno))
    return -EIO;
  struct buf *map = bio_read(dev, BBLOCK(bno, sb));
  uint bit = bno % BPB;
  uchar mask = 1 << (bit % BITS_PER_BYTE);
  int err = 0;

  if ((map->data[bit / BITS_PER_BYTE] & mask) == 0) {
    err = -EIO;
  } else {
    map->data[bit / BITS_PER_BYTE] &= ~mask;
    log_write(map);
  }
  bio_release(map);
  return err;
}

/* Is bno a data block that the bitmap marks in use? */
static int block_in_use(uint dev, uint bno)
{
  if (!in_data_area(bno))
    return 0;
  struct buf *map = bio_read(dev, BBLOCK(bno, sb));
  uint bit = bno % BPB;
  int used = (map->data[bit / BITS_PER_BYTE] >> (bit % BITS_PER_BYTE)) & 1;
  bio_release(map);
  return used;
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
static struct inode *itable_get(uint dev, uint inum)
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
  }
  spin_release(&itable.itable_lock);
  return free;
}

/*
 * Allocate a free disk inode of the given type and set *ipp to it,
 * referenced and unlocked (its nlink is 0 until the caller links it
 * somewhere). Returns 0, -ENOSPC if no disk inode is free or -ENFILE if
 * the inode table is full. Inside a transaction.
 */
int inode_alloc(uint dev, short type, struct inode **ipp)
{
  KASSERT(type != 0);
  for (uint first = 0; first < sb.ninodes; first += IPB) {
    struct buf *b = bio_read(dev, IBLOCK(first, sb));
    for (uint inum = first; inum < first + IPB && inum < sb.ninodes; inum++) {
      struct dinode *di = dinode_in(b, inum);
      /* inode 0 is never used: a directory entry with inum 0 is empty */
      if (inum == 0 || di->type != 0)
        continue;
      memset(di, 0, sizeof(*di));
      di->type = type;
      log_write(b);
      bio_release(b);

      *ipp = itable_get(dev, inum);
      if (*ipp == 0) {
        /* Give the disk inode back rather than leak it. */
        b = bio_read(dev, IBLOCK(inum, sb));
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
 * field that lives on disk. Locked, inside a transaction.
 */
void inode_update(struct inode *ip)
{
  KASSERT(sleeplock_holding(&ip->lock));
  struct buf *b = bio_read(ip->dev, IBLOCK(ip->inum, sb));
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

  struct buf *b = bio_read(ip->dev, IBLOCK(ip->inum, sb));
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
  if (in_data_area(bno))
    return 1;
  printf("fs: inode %u: block number %u is outside the data area "
         "(blocks %u to %u)\n", ip->inum, bno, data_start(), sb.size - 1);
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
    cur = balloc(ip->dev);
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
 * The indirect block is released before balloc runs, so this layer holds
 * at most one buffer at a time; the inode lock keeps the indirect block's
 * entries from changing meanwhile.
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
  bio_release(ind);
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
    if (ip->addrs[i] != 0 && bfree(ip->dev, ip->addrs[i]) < 0)
      skipped++;
    ip->addrs[i] = 0;
  }

  uint ind_bno = ip->addrs[NDIRECT];
  if (ind_bno != 0 && block_in_use(ip->dev, ind_bno)) {
    struct buf *ind = bio_read(ip->dev, ind_bno);
    uint *entry = (uint *)ind->data;
    for (uint i = 0; i < NINDIRECT; i++) {
      if (entry[i] != 0 && bfree(ip->dev, entry[i]) < 0)
        skipped++;
    }
    bio_release(ind);
    bfree(ip->dev, ind_bno);
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

/* ---- Orphans left by a crash ---------------------------------------- */

/* Does every block of di lie in the data area and count as in use? Only
   then may they be freed without harm to other files. */
static int dinode_blocks_ok(uint dev, const struct dinode *di)
{
  for (int i = 0; i < NDIRECT + 1; i++) {
    if (di->addrs[i] != 0 && !block_in_use(dev, di->addrs[i]))
      return 0;
  }
  if (di->addrs[NDIRECT] == 0)
    return 1;
  struct buf *ind = bio_read(dev, di->addrs[NDIRECT]);
  int ok = 1;
  for (uint i = 0; i < NINDIRECT && ok; i++) {
    uint bno = ((uint *)ind->data)[i];
    ok = bno == 0 || block_in_use(dev, bno);
  }
  bio_release(ind);
  return ok;
}

/*
 * Free the inodes that no directory names (nlink 0) but that are still
 * allocated: files unlinked while open when the machine stopped. At boot
 * nothing can have them open, so they can never be freed otherwise. An
 * inode whose blocks do not look right is reported and left alone.
 * Called once by fs_init, after the log is recovered.
 */
static void free_orphans(uint dev)
{
  int freed = 0;
  for (uint inum = 1; inum < sb.ninodes; inum++) {
    struct dinode di;
    dinode_read(dev, inum, &di);
    if (di.type == 0 || di.nlink != 0)
      continue;
    if (dinode_problem(&di) != 0 || !dinode_blocks_ok(dev, &di)) {
      printf("fs: inode %u is unlinked but looks damaged; left alone\n", inum);
      continue;
    }
    log_begin_op();
    struct inode *ip = itable_get(dev, inum);
    KASSERT(ip != 0); /* nothing else uses the table yet */
    inode_lock(ip);
    inode_unlock(ip);
    inode_put(ip); /* the last reference to an unlinked inode frees it */
    log_end_op();
    freed++;
  }
  if (freed > 0)
    printf("fs: freed %d unlinked inode%s left open by a crash\n", freed,
           freed == 1 ? "" : "s");
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
 * area (a damaged disk). Locked; n must fit in an int.
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

/* ---- Directories --------------------------------------------------- */

int dir_namecmp(const char *a, const char *b)
{
  return strncmp(a, b, DIRSIZ);
}

/* Read the directory entry at off into *de. Returns 0, or -EIO if the
   directory's block is damaged. Locked. */
static int dir_entry_at(struct inode *dp, uint off, struct dirent *de)
{
  int r = inode_read(dp, 0, (uint64)de, off, sizeof(*de));
  if (r == sizeof(*de))
    return 0;
  return r < 0 ? r : -EIO;
}

/*
 * Find name in dp: set *pinum to its inode number (0 if none) and, if
 * poff != 0, *poff to its entry's offset. Returns 0, or -EIO if an entry
 * could not be read. Locked.
 */
static int dir_find(struct inode *dp, const char *name, uint *poff, uint *pinum)
{
  struct dirent de;

  KASSERT(dp->type == T_DIR);
  *pinum = 0;
  for (uint off = 0; off < dp->size; off += sizeof(de)) {
    int err = dir_entry_at(dp, off, &de);
    if (err < 0)
      return err;
    if (de.inum != 0 && dir_namecmp(name, de.name) == 0) {
      if (poff != 0)
        *poff = off;
      *pinum = de.inum;
      return 0;
    }
  }
  return 0;
}

/*
 * Look name up in directory dp (locked). Sets *ipp to the inode,
 * referenced and unlocked, and *poff (if poff != 0) to its entry's
 * offset. Returns 0, -ENOENT if there is no such entry, -ENFILE if the
 * inode table is full, or -EIO if the directory or the inode its entry
 * names is damaged. Inside a transaction.
 *
 * This is where an inode number from the disk is first trusted, so the
 * disk inode is checked here, before anyone locks it: it must be a valid
 * inode number, allocated, of a known type and size, and linked. dp's
 * lock keeps the entry in place meanwhile. The check comes after the
 * reference is taken: from then on, the inode cannot be freed under us.
 */
int dir_lookup(struct inode *dp, const char *name, uint *poff, struct inode **ipp)
{
  uint inum;
  struct dinode di;

  *ipp = 0;
  int err = dir_find(dp, name, poff, &inum);
  if (err < 0)
    return err;
  if (inum == 0)
    return -ENOENT;
  if (inum >= sb.ninodes) {
    printf("fs: directory %u: entry %s names inode %u, but the disk has "
           "%u inodes\n", dp->inum, name, inum, sb.ninodes);
    return -EIO;
  }
  struct inode *ip = itable_get(dp->dev, inum);
  if (ip == 0)
    return -ENFILE;
  dinode_read(dp->dev, inum, &di);
  const char *problem = dinode_problem(&di);
  if (problem == 0 && di.nlink < 1)
    problem = "has no links";
  if (problem) {
    printf("fs: directory %u: entry %s names inode %u, which %s\n",
           dp->inum, name, inum, problem);
    inode_put(ip);
    return -EIO;
  }
  *ipp = ip;
  return 0;
}

/*
 * Add the entry (name, inum) to directory dp (locked), reusing a free
 * entry if there is one. Returns 0, -EEXIST if name is there already,
 * -EIO if the directory is damaged, or the error from growing the
 * directory (-ENOSPC, -EFBIG). Inside a transaction.
 */
int dir_link(struct inode *dp, const char *name, uint inum)
{
  struct dirent de;
  uint off, found;

  KASSERT(inum != 0 && inum == (ushort)inum);
  int err = dir_find(dp, name, 0, &found);
  if (err < 0)
    return err;
  if (found != 0)
    return -EEXIST;

  for (off = 0; off < dp->size; off += sizeof(de)) {
    err = dir_entry_at(dp, off, &de);
    if (err < 0)
      return err;
    if (de.inum == 0)
      break;
  }

  memset(&de, 0, sizeof(de));
  strncpy(de.name, name, DIRSIZ);
  de.inum = inum;
  int r = inode_write(dp, 0, (uint64)&de, off, sizeof(de));
  if (r < 0)
    return r;
  KASSERT(r == sizeof(de));
  return 0;
}

/* ---- Path names ---------------------------------------------------- */

/*
 * Copy the next element of the path at *pathp into name (DIRSIZ + 1
 * bytes) and advance *pathp past it and the slashes after it, so that
 * **pathp == 0 means the element was the last. Returns 1 for an element,
 * 0 if the path has none left, -ENAMETOOLONG if it is longer than DIRSIZ.
 *
 *   "a/bb//c"  ->  name "a", rest "bb//c"
 *   "///"      ->  0
 */
static int next_elem(const char **pathp, char *name)
{
  const char *p = *pathp;

  while (*p == '/')
    p++;
  if (*p == '\0') {
    *pathp = p;
    return 0;
  }
  const char *start = p;
  while (*p != '/' && *p != '\0')
    p++;
  int len = p - start;
  if (len > DIRSIZ)
    return -ENAMETOOLONG;
  memmove(name, start, len);
  name[len] = '\0';
  while (*p == '/')
    p++;
  *pathp = p;
  return 1;
}

/*
 * Walk path from the root (if it starts with '/') or the current
 * directory. With want_parent, stop one element early: return the last
 * element's directory and copy the last element into name.
 * See inode.h for the results.
 */
static int walk(const char *path, int want_parent, char *name, struct inode **ipp)
{
  char elem[DIRSIZ + 1];
  struct inode *ip;

  *ipp = 0;
  if (name == 0)
    name = elem;
  if (*path == '\0')
    return -ENOENT;
  if (*path == '/')
    ip = itable_get(ROOTDEV, ROOTINO);
  else
    ip = inode_dup(myproc()->cwd);
  if (ip == 0)
    return -ENFILE;

  for (;;) {
    int r = next_elem(&path, name);
    if (r < 0) {
      inode_put(ip);
      return r;
    }
    if (r == 0)
      break;

    inode_lock(ip);
    if (ip->type != T_DIR) {
      inode_unlockput(ip);
      return -ENOTDIR;
    }
    if (ip->nlink == 0) {
      /* A removed directory (someone's cwd): its ".." may name a freed
         inode, and nothing may be created in it. */
      inode_unlockput(ip);
      return -ENOENT;
    }
    if (want_parent && *path == '\0') {
      inode_unlock(ip);
      *ipp = ip;
      return 0;
    }
    struct inode *next;
    int err = dir_lookup(ip, name, 0, &next);
    /* Unlock before the child is locked: the child may be ip itself (".")
       or its parent (".."), and holding both would deadlock. */
    inode_unlockput(ip);
    if (err < 0)
      return err;
    ip = next;
  }

  if (want_parent) {
    /* The path named no element, e.g. "/": there is no parent to give. */
    inode_put(ip);
    return -EINVAL;
  }
  *ipp = ip;
  return 0;
}

int fs_lookup(const char *path, struct inode **ipp)
{
  return walk(path, 0, 0, ipp);
}

int fs_lookup_parent(const char *path, char *name, struct inode **ipp)
{
  return walk(path, 1, name, ipp);
}

struct inode *fs_namei(const char *path)
{
  struct inode *ip;
  return walk(path, 0, 0, &ip) == 0 ? ip : 0;
}

struct inode *fs_nameiparent(const char *path, char *name)
{
  struct inode *ip;
  return walk(path, 1, name, &ip) == 0 ? ip : 0;
}
