/*
 * super.c: the superblock and the checks made at boot (kernel/fs/inode.h:
 * fs_init).
 *
 * fs_init reads the superblock and checks it against the disk, replays
 * the log (log.c), checks the root directory and frees the inodes a
 * crash left allocated but unlinked. fs_sb, the superblock as read, is
 * the layout every other layer uses: where the inodes, the bitmap and
 * the data blocks are.
 *
 * The disk is input, and a damaged image must give errors, not panics:
 * each problem found here prints one "fs: ..." line saying what is wrong.
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
#include "kernel/dev/virtio_blk.h"

#define SUPERBLOCK_BLOCK 1   /* block 0 is left for a boot loader */

struct superblock fs_sb; /* [I] read once by fs_init */

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
  if (s->ninodes > (1U << (8 * sizeof(((struct dirent *)0)->inum))))
    return "more inodes than a directory entry can name";
  if (s->bmapstart < s->inodestart + (s->ninodes + IPB - 1) / IPB)
    return "bitmap overlaps the inodes";
  uint nbitmap = (s->size + BPB - 1) / BPB;
  if (s->nblocks == 0 || (uint64)s->bmapstart + nbitmap + s->nblocks > s->size)
    return "block counts do not add up";
  return 0;
}

/* First block of the data area, the only blocks a file may use. */
uint fs_data_start(void)
{
  return fs_sb.bmapstart + (fs_sb.size + BPB - 1) / BPB;
}

int fs_in_data_area(uint bno)
{
  return bno >= fs_data_start() && bno < fs_sb.size;
}

/* What block bno holds, for messages about it. */
const char *fs_block_kind(uint bno)
{
  if (bno == SUPERBLOCK_BLOCK)
    return "superblock";
  if (fs_sb.size == 0 || bno >= fs_sb.size)
    return "block";
  if (bno < fs_sb.logstart)
    return "boot block";
  if (bno < fs_sb.inodestart)
    return bno == fs_sb.logstart ? "log header" : "log";
  if (bno < fs_sb.bmapstart)
    return "inode block";
  if (bno < fs_data_start())
    return "bitmap";
  return "data block";
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
  for (uint inum = 1; inum < fs_sb.ninodes; inum++) {
    struct dinode di;
    dinode_read(dev, inum, &di);
    if (di.type == 0 || di.nlink != 0)
      continue;
    if (dinode_problem(&di) != 0 || !dinode_blocks_ok(dev, &di)) {
      printf("fs: inode %u is unlinked but looks damaged; left alone\n", inum);
      continue;
    }
    log_begin_op();
    struct inode *ip = inode_get(dev, inum);
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

/*
 * Read the superblock, replay the log and check the root directory.
 * Called once, by the first process, because it sleeps for disk I/O. A
 * disk that holds no usable file system is a user mistake, not a kernel
 * bug: say so and return -EINVAL (not a file system this kernel can use)
 * or -EIO (a damaged log header or root directory), so that the boot
 * code can stop the machine.
 */
int fs_init(int dev)
{
  struct buf *b = bio_read(dev, SUPERBLOCK_BLOCK);
  memmove(&fs_sb, b->data, sizeof(fs_sb));
  bio_release(b);
  const char *problem = superblock_problem(&fs_sb, virtio_blk_nblocks());
  if (problem) {
    printf("fs: disk %d is not a file system this kernel can use: %s\n"
           "fs: build the image with mkfs (make fs.img)\n", dev, problem);
    return -EINVAL;
  }
  int err = log_init(dev, &fs_sb);
  if (err < 0)
    return err;

  /* Every path walk starts at the root without a directory entry to
     check it by (see dir_lookup), so check it once here. */
  struct dinode root;
  dinode_read(dev, ROOTINO, &root);
  problem = dinode_problem(&root);
  if (problem == 0 && root.type != T_DIR)
    problem = "is not a directory";
  if (problem == 0 && root.nlink < 1)
    problem = "has no links (the boot would free it as an orphan)";
  if (problem) {
    printf("fs: disk %d is damaged: the root directory (inode %d) %s\n"
           "fs: build the image with mkfs (make fs.img)\n", dev, ROOTINO,
           problem);
    return -EIO;
  }
  free_orphans(dev);
  return 0;
}
