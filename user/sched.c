/*
 * sched: show or switch the scheduling policy of the whole machine.
 *
 *   $ sched                      the policy in use and its parameters
 *   policy: rr quantum=10ms
 *   $ sched -l                   every policy, its parameters' defaults
 *   $ sched -r                   every policy, what its parameters take
 *   $ sched mlfq boost=500       switch (parameters not given: defaults)
 *   policy: mlfq levels=3 quantum=10,20,40ms allot=10,20,40ms boost=500ms
 *
 * Naming the policy in use changes only the parameters given. A name or
 * value the kernel does not take prints which (no such policy, or what
 * the policy's parameters take) and the usage, and changes nothing
 * (exit status 1).
 */
#include "kernel/types.h"
#include "kernel/errno.h"
#include "user/ulib.h"

static void
usage(void)
{
  fprintf(2, "usage: sched               show the policy in use\n"
             "       sched -l            list the policies and their defaults\n"
             "       sched -r            list what each parameter takes\n"
             "       sched NAME [P=V...] switch to policy NAME (sched -l lists them)\n");
}

static int
show_current(void)
{
  char spec[2 * SCHED_TEXT_LEN];

  if (sched_current(spec, sizeof spec) < 0) {
    fprintf(2, "sched: %s\n", strerror(errno));
    return 1;
  }
  printf("policy: %s\n", spec);
  return 0;
}

static int
list(int ranges)
{
  struct schedinfo si;

  for (int i = 0; sched_info(i, &si) == 0; i++) {
    printf("%c %-8s %s\n", si.current ? '*' : ' ', si.name, si.about);
    if (si.params[0])
      printf("           %s\n", ranges ? si.ranges : si.params);
  }
  return 0;
}

int
main(int argc, char *argv[])
{
  char spec[SCHED_TEXT_LEN];
  int n = 0;

  if (argc == 1)
    return show_current();
  if (argc == 2 && strcmp(argv[1], "-l") == 0)
    return list(0);
  if (argc == 2 && strcmp(argv[1], "-r") == 0)
    return list(1);
  if (argv[1][0] == '-') {
    usage();
    return 1;
  }
  /* The kernel takes the whole line as one string. */
  spec[0] = '\0';
  for (int i = 1; i < argc; i++) {
    int len = strlen(argv[i]);
    if (n + len + 2 > (int)sizeof(spec)) {
      fprintf(2, "sched: too long\n");
      return 1;
    }
    if (i > 1)
      spec[n++] = ' ';
    strcpy(spec + n, argv[i]);
    n += len;
  }
  if (sched_set(spec) < 0) {
    if (errno == EINVAL)
      sched_explain("sched", spec);
    else
      fprintf(2, "sched: %s: %s\n", spec, strerror(errno));
    usage();
    return 1;
  }
  return show_current();
}
