/*
 * forkbomb: fill the process table the way a fork bomb does, to see the
 * machine survive one. Every process forks as fast as it can, forever;
 * the children do the same. When the table is full, fork fails with
 * EAGAIN, and each process keeps trying (yielding the hart in between).
 *
 * All of them are in the shell's foreground job, so Ctrl-C ends them
 * all; then init reaps the orphans, and every page and process slot
 * comes back. The first process says once how many there were when fork
 * first failed:
 *
 *   forkbomb: the process table is full at 1021 processes (fork: EAGAIN ...)
 */
#include "kernel/types.h"
#include "user/ulib.h"

#define LIST_CHUNK 32

/* How many processes exist, counted in pieces of the process list. */
static int
count_processes(void)
{
  static struct procinfo buf[LIST_CHUNK];
  int n = 0, got, after = 0;

  while ((got = proclist(after, buf, LIST_CHUNK)) > 0) {
    n += got;
    after = buf[got - 1].pid;
  }
  return n;
}

int
main(int argc, char *argv[])
{
  int leader = getpid(), told = 0;

  if (argc != 1) {
    fprintf(2, "usage: forkbomb (Ctrl-C ends it)\n");
    exit(1);
  }
  for (;;) {
    int pid = fork();
    if (pid >= 0)
      continue;   /* parent and child alike: fork again */
    if (getpid() == leader && !told) {
      int err = errno;
      printf("forkbomb: the process table is full at %d processes (fork: %s)\n",
             count_processes(), strerror(err));
      told = 1;
    }
    sched_yield();
  }
}
