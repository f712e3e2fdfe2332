// xv6printf: printf the way programs written for the 2020-23 xv6-riscv
// labs call it. Those trees' user.h had no format attribute, so their
// programs pass a uint64 to %p and extra arguments to printf; such a
// program must build here unchanged and print what xv6 prints.

#include "kernel/types.h"
#include "kernel/stat.h"
#include "user/user.h"

int
main(int argc, char *argv[])
{
  uint64 va = 0x1234;

  // A uint64 where %p wants a pointer: xv6 prints 0x and 16 digits.
  printf("xv6printf: pointer %p\n", va);
  // An argument too many: it is ignored.
  printf("xv6printf: extra %d\n", 7, 8);
  // An int where %x wants unsigned, and a char for %c.
  printf("xv6printf: hex %x char %c\n", -1, 'z');
  fprintf(2, "xv6printf: to fd %d\n", 2);
  printf("xv6printf: ok\n");
  exit(0);
}
