/*
 * time: run a command and report how long it took, as POSIX `time -p`:
 *
 *   $ time spin 1
 *   real 1.01
 *   user 0.99
 *   sys 0.01
 *
 * real is the time from starting the command to its end; user and sys are
 * the CPU time the command's process spent in user mode and in the kernel.
 * The report goes to standard error, so it does not mix with the
 * command's output; the exit status is the command's.
 *
 * The times come from waitstat, which reaps the child and says what it
 * used, as BSD's wait4 does; real runs from the fork to the child's exit.
 *
 * Only the one process is counted, not any children it has.
 */
#include "kernel/types.h"
#include "kernel/errno.h"
#include "user/ulib.h"

#define US_PER_SEC    1000000
#define CENTI_PER_SEC 100     /* times are shown in hundredths of seconds */
#define US_PER_CENTI  (US_PER_SEC / CENTI_PER_SEC)
#define SIGNAL_STATUS 128     /* exit status 128 + N: the command died of signal N */

/* Prints "label S.CC" for a time in microseconds. */
static void
report(const char *label, uint64 us)
{
  uint64 centis = us / US_PER_CENTI;

  fprintf(2, "%s %lu.%02lu\n", label, centis / CENTI_PER_SEC, centis % CENTI_PER_SEC);
}

int
main(int argc, char *argv[])
{
  struct waitinfo wi;
  uint64 start;
  int pid, status;

  if (argc < 2) {
    fprintf(2, "usage: time command [arg...]\n");
    exit(1);
  }
  start = uptime_us();
  pid = fork();
  if (pid < 0) {
    fprintf(2, "time: fork: %s\n", strerror(errno));
    exit(1);
  }
  if (pid == 0)
    exec_or_exit("time", argv + 1);

  /* Ctrl-C goes to the whole foreground group; let it end only the
     command, so that its times are still reported. The child was forked
     before this, so it keeps the default action. */
  signal(SIGINT, SIG_IGN);

  if (waitstat(pid, &status, 0, &wi) < 0) {
    fprintf(2, "time: waitstat: %s\n", strerror(errno));
    exit(1);
  }
  report("real", wi.end_us - start);
  report("user", wi.utime_us);
  report("sys", wi.stime_us);
  return WIFEXITED(status) ? WEXITSTATUS(status) : SIGNAL_STATUS + WTERMSIG(status);
}
