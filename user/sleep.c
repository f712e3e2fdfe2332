/*
 * sleep: do nothing for the given number of seconds, without using the
 * CPU: the kernel takes the process off the run queue until the time is
 * up. Whole seconds wait for timer ticks (TICK_HZ a second), as xv6's
 * sleep does; a fraction (sleep 0.25, down to microseconds) uses usleep,
 * which does not round to the tick. Ctrl-C ends it early; Ctrl-Z stops
 * it, and when continued it sleeps only the time that was left.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "user/ulib.h"

#define US_PER_SEC 1000000
#define MAX_SECONDS 1000000   /* about 11.6 days: what usleep takes */

/* "S" or "S.FFFFFF" into microseconds; -1 if it is neither. */
static int64
parse_seconds(const char *s)
{
  int64 us = 0, scale = US_PER_SEC;
  const char *p = s;

  if (*p == '\0' || *p == '.')
    return -1;
  for (; *p >= '0' && *p <= '9'; p++) {
    us = us * 10 + (*p - '0');
    if (us > MAX_SECONDS)
      return -1;
  }
  us *= US_PER_SEC;
  if (*p == '.') {
    for (p++; *p >= '0' && *p <= '9'; p++) {
      scale /= 10;
      us += (*p - '0') * scale;  /* digits past the microsecond add 0 */
    }
  }
  return *p == '\0' ? us : -1;
}

int
main(int argc, char *argv[])
{
  int64 us = argc == 2 ? parse_seconds(argv[1]) : -1;
  int r;

  if (us < 0) {
    fprintf(2, "usage: sleep seconds    (whole, or with a fraction: sleep 0.5; at most %d)\n",
            MAX_SECONDS);
    exit(1);
  }
  if (us % US_PER_SEC == 0)
    r = sleep(us / US_PER_SEC * TICK_HZ);
  else
    r = usleep(us);
  if (r < 0) {
    fprintf(2, "sleep: %s\n", strerror(errno));
    exit(1);
  }
  return 0;
}
