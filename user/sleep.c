/*
 * sleep: do nothing for the given number of seconds, without using the
 * CPU: the kernel takes the process off the run queue until enough timer
 * ticks (TICK_HZ a second) have passed. Ctrl-C ends it early; Ctrl-Z
 * stops it, and when continued it sleeps only the time that was left.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "user/ulib.h"

int
main(int argc, char *argv[])
{
  if (argc != 2 || !is_number(argv[1])) {
    fprintf(2, "usage: sleep seconds\n");
    exit(1);
  }
  if (sleep(atoi(argv[1]) * TICK_HZ) < 0) {
    fprintf(2, "sleep: %s\n", strerror(errno));
    exit(1);
  }
  return 0;
}
