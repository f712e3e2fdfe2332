/*
 * sleepers: make N processes that sleep until they are killed, to see
 * how the kernel and its tools cope with many (ps, top, Ctrl-P, kill of
 * a group). sleepers itself waits for them; Ctrl-C or a kill of its
 * process group ends them all.
 *
 *   sleepers N      N children, each asleep in pause()
 *
 * It prints "sleepers: N asleep" once all are made, or why fork failed.
 */
#include "kernel/types.h"
#include "user/ulib.h"

int
main(int argc, char *argv[])
{
  int n, i;

  if (argc != 2 || !is_number(argv[1]) || (n = atoi(argv[1])) <= 0) {
    fprintf(2, "usage: sleepers N\n");
    exit(1);
  }
  for (i = 0; i < n; i++) {
    int pid = fork();
    if (pid < 0) {
      fprintf(2, "sleepers: fork %d of %d: %s\n", i + 1, n, strerror(errno));
      break;
    }
    if (pid == 0) {
      for (;;)
        pause(1000000);
    }
  }
  printf("sleepers: %d asleep\n", i);
  while (wait(0) > 0)
    ;
  return 0;
}
