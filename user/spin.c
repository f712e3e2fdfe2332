/*
 * spin: burn CPU time in user mode; the workload to watch with ps, top
 * and time, and to stop, continue and kill with job control.
 *
 *   spin        run until killed
 *   spin N      stop after N seconds of real time (not of CPU time: with
 *               other work competing for the harts, it gets less CPU)
 */
#include "kernel/types.h"
#include "user/ulib.h"

#define US_PER_SEC 1000000
/* Loop iterations between two looks at the clock. Reading the clock is a
   system call, so looking after every iteration would turn most of the
   time into kernel time; this many takes well under a millisecond. */
#define CHUNK 100000

/* Counts CHUNK times. volatile keeps the compiler from deleting a loop
   whose result nobody uses. */
static void
burn(void)
{
  volatile uint64 n;

  for (n = 0; n < CHUNK; n++)
    ;
}

int
main(int argc, char *argv[])
{
  uint64 start, limit_us;

  if (argc > 2 || (argc == 2 && !is_number(argv[1]))) {
    fprintf(2, "usage: spin [seconds]\n");
    exit(1);
  }
  if (argc == 1) {
    for (;;)
      burn();
  }
  limit_us = (uint64)atoi(argv[1]) * US_PER_SEC;
  start = uptime_us();
  while (uptime_us() - start < limit_us)
    burn();
  return 0;
}
