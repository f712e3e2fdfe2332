/*
 * kalloc.h: the physical page allocator.
 *
 * All RAM that the kernel image, OpenSBI and the device tree do not use is
 * handed out one 4096-byte page at a time. Pages are returned as kernel
 * virtual addresses (in the direct map, see memlayout.h). A page may be
 * shared (copy-on-write fork): it is freed when its last reference is.
 */
#ifndef KERNEL_MM_KALLOC_H
#define KERNEL_MM_KALLOC_H

#include "kernel/types.h"

void kalloc_init(uint64 pa_start, uint64 pa_end);
void *kalloc(void);        /* a page of zeros; 0 if none is free */
void kfree(void *page);    /* drop a reference to a page from kalloc; the last frees it */
void kalloc_share(void *page); /* one more reference to an allocated page */
int kalloc_refs(void *page);   /* how many references it has */
/* Keep the page (keep = 1) even when its last reference goes, or stop
   keeping it (keep = 0), which frees it if nothing references it. */
void kalloc_keep(void *page, int keep);
uint64 kalloc_nshared(void); /* pages with more than one reference now */
uint64 kalloc_nfree(void); /* pages free now */
uint64 kalloc_npages(void); /* pages managed, free or not */

#endif
