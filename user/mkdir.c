/*
 * mkdir: create each named directory.
 */
#include "kernel/types.h"
#include "user/ulib.h"

int
main(int argc, char *argv[])
{
  int i;

  if (argc < 2) {
    fprintf(2, "usage: mkdir dir ...\n");
    exit(1);
  }
  for (i = 1; i < argc; i++) {
    if (mkdir(argv[i]) < 0) {
      fprintf(2, "mkdir: cannot create %s: %s\n", argv[i], strerror(errno));
      exit(1);
    }
  }
  return 0;
}
