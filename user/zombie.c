/*
 * zombie: leave a zombie behind for a while. The child exits at once, but
 * the parent sleeps instead of waiting for it, so the child stays a zombie
 * (Ctrl-P shows it) until the parent exits and init reaps the orphan.
 */
#include "kernel/types.h"
#include "user/ulib.h"

#define PARENT_SLEEP_TICKS 5

int
main(int argc, char *argv[])
{
  int pid;

  pid = fork();
  if (pid < 0) {
    fprintf(2, "zombie: fork: %s\n", strerror(errno));
    exit(1);
  }
  if (pid > 0)
    sleep(PARENT_SLEEP_TICKS);
  return 0;
}
