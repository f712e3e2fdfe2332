/*
 * inode.h: the file system's interface: inodes, directories and path
 * names. The file system is built in layers, each using only the ones
 * below (each in its own file of kernel/fs/):
 *
 *   path names     fs_lookup("/a/b")  walk directories from / or the cwd   dir.c
 *   directories    dir_lookup, dir_link: files holding struct dirent       dir.c
 *   inodes         inode_lock/read/write/put: files as byte arrays         inode.c
 *   block alloc    block_alloc/block_free: the free-block bitmap           balloc.c
 *   log            log_write: crash-safe groups of block writes            log.c
 *   buffer cache   bio_read/bio_release: cached disk blocks                bio.c
 *
 * with the superblock and the boot checks in super.c, open files in
 * file.c, pipes in pipe.c and the system calls in sysfile.c. A typical
 * sequence, opening and writing a file inside one transaction:
 *
 *   log_begin_op();
 *   fs_lookup(path, &ip);         referenced, not locked
 *   inode_lock(ip);               reads the disk inode if needed
 *   inode_write(ip, ...);         allocates blocks, log_writes them
 *   inode_unlock(ip);
 *   inode_put(ip);                last reference to an unlinked file frees it
 *   log_end_op();
 *
 * An in-memory inode is referenced by a lookup (fs_lookup, dir_lookup),
 * inode_alloc or inode_dup, and released with inode_put; its fields are read and changed only between
 * inode_lock and inode_unlock. Every function that writes the disk must
 * run inside a transaction (log_begin_op/log_end_op); that includes
 * inode_put, which may free an inode, and so every path lookup.
 * Functions that can fail return a negative error number from
 * kernel/errno.h. The disk is input: a damaged image gives errors and an
 * "fs: ..." line, never a panic.
 */
#ifndef KERNEL_FS_INODE_H
#define KERNEL_FS_INODE_H

#include "kernel/types.h"
#include "kernel/fs.h"
#include "kernel/lib/sleeplock.h"

struct stat;

struct inode {
  uint dev;              /* [itable_lock] */
  uint inum;             /* [itable_lock] */
  int ref;               /* [itable_lock] references */
  int writers;           /* [itable_lock] open files that may write it */
  int running;           /* [itable_lock] program segments mapping it (exec) */
  uint textgen;          /* [itable_lock] bumped when a writer may change it */
  struct sleeplock lock; /* guards everything below */
  int valid;             /* has been read from disk? */
  short type;            /* copy of the disk inode */
  short major;
  short minor;
  short nlink;
  uint size;
  uint addrs[NDIRECT + 1];
};

/* Read the superblock, recover the log, check the root (super.c). Returns
   0, or -EINVAL or -EIO, with a message, if the disk cannot be used. */
int fs_init(int dev);
/* Set up the in-memory inode table; file_init() calls it at boot, so that
   fs_namei("/") works (without disk I/O) even before fs_init. */
void inode_init(void);

int inode_alloc(uint dev, short type, struct inode **ipp); /* 0, -ENOSPC or -ENFILE */
struct inode *inode_dup(struct inode *ip);
void inode_lock(struct inode *ip);
void inode_unlock(struct inode *ip);
void inode_put(struct inode *ip);
/* inode_put for a caller outside any transaction (closing a file, exit):
   it starts one only for a last reference, which may free the inode;
   dropping a shared one writes nothing. */
void inode_release(struct inode *ip);
void inode_unlockput(struct inode *ip);
void inode_update(struct inode *ip);   /* write the in-memory copy to disk */
void inode_truncate(struct inode *ip); /* free all data blocks; size 0 (locked, in a transaction) */
void inode_stat(struct inode *ip, struct stat *st);
/*
 * A running program's file cannot be written, as in Unix: its pages are
 * read from it while it runs. inode_deny_write (exec, for each segment)
 * returns 0 and the file's text generation in *gen (pages cached for
 * one generation are valid while it lasts), or -ETXTBSY if a file open
 * for writing holds it; inode_allow_write undoes it, returning 1 if no
 * program maps the file any more. inode_get_write (open for writing)
 * returns 0, or -ETXTBSY while a program runs from it; inode_put_write
 * undoes it (file close).
 */
int inode_deny_write(struct inode *ip, uint *gen);
int inode_allow_write(struct inode *ip);
int inode_get_write(struct inode *ip);
void inode_put_write(struct inode *ip);
/* Read or write n bytes at off; user_addr says whether dst/src is a user address.
   Return bytes done (may be short at end of file), or a negative error:
   -EIO when a block number on disk is missing or outside the data area. */
int inode_read(struct inode *ip, int user_dst, uint64 dst, uint off, uint n);
int inode_write(struct inode *ip, int user_src, uint64 src, uint off, uint n);

int dir_namecmp(const char *a, const char *b);
/* 0, -ENOENT, -ENFILE, or -EIO: the directory, or the inode its entry names, is damaged */
int dir_lookup(struct inode *dp, const char *name, uint *poff, struct inode **ipp);
/* 0, -EEXIST, -EIO, -ENOSPC or -EFBIG */
int dir_link(struct inode *dp, const char *name, uint inum);
/* Remove name's entry from dp (locked), leaving the inode it names alone:
   for an entry dir_lookup refused (-EIO) because that inode is damaged.
   Returns 0, or -EIO if the directory itself cannot be read. In a
   transaction. */
int dir_drop_entry(struct inode *dp, const char *name);

/*
 * Path names. A name buffer must hold DIRSIZ + 1 bytes; it is always
 * NUL-terminated. An element longer than DIRSIZ is cut to DIRSIZ
 * characters, as in xv6. fs_lookup and fs_lookup_parent return 0 and set
 * *ipp to an unlocked, referenced inode, or return -ENOENT, -ENOTDIR,
 * -ENFILE (inode table full), -EIO (a damaged directory or inode on the
 * way, reported on the console) or -EINVAL (fs_lookup_parent of a path
 * with no last element, like "/").
 * Callers must be inside a transaction (inode_put may free an inode).
 */
int fs_lookup(const char *path, struct inode **ipp);
int fs_lookup_parent(const char *path, char *name, struct inode **ipp);
/* The same, for callers that need no reason: the inode, or 0. */
struct inode *fs_namei(const char *path);

#endif
