/*
 * virtio_blk.c: the disk driver, virtio-blk over the MMIO transport with
 * the modern (version 2) interface.
 *
 * Interface: virtio_blk_init() finds the disk among the virtio-mmio slots
 * and sets it up, once, at boot, and registers virtio_blk_intr for the
 * disk's interrupt line (kernel/dev/irq.h); without a usable disk it
 * says why and returns an error, and the boot code decides what then.
 * virtio_blk_rw(b, write) moves one block between the buffer b and the
 * disk and sleeps until the device is done.
 *
 * Call chain: file system -> bio.c -> virtio_blk_rw -> device; later,
 * device -> PLIC -> trap handler -> irq_dispatch -> virtio_blk_intr ->
 * wakes the caller.
 *
 * How a request travels: the driver and the device share a virtqueue,
 * three arrays in memory. The driver describes a request as a chain of
 * three descriptors (header, data block, status byte) in the descriptor
 * table, writes the chain's first index into the driver ring, and writes
 * the queue number to the notify register. The device does the I/O, fills
 * in the status byte, appends the chain's index to the device ring and
 * interrupts. The interrupt handler walks the new device-ring entries and
 * wakes each request's sleeping caller, which frees its descriptors.
 *
 * Locks: disk.lock, a device spinlock in the order of kernel/proc/proc.h,
 * guards the queue and the bookkeeping in struct disk. Callers of
 * virtio_blk_rw hold the buffer's sleep lock.
 */
#include "kernel/dev/virtio_blk.h"
#include "kernel/dev/virtio.h"
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/memlayout.h"
#include "kernel/riscv.h"
#include "kernel/lib/spinlock.h"
#include "kernel/lib/printf.h"
#include "kernel/mm/kalloc.h"
#include "kernel/proc/sleep.h"
#include "kernel/errno.h"
#include "kernel/dev/irq.h"
#include "kernel/fs.h"
#include "kernel/fs/buf.h"

#define DISK_QUEUE 0              /* virtio-blk's only request queue */
#define DESCS_PER_REQ 3           /* header, data, status */
#define SECTORS_PER_BLOCK (BSIZE / VIRTIO_BLK_SECTOR_SIZE)
/* A status the device never writes, so an unfinished request shows. */
#define REQ_STATUS_PENDING 0xff
/* Values of the *_FEATURES_SEL registers: which 32 feature bits show. */
#define FEATURES_SEL_LOW  0
#define FEATURES_SEL_HIGH 1
#define QUEUE_READY_ON 1

_Static_assert(BSIZE % VIRTIO_BLK_SECTOR_SIZE == 0,
               "a block must be a whole number of sectors");
_Static_assert(sizeof(struct virtq_desc) * VIRTQ_MAX_SIZE <= PGSIZE &&
                   sizeof(struct virtq_avail) <= PGSIZE &&
                   sizeof(struct virtq_used) <= PGSIZE,
               "each part of the virtqueue must fit in its page");

/* One request in flight, kept at the index of its chain's first descriptor. */
struct disk_req {
  struct virtio_blk_req hdr; /* read by the device */
  volatile uchar status;     /* written by the device */
  struct buf *b;             /* the caller's buffer; 0 when the slot is idle */
};

static struct disk {
  struct spinlock lock;

  uint64 regs;       /* [I] kernel virtual address of the slot's registers */
  int irq;           /* [I] PLIC line; 0 until virtio_blk_init finds the disk */
  uint qsize;        /* [I] entries in the queue: a power of two */
  uint64 capacity;   /* [I] disk size in sectors */

  struct virtq_desc *desc;          /* [lock] descriptor table */
  struct virtq_avail *avail;        /* [lock] driver ring */
  volatile struct virtq_used *used; /* [lock] device ring, written by the device */
  uchar desc_free[VIRTQ_MAX_SIZE];  /* [lock] is descriptor i unused? */
  uint16 used_seen;                 /* [lock] device-ring entries handled so far */
  struct disk_req req[VIRTQ_MAX_SIZE]; /* [lock] by head descriptor */
} disk;

static void virtio_blk_intr(void);

static uint32 reg_read(uint off)
{
  return *(volatile uint32 *)(disk.regs + off);
}

static void reg_write(uint off, uint32 val)
{
  *(volatile uint32 *)(disk.regs + off) = val;
}

/* A 64-bit address goes to the device as two 32-bit register writes. */
static void reg_write_addr(uint off_low, uint off_high, uint64 pa)
{
  reg_write(off_low, (uint32)pa);
  reg_write(off_high, (uint32)(pa >> 32));
}

/* The device's 64 feature bits, read 32 at a time. */
static uint64 device_features(void)
{
  reg_write(VIRTIO_MMIO_DEVICE_FEATURES_SEL, FEATURES_SEL_LOW);
  uint64 low = reg_read(VIRTIO_MMIO_DEVICE_FEATURES);
  reg_write(VIRTIO_MMIO_DEVICE_FEATURES_SEL, FEATURES_SEL_HIGH);
  uint64 high = reg_read(VIRTIO_MMIO_DEVICE_FEATURES);
  return low | (high << VIRTIO_FEATURE_WORD_BITS);
}

static void driver_features(uint64 features)
{
  reg_write(VIRTIO_MMIO_DRIVER_FEATURES_SEL, FEATURES_SEL_LOW);
  reg_write(VIRTIO_MMIO_DRIVER_FEATURES, (uint32)features);
  reg_write(VIRTIO_MMIO_DRIVER_FEATURES_SEL, FEATURES_SEL_HIGH);
  reg_write(VIRTIO_MMIO_DRIVER_FEATURES,
            (uint32)(features >> VIRTIO_FEATURE_WORD_BITS));
}

/*
 * Read the disk's size. The 64-bit field takes two reads, and the device
 * may change it between them; the generation counter changes if it did,
 * so read again until it stays put (spec 4.2.2.2).
 */
static uint64 read_capacity(void)
{
  uint32 gen, low, high;
  do {
    gen = reg_read(VIRTIO_MMIO_CONFIG_GENERATION);
    low = reg_read(VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CONFIG_CAPACITY);
    high = reg_read(VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CONFIG_CAPACITY +
                    sizeof(uint32));
  } while (gen != reg_read(VIRTIO_MMIO_CONFIG_GENERATION));
  return ((uint64)high << 32) | low;
}

/* The first slot holding a virtio block device, or -1. */
static int find_disk(void)
{
  for (int slot = 0; slot < VIRTIO_SLOTS; slot++) {
    volatile uint32 *regs = P2V(VIRTIO0 + slot * VIRTIO_SLOT_SIZE);
    if (regs[VIRTIO_MMIO_MAGIC_VALUE / sizeof(uint32)] == VIRTIO_MAGIC &&
        regs[VIRTIO_MMIO_DEVICE_ID / sizeof(uint32)] == VIRTIO_DEVICE_ID_BLOCK)
      return slot;
  }
  return -1;
}

/* There is no disk this driver can use: say why. Returns -ENODEV. */
static int no_disk(const char *why)
{
  printf("virtio_blk: %s\n", why);
  return -ENODEV;
}

/* Give up on a device that misbehaves during setup: mark it failed and
   say what went wrong. Returns -EIO. */
static int setup_failed(const char *what, uint64 value)
{
  reg_write(VIRTIO_MMIO_STATUS,
            reg_read(VIRTIO_MMIO_STATUS) | VIRTIO_STATUS_FAILED);
  printf("virtio_blk: %s (0x%lx)\n", what, value);
  return -EIO;
}

/* Set up queue 0 (spec 4.2.3.2). The status must be DRIVER or later.
   Returns 0, -EIO or -ENOMEM. */
static int setup_queue(void)
{
  reg_write(VIRTIO_MMIO_QUEUE_SEL, DISK_QUEUE);
  if (reg_read(VIRTIO_MMIO_QUEUE_READY) != 0)
    return setup_failed("queue already in use after reset",
                        reg_read(VIRTIO_MMIO_QUEUE_READY));
  uint max = reg_read(VIRTIO_MMIO_QUEUE_NUM_MAX);
  if (max == 0)
    return setup_failed("the device has no request queue", max);

  /* A few requests in flight are plenty for one small disk. */
  disk.qsize = max < VIRTQ_MAX_SIZE ? max : VIRTQ_MAX_SIZE;
  if ((disk.qsize & (disk.qsize - 1)) != 0 || disk.qsize < DESCS_PER_REQ)
    return setup_failed("unusable queue size", disk.qsize);
  reg_write(VIRTIO_MMIO_QUEUE_NUM, disk.qsize);

  /* Whole pages satisfy every alignment the three parts need. */
  disk.desc = kalloc();
  disk.avail = kalloc();
  disk.used = kalloc();
  if (disk.desc == 0 || disk.avail == 0 || disk.used == 0) {
    setup_failed("out of memory for the virtqueue", 0);
    return -ENOMEM;
  }
  reg_write_addr(VIRTIO_MMIO_QUEUE_DESC_LOW, VIRTIO_MMIO_QUEUE_DESC_HIGH,
                 V2P(disk.desc));
  reg_write_addr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, VIRTIO_MMIO_QUEUE_DRIVER_HIGH,
                 V2P(disk.avail));
  reg_write_addr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, VIRTIO_MMIO_QUEUE_DEVICE_HIGH,
                 V2P(disk.used));

  for (uint i = 0; i < disk.qsize; i++)
    disk.desc_free[i] = 1;
  reg_write(VIRTIO_MMIO_QUEUE_READY, QUEUE_READY_ON);
  return 0;
}

int virtio_blk_init(void)
{
  spin_init(&disk.lock, "disk.lock");

  int slot = find_disk();
  if (slot < 0)
    return no_disk("no virtio block device found (is fs.img attached?)");
  disk.regs = (uint64)P2V(VIRTIO0 + slot * VIRTIO_SLOT_SIZE);
  uint32 version = reg_read(VIRTIO_MMIO_VERSION);
  if (version != VIRTIO_VERSION_MODERN) {
    printf("virtio_blk: the disk in slot %d uses virtio-mmio version %d\n",
           slot, version);
    return no_disk("this driver needs version 2: run QEMU with "
                   "-global virtio-mmio.force-legacy=false");
  }

  /* Reset, then wait until the device says the reset is complete. */
  reg_write(VIRTIO_MMIO_STATUS, 0);
  while (reg_read(VIRTIO_MMIO_STATUS) != 0)
    ;
  uint32 status = VIRTIO_STATUS_ACKNOWLEDGE;
  reg_write(VIRTIO_MMIO_STATUS, status);
  status |= VIRTIO_STATUS_DRIVER;
  reg_write(VIRTIO_MMIO_STATUS, status);

  /*
   * Accept VERSION_1 alone. Everything else stays off, among it indirect
   * descriptors and event-index notification, which this driver does
   * not use; device-specific extras (read-only, discard, ...) likewise.
   */
  uint64 offered = device_features();
  if (!(offered & VIRTIO_FEATURE(VIRTIO_F_VERSION_1)))
    return setup_failed("device does not offer VIRTIO_F_VERSION_1", offered);
  driver_features(VIRTIO_FEATURE(VIRTIO_F_VERSION_1));
  status |= VIRTIO_STATUS_FEATURES_OK;
  reg_write(VIRTIO_MMIO_STATUS, status);
  /* The device clears FEATURES_OK if it cannot work with our choice. */
  if (!(reg_read(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
    return setup_failed("device rejected our features", offered);

  int err = setup_queue();
  if (err < 0)
    return err;
  disk.capacity = read_capacity();

  status |= VIRTIO_STATUS_DRIVER_OK;
  reg_write(VIRTIO_MMIO_STATUS, status);
  disk.irq = VIRTIO0_IRQ + slot;
  irq_register(disk.irq, virtio_blk_intr);
  return 0;
}

/*
 * Take n free descriptors into d[]. Returns 0, or -1 (taking none) if
 * fewer than n are free. Caller holds disk.lock.
 */
static int alloc_descs(int d[], int n)
{
  ASSERT_HELD(&disk.lock);
  int got = 0;
  for (uint i = 0; i < disk.qsize && got < n; i++) {
    if (disk.desc_free[i]) {
      disk.desc_free[i] = 0;
      d[got++] = i;
    }
  }
  if (got == n)
    return 0;
  while (got > 0)
    disk.desc_free[d[--got]] = 1;
  return -1;
}

/* Return the chain starting at head to the free pool. Caller holds disk.lock. */
static void free_chain(int head)
{
  ASSERT_HELD(&disk.lock);
  int i = head;
  for (;;) {
    KASSERT(!disk.desc_free[i]);
    int flags = disk.desc[i].flags;
    int next = disk.desc[i].next;
    disk.desc[i] = (struct virtq_desc){0};
    disk.desc_free[i] = 1;
    if (!(flags & VIRTQ_DESC_F_NEXT))
      break;
    i = next;
  }
  /* Requests may be waiting for descriptors. */
  proc_wakeup(&disk.desc_free);
}

static void set_desc(int i, uint64 pa, uint32 len, uint16 flags, uint16 next)
{
  disk.desc[i].addr = pa;
  disk.desc[i].len = len;
  disk.desc[i].flags = flags;
  disk.desc[i].next = next;
}

/*
 * Read (write == 0) or write block b->blockno through b->data, sleeping
 * until the disk is done. The caller holds b->lock. b->data must lie in
 * the kernel's direct map (buffer-cache buffers do), because the device
 * is given its physical address. Returns 0, or -EIO if the device says
 * the transfer failed (b->data then holds nothing to trust).
 */
int virtio_blk_rw(struct buf *b, int write)
{
  KASSERT(sleeplock_holding(&b->lock));
  /* Not on a kernel stack, say: those lie outside the direct map. */
  KASSERT((uint64)b->data >= KERNEL_VA_BASE && (uint64)b->data < KSTACK_BASE);
  uint64 sector = (uint64)b->blockno * SECTORS_PER_BLOCK;
  if (sector + SECTORS_PER_BLOCK > disk.capacity)
    panic("virtio_blk_rw: block %u is past the end of the disk (%lu sectors)",
          b->blockno, disk.capacity);

  spin_acquire(&disk.lock);

  int d[DESCS_PER_REQ];
  while (alloc_descs(d, DESCS_PER_REQ) < 0)
    proc_sleep(&disk.desc_free, &disk.lock);

  struct disk_req *req = &disk.req[d[0]];
  KASSERT(req->b == 0);
  req->hdr.type = write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;
  req->hdr.reserved = 0;
  req->hdr.sector = sector;
  req->status = REQ_STATUS_PENDING;
  req->b = b;

  /* The device reads the header, reads or writes the data, writes the status. */
  set_desc(d[0], V2P(&req->hdr), sizeof(req->hdr), VIRTQ_DESC_F_NEXT, d[1]);
  set_desc(d[1], V2P(b->data), BSIZE,
           VIRTQ_DESC_F_NEXT | (write ? 0 : VIRTQ_DESC_F_WRITE), d[2]);
  set_desc(d[2], V2P(&req->status), sizeof(req->status), VIRTQ_DESC_F_WRITE, 0);

  b->disk = 1;
  disk.avail->ring[disk.avail->idx % disk.qsize] = d[0];
  /* The device must see the chain and the ring entry before the new idx. */
  __sync_synchronize();
  disk.avail->idx++;
  /* ... and the new idx before it is told to look. */
  __sync_synchronize();
  reg_write(VIRTIO_MMIO_QUEUE_NOTIFY, DISK_QUEUE);

  /* virtio_blk_intr clears b->disk. Not interruptible: the device owns b->data. */
  while (b->disk)
    proc_sleep(b, &disk.lock);

  int ok = req->status == VIRTIO_BLK_S_OK;
  req->b = 0;
  free_chain(d[0]);
  spin_release(&disk.lock);
  return ok ? 0 : -EIO;
}

/* The disk's interrupt (registered with irq.c). */
static void virtio_blk_intr(void)
{
  spin_acquire(&disk.lock);

  /*
   * Acknowledge before looking at the ring: a request the device finishes
   * after this point raises a fresh interrupt, so none goes unnoticed.
   */
  uint32 pending = reg_read(VIRTIO_MMIO_INTERRUPT_STATUS);
  reg_write(VIRTIO_MMIO_INTERRUPT_ACK,
            pending & (VIRTIO_INT_USED_RING | VIRTIO_INT_CONFIG_CHANGE));

  while (disk.used_seen != disk.used->idx) {
    /* Read the entry only after seeing the idx that covers it. */
    __sync_synchronize();
    uint32 id = disk.used->ring[disk.used_seen % disk.qsize].id;
    if (id >= disk.qsize || disk.req[id].b == 0)
      panic("virtio_blk_intr: device finished unknown chain %u (qsize %u)",
            id, disk.qsize);
    struct disk_req *req = &disk.req[id];
    /* A failed request (req->status) is virtio_blk_rw's to report. */
    req->b->disk = 0;
    proc_wakeup(req->b);
    disk.used_seen++;
  }

  spin_release(&disk.lock);
}

unsigned long virtio_blk_nblocks(void)
{
  return disk.capacity / SECTORS_PER_BLOCK;
}
