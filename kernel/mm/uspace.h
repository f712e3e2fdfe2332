/*
 * uspace.h: what each part of a user address space holds, so that its
 * pages can be made when first touched (kernel/mm/uspace.c, fault.c).
 *
 *   0x0          unmapped (programs are linked at 0x1000: null faults)
 *   segments     the ELF's PT_LOAD segments, each read from the program
 *                file page by page at first touch; the part past the
 *                file's bytes (bss) is zero filled
 *   guard gap    USTACK_GUARD bytes never mapped: a stack overflow faults
 *   stack        grows down from stack_top on demand, to USERSTACK pages
 *   heap         from stack_top up to p->sz (sbrk), zero filled on demand
 *
 * A struct uspace belongs to its process ([o]): only the process itself
 * changes it (exec, sbrk, its faults), or fork before the child runs.
 * procinfo reads another's rss and size unlocked (status.c): a snapshot,
 * which during that process's exec may mix old and new.
 */
#ifndef KERNEL_MM_USPACE_H
#define KERNEL_MM_USPACE_H

#include "kernel/types.h"
#include "kernel/riscv.h"

struct inode;

#define USPACE_NSEG  8                /* PT_LOAD segments a program may have */
#define USTACK_GUARD (16 * PGSIZE)    /* unmapped gap below the stack's limit */

struct segment {
  uint64 start, end;  /* page-aligned [start, end) */
  int perm;           /* PTE_W and PTE_X bits (always readable) */
  struct inode *ip;   /* the program file: a reference, writes denied */
  uint gen;           /* ip's text generation (inode_deny_write) */
  uint64 off;         /* file offset of the byte at start */
  uint64 filesz;      /* bytes from the file from start on; the rest is zero */
};

struct uspace {
  struct segment seg[USPACE_NSEG]; /* the program's segments, by address */
  int nseg;
  uint64 stack_lo;    /* the stack's limit: it may grow down to here */
  uint64 stack_top;   /* the top of the stack; the heap starts here */
  uint64 rss;         /* pages mapped now (resident) */
};

/* Add a segment to us, taking a reference to ip and denying writes to it.
   Returns 0, -ENOEXEC (too many segments) or -ETXTBSY (ip is open for
   writing). */
int uspace_add(struct uspace *us, const struct segment *s, struct inode *ip);
/* The segment holding va, or 0. */
struct segment *uspace_segment(struct uspace *us, uint64 va);
/* Make `to` a copy of `from` (fork): more references to the same files. */
void uspace_fork(const struct uspace *from, struct uspace *to);
/* Let the program files go (exec, exit). Starts its own file-system
   transaction: call it outside one. */
void uspace_release(struct uspace *us);
/* The bytes of address space it describes, with a heap ending at sz. */
uint64 uspace_vsz(const struct uspace *us, uint64 sz);

#endif
