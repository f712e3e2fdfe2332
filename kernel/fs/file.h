/*
 * file.h: open files (kernel/fs/file.c) and the device switch.
 * A struct file is shared by every descriptor that dup or fork made from
 * the same open; it carries the offset.
 */
#ifndef KERNEL_FS_FILE_H
#define KERNEL_FS_FILE_H

#include "kernel/types.h"
#include "kernel/param.h"

struct pipe;
struct inode;
struct stat;

/* Lock legend: [ftable_lock] the file table's lock (file.c); [I] set by
   the open that made the file, then unchanged until the last close;
   [ip->lock] the inode's sleep lock (file.c reads and moves the offset
   only while holding it). */
struct file {
  enum { FD_NONE, FD_PIPE, FD_INODE, FD_DEVICE } type; /* [I] */
  int ref;           /* [ftable_lock] reference count */
  char readable;     /* [I] */
  char writable;     /* [I] */
  struct pipe *pipe; /* [I] FD_PIPE */
  struct inode *ip;  /* [I] FD_INODE and FD_DEVICE */
  uint off;          /* [ip->lock] FD_INODE: offset of the next read or write */
  short major;       /* [I] FD_DEVICE */
};

/* Device switch: read and write functions per major device number. Each
   returns bytes done or a negative error. */
struct devsw {
  int (*read)(int user_dst, uint64 dst, int n);
  int (*write)(int user_src, uint64 src, int n);
  int (*ioctl)(int request, uint64 arg); /* may be 0: -ENOTTY */
};

extern struct devsw devsw[NDEV];

#define CONSOLE 1  /* major device number of the console */

void file_init(void);
struct file *file_alloc(void);           /* 0 if the table is full */
struct file *file_dup(struct file *f);
void file_close(struct file *f);
int file_stat(struct file *f, uint64 user_addr);
int file_read(struct file *f, uint64 user_addr, int n);
int file_write(struct file *f, uint64 user_addr, int n);
int file_ioctl(struct file *f, int request, uint64 arg);

#endif
