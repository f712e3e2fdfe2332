/*
 * free: print how physical memory is used.
 *
 *   total 31744 pages (126976 KiB): 31000 free, 744 in use; 120 shared, 90 program text
 *
 * In use is every page handed out (user memory, page tables, kernel
 * buffers). Shared pages are mapped by two processes or more: copy-on-write
 * after fork, or the text of a program that several run. Program text is
 * what the kernel keeps of running programs' files so the next process
 * running one maps the same pages (kernel/mm/textcache.c).
 */
#include "kernel/types.h"
#include "kernel/riscv.h"
#include "user/ulib.h"

int main(void)
{
  struct meminfo mi;
  if (meminfo(&mi) < 0) {
    fprintf(2, "free: meminfo: %s\n", strerror(errno));
    return 1;
  }
  printf("total %lu pages (%lu KiB): %lu free, %lu in use; %lu shared, %lu program text\n",
         mi.total, mi.total * (PGSIZE / 1024), mi.free, mi.total - mi.free, mi.shared, mi.text);
  return 0;
}
