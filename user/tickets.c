/*
 * tickets: run a command with N lottery tickets (1 .. 100000; every
 * process starts with 100, and a child gets its parent's). Tickets are a
 * process's share of the CPU under the lottery and stride policies.
 *
 *   $ tickets 300 spin 10 &    three times the share of a default process
 */
#include "kernel/types.h"
#include "kernel/errno.h"
#include "user/ulib.h"

int
main(int argc, char *argv[])
{
  if (argc < 3 || !is_number(argv[1])) {
    fprintf(2, "usage: tickets N command [arg...]\n");
    return 1;
  }
  if (settickets(atoi(argv[1])) < 0) {
    if (errno == EINVAL)
      fprintf(2, "tickets: %s: tickets are 1 to %d\n", argv[1], TICKETS_MAX);
    else
      fprintf(2, "tickets: %s: %s\n", argv[1], strerror(errno));
    return 1;
  }
  exec_or_exit("tickets", argv + 2);
}
