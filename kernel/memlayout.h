/*
 * memlayout.h: the physical memory map of QEMU's virt machine and the
 * kernel's virtual address layout.
 *
 * Physical (QEMU's virt machine, as QEMU 7.2 lays it out):
 *   0x00100000  test/power device ("sifive,test")
 *   0x0c000000  PLIC
 *   0x10000000  UART 16550
 *   0x10001000  virtio-mmio slots, one page each, 8 of them
 *   0x80000000  RAM (KERNBASE); OpenSBI owns the first 512 KiB
 *   0x80200000  the kernel (KERNEL_LOAD), where OpenSBI jumps
 *   PHYSTOP     the end of RAM on the default 128 MiB machine
 *
 * Virtual (Sv39):
 *   0 .. MAXVA                   user memory of the current process
 *   KERNEL_VA_BASE + pa          all of physical memory and the devices,
 *                                mapped in every address space, supervisor
 *                                only. The kernel image runs here too.
 *   KSTACK_BASE ..               kernel stacks with guard pages
 */
#ifndef KERNEL_MEMLAYOUT_H
#define KERNEL_MEMLAYOUT_H

#include "kernel/riscv.h" /* PGSIZE */

#define TESTDEV     0x00100000L
#define PLIC        0x0c000000L
#define PLIC_SIZE   0x00400000L
#define UART0       0x10000000L
#define UART0_IRQ   10
#define VIRTIO0     0x10001000L
#define VIRTIO_SLOTS 8
#define VIRTIO_SLOT_SIZE PGSIZE /* each slot's registers fill one page */
#define VIRTIO0_IRQ 1          /* slot k interrupts on IRQ 1 + k */

/*
 * RAM, with xv6's names and meaning, for programs written for xv6 (its
 * labs compute the RAM size as PHYSTOP - KERNBASE). The kernel itself
 * never uses PHYSTOP: it takes the size of RAM from the device tree, and
 * uses all of QEMU's -m.
 */
#define KERNBASE    0x80000000L                    /* start of RAM */
#define PHYSTOP     (KERNBASE + 128 * 1024 * 1024) /* its end on the default machine */

#define KERNEL_LOAD 0x80200000L  /* physical address the kernel is loaded and entered at */

/* Start of the upper half of Sv39, where the kernel maps physical memory. */
#define KERNEL_VA_BASE 0xFFFFFFC000000000L

/*
 * Kernel stacks: 2 * NPROC slots, each KSTACK_PAGES long with an unmapped
 * guard page below it so an overflow faults instead of silently
 * corrupting the neighbour. A slot's pages are mapped while a process
 * uses it (kernel/proc/ptable.c). They live apart from the direct map.
 */
#define KSTACK_BASE  0xFFFFFFF000000000L
#define KSTACK_PAGES 2
#define KSTACK_SIZE  (KSTACK_PAGES * PGSIZE)
#define KSTACK(i)    (KSTACK_BASE + ((i) * (KSTACK_PAGES + 1) + 1) * PGSIZE)

#ifndef __ASSEMBLER__
/* Convert between a physical address and the kernel's virtual alias. */
#define P2V(pa) ((void *)((uint64)(pa) + KERNEL_VA_BASE))
#define V2P(va) ((uint64)(va) - KERNEL_VA_BASE)
#endif

#endif
