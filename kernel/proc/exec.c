/*
 * exec.c: loading a program (kernel/proc/exec.h) and the exec system call.
 *
 * exec_run builds the new address space completely before touching the
 * old one, so any failure (bad file, bad ELF, no memory, arguments too
 * big) leaves the caller running its old program with an error return.
 * The new user address space is:
 *
 *   0x0        unmapped (programs are linked at 0x1000: null faults)
 *   ...        the ELF's PT_LOAD segments: text R-X, data RW-
 *   guard      one page without PTE_U: a stack overflow faults
 *   stack      USERSTACK pages; argv strings and pointers at the top
 *   heap       grows upward from here with sbrk
 */
#include "kernel/proc/exec.h"
#include "kernel/elf.h"
#include "kernel/errno.h"
#include "kernel/mm/kalloc.h"
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

/* Read a segment's file bytes into its (already mapped) pages. */
static int load_segment(pagetable_t pt, struct inode *ip, const struct proghdr *ph)
{
  for (uint64 done = 0; done < ph->filesz;) {
    uint64 va = ph->vaddr + done;
    uint64 pa = vm_lookup(pt, PGROUNDDOWN(va));
    KASSERT(pa != 0);
    uint64 n = PGSIZE - (va % PGSIZE);
    if (n > ph->filesz - done)
      n = ph->filesz - done;
    if (inode_read(ip, 0, (uint64)P2V(pa) + va % PGSIZE, ph->off + done, n) != (int)n)
      return -ENOEXEC;
    done += n;
  }
  return 0;
}

/* Map and load every PT_LOAD segment. Returns 0 or a negative error;
   either way *szp ends up covering everything mapped, so the caller can
   free it. */
static int load_program(pagetable_t pt, struct inode *ip, const struct elfhdr *eh, uint64 *szp)
{
  *szp = 0;
  for (int i = 0; i < eh->phnum; i++) {
    struct proghdr ph;
    uint64 off = eh->phoff + (uint64)i * sizeof(ph);
    if (off < eh->phoff || inode_read(ip, 0, (uint64)&ph, off, sizeof(ph)) != sizeof(ph))
      return -ENOEXEC;
    if (ph.type != PT_LOAD || ph.memsz == 0)
      continue;
    uint64 end = ph.vaddr + ph.memsz;
    if (ph.filesz > ph.memsz || end < ph.vaddr || end > MAXVA || ph.vaddr % PGSIZE != 0 ||
        ph.vaddr < *szp || ph.off + ph.filesz < ph.off)
      return -ENOEXEC;
    uint64 start = ph.vaddr > *szp ? ph.vaddr : *szp;
    if (vm_user_alloc(pt, start, end, segment_perm(ph.flags)) == 0)
      return -ENOMEM;
    *szp = end;
    int r = load_segment(pt, ip, &ph);
    if (r < 0)
      return r;
  }
  return *szp == 0 ? -ENOEXEC : 0;
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
  struct elfhdr eh;
  if (inode_read(ip, 0, (uint64)&eh, 0, sizeof(eh)) != sizeof(eh) || !elf_header_ok(&eh))
    goto bad;
  pt = vm_user_create();
  if (pt == 0) {
    r = -ENOMEM;
    goto bad;
  }
  r = load_program(pt, ip, &eh, &sz);
  if (r < 0)
    goto bad;
  inode_unlockput(ip);
  log_end_op();
  ip = 0;

  /* Guard page, then the stack. */
  sz = PGROUNDUP(sz);
  uint64 guard = sz;
  uint64 stack_top = sz + (1 + USERSTACK) * PGSIZE;
  if (vm_user_alloc(pt, sz, stack_top, PTE_W) == 0) {
    r = -ENOMEM;
    goto bad;
  }
  sz = stack_top;
  vm_user_clear(pt, guard);

  uint64 uargv;
  int64 sp = push_args(pt, stack_top, stack_top - USERSTACK * PGSIZE, argv, argc, &uargv);
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
  p->pagetable = pt;
  p->sz = sz;
  /* Nothing of the old program's registers survives into the new one
     (ra = s0 = 0 also ends a debugger's backtrace at _start). */
  memset(p->trapframe->regs, 0, sizeof(p->trapframe->regs));
  p->trapframe->epc = eh.entry;
  p->trapframe->sp = sp;
  p->trapframe->a1 = uargv;
  memset(&p->fp, 0, sizeof(p->fp));
  p->fp_hart = -1; /* no hart holds these registers: load them */
  /* This hart is running on `old`: move to the new table before freeing. */
  vm_switch(pt);
  vm_user_free(old, oldsz);
  return argc;

bad:
  if (pt)
    vm_user_free(pt, sz);
  if (ip) {
    inode_unlockput(ip);
    log_end_op();
  }
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
