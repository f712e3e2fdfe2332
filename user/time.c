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
 * The CPU times come from procinfo, which knows a process only until it
 * is reaped, and waitpid reaps as it reports. So time does not wait in
 * waitpid: it looks at the child once a tick until the child is a zombie,
 * reads its times, and only then reaps it. real is therefore measured to
 * within one tick (1/TICK_HZ s).
 *
 * Only the one process is counted, not any children it has.
 */
#include "kernel/types.h"
#include "kernel/errno.h"
#include "user/ulib.h"

#define US_PER_SEC    1000000
#define CENTI_PER_SEC 100     /* times are shown in hundredths of seconds */
#define US_PER_CENTI  (US_PER_SEC / CENTI_PER_SEC)
#define POLL_TICKS    1       /* how long to sleep between looks at the child */
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
  struct procinfo pi;
  uint64 start, end;
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

  memset(&pi, 0, sizeof(pi));   /* what is reported if procinfo fails */
  while (procinfo(pid, &pi, 1) == 1 && pi.state != ZOMBIE)
    sleep(POLL_TICKS);
  end = uptime_us();
  if (waitpid(pid, &status, 0) < 0) {
    fprintf(2, "time: waitpid: %s\n", strerror(errno));
    exit(1);
  }
  report("real", end - start);
  report("user", pi.utime_us);
  report("sys", pi.stime_us);
  return WIFEXITED(status) ? WEXITSTATUS(status) : SIGNAL_STATUS + WTERMSIG(status);
}
