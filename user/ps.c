/*
 * ps: list the processes, one row each, ordered by pid, from the proclist
 * system call (kernel/procinfo.h), a screenful of them at a time: with a
 * thousand processes, ps needs no room for a thousand.
 *
 *   PID  PPID  PGID S     TIME    MEM NAME
 *     1     0     1 S  0:00.01    12K init
 *
 * S is the state as a letter: R runnable or running, S sleeping (blocked),
 * T stopped, Z zombie (exited, not yet reaped), N being created. TIME is
 * the CPU time used so far, user and kernel together, as
 * minutes:seconds.hundredths; MEM is the memory it has in RAM (its
 * resident pages: pages come at first touch, so this is what it has used,
 * not what it may use).
 *
 * `ps -l` adds the split of TIME into USER and SYS, the time since the
 * process was created (AGE), how many times it was given a hart (SCHED),
 * the hart it last ran on (CPU, - if it never ran), and what the
 * scheduler knows of it: its nice value (NI), tickets (TIX), the queue
 * it is on in mlfq or prio (LV, - in other policies), the time it has
 * spent runnable but waiting for a hart (WAIT) and the predicted length
 * of its next CPU burst in ms (EST, what sjf and stcf go by); then its
 * memory: page faults served (FLT), virtual size (VSZ: all the address
 * space it may touch, with the whole stack limit and any heap reserved by
 * sbrk) and resident size (RSS, the same as MEM).
 */
#include "kernel/types.h"
#include "user/ulib.h"

#define KIB 1024

#define CPU_MAX  12   /* the CPU column: a hart number or - */
#define MORE_MAX 160  /* ps -l's columns, however wide the numbers */
#define LEVEL_MAX 12  /* the LV column: a number or - */
#define US_PER_MS 1000

#define CHUNK 32      /* processes asked for at a time */

static struct procinfo procs[CHUNK];

/*
 * The header and each row are one printf, so one write: a row never
 * mixes with what other processes print meanwhile. The widths in the two
 * formats must agree; ps -l's columns go in between TIME and MEM.
 */
static void
print_header(int longform)
{
  char more[MORE_MAX] = "";

  if (longform)
    snprintf(more, sizeof(more), "%8s %8s %8s %6s %3s %3s %6s %2s %8s %5s %6s %8s ",
             "USER", "SYS", "AGE", "SCHED", "CPU", "NI", "TIX", "LV", "WAIT", "EST", "FLT",
             "VSZ");
  printf("%5s %5s %5s %s %8s %s%6s %s\n",
         "PID", "PPID", "PGID", "S", "TIME", more, longform ? "RSS" : "MEM", "NAME");
}

static void
print_proc(struct procinfo *p, uint64 now_us, int longform)
{
  char time[DURATION_MAX], user[DURATION_MAX], sys[DURATION_MAX], age[DURATION_MAX];
  char wait[DURATION_MAX], est[DURATION_MAX];
  char cpu[CPU_MAX] = "-", level[LEVEL_MAX] = "-";
  char more[MORE_MAX] = "";

  if (longform) {
    if (p->lastcpu >= 0)
      snprintf(cpu, sizeof(cpu), "%d", p->lastcpu);
    if (p->level >= 0)
      snprintf(level, sizeof(level), "%d", p->level);
    snprintf(est, sizeof(est), "%lu.%lu", p->estimate_us / US_PER_MS,
             p->estimate_us % US_PER_MS / (US_PER_MS / 10));
    snprintf(more, sizeof(more), "%8s %8s %8s %6lu %3s %3d %6d %2s %8s %5s %6lu %7luK ",
             fmt_duration(user, sizeof(user), p->utime_us),
             fmt_duration(sys, sizeof(sys), p->stime_us),
             fmt_duration(age, sizeof(age), now_us - p->start_us),
             p->nsched, cpu, p->nice, p->tickets, level,
             fmt_duration(wait, sizeof(wait), p->wait_us),
             est, p->faults, (p->vsz + KIB - 1) / KIB);
  }
  printf("%5d %5d %5d %c %8s %s%5luK %s\n",
         p->pid, p->ppid, p->pgid, proc_state_letter(p->state),
         fmt_duration(time, sizeof(time), p->utime_us + p->stime_us),
         more, (p->rss + KIB - 1) / KIB, p->name);
}

int
main(int argc, char *argv[])
{
  int longform = 0, n, i, after;
  uint64 now;

  if (argc == 2 && strcmp(argv[1], "-l") == 0) {
    longform = 1;
  } else if (argc != 1) {
    fprintf(2, "usage: ps [-l]\n");
    exit(1);
  }
  now = uptime_us();
  print_header(longform);
  /* The kernel lists them in pid order, from the first above after. */
  for (after = 0;; after = procs[n - 1].pid) {
    n = proclist(after, procs, CHUNK);
    if (n < 0) {
      fprintf(2, "ps: proclist: %s\n", strerror(errno));
      exit(1);
    }
    if (n == 0)
      break;
    for (i = 0; i < n; i++)
      print_proc(&procs[i], now, longform);
  }
  return 0;
}
