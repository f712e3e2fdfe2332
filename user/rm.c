/*
 * rm: remove each named file (or empty directory) from its directory.
 * The file itself goes away when its last link and last open descriptor
 * are gone.
 */
#include "kernel/types.h"
#include "user/ulib.h"

int
main(int argc, char *argv[])
{
  int i;

  if (argc < 2) {
    fprintf(2, "usage: rm file ...\n");
    exit(1);
  }
  for (i = 1; i < argc; i++) {
    if (unlink(argv[i]) < 0) {
      fprintf(2, "rm: cannot remove %s: %s\n", argv[i], strerror(errno));
      exit(1);
    }
  }
  return 0;
}
