// xv6mem: the memory habits of xv6 lab programs: r_sp() from
// kernel/riscv.h to find the stack page, PHYSTOP - KERNBASE for the size
// of RAM, sbrk's SBRK_ERROR and the 2024-25 calls sbrklazy() and pause().

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "user/user.h"

int failed;

void
check(int ok, char *what)
{
  if(!ok){
    printf("xv6mem: FAIL %s\n", what);
    failed = 1;
  }
}

int
main(int argc, char *argv[])
{
  char local;
  uint64 sp = r_sp();

  // sp is in the same page as a local variable: the stack page.
  check(PGROUNDDOWN(sp) == PGROUNDDOWN((uint64)&local), "r_sp is not on the stack");
  check(r_ra() != 0, "r_ra is 0");
  printf("xv6mem: ram %d MiB\n", (int)((PHYSTOP - KERNBASE) / (1024 * 1024)));

  // sbrklazy: memory that reads as zeros and keeps what is written.
  int n = 10 * PGSIZE;
  char *p = sbrklazy(n);
  check(p != SBRK_ERROR, "sbrklazy failed");
  if(p != SBRK_ERROR){
    for(int i = 0; i < n; i += PGSIZE){
      check(p[i] == 0, "sbrklazy memory is not zero");
      p[i] = i / PGSIZE;
    }
    for(int i = 0; i < n; i += PGSIZE)
      check(p[i] == i / PGSIZE, "sbrklazy memory lost a write");
    check(sbrk(-n) == p + n, "sbrk(-n) did not return the old end");
  }
  // The lazy-allocation lab's case: 1 GiB of heap, a few pages touched.
  char *big = sbrk(1 << 30);
  check(big != SBRK_ERROR, "a 1 GiB sbrk failed");
  if(big != SBRK_ERROR){
    for(int i = 0; i < 10; i++)
      big[i * (1 << 26)] = i;
    check(sbrk(-(1 << 30)) == big + (1 << 30), "sbrk(-1 GiB) did not return the old end");
  }
  // Shrinking below the start of the heap: SBRK_ERROR, and the program goes on.
  check(sbrk(-0x7fffffff) == SBRK_ERROR, "a 2 GiB shrink did not fail");

  // pause is the 2024-25 name of sleep; r_time counts while it waits.
  uint64 t0 = r_time();
  check(pause(2) == 0, "pause failed");
  check(r_time() > t0, "r_time did not advance over pause(2)");

  if(failed)
    exit(1);
  printf("xv6mem: ok\n");
  exit(0);
}
