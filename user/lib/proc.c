/*
 * proc.c: the process API in the words textbooks use, on top of the
 * system calls: suspend and resume a process, hand the console to a
 * process group, and name process states.
 */
#include "kernel/types.h"
#include "user/user.h"

int suspend(int pid)
{
  return sigsend(pid, SIGSTOP);
}

int resume(int pid)
{
  return sigsend(pid, SIGCONT);
}

int tcsetpgrp(int fd, int pgid)
{
  return ioctl(fd, CON_SETPGRP, pgid);
}

int tcgetpgrp(int fd)
{
  return ioctl(fd, CON_GETPGRP, 0);
}

#define STATE_LETTER(name, str, letter) [name] = letter,
#define STATE_NAME(name, str, letter) [name] = str,
static const char state_letters[NPROCSTATE] = { PROC_STATES(STATE_LETTER) };
static const char *const state_names[NPROCSTATE] = { PROC_STATES(STATE_NAME) };

char proc_state_letter(int state)
{
  return state >= 0 && state < NPROCSTATE ? state_letters[state] : '?';
}

const char *proc_state_name(int state)
{
  return state >= 0 && state < NPROCSTATE ? state_names[state] : "?";
}
