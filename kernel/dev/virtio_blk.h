/*
 * virtio_blk.h: the virtio block device driver (modern MMIO interface).
 * virtio_blk_rw reads or writes one struct buf and sleeps until done.
 */
#ifndef KERNEL_DEV_VIRTIO_BLK_H
#define KERNEL_DEV_VIRTIO_BLK_H

struct buf;

void virtio_blk_init(void);   /* finds the disk; powers off with a message if absent */
void virtio_blk_rw(struct buf *b, int write);
void virtio_blk_intr(void);
/* The disk's PLIC interrupt line. Valid only after virtio_blk_init. */
int virtio_blk_irq(void);
/* The disk's size in file-system blocks. Valid only after virtio_blk_init. */
unsigned long virtio_blk_nblocks(void);

#endif
