/*
 * vm.c: Sv39 page tables (kernel/mm/vm.h).
 *
 * The kernel's page table maps, in the upper half, all of RAM and the
 * devices at KERNEL_VA_BASE + physical address (text read/execute, rodata
 * read-only, the rest read/write and in 2 MiB megapages where whole ones
 * fit (kmap_ram), all supervisor-only and global), plus
 * each process's kernel stack with an unmapped guard page below it.
 * A user page table starts as a copy of the kernel's upper-half root
 * entries, so those lower-level tables are shared by every address space
 * and a trap never changes satp. The lower half (0 .. MAXVA) holds the
 * process's own pages, all with PTE_U.
 *
 * Page-table pages come from kalloc; the kernel reaches any physical page,
 * including user pages, through the direct map (P2V), so no user mapping
 * is ever dereferenced directly: copyin/copyout walk the table and check
 * the permission bits the way the hardware would for user mode.
 *
 * Copy-on-write: fork maps the parent's pages into the child instead of
 * copying them (vm_user_copy). A writable page becomes read-only in both,
 * marked PTE_COW, with one more reference (kalloc_share). The first store
 * to it, from the user (a store page fault) or from the kernel
 * (vm_copyout), goes through vm_cow_break: if others still map the page,
 * the writer gets a copy of its own; if it holds the last reference, it
 * just takes the page back writable. Read-only pages (text) are shared
 * the same way without PTE_COW: a store to them is a real fault.
 *
 * User pages are made when first touched (fault.c decides what a missing
 * page should hold); the copy routines ask it for a missing page just as
 * the hardware's fault would.
 */
#include "kernel/mm/vm.h"
#include "kernel/errno.h"
#include "kernel/mm/fault.h"
#include "kernel/mm/kalloc.h"
#include "kernel/memlayout.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/string.h"
#include "kernel/riscv/csr.h"
#include "kernel/param.h"
#include "kernel/proc/proc.h"
#include "kernel/lib/spinlock.h"
#include "kernel/lib/hot.h"

pagetable_t kernel_pagetable;

#define MEGAPAGE (1UL << PXSHIFT(1)) /* what a level-1 leaf maps: 2 MiB */

/* Root-table index where the upper half starts. */
#define ROOT_KERNEL_FIRST PX(2, KERNEL_VA_BASE)

extern char etext[];   /* kernel.ld: end of text */
extern char erodata[]; /* kernel.ld: end of read-only data */

static void asid_probe(void);
static inline pte_t *walk_to(pagetable_t pt, uint64 va, int leaf, int alloc);

static void kmap(uint64 pa, uint64 size, int perm)
{
  if (vm_map(kernel_pagetable, (uint64)P2V(pa), size, pa, perm | PTE_G) < 0)
    panic("kmap: out of memory mapping pa %p", (void *)pa);
}

/*
 * Map RAM from pa to end read/write, with 2 MiB megapages wherever a
 * whole aligned one fits and 4 KiB pages at the ragged ends. A TLB miss
 * on a megapage walks two levels of table instead of three: under QEMU
 * every page touched after a switch misses (kernel/lib/hot.h), and most
 * of what the kernel touches then (struct proc, pipes, page tables, the
 * user's pages through the direct map) lies here.
 */
static void kmap_ram(uint64 pa, uint64 end)
{
  uint64 first = (pa + MEGAPAGE - 1) & ~(MEGAPAGE - 1), last = end & ~(MEGAPAGE - 1);
  if (first >= last) {
    kmap(pa, end - pa, PTE_R | PTE_W);
    return;
  }
  if (pa < first)
    kmap(pa, first - pa, PTE_R | PTE_W);
  for (uint64 a = first; a < last; a += MEGAPAGE) {
    pte_t *pte = walk_to(kernel_pagetable, (uint64)P2V(a), 1, 1);
    if (pte == 0)
      panic("kmap_ram: out of memory");
    KASSERT((*pte & PTE_V) == 0);
    *pte = PA2PTE(a) | PTE_R | PTE_W | PTE_G | PTE_V | PTE_A | PTE_D;
  }
  if (last < end)
    kmap(last, end - last, PTE_R | PTE_W);
}

void vm_kernel_init(uint64 ram_end)
{
  kernel_pagetable = kalloc();
  KASSERT(kernel_pagetable);

  kmap(TESTDEV, PGSIZE, PTE_R | PTE_W);
  kmap(PLIC, PLIC_SIZE, PTE_R | PTE_W);
  kmap(UART0, PGSIZE, PTE_R | PTE_W);
  kmap(VIRTIO0, VIRTIO_SLOTS * VIRTIO_SLOT_SIZE, PTE_R | PTE_W);

  uint64 text_end = V2P(etext), rodata_end = V2P(erodata);
  kmap(KERNEL_LOAD, text_end - KERNEL_LOAD, PTE_R | PTE_X);
  kmap(text_end, rodata_end - text_end, PTE_R);
  kmap_ram(rodata_end, ram_end);
  asid_probe();
}

/*
 * The table each hart has in satp. A hart leaves a process's table loaded
 * after the process leaves it, until it runs another or goes idle: under
 * QEMU every satp write (and sfence.vma) throws away the whole software
 * TLB, so a switch from one process to the next writes satp once, not
 * twice through the kernel's table, and a process that gets its hart
 * back writes it not at all. The price: a table may still be loaded on a
 * hart that is between processes when its owner frees it, so
 * vm_user_free waits for every hart to have moved on (unloaded).
 */
static pagetable_t loaded[NCPU] HOT_DATA; /* [atomic] written by its own hart */
static uint64 loaded_satp[NCPU] HOT_DATA; /* [c] what this hart's satp holds */

/*
 * Address space identifiers: a TLB entry is tagged with the ASID of the
 * table it came from, so a hart need not flush its TLB (sfence.vma) on
 * every switch, only when it may hold entries that are wrong for the
 * table it loads. Each user table is handed an ASID from a counter; when
 * the counter runs out a new generation starts, every table gets a fresh
 * one when next loaded, and each hart flushes once as it first loads a
 * table of the new generation (hart_gen). The kernel's table is ASID 0.
 * (QEMU empties its software TLB on every satp write anyway; what ASIDs
 * save here is the sfence.vma's second emptying.)
 */
static struct spinlock asid_lock HOT_DATA;
static uint64 asid_max HOT_DATA;      /* [I] largest ASID the hart keeps, 0 if none */
static uint64 asid_gen HOT_DATA = 1;  /* [asid_lock] (read unlocked) the generation being handed out */
static uint64 asid_next HOT_DATA = 1; /* [asid_lock] the next ASID of it */
static uint64 hart_gen[NCPU] HOT_DATA; /* [c] the generation this hart last flushed for */

/* Find how many ASID bits the hart has: write all ones, read back. */
static void asid_probe(void)
{
  spin_init(&asid_lock, "asid_lock");
  uint64 satp = CSR_READ(satp);
  CSR_WRITE(satp, satp | SATP_ASID_MASK);
  asid_max = (CSR_READ(satp) & SATP_ASID_MASK) >> SATP_ASID_SHIFT;
  CSR_WRITE(satp, satp);
  sfence_vma();
}

/* Load satp value s on this hart (interrupts off), then flush if asked. */
static void load(int hart, pagetable_t pt, uint64 s, int flush)
{
  if (loaded_satp[hart] != s) {
    CSR_WRITE(satp, s);
    loaded_satp[hart] = s;
    __atomic_store_n(&loaded[hart], pt, __ATOMIC_RELEASE);
  }
  if (flush)
    sfence_vma();
}

void vm_switch(pagetable_t pt)
{
  intr_push();
  load(cpuid(), pt, MAKE_SATP(V2P(pt)), 1);
  intr_pop();
}

/* The satp value for user table pt with its ASID. */
static uint64 user_satp(pagetable_t pt, const struct vm_asid *asid)
{
  return MAKE_SATP(V2P(pt)) | ((uint64)asid->id << SATP_ASID_SHIFT);
}

HOT void vm_switch_user(pagetable_t pt, struct vm_asid *asid, int last_here)
{
  intr_push();
  int hart = cpuid();
  if (asid_max == 0) {
    /* No ASIDs: flush unless this is the table still loaded, of a
       process that last ran here (only the process itself changes its
       table, fencing as it does, so nothing here is stale). */
    uint64 s = MAKE_SATP(V2P(pt));
    load(hart, pt, s, !(last_here && loaded_satp[hart] == s));
    intr_pop();
    return;
  }
  /* The common case needs no lock: the table has an ASID of the current
     generation, which this hart has already flushed for, and last ran
     here. If a new generation starts as we look, this hart flushes when
     it next loads a table (hart_gen is behind), before any table of the
     new generation can reuse our ASID here. */
  uint64 gen = __atomic_load_n(&asid_gen, __ATOMIC_ACQUIRE);
  if (last_here && asid->gen == gen && hart_gen[hart] == gen) {
    load(hart, pt, user_satp(pt, asid), 0);
    intr_pop();
    return;
  }
  spin_acquire(&asid_lock);
  if (asid->gen != asid_gen) {
    if (asid_next > asid_max) {
      __atomic_store_n(&asid_gen, asid_gen + 1, __ATOMIC_RELEASE); /* read unlocked above */
      asid_next = 1;
    }
    asid->id = asid_next++;
    asid->gen = asid_gen;
  }
  /* A new generation: this hart may hold entries of its ASIDs' old owners. */
  int flush = hart_gen[hart] != asid_gen;
  hart_gen[hart] = asid_gen;
  spin_release(&asid_lock);
  /* Entries this hart has for the ASID may be stale if the process ran
     elsewhere since, and changed its table there. */
  if (!last_here)
    flush = 1;
  load(hart, pt, user_satp(pt, asid), flush);
  intr_pop();
}

/* Wait until no hart has pt in satp: each is between two processes for a
   moment at most (the scheduler switches before it runs one, or goes
   idle on the kernel's table; it may take an interrupt meanwhile, whose
   handler may want any spinlock, so the caller must hold none). */
static void unloaded(pagetable_t pt)
{
  KASSERT(spin_none_held());
  for (int hart = 0; hart < NCPU; hart++) {
    while (__atomic_load_n(&loaded[hart], __ATOMIC_ACQUIRE) == pt)
      ;
  }
}

/* Switch this hart from the boot page table to the kernel's. */
void vm_kernel_inithart(void)
{
  vm_switch(kernel_pagetable);
}

/*
 * The address of the PTE for va at level `leaf` (0 for a page, 1 for a
 * megapage), creating the tables above it if alloc is set. Returns 0 if
 * a table is missing (or cannot be allocated).
 */
static inline pte_t *walk_to(pagetable_t pt, uint64 va, int leaf, int alloc)
{
  for (int level = 2; level > leaf; level--) {
    pte_t *pte = &pt[PX(level, va)];
    if (*pte & PTE_V) {
      KASSERT((*pte & (PTE_R | PTE_W | PTE_X)) == 0); /* no superpages here */
      pt = P2V(PTE2PA(*pte));
    } else {
      if (!alloc)
        return 0;
      pagetable_t next = kalloc();
      if (next == 0)
        return 0;
      *pte = PA2PTE(V2P(next)) | PTE_V;
      pt = next;
    }
  }
  return &pt[PX(leaf, va)];
}

HOT pte_t *vm_walk(pagetable_t pt, uint64 va, int alloc)
{
  return walk_to(pt, va, 0, alloc);
}

/* Map [va, va+size) to [pa, ...). Returns 0 or -ENOMEM (pages already
   mapped stay mapped; the caller unwinds). */
int vm_map(pagetable_t pt, uint64 va, uint64 size, uint64 pa, int perm)
{
  KASSERT(va % PGSIZE == 0 && size % PGSIZE == 0 && size > 0);
  for (uint64 off = 0; off < size; off += PGSIZE) {
    pte_t *pte = vm_walk(pt, va + off, 1);
    if (pte == 0)
      return -ENOMEM;
    if (*pte & PTE_V)
      panic("vm_map: va %p already mapped (pte %p)", (void *)(va + off), (void *)*pte);
    *pte = PA2PTE(pa + off) | perm | PTE_V | PTE_A | PTE_D;
  }
  return 0;
}

/* Page-table pages freed since boot: a process's vm_leaf found before
   the last free may point into a freed table. [atomic] */
static uint64 tables_freed HOT_DATA;

static void free_table(pagetable_t t)
{
  __atomic_add_fetch(&tables_freed, 1, __ATOMIC_RELEASE);
  kfree(t);
}

/*
 * The valid user PTE for va, or 0. For the calling process's own table
 * the leaf table found last time is used again when va is in the same
 * 2 MiB and no table page has been freed since: after a switch, the root
 * and middle tables are two pages fewer for QEMU to look up
 * (kernel/lib/hot.h). Only the process changes its own table, so the
 * leaf cannot go away under it between the check and the use.
 */
HOT static pte_t *user_pte(pagetable_t pt, uint64 va)
{
  if (va >= MAXVA)
    return 0;
  struct proc *p = myproc();
  struct vm_leaf *c = p != 0 && p->pagetable == pt ? &p->leaf : 0;
  uint64 region = va >> PXSHIFT(1);
  uint64 gen = __atomic_load_n(&tables_freed, __ATOMIC_ACQUIRE);
  pte_t *pte;
  if (c && c->pt == pt && c->region == region && c->gen == gen) {
    pte = &c->leaf[PX(0, va)];
  } else {
    pte = vm_walk(pt, va, 0);
    if (pte && c) {
      c->pt = pt;
      c->region = region;
      c->leaf = (pte_t *)PGROUNDDOWN((uint64)pte);
      c->gen = gen;
    }
  }
  if (pte == 0 || (*pte & (PTE_V | PTE_U)) != (PTE_V | PTE_U))
    return 0;
  return pte;
}

uint64 vm_lookup(pagetable_t pt, uint64 va)
{
  pte_t *pte = user_pte(pt, va);
  return pte ? PTE2PA(*pte) : 0;
}

pagetable_t vm_user_create(void)
{
  pagetable_t pt = kalloc();
  if (pt == 0)
    return 0;
  for (int i = ROOT_KERNEL_FIRST; i < PT_ENTRIES; i++)
    pt[i] = kernel_pagetable[i];
  return pt;
}

/*
 * The first mapped page at or above *vap and below end: its PTE, with its
 * address in *vap; or 0. Spans with no page table below them are skipped
 * whole, so a sparse address space (a heap reserved by sbrk but barely
 * touched) costs what is mapped, not what is reserved.
 */
static pte_t *next_mapped(pagetable_t pt, uint64 *vap, uint64 end)
{
  uint64 va = *vap;
  while (va < end) {
    pagetable_t t = pt;
    int level = 2;
    for (; level > 0; level--) {
      pte_t e = t[PX(level, va)];
      if ((e & PTE_V) == 0)
        break;
      t = P2V(PTE2PA(e));
    }
    if (level > 0) {
      uint64 span = 1UL << PXSHIFT(level); /* what the missing table would map */
      va = (va & ~(span - 1)) + span;
      continue;
    }
    pte_t *pte = &t[PX(0, va)];
    if (*pte & PTE_V) {
      *vap = va;
      return pte;
    }
    va += PGSIZE;
  }
  return 0;
}

/* Unmap the user pages in [start, end) that are mapped, freeing them.
   Returns how many there were. */
static uint64 unmap_range(pagetable_t pt, uint64 start, uint64 end)
{
  uint64 n = 0;
  pte_t *pte;
  for (uint64 va = PGROUNDUP(start); (pte = next_mapped(pt, &va, end)) != 0; va += PGSIZE) {
    kfree(P2V(PTE2PA(*pte)));
    *pte = 0;
    n++;
  }
  return n;
}

/* Is this page-table page all invalid entries? */
static int table_empty(pagetable_t t)
{
  for (int i = 0; i < PT_ENTRIES; i++) {
    if (t[i] & PTE_V)
      return 0;
  }
  return 1;
}

/*
 * Free the lower-half page-table pages that map nothing any more, after
 * pages were unmapped, so that a failed or undone allocation gives back
 * every page it took.
 */
static void prune_tables(pagetable_t pt)
{
  for (int i = 0; i < ROOT_KERNEL_FIRST; i++) {
    if ((pt[i] & PTE_V) == 0)
      continue;
    pagetable_t l1 = P2V(PTE2PA(pt[i]));
    for (int j = 0; j < PT_ENTRIES; j++) {
      if ((l1[j] & PTE_V) == 0)
        continue;
      pagetable_t l0 = P2V(PTE2PA(l1[j]));
      if (table_empty(l0)) {
        free_table(l0);
        l1[j] = 0;
      }
    }
    if (table_empty(l1)) {
      free_table(l1);
      pt[i] = 0;
    }
  }
}

/*
 * Grow a user address space from oldsz to newsz with zeroed pages of
 * permission perm (plus R and U). Returns newsz, or 0 if memory ran out,
 * in which case nothing new stays mapped.
 */
uint64 vm_user_alloc(pagetable_t pt, uint64 oldsz, uint64 newsz, int perm)
{
  if (newsz <= oldsz)
    return oldsz;
  if (newsz > MAXVA)
    return 0;
  for (uint64 va = PGROUNDUP(oldsz); va < newsz; va += PGSIZE) {
    void *page = kalloc();
    if (page == 0 || vm_map(pt, va, PGSIZE, V2P(page), perm | PTE_R | PTE_U) < 0) {
      if (page)
        kfree(page);
      unmap_range(pt, oldsz, va);
      prune_tables(pt);
      return 0;
    }
  }
  return newsz;
}

/* Unmap (and free) the pages of [newsz, oldsz) that are mapped. Returns
   how many there were. */
uint64 vm_user_dealloc(pagetable_t pt, uint64 oldsz, uint64 newsz)
{
  if (newsz >= oldsz)
    return 0;
  uint64 n = unmap_range(pt, newsz, PGROUNDUP(oldsz));
  prune_tables(pt);
  sfence_vma();
  return n;
}

/* Free the lower-half page-table pages below `pt` at this level. */
static void free_tables(pagetable_t pt, int level, int first, int last)
{
  for (int i = first; i < last; i++) {
    pte_t pte = pt[i];
    if ((pte & PTE_V) == 0)
      continue;
    KASSERT((pte & (PTE_R | PTE_W | PTE_X)) == 0); /* leaves were unmapped first */
    pagetable_t next = P2V(PTE2PA(pte));
    if (level > 1)
      free_tables(next, level - 1, 0, PT_ENTRIES);
    else if (!table_empty(next))
      panic("vm_user_free: user pages beyond sz are still mapped (level-1 index %d)", i);
    free_table(next);
    pt[i] = 0;
  }
}

/* Free a user address space of size sz: its pages, then its tables,
   once no hart has it loaded. */
void vm_user_free(pagetable_t pt, uint64 sz)
{
  unloaded(pt);
  unmap_range(pt, 0, PGROUNDUP(sz));
  free_tables(pt, 2, 0, ROOT_KERNEL_FIRST);
  free_table(pt);
}

/* Share the mapped user pages of [0, sz) of `from` with `to` (fork),
   copy-on-write. `from` must be this hart's current address space (its
   PTEs lose PTE_W). Returns how many pages are now shared, or -ENOMEM
   with nothing left mapped in `to` (pages of `from` made copy-on-write
   stay so: harmless). */
int64 vm_user_copy(pagetable_t from, pagetable_t to, uint64 sz)
{
  int64 n = 0, err = 0;
  pte_t *pte;
  for (uint64 va = 0; (pte = next_mapped(from, &va, sz)) != 0; va += PGSIZE) {
    KASSERT(*pte & PTE_U);
    if (*pte & PTE_W)
      *pte = (*pte & ~PTE_W) | PTE_COW;
    void *page = P2V(PTE2PA(*pte));
    if (vm_map(to, va, PGSIZE, V2P(page), PTE_FLAGS(*pte) & ~(PTE_V | PTE_A | PTE_D)) < 0) {
      err = -ENOMEM;
      break;
    }
    kalloc_share(page);
    n++;
  }
  sfence_vma(); /* this hart may hold `from`'s old writable entries */
  if (err) {
    unmap_range(to, 0, sz);
    prune_tables(to);
    return err;
  }
  return n;
}

int vm_cow_break(pagetable_t pt, uint64 va, int *copied)
{
  pte_t *pte = user_pte(pt, PGROUNDDOWN(va));
  if (pte == 0 || (*pte & PTE_COW) == 0)
    return -EFAULT;
  void *page = P2V(PTE2PA(*pte));
  uint64 flags = (PTE_FLAGS(*pte) & ~PTE_COW) | PTE_W;
  *copied = 0;
  if (kalloc_refs(page) > 1) {
    /* Others map it: write to a copy of our own. (If they all let go
       meanwhile, the copy was not needed but is still right.) */
    void *mine = kalloc();
    if (mine == 0)
      return -ENOMEM;
    memmove(mine, page, PGSIZE);
    *pte = PA2PTE(V2P(mine)) | flags;
    kfree(page);
    *copied = 1;
  } else {
    *pte = PA2PTE(V2P(page)) | flags; /* the last reference: take it back */
  }
  sfence_vma_va(PGROUNDDOWN(va));
  return 0;
}

/*
 * The PTE of user page va0 of pt, ready for the kernel to read it or
 * (write set) write it: a page not there yet, or shared copy-on-write, is
 * brought in or copied exactly as the user's own access would
 * (mm_copy_fault). Returns 0 with the error in *err.
 */
static pte_t *copy_pte(pagetable_t pt, uint64 va0, int write, int *err)
{
  pte_t *pte = user_pte(pt, va0);
  if (pte == 0 || (write && (*pte & PTE_W) == 0)) {
    *err = mm_copy_fault(pt, va0, write);
    if (*err < 0)
      return 0;
    pte = user_pte(pt, va0);
    KASSERT(pte && (!write || (*pte & PTE_W)));
  }
  return pte;
}

HOT int vm_copyout(pagetable_t pt, uint64 dstva, const void *src, uint64 len)
{
  const char *s = src;
  while (len > 0) {
    uint64 va0 = PGROUNDDOWN(dstva);
    int err;
    pte_t *pte = copy_pte(pt, va0, 1, &err);
    if (pte == 0)
      return err;
    uint64 n = PGSIZE - (dstva - va0);
    if (n > len)
      n = len;
    memmove((char *)P2V(PTE2PA(*pte)) + (dstva - va0), s, n);
    len -= n;
    s += n;
    dstva = va0 + PGSIZE;
  }
  return 0;
}

HOT int vm_copyin(pagetable_t pt, void *dst, uint64 srcva, uint64 len)
{
  char *d = dst;
  while (len > 0) {
    uint64 va0 = PGROUNDDOWN(srcva);
    int err;
    pte_t *pte = copy_pte(pt, va0, 0, &err);
    if (pte == 0)
      return err;
    uint64 n = PGSIZE - (srcva - va0);
    if (n > len)
      n = len;
    memmove(d, (char *)P2V(PTE2PA(*pte)) + (srcva - va0), n);
    len -= n;
    d += n;
    srcva = va0 + PGSIZE;
  }
  return 0;
}

/* Copy a NUL-terminated string of at most max bytes (including the NUL).
   Returns its length, -EFAULT, or -ENAMETOOLONG if no NUL came in time. */
int vm_copyinstr(pagetable_t pt, char *dst, uint64 srcva, uint64 max)
{
  uint64 copied = 0;
  while (copied < max) {
    uint64 va0 = PGROUNDDOWN(srcva);
    int err;
    pte_t *pte = copy_pte(pt, va0, 0, &err);
    if (pte == 0)
      return err;
    const char *p = (const char *)P2V(PTE2PA(*pte)) + (srcva - va0);
    uint64 n = PGSIZE - (srcva - va0);
    for (; n > 0 && copied < max; n--, copied++, srcva++) {
      dst[copied] = *p++;
      if (dst[copied] == '\0')
        return copied;
    }
  }
  return -ENAMETOOLONG;
}
