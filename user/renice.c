/*
 * renice: set the nice value (-20 .. 19) of running processes.
 *
 *   $ renice 5 12 13      processes 12 and 13 get nice 5
 */
#include "kernel/types.h"
#include "kernel/errno.h"
#include "user/ulib.h"

int
main(int argc, char *argv[])
{
  int status = 0;

  if (argc < 3) {
    fprintf(2, "usage: renice N pid...\n");
    return 1;
  }
  const char *n = argv[1][0] == '-' ? argv[1] + 1 : argv[1];
  if (!is_number(n)) {
    fprintf(2, "renice: %s: not a number\n", argv[1]);
    return 1;
  }
  int nice = argv[1][0] == '-' ? -atoi(n) : atoi(n);
  for (int i = 2; i < argc; i++) {
    if (!is_number(argv[i])) {
      fprintf(2, "renice: %s: not a process id\n", argv[i]);
      status = 1;
      continue;
    }
    if (setpriority(atoi(argv[i]), nice) < 0) {
      fprintf(2, "renice: %s: %s\n", argv[i],
              errno == EINVAL ? "nice values are -20 to 19 (NICE_MIN to NICE_MAX)" :
              errno == ESRCH ? "no such process" : strerror(errno));
      status = 1;
    }
  }
  return status;
}
