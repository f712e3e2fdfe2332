/*
 * gantt: draw what ran on each hart, from the kernel's scheduling trace
 * (kernel/schedtrace.h), as a Gantt chart in the terminal.
 *
 *   $ gantt schedtest -p rr -l 30,30,30       run a command, then draw its run
 *   $ gantt                                   draw the last 2 seconds
 *
 *   hart 0 |AAABBBCCCAAABBBCCCAAABBBCCC.......|
 *           0ms      25ms      50ms      75ms
 *   A pid 5 schedtest  30.1ms   B pid 6 schedtest  30.0ms ...
 *
 * One row per hart, one column per slice of time (the run divided into
 * the width, 64 columns unless -w says otherwise); a column shows the
 * process that ran longest in it, '.' for none. The legend gives each
 * letter's process and the CPU time it had in the chart.
 *
 * Options: -w COLUMNS, -s SECONDS (gantt alone: how far back), and -r:
 * print the run's events instead, one line each, as the host's
 * scripts/gantt.py reads them:
 *   EV SEQ TIME_US HART PID TYPE ARG NAME    (times from the run's start)
 */
#include "kernel/types.h"
#include "kernel/errno.h"
#include "kernel/param.h"
#include "user/ulib.h"

#define MAX_EVENTS 4096       /* the kernel keeps as many */
#define BATCH      256
#define WIDTH      64
#define MAX_WIDTH  200
#define MAX_PIDS   62         /* letters A-Z, a-z, 0-9 */
#define US_PER_MS  1000
#define US_PER_SEC 1000000

static struct schedevent events[MAX_EVENTS];
static int nevents;
static uint64 dropped;

static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
static int pids[MAX_PIDS];
static char names[MAX_PIDS][16];
static uint64 cpu_us[MAX_PIDS];
static int npids;

/* Reads every event from *cursor on (keeping the last MAX_EVENTS). */
static void
read_trace(uint64 *cursor)
{
  static struct schedevent batch[BATCH];
  int n;

  while ((n = schedtrace(batch, BATCH, cursor)) > 0) {
    for (int i = 0; i < n; i++) {
      if (batch[i].type == SCHED_EV_DROPPED) {
        dropped += batch[i].arg;
        continue;
      }
      if (nevents == MAX_EVENTS) {
        memmove(events, events + 1, sizeof(events[0]) * (MAX_EVENTS - 1));
        nevents--;
        dropped++;
      }
      events[nevents++] = batch[i];
    }
  }
  if (n < 0)
    fprintf(2, "gantt: schedtrace: %s\n", strerror(errno));
}

static int
slot_of(struct schedevent *e)
{
  int i;

  for (i = 0; i < npids && pids[i] != e->pid; i++)
    ;
  if (i == npids) {
    if (npids == MAX_PIDS)
      return MAX_PIDS - 1;   /* the last letter stands for all the rest */
    pids[npids++] = e->pid;
  }
  /* The latest name: a process is called after the program it runs now. */
  memmove(names[i], e->name, sizeof(names[0]));
  names[i][sizeof(names[0]) - 1] = '\0';
  return i;
}

/* The chart's cells: who ran longest in each column of each hart. */
static uint64 cellsum[NCPU][MAX_WIDTH][MAX_PIDS];
static int harts_seen[NCPU];

/* Credits slot with the part of [from, to) that falls in each column. */
static void
paint(int hart, int slot, uint64 from, uint64 to, uint64 t0, uint64 t1, int width)
{
  if (to <= t0 || from >= t1 || hart < 0 || hart >= NCPU)
    return;
  if (from < t0)
    from = t0;
  if (to > t1)
    to = t1;
  cpu_us[slot] += to - from;
  uint64 span = t1 - t0;
  for (int c = (from - t0) * width / span; c < width; c++) {
    uint64 cs = t0 + span * c / width, ce = t0 + span * (c + 1) / width;
    if (cs >= to)
      break;
    uint64 a = from > cs ? from : cs, b = to < ce ? to : ce;
    if (b > a)
      cellsum[hart][c][slot] += b - a;
  }
}

static void
draw(uint64 t0, uint64 t1, int width)
{
  uint64 start[NCPU];
  int running[NCPU];

  for (int h = 0; h < NCPU; h++)
    running[h] = -1;
  for (int i = 0; i < nevents; i++) {
    struct schedevent *e = &events[i];
    if (e->hart < 0 || e->hart >= NCPU)
      continue;
    harts_seen[e->hart] = 1;
    if (e->pid != 0 && e->type != SCHED_EV_DISPATCH) {
      /* Any event tells the process's name then (exec renames it). */
      for (int s = 0; s < npids; s++) {
        if (pids[s] == e->pid)
          memmove(names[s], e->name, sizeof(names[0]));
      }
    }
    if (e->type == SCHED_EV_DISPATCH) {
      running[e->hart] = slot_of(e);
      start[e->hart] = e->time_us;
    } else if ((e->type == SCHED_EV_PREEMPT || e->type == SCHED_EV_BLOCK ||
                e->type == SCHED_EV_EXIT) && running[e->hart] >= 0) {
      paint(e->hart, running[e->hart], start[e->hart], e->time_us, t0, t1, width);
      running[e->hart] = -1;
    }
  }
  for (int h = 0; h < NCPU; h++) {
    if (running[h] >= 0)   /* still running at the end */
      paint(h, running[h], start[h], t1, t0, t1, width);
  }

  for (int h = 0; h < NCPU; h++) {
    if (!harts_seen[h])
      continue;
    char row[MAX_WIDTH + 1];
    for (int c = 0; c < width; c++) {
      int best = -1;
      uint64 most = 0;
      for (int s = 0; s < npids; s++) {
        if (cellsum[h][c][s] > most) {
          most = cellsum[h][c][s];
          best = s;
        }
      }
      row[c] = best < 0 ? '.' : letters[best];
    }
    row[width] = '\0';
    printf("hart %d |%s|\n", h, row);
  }

  /* The time axis: a label every 16 columns. */
  char axis[MAX_WIDTH + 32];
  int n = 0;
  memset(axis, ' ', sizeof(axis));
  for (int c = 0; c <= width - 4; c += 16) {
    char label[16];
    int len = snprintf(label, sizeof(label), "%lums", (t1 - t0) * c / width / US_PER_MS);
    memmove(axis + 8 + c, label, len);
    n = 8 + c + len;
  }
  axis[n] = '\0';
  printf("%s\n", axis);

  for (int s = 0; s < npids; s++) {
    printf("%c pid %d %s %lu.%lums%s", letters[s], pids[s], names[s], cpu_us[s] / US_PER_MS,
           cpu_us[s] % US_PER_MS / 100, (s + 1) % 3 == 0 || s + 1 == npids ? "\n" : "   ");
  }
  if (dropped)
    printf("(the trace dropped %lu events; the start of the chart may be missing turns)\n", dropped);
}

static void
usage(void)
{
  fprintf(2, "usage: gantt [-w COLUMNS] [-s SECONDS] [-r] [command [arg...]]\n");
  exit(2);
}

int
main(int argc, char *argv[])
{
  int width = WIDTH, seconds = 2, raw = 0, first = 1;
  uint64 cursor, t0, t1;

  for (; first < argc && argv[first][0] == '-'; first++) {
    if (strcmp(argv[first], "-r") == 0)
      raw = 1;
    else if (strcmp(argv[first], "-w") == 0 && first + 1 < argc && is_number(argv[first + 1]))
      width = atoi(argv[++first]);
    else if (strcmp(argv[first], "-s") == 0 && first + 1 < argc && is_number(argv[first + 1]))
      seconds = atoi(argv[++first]);
    else
      usage();
  }
  if (width < 8 || width > MAX_WIDTH || seconds < 1)
    usage();

  if (first < argc) {
    cursor = SCHED_TRACE_NOW;
    schedtrace(events, 0, &cursor);   /* from the next event on */
    t0 = uptime_us();
    int pid = fork();
    if (pid < 0) {
      fprintf(2, "gantt: fork: %s\n", strerror(errno));
      exit(1);
    }
    if (pid == 0)
      exec_or_exit("gantt", argv + first);
    waitpid(pid, 0, 0);
    t1 = uptime_us();
  } else {
    cursor = 0;
    t1 = uptime_us();
    t0 = t1 > (uint64)seconds * US_PER_SEC ? t1 - (uint64)seconds * US_PER_SEC : 0;
  }
  read_trace(&cursor);
  if (raw) {
    for (int i = 0; i < nevents; i++) {
      struct schedevent *e = &events[i];
      if (e->time_us < t0)
        continue;
      printf("EV %lu %lu %d %d %d %d %s\n", e->seq, e->time_us - t0, e->hart, e->pid,
             e->type, e->arg, e->name[0] ? e->name : "-");
    }
    printf("EV END %lu dropped %lu\n", t1 - t0, dropped);
    return 0;
  }
  if (t1 <= t0)
    t1 = t0 + 1;
  draw(t0, t1, width);
  return 0;
}
