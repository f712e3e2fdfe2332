/*
 * balloc.c: block allocation, through the free-block bitmap
 * (kernel/fs/internal.h: block_alloc, block_free, block_in_use).
 *
 * One bit per block of the file system, set when the block is in use;
 * mkfs marks the boot block, the superblock, the log, the inodes and the
 * bitmap itself in use. Every change goes through the log, inside the
 * caller's transaction.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/errno.h"
#include "kernel/fs.h"
#include "kernel/lib/string.h"
#include "kernel/fs/bio.h"
#include "kernel/fs/log.h"
#include "kernel/fs/internal.h"

#define BITS_PER_BYTE    8
#define FULL_BYTE        0xff /* a bitmap byte whose 8 blocks are all in use */

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
uint block_alloc(uint dev)
{
  uint first = fs_data_start();
  for (uint base = 0; base < fs_sb.size; base += BPB) {
    struct buf *map = bio_read(dev, BBLOCK(base, fs_sb));
    if (map->ioerr) {
      /* Its zeros would say in use blocks are free: no block (and the
         system call returns EIO). */
      bio_release(map);
      return 0;
    }
    for (uint byte = 0; byte < BSIZE; byte++) {
      if (base + byte * BITS_PER_BYTE >= fs_sb.size)
        break;
      if (map->data[byte] == FULL_BYTE)
        continue;
      for (uint bit = 0; bit < BITS_PER_BYTE; bit++) {
        uint bno = base + byte * BITS_PER_BYTE + bit;
        uchar mask = 1 << bit;
        if (bno >= fs_sb.size)
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
int block_free(uint dev, uint bno)
{
  if (!fs_in_data_area(bno))
    return -EIO;
  struct buf *map = bio_read(dev, BBLOCK(bno, fs_sb));
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
int block_in_use(uint dev, uint bno)
{
  if (!fs_in_data_area(bno))
    return 0;
  struct buf *map = bio_read(dev, BBLOCK(bno, fs_sb));
  uint bit = bno % BPB;
  int used = (map->data[bit / BITS_PER_BYTE] >> (bit % BITS_PER_BYTE)) & 1;
  bio_release(map);
  return used;
}
