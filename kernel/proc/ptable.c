/*
 * ptable.c: the process table. Where a process's own memory comes from,
 * and how a process is found: by pid, as a parent's child, as a member of
 * a process group, or in a walk over them all (ps, Ctrl-P).
 *
 * Nothing is set aside for a process that does not exist. proc_alloc
 * takes one page for the struct proc and its trapframe, a page-table
 * root, and a kernel stack in one of NPROC stack slots; proc_destroy
 * gives them back once the process is reaped. NPROC bounds how many
 * processes exist at once (fork then fails with EAGAIN).
 *
 * A process joins the lookup structures when fork commits to it
 * (ptable_link, which also makes it its parent's child) and leaves them
 * when it is reaped (ptable_unlink). Both, and every lookup, hold
 * wait_lock, which guards every p->parent already: a process found under
 * wait_lock cannot be freed before wait_lock is let go. No lookup scans
 * the whole table:
 *   - by pid: a hash of PTABLE_HASH buckets (proc_find);
 *   - a parent's children: its own list (p->children). Those with news
 *     for wait (a zombie, or a stop or continue to report) come before
 *     all the others, so that wait looks at those and no more: a child
 *     joins at the back, moves to the front when it has news, and to
 *     the back again when wait has taken a stop or continue;
 *   - a group's members: a hash by pgid (ptable_group_first/next);
 *   - all of them: one list in pid order (ptable_first/next).
 *
 * Kernel stack slots. Slot i is the virtual range KSTACK(i), with an
 * unmapped guard page below; its page-table pages are made at boot, so
 * every address space (which shares the kernel's upper half) sees a
 * stack mapped later. When a slot's pages are unmapped, another hart may
 * still hold their old translation: the mappings are global, so no satp
 * write drops them. A freed slot is therefore not reused until every
 * hart has flushed its TLB: freed slots wait on a list, and when no clean
 * slot is left, one flush of every hart makes them all clean again. There
 * are twice as many slots as processes (NSLOTS), so that is one flush per
 * NPROC forks or more, however many processes exist: with other harts
 * halted, a flush costs the IPIs that wake them.
 *
 * Locks: wait_lock (the lookup structures, tagged [w] in proc.h),
 * slot_lock (the slot lists; a leaf: only kalloc's lock inside it).
 */
#include "kernel/errno.h"
#include "kernel/memlayout.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kalloc.h"
#include "kernel/mm/vm.h"
#include "kernel/proc/clock.h"
#include "kernel/proc/internal.h"
#include "kernel/riscv/hart.h"

/* The struct proc and its trapframe share a page. */
#define TRAPFRAME_OFFSET ((sizeof(struct proc) + 15) & ~15UL)
_Static_assert(TRAPFRAME_OFFSET + sizeof(struct trapframe) <= PGSIZE,
               "struct proc and its trapframe must fit in one page");

#define PTABLE_HASH 256 /* buckets of the pid and the group hashes */
#define HASH(id) ((uint)(id) % PTABLE_HASH)

static struct proc *by_pid[PTABLE_HASH];   /* [w] chained by p->pid_next */
static struct proc *by_group[PTABLE_HASH]; /* [w] chained by p->grp_next */
struct proc *allproc;         /* [w] every process, by pid; gdb's kps walks it */
static struct proc *all_last; /* [w] the end of allproc */
static int nprocs;                         /* [w] processes in the lists */

static struct spinlock pid_lock;
static int nextpid = 1; /* [pid_lock] */

#define NSLOTS (2 * NPROC)     /* kernel stack slots: see the top */
static struct spinlock slot_lock;
static int clean_slots[NSLOTS]; /* [slot_lock] no hart may cache their old pages */
static int nclean;              /* [slot_lock] */
static int freed_slots[NSLOTS]; /* [slot_lock] unmapped since the last flush */
static int nfreed;              /* [slot_lock] */
static int nheld;               /* [slot_lock] slots processes hold: at most NPROC */

void ptable_init(void)
{
  spin_init(&pid_lock, "pid_lock");
  spin_init(&slot_lock, "slot_lock");
  /* Make the stacks' page-table pages now, before any process's table
     copies the kernel's top level. */
  for (int slot = 0; slot < NSLOTS; slot++)
    for (int pg = 0; pg < KSTACK_PAGES; pg++)
      if (vm_walk(kernel_pagetable, KSTACK(slot) + pg * PGSIZE, 1) == 0)
        panic("ptable_init: no memory for the kernel stacks' page tables");
  /* A stack, with the lowest slot on top: slot 0 is taken first. */
  for (int slot = NSLOTS - 1; slot >= 0; slot--)
    clean_slots[nclean++] = slot;
}

/* ---- Kernel stacks ---------------------------------------------------- */

/* Flush every running hart's TLB: this one's, then the others' (SBI). */
static void flush_all_harts(void)
{
  uint64 others = 0;
  int me = cpuid();
  for (int i = 0; i < NCPU; i++)
    if (cpus[i].started && i != me)
      others |= 1UL << i;
  sfence_vma();
  if (others)
    hart_flush_tlbs(others);
}

/* A slot whose range no hart has a stale translation of, or -1 (NPROC
   processes exist). */
static int slot_get(void)
{
  spin_acquire(&slot_lock);
  if (nheld == NPROC) {
    spin_release(&slot_lock);
    return -1;
  }
  if (nclean == 0) {
    KASSERT(nfreed > 0);
    flush_all_harts();
    while (nfreed > 0)
      clean_slots[nclean++] = freed_slots[--nfreed];
  }
  int slot = clean_slots[--nclean];
  nheld++;
  spin_release(&slot_lock);
  return slot;
}

/* Unmap slot's pages (those mapped) and free them; the slot waits for
   the next flush. */
static void slot_put(int slot)
{
  for (int pg = 0; pg < KSTACK_PAGES; pg++) {
    pte_t *pte = vm_walk(kernel_pagetable, KSTACK(slot) + pg * PGSIZE, 0);
    KASSERT(pte != 0);
    if (*pte & PTE_V)
      kfree(P2V(PTE2PA(*pte)));
    *pte = 0;
  }
  spin_acquire(&slot_lock);
  KASSERT(nfreed < NSLOTS && nheld > 0);
  freed_slots[nfreed++] = slot;
  nheld--;
  spin_release(&slot_lock);
}

/* Map fresh pages in slot. Returns 0 or -ENOMEM. */
static int slot_fill(int slot)
{
  for (int pg = 0; pg < KSTACK_PAGES; pg++) {
    void *page = kalloc();
    if (page == 0)
      return -ENOMEM;
    if (vm_map(kernel_pagetable, KSTACK(slot) + pg * PGSIZE, PGSIZE, V2P(page),
               PTE_R | PTE_W | PTE_G) < 0) {
      kfree(page);
      return -ENOMEM;
    }
  }
  return 0;
}

/* ---- Making and freeing processes ----------------------------------- */

static int alloc_pid(void)
{
  spin_acquire(&pid_lock);
  int pid = nextpid++;
  spin_release(&pid_lock);
  return pid;
}

/*
 * A new process, set up to start in forkret on its kernel stack, with a
 * trapframe and an empty user page table, in state USED. It is in no
 * list yet (ptable_link puts it there). Returns it with p->lock held, or
 * 0 (-EAGAIN: all NPROC slots in use; or no memory) with *err set.
 */
struct proc *proc_alloc(int *err)
{
  int slot = slot_get();
  if (slot < 0) {
    *err = -EAGAIN;
    return 0;
  }
  char *page = kalloc();
  if (page == 0) {
    slot_put(slot);
    *err = -ENOMEM;
    return 0;
  }
  struct proc *p = (struct proc *)page;
  p->slot = slot;
  p->kstack = KSTACK(slot);
  p->trapframe = (struct trapframe *)(page + TRAPFRAME_OFFSET);
  p->pagetable = vm_user_create();
  if (p->pagetable == 0 || slot_fill(slot) < 0) {
    proc_destroy(p);
    *err = -ENOMEM;
    return 0;
  }
  spin_init(&p->lock, "proc_lock");
  p->pid = alloc_pid();
  p->state = USED;
  p->ctime = r_time();
  p->lastcpu = -1;
  p->fp_hart = -1;
  p->context.ra = (uint64)forkret;
  p->context.sp = p->kstack + KSTACK_SIZE;
  spin_acquire(&p->lock);
  return p;
}

/*
 * Give back all p holds: its user page table (which may wait for a hart
 * that still has it loaded, so no lock may be held), its kernel stack and
 * the page of its struct proc. p is in no list: never linked, or reaped
 * and unlinked, and its files and memory are already let go.
 */
void proc_destroy(struct proc *p)
{
  KASSERT(p->space.nseg == 0 && !p->linked);
  if (p->pagetable)
    vm_user_free(p->pagetable, p->sz);
  slot_put(p->slot);
  kfree(p);
}

/* ---- The lookup structures ------------------------------------------ */

/* Put p at the front, or at the back, of its parent's children. */
static void child_push(struct proc *parent, struct proc *p)
{
  p->sib_prev = 0;
  p->sib_next = parent->children;
  if (parent->children)
    parent->children->sib_prev = p;
  else
    parent->children_last = p;
  parent->children = p;
}

static void child_append(struct proc *parent, struct proc *p)
{
  p->sib_next = 0;
  p->sib_prev = parent->children_last;
  if (parent->children_last)
    parent->children_last->sib_next = p;
  else
    parent->children = p;
  parent->children_last = p;
}

static void child_remove(struct proc *parent, struct proc *p)
{
  if (p->sib_prev)
    p->sib_prev->sib_next = p->sib_next;
  else
    parent->children = p->sib_next;
  if (p->sib_next)
    p->sib_next->sib_prev = p->sib_prev;
  else
    parent->children_last = p->sib_prev;
  p->sib_next = p->sib_prev = 0;
}

static void group_add(struct proc *p)
{
  struct proc **head = &by_group[HASH(p->pgid)];
  p->grp_prev = 0;
  p->grp_next = *head;
  if (*head)
    (*head)->grp_prev = p;
  *head = p;
}

static void group_remove(struct proc *p)
{
  if (p->grp_prev)
    p->grp_prev->grp_next = p->grp_next;
  else
    by_group[HASH(p->pgid)] = p->grp_next;
  if (p->grp_next)
    p->grp_next->grp_prev = p->grp_prev;
  p->grp_next = p->grp_prev = 0;
}

/*
 * Make p findable: by pid, in its group (p->pgid), among all processes,
 * and as parent's child (parent 0 for the first process). wait_lock held.
 */
void ptable_link(struct proc *p, struct proc *parent)
{
  ASSERT_HELD(&wait_lock);
  KASSERT(!p->linked);
  p->linked = 1;
  p->pid_next = by_pid[HASH(p->pid)];
  by_pid[HASH(p->pid)] = p;
  group_add(p);
  /* Pids are handed out in order, but forks on two harts may get here in
     the other order: walk back from the end to p's place. */
  struct proc *after = all_last;
  while (after && after->pid > p->pid)
    after = after->all_prev;
  p->all_prev = after;
  p->all_next = after ? after->all_next : allproc;
  if (p->all_next)
    p->all_next->all_prev = p;
  else
    all_last = p;
  if (after)
    after->all_next = p;
  else
    allproc = p;
  p->parent = parent;
  if (parent)
    child_append(parent, p);
  nprocs++;
}

/* Take p out of every list, as its parent reaps it. wait_lock held. */
void ptable_unlink(struct proc *p)
{
  ASSERT_HELD(&wait_lock);
  KASSERT(p->linked && p->children == 0);
  struct proc **pp = &by_pid[HASH(p->pid)];
  while (*pp != p)
    pp = &(*pp)->pid_next;
  *pp = p->pid_next;
  group_remove(p);
  if (p->all_prev)
    p->all_prev->all_next = p->all_next;
  else
    allproc = p->all_next;
  if (p->all_next)
    p->all_next->all_prev = p->all_prev;
  else
    all_last = p->all_prev;
  if (p->parent)
    child_remove(p->parent, p);
  p->parent = 0;
  p->linked = 0;
  nprocs--;
}

/* The process with this pid, or 0. wait_lock held. */
struct proc *proc_find(int pid)
{
  ASSERT_HELD(&wait_lock);
  struct proc *p = by_pid[HASH(pid)];
  while (p && p->pid != pid)
    p = p->pid_next;
  return p;
}

/* Move p from its parent's children to newparent's. wait_lock held. */
void ptable_reparent(struct proc *p, struct proc *newparent)
{
  ASSERT_HELD(&wait_lock);
  child_remove(p->parent, p);
  p->parent = newparent;
  if (proc_has_news(p))
    child_push(newparent, p);
  else
    child_append(newparent, p);
}

/* p has news for its parent's wait (it is about to say so): to the
   front. wait_lock held. */
void ptable_report(struct proc *p)
{
  ASSERT_HELD(&wait_lock);
  if (p->parent && p->parent->children != p) {
    child_remove(p->parent, p);
    child_push(p->parent, p);
  }
}

/* wait took p's news, and p lives on: to the back. wait_lock held. */
void ptable_reported(struct proc *p)
{
  ASSERT_HELD(&wait_lock);
  KASSERT(!proc_has_news(p));
  if (p->parent->children_last != p) {
    child_remove(p->parent, p);
    child_append(p->parent, p);
  }
}

/* Has parent a child in group pgid? wait_lock held. */
int ptable_child_in_group(struct proc *parent, int pgid)
{
  for (struct proc *p = ptable_group_first(pgid); p; p = ptable_group_next(p))
    if (p->parent == parent)
      return 1;
  return 0;
}

/* Move p to group pgid. wait_lock and p->lock held. */
void ptable_setpgid(struct proc *p, int pgid)
{
  ASSERT_HELD(&wait_lock);
  ASSERT_HELD(&p->lock);
  group_remove(p);
  p->pgid = pgid;
  group_add(p);
}

/* Walk group pgid: the first member, and the one after p, or 0. The
   group cannot change under the walk: wait_lock held. */
struct proc *ptable_group_first(int pgid)
{
  ASSERT_HELD(&wait_lock);
  struct proc *p = by_group[HASH(pgid)];
  while (p && p->pgid != pgid)
    p = p->grp_next;
  return p;
}

struct proc *ptable_group_next(struct proc *p)
{
  int pgid = p->pgid;
  for (p = p->grp_next; p && p->pgid != pgid; p = p->grp_next)
    ;
  return p;
}

/* Walk every process in pid order, starting at the first whose pid is
   above after. wait_lock held. */
struct proc *ptable_first_after(int after)
{
  ASSERT_HELD(&wait_lock);
  struct proc *p = allproc;
  while (p && p->pid <= after)
    p = p->all_next;
  return p;
}

struct proc *ptable_next(struct proc *p)
{
  return p->all_next;
}

/* How many processes there are (linked: a fork in progress is not yet
   one). wait_lock held. */
int ptable_count(void)
{
  ASSERT_HELD(&wait_lock);
  return nprocs;
}

/* Ctrl-P's way in: wait_lock, if it comes free within 100 ms. */
int ptable_try_lock(void)
{
  uint64 until = r_time() + clock_from_us(100 * 1000);
  do {
    if (spin_try_acquire(&wait_lock))
      return 1;
  } while (r_time() < until);
  return 0;
}
