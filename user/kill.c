/*
 * kill: kill each process named by pid. As in xv6, the process dies the
 * next time it would return to user mode, with exit status -1.
 */
#include "kernel/types.h"
#include "user/user.h"

/* Is s a decimal number (digits only, at least one)? */
static int
is_number(const char *s)
{
  if (*s == '\0')
    return 0;
  for (; *s != '\0'; s++) {
    if (*s < '0' || *s > '9')
      return 0;
  }
  return 1;
}

int
main(int argc, char *argv[])
{
  int i, status = 0;

  if (argc < 2) {
    fprintf(2, "usage: kill pid ...\n");
    exit(1);
  }
  for (i = 1; i < argc; i++) {
    if (!is_number(argv[i])) {
      fprintf(2, "kill: %s: not a process id\n", argv[i]);
      status = 1;
    } else if (kill(atoi(argv[i])) < 0) {
      fprintf(2, "kill: %s: %s\n", argv[i], strerror(errno));
      status = 1;
    }
  }
  return status;
}
