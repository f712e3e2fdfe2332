/*
 * umalloc.c: malloc and free for user programs.
 *
 * The heap grows with sbrk and is never given back. Every block, free or
 * in use, begins with a header holding its size. Free blocks form a
 * circular list sorted by address, headed by `base`, a zero-sized block in
 * .bss: the heap lies above the program's data, so base is always the
 * lowest block and the list reads in increasing order from it.
 *
 * malloc takes the first free block that is big enough, searching on from
 * where the previous search stopped (so leftover fragments do not pile up
 * at the front), and cuts the allocation from the end of the block so the
 * rest stays in the list where it was. free puts a block back in order and
 * merges it with the free blocks it touches, so memory freed in small
 * pieces can serve a large request again.
 */
#include "kernel/types.h"
#include "user/user.h"

struct header {
  struct header *next;   /* next free block by address (free blocks only) */
  uint64 units;          /* size of the block, header included, in units */
};

/* Sizes count in headers: 16 bytes, so every block is 16-byte aligned,
   the strictest alignment the RISC-V ABI asks of any type. */
#define UNIT sizeof(struct header)

/* Grow the heap by at least this many units (64 KiB) at a time, so that
   a program making many small allocations calls sbrk rarely. */
#define MIN_GROW_UNITS 4096

#define SBRK_MAX 0x7fffffff   /* sbrk's argument is an int */

static struct header base;    /* the empty block that heads the list */
static struct header *rover;  /* where the next search starts; 0 before the first */

/* Returns the free block after which block b belongs in address order. */
static struct header *
free_predecessor(struct header *b)
{
  struct header *p = rover < b ? rover : &base;

  while (p->next != &base && p->next < b)
    p = p->next;
  return p;
}

void
free(void *ptr)
{
  struct header *b, *prev, *next;

  if (ptr == 0)
    return;
  b = (struct header *)ptr - 1;
  prev = free_predecessor(b);
  next = prev->next;

  if (b + b->units == next) {      /* b ends where next begins: merge */
    b->units += next->units;
    b->next = next->next;
  } else {
    b->next = next;
  }
  if (prev + prev->units == b) {   /* prev ends where b begins: merge */
    prev->units += b->units;
    prev->next = b->next;
  } else {
    prev->next = b;
  }
  rover = prev;
}

/* Asks sbrk for n units and frees them into the list.
   Returns 0, or -1 if the kernel has no more memory to give. */
static int
grow_by(uint64 n)
{
  char *brk, *p;
  uint64 pad, bytes = n * UNIT;
  struct header *b;

  /* The break may be misaligned if the program called sbrk itself. */
  brk = sbrk(0);
  if (brk == (char *)-1)
    return -1;
  pad = -(uint64)brk & (UNIT - 1);
  if (bytes + pad > SBRK_MAX)
    return -1;
  p = sbrk(pad + bytes);
  if (p == (char *)-1)
    return -1;
  b = (struct header *)(p + pad);
  b->units = n;
  free(b + 1);
  return 0;
}

/* Grows the heap enough to hold a block of the given size, preferring a
   generous step but settling for an exact fit when memory is short. */
static int
grow(uint64 units)
{
  if (units < MIN_GROW_UNITS && grow_by(MIN_GROW_UNITS) == 0)
    return 0;
  return grow_by(units);
}

/* Returns memory for nbytes bytes, 16-byte aligned, or 0 if there is none. */
void *
malloc(uint nbytes)
{
  uint64 units = (nbytes + UNIT - 1) / UNIT + 1;   /* plus the header */
  struct header *prev, *b;

  if (rover == 0) {
    base.next = &base;
    base.units = 0;
    rover = &base;
  }
  for (;;) {
    /* One full turn of the list, starting after rover. */
    prev = rover;
    do {
      b = prev->next;
      if (b->units == units) {
        prev->next = b->next;
        rover = prev;
        return b + 1;
      }
      if (b->units > units) {
        b->units -= units;
        b += b->units;
        b->units = units;
        rover = prev;
        return b + 1;
      }
      prev = b;
    } while (prev != rover);

    if (grow(units) < 0)
      return 0;
  }
}
