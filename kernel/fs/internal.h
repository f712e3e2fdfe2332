/*
 * internal.h: what the file system's layers share among themselves and
 * nobody else needs: the superblock as read at boot, the block
 * allocator, and the table and checks behind inode_get. Only files in
 * kernel/fs/ include it.
 */
#ifndef KERNEL_FS_INTERNAL_H
#define KERNEL_FS_INTERNAL_H

#include "kernel/types.h"
#include "kernel/fs.h"
#include "kernel/fs/buf.h"

/* Largest file, in bytes. */
#define MAXFILE_BYTES ((uint64)MAXFILE * BSIZE)

/* super.c */
extern struct superblock fs_sb; /* [I] read once by fs_init */
uint fs_data_start(void);       /* first block a file may use */
int fs_in_data_area(uint bno);  /* may a file use block bno? */
const char *fs_block_kind(uint bno); /* "inode block", "log", ...: for messages */

/* balloc.c. Inside a transaction. */
/* A zeroed data block, or 0 when the disk is full. */
uint block_alloc(uint dev);
/* Mark bno free. 0, or -EIO (nothing changed) if bno is not a data block
   in use: the number came from a damaged disk. */
int block_free(uint dev, uint bno);
int block_in_use(uint dev, uint bno); /* is bno a data block marked in use? */

/* inode.c */
/* The table entry for inode inum, with one more reference, neither
   locked nor necessarily read; 0 if the table is full. */
struct inode *inode_get(uint dev, uint inum);
struct dinode *dinode_in(struct buf *b, uint inum); /* inum's place in its block */
void dinode_read(uint dev, uint inum, struct dinode *di);
/* Why the allocated disk inode di cannot be used as a file, or 0. */
const char *dinode_problem(const struct dinode *di);

#endif
