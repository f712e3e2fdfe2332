/*
 * riscv.h: Sv39 paging constants and page-table types, and the register
 * reads that work in user mode too.
 *
 * User programs written for xv6 include it for PGSIZE, MAXVA, PTE_* and
 * r_sp(), so this header holds only what is safe there: constants, types
 * and reads of sp, ra and the time counter (user mode may read `time`:
 * the kernel opens it in scounteren). The kernel's CSR accessors and
 * supervisor register bit names live in kernel/riscv/csr.h.
 */
#ifndef KERNEL_RISCV_H
#define KERNEL_RISCV_H

#define PGSIZE  4096  /* bytes per page */
#define PGSHIFT 12    /* bits of offset within a page */

#define PGROUNDUP(sz)  (((sz) + PGSIZE - 1) & ~(PGSIZE - 1))
#define PGROUNDDOWN(a) (((a)) & ~(PGSIZE - 1))

/* Page-table entry bits (privileged spec, section "Sv39"). */
#define PTE_V (1L << 0) /* valid */
#define PTE_R (1L << 1) /* readable */
#define PTE_W (1L << 2) /* writable */
#define PTE_X (1L << 3) /* executable */
#define PTE_U (1L << 4) /* user mode may access */
#define PTE_G (1L << 5) /* global: in every address space */
#define PTE_A (1L << 6) /* accessed */
#define PTE_D (1L << 7) /* dirty */

/* Physical address <-> page-table entry: the physical page number sits
   above the 10 flag bits. */
#define PTE_PPN_SHIFT 10
#define PA2PTE(pa) ((((uint64)(pa)) >> PGSHIFT) << PTE_PPN_SHIFT)
#define PTE2PA(pte) (((pte) >> PTE_PPN_SHIFT) << PGSHIFT)
#define PTE_FLAGS(pte) ((pte) & 0x3FF)

/* The three 9-bit page-table indexes of a virtual address; a table
   page holds PT_ENTRIES entries. */
#define PT_ENTRIES 512
#define PXMASK 0x1FF
#define PXSHIFT(level) (PGSHIFT + (9 * (level)))
#define PX(level, va) ((((uint64)(va)) >> PXSHIFT(level)) & PXMASK)

/*
 * User addresses are the lower half of Sv39: 0 up to MAXVA. The kernel
 * lives in the upper half (see kernel/memlayout.h), so the two never meet.
 */
#define MAXVA (1L << (9 + 9 + 9 + 12 - 1))

#ifndef __ASSEMBLER__
#include "kernel/types.h"

typedef uint64 pte_t;
typedef uint64 *pagetable_t; /* 512 PTEs */

/* The stack pointer: xv6 programs find their stack page with it. */
static inline uint64 r_sp(void)
{
  uint64 x;
  asm volatile("mv %0, sp" : "=r"(x));
  return x;
}

/* The return address register. */
static inline uint64 r_ra(void)
{
  uint64 x;
  asm volatile("mv %0, ra" : "=r"(x));
  return x;
}

/* The time counter: 10 MHz on QEMU's virt machine (its device tree's
   timebase-frequency). */
static inline uint64 r_time(void)
{
  uint64 x;
  asm volatile("rdtime %0" : "=r"(x));
  return x;
}
#endif

#endif
