/*
 * bench: time the process mechanisms with the kernel's microsecond clock
 * (uptime_us) and print the cost of each.
 *
 *   bench            run every benchmark
 *   bench NAME...    run only these: getpid fork fork16m cowfault lazyfault
 *                    exec execbig pipe pipenotrace sbrk procs switch
 *                    sleepers
 *
 * Each benchmark repeats its operation many times and divides, so the
 * clock's 1 us resolution does not matter; a few untimed rounds first warm
 * up the buffer cache and the allocator. Output, one line per figure:
 *
 *   bench NAME VALUE UNIT   what was measured (how many times)
 *
 * VALUE has three decimals; UNIT is us (microseconds per operation) or
 * procs. scripts/bench.py (`make bench`) runs this several times and
 * summarises the lines. The figures describe this kernel under QEMU, on
 * whatever host runs it: compare them between kernels on one machine.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "user/ulib.h"

#define WARMUP        5
#define GETPID_OPS    100000
#define FORK_OPS      500
#define EXEC_OPS      200
#define PIPE_OPS      10000
#define SBRK_OPS      50
#define SBRK_BYTES    (1024 * 1024)
#define BIG_HEAP      (16 * 1024 * 1024)  /* fork16m's touched heap */
#define COW_PAGES     512                 /* pages cowfault's child writes */
#define COW_ROUNDS    10
#define LAZY_PAGES    4096                /* pages lazyfault touches (16 MiB) */
#define LAZY_ROUNDS   4
#define BIG_PROGRAM   "/bigexec"          /* execbig's 1 MiB program */
#define PAGE_SIZE     4096
#define CHILD_ARG     "--exit-at-once"   /* argv[1] of the exec'd copy */

static char *self_path = "/bench";

static void
die(const char *what)
{
  fprintf(2, "bench: %s: %s\n", what, strerror(errno));
  exit(1);
}

/* Print total_us / ops microseconds, with three decimals. */
static void
report(const char *name, uint64 total_us, int ops, const char *what)
{
  uint64 ns = total_us * 1000 / ops;

  printf("bench %s %lu.%lu%lu%lu us   %s (%d times)\n", name, ns / 1000,
         ns / 100 % 10, ns / 10 % 10, ns % 10, what, ops);
}

static void
wait_ok(void)
{
  int status;

  if (wait(&status) < 0)
    die("wait");
  if (status != 0) {
    fprintf(2, "bench: a child exited with status %d\n", status);
    exit(1);
  }
}

/* The cheapest system call: the cost of a trap into the kernel and back. */
static void
bench_getpid(void)
{
  uint64 t0;
  int i;

  for (i = 0; i < WARMUP; i++)
    getpid();
  t0 = uptime_us();
  for (i = 0; i < GETPID_OPS; i++)
    getpid();
  report("getpid", uptime_us() - t0, GETPID_OPS, "null system call");
}

static void
fork_exit_wait(void)
{
  int pid = fork();

  if (pid < 0)
    die("fork");
  if (pid == 0)
    exit(0);
  wait_ok();
}

/* Create a process (a copy of this small one) and reap it. */
static void
bench_fork(void)
{
  uint64 t0;
  int i;

  for (i = 0; i < WARMUP; i++)
    fork_exit_wait();
  t0 = uptime_us();
  for (i = 0; i < FORK_OPS; i++)
    fork_exit_wait();
  report("fork", uptime_us() - t0, FORK_OPS, "fork + exit + wait");
}

/* The same from a process with a 16 MiB heap, every page touched: with
   copy-on-write, fork shares the pages instead of copying them. */
static void
bench_fork16m(void)
{
  uint64 t0;
  int i;
  char *heap = sbrk(BIG_HEAP);

  if (heap == (char *)-1)
    die("sbrk 16 MiB");
  for (i = 0; i < BIG_HEAP; i += PAGE_SIZE)
    heap[i] = 1;
  for (i = 0; i < WARMUP; i++)
    fork_exit_wait();
  t0 = uptime_us();
  for (i = 0; i < FORK_OPS / 10; i++)
    fork_exit_wait();
  report("fork16m", uptime_us() - t0, FORK_OPS / 10, "fork + exit + wait, 16 MiB touched heap");
  if (sbrk(-BIG_HEAP) == (char *)-1)
    die("sbrk (release)");
}

/* One copy-on-write fault: a child writes to COW_PAGES pages it shares
   with its parent, each write a store fault that copies a page. */
static void
bench_cowfault(void)
{
  char *heap = sbrk(COW_PAGES * PAGE_SIZE);
  uint64 total = 0;
  int fds[2];

  if (heap == (char *)-1)
    die("sbrk");
  for (int i = 0; i < COW_PAGES; i++)
    heap[i * PAGE_SIZE] = 1;
  for (int r = 0; r < COW_ROUNDS; r++) {
    if (pipe(fds) < 0)
      die("pipe");
    int pid = fork();
    if (pid < 0)
      die("fork");
    if (pid == 0) {
      uint64 t0 = uptime_us();
      for (int i = 0; i < COW_PAGES; i++)
        heap[i * PAGE_SIZE] = 2;
      uint64 took = uptime_us() - t0;
      write(fds[1], &took, sizeof(took));
      exit(0);
    }
    uint64 took = 0;
    if (read(fds[0], &took, sizeof(took)) != sizeof(took))
      die("cowfault child");
    close(fds[0]);
    close(fds[1]);
    wait_ok();
    total += took;
  }
  report("cowfault", total, COW_ROUNDS * COW_PAGES, "copy-on-write fault (store to a shared page)");
  if (sbrk(-COW_PAGES * PAGE_SIZE) == (char *)-1)
    die("sbrk (release)");
}

/* One lazy fault: the first touch of a heap page sbrk has only reserved,
   served with a zeroed page. */
static void
bench_lazyfault(void)
{
  uint64 total = 0;

  for (int r = 0; r < LAZY_ROUNDS; r++) {
    char *heap = sbrk(LAZY_PAGES * PAGE_SIZE);
    if (heap == (char *)-1)
      die("sbrk");
    uint64 t0 = uptime_us();
    for (int i = 0; i < LAZY_PAGES; i++)
      heap[i * PAGE_SIZE] = 1;
    total += uptime_us() - t0;
    if (sbrk(-LAZY_PAGES * PAGE_SIZE) == (char *)-1)
      die("sbrk (release)");
  }
  report("lazyfault", total, LAZY_ROUNDS * LAZY_PAGES,
         "first touch of a heap page (in order: 16 come a fault)");
}

static void
fork_exec_wait_of(char *path, char *arg)
{
  char *argv[] = { path, arg, 0 };
  int pid = fork();

  if (pid < 0)
    die("fork");
  if (pid == 0) {
    if (arg == 0)
      close(1); /* bigexec prints its counts */
    exec(path, argv);
    die("exec");
  }
  wait_ok();
}

static void
fork_exec_wait(void)
{
  fork_exec_wait_of(self_path, CHILD_ARG);
}

/* Start a program from the file system: fork, exec (this program again,
   which exits at once), wait. */
static void
bench_exec(void)
{
  uint64 t0;
  int i;

  for (i = 0; i < WARMUP; i++)
    fork_exec_wait();
  t0 = uptime_us();
  for (i = 0; i < EXEC_OPS; i++)
    fork_exec_wait();
  report("exec", uptime_us() - t0, EXEC_OPS, "fork + exec + wait");
}

/* The same with a program of 1 MiB (bigexec: 160 KiB of data, 800 KiB of
   bss), which touches a few of its pages and exits. */
static void
bench_execbig(void)
{
  uint64 t0 = 0;

  for (int i = 0; i < WARMUP + EXEC_OPS; i++) {
    if (i == WARMUP)
      t0 = uptime_us();
    fork_exec_wait_of(BIG_PROGRAM, 0);
  }
  report("execbig", uptime_us() - t0, EXEC_OPS, "fork + exec + wait of a 1 MiB program");
}

/* A byte goes to a child through one pipe and comes back through another:
   two pipe transfers and, with one hart, two context switches. */
static void
pipe_round_trips(const char *name, const char *what, int ops)
{
  int to_child[2], to_parent[2];
  int i, pid;
  char c = 'x';
  uint64 t0 = 0;

  if (pipe(to_child) < 0 || pipe(to_parent) < 0)
    die("pipe");
  pid = fork();
  if (pid < 0)
    die("fork");
  if (pid == 0) {
    close(to_child[1]);
    close(to_parent[0]);
    while (read(to_child[0], &c, 1) == 1) {
      if (write(to_parent[1], &c, 1) != 1)
        die("write");
    }
    exit(0);
  }
  close(to_child[0]);
  close(to_parent[1]);
  for (i = 0; i < WARMUP + ops; i++) {
    if (i == WARMUP)
      t0 = uptime_us();
    if (write(to_child[1], &c, 1) != 1 || read(to_parent[0], &c, 1) != 1)
      die("pipe round trip");
  }
  report(name, uptime_us() - t0, ops, what);
  close(to_child[1]);   /* the child reads end of file and exits */
  close(to_parent[0]);
  wait_ok();
}

static void
bench_pipe(void)
{
  pipe_round_trips("pipe", "pipe round trip between two processes", PIPE_OPS);
}

/* The same with the scheduling trace off: what recording it costs. */
static void
bench_pipenotrace(void)
{
  int was = schedtrace_on(0);
  pipe_round_trips("pipenotrace", "pipe round trip, scheduling trace off", PIPE_OPS);
  schedtrace_on(was);
}

#define SWITCH_US 200000   /* how long each switch measurement runs */
static const int switch_procs[] = { 1, 10, 50, 100 };
#define SWITCH_SPARE 4     /* slots for init, the shell, bench and a zombie */

/*
 * What a switch costs with n runnable processes, under every policy:
 * n processes call sched_yield for SWITCH_US, each counting its turns;
 * the time over all the turns is the cost of one pass through the
 * scheduler and swtch, pick included. A count that does not fit in the
 * process table (NPROC slots) is skipped, and bench says so.
 */
static void
bench_switch(void)
{
  struct schedinfo si;
  char before[2 * SCHED_TEXT_LEN];
  int count[2];

  if (sched_current(before, sizeof before) < 0)
    die("sched_info");
  for (int k = 0; sched_info(k, &si) == 0; k++) {
    if (sched_set(si.name) < 0)
      die("sched_set");
    for (uint j = 0; j < sizeof(switch_procs) / sizeof(switch_procs[0]); j++) {
      int n = switch_procs[j];
      if (n + SWITCH_SPARE > NPROC) {
        if (k == 0)
          printf("bench skipped switch-*-%d: needs %d process slots, NPROC is %d\n",
                 n, n + SWITCH_SPARE, NPROC);
        continue;
      }
      if (pipe(count) < 0)
        die("pipe");
      uint64 start = uptime_us(), end = start + SWITCH_US;
      for (int i = 0; i < n; i++) {
        int pid = fork();
        if (pid < 0)
          die("fork");
        if (pid == 0) {
          int turns = 0;
          close(count[0]);
          while (uptime_us() < end) {
            sched_yield();
            turns++;
          }
          write(count[1], &turns, sizeof(turns));
          exit(0);
        }
      }
      close(count[1]);
      int total = 0, turns;
      while (read(count[0], &turns, sizeof(turns)) == sizeof(turns))
        total += turns;
      close(count[0]);
      for (int i = 0; i < n; i++)
        wait_ok();
      char name[32], what[64];
      snprintf(name, sizeof(name), "switch-%s-%d", si.name, n);
      snprintf(what, sizeof(what), "one yield and switch, %d runnable, %s", n, si.name);
      report(name, uptime_us() - start, total > 0 ? total : 1, what);
    }
  }
  sched_set(before);
}

static void
sbrk_touch_release(void)
{
  char *p = sbrk(SBRK_BYTES);
  int off;

  if (p == (char *)-1)
    die("sbrk");
  for (off = 0; off < SBRK_BYTES; off += PAGE_SIZE)
    p[off] = 1;
  if (sbrk(-SBRK_BYTES) == (char *)-1)
    die("sbrk (release)");
}

/* Grow memory by 1 MiB, write to every page, give it back. */
static void
bench_sbrk(void)
{
  uint64 t0;
  int i;

  for (i = 0; i < WARMUP; i++)
    sbrk_touch_release();
  t0 = uptime_us();
  for (i = 0; i < SBRK_OPS; i++)
    sbrk_touch_release();
  report("sbrk", uptime_us() - t0, SBRK_OPS, "sbrk 1 MiB, touch each page, release");
}

/* Fork until the kernel refuses; each child waits on a pipe until the
   parent closes it. Reports how many processes were made and the time
   per fork. */
static void
bench_procs(void)
{
  int gate[2];
  int n = 0, pid;
  char c;
  uint64 t0, elapsed;

  if (pipe(gate) < 0)
    die("pipe");
  t0 = uptime_us();
  for (;;) {
    pid = fork();
    if (pid < 0)
      break;
    if (pid == 0) {
      close(gate[1]);
      read(gate[0], &c, 1);   /* returns 0 (end of file) when released */
      exit(0);
    }
    n++;
  }
  elapsed = uptime_us() - t0;
  close(gate[1]);
  close(gate[0]);
  for (int i = 0; i < n; i++)
    wait_ok();
  if (n == 0)
    die("fork (no process could be created)");
  printf("bench maxprocs %d.000 procs   processes created until fork failed (NPROC %d)\n",
         n, NPROC);
  report("procfork", elapsed, n, "fork while filling the process table");
}

/*
 * The cost of fork + exit + wait and of a pipe round trip with 0, 100
 * and 1000 other processes asleep (each blocked reading one pipe, which
 * the parent closes at the end). Nothing in those paths should look at
 * the sleepers: the figures should not grow with their number.
 */
static const int sleeper_counts[] = { 0, 100, 1000 };

static void
bench_sleepers(void)
{
  for (uint k = 0; k < sizeof(sleeper_counts) / sizeof(sleeper_counts[0]); k++) {
    int n = sleeper_counts[k], gate[2], i;
    char name[32], what[64], c;
    uint64 t0;

    if (n + SWITCH_SPARE > NPROC) {
      printf("bench skipped *-sleepers-%d: needs %d process slots, NPROC is %d\n", n,
             n + SWITCH_SPARE, NPROC);
      continue;
    }
    if (pipe(gate) < 0)
      die("pipe");
    for (i = 0; i < n; i++) {
      int pid = fork();
      if (pid < 0)
        die("fork (a sleeper)");
      if (pid == 0) {
        close(gate[1]);
        read(gate[0], &c, 1);   /* 0, end of file, once released */
        exit(0);
      }
    }
    for (i = 0; i < WARMUP; i++)
      fork_exit_wait();
    t0 = uptime_us();
    for (i = 0; i < FORK_OPS; i++)
      fork_exit_wait();
    snprintf(name, sizeof(name), "fork-sleepers-%d", n);
    snprintf(what, sizeof(what), "fork + exit + wait, %d others asleep", n);
    report(name, uptime_us() - t0, FORK_OPS, what);
    snprintf(name, sizeof(name), "pipe-sleepers-%d", n);
    snprintf(what, sizeof(what), "pipe round trip, %d others asleep", n);
    pipe_round_trips(name, what, PIPE_OPS / 2);
    close(gate[1]);
    close(gate[0]);
    for (i = 0; i < n; i++)
      wait_ok();
  }
}

static struct {
  const char *name;
  void (*run)(void);
} benchmarks[] = {
  { "getpid", bench_getpid },
  { "fork", bench_fork },
  { "fork16m", bench_fork16m },
  { "cowfault", bench_cowfault },
  { "lazyfault", bench_lazyfault },
  { "exec", bench_exec },
  { "execbig", bench_execbig },
  { "pipe", bench_pipe },
  { "pipenotrace", bench_pipenotrace },
  { "sbrk", bench_sbrk },
  { "procs", bench_procs },
  { "switch", bench_switch },
  { "sleepers", bench_sleepers },
};

#define NBENCH (sizeof(benchmarks) / sizeof(benchmarks[0]))

int
main(int argc, char *argv[])
{
  uint i;
  int a, found;

  if (argc == 2 && strcmp(argv[1], CHILD_ARG) == 0)
    exit(0);
  if (argv[0][0] == '/')
    self_path = argv[0];

  if (argc == 1) {
    for (i = 0; i < NBENCH; i++)
      benchmarks[i].run();
    return 0;
  }
  for (a = 1; a < argc; a++) {
    found = 0;
    for (i = 0; i < NBENCH; i++) {
      if (strcmp(argv[a], benchmarks[i].name) == 0) {
        benchmarks[i].run();
        found = 1;
      }
    }
    if (!found) {
      fprintf(2, "bench: no benchmark %s; there are:", argv[a]);
      for (i = 0; i < NBENCH; i++)
        fprintf(2, " %s", benchmarks[i].name);
      fprintf(2, "\n");
      exit(1);
    }
  }
  return 0;
}
