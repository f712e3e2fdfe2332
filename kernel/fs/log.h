/*
 * log.h: the write-ahead log that makes file-system updates atomic.
 * Every system call that writes the file system brackets its writes with
 * log_begin_op() and log_end_op(), and writes blocks with log_write()
 * instead of bio_write().
 */
#ifndef KERNEL_FS_LOG_H
#define KERNEL_FS_LOG_H

#include "kernel/types.h"
#include "kernel/fs.h"
#include "kernel/fs/buf.h"

int log_init(int dev, struct superblock *sb); /* 0, or -EIO: a damaged log header */
void log_begin_op(void);
void log_end_op(void);
void log_write(struct buf *b);
/* The disk failed: the log writes nothing more. Returns 1 the first time. */
int log_disk_failed(void);

#endif
