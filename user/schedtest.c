/*
 * schedtest: OSTEP's scheduling homework (scheduler.py, mlfq.py,
 * lottery.py) on the real kernel. It starts one CPU-bound job per length,
 * runs them under a policy, and prints the table `scheduler.py -c`
 * prints, measured rather than simulated:
 *
 *   $ schedtest -p fcfs -l 300,100,200
 *   policy: fcfs
 *   Here is the job list, with the run time of each job:
 *     Job 0 ( length = 300, arrival = 0 )
 *     ...
 *   Final statistics:
 *     Job   0 -- Response: 0.00  Turnaround 300.00  Wait 0.00
 *     ...
 *     Average -- Response: 133.33  Turnaround 333.33  Wait 133.33
 *
 * Options (lists are per job, in job order, comma-separated):
 *   -p POLICY[,P=V...]  the policy for the run (sched -l lists them), back
 *                       to the one in use afterwards; a list value goes on
 *                       after its commas: -p mlfq,quantum=10,20,40,boost=500
 *   -q MS               the policy's quantum
 *   -l L0,L1,...        each job's CPU time, in ms (required)
 *   -a A0,...           each job's arrival, ms after the start (default 0)
 *   -i EVERY:IO,...     each job sleeps IO ms after every EVERY ms of CPU
 *   -t T0,...           each job's tickets (lottery, stride)
 *   -n N0,...           each job's nice value (prio)
 *
 * Under a policy with levels (mlfq, prio), a last line gives the level
 * each job was at when it finished: "Levels at the end: 2 0".
 *
 * Times are in ms. Response is the time from a job's arrival to its first
 * run, turnaround from arrival to completion, wait the time it spent
 * runnable but not running (the kernel counts it). Each job declares its
 * length (setexpected) for sjf and stcf.
 *
 * How jobs arrive: every job is forked first and goes to sleep
 * (usleep_until) until the microsecond of its arrival (the start is a few ticks ahead,
 * so that all are asleep by then); the kernel wakes each at its time
 * whatever else is running, and those that arrive together in job order.
 * I/O is a usleep of the time given, to the microsecond as well. A job
 * measures its CPU time from the kernel's accounting, and may overrun
 * its length by a fraction of a millisecond.
 */
#include "kernel/types.h"
#include "kernel/errno.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "user/ulib.h"

#define MAXJOBS    16
#define LEAD_US    30000     /* start this long after the last job is asleep */
#define LEAD_US_PER_JOB 10000 /* and this much more per job, to get them asleep */
#define POLL_US    200       /* how often the parent looks whether a job sleeps */
#define US_PER_MS  1000
#define CHUNK_US   200       /* CPU burned between two looks at the account */
#define TIMEBASE_PER_US 10   /* r_time() runs at 10 MHz on QEMU's virt machine */

struct job {
  int length_ms;             /* CPU time it needs */
  int arrival_ms;
  int io_every_ms, io_ms;    /* 0: no I/O */
  int tickets, nice;         /* 0 / NICE_MAX + 1: leave as inherited */
};

/* What a job reports when it is done (all in us since boot). */
struct result {
  int job;
  int pad;
  uint64 arrival;            /* when it became runnable, released */
  uint64 first;              /* when it first ran after that */
  uint64 end;                /* when it finished */
  uint64 wait;               /* runnable but not running, from arrival to end */
  int level;                 /* its queue when it finished (mlfq, prio), else -1 */
  int pad2;
};

static struct job jobs[MAXJOBS];
static struct result results[MAXJOBS];
static int njobs;

static void
usage(void)
{
  fprintf(2, "usage: schedtest [-p POLICY[,P=V...]] [-q MS] -l L0,L1,... [-a A0,...]\n"
             "                 [-i EVERY:IO,...] [-t TICKETS,...] [-n NICE,...]\n");
  exit(2);
}

/* Parses a signed decimal number from *s, moving past it. */
static int
number(const char **s, int *out)
{
  int sign = 1, v = 0, digits = 0;

  if (**s == '-') {
    sign = -1;
    (*s)++;
  }
  for (; **s >= '0' && **s <= '9'; (*s)++, digits++)
    v = v * 10 + (**s - '0');
  *out = sign * v;
  return digits > 0 ? 0 : -1;
}

/* A comma-separated list into field `which` of each job (0 length,
   1 arrival, 2 tickets, 3 nice, 4 the EVERY:IO pair). Returns how many. */
static int
parse_list(const char *s, int which)
{
  int n = 0;

  while (*s) {
    int v, w = 0;
    if (n == MAXJOBS || number(&s, &v) < 0)
      usage();
    if (which == 4) {
      if (*s++ != ':' || number(&s, &w) < 0)
        usage();
    }
    switch (which) {
    case 0: jobs[n].length_ms = v; break;
    case 1: jobs[n].arrival_ms = v; break;
    case 2: jobs[n].tickets = v; break;
    case 3: jobs[n].nice = v; break;
    case 4: jobs[n].io_every_ms = v; jobs[n].io_ms = w; break;
    }
    n++;
    if (*s == ',')
      s++;
    else if (*s != '\0')
      usage();
  }
  return n;
}

/* -p mlfq,quantum=10,20,40,boost=500 as sched_set takes it:
   "mlfq quantum=10,20,40 boost=500". */
static void
policy_spec(const char *p, char *spec, int size)
{
  int n = 0;

  for (int i = 0; p[i] && n < size - 1; i++) {
    if (p[i] == ',') {
      /* A comma before NAME=... starts the next parameter. */
      int j = i + 1;
      while (p[j] && p[j] != ',' && p[j] != '=')
        j++;
      spec[n++] = p[j] == '=' ? ' ' : ',';
    } else {
      spec[n++] = p[i];
    }
  }
  spec[n] = '\0';
}

/* The policy in use as sched_set takes it. */
static void
current_spec(char *buf, int size)
{
  if (sched_current(buf, size) < 0) {
    fprintf(2, "schedtest: sched_info: %s\n", strerror(errno));
    exit(1);
  }
}

static struct procinfo
self(void)
{
  struct procinfo pi;

  if (procinfo(getpid(), &pi, 1) != 1) {
    fprintf(2, "schedtest: procinfo: %s\n", strerror(errno));
    exit(1);
  }
  return pi;
}

/* Burns CPU for about CHUNK_US of real time. */
static void
burn(void)
{
  uint64 end = r_time() + CHUNK_US * TIMEBASE_PER_US;

  while (r_time() < end)
    ;
}

/* A job: sleep until its arrival, then use its CPU time (with its I/O),
   and report. start_fd gives the start (uptime_us), once every job is
   forked. */
static void
run_job(int i, int start_fd, int result_fd)
{
  struct job *j = &jobs[i];
  struct result r;
  uint64 start;

  setexpected(j->length_ms);
  if (j->tickets > 0 && settickets(j->tickets) < 0)
    fprintf(2, "schedtest: job %d: settickets(%d): %s\n", i, j->tickets, strerror(errno));
  if (j->nice <= NICE_MAX && setpriority(0, j->nice) < 0)
    fprintf(2, "schedtest: job %d: nice %d: %s\n", i, j->nice, strerror(errno));
  if (read(start_fd, &start, sizeof(start)) != sizeof(start))
    exit(1);
  uint64 at = start + (uint64)j->arrival_ms * US_PER_MS, now = uptime_us();
  if (at <= now)
    fprintf(2, "schedtest: job %d got going after its arrival; its times are off\n", i);
  else
    usleep_until(at); /* all that arrive at one time wake in job order */

  struct procinfo pi = self();
  memset(&r, 0, sizeof(r));
  r.job = i;
  r.first = uptime_us();
  r.arrival = pi.ready_us;
  uint64 wait0 = pi.wait_us - (r.first - r.arrival); /* waited before arriving */
  uint64 cpu0 = pi.utime_us + pi.stime_us, last_io = cpu0;
  uint64 need = (uint64)j->length_ms * US_PER_MS;

  for (;;) {
    pi = self();
    uint64 cpu = pi.utime_us + pi.stime_us;
    if (cpu - cpu0 >= need)
      break;
    if (j->io_every_ms > 0 && cpu - last_io >= (uint64)j->io_every_ms * US_PER_MS) {
      usleep((uint64)j->io_ms * US_PER_MS);
      last_io = cpu;
      continue;
    }
    burn();
  }
  r.end = uptime_us();
  pi = self();
  r.wait = pi.wait_us - wait0;
  r.level = pi.level;
  write(result_fd, &r, sizeof(r));
  exit(0);
}

/* "123.45" for a time in us, as ms with two decimals. */
static char *
ms(char *buf, int size, uint64 us)
{
  snprintf(buf, size, "%lu.%02lu", us / US_PER_MS, us % US_PER_MS / 10);
  return buf;
}

static void
report(void)
{
  char a[24], b[24], c[24];
  uint64 sum_resp = 0, sum_turn = 0, sum_wait = 0;

  printf("Final statistics:\n");
  for (int i = 0; i < njobs; i++) {
    struct result *r = &results[i];
    uint64 resp = r->first - r->arrival, turn = r->end - r->arrival;
    sum_resp += resp;
    sum_turn += turn;
    sum_wait += r->wait;
    printf("  Job %3d -- Response: %s  Turnaround %s  Wait %s\n", i,
           ms(a, sizeof a, resp), ms(b, sizeof b, turn), ms(c, sizeof c, r->wait));
  }
  printf("\n  Average -- Response: %s  Turnaround %s  Wait %s\n\n",
         ms(a, sizeof a, sum_resp / njobs), ms(b, sizeof b, sum_turn / njobs),
         ms(c, sizeof c, sum_wait / njobs));
  if (results[0].level >= 0) {
    printf("Levels at the end:");
    for (int i = 0; i < njobs; i++)
      printf(" %d", results[i].level);
    printf("\n");
  }
}

int
main(int argc, char *argv[])
{
  char before[2 * SCHED_TEXT_LEN], spec[2 * SCHED_TEXT_LEN] = "";
  const char *policy = 0, *quantum = 0;
  int release[2], done[2];

  for (int i = 0; i < MAXJOBS; i++)
    jobs[i].nice = NICE_MAX + 1;
  for (int i = 1; i < argc; i++) {
    if (i + 1 >= argc || argv[i][0] != '-' || argv[i][2] != '\0')
      usage();
    const char *v = argv[++i];
    switch (argv[i - 1][1]) {
    case 'p': policy = v; break;
    case 'q': quantum = v; break;
    case 'l': njobs = parse_list(v, 0); break;
    case 'a': parse_list(v, 1); break;
    case 't': parse_list(v, 2); break;
    case 'n': parse_list(v, 3); break;
    case 'i': parse_list(v, 4); break;
    default: usage();
    }
  }
  if (njobs == 0)
    usage();

  current_spec(before, sizeof before);
  if (policy || quantum) {
    if (policy)
      policy_spec(policy, spec, sizeof spec);
    else
      snprintf(spec, sizeof spec, "%s", before);
    if (quantum) {
      int n = strlen(spec);
      snprintf(spec + n, sizeof spec - n, " quantum=%s", quantum);
    }
    if (sched_set(spec) < 0) {
      if (errno == EINVAL)
        sched_explain("schedtest", spec);
      else
        fprintf(2, "schedtest: sched_set(\"%s\"): %s\n", spec, strerror(errno));
      exit(1);
    }
  }
  current_spec(spec, sizeof spec);
  printf("policy: %s\n", spec);
  printf("Here is the job list, with the run time of each job:\n");
  for (int i = 0; i < njobs; i++)
    printf("  Job %d ( length = %d, arrival = %d )\n", i, jobs[i].length_ms, jobs[i].arrival_ms);
  printf("\n");

  if (pipe(release) < 0 || pipe(done) < 0) {
    fprintf(2, "schedtest: pipe: %s\n", strerror(errno));
    exit(1);
  }
  int pids[MAXJOBS];
  for (int i = 0; i < njobs; i++) {
    pids[i] = fork();
    if (pids[i] < 0) {
      fprintf(2, "schedtest: fork: %s\n", strerror(errno));
      exit(1);
    }
    if (pids[i] == 0) {
      close(release[1]);
      close(done[0]);
      run_job(i, release[0], done[1]);
    }
  }
  /* Once all wait for it, hand out the start time, in job order, and
     let each go to sleep before the next is told: jobs that arrive
     together then wake in job order. */
  close(release[0]);
  close(done[1]);
  uint64 start = uptime_us() + LEAD_US + (uint64)njobs * LEAD_US_PER_JOB;
  for (int i = 0; i < njobs; i++) {
    struct procinfo pi;
    write(release[1], &start, sizeof(start));
    while (procinfo(pids[i], &pi, 1) == 1 && pi.state != SLEEPING)
      usleep(POLL_US);
  }

  for (int k = 0; k < njobs; k++) {
    struct result r;
    if (read(done[0], &r, sizeof(r)) != sizeof(r) || r.job < 0 || r.job >= njobs) {
      fprintf(2, "schedtest: a job did not report\n");
      break;
    }
    results[r.job] = r;
  }
  while (wait(0) > 0)
    ;
  if (sched_set(before) < 0)
    fprintf(2, "schedtest: could not go back to %s\n", before);
  report();
  return 0;
}
