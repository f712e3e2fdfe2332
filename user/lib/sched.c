/*
 * sched.c: help for programs that switch scheduling policies
 * (kernel/schedinfo.h): the policy in use as text, and, since the kernel
 * answers a bad sched_set with EINVAL alone, sched_explain, which works
 * out from sched_info which part was bad.
 */
#include "kernel/types.h"
#include "user/ulib.h"

ULIB_EXTRA int sched_current(char *buf, int size)
{
  struct schedinfo si;

  if (sched_info(-1, &si) < 0)
    return -1;
  snprintf(buf, size, "%s%s%s", si.name, si.params[0] ? " " : "", si.params);
  return 0;
}

/* The policy named by the first len bytes of name into *si; 0 if none. */
static int find_policy(const char *name, int len, struct schedinfo *si)
{
  for (int i = 0; sched_info(i, si) == 0; i++)
    if ((int)strlen(si->name) == len && memcmp(si->name, name, len) == 0)
      return 1;
  return 0;
}

ULIB_EXTRA void sched_explain(const char *who, const char *spec)
{
  struct schedinfo si;
  char name[SCHED_NAME_LEN];
  int len = 0;

  while (spec[len] && spec[len] != ' ' && spec[len] != ',')
    len++;
  if (!find_policy(spec, len, &si)) {
    if (len >= (int)sizeof(name))
      len = sizeof(name) - 1;
    memmove(name, spec, len);
    name[len] = '\0';
    fprintf(2, "%s: %s: no such policy (sched -l lists them)\n", who, name);
  } else if (!si.ranges[0]) {
    fprintf(2, "%s: %s: %s takes no parameters\n", who, spec, si.name);
  } else {
    fprintf(2, "%s: %s: a parameter %s does not take, or a value out of range\n"
               "%s takes: %s\n", who, spec, si.name, si.name, si.ranges);
  }
}
