/*
 * kalloc.c: the physical page allocator (kernel/mm/kalloc.h).
 *
 * Free memory is two things, both guarded by kmem_lock: a list of pages
 * that have been freed (threaded through the pages themselves), and the
 * range of pages never handed out yet, [untouched, ram_hi). kalloc takes
 * from the list first. Keeping the untouched range as a range, instead of
 * threading every page of RAM onto the list at boot, makes boot time
 * independent of memory size: writing a link into each page of 1 GiB
 * took QEMU over a second. Freed pages are filled with junk so that use
 * after free shows up quickly.
 */
#include "kernel/mm/kalloc.h"
#include "kernel/memlayout.h"
#include "kernel/lib/printf.h"
#include "kernel/riscv.h"
#include "kernel/lib/spinlock.h"
#include "kernel/lib/string.h"

#define JUNK_FREED 0x5a

struct run {
  struct run *next;
};

static struct spinlock kmem_lock;
static struct run *freelist;   /* [kmem_lock] pages given back */
static uint64 nfreelist;       /* [kmem_lock] length of freelist */
static uint64 untouched;       /* [kmem_lock] first page never handed out */
static uint64 ram_lo, ram_hi;  /* [I] kernel virtual bounds of pages we manage */

void kalloc_init(uint64 pa_start, uint64 pa_end)
{
  spin_init(&kmem_lock, "kmem_lock");
  ram_lo = (uint64)P2V(PGROUNDUP(pa_start));
  ram_hi = (uint64)P2V(PGROUNDDOWN(pa_end));
  untouched = ram_lo;
}

void kfree(void *page)
{
  uint64 va = (uint64)page;
  if (va % PGSIZE != 0 || va < ram_lo || va >= untouched)
    panic("kfree: bad page %p (allocated range %p-%p)", page, (void *)ram_lo, (void *)untouched);
  memset(page, JUNK_FREED, PGSIZE);
  struct run *r = page;
  spin_acquire(&kmem_lock);
  r->next = freelist;
  freelist = r;
  nfreelist++;
  spin_release(&kmem_lock);
}

void *kalloc(void)
{
  void *page = 0;
  spin_acquire(&kmem_lock);
  if (freelist) {
    page = freelist;
    freelist = freelist->next;
    nfreelist--;
  } else if (untouched < ram_hi) {
    page = (void *)untouched;
    untouched += PGSIZE;
  }
  spin_release(&kmem_lock);
  return page;
}

void *kalloc_zeroed(void)
{
  void *p = kalloc();
  if (p)
    memset(p, 0, PGSIZE);
  return p;
}

uint64 kalloc_nfree(void)
{
  spin_acquire(&kmem_lock);
  uint64 n = nfreelist + (ram_hi - untouched) / PGSIZE;
  spin_release(&kmem_lock);
  return n;
}
