/*
 * fault.c: page faults in user memory (kernel/mm/fault.h).
 *
 * The path of a fault, as a reader would follow it: the hart traps to
 * usertrap (kernel/riscv/trap.c) with scause saying load, store or
 * instruction fetch and stval the address; usertrap calls mm_fault, and
 * serve() below asks what the address is:
 *
 *   a mapped page       a store to a copy-on-write page: vm_cow_break
 *                       copies it (or takes back the last reference); an
 *                       access the PTE allows is a fault on a translation
 *                       the hart had not yet seen become valid (the
 *                       privileged spec lets a hart cache the invalid
 *                       one until sfence.vma): fence, and run it again;
 *                       any other access the hardware refused is an error
 *   a program segment   read-only pages come from the text cache or are
 *                       read from the file and offered to it (shared by
 *                       everyone running the program); writable ones are
 *                       read into a page of the process's own; both are
 *                       zero past the file's bytes (bss)
 *   the stack region    a zeroed page (anywhere down to the limit, not
 *                       only near sp: GCC may store into a new frame
 *                       before it moves sp down to it)
 *   the heap            a zeroed page, if below the break (p->sz); if the
 *                       page below it is there too, the heap is being
 *                       filled in order, and the next FAULT_AROUND - 1
 *                       pages not there yet come with it (heap_around)
 *   anything else       -EFAULT: usertrap prints "segmentation fault"
 *                       and kills the process
 *
 * Serving needs a free page (and up to two more for page tables, kept
 * until exit); without them the process dies with "out of memory", and
 * only it. Reading a program page sleeps on the disk,
 * so a kernel copy under a lock cannot do it (mm_copy_fault refuses) and
 * the system calls that copy under locks call mm_prefault first.
 */
#include "kernel/errno.h"
#include "kernel/memlayout.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/spinlock.h"
#include "kernel/lib/string.h"
#include "kernel/mm/fault.h"
#include "kernel/mm/kalloc.h"
#include "kernel/mm/textcache.h"
#include "kernel/mm/uspace.h"
#include "kernel/mm/vm.h"
#include "kernel/proc/proc.h"
#include "kernel/riscv/csr.h"
#include "kernel/fs/inode.h"
#include "kernel/lib/hot.h"

enum access { ACCESS_READ, ACCESS_WRITE, ACCESS_EXEC };

/* Fill page, fresh from kalloc (so zero), with the len bytes segment s
   holds at page address va. Sleeps. */
static int read_segment_page(struct segment *s, uint64 va, void *page, uint len)
{
  if (len == 0)
    return 0;
  inode_lock(s->ip);
  int n = inode_read(s->ip, 0, (uint64)page, s->off + (va - s->start), len);
  inode_unlock(s->ip);
  if (n != (int)len) {
    printf("fs: program file inode %u: read %d of %u bytes at offset %lu\n", s->ip->inum, n,
           len, s->off + (va - s->start));
    return -EIO;
  }
  return 0;
}

/* Map a page of segment s at page address va. */
static int segment_page(struct proc *p, struct segment *s, uint64 va, int may_sleep)
{
  uint64 inseg = va - s->start;
  uint len = inseg >= s->filesz ? 0 : (s->filesz - inseg < PGSIZE ? s->filesz - inseg : PGSIZE);
  int perm = s->perm | PTE_R | PTE_U;
  if (len > 0 && !may_sleep)
    return -EFAULT;
  struct textkey key = { s->ip, s->gen, s->off + inseg, len };
  int shared = (s->perm & PTE_W) == 0 && len > 0;
  void *page = shared ? textcache_get(&key) : 0;
  if (page == 0) {
    page = kalloc();
    if (page == 0)
      return -ENOMEM;
    int r = read_segment_page(s, va, page, len);
    if (r < 0) {
      kfree(page);
      return r;
    }
    if (shared)
      page = textcache_put(&key, page);
  }
  if (vm_map(p->pagetable, va, PGSIZE, V2P(page), perm) < 0) {
    kfree(page);
    return -ENOMEM;
  }
  return 0;
}

/* Heap pages made together when the heap is filled in order: a program
   touching its new heap page by page pays one fault per 64 KiB, not
   per page. Sparse touches (a reserved gigabyte used here and there)
   still get a page each. */
#define FAULT_AROUND 16

static int zero_page(struct proc *p, uint64 va)
{
  void *page = kalloc();
  if (page == 0)
    return -ENOMEM;
  if (vm_map(p->pagetable, va, PGSIZE, V2P(page), PTE_R | PTE_W | PTE_U) < 0) {
    kfree(page);
    return -ENOMEM;
  }
  return 0;
}

/* Make the missing heap pages from va on, up to FAULT_AROUND - 1 of
   them, below the break and before the first page already there. Only an
   extra: it stops quietly when memory runs short. */
static void heap_around(struct proc *p, uint64 va)
{
  if (kalloc_nfree() < 2 * FAULT_AROUND)
    return; /* memory is short: the extras would only hasten running out */
  uint64 end = va + (FAULT_AROUND - 1) * PGSIZE;
  if (end > PGROUNDUP(p->sz))
    end = PGROUNDUP(p->sz);
  for (; va < end && vm_lookup(p->pagetable, va) == 0; va += PGSIZE) {
    if (zero_page(p, va) < 0)
      return;
    p->space.rss++;
  }
}

/* Serve an access to user address va of the current process p; see the
   top of the file. may_sleep: the caller holds no lock, so a page may be
   read from the program file. */
static int serve(struct proc *p, uint64 va, enum access access, int may_sleep)
{
  if (va >= MAXVA)
    return -EFAULT;
  uint64 va0 = PGROUNDDOWN(va);
  pte_t *pte = vm_walk(p->pagetable, va0, 0);
  if (pte && (*pte & PTE_V)) {
    int need = access == ACCESS_WRITE ? PTE_W : access == ACCESS_EXEC ? PTE_X : PTE_R;
    if ((*pte & PTE_U) && (*pte & need)) {
      sfence_vma_va(va0); /* a stale invalid translation: see the top */
      return 0;
    }
    if (access != ACCESS_WRITE || (*pte & PTE_COW) == 0)
      return -EFAULT; /* mapped, and the program may not use it so */
    int copied, r = vm_cow_break(p->pagetable, va0, &copied);
    if (r == 0) {
      p->faults++;
      p->cow_copies += copied;
    }
    return r;
  }

  struct uspace *us = &p->space;
  int r;
  struct segment *s = uspace_segment(us, va0);
  if (s) {
    if ((access == ACCESS_WRITE && !(s->perm & PTE_W)) || (access == ACCESS_EXEC && !(s->perm & PTE_X)))
      return -EFAULT;
    r = segment_page(p, s, va0, may_sleep);
  } else if (access != ACCESS_EXEC && va0 >= us->stack_lo && va0 < PGROUNDUP(p->sz)) {
    r = zero_page(p, va0); /* the stack, or the heap above it */
    if (r == 0 && may_sleep && va0 > us->stack_top && vm_lookup(p->pagetable, va0 - PGSIZE))
      heap_around(p, va0 + PGSIZE); /* not under a caller's locks: it takes time */
  } else {
    return -EFAULT;
  }
  if (r == 0) {
    us->rss++;
    p->faults++;
  }
  return r;
}

int mm_fault(uint64 scause, uint64 va)
{
  enum access access = scause == CAUSE_STORE_PAGE_FAULT   ? ACCESS_WRITE
                       : scause == CAUSE_FETCH_PAGE_FAULT ? ACCESS_EXEC
                                                          : ACCESS_READ;
  return serve(myproc(), va, access, 1);
}

int mm_copy_fault(pagetable_t pt, uint64 va, int write)
{
  struct proc *p = myproc();
  if (p == 0 || pt != p->pagetable)
    return -EFAULT; /* exec's new table: it maps what it copies to */
  int may_sleep = spin_none_held() && p->sleeplocks == 0;
  return serve(p, va, write ? ACCESS_WRITE : ACCESS_READ, may_sleep);
}

HOT void mm_prefault(uint64 va, uint64 len)
{
  struct proc *p = myproc();
  struct uspace *us = &p->space;
  uint64 end = va + len;
  if (end < va || end > MAXVA)
    end = MAXVA;
  for (int i = 0; i < us->nseg; i++) {
    struct segment *s = &us->seg[i];
    uint64 lo = va > s->start ? va : s->start;
    uint64 hi = end < s->start + s->filesz ? end : s->start + s->filesz;
    for (uint64 a = PGROUNDDOWN(lo); a < hi; a += PGSIZE) {
      if (vm_lookup(p->pagetable, a) == 0)
        serve(p, a, ACCESS_READ, 1);
    }
  }
}

void mm_exit(void)
{
  struct proc *p = myproc();
  vm_user_dealloc(p->pagetable, p->sz, 0);
  p->sz = 0;
  p->space.rss = 0;
  uspace_release(&p->space);
}
