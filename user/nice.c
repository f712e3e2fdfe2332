/*
 * nice: run a command with a lower (or, with a negative N, higher)
 * priority: its nice value is the caller's plus N (10 if not given),
 * kept within -20 .. 19. Priorities matter to the prio policy
 * (sched prio); ps -l shows them in the NI column.
 *
 *   $ nice -n 5 spin 10
 */
#include "kernel/types.h"
#include "user/ulib.h"

#define DEFAULT_INCREMENT 10

int
main(int argc, char *argv[])
{
  int inc = DEFAULT_INCREMENT, nice;
  int first = 1;

  if (argc > 2 && strcmp(argv[1], "-n") == 0) {
    const char *n = argv[2][0] == '-' ? argv[2] + 1 : argv[2];
    if (!is_number(n)) {
      fprintf(2, "nice: %s: not a number\n", argv[2]);
      return 1;
    }
    inc = argv[2][0] == '-' ? -atoi(n) : atoi(n);
    first = 3;
  }
  if (first >= argc) {
    fprintf(2, "usage: nice [-n N] command [arg...]\n");
    return 1;
  }
  if (getpriority(0, &nice) < 0) {
    fprintf(2, "nice: %s\n", strerror(errno));
    return 1;
  }
  nice += inc;
  if (nice < NICE_MIN)
    nice = NICE_MIN;
  if (nice > NICE_MAX)
    nice = NICE_MAX;
  if (setpriority(0, nice) < 0) {
    fprintf(2, "nice: %s\n", strerror(errno));
    return 1;
  }
  exec_or_exit("nice", argv + first);
}
