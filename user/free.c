/*
 * free: print how much physical memory the kernel has free.
 */
#include "kernel/types.h"
#include "kernel/riscv.h"
#include "user/ulib.h"

int main(void)
{
  int pages = freemem();
  printf("%d pages free (%d KiB)\n", pages, pages * (PGSIZE / 1024));
  return 0;
}
