/*
 * fs.h: the on-disk format of the file system, shared by the kernel and
 * mkfs. It is xv6-compatible: 1024-byte blocks, a superblock in block 1,
 * then the log, the inodes and the free-block bitmap, then data blocks.
 *
 *   [ boot | super | log ... | inodes ... | bitmap ... | data ... ]
 *
 * Each inode has NDIRECT direct block numbers and one indirect block that
 * holds NINDIRECT more. Directories are files of struct dirent.
 */
#ifndef KERNEL_FS_H
#define KERNEL_FS_H

#include "kernel/types.h"

#define ROOTINO  1     /* root directory's inode number */
#define BSIZE    1024  /* block size in bytes */

struct superblock {
  uint magic;      /* must be FSMAGIC */
  uint size;       /* size of the image in blocks */
  uint nblocks;    /* number of data blocks */
  uint ninodes;    /* number of inodes */
  uint nlog;       /* number of log blocks */
  uint logstart;   /* first log block */
  uint inodestart; /* first inode block */
  uint bmapstart;  /* first free-map block */
};

#define FSMAGIC 0x10203040

#define NDIRECT    12
#define NINDIRECT  (BSIZE / sizeof(uint))
#define MAXFILE    (NDIRECT + NINDIRECT)   /* largest file, in blocks */

/* An inode as stored on disk. */
struct dinode {
  short type;              /* T_DIR, T_FILE, T_DEVICE; 0 means free */
  short major;             /* device major number (T_DEVICE only) */
  short minor;             /* device minor number (T_DEVICE only) */
  short nlink;             /* directory entries that name this inode */
  uint size;               /* size of the file in bytes */
  uint addrs[NDIRECT + 1]; /* data block numbers; the last is the indirect block */
};

#define IPB           (BSIZE / sizeof(struct dinode))     /* inodes per block */
#define IBLOCK(i, sb) ((i) / IPB + (sb).inodestart)       /* block holding inode i */
#define BPB           (BSIZE * 8)                         /* bitmap bits per block */
#define BBLOCK(b, sb) ((b) / BPB + (sb).bmapstart)        /* bitmap block for block b */

#define DIRSIZ 14  /* longest name in a directory entry */

/* A directory entry; inum 0 marks an unused entry. */
struct dirent {
  ushort inum;
  char name[DIRSIZ];
};

#endif
