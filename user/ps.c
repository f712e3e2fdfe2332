/*
 * ps: list the processes, one row each, ordered by pid, from the procinfo
 * system call (kernel/procinfo.h).
 *
 *   PID  PPID  PGID S     TIME    MEM NAME
 *     1     0     1 S  0:00.01    12K init
 *
 * S is the state as a letter: R runnable or running, S sleeping (blocked),
 * T stopped, Z zombie (exited, not yet reaped), N being created. TIME is
 * the CPU time used so far, user and kernel together, as
 * minutes:seconds.hundredths; MEM is the process's user memory.
 *
 * `ps -l` adds the split of TIME into USER and SYS, the time since the
 * process was created (AGE), how many times it was given a hart (SCHED)
 * and the hart it last ran on (CPU, - if it never ran).
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "user/user.h"

#define US_PER_SEC    1000000
#define CENTI_PER_SEC 100
#define US_PER_CENTI  (US_PER_SEC / CENTI_PER_SEC)
#define SEC_PER_MIN   60
#define DECIMAL       10
#define KIB           1024

#define ROW_MAX   128   /* longest row; wider columns are cut off */
#define FIELD_MAX 24    /* longest formatted number or time */

/* Column widths. */
#define W_PID   5
#define W_STATE 1
#define W_TIME  8
#define W_MEM   6
#define W_SCHED 6
#define W_CPU   3

/* Static: the user stack is a single page. */
static struct procinfo procs[NPROC];

/* One row of output, built up column by column and written at once. */
struct row {
  char buf[ROW_MAX];
  int len;
};

static void
row_char(struct row *r, char c)
{
  if (r->len < ROW_MAX - 1)
    r->buf[r->len++] = c;
}

/* Appends s right-aligned in width columns (width 0: as it is), then a
   space to separate it from the next column. */
static void
row_field(struct row *r, const char *s, int width)
{
  int pad;

  for (pad = width - (int)strlen(s); pad > 0; pad--)
    row_char(r, ' ');
  while (*s != '\0')
    row_char(r, *s++);
  row_char(r, ' ');
}

static void
row_print(struct row *r)
{
  r->buf[r->len - 1] = '\n';   /* in place of the last separator */
  write(1, r->buf, r->len);
  r->len = 0;
}

/* Writes v in decimal at p, zero-padded to at least mindigits digits,
   and terminates it. Returns the end of what it wrote. */
static char *
put_uint(char *p, uint64 v, int mindigits)
{
  char digits[FIELD_MAX];
  int n = 0;

  do {
    digits[n++] = '0' + v % DECIMAL;
    v /= DECIMAL;
  } while (v != 0 || n < mindigits);
  while (n > 0)
    *p++ = digits[--n];
  *p = '\0';
  return p;
}

/* v in decimal, in buf (FIELD_MAX bytes). Returns buf. */
static char *
fmt_uint(char *buf, uint64 v)
{
  put_uint(buf, v, 1);
  return buf;
}

/* A time in microseconds as M:SS.cc, in buf. Returns buf. */
static char *
fmt_time(char *buf, uint64 us)
{
  uint64 centis = us / US_PER_CENTI;
  uint64 secs = centis / CENTI_PER_SEC;
  char *p;

  p = put_uint(buf, secs / SEC_PER_MIN, 1);
  *p++ = ':';
  p = put_uint(p, secs % SEC_PER_MIN, 2);
  *p++ = '.';
  put_uint(p, centis % CENTI_PER_SEC, 2);
  return buf;
}

/* Memory in bytes as whole KiB, e.g. 12K. Returns buf. */
static char *
fmt_mem(char *buf, uint64 bytes)
{
  strcpy(put_uint(buf, (bytes + KIB - 1) / KIB, 1), "K");
  return buf;
}

static void
print_header(int longform)
{
  struct row r = { .len = 0 };

  row_field(&r, "PID", W_PID);
  row_field(&r, "PPID", W_PID);
  row_field(&r, "PGID", W_PID);
  row_field(&r, "S", W_STATE);
  row_field(&r, "TIME", W_TIME);
  if (longform) {
    row_field(&r, "USER", W_TIME);
    row_field(&r, "SYS", W_TIME);
    row_field(&r, "AGE", W_TIME);
    row_field(&r, "SCHED", W_SCHED);
    row_field(&r, "CPU", W_CPU);
  }
  row_field(&r, "MEM", W_MEM);
  row_field(&r, "NAME", 0);
  row_print(&r);
}

static void
print_proc(struct procinfo *p, uint64 now_us, int longform)
{
  struct row r = { .len = 0 };
  char f[FIELD_MAX];
  char state[] = { proc_state_letter(p->state), '\0' };

  row_field(&r, fmt_uint(f, p->pid), W_PID);
  row_field(&r, fmt_uint(f, p->ppid), W_PID);
  row_field(&r, fmt_uint(f, p->pgid), W_PID);
  row_field(&r, state, W_STATE);
  row_field(&r, fmt_time(f, p->utime_us + p->stime_us), W_TIME);
  if (longform) {
    row_field(&r, fmt_time(f, p->utime_us), W_TIME);
    row_field(&r, fmt_time(f, p->stime_us), W_TIME);
    row_field(&r, fmt_time(f, now_us - p->start_us), W_TIME);
    row_field(&r, fmt_uint(f, p->nsched), W_SCHED);
    row_field(&r, p->lastcpu < 0 ? "-" : fmt_uint(f, p->lastcpu), W_CPU);
  }
  row_field(&r, fmt_mem(f, p->sz), W_MEM);
  row_field(&r, p->name, 0);
  row_print(&r);
}

/* Orders procs[0..n) by pid; the table's order is that of its slots. */
static void
sort_by_pid(int n)
{
  struct procinfo key;
  int i, j;

  for (i = 1; i < n; i++) {
    key = procs[i];
    for (j = i; j > 0 && procs[j - 1].pid > key.pid; j--)
      procs[j] = procs[j - 1];
    procs[j] = key;
  }
}

int
main(int argc, char *argv[])
{
  int longform = 0, n, i;
  uint64 now;

  if (argc == 2 && strcmp(argv[1], "-l") == 0) {
    longform = 1;
  } else if (argc != 1) {
    fprintf(2, "usage: ps [-l]\n");
    exit(1);
  }
  n = procinfo(-1, procs, NPROC);
  if (n < 0) {
    fprintf(2, "ps: procinfo: %s\n", strerror(errno));
    exit(1);
  }
  now = uptime_us();
  sort_by_pid(n);
  print_header(longform);
  for (i = 0; i < n; i++)
    print_proc(&procs[i], now, longform);
  return 0;
}
