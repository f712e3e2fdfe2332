/*
 * exec.c: loading a program (kernel/proc/exec.h) and the exec system call.
 *
 * exec_run builds the new address space completely before touching the
 * old one, so any failure (bad file, bad ELF, no memory, arguments too
 * big) leaves the caller running its old program with an error return.
 * Nothing of the program is read here but its headers: each PT_LOAD
 * segment is only described (kernel/mm/uspace.h), and its pages are
 * read from the file when first touched (kernel/mm/fault.c). Only the
 * stack's top page, which holds the arguments, is made now. The layout
 * is uspace.h's: segments, a guard gap, the stack (growing down to
 * USERSTACK pages), then the heap.
 *
 * The file stays referenced, and closed to writers (ETXTBSY), while any
 * process runs it: its pages are read from it for as long as that lasts.
 */
#include "kernel/proc/exec.h"
#include "kernel/elf.h"
#include "kernel/errno.h"
#include "kernel/mm/kalloc.h"
#include "kernel/mm/uspace.h"
#include "kernel/memlayout.h"
#include "kernel/param.h"
#include "kernel/lib/printf.h"
#include "kernel/proc/proc.h"
#include "kernel/lib/string.h"
#include "kernel/proc/sysarg.h"
#include "kernel/mm/vm.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/log.h"

#define STACK_ALIGN 16 /* RISC-V psABI: sp is 16-byte aligned */

/* Check the ELF header: a little-endian RISC-V ELF64 executable. */
static int elf_header_ok(const struct elfhdr *eh)
{
  return eh->magic == ELF_MAGIC && eh->ident[EI_CLASS] == ELFCLASS64 &&
         eh->ident[EI_DATA] == ELFDATA2LSB && eh->type == ET_EXEC &&
         eh->machine == EM_RISCV && eh->phentsize == sizeof(struct proghdr);
}

static int segment_perm(uint32 flags)
{
  int perm = 0;
  if (flags & PF_W)
    perm |= PTE_W;
  if (flags & PF_X)
    perm |= PTE_X;
  return perm;
}

/* Describe every PT_LOAD segment in us (ip is locked). Returns 0 or a
   negative error; either way *endp is the end of the last segment
   added, and us holds what must be released. */
static int load_program(struct uspace *us, struct inode *ip, const struct elfhdr *eh, uint64 *endp)
{
  *endp = 0;
  for (int i = 0; i < eh->phnum; i++) {
    struct proghdr ph;
    uint64 off = eh->phoff + (uint64)i * sizeof(ph);
    if (off < eh->phoff || inode_read(ip, 0, (uint64)&ph, off, sizeof(ph)) != sizeof(ph))
      return -ENOEXEC;
    if (ph.type != PT_LOAD || ph.memsz == 0)
      continue;
    uint64 end = ph.vaddr + ph.memsz;
    if (ph.filesz > ph.memsz || end < ph.vaddr || end > MAXVA || ph.vaddr % PGSIZE != 0 ||
        ph.vaddr < *endp || ph.off + ph.filesz < ph.off || ph.off + ph.filesz > ip->size)
      return -ENOEXEC;
    struct segment seg = {
      .start = ph.vaddr,
      .end = PGROUNDUP(end),
      .perm = segment_perm(ph.flags),
      .off = ph.off,
      .filesz = ph.filesz,
    };
    int r = uspace_add(us, &seg, ip);
    if (r < 0)
      return r;
    *endp = end;
  }
  return *endp == 0 ? -ENOEXEC : 0;
}

/* Copy argv onto the new stack, whose top is sp. Returns the new sp, with
   the user address of the argv array in *uargv, or -E2BIG. */
static int64 push_args(pagetable_t pt, uint64 sp, uint64 stack_base, char *const argv[],
                       int argc, uint64 *uargv)
{
  uint64 ustack[MAXARG + 1];
  for (int i = 0; i < argc; i++) {
    uint64 len = strlen(argv[i]) + 1;
    if (sp - stack_base < len)
      return -E2BIG;
    sp = (sp - len) & ~(uint64)(STACK_ALIGN - 1);
    if (sp < stack_base || vm_copyout(pt, sp, argv[i], len) < 0)
      return -E2BIG;
    ustack[i] = sp;
  }
  ustack[argc] = 0;
  uint64 bytes = (argc + 1) * sizeof(uint64);
  if (sp - stack_base < bytes + STACK_ALIGN)
    return -E2BIG;
  sp = (sp - bytes) & ~(uint64)(STACK_ALIGN - 1);
  if (vm_copyout(pt, sp, ustack, bytes) < 0)
    return -E2BIG;
  *uargv = sp;
  return sp;
}

int exec_run(const char *path, char *const argv[])
{
  struct proc *p = myproc();
  int argc = 0;
  while (argv[argc]) {
    if (++argc > MAXARG)
      return -E2BIG;
  }

  log_begin_op();
  struct inode *ip;
  int err = fs_lookup(path, &ip);
  if (err < 0) {
    log_end_op();
    return err; /* ENOENT, ENOTDIR, EIO (a damaged disk), ... */
  }
  inode_lock(ip);

  int r = -ENOEXEC;
  uint64 sz = 0;
  pagetable_t pt = 0;
  struct uspace us = { .nseg = 0 };
  struct elfhdr eh;
  if (inode_read(ip, 0, (uint64)&eh, 0, sizeof(eh)) != sizeof(eh) || !elf_header_ok(&eh))
    goto bad;
  pt = vm_user_create();
  if (pt == 0) {
    r = -ENOMEM;
    goto bad;
  }
  uint64 end;
  r = load_program(&us, ip, &eh, &end);
  if (r < 0)
    goto bad;
  inode_unlockput(ip);
  log_end_op();
  ip = 0;
  if (p->io_error) {
    r = -EIO; /* the disk failed while the program was read: do not run it */
    goto bad;
  }

  /* The guard gap, then the stack, of which only the top page is made. */
  us.stack_lo = PGROUNDUP(end) + USTACK_GUARD;
  us.stack_top = us.stack_lo + USERSTACK * PGSIZE;
  if (us.stack_top > MAXVA || us.stack_top < us.stack_lo) {
    r = -ENOEXEC;
    goto bad;
  }
  sz = us.stack_top;
  if (vm_user_alloc(pt, sz - PGSIZE, sz, PTE_W) == 0) {
    r = -ENOMEM;
    goto bad;
  }
  us.rss = 1;

  uint64 uargv;
  int64 sp = push_args(pt, us.stack_top, us.stack_top - PGSIZE, argv, argc, &uargv);
  if (sp < 0) {
    r = sp;
    goto bad;
  }

  /* Commit: from here on nothing can fail. */
  const char *last = path;
  for (const char *s = path; *s; s++) {
    if (*s == '/')
      last = s + 1;
  }
  safestrcpy(p->name, last, sizeof(p->name));
  pagetable_t old = p->pagetable;
  uint64 oldsz = p->sz;
  struct uspace oldspace = p->space;
  /* The new table and its new ASID together, and loaded at once: the
     scheduler loads p->pagetable with p->asid if we are preempted. */
  intr_push();
  p->pagetable = pt;
  p->asid.gen = 0;
  vm_switch_user(pt, &p->asid, 1);
  intr_pop();
  p->sz = sz;
  p->space = us;
  /* Nothing of the old program's registers survives into the new one
     (ra = s0 = 0 also ends a debugger's backtrace at _start). */
  memset(p->trapframe->regs, 0, sizeof(p->trapframe->regs));
  p->trapframe->epc = eh.entry;
  p->trapframe->sp = sp;
  p->trapframe->a1 = uargv;
  memset(&p->fp, 0, sizeof(p->fp));
  p->fp_hart = -1; /* no hart holds these registers: load them */
  vm_user_free(old, oldsz); /* after some hart that ran us last lets it go */
  uspace_release(&oldspace);
  /* The new program runs: a disk error in letting the old one's files go
     is not its to see (syscall() would turn argc into -EIO). */
  p->io_error = 0;
  return argc;

bad:
  if (pt)
    vm_user_free(pt, sz);
  if (ip) {
    inode_unlockput(ip);
    log_end_op();
  }
  uspace_release(&us); /* outside the transaction: it starts its own */
  return r;
}

/* exec(path, argv): argv is a user array of user strings, 0-terminated. */
int64 sys_exec(void)
{
  char path[MAXPATH];
  char *argv[MAXARG + 1];
  int r = argstr(0, path, sizeof(path));
  if (r < 0)
    return r;
  uint64 uargv = argaddr(1);

  int argc = 0;
  for (;; argc++) {
    if (argc > MAXARG) {
      r = -E2BIG;
      goto out;
    }
    uint64 uarg;
    r = fetchaddr(uargv + argc * sizeof(uint64), &uarg);
    if (r < 0)
      goto out;
    if (uarg == 0)
      break;
    argv[argc] = kalloc();
    if (argv[argc] == 0) {
      r = -ENOMEM;
      goto out;
    }
    r = fetchstr(uarg, argv[argc], PGSIZE);
    if (r < 0) {
      argc++;
      r = r == -ENAMETOOLONG ? -E2BIG : r;
      goto out;
    }
  }
  argv[argc] = 0;
  r = exec_run(path, argv);

out:
  for (int i = 0; i < argc && i <= MAXARG; i++)
    kfree(argv[i]);
  return r;
}
