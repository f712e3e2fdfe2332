/*
 * kalloc.c: the physical page allocator (kernel/kalloc.h).
 *
 * Free pages form a singly linked list threaded through the pages
 * themselves, guarded by kmem_lock. Freed pages are filled with junk so
 * that use after free shows up quickly.
 */
#include "kernel/kalloc.h"
#include "kernel/memlayout.h"
#include "kernel/printf.h"
#include "kernel/riscv.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"

#define JUNK_FREED 0x5a

struct run {
  struct run *next;
};

static struct spinlock kmem_lock;
static struct run *freelist; /* [kmem_lock] */
static uint64 nfree;         /* [kmem_lock] */
static uint64 ram_lo, ram_hi; /* [I] kernel virtual bounds of pages we manage */

static void push_page(void *page);

void kalloc_init(uint64 pa_start, uint64 pa_end)
{
  spin_init(&kmem_lock, "kmem_lock");
  ram_lo = (uint64)P2V(PGROUNDUP(pa_start));
  ram_hi = (uint64)P2V(PGROUNDDOWN(pa_end));
  /* No junk fill here: writing all of RAM would slow the boot for nothing. */
  for (uint64 p = ram_lo; p + PGSIZE <= ram_hi; p += PGSIZE)
    push_page((void *)p);
}

void kfree(void *page)
{
  uint64 va = (uint64)page;
  if (va % PGSIZE != 0 || va < ram_lo || va >= ram_hi)
    panic("kfree: bad page %p (managed range %p-%p)", page, (void *)ram_lo, (void *)ram_hi);
  memset(page, JUNK_FREED, PGSIZE);
  push_page(page);
}

static void push_page(void *page)
{
  struct run *r = page;
  spin_acquire(&kmem_lock);
  r->next = freelist;
  freelist = r;
  nfree++;
  spin_release(&kmem_lock);
}

void *kalloc(void)
{
  spin_acquire(&kmem_lock);
  struct run *r = freelist;
  if (r) {
    freelist = r->next;
    nfree--;
  }
  spin_release(&kmem_lock);
  return r;
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
  uint64 n = nfree;
  spin_release(&kmem_lock);
  return n;
}
