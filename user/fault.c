/*
 * fault: make one kind of memory fault on purpose, to see what the kernel
 * does with it (README: Memory).
 *
 *   fault null        load from address 0: segmentation fault
 *   fault text        store into the program's own code: segmentation fault
 *   fault guard       load from the guard gap below the stack's limit
 *   fault stack KIB   recurse until the stack is KIB deep; past the limit
 *                     (USERSTACK pages) that runs into the guard gap
 *   fault heap MIB    sbrk MIB, touch every page, say how many faults it took
 *   fault oom         reserve twice the free memory and touch it all: the
 *                     kernel runs out serving a fault and kills only this
 *
 * A fault the kernel cannot serve kills the process with a line such as
 *   pid 5 fault: segmentation fault at 0x0000000000000000, pc 0x0000000000001024 (load page fault)
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "user/ulib.h"

#define FRAME 1024

static int recurse(int depth, int frames)
{
  volatile char frame[FRAME];
  frame[0] = (char)depth;
  if (depth >= frames)
    return frame[0];
  return recurse(depth + 1, frames) + frame[0];
}

static uint64 faults(void)
{
  struct procinfo pi;
  return procinfo(getpid(), &pi, 1) == 1 ? pi.faults : 0;
}

static void usage(void)
{
  fprintf(2, "usage: fault null | text | guard | stack KIB | heap MIB | oom\n");
  exit(2);
}

int main(int argc, char *argv[])
{
  if (argc < 2)
    usage();
  char *what = argv[1];
  if (strcmp(what, "null") == 0) {
    printf("%d\n", *(volatile int *)0);
  } else if (strcmp(what, "text") == 0) {
    *(volatile char *)main = 0;
  } else if (strcmp(what, "guard") == 0) {
    /* The heap starts at the stack's top, so the break before any sbrk
       marks it; the limit is USERSTACK pages below. */
    uint64 top = (uint64)sbrk(0);
    printf("%d\n", *(volatile char *)(top - USERSTACK * PGSIZE - 1));
  } else if (strcmp(what, "stack") == 0 && argc == 3) {
    int kib = atoi(argv[2]);
    uint64 before = faults();
    recurse(0, kib * 1024 / (FRAME + 64));
    printf("fault: the stack grew to %d KiB in %lu faults\n", kib, faults() - before);
  } else if (strcmp(what, "heap") == 0 && argc == 3) {
    uint64 n = (uint64)atoi(argv[2]) << 20;
    char *p = sbrk(n);
    if (p == (char *)-1) {
      fprintf(2, "fault: sbrk(%lu): %s\n", n, strerror(errno));
      exit(1);
    }
    uint64 before = faults();
    for (uint64 off = 0; off < n; off += PGSIZE)
      p[off] = 1;
    printf("fault: touched %lu pages of heap in %lu faults\n", n / PGSIZE, faults() - before);
  } else if (strcmp(what, "oom") == 0) {
    uint64 n = 2 * (uint64)freemem() * PGSIZE;
    char *p = sbrk(n);
    for (uint64 off = 0; off < n; off += PGSIZE)
      p[off] = 1;
    printf("fault: touched %lu bytes, more than there is\n", n);
  } else {
    usage();
  }
  exit(0);
}
