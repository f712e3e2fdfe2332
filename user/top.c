/*
 * top: a live view of the processes and harts, redrawn every second.
 *
 *   top - up 0:05:12, 9 processes: 1 running, 7 sleeping, 1 stopped, 0 zombie
 *   policy: rr quantum=10ms
 *   load: hart 0 98%, hart 1 2%, hart 2 0%
 *   memory: 120312 KiB free of 130048, 240 KiB shared, 180 KiB program text
 *
 *     PID  PPID S  %CPU     TIME      VSZ    RSS NAME
 *       5     2 R    99  0:12.34     300K    12K spin
 *
 * A process's %CPU is the share of one hart it used since the previous
 * redraw (a process is on one hart at a time, so at most 100); a hart's
 * load is the share of that interval it spent running processes. The
 * first screen counts from each process's creation and from boot. Rows
 * are ordered by %CPU, busiest first, and stop at MAX_ROWS (a last line
 * says how many more there are); the counts at the top are of all of
 * them. TIME, VSZ and RSS are as in ps -l.
 * Memory that is shared is mapped by two processes or more (copy-on-write
 * after fork, or the text of a program several run); program text is
 * what the kernel keeps of running programs for the next to share.
 *
 * Keys: q or Ctrl-C quits, Ctrl-Z suspends top like any job. To see a key
 * at once, without Enter, and to look for keys between redraws without
 * waiting for one, top puts the console in raw, non-blocking mode, and
 * puts the old mode back on every way out (and while suspended).
 *
 *   top -n N    quit after N screens (for scripts and tests)
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "user/ulib.h"

#define US_PER_SEC    1000000
#define SEC_PER_MIN   60
#define MIN_PER_HOUR  60
#define SEC_PER_HOUR  (MIN_PER_HOUR * SEC_PER_MIN)
#define PERCENT       100
#define KIB           1024

#define REFRESH_TICKS TICK_HZ          /* one screen a second */
#define KEY_TICKS     (TICK_HZ / 10)   /* look for a key ten times a second */
#define KEYBUF_SIZE   16

#define CTRL(x)   ((x) - '@')          /* the byte Ctrl+x sends in raw mode */
#define KEY_QUIT  'q'
#define KEY_INTR  CTRL('C')
#define KEY_SUSP  CTRL('Z')

#define CLEAR_SCREEN "\033[H\033[2J"   /* ANSI: cursor home, erase screen */
#define MAX_ROWS      30               /* processes shown: a screenful */

/* What one process had used at the previous screen. */
struct sample {
  int pid;
  uint64 start_us;    /* with pid, tells a reused pid from the same process */
  uint64 cpu_us;
};

/* As many as there can be processes (NPROC), in pid order as the
   kernel lists them. */
static struct procinfo procs[NPROC];
static int pcts[NPROC];               /* %CPU of procs[i] */
static int order[NPROC];              /* indexes of procs, busiest first */
static struct sample prev[NPROC];     /* the previous screen's processes, by pid */
static int nprev;
static uint64 prev_us;                /* when the previous screen was taken */
static struct hartinfo harts[NCPU];
static struct hartinfo prev_harts[NCPU];

/* ---------- Measuring ---------- */

/* part as a whole percentage of total (0 if total is 0). */
static int
percent(uint64 part, uint64 total)
{
  return total == 0 ? 0 : part * PERCENT / total;
}

/* pcts[i]: %CPU of each process since the previous screen, or since it
   was created if it is newer than that. procs and prev are both in pid
   order, so one walk through each matches them up. */
static void
cpu_percents(int n, uint64 now)
{
  int i, j = 0;

  for (i = 0; i < n; i++) {
    struct procinfo *p = &procs[i];
    uint64 cpu = p->utime_us + p->stime_us;
    while (j < nprev && prev[j].pid < p->pid)
      j++;
    if (j < nprev && prev[j].pid == p->pid && prev[j].start_us == p->start_us)
      pcts[i] = percent(cpu - prev[j].cpu_us, now - prev_us);
    else
      pcts[i] = percent(cpu, now - p->start_us);
  }
}

/* Is procs[a] to be shown before procs[b]: busier, or as busy and older? */
static int
before(int a, int b)
{
  return pcts[a] > pcts[b] || (pcts[a] == pcts[b] && procs[a].pid < procs[b].pid);
}

/* order[0..n): procs by %CPU, then by pid. An insertion sort, of
   indexes: the processes come in pid order, and most use no CPU, so
   few move far. */
static void
sort_by_cpu(int n)
{
  int i, j, key;

  for (i = 0; i < n; i++) {
    key = i;
    for (j = i; j > 0 && before(key, order[j - 1]); j--)
      order[j] = order[j - 1];
    order[j] = key;
  }
}

/* Remembers this screen's processes and harts for the next one. */
static void
remember(int n, int nharts, uint64 now)
{
  int i;

  for (i = 0; i < n; i++) {
    prev[i].pid = procs[i].pid;
    prev[i].start_us = procs[i].start_us;
    prev[i].cpu_us = procs[i].utime_us + procs[i].stime_us;
  }
  nprev = n;
  prev_us = now;
  for (i = 0; i < nharts; i++)
    prev_harts[i] = harts[i];
}

/* ---------- Drawing ---------- */

static void
print_summary(int n, uint64 now)
{
  int count[NPROCSTATE] = { 0 };
  uint64 up = now / US_PER_SEC;
  int i;

  for (i = 0; i < n; i++) {
    if (procs[i].state >= 0 && procs[i].state < NPROCSTATE)
      count[procs[i].state]++;
  }
  printf("top - up %lu:%02lu:%02lu, %d processes: %d running, %d sleeping, %d stopped, %d zombie\n",
         up / SEC_PER_HOUR, up % SEC_PER_HOUR / SEC_PER_MIN, up % SEC_PER_MIN,
         n, count[RUNNING] + count[RUNNABLE], count[SLEEPING], count[STOPPED], count[ZOMBIE]);
}

/* The scheduling policy in use: "policy: rr quantum=10ms". */
static void
print_policy(void)
{
  char spec[2 * SCHED_TEXT_LEN];

  if (sched_current(spec, sizeof spec) == 0)
    printf("policy: %s\n", spec);
}

/* Each hart's load: "load: hart 0 98%, hart 1 2%". */
static void
print_harts(int nharts)
{
  int i;

  printf("load:");
  for (i = 0; i < nharts; i++) {
    printf(" hart %d %d%%%s", harts[i].hartid,
           percent(harts[i].busy_us - prev_harts[i].busy_us,
                   harts[i].up_us - prev_harts[i].up_us),
           i + 1 < nharts ? "," : "");
  }
  printf("\n");
}

/* One printf a row, as in ps; the header's widths match the rows'. */
static void
print_table(int n)
{
  char time[DURATION_MAX];
  int i;

  printf("%5s %5s %s %5s %8s %8s %6s %s\n", "PID", "PPID", "S", "%CPU", "TIME", "VSZ", "RSS",
         "NAME");
  for (i = 0; i < n && i < MAX_ROWS; i++) {
    struct procinfo *p = &procs[order[i]];
    printf("%5d %5d %c %5d %8s %7luK %5luK %s\n",
           p->pid, p->ppid, proc_state_letter(p->state), pcts[order[i]],
           fmt_duration(time, sizeof(time), p->utime_us + p->stime_us),
           (p->vsz + KIB - 1) / KIB, (p->rss + KIB - 1) / KIB, p->name);
  }
  if (n > MAX_ROWS)
    printf("(%d more processes)\n", n - MAX_ROWS);
}

/* Takes the numbers and draws one screen. Returns 0, or -1 if the kernel
   would not tell. */
static int
draw(void)
{
  uint64 now;
  int n, nharts;

  n = procinfo(-1, procs, NPROC);
  nharts = hartinfo(harts, NCPU);
  now = uptime_us();
  if (n < 0 || nharts < 0)
    return -1;
  cpu_percents(n, now);
  write(1, CLEAR_SCREEN, sizeof(CLEAR_SCREEN) - 1);
  print_summary(n, now);
  print_policy();
  print_harts(nharts);
  struct meminfo mi;
  if (meminfo(&mi) == 0)
    printf("memory: %lu KiB free of %lu, %lu KiB shared, %lu KiB program text\n\n",
           mi.free * (PGSIZE / KIB), mi.total * (PGSIZE / KIB), mi.shared * (PGSIZE / KIB),
           mi.text * (PGSIZE / KIB));
  remember(n, nharts, now);
  sort_by_cpu(n);
  print_table(n);
  return 0;
}

/* ---------- The keyboard ---------- */

static int keyboard;      /* is standard input the console, in raw mode? */
static int saved_mode;    /* the console's mode before top changed it */

/* The keyboard belongs to the console's foreground group. Put in the
   background (started with &, or by bg after Ctrl-Z), top stops itself
   until fg brings it back, as Unix stops a background reader. SIGSTOP,
   because it cannot be ignored: this must not turn into a busy loop. */
static void
wait_for_foreground(void)
{
  int fg;

  while ((fg = tcgetpgrp(0)) > 0 && fg != getpgid(0))
    sigsend(0, SIGSTOP);
}

/* Raw mode if standard input is the console; remembers the old mode. */
static void
keyboard_on(void)
{
  int mode;

  if (tcgetpgrp(0) < 0)
    return;   /* not the console: top runs without keys */
  wait_for_foreground();
  mode = ioctl(0, CON_SETMODE, CON_RAW | CON_NONBLOCK);
  keyboard = mode >= 0;
  saved_mode = mode;
}

static void
keyboard_off(void)
{
  if (keyboard)
    ioctl(0, CON_SETMODE, saved_mode);
  keyboard = 0;
}

/* Ctrl-Z: stop the job top is in, as the console does for other
   programs; the console gets its old mode back meanwhile. */
static void
suspend_self(void)
{
  keyboard_off();
  sigsend(0, SIGTSTP);
  keyboard_on();   /* continued */
}

/* Waits up to ticks for the next screen, acting on keys meanwhile.
   Returns 1 if the user asked to quit. */
static int
wait_for_key(int ticks)
{
  char keys[KEYBUF_SIZE];
  int waited, n, i;

  for (waited = 0; waited < ticks; waited += KEY_TICKS) {
    sleep(KEY_TICKS);
    if (!keyboard)
      continue;
    n = read(0, keys, sizeof(keys));
    for (i = 0; i < n; i++) {
      if (keys[i] == KEY_QUIT || keys[i] == KEY_INTR)
        return 1;
      if (keys[i] == KEY_SUSP) {
        suspend_self();
        return 0;   /* redraw at once: the numbers are stale */
      }
    }
  }
  return 0;
}

int
main(int argc, char *argv[])
{
  int screens = 0, shown, status = 0;   /* screens 0: until q */

  if (argc == 3 && strcmp(argv[1], "-n") == 0 && atoi(argv[2]) > 0) {
    screens = atoi(argv[2]);
  } else if (argc != 1) {
    fprintf(2, "usage: top [-n screens]\n");
    exit(1);
  }
  keyboard_on();
  for (shown = 0; screens == 0 || shown < screens; shown++) {
    if (shown > 0 && wait_for_key(REFRESH_TICKS))
      break;
    if (draw() < 0) {
      fprintf(2, "top: cannot read the process table: %s\n", strerror(errno));
      status = 1;
      break;
    }
  }
  keyboard_off();
  return status;
}
