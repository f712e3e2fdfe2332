/*
 * init: the first user process, started by the kernel.
 *
 * It opens the console as standard input, output and error, which every
 * other process inherits. Then, normally, it runs the shell and starts a
 * new one whenever the shell exits (say, after Ctrl-D). Started as
 * "init autotest [args...]" it runs /usertests with the given arguments
 * instead and powers the machine off with the result: 0 if the tests
 * passed, 1 if not, which becomes QEMU's exit status for scripts. As
 * "init run PROGRAM [args...]" it does the same with any program (make
 * gantt and make crashtest run their workloads so, with nothing typed at
 * the console).
 *
 * The kernel hands every orphaned process to init, so init's wait also
 * reaps processes it never started; those it simply lets go.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "kernel/fs/file.h"
#include "user/ulib.h"

#define RETRY_TICKS 10   /* pause before trying a failed fork again */

/* Makes fds 0, 1 and 2 refer to the console, creating its device file
   on a fresh file system. */
static void
open_console(void)
{
  if (open("console", O_RDWR) < 0) {
    mknod("console", CONSOLE, 0);
    if (open("console", O_RDWR) < 0)
      exit(1);   /* nowhere to report it; the kernel panics on init's exit */
  }
  dup(0);
  dup(0);
}

/* Starts path with argv in a child. Returns its pid; retries a fork that
   failed, since init has no caller to give up to. */
static int
spawn(const char *path, char **argv)
{
  int pid;

  while ((pid = fork()) < 0) {
    fprintf(2, "init: fork: %s\n", strerror(errno));
    sleep(RETRY_TICKS);
  }
  if (pid == 0) {
    exec(path, argv);
    fprintf(2, "init: exec %s: %s\n", path, strerror(errno));
    exit(1);
  }
  return pid;
}

/* Waits until child pid exits, reaping orphans on the way, and returns
   the child's exit status. */
static int
wait_for(int pid)
{
  int r, status;

  do {
    r = wait(&status);
  } while (r != pid && r >= 0);
  /* wait fails only if init has no children at all, so pid is gone. */
  return r == pid ? status : -1;
}

static void
run_shell(void)
{
  char *argv[] = { "sh", 0 };

  for (;;) {
    printf("init: starting sh\n");
    wait_for(spawn("/sh", argv));
  }
}

/* Runs /NAME with the nargs arguments in args and powers off with its
   verdict: 0 if it exited with 0, else 1. Returns only if poweroff fails. */
static void
run_and_poweroff(char *name, int nargs, char **args)
{
  char *argv[MAXARG + 1];   /* exec takes MAXARG arguments and a 0 */
  char path[MAXPATH];
  int i, status;

  if (nargs + 1 > MAXARG || strlen(name) + 2 > sizeof(path)) {
    fprintf(2, "init: too many arguments\n");
    poweroff(1);
    return;
  }
  argv[0] = name;
  for (i = 0; i < nargs; i++)
    argv[i + 1] = args[i];
  argv[nargs + 1] = 0;
  snprintf(path, sizeof(path), "%s%s", name[0] == '/' ? "" : "/", name);
  printf("init: starting %s\n", name);
  status = wait_for(spawn(path, argv));
  poweroff(status == 0 ? 0 : 1);
  fprintf(2, "init: poweroff: %s\n", strerror(errno));
}

int
main(int argc, char *argv[])
{
  open_console();
  if (argc >= 2 && strcmp(argv[1], "autotest") == 0)
    run_and_poweroff("usertests", argc - 2, argv + 2);
  else if (argc >= 3 && strcmp(argv[1], "run") == 0)
    run_and_poweroff(argv[2], argc - 3, argv + 3);
  else
    run_shell();

  /* Only a failed poweroff gets here. init must never exit, so keep
     doing its one remaining duty: reaping orphans. */
  for (;;) {
    if (wait(0) < 0)
      sleep(RETRY_TICKS);
  }
}
