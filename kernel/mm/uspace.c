/*
 * uspace.c: the parts of a user address space (kernel/mm/uspace.h).
 *
 * Each segment holds a reference to its program file and has denied
 * writes to it (inode_deny_write), so the bytes its pages are read from
 * cannot change while the program runs; the last process to let a file
 * go also drops its shared text pages (textcache_drop).
 */
#include "kernel/mm/uspace.h"
#include "kernel/errno.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/string.h"
#include "kernel/mm/textcache.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/log.h"

int uspace_add(struct uspace *us, const struct segment *s, struct inode *ip)
{
  if (us->nseg == USPACE_NSEG)
    return -ENOEXEC;
  struct segment *n = &us->seg[us->nseg];
  *n = *s;
  int r = inode_deny_write(ip, &n->gen);
  if (r < 0)
    return r;
  n->ip = inode_dup(ip);
  us->nseg++;
  return 0;
}

struct segment *uspace_segment(struct uspace *us, uint64 va)
{
  for (int i = 0; i < us->nseg; i++) {
    if (va >= us->seg[i].start && va < us->seg[i].end)
      return &us->seg[i];
  }
  return 0;
}

void uspace_fork(const struct uspace *from, struct uspace *to)
{
  *to = *from;
  for (int i = 0; i < to->nseg; i++) {
    uint gen;
    /* Cannot fail: while `from` runs the file, no one may open it to write. */
    int r = inode_deny_write(to->seg[i].ip, &gen);
    KASSERT(r == 0 && gen == to->seg[i].gen);
    inode_dup(to->seg[i].ip);
  }
}

void uspace_release(struct uspace *us)
{
  for (int i = 0; i < us->nseg; i++) {
    struct inode *ip = us->seg[i].ip;
    if (inode_allow_write(ip))
      textcache_drop(ip);
    inode_release(ip);
  }
  us->nseg = 0;
}

uint64 uspace_vsz(const struct uspace *us, uint64 sz)
{
  uint64 n = 0;
  for (int i = 0; i < us->nseg; i++)
    n += us->seg[i].end - us->seg[i].start;
  if (sz > us->stack_top)
    n += sz - us->stack_top;
  return n + us->stack_top - us->stack_lo;
}
