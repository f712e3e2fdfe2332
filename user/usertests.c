/*
 * usertests: the kernel's own test suite, run as a user program inside the
 * kernel (type `usertests` at the shell; `make test` boots a machine that
 * runs it and reads its output).
 *
 * Each test is a function that checks one piece of behaviour programs rely
 * on and calls fail() with a reason when the kernel gets it wrong. The table
 * near the end of this file lists every test with a one-line statement of
 * what it establishes, grouped by area: processes, memory, user pointers,
 * exec, files, pipes, scheduling. Read from top to bottom, the table is a
 * specification of the system-call interface; the functions are the evidence.
 *
 * How one test runs (run_test):
 *   - the runner makes an empty scratch directory, /utscratch, and forks;
 *     the child changes into it and calls the test function, so a test that
 *     crashes, leaks or leaves a mess cannot hide the result of the next;
 *   - fail() sends its reason up a pipe to the runner and exits with status
 *     1; any other death (a kill, a fault) is reported with the exit status;
 *   - a watchdog process kills a test that runs past its time limit;
 *   - afterwards the runner checks that the scratch directory is empty
 *     (every test removes what it creates) and clears it.
 * After the table has run, main checks that the number of free physical
 * pages is back where it was before the first test; that check is reported
 * as one more test, "freemem".
 *
 * Output, parsed by the host harness (grade/tests/test_usertests.py):
 *   usertests: starting
 *   test NAME: OK                     one line per test, in table order
 *   test NAME: FAIL: reason
 *   usertests: N passed, N failed
 * The exit status is 0 if every test passed, 1 if one failed, 2 for bad
 * usage.
 *
 * Usage: usertests [-q] [-l] [NAME...]
 *   -q    skip the tests marked slow
 *   -l    list the tests and what each establishes
 *   NAME  run only the named tests
 *
 * Conventions. A test that expects the kernel to kill a process checks that
 * wait() reports -1, the exit status of a killed process. A test that expects
 * a system call to fail checks that it returns -1 and names the errno
 * (kernel/errno.h) it expects. The user stack is a single page, so big
 * buffers are static or come from sbrk.
 */
#include <stdarg.h>

#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/param.h"
#include "kernel/fs.h"
#include "kernel/elf.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "kernel/errno.h"
#include "kernel/syscall.h"
#include "user/ulib.h"

#define SCRATCH         "/utscratch" /* each test runs in here; it starts empty */
#define REASON_MAX      120     /* longest failure reason one process sends */
#define TIME_LIMIT      6000    /* ticks (60 s) a test may take before it is killed */
#define SLOW_TIME_LIMIT 30000   /* the same for a test marked slow */
#define EXEC_RETURNED   100     /* a child whose exec returned exits with this + errno */
#define ANY_ERRNO       (-1)    /* for expect_err: any error number will do */

#define KERNEL_ADDR   (KERNEL_VA_BASE + KERNEL_LOAD) /* the kernel's first instruction */
#define TOP_PAGE      0xFFFFFFFFFFFFF000UL        /* highest page of the address space */
#define NONCANONICAL  0x8000000000000000UL        /* neither user nor kernel half */
#define MAXFILE_BYTES ((int)(MAXFILE * BSIZE))    /* the largest file there can be */

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* Print a line on standard output with a single write, so that lines from
   different processes never interleave within a line. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
  char line[4 * REASON_MAX + 64];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  write(1, line, strlen(line)); /* what fits: vsnprintf cuts a long line */
}

/* The name of an error number, for messages: "EFAULT". */
static const char *errname(int err)
{
#define E(name) { name, #name }
  static const struct { int num; const char *name; } names[] = {
    E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(E2BIG), E(ENOEXEC),
    E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EFAULT), E(EBUSY),
    E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR), E(EISDIR), E(EINVAL),
    E(ENFILE), E(EMFILE), E(ETXTBSY), E(EFBIG), E(ENOSPC), E(ESPIPE), E(EMLINK),
    E(EPIPE), E(ERANGE), E(ENAMETOOLONG), E(ENOSYS), E(ENOTEMPTY),
  };
#undef E
  for (int i = 0; i < NELEM(names); i++)
    if (names[i].num == err)
      return names[i].name;
  return err == ANY_ERRNO ? "any errno" : "an unknown errno";
}

/* ======================================================================
 * How tests report. A test passes by returning; it fails by calling
 * fail(), from the test process or from any process it forked.
 * ====================================================================== */

/* Write end of the runner's reason pipe, in every process of a test. */
static int reason_fd = -1;

/* Send the reason this test fails to the runner and exit with status 1. */
static void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
  char msg[REASON_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg - 1, fmt, ap);
  va_end(ap);
  int n = strlen(msg);
  msg[n++] = '\n';  /* separates the reasons of several processes */
  write(reason_fd >= 0 ? reason_fd : 2, msg, n);
  exit(1);
}

/* Fail unless cond holds. */
#define EXPECT(cond) \
  do { \
    if (!(cond)) \
      fail("line %d: expected %s", __LINE__, #cond); \
  } while (0)

/* Fail unless got equals want; the message shows both values. */
#define EXPECT_EQ(got, want) \
  do { \
    long got_ = (long)(got), want_ = (long)(want); \
    if (got_ != want_) \
      fail("line %d: %s is %ld, want %ld", __LINE__, #got, got_, want_); \
  } while (0)

/* Fail unless call returns -1 with errno err (or any errno, for ANY_ERRNO). */
#define EXPECT_ERR(call, err) expect_err((long)(call), (err), #call, __LINE__)

static void expect_err(long ret, int err, const char *call, int line)
{
  if (ret != -1)
    fail("line %d: %s returned %ld, want -1 (%s)", line, call, ret, errname(err));
  if (err != ANY_ERRNO && errno != err)
    fail("line %d: %s failed with %s, want %s", line, call, errname(errno), errname(err));
}

/* ======================================================================
 * Helpers shared by the tests.
 * ====================================================================== */

static char buf[8192];  /* file and pipe data; each test process has its own copy */

static int xfork(void)
{
  int pid = fork();
  if (pid < 0)
    fail("fork failed: %s", errname(errno));
  return pid;
}

static void xpipe(int *fds)
{
  if (pipe(fds) < 0)
    fail("pipe failed: %s", errname(errno));
}

/* Fork a child that runs fn and exits with status 0 if fn returns. */
static int spawn(void (*fn)(void))
{
  int pid = xfork();
  if (pid == 0) {
    fn();
    exit(0);
  }
  return pid;
}

/* Wait for the only child, pid, and return its exit status. */
static int reap(int pid)
{
  int status;
  int got = wait(&status);
  if (got != pid)
    fail("wait returned %d (%s), want child %d", got, errname(errno), pid);
  return status;
}

/* Wait for n children and fail unless every one exited with status 0. */
static void reap_all(int n)
{
  for (int i = 0; i < n; i++) {
    int status;
    int pid = wait(&status);
    if (pid < 0)
      fail("wait returned -1 (%s) with %d children left", errname(errno), n - i);
    if (status != 0)
      fail("child %d exited with status %d", pid, status);
  }
}

/* The procinfo of one process. */
static struct procinfo info_of(int pid)
{
  struct procinfo pi;
  if (procinfo(pid, &pi, 1) != 1)
    fail("procinfo(%d) failed, errno %d", pid, errno);
  return pi;
}

/*
 * Check that the free page count is back to before. Pages of exiting
 * processes are freed when they are reaped, possibly by init for orphans,
 * so give stragglers a second to go.
 */
static void expect_freemem(int before, const char *when)
{
  int now = freemem();
  for (int i = 0; i < 20 && now != before; i++) {
    sleep(5);
    now = freemem();
  }
  if (now != before)
    fail("%s: %d pages free, %d before", when, now, before);
}

/*
 * The byte at offset off of a data stream labelled seed. (Almost) every
 * offset of every stream has its own value, so data that is lost,
 * repeated, shifted or mixed up with another stream is noticed.
 */
static uchar pattern(uint off, int seed)
{
  uint x = (off + (uint)seed * 1000003u) * 2654435761u;
  return (uchar)(x >> 24);
}

static void fill(char *p, uint off, int n, int seed)
{
  for (int i = 0; i < n; i++)
    p[i] = pattern(off + i, seed);
}

/* Index of the first byte of p[0..n) that is not stream seed from off, or -1. */
static int mismatch(const char *p, uint off, int n, int seed)
{
  for (int i = 0; i < n; i++)
    if ((uchar)p[i] != pattern(off + i, seed))
      return i;
  return -1;
}

static void write_all(int fd, const void *p, int n)
{
  int w = write(fd, p, n);
  if (w != n)
    fail("write(%d, %d bytes) returned %d (%s)", fd, n, w, errname(errno));
}

static void read_all(int fd, void *p, int n)
{
  for (int got = 0; got < n; ) {
    int r = read(fd, (char *)p + got, n - got);
    if (r <= 0)
      fail("read(%d) returned %d (%s) after %d of %d bytes", fd, r, errname(errno), got, n);
    got += r;
  }
}

/* Create (or truncate) name and fill it with size bytes of stream seed. */
static void make_file(const char *name, int size, int seed)
{
  int fd = open(name, O_CREATE | O_TRUNC | O_WRONLY);
  if (fd < 0)
    fail("cannot create %s: %s", name, errname(errno));
  for (int off = 0; off < size; ) {
    int n = MIN(size - off, (int)sizeof buf);
    fill(buf, off, n, seed);
    int w = write(fd, buf, n);
    if (w != n)
      fail("write to %s at offset %d returned %d (%s)", name, off, w, errname(errno));
    off += n;
  }
  close(fd);
}

/* Fail unless name holds exactly size bytes of stream seed. Reads in
   chunks that are not a divisor of the block size, to cross boundaries. */
static void check_file(const char *name, int size, int seed)
{
  int fd = open(name, O_RDONLY);
  if (fd < 0)
    fail("cannot open %s: %s", name, errname(errno));
  int off = 0, n;
  while ((n = read(fd, buf, 700)) > 0) {
    int bad = mismatch(buf, off, n, seed);
    if (bad >= 0)
      fail("%s: wrong byte at offset %d", name, off + bad);
    off += n;
  }
  if (n < 0)
    fail("read of %s failed at offset %d: %s", name, off, errname(errno));
  if (off != size)
    fail("%s holds %d bytes, want %d", name, off, size);
  close(fd);
}

/* Make the break page-aligned and return it. */
static char *aligned_break(void)
{
  uint64 brk = (uint64)sbrk(0);
  if (sbrk(PGROUNDUP(brk) - brk) == (char *)-1)
    fail("sbrk to a page boundary failed: %s", errname(errno));
  return (char *)PGROUNDUP(brk);
}

/* Grow the heap by a page and return the new, page-aligned break: the
   page below it is fresh heap (touched, so present), the page at it is
   not mapped. */
static char *fresh_heap_end(void)
{
  char *end = aligned_break();
  if (sbrk(PGSIZE) == (char *)-1)
    fail("sbrk(%d) failed: %s", PGSIZE, errname(errno));
  end[0] = 0;
  return end + PGSIZE;
}

/* The page the stack pointer is in. */
static uint64 stack_page(void)
{
  volatile char here = 0;
  return PGROUNDDOWN((uint64)&here);
}

/* The top of the stack, where the heap starts: the break when main began
   (kernel/mm/uspace.h). The stack may grow down to USERSTACK pages below
   it; under that is the guard gap. */
static uint64 stack_top;

/* A page in the guard gap, just below the stack's limit. */
static uint64 guard_page(void)
{
  return stack_top - USERSTACK * PGSIZE - PGSIZE;
}

/* ======================================================================
 * Processes: fork, exit, wait, kill, getpid.
 * ====================================================================== */

static void test_exitstatus(void)
{
  static const int codes[] = { 0, 1, 42, 255, 1000, -7 };

  for (int i = 0; i < NELEM(codes); i++) {
    int pid = xfork();
    if (pid == 0)
      exit(codes[i]);
    int status = reap(pid);
    if (status != codes[i])
      fail("child called exit(%d), wait reported status %d", codes[i], status);
  }
  int pid = xfork();
  if (pid == 0)
    exit(3);
  EXPECT_EQ(wait(0), pid);
}

static void test_waitnochild(void)
{
  int status;
  EXPECT_ERR(wait(&status), ECHILD);
  int pid = xfork();
  if (pid == 0)
    exit(0);
  EXPECT_EQ(wait(0), pid);
  EXPECT_ERR(wait(0), ECHILD);
}

#define NCHILD 20

static void test_manychildren(void)
{
  int pids[NCHILD], seen[NCHILD];

  for (int i = 0; i < NCHILD; i++) {
    pids[i] = xfork();
    if (pids[i] == 0) {
      if (i % 2)
        sleep(1);
      exit(10 + i);
    }
    seen[i] = 0;
  }
  for (int n = 0; n < NCHILD; n++) {
    int status, i;
    int pid = wait(&status);
    for (i = 0; i < NCHILD && pids[i] != pid; i++)
      ;
    if (i == NCHILD)
      fail("wait returned %d (%s), which is none of our children", pid, errname(errno));
    if (seen[i]++)
      fail("wait returned child %d twice", pid);
    if (status != 10 + i)
      fail("child %d exited with %d, wait reported %d", pid, 10 + i, status);
  }
  EXPECT_ERR(wait(0), ECHILD);
}

static void test_getpid(void)
{
  int me = getpid();
  EXPECT(me > 0);
  EXPECT_EQ(getpid(), me);

  int p[2];
  xpipe(p);
  int pid = xfork();
  if (pid == 0) {
    int mine = getpid();
    write_all(p[1], &mine, sizeof mine);
    exit(0);
  }
  int childs;
  read_all(p[0], &childs, sizeof childs);
  EXPECT_EQ(childs, pid);
  EXPECT(childs != me);
  EXPECT_EQ(reap(pid), 0);
}

static char forkmem_data[2 * PGSIZE];

static void test_forkmem(void)
{
  volatile int local = 1234;
  char *heap = sbrk(3 * PGSIZE);
  if (heap == (char *)-1)
    fail("sbrk failed: %s", errname(errno));
  fill(forkmem_data, 0, sizeof forkmem_data, 1);
  fill(heap, 0, 3 * PGSIZE, 2);
  char *brk = sbrk(0);

  int pid = xfork();
  if (pid == 0) {
    /* The child starts with the parent's memory... */
    EXPECT(mismatch(forkmem_data, 0, sizeof forkmem_data, 1) < 0);
    EXPECT(mismatch(heap, 0, 3 * PGSIZE, 2) < 0);
    EXPECT_EQ(local, 1234);
    EXPECT(sbrk(0) == brk);
    /* ...and changes only its own copy. */
    fill(forkmem_data, 0, sizeof forkmem_data, 3);
    fill(heap, 0, 3 * PGSIZE, 4);
    local = 99;
    if (sbrk(PGSIZE) == (char *)-1)
      fail("sbrk in the child failed: %s", errname(errno));
    EXPECT(mismatch(forkmem_data, 0, sizeof forkmem_data, 3) < 0);
    EXPECT(mismatch(heap, 0, 3 * PGSIZE, 4) < 0);
    exit(0);
  }
  EXPECT_EQ(reap(pid), 0);
  EXPECT(mismatch(forkmem_data, 0, sizeof forkmem_data, 1) < 0);
  EXPECT(mismatch(heap, 0, 3 * PGSIZE, 2) < 0);
  EXPECT_EQ(local, 1234);
  EXPECT(sbrk(0) == brk);
}

static void test_forkfiles(void)
{
  char got[8];
  int fd = open("shared", O_CREATE | O_RDWR);
  EXPECT(fd >= 0);
  write_all(fd, "ab", 2);
  int pid = xfork();
  if (pid == 0) {
    write_all(fd, "cd", 2);  /* goes after "ab": the offset is shared */
    exit(0);
  }
  EXPECT_EQ(reap(pid), 0);
  write_all(fd, "ef", 2);    /* goes after "cd" */
  close(fd);

  fd = open("shared", O_RDONLY);
  EXPECT(fd >= 0);
  pid = xfork();
  if (pid == 0) {
    read_all(fd, got, 2);
    exit(got[0] == 'a' && got[1] == 'b' ? 0 : 1);
  }
  EXPECT_EQ(reap(pid), 0);
  EXPECT_EQ(read(fd, got, sizeof got), 4);  /* the child's read moved our offset */
  EXPECT(memcmp(got, "cdef", 4) == 0);
  close(fd);
  EXPECT_EQ(unlink("shared"), 0);
}

static void test_forkcwd(void)
{
  EXPECT_EQ(mkdir("d"), 0);
  int pid = xfork();
  if (pid == 0) {
    if (chdir("d") < 0)
      fail("chdir in the child failed: %s", errname(errno));
    make_file("x", 10, 1);  /* lands in d */
    exit(0);
  }
  EXPECT_EQ(reap(pid), 0);
  struct stat st;
  EXPECT_EQ(stat("d/x", &st), 0);
  EXPECT_ERR(stat("x", &st), ENOENT);  /* the child's chdir left ours alone */

  EXPECT_EQ(chdir("d"), 0);
  pid = xfork();
  if (pid == 0) {
    check_file("x", 10, 1);  /* the child starts in our directory */
    exit(0);
  }
  EXPECT_EQ(reap(pid), 0);
  EXPECT_EQ(unlink("x"), 0);
  EXPECT_EQ(chdir(".."), 0);
  EXPECT_EQ(unlink("d"), 0);
}

static void test_forkconc(void)
{
  for (int k = 0; k < 4; k++) {
    if (xfork() == 0) {
      for (int i = 0; i < 25; i++) {
        int pid = fork();
        if (pid < 0)
          fail("fork %d of process %d failed: %s", i, k, errname(errno));
        if (pid == 0)
          exit(i);
        int status = reap(pid);
        if (status != i)
          fail("grandchild exited with %d, wait reported %d", i, status);
      }
      exit(0);
    }
  }
  reap_all(4);
}

static void test_orphan(void)
{
  int p[2];
  xpipe(p);
  int pid = xfork();
  if (pid == 0) {
    if (xfork() == 0) {
      close(p[0]);
      sleep(10);  /* by now our parent has exited */
      /* We still run, and nobody's children became ours. */
      char verdict = wait(0) == -1 ? 'y' : 'n';
      write_all(p[1], &verdict, 1);
      exit(0);
    }
    exit(0);
  }
  close(p[1]);
  EXPECT_EQ(reap(pid), 0);
  EXPECT_ERR(wait(0), ECHILD);  /* the grandchild is not ours to wait for */
  char verdict;
  EXPECT_EQ(read(p[0], &verdict, 1), 1);
  EXPECT_EQ(verdict, 'y');
  EXPECT_EQ(read(p[0], &verdict, 1), 0);  /* the grandchild has exited */
  close(p[0]);
}

/*
 * Fork children until fork fails; each child waits on a pipe that the
 * parent then closes. Returns how many there were, once all have exited
 * and been reaped: the number of free process slots.
 */
static int fork_until_full(void)
{
  int p[2], n = 0, pid;

  xpipe(p);
  while ((pid = fork()) > 0) {
    if (++n > NPROC)
      fail("fork succeeded %d times, with only %d process slots", n, NPROC);
  }
  if (pid == 0) {
    char c;
    close(p[1]);
    read(p[0], &c, 1);
    exit(0);
  }
  if (pid != -1 || errno != EAGAIN)
    fail("fork returned %d (%s), want -1 (EAGAIN) when the table is full", pid, errname(errno));
  close(p[0]);
  close(p[1]);
  reap_all(n);
  return n;
}

#define ORPHANS 8  /* grandchildren per round */
/* Orphans made in all: twice the process table, up to 128 slots' worth
   (the point is the reaping, not the scale: manyflat is that). */
#define ORPHAN_TOTAL (2 * (NPROC < 128 ? NPROC : 128))

static void test_orphanreap(void)
{
  int before = fork_until_full();

  for (int round = 0; round < ORPHAN_TOTAL / ORPHANS; round++) {
    int exit_first = round % 2;  /* orphans that exit before their parent */
    if (xfork() == 0) {
      int p[2];
      char c;
      xpipe(p);
      for (int i = 0; i < ORPHANS; i++) {
        if (xfork() == 0) {
          if (!exit_first) {
            close(p[1]);
            read(p[0], &c, 1);  /* until our parent has exited */
          }
          exit(0);
        }
      }
      if (exit_first) {
        close(p[1]);
        while (read(p[0], &c, 1) > 0)  /* until every child has exited */
          ;
      }
      exit(0);  /* leaves the children, dead or alive, to init */
    }
    reap_all(1);
  }
  int after = fork_until_full();
  for (int tries = 0; tries < 20 && after < before; tries++) {
    sleep(10);
    after = fork_until_full();
  }
  if (after < before)
    fail("%d processes could be forked before making %d orphans, %d after",
         before, ORPHAN_TOTAL, after);
}

static void test_zombies(void)
{
  int before = freemem();
  for (int i = 0; i < 3 * NPROC; i++) {
    int pid = xfork();
    if (pid == 0)
      exit(0);
    EXPECT_EQ(reap(pid), 0);
  }
  /* Many at once, left unreaped for a while. */
  for (int i = 0; i < NPROC / 2; i++)
    if (xfork() == 0)
      exit(0);
  sleep(2);
  reap_all(NPROC / 2);
  EXPECT_ERR(wait(0), ECHILD);
  expect_freemem(before, "after reaping");
}

static void test_forkfull(void)
{
  int before = freemem();
  int n = fork_until_full();
  if (n < NPROC / 2)
    fail("only %d forks succeeded before the table was full (NPROC %d)", n, NPROC);
  EXPECT_ERR(wait(0), ECHILD);
  int pid = xfork();
  if (pid == 0)
    exit(0);
  EXPECT_EQ(reap(pid), 0);
  int again = fork_until_full();
  if (again < n)
    fail("%d processes could be forked the first time, only %d the second", n, again);
  expect_freemem(before, "after filling the process table twice");
}

/* How many processes the scale tests make at once: a thousand, or as
   many as fit in a kernel built with fewer slots (make NPROC=64). */
#define MANY (NPROC >= 1024 ? 1000 : NPROC - 16)
#define LIST_CHUNK 32

/* How many processes the kernel lists, asked for in pieces. */
static int count_processes(void)
{
  static struct procinfo buf[LIST_CHUNK];
  int n = 0, got, after = 0;
  while ((got = proclist(after, buf, LIST_CHUNK)) > 0) {
    n += got;
    after = buf[got - 1].pid;
  }
  if (got < 0)
    fail("proclist failed: %s", errname(errno));
  return n;
}

/* Wait up to 20 s for the kernel to list want processes. */
static void expect_processes(int want)
{
  int n = count_processes();
  for (int i = 0; i < 200 && n != want; i++) {
    sleep(10);
    n = count_processes();
  }
  if (n != want)
    fail("%d processes listed, want %d", n, want);
}

/* Block on the gate pipe until it is closed; then exit with status. */
__attribute__((noreturn)) static void wait_at_gate(int *gate, int status)
{
  char c;
  close(gate[1]);
  read(gate[0], &c, 1);
  exit(status);
}

/*
 * A thousand children at once, one process group: all listed; killed
 * by pid, each reaped by waitpid of its pid; the group stopped and
 * continued, each change reported once; then the group terminated and
 * reaped by group. Every page comes back.
 */
static void test_manyflat(void)
{
  static int pids[MANY];
  int before = freemem(), base = count_processes();
  int gate[2], status, left = 0;

  xpipe(gate);
  for (int i = 0; i < MANY; i++) {
    pids[i] = xfork();
    if (pids[i] == 0)
      wait_at_gate(gate, 0);
    EXPECT_EQ(setpgid(pids[i], pids[0]), 0);
  }
  int pgid = pids[0];
  expect_processes(base + MANY);

  for (int i = 0; i < MANY; i += 10) {
    EXPECT_EQ(kill(pids[i]), 0);
    EXPECT_EQ(waitpid(pids[i], &status, 0), pids[i]);
    EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  }
  for (int i = 0; i < MANY; i++)
    left += i % 10 != 0;
  expect_processes(base + left);

  EXPECT_EQ(sigsend(-pgid, SIGSTOP), 0);
  for (int i = 0; i < left; i++) {
    EXPECT(waitpid(-pgid, &status, WUNTRACED) > 0);
    EXPECT(WIFSTOPPED(status));
  }
  EXPECT_EQ(waitpid(-pgid, &status, WUNTRACED | WNOHANG), 0);
  EXPECT_EQ(sigsend(-pgid, SIGCONT), 0);
  for (int i = 0; i < left; i++) {
    EXPECT(waitpid(-pgid, &status, WCONTINUED) > 0);
    EXPECT(WIFCONTINUED(status));
  }
  EXPECT_EQ(waitpid(-pgid, &status, WCONTINUED | WNOHANG), 0);

  EXPECT_EQ(sigsend(-pgid, SIGTERM), 0);
  for (int i = 0; i < left; i++) {
    EXPECT(waitpid(-pgid, &status, 0) > 0);
    EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
  }
  EXPECT_ERR(waitpid(-pgid, &status, 0), ECHILD);
  close(gate[0]);
  close(gate[1]);
  expect_freemem(before, "after a thousand processes were reaped");
}

/* The tree's fanout at each level: 10 + 100 + 900 processes, or 39 in a
   kernel built with fewer slots. */
static const int tree_fanout[] = { NPROC >= 1024 ? 10 : 3, NPROC >= 1024 ? 10 : 3,
                                   NPROC >= 1024 ? 9 : 3 };
#define TREE_LEVELS (int)(sizeof(tree_fanout) / sizeof(tree_fanout[0]))

/* Be a node at level: fork the children below, wait for them, and exit
   with how many processes the subtree below held. Leaves wait at the
   gate. */
__attribute__((noreturn)) static void tree_node(int *gate, int level)
{
  close(gate[1]);
  if (level == TREE_LEVELS)
    wait_at_gate(gate, 0);
  int below = 0;
  for (int i = 0; i < tree_fanout[level]; i++)
    if (xfork() == 0)
      tree_node(gate, level + 1);
  for (int i = 0; i < tree_fanout[level]; i++) {
    int status;
    if (wait(&status) < 0)
      fail("wait in the tree failed: %s", errname(errno));
    below += 1 + status;
  }
  exit(below);
}

/* A tree of a thousand processes, three levels below its root: all
   alive at once, each parent reaping its own children and telling its
   parent how many there were; every page comes back. */
static void test_manytree(void)
{
  int before = freemem(), base = count_processes();
  int gate[2], total = 0, width = 1;

  for (int level = 0; level < TREE_LEVELS; level++) {
    width *= tree_fanout[level];
    total += width;
  }
  xpipe(gate);
  int pid = xfork();
  if (pid == 0)
    tree_node(gate, 0);
  close(gate[0]);
  expect_processes(base + 1 + total);
  close(gate[1]);
  int status;
  EXPECT_EQ(wait(&status), pid);
  EXPECT_EQ(status, total);
  expect_freemem(before, "after the tree of processes was reaped");
}

/* The child functions below block; kill_pipe is set up by the test. */
static int kill_pipe[2];

static void block_in_sleep(void)
{
  sleep(1000);
}

static void block_reading(void)
{
  char c;
  close(kill_pipe[1]);
  read(kill_pipe[0], &c, 1);  /* the parent holds the write end open */
}

static void block_writing(void)
{
  while (write(kill_pipe[1], buf, sizeof buf) > 0)  /* nobody reads */
    ;
}

static void block_waiting(void)
{
  if (xfork() == 0) {
    block_reading();
    exit(0);
  }
  wait(0);
}

/* Fork a child that blocks in block(), kill it, and check it dies at once. */
static void expect_kill_ends(void (*block)(void), const char *what)
{
  xpipe(kill_pipe);
  int pid = spawn(block);
  sleep(5);  /* give it time to block */
  int t0 = uptime();
  EXPECT_EQ(kill(pid), 0);
  int status = reap(pid);
  int took = uptime() - t0;
  close(kill_pipe[0]);
  close(kill_pipe[1]);
  if (status != -1)
    fail("child %s: exit status %d after kill, want -1", what, status);
  if (took > 100)
    fail("child %s took %d ticks to die after kill", what, took);
}

static void test_killsleep(void)
{
  expect_kill_ends(block_in_sleep, "in sleep(1000)");
}

static void test_killread(void)
{
  expect_kill_ends(block_reading, "reading an empty pipe");
}

static void test_killwrite(void)
{
  expect_kill_ends(block_writing, "writing a full pipe");
}

static void test_killwait(void)
{
  expect_kill_ends(block_waiting, "in wait()");
}

/* A child writing one file of MAXFILE bytes in one write(), killed as
   soon as the file has grown: its write must stop there, not go on to
   the end first (a transaction for each few KiB). */
static void test_killbigwrite(void)
{
  char *big = sbrk(MAXFILE_BYTES);
  if (big == SBRK_ERROR)
    fail("sbrk(%d) failed: %s", MAXFILE_BYTES, errname(errno));
  int pid = xfork();
  if (pid == 0) {
    int fd = open("big", O_CREATE | O_WRONLY);
    write(fd, big, MAXFILE_BYTES);
    exit(0);
  }
  struct stat st;
  while (stat("big", &st) < 0 || st.size == 0)
    sched_yield();
  EXPECT_EQ(kill(pid), 0);
  int status = reap(pid);
  if (status != -1)
    fail("the writer exited with status %d after kill, want -1", status);
  EXPECT_EQ(stat("big", &st), 0);
  if (st.size >= MAXFILE_BYTES)
    fail("the killed writer's write went on to all %lu bytes", st.size);
  EXPECT_EQ(unlink("big"), 0);
  sbrk(-MAXFILE_BYTES);
}

static void kill_self(void)
{
  kill(getpid());
  int t0 = uptime();
  while (uptime() - t0 < 100)  /* a killed process must not get this far */
    ;
}

static void test_killself(void)
{
  int status = reap(spawn(kill_self));
  if (status != -1)
    fail("a process that killed itself exited with %d, want -1", status);
}

static void test_killnopid(void)
{
  int pid = xfork();
  if (pid == 0)
    exit(0);
  EXPECT_EQ(reap(pid), 0);
  EXPECT_ERR(kill(pid), ESRCH);
  EXPECT_ERR(kill(1000000), ESRCH);
}

/* ======================================================================
 * Memory: sbrk, the address-space layout, faults, floating point.
 * ====================================================================== */

/* The probes below touch `target` in a child; the parent checks the
   kernel killed the child for it. */
static uint64 target;

static void probe_load(void)
{
  (void)*(volatile char *)target;
}

static void probe_store(void)
{
  *(volatile char *)target = 1;
}

static void probe_jump(void)
{
  ((void (*)(void))target)();
}

static void expect_killed_at(void (*probe)(void), uint64 addr, const char *what)
{
  target = addr;
  int status = reap(spawn(probe));
  if (status != -1)
    fail("%s %p: exit status %d, want -1 (killed)", what, (void *)addr, status);
}

static void test_sbrkgrow(void)
{
  char *old = sbrk(0);
  int n = 5 * PGSIZE + 123;
  char *p = sbrk(n);
  if (p != old)
    fail("sbrk(%d) returned %p, want the old break %p", n, p, old);
  EXPECT(sbrk(0) == old + n);
  for (int i = 0; i < n; i++)
    if (p[i] != 0)
      fail("byte %d of new heap memory is %d, want 0", i, p[i]);
  fill(p, 0, n, 5);
  EXPECT(mismatch(p, 0, n, 5) < 0);

  /* The kernel copies to and from the new pages in single calls. */
  int fd = open("heap", O_CREATE | O_RDWR);
  EXPECT(fd >= 0);
  write_all(fd, p, n);
  close(fd);
  memset(p, 0, n);
  fd = open("heap", O_RDONLY);
  EXPECT_EQ(read(fd, p, n), n);
  EXPECT(mismatch(p, 0, n, 5) < 0);
  close(fd);
  EXPECT_EQ(unlink("heap"), 0);
  for (int i = 0; i < 2 * PGSIZE; i += 257) {
    char *q = sbrk(257);  /* small steps, some crossing a page boundary */
    if (q != old + n + i)
      fail("sbrk(257) returned %p, want %p", q, old + n + i);
    q[0] = q[256] = 1;
  }
}

static void test_sbrkshrink(void)
{
  char *base = aligned_break();
  char *p = sbrk(4 * PGSIZE);
  EXPECT(p == base);
  memset(p, 0x5a, 4 * PGSIZE);
  EXPECT(sbrk(-2 * PGSIZE) == base + 4 * PGSIZE);
  EXPECT(sbrk(0) == base + 2 * PGSIZE);
  for (int i = 0; i < 2 * PGSIZE; i++)
    if (p[i] != 0x5a)
      fail("byte %d below the new break changed to %d", i, p[i]);

  expect_killed_at(probe_store, (uint64)base + 2 * PGSIZE, "store to a page given back by sbrk, at");
  expect_killed_at(probe_load, (uint64)base + 3 * PGSIZE + 100, "load from a page given back by sbrk, at");
  int fds[2];
  xpipe(fds);
  write_all(fds[1], "0123456789", 10);
  EXPECT_ERR(read(fds[0], base + 2 * PGSIZE, 10), EFAULT);
  close(fds[0]);
  close(fds[1]);

  EXPECT(sbrk(2 * PGSIZE) == base + 2 * PGSIZE);
  for (int i = 2 * PGSIZE; i < 4 * PGSIZE; i++)
    if (p[i] != 0)
      fail("byte %d of regrown heap is %d, want 0 (old contents leaked)", i, p[i]);
}

static void test_sbrkleak(void)
{
  /* The first growth may allocate page-table pages that stay until exit. */
  char *p = sbrk(64 * PGSIZE);
  EXPECT(p != (char *)-1);
  sbrk(-64 * PGSIZE);

  int before = freemem();
  for (int i = 0; i < 10; i++) {
    p = sbrk(64 * PGSIZE);
    if (p == (char *)-1)
      fail("sbrk failed on round %d: %s", i, errname(errno));
    p[0] = p[64 * PGSIZE - 1] = 1;
    sbrk(-64 * PGSIZE);
  }
  expect_freemem(before, "after growing and shrinking the heap 10 times");

  int pid = xfork();
  if (pid == 0) {
    if (sbrk(256 * PGSIZE) == (char *)-1)
      fail("sbrk of 1 MiB failed in the child: %s", errname(errno));
    exit(0);
  }
  EXPECT_EQ(reap(pid), 0);
  expect_freemem(before, "after a child exited with a 1 MiB heap");
}

static void test_sbrkhuge(void)
{
  char *brk = fresh_heap_end();
  int before = freemem();

  /* A gigabyte of heap on any machine: pages come at first touch. The
     touches are sparse (none just above a page that is there: that would
     bring the next pages along, see fault.c's FAULT_AROUND). */
  char *p = sbrk(1 << 30);
  if (p != brk)
    fail("sbrk(1 GiB) returned %p (%s), want the old break %p", p, errname(errno), brk);
  for (int i = 0; i < 10; i++) {
    char *q = p + PGSIZE + (uint64)i * ((1 << 30) / 10);
    if (*q != 0)
      fail("untouched heap at %p reads %d, want 0", q, *q);
    *q = (char)i;
  }
  int used = before - freemem();
  if (used < 10 || used > 10 + 2 * 10)  /* the pages, and at most two tables each */
    fail("touching 10 pages of a 1 GiB heap took %d pages", used);
  for (int i = 0; i < 10; i++)
    EXPECT_EQ(p[PGSIZE + (uint64)i * ((1 << 30) / 10)], i);
  EXPECT(sbrk(-(1 << 30)) == brk + (1 << 30));
  EXPECT(sbrk(0) == brk);
  expect_freemem(before, "after sbrk(1 GiB), 10 touches and sbrk(-1 GiB)");

  /* sbrklazy (xv6 2024) is the same call. */
  p = sbrklazy(1 << 30);
  EXPECT(p == brk);
  p[(1 << 30) - 1] = 1;
  EXPECT(sbrklazy(-(1 << 30)) == brk + (1 << 30));
  expect_freemem(before, "after sbrklazy(1 GiB)");

  /* Past the end of user address space, or below the heap's start. */
  for (uint64 total = (uint64)brk; total + 0x7fffffff < MAXVA; total += 0x7fffffff)
    EXPECT(sbrk(0x7fffffff) != (char *)-1);
  EXPECT_ERR((long)sbrk(0x7fffffff), ENOMEM);
  while ((uint64)sbrk(0) - (uint64)brk >= 0x7fffffff)
    sbrk(-0x7fffffff);
  sbrk(-(int)((uint64)sbrk(0) - (uint64)brk));
  EXPECT(sbrk(0) == brk);
  EXPECT_ERR((long)sbrk(-(int)((uint64)brk + PGSIZE)), ANY_ERRNO);
  EXPECT_ERR((long)sbrk(-(int)(brk - (char *)stack_top) - 1), EINVAL);
  EXPECT(sbrk(0) == brk);
  brk[-1] = 1;  /* the memory below the break is still there */
  expect_freemem(before, "after sbrk up to the end of address space");
}

/* Free pages when sbrkexhaust began; its children measure against it. */
static int free_at_start;

/* Reserve twice the free memory and touch it all: memory runs out on the
   way, and this process is killed. */
static void touch_too_much(void)
{
  uint64 n = 2 * (uint64)free_at_start * PGSIZE;
  char *p = sbrk(n);
  if (p == (char *)-1)
    fail("sbrk of twice the free memory failed: %s", errname(errno));
  for (uint64 off = 0; off < n; off += PGSIZE)
    p[off] = 1;
  exit(0);  /* not reached: there were not that many pages */
}

/* Touch half the free memory, give it back, take it again, exit. */
static void touch_half_twice(void)
{
  uint64 n = (uint64)free_at_start / 2 * PGSIZE;
  for (int round = 0; round < 2; round++) {
    char *p = sbrk(n);
    if (p == (char *)-1)
      fail("sbrk of half the free memory failed: %s", errname(errno));
    for (uint64 off = 0; off < n; off += PGSIZE)
      p[off] = 1;
    if (sbrk(-n) == (char *)-1)
      fail("giving back %lu bytes failed: %s", n, errname(errno));
  }
  /* Out of memory but for this, fork must fail or work, but cleanly. */
  int pid = fork();
  if (pid == 0)
    exit(0);
  if (pid > 0)
    EXPECT_EQ(reap(pid), 0);
}

static void test_sbrkexhaust(void)
{
  free_at_start = freemem();
  int status = reap(spawn(touch_too_much));
  if (status != -1)
    fail("touching twice the free memory: exit status %d, want -1 (killed)", status);
  expect_freemem(free_at_start, "after a process ran out of memory touching its heap");
  EXPECT_EQ(reap(spawn(touch_half_twice)), 0);
  expect_freemem(free_at_start, "after a process touched half of memory twice");
}

static void test_pastbreak(void)
{
  uint64 brk = PGROUNDUP((uint64)sbrk(0));
  uint64 addrs[] = { brk, brk + PGSIZE - 1, brk + 64 * PGSIZE, MAXVA - PGSIZE };
  for (int i = 0; i < NELEM(addrs); i++) {
    expect_killed_at(probe_load, addrs[i], "load from beyond the break at");
    expect_killed_at(probe_store, addrs[i], "store to beyond the break at");
  }
}

/* Recurse to depth (or forever, if depth < 0) in 256-byte frames, each
   checked on the way back; returns the sum of the depths. */
static int recurse(int depth, int limit)
{
  volatile char frame[256];
  frame[0] = (char)depth;
  frame[255] = (char)~depth;
  int sum = depth == limit ? 0 : recurse(depth + 1, limit);
  if (frame[0] != (char)depth || frame[255] != (char)~depth)
    fail("frame %d changed under the recursion", depth);
  return sum + depth;
}

static void overflow_stack(void)
{
  recurse(0, -1);
}

static void test_guardpage(void)
{
  uint64 guard = guard_page();
  expect_killed_at(probe_load, guard, "load from the guard gap at");
  expect_killed_at(probe_store, guard, "store to the guard gap at");
  expect_killed_at(probe_store, guard + PGSIZE - 1, "store just below the stack's limit at");
  expect_killed_at(probe_load, guard - 15 * PGSIZE, "load from the bottom of the guard gap at");
  int status = reap(spawn(overflow_stack));
  if (status != -1)
    fail("unbounded recursion: exit status %d, want -1 (killed)", status);
}

/* Recursion 200 KiB deep: the stack grows page by page, then the
   pages stay (the way back down finds them) until exit. */
static void deep_recursion(void)
{
  struct procinfo before = info_of(getpid());
  int depth = 200 * 1024 / 256 - 40;  /* frames are at least 256 bytes */
  int sum = recurse(0, depth);
  if (sum != depth * (depth + 1) / 2)
    fail("recursion to %d returned %d", depth, sum);
  struct procinfo after = info_of(getpid());
  int grown = (after.rss - before.rss) / PGSIZE;
  if (grown < 150 * 1024 / PGSIZE || after.faults - before.faults < 150 * 1024 / PGSIZE)
    fail("recursing 200 KiB deep grew the stack by %d pages in %d faults", grown,
         (int)(after.faults - before.faults));
  exit(0);
}

static void test_stackgrow(void)
{
  int before = freemem();
  EXPECT_EQ(reap(spawn(deep_recursion)), 0);
  expect_freemem(before, "after a process grew its stack to 200 KiB");
}

static void test_textwrite(void)
{
  expect_killed_at(probe_store, (uint64)test_textwrite, "store to the program text at");
  expect_killed_at(probe_store, (uint64)"read-only data", "store to a string literal at");
  target = (uint64)test_textwrite;
  EXPECT_EQ(reap(spawn(probe_load)), 0);  /* reading code is allowed */
}

static void test_kernelmem(void)
{
  uint64 addrs[] = { KERNEL_ADDR, KERNEL_VA_BASE, TOP_PAGE };
  for (int i = 0; i < NELEM(addrs); i++) {
    expect_killed_at(probe_load, addrs[i], "load from kernel address");
    expect_killed_at(probe_store, addrs[i], "store to kernel address");
    expect_killed_at(probe_jump, addrs[i], "jump to kernel address");
  }
}

static void test_maxva(void)
{
  uint64 addrs[] = { MAXVA - PGSIZE, MAXVA, MAXVA + PGSIZE, 1UL << 50, NONCANONICAL };
  for (int i = 0; i < NELEM(addrs); i++) {
    expect_killed_at(probe_load, addrs[i], "load from");
    expect_killed_at(probe_store, addrs[i], "store to");
  }
}

static void test_badjump(void)
{
  expect_killed_at(probe_jump, 0, "jump to");
  expect_killed_at(probe_jump, PGROUNDUP((uint64)sbrk(0)), "jump beyond the break to");
  expect_killed_at(probe_jump, guard_page(), "jump to the guard page at");
  expect_killed_at(probe_jump, stack_page(), "jump to the stack at");
}

static void read_csr(void)
{
  asm volatile("csrr t0, sstatus" ::: "t0");
}

static void run_sret(void)
{
  asm volatile("sret");
}

static void run_zero_word(void)
{
  asm volatile(".4byte 0");  /* all-zero is defined to be an illegal instruction */
}

static void test_badinstr(void)
{
  int status;
  if ((status = reap(spawn(read_csr))) != -1)
    fail("reading sstatus in user mode: exit status %d, want -1", status);
  if ((status = reap(spawn(run_sret))) != -1)
    fail("sret in user mode: exit status %d, want -1", status);
  if ((status = reap(spawn(run_zero_word))) != -1)
    fail("an all-zero instruction: exit status %d, want -1", status);
}

/* A system call made by hand, to pass numbers the stubs never would. */
static long raw_syscall(long num, long arg)
{
  register long a0 asm("a0") = arg;
  register long a7 asm("a7") = num;
  asm volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
  return a0;
}

static void test_badsyscall(void)
{
  long nums[] = { 0, SYS_MAX + 1, 1000, -1, 1L << 40 };
  for (int i = 0; i < NELEM(nums); i++) {
    long r = raw_syscall(nums[i], 0);
    if (r != -ENOSYS)
      fail("system call %ld returned %ld, want -ENOSYS (%d)", nums[i], r, -ENOSYS);
  }
  /* Many at once (a fuzzer's way): each still ENOSYS; the console gets a
     line a second at most (the shell group counts them). */
  for (int i = 0; i < 2000; i++)
    if (raw_syscall(SYS_MAX + 1 + i % 7, 0) != -ENOSYS)
      fail("unknown system call %d of 2000 did not return -ENOSYS", i);
  EXPECT(getpid() > 0);  /* and the process carries on */
}

/*
 * Load all 32 FP registers from in[] and fcsr from *csr, make uptime()
 * system calls until it reaches `until` (the timer preempts us meanwhile),
 * then store the registers to out[] and fcsr to *csr.
 */
static void fp_hold(const uint64 *in, uint64 *out, uint64 *csr, long until)
{
  asm volatile(
    "ld t0, 0(%2)\n"
    "fscsr t0\n"
    ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
    "fld f\\n, (8*\\n)(%0)\n"
    ".endr\n"
    "1: li a7, %4\n"
    "ecall\n"
    "blt a0, %3, 1b\n"
    ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
    "fsd f\\n, (8*\\n)(%1)\n"
    ".endr\n"
    "frcsr t0\n"
    "sd t0, 0(%2)\n"
    :
    : "r"(in), "r"(out), "r"(csr), "r"(until), "i"(SYS_uptime)
    : "t0", "a0", "a7", "memory",
      "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11",
      "f12", "f13", "f14", "f15", "f16", "f17", "f18", "f19", "f20", "f21",
      "f22", "f23", "f24", "f25", "f26", "f27", "f28", "f29", "f30", "f31");
}

#define NFP 6  /* more FP processes than harts, so they must share */

static void test_fpregs(void)
{
  for (int k = 0; k < NFP; k++) {
    if (xfork() != 0)
      continue;
    uint64 in[32], out[32];
    uint64 want_csr = ((k % 5) << 5) | (k + 1);  /* rounding mode and flags */
    for (int i = 0; i < 32; i++)
      in[i] = 0x400921fb54442d18UL ^ ((uint64)k << 48) ^ ((uint64)i << 8) ^ i;
    for (int round = 0; round < 3; round++) {
      uint64 csr = want_csr;
      fp_hold(in, out, &csr, uptime() + 5);
      for (int i = 0; i < 32; i++)
        if (out[i] != in[i])
          fail("process %d: f%d changed from %lx to %lx", k, i, in[i], out[i]);
      if (csr != want_csr)
        fail("process %d: fcsr changed from %lx to %lx", k, want_csr, csr);
    }
    exit(0);
  }
  reap_all(NFP);
}

/*
 * A chain of FP operations with eight values live at once, which the
 * compiler keeps in callee-saved registers across the calls to sleep().
 * Not inlined or specialised, so both uses below run the same code.
 */
__attribute__((noinline, noclone))
static double fp_chain(double seed, int steps, int nap)
{
  double a = seed, b = seed * 0.5, c = 1.0 / seed, d = seed + 3.25;
  double e = seed * seed, f = 2.0 - seed, g = seed / 7.0, h = 0.125;

  for (int i = 0; i < steps; i++) {
    a = a * 1.0000001 + b * 1e-7;
    b = b * 0.9999999 + c * 1e-7;
    c = c + d * 1e-9;
    d = d - e * 1e-9;
    e = e * 1.0000002 - f * 1e-8;
    f = f + g * 1e-6;
    g = g * 0.99999 + h;
    h = h * 1.00001 - a * 1e-12;
    if (nap && i % 50 == 0)
      sleep(1);
  }
  return a + b + c + d + e + f + g + h;
}

static void test_fpsleep(void)
{
  for (int k = 0; k < NFP; k++) {
    if (xfork() != 0)
      continue;
    double seed = 1.5 + k * 0.75;
    double want = fp_chain(seed, 400, 0);
    double got = fp_chain(seed, 400, 1);
    uint64 want_bits, got_bits;
    memmove(&want_bits, &want, sizeof want);
    memmove(&got_bits, &got, sizeof got);
    if (got_bits != want_bits)
      fail("process %d: FP result is %lx after sleeping, %lx without", k, got_bits, want_bits);
    exit(0);
  }
  reap_all(NFP);
}

static void test_fpfork(void)
{
  uint64 in[32], out[32];
  for (int i = 0; i < 32; i++)
    in[i] = 0x3ff0000000000000UL + i * 0x10001UL;
  uint64 csr = (1 << 5) | 0x3;  /* round towards zero, two flags raised */

  /* Load the FP state, fork by hand, and see both sides keep it. */
  uint64 *inp = in, *outp = out;
  register long a0 asm("a0");
  asm volatile(
    "fscsr %3\n"
    ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
    "fld f\\n, (8*\\n)(%1)\n"
    ".endr\n"
    "li a7, %4\n"
    "ecall\n"
    ".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
    "fsd f\\n, (8*\\n)(%2)\n"
    ".endr\n"
    "frcsr %3\n"
    : "=r"(a0), "+r"(inp), "+r"(outp), "+r"(csr)
    : "i"(SYS_fork)
    : "a7", "memory",
      "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11",
      "f12", "f13", "f14", "f15", "f16", "f17", "f18", "f19", "f20", "f21",
      "f22", "f23", "f24", "f25", "f26", "f27", "f28", "f29", "f30", "f31");
  long pid = a0;
  if (pid < 0)
    fail("fork failed: %s", errname((int)-pid));
  const char *who = pid == 0 ? "child" : "parent";
  for (int i = 0; i < 32; i++)
    if (out[i] != in[i])
      fail("%s: f%d is %lx after fork, want %lx", who, i, out[i], in[i]);
  if (csr != ((1 << 5) | 0x3))
    fail("%s: fcsr is %lx after fork, want %x", who, csr, (1 << 5) | 0x3);
  if (pid == 0)
    exit(0);
  EXPECT_EQ(reap(pid), 0);
}

/* ======================================================================
 * User pointers: every system call that takes a pointer checks it.
 * A bad pointer gives -1 with EFAULT; it never crashes the kernel, never
 * reaches kernel memory, and never does half the work.
 * ====================================================================== */

struct badptr {
  const char *what;  /* where it points */
  uint64 addr;
};

#define MAXBAD 12

/*
 * Fill v with pointers a system call must refuse when it would copy `size`
 * bytes through them, and return how many. With kernel_writes set, the
 * kernel would store through the pointer, so read-only program text is on
 * the list too. The last heap page is filled with 'a' so that a string
 * running into the end of memory has no terminating NUL.
 */
static int bad_pointers(struct badptr *v, int size, int kernel_writes)
{
  char *end = fresh_heap_end();
  int n = 0;

  memset(end - PGSIZE, 'a', PGSIZE);
  v[n++] = (struct badptr) { "address 0", 0 };
  v[n++] = (struct badptr) { "the guard page", guard_page() };
  v[n++] = (struct badptr) { "the break", (uint64)end };
  v[n++] = (struct badptr) { "far beyond the break", (uint64)end + 1024 * PGSIZE };
  v[n++] = (struct badptr) { "the end of user memory", (uint64)end - size / 2 };
  v[n++] = (struct badptr) { "MAXVA", MAXVA };
  v[n++] = (struct badptr) { "a non-canonical address", NONCANONICAL };
  v[n++] = (struct badptr) { "the kernel", KERNEL_ADDR };
  v[n++] = (struct badptr) { "the top, wrapping to 0", -(uint64)(size / 2) };
  if (kernel_writes)
    v[n++] = (struct badptr) { "program text", (uint64)bad_pointers };
  return n;
}

static void expect_efault(long ret, const char *call, const struct badptr *b)
{
  if (ret != -1)
    fail("%s with a pointer to %s (%p) returned %ld, want -1 (EFAULT)",
         call, b->what, (void *)b->addr, ret);
  if (errno != EFAULT)
    fail("%s with a pointer to %s (%p) failed with %s, want EFAULT",
         call, b->what, (void *)b->addr, errname(errno));
}

static void expect_exec_fails(const char *path, char **argv, int err, const char *what);

static void test_badread(void)
{
  struct badptr v[MAXBAD];
  int n = bad_pointers(v, 64, 1);
  char text[16];
  memmove(text, (char *)bad_pointers, sizeof text);

  make_file("data", 2 * PGSIZE, 7);
  int fd = open("data", O_RDONLY);
  EXPECT(fd >= 0);
  int p[2];
  xpipe(p);
  fill(buf, 0, 200, 8);
  write_all(p[1], buf, 200);
  for (int i = 0; i < n; i++) {
    expect_efault(read(fd, (char *)v[i].addr, 64), "read from a file", &v[i]);
    expect_efault(read(p[0], (char *)v[i].addr, 64), "read from a pipe", &v[i]);
  }
  EXPECT(memcmp(text, (char *)bad_pointers, sizeof text) == 0);
  EXPECT_EQ(read(fd, buf, 64), 64);  /* good reads still work */
  EXPECT_EQ(read(p[0], buf, 64), 64);
  close(fd);
  close(p[0]);
  close(p[1]);
  EXPECT_EQ(unlink("data"), 0);
}

static void test_badwrite(void)
{
  struct badptr v[MAXBAD];
  int n = bad_pointers(v, 64, 0);
  int fd = open("out", O_CREATE | O_RDWR);
  EXPECT(fd >= 0);
  int p[2];
  xpipe(p);
  for (int i = 0; i < n; i++) {
    expect_efault(write(fd, (char *)v[i].addr, 64), "write to a file", &v[i]);
    expect_efault(write(p[1], (char *)v[i].addr, 64), "write to a pipe", &v[i]);
  }
  struct stat st;
  EXPECT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(st.size, 0);  /* failed writes wrote nothing */
  close(p[1]);
  EXPECT_EQ(read(p[0], buf, 1), 0);
  close(p[0]);
  close(fd);
  EXPECT_EQ(unlink("out"), 0);
}

static void test_badpipe(void)
{
  struct badptr v[MAXBAD];
  int n = bad_pointers(v, 2 * sizeof(int), 1);
  int lowest = dup(0);
  close(lowest);
  int before = freemem();
  for (int i = 0; i < n; i++) {
    expect_efault(pipe((int *)v[i].addr), "pipe()", &v[i]);
    int fd = dup(0);
    if (fd != lowest)
      fail("pipe() with a pointer to %s left descriptors open (dup gave %d, want %d)",
           v[i].what, fd, lowest);
    close(fd);
  }
  expect_freemem(before, "after failed pipe() calls");
}

static void test_badfstat(void)
{
  struct badptr v[MAXBAD];
  int n = bad_pointers(v, sizeof(struct stat), 1);
  int fd = open(".", O_RDONLY);
  EXPECT(fd >= 0);
  for (int i = 0; i < n; i++) {
    expect_efault(fstat(fd, (struct stat *)v[i].addr), "fstat(dir)", &v[i]);
    expect_efault(fstat(1, (struct stat *)v[i].addr), "fstat(console)", &v[i]);
  }
  close(fd);
}

static void test_badwait(void)
{
  struct badptr v[MAXBAD];
  int n = bad_pointers(v, sizeof(int), 1);
  int before = freemem();
  for (int i = 0; i < n; i++) {
    int pid = xfork();
    if (pid == 0)
      exit(7);
    int r = wait((int *)v[i].addr);
    if (r != -1 && r != pid)
      fail("wait(pointer to %s) returned %d", v[i].what, r);
    if (r == -1) {
      /* Refused: the child must still be reaped, by us or already. */
      if (errno != EFAULT)
        fail("wait(pointer to %s) failed with %s, want EFAULT", v[i].what, errname(errno));
      int status;
      r = wait(&status);
      if (r == pid && status != 7)
        fail("child exited with 7, wait reported %d", status);
      if (r != pid && r != -1)
        fail("wait returned %d, want %d or -1", r, pid);
    }
    EXPECT_ERR(wait(0), ECHILD);
  }
  expect_freemem(before, "after wait with bad pointers");
}

static void test_badpath(void)
{
  struct badptr v[MAXBAD];
  int n = bad_pointers(v, 16, 0);
  char *argv[] = { "echo", 0 };
  char what[80];

  make_file("existing", 10, 1);
  for (int i = 0; i < n; i++) {
    const struct badptr *b = &v[i];
    char *path = (char *)b->addr;
    expect_efault(open(path, O_RDONLY), "open", b);
    expect_efault(open(path, O_CREATE | O_RDWR), "open(O_CREATE)", b);
    expect_efault(mkdir(path), "mkdir", b);
    expect_efault(unlink(path), "unlink", b);
    expect_efault(chdir(path), "chdir", b);
    expect_efault(mknod(path, 1, 1), "mknod", b);
    expect_efault(link(path, "new"), "link(bad, new)", b);
    expect_efault(link("existing", path), "link(existing, bad)", b);
    snprintf(what, sizeof what, "exec with a path pointing to %s", b->what);
    expect_exec_fails(path, argv, EFAULT, what);
  }
  struct stat st;
  EXPECT_EQ(stat("existing", &st), 0);
  EXPECT_EQ(st.nlink, 1);
  EXPECT_EQ(unlink("existing"), 0);
}

static void test_badargv(void)
{
  struct badptr v[MAXBAD];
  int n = bad_pointers(v, 16, 0);
  char what[80];

  for (int i = 0; i < n; i++) {
    snprintf(what, sizeof what, "exec with argv pointing to %s", v[i].what);
    expect_exec_fails("/echo", (char **)v[i].addr, EFAULT, what);
    if (v[i].addr == 0)
      continue;  /* a null argument is the end of argv, not a bad pointer */
    char *argv[] = { "echo", (char *)v[i].addr, 0 };
    snprintf(what, sizeof what, "exec with argv[1] pointing to %s", v[i].what);
    expect_exec_fails("/echo", argv, EFAULT, what);
  }
  /* An argv array with no null entry before the end of memory. */
  char **argv = (char **)(fresh_heap_end() - 2 * sizeof(char *));
  argv[0] = "echo";
  argv[1] = "unterminated";
  expect_exec_fails("/echo", argv, EFAULT, "exec with argv running off the end of memory");
}

static void test_badcount(void)
{
  make_file("count", 100, 1);
  int fd = open("count", O_RDWR);
  EXPECT(fd >= 0);
  EXPECT_ERR(read(fd, buf, -1), ANY_ERRNO);
  EXPECT_ERR(write(fd, buf, -1), ANY_ERRNO);
  EXPECT_EQ(read(fd, buf, 0), 0);
  EXPECT_EQ(write(fd, buf, 0), 0);
  close(fd);
  int p[2];
  xpipe(p);
  write_all(p[1], "x", 1);
  EXPECT_ERR(read(p[0], buf, -5), ANY_ERRNO);
  EXPECT_ERR(write(p[1], buf, -5), ANY_ERRNO);
  close(p[0]);
  close(p[1]);
  EXPECT_EQ(unlink("count"), 0);
}

/* ======================================================================
 * exec: loading programs, checking ELF files, passing arguments.
 * ====================================================================== */

/* Run path with argv in a child whose standard output is a pipe; put what
   it prints (up to max-1 bytes) in out and return its exit status. */
static int run_capture(const char *path, char **argv, char *out, int max)
{
  int p[2];
  xpipe(p);
  int pid = xfork();
  if (pid == 0) {
    close(p[0]);
    close(1);
    dup(p[1]);
    close(p[1]);
    exec(path, argv);
    exit(EXEC_RETURNED + errno);
  }
  close(p[1]);
  int n = 0, r;
  char rest[64];
  while (n < max - 1 && (r = read(p[0], out + n, max - 1 - n)) > 0)
    n += r;
  while (read(p[0], rest, sizeof rest) > 0)  /* more than fits: drop it */
    ;
  out[n] = '\0';
  close(p[0]);
  return reap(pid);
}

/* Fail unless exec(path, argv) returns -1 with errno err. Runs it in a
   child, with standard output closed in case a program does start. */
static void expect_exec_fails(const char *path, char **argv, int err, const char *what)
{
  int pid = xfork();
  if (pid == 0) {
    close(1);
    exec(path, argv);
    exit(EXEC_RETURNED + errno);
  }
  int status = reap(pid);
  if (status < EXEC_RETURNED || status >= EXEC_RETURNED + 100)
    fail("%s: exec did not fail (the program ran; exit status %d)", what, status);
  if (err != ANY_ERRNO && status - EXEC_RETURNED != err)
    fail("%s: exec failed with %s, want %s", what, errname(status - EXEC_RETURNED), errname(err));
}

static void test_exececho(void)
{
  char out[64];
  char *argv[] = { "echo", "hello", "world", 0 };
  EXPECT_EQ(run_capture("/echo", argv, out, sizeof out), 0);
  if (strcmp(out, "hello world\n") != 0)
    fail("echo hello world printed \"%s\"", out);

  char *none[] = { "echo", 0 };
  EXPECT_EQ(run_capture("/echo", none, out, sizeof out), 0);
  EXPECT(strcmp(out, "\n") == 0);

  expect_exec_fails("/nosuchprog", argv, ENOENT, "exec of a missing file");
  expect_exec_fails("/a-name-too-long-for-dirsiz", argv, ENOENT, "exec of a name over DIRSIZ (cut to a missing one)");
  expect_exec_fails("/echoXXXXXXXXXXXXXXXXX", argv, ENOENT, "exec of echo's name made long");
  expect_exec_fails("/README/x", argv, ENOTDIR, "exec below a file");
  expect_exec_fails("", argv, ENOENT, "exec of an empty path");
  expect_exec_fails("/", argv, ANY_ERRNO, "exec of a directory");
}

static void test_execnotelf(void)
{
  char *argv[] = { "prog", 0 };
  static const char text[] = "#!/bin/sh\necho this is not an ELF file\n";

  int fd = open("prog", O_CREATE | O_TRUNC | O_WRONLY);
  EXPECT(fd >= 0);
  for (int i = 0; i < 50; i++)
    write_all(fd, text, sizeof text - 1);
  close(fd);
  expect_exec_fails("prog", argv, ENOEXEC, "exec of a text file");

  fd = open("prog", O_CREATE | O_TRUNC | O_WRONLY);
  close(fd);
  expect_exec_fails("prog", argv, ENOEXEC, "exec of an empty file");

  fd = open("prog", O_CREATE | O_TRUNC | O_WRONLY);
  write_all(fd, "\177ELF\2\1\1", 7);
  close(fd);
  expect_exec_fails("prog", argv, ENOEXEC, "exec of a 7-byte file");
  EXPECT_EQ(unlink("prog"), 0);
}

/* The ELF image under test: a copy of /echo, and its first PT_LOAD. */
static struct elfhdr *elf_header(char *img)
{
  return (struct elfhdr *)img;
}

static struct proghdr *first_load(char *img)
{
  struct elfhdr *eh = elf_header(img);
  for (int i = 0; i < eh->phnum; i++) {
    struct proghdr *ph = (struct proghdr *)(img + eh->phoff + i * sizeof(struct proghdr));
    if (ph->type == PT_LOAD)
      return ph;
  }
  fail("/echo has no PT_LOAD segment");
}

/* Ways to damage an ELF file; each changes the image or its length. */
static void bad_magic(char *img, int *len)         { img[1] = 'X'; }
static void bad_class(char *img, int *len)         { elf_header(img)->ident[EI_CLASS] = 1; }
static void bad_machine(char *img, int *len)       { elf_header(img)->machine = 62; }
static void bad_phentsize(char *img, int *len)     { elf_header(img)->phentsize = 16; }
static void phoff_past_end(char *img, int *len)    { elf_header(img)->phoff = *len + PGSIZE; }
static void phnum_huge(char *img, int *len)        { elf_header(img)->phnum = 0xffff; }
static void filesz_over_memsz(char *img, int *len) { first_load(img)->memsz = first_load(img)->filesz / 2; }
static void memsz_huge(char *img, int *len)        { first_load(img)->memsz = 1UL << 37; }
static void memsz_past_maxva(char *img, int *len)  { first_load(img)->memsz = MAXVA; }
static void memsz_wraps(char *img, int *len)       { first_load(img)->memsz = -(uint64)PGSIZE; }
static void vaddr_in_kernel(char *img, int *len)   { first_load(img)->vaddr = KERNEL_ADDR; }
static void vaddr_at_maxva(char *img, int *len)    { first_load(img)->vaddr = MAXVA; }
static void offset_past_end(char *img, int *len)   { first_load(img)->off = *len + PGSIZE; }
static void cut_in_header(char *img, int *len)     { *len = 40; }
static void cut_in_phdrs(char *img, int *len)      { *len = elf_header(img)->phoff + 20; }

static void data_past_end(char *img, int *len)
{
  struct proghdr *ph = first_load(img);
  ph->filesz = *len - ph->off + PGSIZE;
  if (ph->memsz < ph->filesz)
    ph->memsz = ph->filesz;
}

static void cut_in_segment(char *img, int *len)
{
  struct proghdr *ph = first_load(img);
  *len = ph->off + ph->filesz / 2;
}

static const struct {
  const char *what;
  void (*damage)(char *img, int *len);
  int err;  /* what exec must fail with */
} elf_damages[] = {
  { "bad magic number",                bad_magic,         ENOEXEC },
  { "32-bit class",                    bad_class,         ENOEXEC },
  { "x86-64 machine",                  bad_machine,       ENOEXEC },
  { "wrong program header size",       bad_phentsize,     ENOEXEC },
  { "program headers past the end",    phoff_past_end,    ENOEXEC },
  { "65535 program headers",           phnum_huge,        ENOEXEC },
  { "segment filesz > memsz",          filesz_over_memsz, ENOEXEC },
  { "segment memsz 128 GiB",           memsz_huge,        ANY_ERRNO },
  { "segment memsz MAXVA",             memsz_past_maxva,  ANY_ERRNO },
  { "segment vaddr + memsz wraps",     memsz_wraps,       ENOEXEC },
  { "segment vaddr in the kernel",     vaddr_in_kernel,   ANY_ERRNO },
  { "segment vaddr at MAXVA",          vaddr_at_maxva,    ANY_ERRNO },
  { "segment offset past the end",     offset_past_end,   ENOEXEC },
  { "segment data past the end",       data_past_end,     ENOEXEC },
  { "file cut inside the ELF header",  cut_in_header,     ENOEXEC },
  { "file cut inside program headers", cut_in_phdrs,      ENOEXEC },
  { "file cut inside a segment",       cut_in_segment,    ENOEXEC },
};

static void write_image(const char *name, const char *img, int len)
{
  int fd = open(name, O_CREATE | O_TRUNC | O_WRONLY);
  if (fd < 0)
    fail("cannot create %s: %s", name, errname(errno));
  write_all(fd, img, len);
  close(fd);
}

static void test_execbadelf(void)
{
  struct stat st;
  int fd = open("/echo", O_RDONLY);
  if (fd < 0 || fstat(fd, &st) < 0)
    fail("cannot open /echo: %s", errname(errno));
  char *orig = sbrk(PGROUNDUP(st.size));
  char *img = sbrk(PGROUNDUP(st.size));
  EXPECT(orig != (char *)-1 && img != (char *)-1);
  read_all(fd, orig, st.size);
  close(fd);
  EXPECT_EQ(elf_header(orig)->magic, ELF_MAGIC);

  /* Drop the section headers and debug information after the last
     segment; a copy without them must still run. */
  struct elfhdr *eh = elf_header(orig);
  int len = 0;
  for (int i = 0; i < eh->phnum; i++) {
    struct proghdr *ph = (struct proghdr *)(orig + eh->phoff + i * sizeof(struct proghdr));
    if (ph->type == PT_LOAD && ph->off + ph->filesz > len)
      len = ph->off + ph->filesz;
  }
  eh->shoff = eh->shnum = eh->shstrndx = 0;
  char *argv[] = { "copy", "ok", 0 };
  char out[16];
  write_image("copy", orig, len);
  int status = run_capture("copy", argv, out, sizeof out);
  if (status != 0 || strcmp(out, "ok\n") != 0)
    fail("an intact copy of /echo does not run (status %d, output \"%s\")", status, out);

  memset(img, 0, len); /* its pages are made at first touch: before counting */
  int before = freemem();
  for (int i = 0; i < NELEM(elf_damages); i++) {
    int n = len;
    memmove(img, orig, len);
    elf_damages[i].damage(img, &n);
    write_image("copy", img, n);
    expect_exec_fails("copy", argv, elf_damages[i].err, elf_damages[i].what);
  }
  expect_freemem(before, "after failed execs");
  EXPECT_EQ(unlink("copy"), 0);
}

/* An argv for echo of n entries: "echo" and n-1 arguments of len bytes. */
static char **echo_args(int n, int len)
{
  char **argv = (char **)sbrk((n + 1) * sizeof(char *));
  char *space = sbrk(n * (len + 1));
  if ((char *)argv == (char *)-1 || space == (char *)-1)
    fail("sbrk failed: %s", errname(errno));
  argv[0] = "echo";
  for (int i = 1; i < n; i++) {
    argv[i] = space + i * (len + 1);
    memset(argv[i], 'a' + i % 26, len);
    argv[i][len] = '\0';
  }
  argv[n] = 0;
  return argv;
}

/* Run echo with n argv entries of len bytes and check what it prints. */
static void check_echo(int n, int len)
{
  char **argv = echo_args(n, len);
  int max = n * (len + 1) + 2;
  char *out = sbrk(max), *want = sbrk(max);
  EXPECT(out != (char *)-1 && want != (char *)-1);
  char *w = want;
  for (int i = 1; i < n; i++) {
    if (i > 1)
      *w++ = ' ';
    strcpy(w, argv[i]);
    w += len;
  }
  strcpy(w, "\n");
  int status = run_capture("/echo", argv, out, max);
  if (status != 0)
    fail("echo with %d argv entries of %d bytes: exit status %d", n, len, status);
  if (strcmp(out, want) != 0)
    fail("echo with %d argv entries of %d bytes printed %d bytes, want %d",
         n, len, (int)strlen(out), (int)strlen(want));
}

static void test_execmaxarg(void)
{
  check_echo(MAXARG - 1, 7);
  check_echo(MAXARG, 7);
  expect_exec_fails("/echo", echo_args(MAXARG + 1, 7), E2BIG, "exec with MAXARG+1 arguments");
}

static void test_execbigarg(void)
{
  check_echo(2, 3000);
  expect_exec_fails("/echo", echo_args(2, PGSIZE + 100), E2BIG,
                    "exec with an argument longer than a page");
  expect_exec_fails("/echo", echo_args(MAXARG, 150), E2BIG,
                    "exec with MAXARG arguments of 150 bytes");
}

static void test_execleak(void)
{
  char *argv[] = { "echo", "leak", 0 };
  char out[16];
  int before = freemem();
  for (int i = 0; i < 10; i++) {
    EXPECT_EQ(run_capture("/echo", argv, out, sizeof out), 0);
    EXPECT(strcmp(out, "leak\n") == 0);
  }
  expect_freemem(before, "after 10 execs");
}

/* ======================================================================
 * Files and directories.
 * ====================================================================== */

static void test_filerw(void)
{
  static const int sizes[] = { 1, 511, 1024, 1500, 3000, 7 };
  int fd = open("small", O_CREATE | O_RDWR);
  EXPECT(fd >= 0);
  int off = 0;
  for (int i = 0; i < NELEM(sizes); i++) {
    fill(buf, off, sizes[i], 3);
    write_all(fd, buf, sizes[i]);
    off += sizes[i];
  }
  struct stat st;
  EXPECT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(st.type, T_FILE);
  EXPECT_EQ(st.size, off);
  EXPECT_EQ(read(fd, buf, 10), 0);  /* the offset is at the end */
  close(fd);
  check_file("small", off, 3);
  EXPECT_EQ(unlink("small"), 0);
  EXPECT_ERR(open("small", O_RDONLY), ENOENT);
}

static void test_openflags(void)
{
  struct stat st;
  EXPECT_ERR(open("nothing", O_RDONLY), ENOENT);
  EXPECT_ERR(open("nodir/file", O_CREATE | O_RDWR), ENOENT);

  int fd = open("of", O_CREATE | O_WRONLY);
  EXPECT(fd >= 0);
  write_all(fd, "hello", 5);
  EXPECT_ERR(read(fd, buf, 5), EBADF);  /* opened for writing only */
  close(fd);

  fd = open("of", O_CREATE | O_RDWR);   /* exists: O_CREATE doesn't truncate */
  EXPECT(fd >= 0);
  EXPECT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(st.size, 5);
  close(fd);

  fd = open("of", O_RDONLY);
  EXPECT_ERR(write(fd, "x", 1), EBADF);  /* opened for reading only */
  close(fd);

  fd = open("of", O_TRUNC | O_RDWR);
  EXPECT(fd >= 0);
  EXPECT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(st.size, 0);
  write_all(fd, "hi", 2);
  close(fd);
  fd = open("of", O_RDONLY);
  EXPECT_EQ(read(fd, buf, sizeof buf), 2);  /* no stale bytes after the new data */
  EXPECT(memcmp(buf, "hi", 2) == 0);
  close(fd);
  EXPECT_EQ(unlink("of"), 0);
}

static void test_unlinkopen(void)
{
  int w = open("gone", O_CREATE | O_RDWR);
  int r = open("gone", O_RDONLY);
  EXPECT(w >= 0 && r >= 0);
  fill(buf, 0, 3000, 4);
  write_all(w, buf, 3000);
  EXPECT_EQ(unlink("gone"), 0);
  EXPECT_ERR(open("gone", O_RDONLY), ENOENT);

  struct stat st;
  EXPECT_EQ(fstat(r, &st), 0);
  EXPECT_EQ(st.nlink, 0);
  EXPECT_EQ(st.size, 3000);
  read_all(r, buf, 3000);
  EXPECT(mismatch(buf, 0, 3000, 4) < 0);
  fill(buf, 3000, 1000, 4);
  write_all(w, buf, 1000);
  read_all(r, buf, 1000);
  EXPECT(mismatch(buf, 3000, 1000, 4) < 0);
  close(w);
  close(r);

  int fd = open("gone", O_CREATE | O_RDWR);  /* the name is free for a new file */
  EXPECT(fd >= 0);
  EXPECT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(st.size, 0);
  close(fd);
  EXPECT_EQ(unlink("gone"), 0);
}

static void test_inodereuse(void)
{
  /* More files than inodes, and more data than the disk holds. */
  for (int i = 0; i < 220; i++) {
    int fd = open("cycle", O_CREATE | O_RDWR);
    if (fd < 0)
      fail("create number %d failed: %s (inodes leak?)", i, errname(errno));
    for (int k = 0; k < 4; k++) {
      int w = write(fd, buf, 4096);
      if (w != 4096)
        fail("write in round %d returned %d (%s; blocks leak?)", i, w, errname(errno));
    }
    if (i % 2 == 0) {
      EXPECT_EQ(unlink("cycle"), 0);  /* freed on the close below */
      close(fd);
    } else {
      close(fd);
      EXPECT_EQ(unlink("cycle"), 0);
    }
  }
}

static void test_links(void)
{
  struct stat a, b;
  make_file("l1", 300, 5);
  EXPECT_EQ(link("l1", "l2"), 0);
  EXPECT_EQ(stat("l1", &a), 0);
  EXPECT_EQ(stat("l2", &b), 0);
  EXPECT_EQ(a.ino, b.ino);
  EXPECT_EQ(a.nlink, 2);
  check_file("l2", 300, 5);

  EXPECT_ERR(link("l1", "l2"), EEXIST);
  EXPECT_ERR(link("none", "l3"), ENOENT);
  EXPECT_ERR(link("l1", "nodir/l3"), ENOENT);
  EXPECT_EQ(mkdir("d"), 0);
  EXPECT_ERR(link("d", "d2"), ANY_ERRNO);  /* no hard links to directories */
  EXPECT_EQ(link("l1", "d/l3"), 0);
  EXPECT_EQ(stat("d/l3", &b), 0);
  EXPECT_EQ(b.nlink, 3);

  EXPECT_EQ(unlink("l1"), 0);
  check_file("l2", 300, 5);
  EXPECT_EQ(stat("l2", &b), 0);
  EXPECT_EQ(b.nlink, 2);
  EXPECT_EQ(unlink("d/l3"), 0);
  EXPECT_EQ(unlink("d"), 0);
  EXPECT_EQ(stat("l2", &b), 0);
  EXPECT_EQ(b.nlink, 1);
  EXPECT_EQ(unlink("l2"), 0);
  EXPECT_ERR(stat("l2", &b), ENOENT);
}

/* A directory removed while it is a process's current directory: its
   ".." leads nowhere and nothing can be created in it. */
static void test_rmcwd(void)
{
  int ready[2], go[2];
  if (pipe(ready) < 0 || pipe(go) < 0)
    fail("pipe failed");
  EXPECT_EQ(mkdir("rma"), 0);
  EXPECT_EQ(mkdir("rma/b"), 0);
  int pid = fork();
  if (pid == 0) {
    char c;
    EXPECT_EQ(chdir("rma/b"), 0);
    write(ready[1], "r", 1);
    read(go[0], &c, 1); /* the parent removed both directories */
    EXPECT_ERR(chdir(".."), ENOENT);
    EXPECT_ERR(open("f", O_CREATE | O_RDWR), ENOENT);
    EXPECT_ERR(mkdir("x"), ENOENT);
    EXPECT_ERR(open("../../README", O_RDONLY), ENOENT);
    exit(0);
  }
  char c;
  read(ready[0], &c, 1);
  EXPECT_EQ(unlink("rma/b"), 0);
  EXPECT_EQ(unlink("rma"), 0);
  write(go[1], "g", 1);
  int st;
  EXPECT_EQ(wait(&st), pid);
  EXPECT_EQ(st, 0);
  close(ready[0]);
  close(ready[1]);
  close(go[0]);
  close(go[1]);
}

static void test_dirs(void)
{
  struct stat d, e, here, x;
  EXPECT_EQ(mkdir("d"), 0);
  EXPECT_ERR(mkdir("d"), EEXIST);
  EXPECT_EQ(mkdir("d/e"), 0);
  make_file("d/e/f", 100, 9);
  EXPECT_ERR(mkdir("d/e/f"), EEXIST);
  EXPECT_EQ(stat("d", &d), 0);
  EXPECT_EQ(stat("d/e", &e), 0);
  EXPECT_EQ(stat(".", &here), 0);
  EXPECT_EQ(d.type, T_DIR);
  EXPECT_EQ(e.type, T_DIR);

  EXPECT_EQ(chdir("d/e"), 0);
  check_file("f", 100, 9);
  check_file("../e/f", 100, 9);
  check_file("../../d/e/f", 100, 9);
  check_file(SCRATCH "/d/e/f", 100, 9);
  EXPECT_EQ(stat(".", &x), 0);
  EXPECT_EQ(x.ino, e.ino);
  EXPECT_EQ(stat("..", &x), 0);
  EXPECT_EQ(x.ino, d.ino);
  EXPECT_EQ(chdir("../.."), 0);
  EXPECT_EQ(stat(".", &x), 0);
  EXPECT_EQ(x.ino, here.ino);

  check_file("d//e/f", 100, 9);
  check_file("./d/./e/f", 100, 9);
  check_file("d/e/../e/f", 100, 9);
  EXPECT_EQ(chdir("d/e/"), 0);
  EXPECT_EQ(chdir("../.."), 0);
  EXPECT_EQ(stat("/..", &x), 0);
  EXPECT_EQ(x.ino, ROOTINO);  /* the root is its own parent */

  EXPECT_ERR(unlink("d"), ENOTEMPTY);
  EXPECT_ERR(unlink("d/e"), ENOTEMPTY);
  EXPECT_ERR(unlink("d/e/."), ANY_ERRNO);
  EXPECT_ERR(unlink("d/e/.."), ANY_ERRNO);
  EXPECT_ERR(unlink("."), ANY_ERRNO);
  EXPECT_ERR(unlink(".."), ANY_ERRNO);
  EXPECT_EQ(stat("d/e", &x), 0);
  EXPECT_EQ(stat(".", &x), 0);

  EXPECT_EQ(unlink("d/e/f"), 0);
  EXPECT_EQ(unlink("d/e"), 0);
  EXPECT_EQ(unlink("d"), 0);
  EXPECT_ERR(chdir("d"), ENOENT);
}

static void test_dirfile(void)
{
  make_file("plain", 10, 1);
  EXPECT_ERR(open("plain/x", O_CREATE | O_RDWR), ENOTDIR);
  EXPECT_ERR(open("plain/x", O_RDONLY), ENOTDIR);
  EXPECT_ERR(mkdir("plain/x"), ENOTDIR);
  EXPECT_ERR(chdir("plain"), ENOTDIR);
  EXPECT_ERR(unlink("plain/x"), ENOTDIR);
  EXPECT_ERR(link("plain", "plain/x"), ENOTDIR);
  EXPECT_EQ(unlink("plain"), 0);
}

static void test_longname(void)
{
  const char *n14 = "abcdefghijklmn";        /* DIRSIZ characters */
  const char *n15 = "abcdefghijklmno";       /* one more */
  const char *n20 = "abcdefghijklmnopqrst";  /* six more */
  struct stat st;

  /* As in xv6, a longer element is cut to its first DIRSIZ characters:
     every spelling names the same file. */
  make_file(n15, 5, 2);
  check_file(n14, 5, 2);
  check_file(n20, 5, 2);
  EXPECT_EQ(stat(n20, &st), 0);
  EXPECT_EQ(st.size, 5);
  EXPECT_ERR(mkdir(n20), EEXIST);
  EXPECT_ERR(link(n14, n15), EEXIST);
  EXPECT_EQ(unlink(n20), 0);
  EXPECT_ERR(open(n14, O_RDONLY), ENOENT);

  /* A directory, and a path through it. */
  EXPECT_EQ(mkdir(n20), 0);
  make_file("abcdefghijklmnXYZ/f", 3, 4);
  check_file("abcdefghijklmn/f", 3, 4);
  EXPECT_EQ(chdir(n15), 0);
  check_file("f", 3, 4);
  EXPECT_EQ(unlink("f"), 0);
  EXPECT_EQ(chdir(".."), 0);
  EXPECT_EQ(unlink(n14), 0);

  /* Whole paths: MAXPATH-1 characters fit, MAXPATH do not. */
  char path[MAXPATH + 40];
  int n = 0;
  while (n < MAXPATH - 3) {
    path[n++] = '.';
    path[n++] = '/';
  }
  strcpy(path + n, "x");
  EXPECT_EQ(strlen(path), MAXPATH - 1);
  int fd = open(path, O_CREATE | O_RDWR);
  EXPECT(fd >= 0);
  close(fd);
  EXPECT_EQ(unlink("x"), 0);
  strcpy(path + n, "xy");
  EXPECT_ERR(open(path, O_CREATE | O_RDWR), ENAMETOOLONG);
  memset(path + n, 'z', sizeof path - n - 1);
  path[sizeof path - 1] = '\0';
  EXPECT_ERR(open(path, O_RDONLY), ENAMETOOLONG);
  EXPECT_ERR(mkdir(path), ENAMETOOLONG);
}

static void test_bigfile(void)
{
  int fd = open("big", O_CREATE | O_RDWR);
  EXPECT(fd >= 0);
  for (int off = 0; off < MAXFILE_BYTES; ) {
    int n = MIN((int)sizeof buf, MAXFILE_BYTES - off);
    fill(buf, off, n, 11);
    int w = write(fd, buf, n);
    if (w != n)
      fail("write at offset %d returned %d (%s)", off, w, errname(errno));
    off += n;
  }
  struct stat st;
  EXPECT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(st.size, MAXFILE_BYTES);
  EXPECT_ERR(write(fd, "x", 1), EFBIG);
  EXPECT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(st.size, MAXFILE_BYTES);
  close(fd);
  check_file("big", MAXFILE_BYTES, 11);
  EXPECT_EQ(unlink("big"), 0);
}

/* Write files full0, full1, ... until the disk is full; return the bytes
   written and the number of files in *nfiles. */
static long fill_disk(int *nfiles)
{
  long total = 0;
  char name[16];

  for (int f = 0; f < 40; f++) {
    snprintf(name, sizeof name, "full%d", f);
    int fd = open(name, O_CREATE | O_WRONLY);
    if (fd < 0) {
      if (errno != ENOSPC)
        fail("creating %s failed with %s, want ENOSPC", name, errname(errno));
      *nfiles = f;
      return total;
    }
    for (int size = 0; size < MAXFILE_BYTES; ) {
      int n = MIN(4096, MAXFILE_BYTES - size);
      fill(buf, size, n, f);
      int w = write(fd, buf, n);
      if (w < 0) {
        if (errno != ENOSPC)
          fail("write to %s failed with %s, want ENOSPC", name, errname(errno));
        close(fd);
        check_file(name, size, f);  /* what fitted is intact */
        *nfiles = f + 1;
        return total;
      }
      if (w == 0)
        fail("write to %s returned 0", name);
      size += w;
      total += w;
    }
    close(fd);
  }
  fail("wrote 40 files of %d bytes without filling the disk", MAXFILE_BYTES);
}

static void remove_numbered(const char *prefix, int n)
{
  char name[16];
  for (int i = 0; i < n; i++) {
    snprintf(name, sizeof name, "%s%d", prefix, i);
    if (unlink(name) < 0)
      fail("unlink %s failed: %s", name, errname(errno));
  }
}

static void test_diskfull(void)
{
  int nfiles;
  long first = fill_disk(&nfiles);

  /* Full: a new file gets no data. */
  int fd = open("extra", O_CREATE | O_WRONLY);
  if (fd >= 0) {
    EXPECT_ERR(write(fd, buf, BSIZE), ENOSPC);
    close(fd);
    EXPECT_EQ(unlink("extra"), 0);
  } else {
    EXPECT_EQ(errno, ENOSPC);
  }
  remove_numbered("full", nfiles);

  long second = fill_disk(&nfiles);
  if (second < first)
    fail("the disk took %ld bytes, but only %ld after deleting them", first, second);
  remove_numbered("full", nfiles);
}

/* Create empty files i0, i1, ... until the inodes run out; return how many. */
static int fill_inodes(void)
{
  char name[16];
  for (int i = 0; i < 300; i++) {
    snprintf(name, sizeof name, "i%d", i);
    int fd = open(name, O_CREATE | O_RDWR);
    if (fd < 0) {
      if (errno != ENOSPC)
        fail("creating %s failed with %s, want ENOSPC", name, errname(errno));
      return i;
    }
    close(fd);
  }
  fail("created 300 files; the file system has 200 inodes");
}

static void test_inodefull(void)
{
  int first = fill_inodes();
  EXPECT(first > 0);
  EXPECT_ERR(mkdir("more"), ENOSPC);
  remove_numbered("i", first);
  int second = fill_inodes();
  if (second != first)
    fail("%d files could be created, %d after deleting them", first, second);
  remove_numbered("i", second);
}

static void test_openmax(void)
{
  int fds[NOFILE], n = 0, fd, p[2];
  make_file("om", 1, 1);
  while ((fd = open("om", O_RDONLY)) >= 0) {
    if (n == NOFILE)
      fail("opened more than NOFILE (%d) descriptors", NOFILE);
    fds[n++] = fd;
  }
  EXPECT_EQ(errno, EMFILE);
  EXPECT(n > 0);
  EXPECT_EQ(fds[n - 1], NOFILE - 1);  /* every descriptor was in use */
  EXPECT_ERR(dup(0), EMFILE);
  EXPECT_ERR(pipe(p), EMFILE);

  close(fds[--n]);  /* one free slot is not enough for a pipe */
  EXPECT_ERR(pipe(p), EMFILE);
  fd = open("om", O_RDONLY);  /* and the failed pipe left it free */
  EXPECT_EQ(fd, NOFILE - 1);
  close(fd);

  for (int i = 0; i < n; i++)
    close(fds[i]);
  fd = open("om", O_RDONLY);
  EXPECT_EQ(fd, fds[0]);
  close(fd);
  EXPECT_EQ(unlink("om"), 0);
}

#define NFILE_PROCS 12  /* enough processes to exhaust NFILE between them */

static void test_nfile(void)
{
  int ready[2], gate[2];
  make_file("nf", 1, 1);
  xpipe(ready);
  xpipe(gate);
  for (int k = 0; k < NFILE_PROCS; k++) {
    if (xfork() == 0) {
      char report[2], c;
      close(ready[0]);
      close(gate[1]);
      report[0] = 0;
      while (report[0] < NOFILE && open("nf", O_RDONLY) >= 0)
        report[0]++;
      report[1] = errno;
      write_all(ready[1], report, 2);
      read(gate[0], &c, 1);  /* hold the files until everyone has tried */
      exit(0);
    }
  }
  close(ready[1]);
  close(gate[0]);
  int total = 0, refused = 0;
  for (int k = 0; k < NFILE_PROCS; k++) {
    char report[2];
    read_all(ready[0], report, 2);
    total += report[0];
    if (report[1] == ENFILE)
      refused++;
    else if (report[1] != EMFILE)
      fail("open failed with %s, want EMFILE or ENFILE", errname(report[1]));
  }
  close(gate[1]);
  close(ready[0]);
  reap_all(NFILE_PROCS);
  if (total > NFILE)
    fail("%d files were open at once; NFILE is %d", total, NFILE);
  if (refused == 0)
    fail("%d processes opened %d files and none got ENFILE", NFILE_PROCS, total);
  int fd = open("nf", O_RDONLY);
  EXPECT(fd >= 0);
  close(fd);
  EXPECT_EQ(unlink("nf"), 0);
}

#define NINODE_PROCS 7   /* 7 x 10 distinct files: more than NINODE */
#define NINODE_FILES (NOFILE - 6)  /* 0-2, the report fd, two pipe ends */

/* The name of file k of child c in test_ninode. */
static char *ninode_name(char *buf, int c, int k)
{
  snprintf(buf, 8, "i%d_%d", c, k);
  return buf;
}

/*
 * With the in-memory inode table full, opening, creating and removing a
 * file that needs a new entry fail with ENFILE (not ENOENT or ENOSPC),
 * and all works again once files are closed.
 */
static void test_ninode(void)
{
  char name[8];
  int ready[2], gate[2];
  EXPECT_EQ(mkdir("nino"), 0);
  EXPECT_EQ(chdir("nino"), 0);
  for (int c = 0; c < NINODE_PROCS; c++) {
    for (int k = 0; k < NINODE_FILES; k++)
      make_file(ninode_name(name, c, k), 1, k);
  }
  xpipe(ready);
  xpipe(gate);
  for (int c = 0; c < NINODE_PROCS; c++) {
    if (xfork() == 0) {
      /* opened, then the errno of: open, create, unlink, mkdir */
      char report[5] = { 0, 0, 0, 0, 0 }, ch;
      close(ready[0]);
      close(gate[1]);
      while (report[0] < NINODE_FILES && open(ninode_name(name, c, report[0]), O_RDONLY) >= 0)
        report[0]++;
      if (report[0] < NINODE_FILES) {
        report[1] = errno;
        report[2] = open("new", O_CREATE | O_RDWR) < 0 ? errno : 0;
        report[3] = unlink(ninode_name(name, c, NINODE_FILES - 1)) < 0 ? errno : 0;
        report[4] = mkdir("newdir") < 0 ? errno : 0;
      }
      write_all(ready[1], report, sizeof(report));
      read(gate[0], &ch, 1);  /* hold the inodes until everyone has tried */
      exit(0);
    }
  }
  close(ready[1]);
  close(gate[0]);
  int refused = 0;
  for (int c = 0; c < NINODE_PROCS; c++) {
    char report[5];
    read_all(ready[0], report, sizeof(report));
    if (report[0] == NINODE_FILES)
      continue;
    refused++;
    for (int i = 1; i < 5; i++) {
      static const char *const what[] = { 0, "open", "create", "unlink", "mkdir" };
      if (report[i] != ENFILE)
        fail("%s with the inode table full: %s, want ENFILE", what[i],
             report[i] ? errname(report[i]) : "succeeded");
    }
  }
  close(gate[1]);
  close(ready[0]);
  reap_all(NINODE_PROCS);
  if (refused == 0)
    fail("%d files open at once and the inode table never filled", NINODE_PROCS * NINODE_FILES);
  int fd = open("new", O_CREATE | O_RDWR);
  EXPECT(fd >= 0);
  close(fd);
  EXPECT_EQ(unlink("new"), 0);
  for (int c = 0; c < NINODE_PROCS; c++) {
    for (int k = 0; k < NINODE_FILES; k++)
      EXPECT_EQ(unlink(ninode_name(name, c, k)), 0);
  }
  EXPECT_EQ(chdir(".."), 0);
  EXPECT_EQ(unlink("nino"), 0);
}

static void test_concwrite(void)
{
  char name[8];
  for (int k = 0; k < 4; k++) {
    if (xfork() == 0) {
      snprintf(name, sizeof name, "cw%d", k);
      make_file(name, 20000, 20 + k);
      check_file(name, 20000, 20 + k);
      exit(0);
    }
  }
  reap_all(4);
  for (int k = 0; k < 4; k++) {
    snprintf(name, sizeof name, "cw%d", k);
    check_file(name, 20000, 20 + k);
    EXPECT_EQ(unlink(name), 0);
  }
}

#define CONC_PROCS  4
#define CONC_NAMES  8
#define CONC_ROUNDS 60

/* Create, remove and mkdir the names c0..c7 in an order of its own. */
static void conc_worker(int k)
{
  char name[8];
  for (int r = 0; r < CONC_ROUNDS; r++) {
    snprintf(name, sizeof name, "c%d", (r * 5 + k * 3) % CONC_NAMES);
    switch ((r + k) % 4) {
    case 0:
    case 1: {
      int fd = open(name, O_CREATE | O_RDWR);
      if (fd >= 0) {
        write_all(fd, "x", 1);
        close(fd);
      } else if (errno != EISDIR) {  /* another process made it a directory */
        fail("open(%s, O_CREATE) failed: %s", name, errname(errno));
      }
      break;
    }
    case 2:
      if (unlink(name) < 0 && errno != ENOENT)
        fail("unlink(%s) failed: %s", name, errname(errno));
      break;
    case 3:
      if (mkdir(name) < 0 && errno != EEXIST)
        fail("mkdir(%s) failed: %s", name, errname(errno));
      break;
    }
  }
}

static void test_concdir(void)
{
  for (int k = 0; k < CONC_PROCS; k++) {
    if (xfork() == 0) {
      conc_worker(k);
      exit(0);
    }
  }
  reap_all(CONC_PROCS);

  /* Every entry left is well formed, unique and names a live inode. */
  int seen[CONC_NAMES] = { 0 };
  struct dirent de;
  struct stat st;
  char name[DIRSIZ + 1];
  int fd = open(".", O_RDONLY);
  EXPECT(fd >= 0);
  while (read(fd, &de, sizeof de) == sizeof de) {
    if (de.inum == 0)
      continue;
    memmove(name, de.name, DIRSIZ);
    name[DIRSIZ] = '\0';
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
      continue;
    if (name[0] != 'c' || name[1] < '0' || name[1] >= '0' + CONC_NAMES || name[2] != '\0')
      fail("unexpected directory entry \"%s\"", name);
    if (seen[name[1] - '0']++)
      fail("two directory entries named %s", name);
    if (stat(name, &st) < 0)
      fail("entry %s: stat failed: %s", name, errname(errno));
    if (st.ino != de.inum)
      fail("entry %s has inode %d, stat says %d", name, de.inum, st.ino);
    if (st.type == T_FILE && st.nlink != 1)
      fail("file %s has %d links, want 1", name, st.nlink);
    if (unlink(name) < 0)
      fail("unlink %s failed: %s", name, errname(errno));
  }
  close(fd);
}

/* Create name, tell the parent on ready_fd, and write 1 KB pieces of
   stream seed until the file is as big as a file can be; the parent
   kills us on the way. */
static void write_until_killed(const char *name, int seed, int ready_fd)
{
  int fd = open(name, O_CREATE | O_WRONLY);
  if (fd < 0)
    fail("cannot create %s: %s", name, errname(errno));
  write_all(ready_fd, "r", 1);
  for (int off = 0; off < MAXFILE_BYTES; off += BSIZE) {
    fill(buf, off, BSIZE, seed);
    write_all(fd, buf, BSIZE);
  }
}

static void test_killfs(void)
{
  char name[8], c;
  struct stat st;
  int ready[2];
  xpipe(ready);
  for (int round = 0; round < 6; round++) {
    snprintf(name, sizeof name, "kf%d", round);
    int pid = xfork();
    if (pid == 0) {
      write_until_killed(name, round, ready[1]);
      exit(0);
    }
    read_all(ready[0], &c, 1);
    sleep(round);
    kill(pid);
    int status = reap(pid);
    if (status != -1 && status != 0)
      fail("writer exited with status %d, want -1 (killed) or 0 (finished)", status);
    /* Whatever part was written is there, and only that. */
    if (stat(name, &st) < 0)
      fail("%s is gone after its writer was killed: %s", name, errname(errno));
    check_file(name, st.size, round);
    EXPECT_EQ(unlink(name), 0);
  }
  close(ready[0]);
  close(ready[1]);
  make_file("after", 3 * BSIZE, 9);  /* and the file system still works */
  check_file("after", 3 * BSIZE, 9);
  EXPECT_EQ(unlink("after"), 0);
}

static void test_readdir(void)
{
  struct stat dir, parent, a, b;
  EXPECT_EQ(mkdir("rd"), 0);
  make_file("rd/alpha", 1, 1);
  make_file("rd/beta", 1, 1);
  EXPECT_EQ(stat("rd", &dir), 0);
  EXPECT_EQ(stat(".", &parent), 0);
  EXPECT_EQ(stat("rd/alpha", &a), 0);
  EXPECT_EQ(stat("rd/beta", &b), 0);

  int fd = open("rd", O_RDONLY);
  EXPECT(fd >= 0);
  struct dirent de;
  int n, i = 0, found = 0;
  while ((n = read(fd, &de, sizeof de)) == sizeof de) {
    if (i == 0 && (strcmp(de.name, ".") != 0 || de.inum != dir.ino))
      fail("first entry is \"%s\" (inode %d), want \".\" (inode %d)", de.name, de.inum, dir.ino);
    if (i == 1 && (strcmp(de.name, "..") != 0 || de.inum != parent.ino))
      fail("second entry is \"%s\" (inode %d), want \"..\" (inode %d)", de.name, de.inum, parent.ino);
    if (de.inum == a.ino && strcmp(de.name, "alpha") == 0)
      found |= 1;
    if (de.inum == b.ino && strcmp(de.name, "beta") == 0)
      found |= 2;
    i++;
  }
  EXPECT_EQ(n, 0);
  EXPECT_EQ(found, 3);
  EXPECT_EQ(fstat(fd, &dir), 0);
  EXPECT_EQ(dir.size % sizeof de, 0);
  close(fd);
  EXPECT_EQ(unlink("rd/alpha"), 0);
  EXPECT_EQ(unlink("rd/beta"), 0);
  EXPECT_EQ(unlink("rd"), 0);
}

static void test_dirwrite(void)
{
  EXPECT_EQ(mkdir("dw"), 0);
  EXPECT_ERR(open("dw", O_WRONLY), EISDIR);
  EXPECT_ERR(open("dw", O_RDWR), EISDIR);
  EXPECT_ERR(open("dw", O_CREATE | O_RDWR), EISDIR);
  int fd = open("dw", O_RDONLY);
  EXPECT(fd >= 0);
  EXPECT_ERR(write(fd, "x", 1), EBADF);
  close(fd);
  EXPECT_ERR(open("/", O_RDWR), EISDIR);
  EXPECT_EQ(unlink("dw"), 0);
}

static void test_dup(void)
{
  int fd = open("du", O_CREATE | O_RDWR);
  EXPECT(fd >= 0);
  write_all(fd, "ab", 2);
  int d = dup(fd);
  EXPECT(d >= 0 && d != fd);
  write_all(d, "cd", 2);   /* after "ab": the offset is shared */
  write_all(fd, "ef", 2);
  close(fd);
  EXPECT_EQ(dup(d), fd);   /* the lowest free descriptor */
  close(fd);
  write_all(d, "gh", 2);   /* still open after the other was closed */
  close(d);
  fd = open("du", O_RDONLY);
  EXPECT_EQ(read(fd, buf, sizeof buf), 8);
  EXPECT(memcmp(buf, "abcdefgh", 8) == 0);
  close(fd);

  struct stat st;
  EXPECT_ERR(dup(fd), EBADF);  /* fd is closed now */
  EXPECT_ERR(dup(-1), EBADF);
  EXPECT_ERR(dup(NOFILE), EBADF);
  EXPECT_ERR(read(fd, buf, 1), EBADF);
  EXPECT_ERR(write(NOFILE + 5, buf, 1), EBADF);
  EXPECT_ERR(read(-1, buf, 1), EBADF);
  EXPECT_ERR(close(fd), EBADF);
  EXPECT_ERR(close(-1), EBADF);
  EXPECT_ERR(fstat(fd, &st), EBADF);
  EXPECT_EQ(unlink("du"), 0);
}

static void test_fstat(void)
{
  struct stat st, byname;
  make_file("fs", 1234, 1);
  int fd = open("fs", O_RDONLY);
  EXPECT(fd >= 0);
  EXPECT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(st.type, T_FILE);
  EXPECT_EQ(st.size, 1234);
  EXPECT_EQ(st.nlink, 1);
  EXPECT(st.ino != 0 && st.ino != ROOTINO);
  EXPECT_EQ(stat("fs", &byname), 0);
  EXPECT_EQ(byname.ino, st.ino);
  close(fd);

  fd = open(".", O_RDONLY);
  EXPECT_EQ(fstat(fd, &st), 0);
  EXPECT_EQ(st.type, T_DIR);
  EXPECT(st.size > 0 && st.size % sizeof(struct dirent) == 0);
  close(fd);
  EXPECT_EQ(stat("/", &st), 0);
  EXPECT_EQ(st.type, T_DIR);
  EXPECT_EQ(st.ino, ROOTINO);
  EXPECT_EQ(fstat(1, &st), 0);
  EXPECT_EQ(st.type, T_DEVICE);  /* standard output is the console */
  EXPECT_EQ(unlink("fs"), 0);
}

static void test_devnode(void)
{
  struct stat st;
  EXPECT_EQ(mknod("dn", NDEV - 1, 0), 0);
  EXPECT_ERR(mknod("dn", NDEV - 1, 0), EEXIST);
  EXPECT_EQ(stat("dn", &st), 0);
  EXPECT_EQ(st.type, T_DEVICE);
  EXPECT_EQ(st.nlink, 1);

  /* No driver has these majors: using them fails, without harm. */
  int fd = open("dn", O_RDWR);
  if (fd >= 0) {
    EXPECT_ERR(read(fd, buf, 1), ANY_ERRNO);
    EXPECT_ERR(write(fd, "x", 1), ANY_ERRNO);
    close(fd);
  }
  if (mknod("far", NDEV + 5, 0) == 0) {
    fd = open("far", O_RDWR);
    if (fd >= 0) {
      EXPECT_ERR(read(fd, buf, 1), ANY_ERRNO);
      EXPECT_ERR(write(fd, "x", 1), ANY_ERRNO);
      close(fd);
    }
    EXPECT_EQ(unlink("far"), 0);
  }
  EXPECT_EQ(unlink("dn"), 0);
}

#define IREF_DEPTH (NINODE + 10)  /* more levels than in-memory inodes */

static void test_irefs(void)
{
  for (int i = 0; i < IREF_DEPTH; i++) {
    if (mkdir("ir") < 0 || chdir("ir") < 0)
      fail("mkdir/chdir at depth %d failed: %s", i, errname(errno));
    /* Failing calls, each of which holds inodes it must let go of. */
    EXPECT_ERR(open("none/x", O_CREATE | O_RDWR), ENOENT);
    EXPECT_ERR(chdir("none"), ENOENT);
    EXPECT_ERR(unlink("none"), ENOENT);
    EXPECT_ERR(link("none", "x"), ENOENT);
    make_file("f", 1, 1);
    EXPECT_ERR(link("f", "f"), EEXIST);
    EXPECT_ERR(link("f", "none/x"), ENOENT);
    EXPECT_ERR(mkdir("f/x"), ENOTDIR);
    EXPECT_ERR(mkdir("."), EEXIST);
    EXPECT_EQ(unlink("f"), 0);
  }
  for (int i = 0; i < IREF_DEPTH; i++) {
    if (chdir("..") < 0 || unlink("ir") < 0)
      fail("leaving depth %d failed: %s", IREF_DEPTH - i, errname(errno));
  }
}

/* ======================================================================
 * Pipes.
 * ====================================================================== */

#define PIPE_TOTAL (100 * 1024)

static void test_pipedata(void)
{
  int p[2];
  xpipe(p);
  int pid = xfork();
  if (pid == 0) {
    close(p[0]);
    for (int off = 0, n = 1; off < PIPE_TOTAL; off += n) {
      n = MIN((n * 7 + 13) % 1500 + 1, PIPE_TOTAL - off);
      fill(buf, off, n, 33);
      write_all(p[1], buf, n);
    }
    exit(0);
  }
  close(p[1]);
  int off = 0, m = 1, r;
  for (;;) {
    m = (m * 11 + 5) % 900 + 1;
    if ((r = read(p[0], buf, m)) <= 0)
      break;
    int bad = mismatch(buf, off, r, 33);
    if (bad >= 0)
      fail("byte %d through the pipe is wrong", off + bad);
    off += r;
  }
  EXPECT_EQ(r, 0);
  EXPECT_EQ(off, PIPE_TOTAL);
  close(p[0]);
  EXPECT_EQ(reap(pid), 0);
}

static void test_pipeeof(void)
{
  int p[2];
  xpipe(p);
  write_all(p[1], "abc", 3);
  close(p[1]);
  EXPECT_EQ(read(p[0], buf, 10), 3);
  EXPECT_EQ(read(p[0], buf, 10), 0);
  EXPECT_EQ(read(p[0], buf, 10), 0);
  close(p[0]);

  /* A write end dup'd and inherited by a child keeps the pipe open. */
  xpipe(p);
  int w2 = dup(p[1]);
  close(p[1]);
  int pid = xfork();
  if (pid == 0) {
    close(p[0]);
    sleep(5);
    write_all(w2, "x", 1);
    exit(0);
  }
  close(w2);
  EXPECT_EQ(read(p[0], buf, 10), 1);
  EXPECT_EQ(read(p[0], buf, 10), 0);
  EXPECT_EQ(reap(pid), 0);
  close(p[0]);
}

static void test_pipeclosed(void)
{
  int p[2];
  xpipe(p);
  close(p[0]);
  EXPECT_ERR(write(p[1], "x", 1), EPIPE);
  close(p[1]);

  /* A writer blocked on a full pipe is woken when the last reader goes. */
  xpipe(p);
  int pid = xfork();
  if (pid == 0) {
    int total = 0, w;
    close(p[0]);
    while ((w = write(p[1], buf, sizeof buf)) >= 0) {
      total += w;
      if (total > (1 << 20))
        fail("wrote 1 MiB into a pipe that nobody reads");
    }
    if (errno != EPIPE)
      fail("write failed with %s, want EPIPE", errname(errno));
    exit(0);
  }
  close(p[1]);
  sleep(10);
  close(p[0]);
  EXPECT_EQ(reap(pid), 0);
}

static void test_pingpong(void)
{
  int down[2], up[2], v;
  xpipe(down);
  xpipe(up);
  int pid = xfork();
  if (pid == 0) {
    for (int i = 0; i < 100; i++) {
      read_all(down[0], &v, sizeof v);
      if (v != 2 * i)
        fail("child got %d, want %d", v, 2 * i);
      v++;
      write_all(up[1], &v, sizeof v);
    }
    exit(0);
  }
  for (int i = 0; i < 100; i++) {
    v = 2 * i;
    write_all(down[1], &v, sizeof v);
    read_all(up[0], &v, sizeof v);
    EXPECT_EQ(v, 2 * i + 1);
  }
  EXPECT_EQ(reap(pid), 0);
  close(down[0]);
  close(down[1]);
  close(up[0]);
  close(up[1]);
}

static void test_pipeleak(void)
{
  int before = freemem();
  for (int round = 0; round < 20; round++) {
    int p[5][2];
    for (int j = 0; j < 5; j++) {
      xpipe(p[j]);
      if (j % 2)
        write_all(p[j][1], buf, 100);  /* closed with data unread */
    }
    for (int j = 0; j < 5; j++) {
      close(p[j][(j + round) % 2]);
      close(p[j][(j + round + 1) % 2]);
    }
  }
  expect_freemem(before, "after making and closing 100 pipes");
}

/* ======================================================================
 * Scheduling and time.
 * ====================================================================== */

static void spin_forever(void)
{
  for (;;)
    ;
}

#define NSPIN 6  /* more spinners than harts */

static void test_preempt(void)
{
  int pids[NSPIN];
  for (int i = 0; i < NSPIN; i++)
    pids[i] = spawn(spin_forever);
  int t0 = uptime();
  EXPECT_EQ(sleep(5), 0);
  int t = uptime() - t0;
  if (t < 5)
    fail("sleep(5) returned after %d ticks", t);
  if (t > 200)
    fail("with %d processes spinning, sleep(5) took %d ticks", NSPIN, t);
  for (int i = 0; i < NSPIN; i++)
    EXPECT_EQ(kill(pids[i]), 0);
  for (int i = 0; i < NSPIN; i++) {
    int status;
    EXPECT(wait(&status) > 0);
    EXPECT_EQ(status, -1);
  }
}

static void test_sleep(void)
{
  int t0 = uptime();
  EXPECT_EQ(sleep(10), 0);
  int t = uptime() - t0;
  if (t < 10 || t > 110)
    fail("sleep(10) took %d ticks", t);
  t0 = uptime();
  EXPECT_EQ(sleep(0), 0);
  t = uptime() - t0;
  if (t > 2)
    fail("sleep(0) took %d ticks", t);
}

static void test_uptime(void)
{
  int t0 = uptime();
  EXPECT(t0 >= 0);
  /* Compute in user mode, asking only now and then: the timer interrupts us. */
  for (int i = 0; i < 1000 && uptime() < t0 + 3; i++)
    for (volatile int j = 0; j < 20000; j++)
      ;
  if (uptime() < t0 + 3)
    fail("uptime stayed near %d while the process computed", t0);
  int prev = uptime();
  for (int i = 0; i < 100; i++) {
    int now = uptime();
    if (now < prev)
      fail("uptime went back from %d to %d", prev, now);
    prev = now;
  }
}

#define NFAIR 6

static void test_fairness(void)
{
  int p[2];
  xpipe(p);
  int start = uptime() + 2, end = start + 50;
  for (int k = 0; k < NFAIR; k++) {
    if (xfork() == 0) {
      long count = 0;
      close(p[0]);
      while (uptime() < start)
        ;
      while (uptime() < end)
        count++;
      write_all(p[1], &count, sizeof count);
      exit(0);
    }
  }
  close(p[1]);
  for (int k = 0; k < NFAIR; k++) {
    long count;
    read_all(p[0], &count, sizeof count);
    if (count == 0)
      fail("a process got no CPU time in %d ticks while %d others spun", end - start, NFAIR - 1);
  }
  close(p[0]);
  reap_all(NFAIR);
}

/* ======================================================================
 * Process API: suspend and resume, waitpid, signals, process groups and
 * the status call.
 * ====================================================================== */

/* How many spins between checks that the parent is still there. */
#define SPINS_PER_CHECK (1 << 16)

/* Fork a child that spins in user mode until killed, or until its parent
   is gone (so a failing test leaves no spinner behind); returns its pid. */
static int spawn_spinner(void)
{
  int parent = getpid();
  int pid = fork();
  if (pid < 0)
    fail("fork failed");
  if (pid == 0) {
    for (volatile uint64 n = 0;; n++) {
      if (n % SPINS_PER_CHECK == 0 && getppid() != parent)
        exit(0);
    }
  }
  return pid;
}

/* Sleep in the kernel until killed or orphaned. */
static void sleep_until_orphaned(int parent)
{
  while (getppid() == parent)
    sleep(10);
  exit(0);
}

/* Wait for a stop report from pid and check the signal. */
static void expect_stopped(int pid, int sig)
{
  int st;
  int r = waitpid(pid, &st, WUNTRACED);
  if (r != pid)
    fail("waitpid WUNTRACED returned %d (errno %d)", r, errno);
  if (!WIFSTOPPED(st) || WSTOPSIG(st) != sig)
    fail("status %x is not stopped by %d", st, sig);
}

static void expect_killed_by(int pid, int sig)
{
  int st;
  if (waitpid(pid, &st, 0) != pid)
    fail("waitpid for the killed child failed");
  if (!WIFSIGNALED(st) || WTERMSIG(st) != sig || WIFEXITED(st))
    fail("status %x is not 'terminated by signal %d'", st, sig);
}

/* A suspended spinner leaves the CPU: its CPU time stands still. */
static void test_stopspin(void)
{
  int pid = spawn_spinner();
  sleep(2);
  if (suspend(pid) < 0)
    fail("suspend failed");
  expect_stopped(pid, SIGSTOP);
  struct procinfo a = info_of(pid);
  if (a.state != STOPPED)
    fail("state %s after suspend", proc_state_name(a.state));
  sleep(20);
  struct procinfo b = info_of(pid);
  if (b.utime_us + b.stime_us != a.utime_us + a.stime_us)
    fail("stopped spinner used %d us of CPU", (int)(b.utime_us + b.stime_us - a.utime_us - a.stime_us));
  if (b.nsched != a.nsched)
    fail("stopped spinner was scheduled %d times", (int)(b.nsched - a.nsched));
  if (resume(pid) < 0)
    fail("resume failed");
  int st;
  if (waitpid(pid, &st, WCONTINUED) != pid || !WIFCONTINUED(st))
    fail("no continued report, status %x", st);
  sleep(5);
  struct procinfo c = info_of(pid);
  if (c.utime_us + c.stime_us <= b.utime_us + b.stime_us)
    fail("resumed spinner got no CPU time");
  kill(pid);
  expect_killed_by(pid, SIGKILL);
}

/* A process asleep in sleep() stops at once and finishes its sleep later. */
static void test_stopsleep(void)
{
  int pid = fork();
  if (pid == 0) {
    sleep(30);
    exit(7);
  }
  sleep(2);
  suspend(pid);
  expect_stopped(pid, SIGSTOP);
  if (info_of(pid).state != STOPPED)
    fail("sleeper not stopped");
  resume(pid);
  int st;
  if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 7)
    fail("resumed sleeper status %x, want exit 7", st);
}

/* usleep sleeps at least what it was asked, and to the microsecond, not
   to the tick: a sleep of 3 ms is over well before the next two ticks. */
static void test_usleep(void)
{
  uint64 took[15];
  EXPECT_EQ(usleep(0), 0);
  EXPECT_ERR(usleep(~0UL), EINVAL);
  for (int i = 0; i < 15; i++) {
    uint64 t0 = uptime_us();
    EXPECT_EQ(usleep(3000), 0);
    took[i] = uptime_us() - t0;
    if (took[i] < 3000)
      fail("usleep(3000) returned after %d us", (int)took[i]);
  }
  /* the median, by counting: rounding to ticks would make it 10 ms or more */
  int under = 0;
  for (int i = 0; i < 15; i++)
    under += took[i] < 8000;
  if (under < 8)
    fail("usleep(3000) took 8 ms or more in %d of 15 sleeps: rounded to ticks?", 15 - under);

  /* usleep_until: a time gone by returns at once, one too far is refused,
     and sleepers until one moment become runnable in the order they went
     to sleep (the trace's wake events show it; on several harts they may
     then run in any order). */
  EXPECT_EQ(usleep_until(0), 0);
  EXPECT_ERR(usleep_until(~0UL), EINVAL);
  enum { KIDS = 5 };
  int pids[KIDS];
  uint64 cursor = SCHED_TRACE_NOW;
  int was = schedtrace_on(1);
  if (schedtrace(0, 0, &cursor) < 0)
    fail("schedtrace cursor (%s)", errname(errno));
  uint64 at = uptime_us() + 200000;
  for (int k = 0; k < KIDS; k++) {
    pids[k] = fork();
    if (pids[k] == 0)
      exit(usleep_until(at) == 0 && uptime_us() >= at ? 0 : 1);
    while (info_of(pids[k]).state != SLEEPING) /* asleep in usleep_until */
      usleep(100);
  }
  for (int k = 0; k < KIDS; k++) {
    int st;
    if (waitpid(pids[k], &st, 0) != pids[k] || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
      fail("sleeper %d: usleep_until returned early or failed", k);
  }
  /* The first wake of each at or after `at`, in trace order. */
  static struct schedevent ev[64];
  int next = 0, n;
  while (next < KIDS && (n = schedtrace(ev, 64, &cursor)) > 0) {
    for (int i = 0; i < n && next < KIDS; i++) {
      if (ev[i].type == SCHED_EV_DROPPED)
        fail("the trace dropped %d events", ev[i].arg);
      if (ev[i].type != SCHED_EV_WAKE || ev[i].time_us < at)
        continue;
      int k = 0;
      while (k < KIDS && pids[k] != ev[i].pid)
        k++;
      if (k == KIDS)
        continue;
      if (k < next)
        continue;                   /* woken again later: not the first */
      if (k != next)
        fail("sleeper %d became runnable before sleeper %d", k, next);
      next++;
    }
  }
  schedtrace_on(was);
  if (next < KIDS)
    fail("the trace shows only %d of %d sleepers woken", next, KIDS);
}

/* Sleepers of many lengths on every hart, some of them interrupted: each
   wakes no earlier than its time, and none is left asleep (the kernel
   arms some hart for the earliest sleeper, whoever leaves first). */
static void test_usleepmany(void)
{
  enum { KIDS = 8, ROUNDS = 10 };
  int pids[KIDS];
  for (int k = 0; k < KIDS; k++) {
    pids[k] = fork();
    if (pids[k] < 0)
      fail("fork failed");
    if (pids[k] == 0) {
      for (int r = 0; r < ROUNDS; r++) {
        uint64 want = 500 + 700 * ((k * 3 + r) % KIDS), t0 = uptime_us();
        if (usleep(want) < 0 || uptime_us() - t0 < want)
          exit(1);
      }
      exit(0);
    }
  }
  /* A long sleeper that is killed early, and one stopped and continued,
     which sleeps only what was left. */
  int victim = fork();
  if (victim == 0) {
    usleep(100000000);
    exit(9);
  }
  int stopped = fork();
  if (stopped == 0) {
    uint64 t0 = uptime_us();
    int r = usleep(200000);
    exit(r == 0 && uptime_us() - t0 >= 200000 ? 0 : 1);
  }
  sleep(3);
  kill(victim);
  suspend(stopped);
  expect_stopped(stopped, SIGSTOP);
  sleep(5);
  resume(stopped);
  int st;
  for (int k = 0; k < KIDS; k++)
    if (waitpid(pids[k], &st, 0) != pids[k] || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
      fail("sleeper %d woke early or failed (status %x)", k, st);
  if (waitpid(victim, &st, 0) != victim || WIFEXITED(st))
    fail("a killed usleep() did not end by the kill (status %x)", st);
  if (waitpid(stopped, &st, 0) != stopped || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
    fail("a stopped and continued usleep() slept short or failed (status %x)", st);
}

/* A process blocked on a pipe stops, and reads its data once resumed. */
static void test_stoppipe(void)
{
  int fds[2];
  if (pipe(fds) < 0)
    fail("pipe failed");
  int pid = fork();
  if (pid == 0) {
    char c;
    close(fds[1]);
    int n = read(fds[0], &c, 1);
    exit(n == 1 ? c : 100 + n);
  }
  close(fds[0]);
  sleep(2);
  sigsend(pid, SIGTSTP);
  expect_stopped(pid, SIGTSTP);
  write(fds[1], "x", 1);
  sleep(5);
  if (info_of(pid).state != STOPPED)
    fail("stopped reader ran when data arrived");
  resume(pid);
  int st;
  waitpid(pid, &st, 0);
  close(fds[1]);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 'x')
    fail("reader status %x, want exit 'x'", st);
}

/* A writer stopped while blocked on a full pipe, then continued, writes
   every byte exactly once. */
static void test_stoppipewrite(void)
{
  enum { TOTAL = 8192, MODULUS = 251 };
  int fds[2];
  if (pipe(fds) < 0)
    fail("pipe failed");
  int pid = fork();
  if (pid == 0) {
    static char buf[TOTAL];
    close(fds[0]);
    for (int i = 0; i < TOTAL; i++)
      buf[i] = i % MODULUS;
    for (int done = 0; done < TOTAL;) {
      int n = write(fds[1], buf + done, TOTAL - done);
      if (n <= 0)
        exit(2);
      done += n;
    }
    exit(0);
  }
  close(fds[1]);
  sleep(5); /* the writer fills the pipe and blocks */
  suspend(pid);
  expect_stopped(pid, SIGSTOP);
  resume(pid);
  static char got[TOTAL + 1];
  int total = 0, n;
  while ((n = read(fds[0], got + total, sizeof(got) - total)) > 0)
    total += n;
  close(fds[0]);
  int st;
  EXPECT_EQ(waitpid(pid, &st, 0), pid);
  EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  EXPECT_EQ(total, TOTAL);
  for (int i = 0; i < TOTAL; i++) {
    if (got[i] != (char)(i % MODULUS))
      fail("byte %d is %d, want %d", i, got[i], i % MODULUS);
  }
}

/*
 * A stop sent while the target is between finding its pipe empty and
 * going to sleep must not be lost. The parent writes a byte, which wakes
 * the reader, and stops it a varying moment later, so that over the
 * rounds the stop lands at every point of the reader's way back to
 * sleep. A lost stop would leave the parent waiting for good, so a
 * watchdog kills the reader if the rounds take far longer than they
 * should (well under a second).
 */
static void test_stoprace(void)
{
  enum { ROUNDS = 2000, WATCHDOG_SECONDS = 20 };
  int fds[2];
  xpipe(fds);
  int pid = fork();
  if (pid == 0) {
    char c;
    close(fds[1]);
    while (read(fds[0], &c, 1) == 1)
      ;
    exit(0);
  }
  close(fds[0]);
  int watchdog = fork();
  if (watchdog == 0) {
    sleep(WATCHDOG_SECONDS * 100);
    sigsend(pid, SIGKILL);
    exit(0);
  }
  for (int i = 0; i < ROUNDS; i++) {
    write_all(fds[1], "x", 1);
    for (volatile int d = 0; d < (i % 50) * 20; d++)
      ;
    sigsend(pid, SIGSTOP);
    int st;
    if (waitpid(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st)) {
      kill(watchdog);
      fail("round %d: the reader did not stop (status %x)", i, st);
    }
    sigsend(pid, SIGCONT);
  }
  kill(watchdog);
  close(fds[1]);
  int st;
  if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
    fail("reader status %x, want exit 0", st);
  waitpid(watchdog, &st, 0);
}

/* kill() ends a stopped process; wait() reports -1 as in xv6. */
static void test_killstopped(void)
{
  int pid = spawn_spinner();
  suspend(pid);
  expect_stopped(pid, SIGSTOP);
  if (kill(pid) < 0)
    fail("kill of a stopped process failed");
  int st;
  if (wait(&st) != pid || st != -1)
    fail("wait gave status %d, want -1", st);
}

/* WNOHANG, a particular pid, ECHILD and EINVAL, one report per change. */
static void test_waitpidopts(void)
{
  int st;
  int a = spawn_spinner();
  int b = fork();
  if (b == 0)
    exit(3);
  if (waitpid(a, &st, WNOHANG) != 0)
    fail("WNOHANG on a running child did not return 0");
  if (waitpid(b, &st, 0) != b || !WIFEXITED(st) || WEXITSTATUS(st) != 3)
    fail("waitpid(b) status %x", st);
  if (waitpid(b, &st, 0) != -1 || errno != ECHILD)
    fail("second waitpid of a reaped child: errno %d", errno);
  if (waitpid(a, &st, 0x100) != -1 || errno != EINVAL)
    fail("bad options accepted");
  if (waitpid(1, &st, WNOHANG) != -1 || errno != ECHILD)
    fail("waitpid for init (not a child) did not fail with ECHILD");
  suspend(a);
  expect_stopped(a, SIGSTOP);
  if (waitpid(a, &st, WNOHANG | WUNTRACED) != 0)
    fail("a stop was reported twice");
  if (waitpid(a, &st, WNOHANG) != 0)
    fail("waitpid without WUNTRACED reported a stop");
  resume(a);
  resume(a); /* resuming a running process does nothing */
  if (waitpid(a, &st, WCONTINUED) != a || !WIFCONTINUED(st))
    fail("continue not reported");
  if (waitpid(a, &st, WNOHANG | WCONTINUED) != 0)
    fail("a continue was reported twice");
  sigsend(a, SIGTERM);
  expect_killed_by(a, SIGTERM);
  if (waitpid(-1, &st, WNOHANG) != -1 || errno != ECHILD)
    fail("no children left, but waitpid did not say ECHILD");
}

/* Every status macro on every kind of status. */
static void test_waitstatus(void)
{
  int st;
  int pid = fork();
  if (pid == 0)
    exit(42);
  waitpid(pid, &st, 0);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 42 || WIFSIGNALED(st) || WIFSTOPPED(st) || WIFCONTINUED(st))
    fail("exit(42) gave status %x", st);
  pid = spawn_spinner();
  sigsend(pid, SIGINT);
  waitpid(pid, &st, 0);
  if (WIFEXITED(st) || !WIFSIGNALED(st) || WTERMSIG(st) != SIGINT || WIFSTOPPED(st))
    fail("SIGINT gave status %x", st);
  pid = spawn_spinner();
  sigsend(pid, SIGSTOP);
  waitpid(pid, &st, WUNTRACED);
  if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP || WIFEXITED(st) || WIFSIGNALED(st))
    fail("SIGSTOP gave status %x", st);
  sigsend(pid, SIGCONT);
  waitpid(pid, &st, WCONTINUED);
  if (!WIFCONTINUED(st) || WIFEXITED(st) || WIFSIGNALED(st) || WIFSTOPPED(st))
    fail("SIGCONT gave status %x", st);
  kill(pid);
  wait(0);
}

/* A signal to a group reaches every member and nobody else. */
static void test_groupsignal(void)
{
  int me = getpid();
  int a = fork();
  if (a == 0) {
    setpgid(0, 0);
    sleep_until_orphaned(me);
  }
  setpgid(a, a);
  int b = fork();
  if (b == 0) {
    setpgid(0, a);
    sleep_until_orphaned(me);
  }
  setpgid(b, a);
  int outsider = spawn_spinner();
  if (getpgid(a) != a || getpgid(b) != a)
    fail("groups are %d and %d, want %d", getpgid(a), getpgid(b), a);
  if (getpgid(outsider) != getpgid(0))
    fail("a child did not inherit the group");
  if (sigsend(-a, SIGTERM) < 0)
    fail("sigsend to the group failed");
  expect_killed_by(a, SIGTERM);
  expect_killed_by(b, SIGTERM);
  if (info_of(outsider).state == ZOMBIE)
    fail("the signal reached a process outside the group");
  kill(outsider);
  wait(0);
  if (sigsend(-a, SIGTERM) != -1 || errno != ESRCH)
    fail("sigsend to an empty group did not fail with ESRCH");
}

/* Processes of group pgid that are alive (not zombies), into pids;
   returns how many. */
static int group_alive(int pgid, int *pids, int max)
{
  static struct procinfo all[NPROC];
  int n = procinfo(-1, all, NPROC), found = 0;
  if (n < 0)
    fail("procinfo(-1) failed, errno %d", errno);
  for (int i = 0; i < n; i++) {
    if (all[i].pgid == pgid && all[i].state != ZOMBIE && found < max)
      pids[found++] = all[i].pid;
  }
  return found;
}

/*
 * A group kill that lands while a member is forking reaches the new child
 * too: none may escape. The leader forks children one after another and
 * the kill comes a varying moment later, so that over the rounds some
 * land in the middle of a fork's copy.
 */
static void test_forkgroupkill(void)
{
  enum { ROUNDS = 100, KIDS = 8, STEP_US = 400 };
  for (int round = 0; round < ROUNDS; round++) {
    int leader = xfork();
    if (leader == 0) {
      setpgid(0, 0);
      for (int k = 0; k < KIDS; k++) {
        if (fork() == 0) {
          for (;;)
            sleep(100);
        }
      }
      for (;;)
        sleep(100);
    }
    setpgid(leader, leader);
    uint64 until = uptime_us() + (round % 10) * STEP_US;
    while (uptime_us() < until)
      ;
    if (sigsend(-leader, SIGKILL) < 0)
      fail("round %d: sigsend to the group failed, errno %d", round, errno);
    expect_killed_by(leader, SIGKILL);
    /* The killed children are init's to reap now; wait for that. */
    int left[NPROC], n;
    uint64 deadline = uptime_us() + 3000000;
    while ((n = group_alive(leader, left, NPROC)) > 0 && uptime_us() < deadline)
      sleep(1);
    if (n > 0) {
      sigsend(-leader, SIGKILL);
      fail("round %d: pid %d of the killed group is still alive", round, left[0]);
    }
  }
}

/* An orphan (a child of init) ignores SIGTSTP, which nobody could undo
   for it; SIGSTOP still stops it. */
static void test_orphantstp(void)
{
  int fds[2], g;
  xpipe(fds);
  int c = xfork();
  if (c == 0) {
    g = xfork();
    if (g == 0) {
      for (;;)
        sleep(1);
    }
    write_all(fds[1], &g, sizeof(g));
    exit(0);
  }
  read_all(fds[0], &g, sizeof(g));
  close(fds[0]);
  close(fds[1]);
  int st;
  if (waitpid(c, &st, 0) != c)
    fail("waitpid for the orphan's parent failed");
  if (info_of(g).ppid != 1)
    fail("the orphan's parent is %d, not init", info_of(g).ppid);
  EXPECT_EQ(sigsend(g, SIGTSTP), 0);
  sleep(20);
  int state = info_of(g).state;
  if (state == STOPPED)
    fail("SIGTSTP stopped an orphan");
  EXPECT_EQ(sigsend(g, SIGSTOP), 0);
  uint64 deadline = uptime_us() + 3000000;
  while (info_of(g).state != STOPPED && uptime_us() < deadline)
    sleep(1);
  state = info_of(g).state;
  EXPECT_EQ(sigsend(g, SIGKILL), 0);
  if (state != STOPPED)
    fail("SIGSTOP did not stop the orphan: it is %s", proc_state_name(state));
  struct procinfo pi;
  deadline = uptime_us() + 3000000;
  while (procinfo(g, &pi, 1) == 1 && uptime_us() < deadline)
    sleep(1);
  if (procinfo(g, &pi, 1) == 1)
    fail("init did not reap the killed orphan");
}

/* An ignored signal does nothing; SIGKILL cannot be ignored. */
static void test_sigignore(void)
{
  int fds[2];
  pipe(fds);
  int me = getpid();
  int pid = fork();
  if (pid == 0) {
    signal(SIGTERM, SIG_IGN);
    write(fds[1], "r", 1);
    sleep_until_orphaned(me);
  }
  char c;
  read(fds[0], &c, 1);
  sigsend(pid, SIGTERM);
  sleep(3);
  if (info_of(pid).state == ZOMBIE)
    fail("an ignored SIGTERM killed the process");
  if (signal(SIGKILL, SIG_IGN) != -1 || errno != EINVAL)
    fail("SIGKILL could be ignored");
  if (signal(SIGSTOP, SIG_IGN) != -1 || errno != EINVAL)
    fail("SIGSTOP could be ignored");
  kill(pid);
  expect_killed_by(pid, SIGKILL);
  close(fds[0]);
  close(fds[1]);
}

/* A process that ignores SIGCONT still continues when sent it. */
static void test_contignored(void)
{
  int fds[2];
  if (pipe(fds) < 0)
    fail("pipe failed");
  int me = getpid();
  int pid = fork();
  if (pid == 0) {
    signal(SIGCONT, SIG_IGN);
    write(fds[1], "r", 1);
    sleep_until_orphaned(me);
  }
  char c;
  read(fds[0], &c, 1);
  suspend(pid);
  expect_stopped(pid, SIGSTOP);
  resume(pid);
  int st;
  if (waitpid(pid, &st, WCONTINUED) != pid || !WIFCONTINUED(st))
    fail("a process ignoring SIGCONT was not continued (status %x)", st);
  kill(pid);
  expect_killed_by(pid, SIGKILL);
  close(fds[0]);
  close(fds[1]);
}

/* The status call: one process, all of them, a small buffer. */
static void test_procinfo(void)
{
  struct procinfo me = info_of(getpid());
  if (me.pid != getpid() || me.state != RUNNING || strcmp(me.name, "usertests") != 0)
    fail("own procinfo: pid %d state %d name %s", me.pid, me.state, me.name);
  if (me.ppid != getppid() || me.sz == 0 || me.start_us > uptime_us())
    fail("own procinfo fields are wrong");
  static struct procinfo all[NPROC + 1];
  int n = procinfo(-1, all, NPROC);
  if (n < 2)
    fail("procinfo(-1) listed %d processes", n);
  int found_init = 0;
  for (int i = 0; i < n; i++)
    found_init |= all[i].pid == 1;
  if (!found_init)
    fail("init missing from the list");
  /* A buffer of one entry gets one entry and nothing past it. */
  memset(all, 0x5a, sizeof(all));
  if (procinfo(-1, all, 1) != 1)
    fail("procinfo into one slot did not return 1");
  uchar *past = (uchar *)&all[1];
  for (int i = 0; i < (int)sizeof(all[1]); i++) {
    if (past[i] != 0x5a)
      fail("procinfo wrote past the end of the buffer");
  }
  if (procinfo(-1, all, 0) != -1 || errno != EINVAL)
    fail("max 0 accepted");
  struct hartinfo h[NCPU];
  int nh = hartinfo(h, NCPU);
  if (nh < 1)
    fail("hartinfo returned %d", nh);
}

/* Bad pids, bad signals and bad pointers give errors, never a crash. */
static void test_procerrors(void)
{
  char *kaddr = (char *)(KERNEL_VA_BASE + 0x80200000L);
  int st;
  if (sigsend(99999, SIGTERM) != -1 || errno != ESRCH)
    fail("sigsend to a missing pid");
  if (sigsend(getpid(), 99) != -1 || errno != EINVAL)
    fail("sigsend with a bad signal");
  if (sigsend(-1, SIGTERM) != -1 || errno != EINVAL)
    fail("sigsend to pid -1");
  if (suspend(99999) != -1 || resume(99999) != -1)
    fail("suspend/resume of a missing pid");
  if (kill(-5) != -1 || kill(0) != -1)
    fail("kill of pid <= 0 succeeded");
  if (setpgid(99999, 0) != -1 || errno != ESRCH)
    fail("setpgid of a missing pid");
  if (setpgid(1, 1) != -1 || errno != EPERM)
    fail("setpgid of init (not our child)");
  if (setpgid(0, -3) != -1 || errno != EINVAL)
    fail("setpgid to a negative group");
  if (getpgid(99999) != -1 || errno != ESRCH)
    fail("getpgid of a missing pid");
  if (procinfo(99999, (struct procinfo *)kaddr, 1) != -1)
    fail("procinfo of a missing pid");
  if (procinfo(-1, (struct procinfo *)kaddr, 4) != -1 || errno != EFAULT)
    fail("procinfo into kernel memory");
  if (procinfo(-1, (struct procinfo *)(uint64)(MAXVA - 8), 4) != -1)
    fail("procinfo past the end of user memory");
  if (hartinfo((struct hartinfo *)kaddr, 1) != -1 || errno != EFAULT)
    fail("hartinfo into kernel memory");
  int pid = fork();
  if (pid == 0)
    exit(0);
  if (waitpid(pid, (int *)kaddr, 0) != -1 || errno != EFAULT)
    fail("waitpid status into kernel memory");
  if (waitpid(pid, &st, 0) != pid)
    fail("the child was lost after EFAULT");
  int fd = open("/README", O_RDONLY);
  if (ioctl(fd, CON_GETPGRP, 0) != -1 || errno != ENOTTY)
    fail("ioctl on a file");
  close(fd);
  if (ioctl(99, CON_GETPGRP, 0) != -1 || errno != EBADF)
    fail("ioctl on a bad fd");
}

/* CPU time is charged to the process that used it. */
static void test_accounting(void)
{
  int pid = spawn_spinner();
  sleep(30);
  struct procinfo pi = info_of(pid);
  kill(pid);
  wait(0);
  if (pi.utime_us == 0)
    fail("a spinner has no user time");
  if (pi.nsched == 0 || pi.lastcpu < 0)
    fail("nsched %d lastcpu %d", (int)pi.nsched, pi.lastcpu);
  struct procinfo me = info_of(getpid());
  if (me.stime_us == 0)
    fail("usertests has no system time");
}

/* ======================================================================
 * Copy-on-write fork: pages are shared until one side writes.
 * ====================================================================== */

static char cow_data[3 * 4096] = { 1 };   /* initialised data */
static char cow_bss[3 * 4096];            /* bss */

#define COW_STACK 256   /* bytes of stack each test fills: the stack is one page */

/* Fill (or check) each kind of page a process has with stream seed. */
static void cow_fill(char *heap, char *stack, int seed)
{
  fill(cow_data, 0, sizeof cow_data, seed);
  fill(cow_bss, 0, sizeof cow_bss, seed + 1);
  fill(heap, 0, 3 * PGSIZE, seed + 2);
  fill(stack, 0, COW_STACK, seed + 3);
}

static const char *cow_wrong(char *heap, char *stack, int seed)
{
  if (mismatch(cow_data, 0, sizeof cow_data, seed) >= 0)
    return "data";
  if (mismatch(cow_bss, 0, sizeof cow_bss, seed + 1) >= 0)
    return "bss";
  if (mismatch(heap, 0, 3 * PGSIZE, seed + 2) >= 0)
    return "heap";
  if (mismatch(stack, 0, COW_STACK, seed + 3) >= 0)
    return "stack";
  return 0;
}

/* Each side's writes, to every kind of page, stay its own, whichever side
   writes first; and the writes are counted as copy-on-write copies. */
static void test_cowisolate(void)
{
  char stack[COW_STACK];
  char *heap = sbrk(3 * PGSIZE);
  if (heap == (char *)-1)
    fail("sbrk failed: %s", errname(errno));
  cow_fill(heap, stack, 10);
  int go[2], done[2];
  xpipe(go);
  xpipe(done);
  int pid = xfork();
  if (pid == 0) {
    char c;
    close(done[0]);
    close(go[1]);
    const char *bad = cow_wrong(heap, stack, 10);
    if (bad)
      fail("the child does not see the parent's %s", bad);
    struct procinfo before = info_of(getpid());
    cow_fill(heap, stack, 20);           /* the child writes first */
    struct procinfo after = info_of(getpid());
    if (after.cow_copies - before.cow_copies < 9) /* data, bss, heap; the stack is its own by now */
      fail("the child wrote 9+ shared pages but %d copies were counted",
           (int)(after.cow_copies - before.cow_copies));
    write(done[1], "w", 1);
    if (read(go[0], &c, 1) != 1)         /* the parent has written */
      exit(1);
    if ((bad = cow_wrong(heap, stack, 20)))
      fail("the parent's write reached the child's %s", bad);
    exit(0);
  }
  char c;
  close(done[1]);
  close(go[0]);
  if (read(done[0], &c, 1) != 1) {
    reap(pid);
    fail("the child failed before the parent wrote");
  }
  const char *bad = cow_wrong(heap, stack, 10);
  if (bad)
    fail("the child's write reached the parent's %s", bad);
  cow_fill(heap, stack, 30);
  write(go[1], "g", 1);
  EXPECT_EQ(reap(pid), 0);
  if ((bad = cow_wrong(heap, stack, 30)))
    fail("the parent lost its own write to its %s", bad);
  close(go[1]);
  close(done[0]);
  sbrk(-3 * PGSIZE);
}

/* Three generations share pages; each writes its own and sees only that. */
static void cow_generation(char *heap, int depth)
{
  char stack[COW_STACK];
  fill(stack, 0, sizeof stack, 7);
  if (depth < 3) {
    int pid = xfork();
    if (pid == 0) {
      cow_generation(heap, depth + 1);
      exit(0);
    }
    fill(heap, 0, 3 * PGSIZE, 40 + depth);    /* while the child may be writing */
    EXPECT_EQ(reap(pid), 0);
  } else {
    fill(heap, 0, 3 * PGSIZE, 40 + depth);
  }
  if (mismatch(heap, 0, 3 * PGSIZE, 40 + depth) >= 0)
    fail("generation %d lost its own write", depth);
  if (mismatch(stack, 0, sizeof stack, 7) >= 0)
    fail("generation %d's stack changed", depth);
}

static void test_cow3gen(void)
{
  int before = freemem();
  char *heap = sbrk(3 * PGSIZE);
  if (heap == (char *)-1)
    fail("sbrk failed: %s", errname(errno));
  fill(heap, 0, 3 * PGSIZE, 39);
  cow_generation(heap, 1);
  sbrk(-3 * PGSIZE);
  expect_freemem(before, "after three generations shared pages");
}

/* The kernel's own stores break sharing: read() from a file and wait()'s
   status into a shared page change only the child's copy; a pipe write
   from a shared page sends its bytes. */
static void test_cowkernel(void)
{
  static char page[2 * 4096] __attribute__((aligned(4096)));
  fill(page, 0, sizeof page, 50);
  int fd = open("cowfile", O_CREATE | O_RDWR | O_TRUNC);
  if (fd < 0)
    fail("create cowfile: %s", errname(errno));
  fill(buf, 0, PGSIZE, 51);
  write_all(fd, buf, PGSIZE);
  close(fd);
  int fds[2];
  xpipe(fds);
  int pid = xfork();
  if (pid == 0) {
    int f = open("cowfile", O_RDONLY);
    if (f < 0 || read(f, page, PGSIZE) != PGSIZE)
      fail("read into a shared page failed: %s", errname(errno));
    close(f);
    if (mismatch(page, 0, PGSIZE, 51) >= 0)
      fail("read() into a shared page: the child does not see the file's bytes");
    /* a pipe write from a page still shared with the parent */
    if (write(fds[1], page + PGSIZE, PGSIZE) != PGSIZE)
      fail("pipe write from a shared page failed: %s", errname(errno));
    int pid2 = xfork();
    if (pid2 == 0)
      exit(7);
    if (wait((int *)(page + PGSIZE)) != pid2 || *(int *)(page + PGSIZE) != 7)
      fail("wait() into a shared page got the wrong status");
    exit(0);
  }
  static char got[4096];
  for (int n = 0; n < PGSIZE;) {
    int r = read(fds[0], got + n, PGSIZE - n);
    if (r <= 0)
      fail("pipe read: %d", r);
    n += r;
  }
  EXPECT_EQ(reap(pid), 0);
  if (mismatch(got, 0, PGSIZE, 50 + 0) >= 0 && mismatch(got, PGSIZE, PGSIZE, 50) >= 0)
    fail("the pipe carried the wrong bytes from a shared page");
  if (mismatch(page, 0, sizeof page, 50) >= 0)
    fail("the child's read() or wait() into a shared page reached the parent");
  close(fds[0]);
  close(fds[1]);
  unlink("cowfile");
}

/* Fork of a process holding 2/3 of free memory works; the child then
   writes its copy until memory runs out and is killed (only it), and the
   parent, the last holder again, writes its pages with no copies at all. */
static void test_cowbig(void)
{
  int before = freemem();
  int npages = before * 2 / 3;
  char *big = sbrk(npages * PGSIZE);
  if (big == (char *)-1)
    fail("sbrk of %d pages failed: %s", npages, errname(errno));
  for (int i = 0; i < npages; i++)
    big[i * PGSIZE] = 1;
  int pid = fork();
  if (pid < 0)
    fail("fork of a process holding 2/3 of memory failed: %s", errname(errno));
  if (pid == 0) {
    /* Only once the parent sleeps in wait(): a process that needs a copy
       while memory is used up dies, so the parent must not be faulting. */
    while (info_of(getppid()).state != SLEEPING)
      sched_yield();
    for (int i = 0; i < npages; i++)
      big[i * PGSIZE] = 2;             /* runs out of memory on the way */
    exit(0);
  }
  int status = reap(pid);
  if (status != -1)
    fail("the child wrote more copies than memory holds, status %d (want -1: killed)", status);
  struct procinfo pi = info_of(getpid());
  for (int i = 0; i < npages; i++) {
    if (big[i * PGSIZE] != 1)
      fail("the child's write reached the parent at page %d", i);
    big[i * PGSIZE] = 3;
  }
  struct procinfo after = info_of(getpid());
  if (after.cow_copies != pi.cow_copies)
    fail("the parent, sole holder again, copied %d pages", (int)(after.cow_copies - pi.cow_copies));
  if (sbrk(-npages * PGSIZE) == (char *)-1)
    fail("sbrk shrink failed");
  expect_freemem(before, "after a fork of 2/3 of memory");
}

/* Children of one parent writing the same shared page at the same moment,
   on every hart: each ends up with a copy of its own. */
static void test_cowrace(void)
{
  enum { KIDS = 6, ROUNDS = 30 };
  static char shared[4096] __attribute__((aligned(4096)));
  memset(shared, 'p', sizeof shared); /* our own copy, before counting */
  int before = freemem();
  for (int r = 0; r < ROUNDS; r++) {
    memset(shared, 'p', sizeof shared);
    for (int k = 0; k < KIDS; k++) {
      if (xfork() == 0) {
        memset(shared, 'a' + k, sizeof shared);
        for (int i = 0; i < (int)sizeof shared; i++)
          if (shared[i] != 'a' + k)
            exit(1);
        exit(0);
      }
    }
    reap_all(KIDS);
    for (int i = 0; i < (int)sizeof shared; i++)
      if (shared[i] != 'p')
        fail("round %d: a child's write reached the parent", r);
  }
  expect_freemem(before, "after racing copy-on-write children");
}

/* The number after "name " in a program's output, or -1. */
static long number_after(const char *out, const char *name)
{
  int len = strlen(name);
  for (const char *p = out; *p; p++) {
    if (strncmp(p, name, len) == 0 && p[len] == ' ')
      return atoi(p + len + 1);
  }
  return -1;
}

static void test_lazyexec(void)
{
  char out[128];
  char *plain[] = { "bigexec", 0 };
  EXPECT_EQ(run_capture("/bigexec", plain, out, sizeof out), 0);
  long faults = number_after(out, "faults"), rss = number_after(out, "rss");
  long vsz = number_after(out, "vsz");
  if (vsz < 1024)
    fail("bigexec's virtual size is %ld KiB, want over 1 MiB (it printed \"%s\")", vsz, out);
  if (faults < 1 || faults > 24 || rss > 24 * PGSIZE / 1024)
    fail("bigexec touching nothing took %ld faults, %ld KiB resident; want a few pages", faults, rss);

  char *touch[] = { "bigexec", "touch", "36", 0 };
  int status = run_capture("/bigexec", touch, out, sizeof out);
  if (status != 0)
    fail("bigexec touch 36: status %d, output \"%s\" (a page held the wrong bytes?)", status, out);
  long touched = number_after(out, "faults");
  if (touched < faults + 2 * 36)
    fail("touching 36 data and 36 bss pages took %ld faults, %ld with none", touched, faults);

  char *copies[] = { "bigexec", "copies", 0 };
  status = run_capture("/bigexec", copies, out, sizeof out);
  if (status != 0)
    fail("kernel copies to untouched pages: status %d, \"%s\"", status, out);
}

/* Start bigexec waiting on the read end of pipe p, printing to pipe out;
   returns its pid once it says it is ready (it has run its 8 pages of
   code by then). */
static int start_waiting_bigexec(int *p, int *out)
{
  char fd[8];
  snprintf(fd, sizeof fd, "%d", p[0]);
  int pid = xfork();
  if (pid == 0) {
    close(p[1]);
    close(1);
    dup(out[1]);
    close(out[0]);
    close(out[1]);
    char *argv[] = { "bigexec", "wait", fd, 0 };
    exec("/bigexec", argv);
    exit(EXEC_RETURNED + errno);
  }
  char line[6];
  if (read(out[0], line, sizeof line) != sizeof line || memcmp(line, "ready\n", 6) != 0)
    fail("bigexec wait did not say it was ready");
  return pid;
}

static void test_sharedtext(void)
{
  int before = freemem();
  int p[2], out[2];  /* what bigexec waits on; what it prints */
  xpipe(p);
  xpipe(out);
  int base = freemem();
  int a = start_waiting_bigexec(p, out);
  int used_a = base - freemem();
  int b = start_waiting_bigexec(p, out);
  int used_b = base - used_a - freemem();
  if (used_b > used_a - 8)
    fail("a second bigexec took %d pages, the first %d: its 8 pages of code are not shared",
         used_b, used_a);
  struct meminfo mi;
  EXPECT_EQ(meminfo(&mi), 0);
  if (mi.shared < 8 || mi.text < 8)
    fail("two bigexecs running: meminfo says %lu pages shared, %lu of text; want 8 or more",
         mi.shared, mi.text);

  /* Its file cannot be written while it runs; read it may. */
  EXPECT_ERR(open("/bigexec", O_WRONLY), ETXTBSY);
  EXPECT_ERR(open("/bigexec", O_RDWR | O_TRUNC), ETXTBSY);
  EXPECT_ERR(open("/bigexec", O_RDONLY | O_TRUNC), ETXTBSY);  /* truncating is writing */
  int fd = open("/bigexec", O_RDONLY);
  EXPECT(fd >= 0);
  close(fd);

  close(p[0]);
  close(p[1]);  /* both read end of file and exit */
  int s1, s2, w1 = wait(&s1), w2 = wait(&s2);
  if (!((w1 == a && w2 == b) || (w1 == b && w2 == a)) || s1 != 0 || s2 != 0)
    fail("the bigexecs ended as %d (status %d) and %d (status %d)", w1, s1, w2, s2);
  close(out[0]);
  close(out[1]);
  fd = open("/bigexec", O_WRONLY);  /* no one runs it now */
  if (fd < 0)
    fail("open of /bigexec for writing after it exited: %s", errname(errno));
  close(fd);
  expect_freemem(before, "after two bigexecs sharing text exited");
}

/* Copy file from to file to (made, or cut to nothing first). */
static void copy_file(const char *from, const char *to)
{
  int in = open(from, O_RDONLY), out = open(to, O_CREATE | O_TRUNC | O_WRONLY);
  if (in < 0 || out < 0)
    fail("copy %s to %s: %s", from, to, errname(errno));
  char buf[512];
  int n;
  while ((n = read(in, buf, sizeof buf)) > 0)
    write_all(out, buf, n);
  close(in);
  close(out);
}

static void test_txtbusy(void)
{
  copy_file("/echo", "busy");
  char *argv[] = { "busy", "hi", 0 };
  int w = open("busy", O_WRONLY);
  EXPECT(w >= 0);
  expect_exec_fails("busy", argv, ETXTBSY, "exec of a file open for writing");
  close(w);
  char out[16];
  EXPECT_EQ(run_capture("busy", argv, out, sizeof out), 0);
  EXPECT(strcmp(out, "hi\n") == 0);
  /* A new program under the same name runs as itself: nothing of the
     old one's text is left cached. */
  copy_file("/bigexec", "busy");
  char *big[] = { "busy", 0 };
  EXPECT_EQ(run_capture("busy", big, out, sizeof out), 0);
  if (strncmp(out, "faults", 6) != 0)
    fail("a copy of bigexec over a copy of echo printed \"%s\"", out);
  EXPECT_EQ(unlink("busy"), 0);
}

/* Wait for n children that either exit(0) or are killed (-1) for running
   out of memory; fail on any other status. Returns how many were killed. */
static int reap_killed(int n, const char *doing)
{
  int killed = 0;
  for (int k = 0; k < n; k++) {
    int status;
    EXPECT(wait(&status) > 0);
    if (status == -1)
      killed++;
    else if (status != 0)
      fail("a child %s exited with status %d", doing, status);
  }
  return killed;
}

/* Reserve as many pages as are free and touch them all. */
static void touch_all_memory(int gate)
{
  char c;
  read(gate, &c, 1);
  uint64 n = (uint64)freemem() * PGSIZE;
  char *p = sbrk(n);
  if (p == (char *)-1)
    exit(2);
  for (uint64 off = 0; off < n; off += PGSIZE)
    p[off] = 1;
  exit(0);
}

static void test_lazyoom(void)
{
  enum { KIDS = 3 };
  int before = freemem();
  int gate[2];
  xpipe(gate);
  for (int k = 0; k < KIDS; k++) {
    if (xfork() == 0) {
      close(gate[1]);
      touch_all_memory(gate[0]);
    }
  }
  close(gate[0]);
  close(gate[1]);  /* all start at once, on every hart */
  if (reap_killed(KIDS, "touching all memory") == 0)
    fail("three children each touched all of memory and none ran out");
  expect_freemem(before, "after three children ran out of memory at once");
}

/* Three children of a parent holding half of memory write all of it at
   once, on every hart: copies run out, only children die, and the
   parent's pages keep what it wrote. */
static void test_cowoom(void)
{
  enum { KIDS = 3 };
  int before = freemem();
  int npages = before / 2;
  char *big = sbrk(npages * PGSIZE);
  if (big == (char *)-1)
    fail("sbrk of %d pages failed: %s", npages, errname(errno));
  for (int i = 0; i < npages; i++)
    big[i * PGSIZE] = 1;
  int gate[2];
  xpipe(gate);
  for (int k = 0; k < KIDS; k++) {
    if (xfork() == 0) {
      char c;
      close(gate[1]);
      read(gate[0], &c, 1);
      for (int i = 0; i < npages; i++)
        big[i * PGSIZE] = 2 + k;
      exit(0);
    }
  }
  close(gate[0]);
  close(gate[1]);
  if (reap_killed(KIDS, "writing the shared pages") == 0)
    fail("three children copied half of memory each, and none ran out");
  for (int i = 0; i < npages; i++)
    if (big[i * PGSIZE] != 1)
      fail("a child's write reached the parent at page %d", i);
  if (sbrk(-npages * PGSIZE) == (char *)-1)
    fail("sbrk shrink failed");
  expect_freemem(before, "after three children ran out of memory copying at once");
}

/* With every hart idle (and no hart taking ticks), a new process still
   starts at once: an idle hart is woken for it, not left to a timer. The
   best of ten tries must start within a millisecond (a wake-up left to
   the next tick would take up to 10 ms every time). */
static void test_idlewake(void)
{
  uint64 best = ~0UL;
  for (int i = 0; i < 10; i++) {
    sleep(2);  /* every hart goes idle */
    int pid = xfork();
    if (pid == 0)
      exit(0);
    int status;
    struct waitinfo wi;
    EXPECT_EQ(waitstat(pid, &status, 0, &wi), pid);
    uint64 latency = wi.first_us - wi.start_us;
    if (latency < best)
      best = latency;
  }
  if (best >= 1000)
    fail("a process made on an idle machine first ran %lu us after it was made", best);
}

static void test_zombiefree(void)
{
  int before = freemem();
  int pid = xfork();
  if (pid == 0) {
    char *p = sbrk(256 * PGSIZE);
    memset(p, 1, 256 * PGSIZE);
    exit(0);
  }
  while (info_of(pid).state != ZOMBIE)
    sleep(1);
  /* What it keeps until reaped: the page of its struct proc and
     trapframe, its page table's root, and the kernel stack it exited on. */
  int held = before - freemem();
  if (held > 2 + KSTACK_PAGES)
    fail("a zombie that had a 1 MiB heap holds %d pages (want %d: struct proc and trapframe, "
         "page-table root, kernel stack)", held, 2 + KSTACK_PAGES);
  EXPECT_EQ(reap(pid), 0);
  expect_freemem(before, "after the zombie was reaped");
}

/* ======================================================================
 * Scheduling policies: the calls that choose them, and switching while
 * processes run.
 * ====================================================================== */

/* The policy in use as sched_set takes it: "rr quantum=10ms". */
static void policy_spec(char *buf, int size)
{
  if (sched_current(buf, size) < 0)
    fail("sched_info(-1) failed (%s)", errname(errno));
}

/* Bad policies and parameters are refused and change nothing; every
   policy listed can be chosen and then shows its defaults. */
static void test_schedcalls(void)
{
  char before[2 * SCHED_TEXT_LEN], after[2 * SCHED_TEXT_LEN];
  struct schedinfo si, now;

  policy_spec(before, sizeof before);
  EXPECT_ERR(sched_set("nosuchpolicy"), EINVAL);
  EXPECT_ERR(sched_set(""), EINVAL);
  EXPECT_ERR(sched_set("rr quantum=0"), EINVAL);
  EXPECT_ERR(sched_set("rr quantum=abc"), EINVAL);
  EXPECT_ERR(sched_set("rr quantum=5,6"), EINVAL);
  EXPECT_ERR(sched_set("rr quantum=99999999"), EINVAL);
  EXPECT_ERR(sched_set("rr nosuch=1"), EINVAL);
  EXPECT_ERR(sched_set("rr quantum"), EINVAL);
  EXPECT_ERR(sched_set((char *)0), EFAULT);
  EXPECT_ERR(sched_set((char *)KERNEL_ADDR), EFAULT);
  policy_spec(after, sizeof after);
  if (strcmp(before, after) != 0)
    fail("a refused sched_set changed the policy from \"%s\" to \"%s\"", before, after);

  EXPECT_ERR(sched_info(-2, &si), EINVAL);
  EXPECT_ERR(sched_info(1000, &si), EINVAL);
  EXPECT_ERR(sched_info(-1, (struct schedinfo *)KERNEL_ADDR), EFAULT);
  EXPECT_ERR(sched_info(0, (struct schedinfo *)0), EFAULT);

  int n;
  for (n = 0; sched_info(n, &si) == 0; n++) {
    EXPECT_EQ(sched_set(si.name), 0);
    EXPECT_EQ(sched_info(-1, &now), 0);
    if (strcmp(now.name, si.name) != 0 || strcmp(now.params, si.params) != 0 || !now.current)
      fail("after sched_set(\"%s\") the policy is \"%s %s\", want its defaults \"%s\"",
           si.name, now.name, now.params, si.params);
  }
  EXPECT(n >= 2);
  EXPECT_EQ(sched_set("rr quantum=7"), 0);
  EXPECT_EQ(sched_info(-1, &now), 0);
  if (strcmp(now.params, "quantum=7ms") != 0)
    fail("rr quantum=7 shows as \"%s\"", now.params);
  /* Naming the policy in use keeps the parameters not given. */
  EXPECT_EQ(sched_set("rr"), 0);
  EXPECT_EQ(sched_info(-1, &now), 0);
  EXPECT(strcmp(now.params, "quantum=7ms") == 0);
  EXPECT_EQ(sched_set(before), 0);
}

/* nice, tickets and the expected CPU time: ranges, errors, inheritance. */
static void test_nicecalls(void)
{
  int nice = 99;

  EXPECT_ERR(setpriority(0, NICE_MAX + 1), EINVAL);
  EXPECT_ERR(setpriority(0, NICE_MIN - 1), EINVAL);
  EXPECT_ERR(setpriority(1 << 30, 0), ESRCH);
  EXPECT_ERR(getpriority(1 << 30, &nice), ESRCH);
  EXPECT_ERR(getpriority(0, (int *)KERNEL_ADDR), EFAULT);
  EXPECT_EQ(getpriority(0, &nice), 0);
  EXPECT_EQ(nice, 0);
  EXPECT_EQ(setpriority(0, 5), 0);
  EXPECT_EQ(getpriority(getpid(), &nice), 0);
  EXPECT_EQ(nice, 5);

  EXPECT_ERR(settickets(0), EINVAL);
  EXPECT_ERR(settickets(-1), EINVAL);
  EXPECT_ERR(settickets(TICKETS_MAX + 1), EINVAL);
  EXPECT_EQ(settickets(300), 0);
  EXPECT_ERR(setexpected(-1), EINVAL);
  EXPECT_EQ(setexpected(250), 0);

  struct procinfo me = info_of(getpid());
  EXPECT_EQ(me.nice, 5);
  EXPECT_EQ(me.tickets, 300);
  EXPECT_EQ(me.expected_us, 250 * 1000);

  /* A child inherits all three. */
  int pid = fork();
  if (pid == 0) {
    struct procinfo c = info_of(getpid());
    exit(c.nice == 5 && c.tickets == 300 && c.expected_us == 250 * 1000 ? 0 : 1);
  }
  int status;
  EXPECT_EQ(wait(&status), pid);
  if (status != 0)
    fail("a child did not inherit nice, tickets and expected time");
  /* Another process's nice can be changed; a zombie's cannot. */
  pid = spawn_spinner();
  EXPECT_EQ(setpriority(pid, -3), 0);
  EXPECT_EQ(info_of(pid).nice, -3);
  kill(pid);
  wait(0);
}

#define SWITCH_PROCS  50
#define SWITCHES      100
#define SWITCH_RUN_US (2 * 1000 * 1000)  /* how long each child keeps working */
#define SWITCH_BURST_US 2000             /* CPU between two short sleeps */

/* A child of test_schedswitch: work in short bursts with a tick's sleep
   between them, so that every policy queues it again and again. */
static void switch_worker(void)
{
  uint64 end = uptime_us() + SWITCH_RUN_US;
  while (uptime_us() < end) {
    uint64 burst = uptime_us() + SWITCH_BURST_US;
    while (uptime_us() < burst)
      ;
    pause(1);
  }
  exit(0);
}

/* 50 processes keep running while the policy changes 100 times, through
   every policy there is: none is lost (each finishes), and the kernel's
   own checks (a process is picked only off the queue, run only when
   runnable) hold throughout. */
static void test_schedswitch(void)
{
  char before[2 * SCHED_TEXT_LEN];
  struct schedinfo si;
  int pids[SWITCH_PROCS];

  policy_spec(before, sizeof before);
  for (int i = 0; i < SWITCH_PROCS; i++) {
    pids[i] = fork();
    if (pids[i] < 0)
      fail("fork %d failed (%s)", i, errname(errno));
    if (pids[i] == 0)
      switch_worker();
  }
  int npolicies = 0;
  while (sched_info(npolicies, &si) == 0)
    npolicies++;
  for (int k = 0; k < SWITCHES; k++) {
    EXPECT_EQ(sched_info(k % npolicies, &si), 0);
    if (sched_set(si.name) < 0)
      fail("switch %d, to %s, failed (%s)", k, si.name, errname(errno));
    pause(1);
  }
  EXPECT_EQ(sched_set(before), 0);
  for (int i = 0; i < SWITCH_PROCS; i++) {
    int status;
    int pid = wait(&status);
    if (pid < 0)
      fail("only %d of %d children came back", i, SWITCH_PROCS);
    if (status != 0)
      fail("child %d exited with %d", pid, status);
  }
}

/* The trace: bad arguments are refused; a reader that falls behind gets
   one DROPPED event saying how many it missed, then whole events in
   order, never garbage. */
static void test_schedtrace(void)
{
  static struct schedevent ev[64];
  uint64 cur = 0;

  EXPECT_ERR(schedtrace(ev, -1, &cur), EINVAL);
  EXPECT_ERR(schedtrace(ev, 8, (uint64 *)KERNEL_ADDR), EFAULT);
  EXPECT_ERR(schedtrace(ev, 8, (uint64 *)0), EFAULT);
  cur = 0;
  EXPECT_ERR(schedtrace((struct schedevent *)KERNEL_ADDR, 8, &cur), EFAULT);

  uint64 start = SCHED_TRACE_NOW;
  EXPECT_EQ(schedtrace(ev, 0, &start), 0);
  EXPECT(start != SCHED_TRACE_NOW && start > 0);
  /* Each yield is at least an end of turn and a dispatch: overflow the ring. */
  for (int i = 0; i < TRACE_EVENTS; i++)
    sched_yield();
  uint64 c = start;
  int n = schedtrace(ev, 64, &c);
  EXPECT(n > 1);
  if (ev[0].type != SCHED_EV_DROPPED || ev[0].arg <= 0)
    fail("a reader that fell behind got event type %d (arg %d), not DROPPED", ev[0].type, ev[0].arg);
  if (ev[1].seq != start + ev[0].arg)
    fail("after dropping %d events from %d the next is %d", ev[0].arg, (int)start, (int)ev[1].seq);
  /* Read on to the end: consecutive events, each one whole. */
  uint64 last = ev[n - 1].seq;
  for (int i = 2; i < n; i++)
    EXPECT_EQ(ev[i].seq, ev[i - 1].seq + 1);
  int total = n;
  while ((n = schedtrace(ev, 64, &c)) > 0) {
    for (int i = 0; i < n; i++) {
      if (ev[i].seq != last + 1)
        fail("event %d after %d", (int)ev[i].seq, (int)last);
      if (ev[i].type < SCHED_EV_DISPATCH || ev[i].type > SCHED_EV_BOOST ||
          ev[i].hart < 0 || ev[i].hart >= NCPU)
        fail("event %d is garbage: type %d hart %d", (int)ev[i].seq, ev[i].type, ev[i].hart);
      last = ev[i].seq;
    }
    total += n;
  }
  EXPECT(n == 0);
  EXPECT(total <= TRACE_EVENTS + 1);
  EXPECT_EQ(c, last + 1);
}

/* ======================================================================
 * The table. One source of truth for names, order and intent.
 * ====================================================================== */

struct test {
  const char *name;
  void (*fn)(void);
  const char *intent;  /* what the test establishes, in one line */
  int slow;            /* takes more than a few seconds under QEMU */
};

/* One row of the table: the name and the function cannot drift apart. */
#define TEST(name, intent)      { #name, test_##name, intent, 0 }
#define SLOW_TEST(name, intent) { #name, test_##name, intent, 1 }

static const struct test tests[] = {
  /* Processes */
  TEST(exitstatus, "wait() reports the n a child passed to exit(n); wait(0) ignores it"),
  TEST(waitnochild, "wait() with no children returns -1 (ECHILD)"),
  TEST(manychildren, "20 children are each reaped exactly once, with their own status"),
  TEST(getpid, "a child's pid is what fork returned and differs from its parent's"),
  TEST(forkmem, "fork copies memory: each side's changes stay its own"),
  TEST(forkfiles, "after fork, parent and child share open files and their offsets"),
  TEST(forkcwd, "a child starts in its parent's directory; its chdir is its own"),
  TEST(forkconc, "processes forking and reaping at the same time all succeed"),
  TEST(orphan, "a child outlives its parent and is not its grandparent's child"),
  TEST(orphanreap, "orphans, exiting before or after their parent, are reaped by init"),
  TEST(zombies, "forking and reaping 3*NPROC children leaks no slots or pages"),
  TEST(forkfull, "fork returns -1 when the process table is full, works once it drains"),
  TEST(killsleep, "kill() ends a child in sleep(1000) at once; its status is -1"),
  TEST(killread, "kill() ends a child blocked reading an empty pipe (status -1)"),
  TEST(killwrite, "kill() ends a child blocked writing a full pipe (status -1)"),
  TEST(killwait, "kill() ends a child blocked in wait() (status -1)"),
  TEST(killbigwrite, "kill() stops a large file write between its transactions (status -1)"),
  TEST(killself, "a process that kills itself dies (status -1)"),
  TEST(killnopid, "kill() of a pid that does not exist returns -1 (ESRCH)"),

  /* Memory */
  TEST(sbrkgrow, "sbrk(n) returns the old break and adds n bytes of zeroed memory"),
  TEST(sbrkshrink, "sbrk(-n) unmaps: touching the memory kills (-1), regrown memory is zero"),
  TEST(sbrkleak, "growing and shrinking the heap, or exiting with it, leaks no pages"),
  TEST(sbrkhuge, "sbrk(1 GiB) works on any machine, touching 10 pages takes 10; past MAXVA is ENOMEM"),
  TEST(sbrkexhaust, "touching more heap than memory kills only the toucher (-1); every page comes back"),
  TEST(pastbreak, "loads and stores beyond the break kill the process (-1)"),
  TEST(guardpage, "touching the guard gap below the stack's limit, or recursing into it, kills (-1)"),
  TEST(stackgrow, "the stack grows on demand: recursion 200 KiB deep works; the pages come back"),
  TEST(textwrite, "stores into program text or read-only data kill (-1); loads are fine"),
  TEST(kernelmem, "user loads, stores and jumps to kernel addresses kill (-1)"),
  TEST(maxva, "user accesses at or above MAXVA, canonical or not, kill (-1)"),
  TEST(badjump, "jumping to unmapped memory kills the process (-1)"),
  TEST(badinstr, "privileged and illegal instructions kill the process (-1)"),
  TEST(badsyscall, "an unknown system call number returns -ENOSYS; the process goes on"),
  TEST(fpregs, "all 32 FP registers and fcsr survive preemption by other FP users"),
  TEST(fpsleep, "FP results are bit-identical with and without sleeping among FP users"),
  TEST(fpfork, "fork copies the FP registers and fcsr to the child"),

  /* User pointers */
  TEST(badread, "read() into a bad buffer returns -1 (EFAULT), for files and pipes"),
  TEST(badwrite, "write() from a bad buffer returns -1 (EFAULT) and writes nothing"),
  TEST(badpipe, "pipe() into a bad array returns -1 (EFAULT), leaking no fds or pages"),
  TEST(badfstat, "fstat() into a bad buffer returns -1 (EFAULT)"),
  TEST(badwait, "wait() with a bad status pointer fails (EFAULT) or works; no child leaks"),
  TEST(badpath, "every call taking a path returns -1 (EFAULT) for a bad path pointer"),
  TEST(badargv, "exec() with a bad argv array or argument returns -1 (EFAULT)"),
  TEST(badcount, "read() and write() with a negative count return -1"),

  /* exec */
  TEST(exececho, "exec runs a program with argv and open files; a missing one is ENOENT"),
  TEST(execnotelf, "exec of a file that is not ELF returns -1 (ENOEXEC)"),
  TEST(execbadelf, "exec of a damaged ELF file returns -1 (ENOEXEC) and leaks nothing"),
  TEST(execmaxarg, "exec passes MAXARG arguments intact; MAXARG+1 is -1 (E2BIG)"),
  TEST(execbigarg, "arguments too big for the stack page are -1 (E2BIG); 3000 bytes fit"),
  TEST(execleak, "fork, exec and exit leak no pages"),

  /* Files */
  TEST(filerw, "a file reads back what was written, across block boundaries"),
  TEST(openflags, "O_CREATE, O_TRUNC and the access modes do what they say"),
  TEST(unlinkopen, "an unlinked file lives on through descriptors open on it"),
  SLOW_TEST(inodereuse, "creating and removing more files than there are inodes or blocks works"),
  TEST(links, "link() gives an inode a second name; unlinking one keeps the other"),
  TEST(rmcwd, "a removed current directory has no .. and takes no new names"),
  TEST(dirs, "mkdir, chdir, nested and .. paths work; . and non-empty dirs stay"),
  TEST(dirfile, "a file used as a directory in a path is ENOTDIR"),
  TEST(longname, "names over DIRSIZ are cut to DIRSIZ (as xv6); paths over MAXPATH-1 are ENAMETOOLONG"),
  TEST(bigfile, "a file grows to MAXFILE blocks and reads back; one byte more is EFBIG"),
  SLOW_TEST(diskfull, "writing until the disk is full gives ENOSPC; deleting frees it all"),
  SLOW_TEST(inodefull, "creating files until inodes run out gives ENOSPC; deleting frees them"),
  TEST(openmax, "a process holds NOFILE descriptors; then open, dup, pipe are EMFILE"),
  TEST(ninode, "with the inode table full, open, create, unlink and mkdir give ENFILE and recover"),
  TEST(nfile, "the system-wide open file limit gives ENFILE and recovers"),
  TEST(concwrite, "4 processes writing 4 files at once each get their own data back"),
  TEST(concdir, "creating and removing the same names at once keeps the directory sound"),
  TEST(killfs, "killing a process in the middle of writing a file leaves a sound file"),
  TEST(readdir, "read() of a directory gives dirents: . and .. first, then the files"),
  TEST(dirwrite, "a directory cannot be opened for writing (EISDIR)"),
  TEST(dup, "dup() gives the lowest free fd sharing the offset; bad fds are EBADF"),
  TEST(fstat, "fstat() and stat() report type, size, links and inode number"),
  TEST(devnode, "mknod makes a T_DEVICE; one without a driver fails cleanly"),
  TEST(irefs, "deep directories and failing lookups leak no in-memory inodes"),

  /* Pipes */
  TEST(pipedata, "100 KB pass through a pipe intact, in order, in any chunk sizes"),
  TEST(pipeeof, "read() returns 0 once every write end, dup'd or inherited, is closed"),
  TEST(pipeclosed, "write() with no reader is -1 (EPIPE), also for a blocked writer"),
  TEST(pingpong, "two processes take turns over a pair of pipes"),
  TEST(pipeleak, "making and closing many pipes leaks no pages"),

  /* Scheduling and time */
  TEST(preempt, "processes spinning in user mode cannot keep their parent from running"),
  TEST(sleep, "sleep(n) takes at least n ticks and not much more"),
  TEST(uptime, "uptime() advances while a process computes, and never goes back"),
  TEST(fairness, "several processes spinning at once all get CPU time"),

  /* Process API: suspend/resume, waitpid, signals, groups, status */
  TEST(stopspin, "a suspended spinner is stopped, gets no CPU time and is not scheduled until resumed"),
  TEST(stopsleep, "a process asleep in sleep() stops at once and finishes its sleep after resume"),
  TEST(usleep, "usleep sleeps at least the time asked, to the microsecond not the tick; usleep_until keeps order"),
  TEST(usleepmany, "sleepers of many lengths on every hart all wake on time; killed and stopped ones too"),
  TEST(stoppipe, "a process blocked on a pipe stops, ignores data while stopped, reads it after resume"),
  TEST(stoppipewrite, "a writer stopped on a full pipe and continued writes each byte once"),
  TEST(stoprace, "a stop that arrives just as a reader goes back to sleep on a pipe still stops it"),
  TEST(killstopped, "kill() ends a stopped process; wait() reports -1"),
  TEST(waitpidopts, "waitpid: WNOHANG, one pid, ECHILD, EINVAL; each stop and continue reported once"),
  TEST(waitstatus, "every W* macro is right for exits, signals, stops and continues"),
  TEST(groupsignal, "a signal to a process group reaches every member and no one else"),
  TEST(forkgroupkill, "a group kill that lands while a member forks reaches the new child too"),
  TEST(orphantstp, "an orphan ignores SIGTSTP but not SIGSTOP"),
  TEST(sigignore, "an ignored signal does nothing; SIGKILL and SIGSTOP cannot be ignored"),
  TEST(contignored, "SIGCONT continues a stopped process even if it ignores SIGCONT"),
  TEST(procinfo, "the status call reports one process or all, never past the buffer"),
  TEST(manyflat, "a thousand children at once: listed, killed by pid, stopped, continued and ended by group"),
  TEST(manytree, "a tree of a thousand processes, three deep: all alive at once, all reaped, pages back"),
  TEST(procerrors, "bad pids, signals and pointers to the process calls give errors"),
  TEST(accounting, "user and system CPU time are charged to the process that used them"),

  /* Copy-on-write fork */
  TEST(cowisolate, "after fork each side's writes to data, bss, heap and stack stay its own, either first"),
  TEST(cow3gen, "three generations share pages, each writes its own; no pages leak"),
  TEST(cowkernel, "read() and wait() into a shared page break sharing; a pipe write from one works"),
  TEST(cowbig, "fork of 2/3 of memory works; the child runs out copying and only it dies"),
  TEST(cowrace, "children writing one shared page at once each get their own copy"),
  TEST(lazyexec, "exec reads pages at first touch: bigexec touching nothing takes a few faults"),
  TEST(sharedtext, "two runs of a program share its text; its file is ETXTBSY to writers meanwhile"),
  TEST(txtbusy, "exec of a file open for writing is ETXTBSY; a rewritten program runs as itself"),
  TEST(lazyoom, "three children touching all of memory at once: only they die, every page comes back"),
  TEST(cowoom, "three children copying half of memory at once: only they die, the parent's pages hold"),
  TEST(idlewake, "a process made on an idle machine runs within a millisecond (best of 10)"),
  TEST(zombiefree, "an exited process gives back its memory before it is reaped"),

  /* Scheduling policies */
  TEST(schedcalls, "bad policy names and parameters are refused, changing nothing; each policy can be chosen"),
  TEST(nicecalls, "nice, tickets and expected time are range-checked, shown by procinfo, inherited by fork"),
  TEST(schedswitch, "50 processes all finish while the policy changes 100 times"),
  TEST(schedtrace, "the trace refuses bad arguments; a reader that falls behind is told how many it missed"),
};

/* Checked by main after the table, in the runner itself. */
static const char freemem_name[] = "freemem";
static const char freemem_intent[] = "the free page count after all tests equals the count before";

/* ======================================================================
 * The runner.
 * ====================================================================== */

#define MAXDEPTH 100  /* deepest tree remove_tree() clears */

/* Put the name of an entry of dir other than . and .. in name;
   returns 1 if there is one, 0 if not, -1 if dir cannot be read. */
static int some_entry(const char *dir, char *name)
{
  struct dirent de;
  int fd = open(dir, O_RDONLY);
  if (fd < 0)
    return -1;
  while (read(fd, &de, sizeof de) == sizeof de) {
    if (de.inum == 0)
      continue;
    memmove(name, de.name, DIRSIZ);
    name[DIRSIZ] = '\0';
    if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
      close(fd);
      return 1;
    }
  }
  close(fd);
  return 0;
}

/*
 * Remove the directory `top` (an absolute path) and everything in it,
 * walking down with chdir so no path gets long. Returns 0 on success.
 * Leaves the runner in /.
 */
static int remove_tree(const char *top)
{
  static char names[MAXDEPTH][DIRSIZ + 1];  /* the directories walked down */
  char name[DIRSIZ + 1];
  int depth = 0;

  if (chdir(top) < 0)
    return errno == ENOENT ? 0 : -1;
  for (int steps = 0; depth >= 0 && steps < 10000; steps++) {
    int r = some_entry(".", name);
    if (r < 0)
      break;
    if (r == 1) {
      if (unlink(name) == 0)
        continue;
      if (depth + 1 == MAXDEPTH || chdir(name) < 0)
        break;
      strcpy(names[++depth], name);
      continue;
    }
    if (chdir("..") < 0 || unlink(depth == 0 ? top : names[depth]) < 0)
      break;
    depth--;
  }
  chdir("/");
  return depth < 0 ? 0 : -1;
}

/* Copy the reasons the test's processes sent, one per line, into reason
   as "first; second". Reads up to the NUL the runner wrote after them. */
static void collect_reasons(int fd, char *reason, int size)
{
  int n = 0, separate = 0;
  char c;
  while (read(fd, &c, 1) == 1 && c != '\0') {
    if (c == '\n') {
      separate = 1;
      continue;
    }
    if (separate && n > 0 && n + 2 < size) {
      reason[n++] = ';';
      reason[n++] = ' ';
    }
    separate = 0;
    if (n + 1 < size)
      reason[n++] = c < ' ' || c > '~' ? '?' : c;
  }
  reason[n] = '\0';
}

/*
 * Make every page of this process present, and every writable one its
 * own. Pages are made at first touch, and after fork the writable ones
 * are shared copy-on-write between the runner and the test process, so
 * the first touch of a page, or store to one, on either side, takes a
 * free page; a test that counts free pages (expect_freemem) would count
 * those as its own leaks. So the runner reads all of its program (text
 * and read-only data, which forks then share) before it counts, and both
 * it and each test process write every writable page before the test
 * starts: data and bss (user.ld's symbols), the stack (grown first by
 * more than a test's calls go deeper) and the heap.
 */
extern char __text_start[], __data_start[], __bss_end[];

/* Grow the stack 32 KiB below the caller's frame, for the test's calls. */
static void __attribute__((noinline)) grow_stack(void)
{
  volatile char below[32 * 1024];
  for (int i = 0; i < (int)sizeof below; i += PGSIZE)
    below[i] = 0;
}

static void own_memory(void)
{
  grow_stack();
  for (uint64 va = (uint64)__text_start; va < (uint64)__data_start; va += PGSIZE)
    (void)*(volatile char *)va;
  uint64 ranges[][2] = {
    { (uint64)__data_start, (uint64)__bss_end },
    { stack_page(), stack_top },
    { stack_top, (uint64)sbrk(0) },   /* the heap */
  };
  for (int r = 0; r < NELEM(ranges); r++)
    for (uint64 va = ranges[r][0]; va < ranges[r][1]; va += PGSIZE)
      *(volatile char *)va = *(volatile char *)va;
}

/* Run one test in a child process and print its result; returns 1 if it passed. */
static int run_test(const struct test *t)
{
  char policy_before[2 * SCHED_TEXT_LEN], policy_after[2 * SCHED_TEXT_LEN];
  char reason[4 * REASON_MAX];
  char left[DIRSIZ + 1];
  int rp[2], gate[2];

  if (remove_tree(SCRATCH) < 0 || mkdir(SCRATCH) < 0) {
    say("test %s: FAIL: runner: cannot make an empty %s\n", t->name, SCRATCH);
    return 0;
  }
  if (pipe(rp) < 0)
    rp[0] = rp[1] = -1;
  if (pipe(gate) < 0) {
    close(rp[0]);
    close(rp[1]);
    say("test %s: FAIL: runner: pipe failed (%s)\n", t->name, errname(errno));
    return 0;
  }

  policy_spec(policy_before, sizeof policy_before);
  int pid = fork();
  if (pid == 0) {
    char go;
    close(rp[0]);
    close(gate[1]);
    read(gate[0], &go, 1);  /* wait until the watchdog is in place */
    close(gate[0]);
    reason_fd = rp[1];
    if (chdir(SCRATCH) < 0)
      fail("runner: cannot enter %s", SCRATCH);
    own_memory();
    t->fn();
    exit(0);
  }
  int dog = pid > 0 ? fork() : -1;
  if (dog == 0) {
    close(rp[0]);
    close(rp[1]);
    close(gate[0]);
    close(gate[1]);
    sleep(t->slow ? SLOW_TIME_LIMIT : TIME_LIMIT);
    kill(pid);
    exit(0);
  }
  own_memory();    /* our own stores from here on take no pages during the test */
  close(gate[0]);
  close(gate[1]);  /* let the test start */
  if (pid < 0) {
    close(rp[0]);
    close(rp[1]);
    say("test %s: FAIL: runner: fork failed (%s)\n", t->name, errname(errno));
    return 0;
  }

  /* The watchdog exits with 0 only if it ran out of patience. */
  int status, dog_status = -1;
  int who = wait(&status);
  if (dog > 0 && who == dog) {
    dog_status = status;
    who = wait(&status);
  } else if (dog > 0) {
    kill(dog);
    wait(&dog_status);
  }
  int timed_out = dog_status == 0;

  reason[0] = '\0';
  if (rp[0] >= 0) {
    write(rp[1], "", 1);
    close(rp[1]);
    collect_reasons(rp[0], reason, sizeof reason);
    close(rp[0]);
  }

  /* A test that changes the policy puts it back; if one did not (it
     failed half way), put it back here, so the next test is not run under
     another policy. */
  policy_spec(policy_after, sizeof policy_after);
  int policy_left = strcmp(policy_before, policy_after) != 0;
  if (policy_left)
    sched_set(policy_before);

  int ok = 0;
  if (who != pid)
    say("test %s: FAIL: runner: wait returned %d, want %d\n", t->name, who, pid);
  else if (timed_out)
    say("test %s: FAIL: timed out after %d s%s%s\n", t->name,
        (t->slow ? SLOW_TIME_LIMIT : TIME_LIMIT) / 100, reason[0] ? "; " : "", reason);
  else if (reason[0] && (status == 0 || status == 1))
    say("test %s: FAIL: %s\n", t->name, reason);
  else if (reason[0])
    say("test %s: FAIL: %s; exit status %d\n", t->name, reason, status);
  else if (status == -1)
    say("test %s: FAIL: killed (exit status -1)\n", t->name);
  else if (status != 0)
    say("test %s: FAIL: exit status %d\n", t->name, status);
  else if (some_entry(SCRATCH, left) != 0)
    say("test %s: FAIL: left %s behind in %s\n", t->name, left, SCRATCH);
  else if (policy_left)
    say("test %s: FAIL: left the policy at \"%s\"\n", t->name, policy_after);
  else
    ok = 1;
  if (ok)
    say("test %s: OK\n", t->name);
  remove_tree(SCRATCH);
  return ok;
}

/* The after-everything check: free pages are back to what they were. */
static int check_freemem(int before)
{
  int now = freemem();
  for (int i = 0; i < 30 && now != before; i++) {  /* orphans may still be exiting */
    sleep(10);
    now = freemem();
  }
  if (now != before) {
    say("test %s: FAIL: %d pages free before the tests, %d after\n", freemem_name, before, now);
    return 0;
  }
  say("test %s: OK\n", freemem_name);
  return 1;
}

static void list_tests(void)
{
  char pad[16];
  for (int i = 0; i <= NELEM(tests); i++) {
    const char *name = i < NELEM(tests) ? tests[i].name : freemem_name;
    int n = strlen(name);
    memset(pad, ' ', sizeof pad - 1);
    pad[n < 14 ? 14 - n : 1] = '\0';
    say("%s%s%s%s\n", name, pad, i < NELEM(tests) ? tests[i].intent : freemem_intent,
        i < NELEM(tests) && tests[i].slow ? " (slow)" : "");
  }
}

static int named(int argc, char *argv[], const char *name)
{
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], name) == 0)
      return 1;
  return 0;
}

int main(int argc, char *argv[])
{
  int quick = 0, list = 0, names = 0, rounds = 1, say_rounds = 0;

  stack_top = (uint64)sbrk(0);

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-q") == 0) {
      quick = 1;
    } else if (strcmp(argv[i], "-l") == 0) {
      list = 1;
    } else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc && is_number(argv[i + 1]) &&
               atoi(argv[i + 1]) > 0) {
      rounds = atoi(argv[++i]);
      say_rounds = 1;
    } else if (argv[i][0] == '-') {
      fprintf(2, "usage: usertests [-q] [-l] [-r ROUNDS] [NAME...]\n");
      exit(2);
    } else {
      int j;
      for (j = 0; j < NELEM(tests) && strcmp(tests[j].name, argv[i]) != 0; j++)
        ;
      if (j == NELEM(tests) && strcmp(argv[i], freemem_name) != 0) {
        fprintf(2, "usertests: no test named %s (usertests -l lists them)\n", argv[i]);
        exit(2);
      }
      names++;
    }
  }
  if (list) {
    list_tests();
    exit(0);
  }

  own_memory();
  int free_before = freemem();
  int passed = 0, failed = 0;
  say("usertests: starting\n");
  for (int round = 1; round <= rounds; round++) {
    int round_passed = 0, round_failed = 0;
    for (int i = 0; i < NELEM(tests); i++) {
      const struct test *t = &tests[i];
      if (names ? !named(argc, argv, t->name) : quick && t->slow)
        continue;
      if (run_test(t))
        round_passed++;
      else
        round_failed++;
    }
    /* Every round must give back every page: a soak shows a slow leak. */
    if (!names || named(argc, argv, freemem_name)) {
      if (check_freemem(free_before))
        round_passed++;
      else
        round_failed++;
    }
    if (say_rounds)
      say("usertests: round %d of %d: %d passed, %d failed\n", round, rounds, round_passed,
          round_failed);
    passed += round_passed;
    failed += round_failed;
  }
  say("usertests: %d passed, %d failed\n", passed, failed);
  exit(failed ? 1 : 0);
}
