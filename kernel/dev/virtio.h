/*
 * virtio.h: what a driver needs from the virtio specification (v1.1) to
 * talk to a device over the MMIO transport with the modern (version 2)
 * register layout: register offsets, status and feature bits, the split
 * virtqueue structures, and the block device's request format.
 *
 * Only definitions live here; kernel/dev/virtio_blk.c is the driver.
 * Every multi-byte field is little-endian, as is RISC-V, so the structures
 * are used directly.
 */
#ifndef KERNEL_DEV_VIRTIO_H
#define KERNEL_DEV_VIRTIO_H

#include "kernel/types.h"

/* ---- MMIO registers (spec 4.2.2), byte offsets into a slot, 32 bits wide ---- */
#define VIRTIO_MMIO_MAGIC_VALUE       0x000 /* reads VIRTIO_MAGIC */
#define VIRTIO_MMIO_VERSION           0x004 /* 2 = modern, 1 = legacy */
#define VIRTIO_MMIO_DEVICE_ID         0x008 /* 0 = empty slot */
#define VIRTIO_MMIO_VENDOR_ID         0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES   0x010 /* 32 feature bits chosen by ..._SEL */
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES   0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL         0x030 /* queue the QUEUE_* registers refer to */
#define VIRTIO_MMIO_QUEUE_NUM_MAX     0x034 /* largest size the device supports */
#define VIRTIO_MMIO_QUEUE_NUM         0x038 /* size the driver chose */
#define VIRTIO_MMIO_QUEUE_READY       0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY      0x050 /* write a queue index: "look at it" */
#define VIRTIO_MMIO_INTERRUPT_STATUS  0x060
#define VIRTIO_MMIO_INTERRUPT_ACK     0x064
#define VIRTIO_MMIO_STATUS            0x070 /* device status; write 0 to reset */
#define VIRTIO_MMIO_QUEUE_DESC_LOW    0x080 /* physical address of the descriptor table */
#define VIRTIO_MMIO_QUEUE_DESC_HIGH   0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW  0x090 /* ... of the driver (available) ring */
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW  0x0a0 /* ... of the device (used) ring */
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc /* changes when the config space does */
#define VIRTIO_MMIO_CONFIG            0x100 /* device-specific configuration */

#define VIRTIO_MAGIC          0x74726976 /* "virt" in little-endian ASCII */
#define VIRTIO_VERSION_MODERN 2
#define VIRTIO_DEVICE_ID_BLOCK 2

/* Interrupt status / acknowledge bits (spec 4.2.2). */
#define VIRTIO_INT_USED_RING     (1 << 0) /* the device used a buffer */
#define VIRTIO_INT_CONFIG_CHANGE (1 << 1) /* the configuration space changed */

/* Device status bits (spec 2.1), set by the driver in this order. */
#define VIRTIO_STATUS_ACKNOWLEDGE 1   /* we noticed the device */
#define VIRTIO_STATUS_DRIVER      2   /* we know how to drive it */
#define VIRTIO_STATUS_DRIVER_OK   4   /* the driver is ready */
#define VIRTIO_STATUS_FEATURES_OK 8   /* feature negotiation is done */
#define VIRTIO_STATUS_FAILED      128 /* the driver gave up on the device */

/*
 * Feature bits (spec 6). Features are 64 bits wide; the MMIO registers show
 * 32 at a time, picked by the *_FEATURES_SEL registers.
 */
#define VIRTIO_F_VERSION_1 32 /* the device follows spec 1.0+, not legacy */
#define VIRTIO_FEATURE(bit) (1UL << (bit))
#define VIRTIO_FEATURE_WORD_BITS 32

/* ---- Split virtqueue (spec 2.6) ---- */

/* A descriptor names one contiguous buffer in physical memory. */
struct virtq_desc {
  uint64 addr;  /* physical address */
  uint32 len;   /* bytes */
  uint16 flags; /* VIRTQ_DESC_F_* */
  uint16 next;  /* index of the next descriptor if VIRTQ_DESC_F_NEXT */
};
#define VIRTQ_DESC_F_NEXT  1 /* the chain continues at .next */
#define VIRTQ_DESC_F_WRITE 2 /* the device writes this buffer (else reads it) */

/* Alignment the spec requires of each part of a split virtqueue. */
#define VIRTQ_DESC_ALIGN   16
#define VIRTQ_DRIVER_ALIGN 2
#define VIRTQ_DEVICE_ALIGN 4

/*
 * The driver (available) ring: the driver puts the head index of each
 * descriptor chain it offers into ring[], then advances idx. The ring's
 * real length is the queue size chosen at setup; VIRTQ_MAX_SIZE is only
 * the most this header's fixed-size arrays can hold.
 */
#define VIRTQ_MAX_SIZE 8
struct virtq_avail {
  uint16 flags;
  uint16 idx;   /* where the driver will put the next entry (mod size) */
  uint16 ring[VIRTQ_MAX_SIZE];
};

/* One entry of the device (used) ring: a chain the device has finished. */
struct virtq_used_elem {
  uint32 id;  /* head index of the finished chain */
  uint32 len; /* bytes the device wrote into the chain */
};

struct virtq_used {
  uint16 flags;
  uint16 idx;   /* where the device will put the next entry (mod size) */
  struct virtq_used_elem ring[VIRTQ_MAX_SIZE];
};

/* ---- Block device (spec 5.2) ---- */

#define VIRTIO_BLK_SECTOR_SIZE 512 /* the unit of .sector, whatever the disk */

/* Offsets into the block device's configuration space. */
#define VIRTIO_BLK_CONFIG_CAPACITY 0x00 /* 64 bits: size in sectors */

/* The header that starts every request. */
struct virtio_blk_req {
  uint32 type;     /* VIRTIO_BLK_T_* */
  uint32 reserved;
  uint64 sector;   /* first sector to read or write */
};
#define VIRTIO_BLK_T_IN  0 /* read from the disk */
#define VIRTIO_BLK_T_OUT 1 /* write to the disk */

/* The status byte that ends every request, written by the device. */
#define VIRTIO_BLK_S_OK     0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2

/* The device reads these layouts byte for byte: make sure the compiler agrees. */
_Static_assert(sizeof(struct virtq_desc) == 16, "virtq_desc layout");
_Static_assert(sizeof(struct virtq_used_elem) == 8, "virtq_used_elem layout");
_Static_assert(sizeof(struct virtio_blk_req) == 16, "virtio_blk_req layout");

#endif
