/*
 * kill: send a signal to processes.
 *
 *   kill PID...            kill them (SIGKILL), as xv6's kill does
 *   kill -SIG PID...       send SIG: a name (STOP, CONT, KILL, INT, TERM,
 *                          TSTP, with or without a SIG prefix) or a number
 *   kill -l                list the signal names
 *
 * A PID written as -N (after a -SIG) means every process of group N.
 * Each target is tried in turn; the exit status is 1 if any failed.
 */
#include "kernel/types.h"
#include "kernel/errno.h"
#include "user/ulib.h"

#define SIG_PREFIX "SIG"   /* optional in a name: -SIGSTOP is -STOP */

struct signame {
  const char *name;
  int sig;
};

static const struct signame signames[] = {
  { "INT",  SIGINT },
  { "KILL", SIGKILL },
  { "TERM", SIGTERM },
  { "CHLD", SIGCHLD },
  { "CONT", SIGCONT },
  { "STOP", SIGSTOP },
  { "TSTP", SIGTSTP },
};

#define NSIGNAMES (sizeof(signames) / sizeof(signames[0]))

/* The signal that s (the option without its '-') names, or -1. */
static int
parse_signal(const char *s)
{
  uint i;
  int sig;

  if (is_number(s)) {
    sig = atoi(s);
    return sig > 0 && sig < NSIG ? sig : -1;
  }
  if (strncmp(s, SIG_PREFIX, strlen(SIG_PREFIX)) == 0)
    s += strlen(SIG_PREFIX);
  for (i = 0; i < NSIGNAMES; i++) {
    if (strcmp(s, signames[i].name) == 0)
      return signames[i].sig;
  }
  return -1;
}

static void
list_signals(void)
{
  uint i;

  for (i = 0; i < NSIGNAMES; i++)
    printf("%d %s\n", signames[i].sig, signames[i].name);
}

/* The pid that s names: a process (N), or a process group (-N, given as
   the negative number sigsend takes for a group). 0 if s is neither. */
static int
parse_target(const char *s)
{
  if (*s == '-')
    return is_number(s + 1) && atoi(s + 1) > 1 ? -atoi(s + 1) : 0;
  return is_number(s) && atoi(s) > 0 ? atoi(s) : 0;
}

static void
usage(void)
{
  fprintf(2, "usage: kill [-SIGNAL] pid...  or  kill -l\n");
  exit(1);
}

int
main(int argc, char *argv[])
{
  int i = 1, sig = SIGKILL, pid, status = 0;

  if (argc == 2 && strcmp(argv[1], "-l") == 0) {
    list_signals();
    return 0;
  }
  if (argc > 1 && argv[1][0] == '-') {
    sig = parse_signal(argv[1] + 1);
    if (sig < 0) {
      fprintf(2, "kill: %s: invalid signal (kill -l lists them)\n", argv[1] + 1);
      exit(1);
    }
    i++;
  }
  if (i == argc)
    usage();
  for (; i < argc; i++) {
    pid = parse_target(argv[i]);
    if (pid == 0) {
      fprintf(2, "kill: %s: not a process id\n", argv[i]);
      status = 1;
    } else if (sigsend(pid, sig) < 0) {
      /* Plain kill sends SIGKILL through sigsend: the same as xv6's
         kill(pid), but the same call also reaches a group. */
      if (errno == ESRCH)
        fprintf(2, "kill: (%s): no such process\n", argv[i]);
      else
        fprintf(2, "kill: (%s): %s\n", argv[i], strerror(errno));
      status = 1;
    }
  }
  return status;
}
