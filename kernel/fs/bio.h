/*
 * bio.h: the buffer cache. bio_read returns a locked buffer holding the
 * block's contents; the caller modifies it, calls bio_write (or, inside a
 * transaction, log_write), and then bio_release.
 */
#ifndef KERNEL_FS_BIO_H
#define KERNEL_FS_BIO_H

#include "kernel/types.h"
#include "kernel/fs/buf.h"

void bio_init(void);
struct buf *bio_read(uint dev, uint blockno);
struct buf *bio_overwrite(uint dev, uint blockno); /* for a caller that fills it all */
int bio_write(struct buf *b);  /* 0 or -EIO */
void bio_forget(struct buf *b); /* drop the cached contents (an undone change) */
void bio_release(struct buf *b);
void bio_pin(struct buf *b);   /* keep in the cache (the log does this) */
void bio_unpin(struct buf *b);

#endif
