/*
 * kalloc.c: the physical page allocator (kernel/mm/kalloc.h).
 *
 * Free memory is two things, both guarded by kmem_lock: a list of pages
 * that have been freed (threaded through the pages themselves), and the
 * range of pages never handed out yet, [ram_lo, untouched). kalloc takes
 * from the list first. Keeping the untouched range as a range, instead of
 * threading every page of RAM onto the list at boot, makes boot time
 * independent of memory size: writing a link into each page of 1 GiB
 * took QEMU over a second. The range is handed out from the top down:
 * its low end, just above the kernel image, is the part of RAM the
 * kernel maps with 4 KiB pages rather than 2 MiB ones (vm.c's kmap_ram),
 * and pages there cost one more level of page walk at each TLB miss.
 *
 * A freed page is cleared at once, all but its first JUNK_BYTES, which
 * are filled with junk: a use after free of the object that began there
 * (its header, pointers and state) shows up quickly, and the link of the
 * free list sits there too. kalloc clears just those bytes again, so
 * every page it hands out is zero, and a page is cleared once per use,
 * not twice (junk when freed, zeros when next allocated): under QEMU,
 * clearing a page costs as much as the page fault that asked for it.
 *
 * Each page has a reference count (refs[], in the first pages of the
 * range, so it scales with RAM): kalloc hands a page out with one
 * reference, kalloc_share adds one (a copy-on-write fork maps the page in
 * a second address space), and kfree drops one, freeing the page with
 * the last. Counts change with atomic operations, not under kmem_lock:
 * a store fault on a shared page asks "am I the last?" without a lock.
 *
 * A page may also be kept (kalloc_keep): the cache of program text
 * (textcache.c) holds pages that no process maps at the moment but the
 * next one to run the program will. The mark is a bit in the count's
 * word, so that the last kfree and the end of keeping cannot both miss,
 * or both do, the freeing: whichever takes the word to zero frees.
 */
#include "kernel/mm/kalloc.h"
#include "kernel/memlayout.h"
#include "kernel/lib/printf.h"
#include "kernel/riscv.h"
#include "kernel/lib/spinlock.h"
#include "kernel/lib/string.h"

#define JUNK_FREED 0x5a
#define JUNK_BYTES 64   /* at the start of a free page; the rest is zero */

struct run {
  struct run *next;
};

static struct spinlock kmem_lock;
static struct run *freelist;   /* [kmem_lock] pages given back */
static uint64 nfreelist;       /* [kmem_lock] length of freelist */
static uint64 untouched;       /* [kmem_lock] end of the pages never handed out */
static uint64 ram_lo, ram_hi;  /* [I] kernel virtual bounds of pages we manage */
static uint32 *refs;           /* [atomic] references to each page in [ram_lo, ram_hi) */

#define REF_KEPT  (1u << 31)       /* in a refs[] word: kept (kalloc_keep) */
#define REF_COUNT (REF_KEPT - 1)   /* in a refs[] word: the mappings */

/* The reference count of the page at kernel address va. */
static uint32 *ref_of(uint64 va)
{
  if (va % PGSIZE != 0 || va < untouched || va >= ram_hi)
    panic("kalloc: bad page %p (allocated range %p-%p)", (void *)va, (void *)untouched,
          (void *)ram_hi);
  return &refs[(va - ram_lo) / PGSIZE];
}

void kalloc_init(uint64 pa_start, uint64 pa_end)
{
  spin_init(&kmem_lock, "kmem_lock");
  uint64 lo = (uint64)P2V(PGROUNDUP(pa_start));
  ram_hi = (uint64)P2V(PGROUNDDOWN(pa_end));
  /* The counts for every page from lo take the first pages; the pages
     managed start after them. A count is set when its page is handed
     out, so the array needs no clearing. */
  uint64 npages = (ram_hi - lo) / PGSIZE;
  refs = (uint32 *)lo;
  ram_lo = PGROUNDUP(lo + npages * sizeof(uint32));
  untouched = ram_hi;
}

/* Put a page with no references left on the free list. */
static void free_page(void *page)
{
  memset(page, JUNK_FREED, JUNK_BYTES);
  memset((char *)page + JUNK_BYTES, 0, PGSIZE - JUNK_BYTES);
  struct run *r = page;
  spin_acquire(&kmem_lock);
  r->next = freelist;
  freelist = r;
  nfreelist++;
  spin_release(&kmem_lock);
}

void kfree(void *page)
{
  uint32 was = __atomic_fetch_sub(ref_of((uint64)page), 1, __ATOMIC_ACQ_REL);
  if ((was & REF_COUNT) == 0)
    panic("kfree: page %p is already free (refs word %x)", page, was);
  if (was == 1)
    free_page(page); /* the last reference, and not kept */
}

void kalloc_keep(void *page, int keep)
{
  uint32 *ref = ref_of((uint64)page);
  if (keep) {
    __atomic_fetch_or(ref, REF_KEPT, __ATOMIC_RELAXED);
  } else if (__atomic_fetch_and(ref, ~REF_KEPT, __ATOMIC_ACQ_REL) == REF_KEPT) {
    free_page(page); /* kept, and mapped nowhere */
  }
}

void *kalloc(void)
{
  void *page = 0;
  int fresh = 0;
  spin_acquire(&kmem_lock);
  if (freelist) {
    page = freelist;
    freelist = freelist->next;
    nfreelist--;
  } else if (untouched > ram_lo) {
    untouched -= PGSIZE;
    page = (void *)untouched;
    fresh = 1;
  }
  spin_release(&kmem_lock);
  if (page == 0)
    return 0;
  /* A freed page is zero but for its first JUNK_BYTES; one never handed
     out holds whatever the RAM held. */
  memset(page, 0, fresh ? PGSIZE : JUNK_BYTES);
  __atomic_store_n(&refs[((uint64)page - ram_lo) / PGSIZE], 1, __ATOMIC_RELAXED);
  return page;
}

void kalloc_share(void *page)
{
  uint32 was = __atomic_fetch_add(ref_of((uint64)page), 1, __ATOMIC_RELAXED);
  if (was == 0)
    panic("kalloc_share: page %p is free", page);
  KASSERT((was & REF_COUNT) != REF_COUNT);
}

int kalloc_refs(void *page)
{
  return __atomic_load_n(ref_of((uint64)page), __ATOMIC_ACQUIRE) & REF_COUNT;
}

uint64 kalloc_nfree(void)
{
  spin_acquire(&kmem_lock);
  uint64 n = nfreelist + (untouched - ram_lo) / PGSIZE;
  spin_release(&kmem_lock);
  return n;
}

uint64 kalloc_nshared(void)
{
  spin_acquire(&kmem_lock);
  uint64 start = untouched;
  spin_release(&kmem_lock);
  uint64 n = 0;
  for (uint64 va = start; va < ram_hi; va += PGSIZE) {
    if ((__atomic_load_n(&refs[(va - ram_lo) / PGSIZE], __ATOMIC_RELAXED) & REF_COUNT) > 1)
      n++;
  }
  return n;
}

uint64 kalloc_npages(void)
{
  return (ram_hi - ram_lo) / PGSIZE;
}
