/*
 * vm.h: Sv39 page tables, the kernel's address space and user memory.
 *
 * Every user page table shares the kernel's upper-half mappings, so traps
 * and system calls run without changing satp. User memory is read and
 * written only through vm_copyin, vm_copyout and vm_copyinstr, which check
 * that every page is mapped, user-accessible and (for writes) writable;
 * a page not yet there, or copy-on-write, they bring in or copy first
 * (kernel/mm/fault.h), as the user's own access would.
 */
#ifndef KERNEL_MM_VM_H
#define KERNEL_MM_VM_H

#include "kernel/types.h"
#include "kernel/riscv.h"

extern pagetable_t kernel_pagetable;

/* A software bit (RSW): the page is shared copy-on-write, and writable
   once its own. */
#define PTE_COW (1L << 8)

void vm_kernel_init(uint64 ram_end);
void vm_kernel_inithart(void);
void vm_switch(pagetable_t pt); /* load pt into satp on this hart (and fence) */

/* A user table's address space identifier (vm.c): what a hart caches of
   one ASID survives switches to others. */
struct vm_asid {
  uint64 gen; /* the generation id was handed out in; 0: none yet */
  uint64 id;
};
/* The leaf table a process last reached for a user address of its own
   table: the next copy to or from it starts there, not at the root (vm.c:
   user_pte). [o] to the process. */
struct vm_leaf {
  pagetable_t pt; /* the table the leaf is of, or 0 */
  uint64 region;  /* the 2 MiB of addresses it maps: va >> PXSHIFT(1) */
  pte_t *leaf;    /* the level-0 table itself */
  uint64 gen;     /* page-table pages freed (in any table) when it was found */
};
/* Load a process's table on this hart; last_here: it last ran on this
   hart. Flushes the TLB only where entries may be stale. */
void vm_switch_user(pagetable_t pt, struct vm_asid *asid, int last_here);

pte_t *vm_walk(pagetable_t pt, uint64 va, int alloc);
int vm_map(pagetable_t pt, uint64 va, uint64 size, uint64 pa, int perm);
uint64 vm_lookup(pagetable_t pt, uint64 va); /* user page's physical address, or 0 */

pagetable_t vm_user_create(void);
uint64 vm_user_alloc(pagetable_t pt, uint64 oldsz, uint64 newsz, int perm);
/* Unmap the pages of [newsz, oldsz) there are; returns how many. */
uint64 vm_user_dealloc(pagetable_t pt, uint64 oldsz, uint64 newsz);
void vm_user_free(pagetable_t pt, uint64 sz);
/* fork: share the pages copy-on-write; returns how many, or -ENOMEM */
int64 vm_user_copy(pagetable_t from, pagetable_t to, uint64 sz);
/* Make the copy-on-write page at va in pt (this hart's) writable: a copy
   if others share it (*copied = 1), else the page itself. Returns 0,
   -EFAULT (not a copy-on-write page) or -ENOMEM. */
int vm_cow_break(pagetable_t pt, uint64 va, int *copied);

int vm_copyout(pagetable_t pt, uint64 dstva, const void *src, uint64 len);
int vm_copyin(pagetable_t pt, void *dst, uint64 srcva, uint64 len);
int vm_copyinstr(pagetable_t pt, char *dst, uint64 srcva, uint64 max);

#endif
