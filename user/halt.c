/*
 * halt: power the machine off. Under QEMU this ends the emulator with exit
 * status 0.
 */
#include "kernel/types.h"
#include "user/ulib.h"

int
main(int argc, char *argv[])
{
  if (argc != 1) {
    fprintf(2, "usage: halt\n");
    exit(1);
  }
  poweroff(0);
  fprintf(2, "halt: poweroff failed: %s\n", strerror(errno));
  return 1;
}
