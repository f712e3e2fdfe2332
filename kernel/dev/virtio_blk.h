/*
 * virtio_blk.h: the virtio block device driver (modern MMIO interface).
 * virtio_blk_rw reads or writes one struct buf and sleeps until done.
 */
#ifndef KERNEL_DEV_VIRTIO_BLK_H
#define KERNEL_DEV_VIRTIO_BLK_H

struct buf;

/* Find the disk and set it up. Returns 0, or (with a message saying
   why) -ENODEV if there is no disk it can drive, -EIO if the device
   misbehaves, -ENOMEM. */
int virtio_blk_init(void);
/* Read (write 0) or write one block, sleeping until done. Returns 0 or
   -EIO (the device failed the transfer). */
int virtio_blk_rw(struct buf *b, int write);
/* The disk's size in file-system blocks. Valid only after virtio_blk_init. */
unsigned long virtio_blk_nblocks(void);

#endif
