/*
 * proc.c: the process API in the words textbooks use, on top of the
 * system calls: suspend and resume a process, hand the console to a
 * process group, name process states, and run a program by name
 * (execvp, exec_or_exit).
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/errno.h"
#include "user/ulib.h"

ULIB_EXTRA int suspend(int pid)
{
  return sigsend(pid, SIGSTOP);
}

ULIB_EXTRA int resume(int pid)
{
  return sigsend(pid, SIGCONT);
}

ULIB_EXTRA int tcsetpgrp(int fd, int pgid)
{
  return ioctl(fd, CON_SETPGRP, pgid);
}

ULIB_EXTRA int tcgetpgrp(int fd)
{
  return ioctl(fd, CON_GETPGRP, 0);
}

#define STATE_LETTER(name, str, letter) [name] = letter,
#define STATE_NAME(name, str, letter) [name] = str,
static const char state_letters[NPROCSTATE] = { PROC_STATES(STATE_LETTER) };
static const char *const state_names[NPROCSTATE] = { PROC_STATES(STATE_NAME) };

ULIB_EXTRA char proc_state_letter(int state)
{
  return state >= 0 && state < NPROCSTATE ? state_letters[state] : '?';
}

ULIB_EXTRA const char *proc_state_name(int state)
{
  return state >= 0 && state < NPROCSTATE ? state_names[state] : "?";
}

/*
 * exec that also finds the programs in /: file as given (relative to the
 * current directory unless it starts with '/'), then, if it names no
 * directory at all, /file. Returns only if both fail: -1, with errno
 * from the first try, or from the second if the first found nothing.
 */
ULIB_EXTRA int execvp(const char *file, char **argv)
{
  char path[MAXPATH];
  int err;

  exec(file, argv);
  err = errno;
  if (strchr(file, '/') == 0 && strlen(file) + 2 <= sizeof(path)) {
    path[0] = '/';
    strcpy(path + 1, file);
    exec(path, argv);
    if (err == ENOENT)   /* otherwise the first failure says more */
      err = errno;
  }
  errno = err;
  return -1;
}

ULIB_EXTRA void exec_or_exit(const char *who, char **argv)
{
  execvp(argv[0], argv);
  fprintf(2, "%s: %s: %s\n", who, argv[0],
          errno == ENOENT ? "command not found" : strerror(errno));
  exit(1);
}
