/*
 * sysfuzz: throw random system calls at the kernel, to find the calls and
 * arguments that panic it, hang it or leak its memory.
 *
 *   sysfuzz [-v] [-c CHILD] [-j N] SECONDS [SEED]
 *
 * For SECONDS it keeps N children (6) running. Child number k draws from
 * a seed of its own, made of SEED (from the clock if not given) and k,
 * and makes a few hundred calls: mostly real ones, some just past the table's end, some
 * with absurd numbers; each argument of a class a kernel must survive:
 * small integers, -1 and other edges, huge values, pointers into the
 * child's own memory (its stack, its heap, a buffer, its read-only
 * text), NULL, unmapped user addresses, addresses just below MAXVA,
 * kernel addresses, misaligned pointers, huge lengths, path names of
 * files there are and are not (and random bytes), argument vectors of
 * garbage. A child may fork, a few times, and exec: ELF files it crafts
 * itself, a few harmless programs, files that are no program. One child
 * in HOG_EVERY first takes most of the free memory, so that the others
 * meet a kernel short of it, and another every free process slot. A
 * watchdog kills a child, with its process group, once every process of
 * the group has been blocked for 0.2 s (asleep in a pipe, a wait or a
 * long sleep, or stopped), or once it has run for 2 s. At the end it
 * prints
 *
 *   sysfuzz: 240 children, 61234 calls in 60 s (1020 a second), 30 killed by
 *   watchdog, 25 crashed (faults), 170 exited, 15 signalled, seed 42
 *
 * and exits 0; 1 if some process would not die when killed (a kernel bug)
 * or the scratch directory could not be removed. The kernel says on the
 * console why a child crashed ("pid 9 elf: segmentation fault ...").
 *
 * Reproducing: -v prints each call before it is made and its result
 * after, and which pid each child is, so the call a panic or a hang
 * follows is the last one printed for its pid; -c CHILD runs child CHILD
 * of that seed alone, once (SECONDS does not matter): sysfuzz -v -c 17 1
 * 42. A child makes the same calls again only as far as the kernel
 * answers the same: pids and timing differ.
 *
 * What a child may not do, and why (guard(), which every call passes
 * just before its ecall):
 *   - poweroff (the only call that ends the machine) is never made;
 *   - signals go only to itself, its own children and its own process
 *     group (each child makes one of its own), never to pid -1, init or
 *     any other process; setpriority and setpgid name only those too, and
 *     setpgid moves nobody out of the group, so the watchdog's kill of
 *     the group reaches every process a child made. A SIGKILL it would
 *     send itself or its group becomes a SIGTERM, so that a death by
 *     SIGKILL the watchdog did not send is one the kernel dealt: a fault,
 *     or memory it had not;
 *   - path names that create, change or remove anything, or that chdir
 *     or exec, stay inside the scratch directory /fuzz, which the parent
 *     empties as children end; a few names outside it may be opened
 *     read-only or exec'd (/README, /echo, ...). Nothing a child makes
 *     can name the console (mknod's major is never CONSOLE), so it can
 *     neither change the console's mode nor take the shell's input;
 *   - sched_set may retune the policy in use, or switch to rr or mlfq, but
 *     not to another: fcfs, sjf and stcf never preempt, and prio, lottery
 *     and stride let a process with nice -20 or 100000 tickets starve
 *     the watchdog; the parent puts the policy back at the end;
 *   - fork: at most FORKS processes in a child's tree;
 *   - no argument may point into the fuzzer's own data or bss, where all
 *     it knows lives, the stack it runs on too: the kernel may write
 *     anywhere else it is told, and a child whose own state were
 *     overwritten could stop obeying these rules;
 *   - sbrk may not free the heap pages the child builds its arguments in;
 *   - descriptors 14 and 15 are the fuzzer's (the report pipe, and the
 *     console under -v): a call on one of them uses 13 instead;
 *   - exit's status is never EXIT_SETUP (a failed setup, to the parent);
 *   - the name of a program it execs is printable, since the kernel
 *     prints it in its messages (a name that were "\npanic: " ...).
 * A child's standard input, output and error are a device file with no
 * driver (every read and write fails), so nothing it does reaches the
 * console.
 *
 * The calls counted are those the children reported (one byte each on a
 * pipe to a collector process, a batch at a time): a child that crashes
 * or is killed loses its last unreported ones.
 */
#include "kernel/types.h"
#include "kernel/elf.h"
#include "kernel/errno.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/fs/file.h"
#include "kernel/memlayout.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/stat.h"
#include "kernel/syscall.h"
#include "user/ulib.h"

_Static_assert(SYS_MAX == 47, "a new system call: add it to sysfuzz's table of calls "
               "(user/sysfuzz.c), deciding whether a child may make it, then update this");

#define PARALLEL      6         /* children running at once, by default */
#define PARALLEL_MAX  8
#define WATCHDOG_US   2000000   /* a child running longer is killed */
#define BLOCKED_US    200000    /* and one whose group has been blocked this long */
#define UNKILLABLE_US 3000000   /* still there this long after SIGKILL: a kernel bug */
#define POLL_US       5000      /* the parent looks at its children this often */
#define PROGRESS_US   30000000  /* and says how far it is this often */
#define CALLS_MIN     200       /* calls a child makes, at least */
#define CALLS_MAX     500       /* and at most */
#define FORKS         4         /* processes a child's tree may fork, in all */
#define REPORT_EVERY  64        /* calls between a child's reports */
#define ARENA_SIZE    (64 * 1024) /* heap the child builds its arguments in */
#define CHILD_STACK   (32 * 1024) /* the child's own stack, in its bss */
#define HOG_EVERY     8         /* one child in this many takes most free memory first, */
#define HOG_MEMORY    (HOG_EVERY - 1) /* the one numbered this, mod HOG_EVERY; */
#define HOG_PROCS     (HOG_EVERY / 2 - 1) /* and one takes most process slots */
#define HOG_MARGIN    32        /* pages a memory hog leaves free */
#define SPAWN_RESERVE 256       /* free pages there must be for the parent to fork */
#define PARENT_STACK  (64 * 1024) /* stack the parent may use */
#define POLICIES_MAX  16
#define REMOVE_STEPS_MAX 100000 /* removing a tree takes fewer, or something is wrong */

#define SCRATCH       "/fuzz"
#define NULL_NAME     "null"    /* each child's device file with no driver */
#define NULL_MAJOR    (NDEV - 1)
#define REPORT_FD     (NOFILE - 2)
#define LOG_FD        (NOFILE - 1)
#define SPARE_FD      (NOFILE - 3) /* what a call on REPORT_FD or LOG_FD gets */
#define PID_FAR       (1 << 29) /* no pid gets this high: pids are never reused */
#define KERNEL_TEXT   (KERNEL_VA_BASE + KERNEL_LOAD) /* the kernel's first instruction */
#define INT_MAX       0x7fffffff
#define INT_MIN       (-INT_MAX - 1)
#define USLEEP_MAX    1000000000000UL
#define EXIT_SETUP    125       /* a child that could not set itself up */
#define ERRNO_MAX     4095      /* results from -ERRNO_MAX to -1 are errors */

/* The link map's symbols (user/user.ld). */
extern char __text_start[], __data_start[], __bss_end[];

/*
 * Kinds of argument, for the table of calls: each says what a sensible
 * value would be. A child gives a call such values most of the time, and
 * any value of any class otherwise.
 */
enum kind {
  ANY,      /* any class at all */
  FD,       /* a file descriptor */
  BUF,      /* a user buffer, read or written */
  LEN,      /* a byte count */
  COUNT,    /* a count of entries (procinfo, hartinfo, schedtrace) */
  PATH,     /* a path name */
  PROGRAM,  /* a path name for exec */
  ARGV,     /* an argument vector */
  SPEC,     /* a scheduling policy spec */
  PID,      /* a process, or a group when negative */
  SIG,      /* a signal number */
  DISP,     /* SIG_DFL or SIG_IGN */
  OFLAGS,   /* open's flags */
  WOPTS,    /* waitpid's options */
  TICKS,    /* sleep's ticks */
  USEC,     /* usleep's microseconds */
  UNTIL,    /* usleep_until's time */
  INCR,     /* sbrk's increment */
  NICE,     /* a nice value */
  MAJOR,    /* a device's major number */
  REQ,      /* an ioctl request */
  INDEX,    /* sched_info's index */
  SMALL,    /* a small integer: tickets, milliseconds, a status, a flag */
};

struct callinfo {
  const char *name;
  int weight;       /* how often it is drawn, relative to the others */
  uchar arg[6];     /* enum kind of each argument */
};

/* Every call of kernel/syscalls.tbl, by its SYS_ number. */
static const struct callinfo calls[SYS_MAX + 1] = {
  [SYS_fork]          = { "fork", 6, { 0 } },
  [SYS_exit]          = { "exit", 1, { SMALL } },
  [SYS_wait]          = { "wait", 4, { BUF } },
  [SYS_pipe]          = { "pipe", 8, { BUF } },
  [SYS_read]          = { "read", 16, { FD, BUF, LEN } },
  [SYS_kill]          = { "kill", 3, { PID } },
  [SYS_exec]          = { "exec", 4, { PROGRAM, ARGV } },
  [SYS_fstat]         = { "fstat", 10, { FD, BUF } },
  [SYS_chdir]         = { "chdir", 6, { PATH } },
  [SYS_dup]           = { "dup", 10, { FD } },
  [SYS_getpid]        = { "getpid", 4, { 0 } },
  [SYS_sbrk]          = { "sbrk", 10, { INCR, SMALL } },
  [SYS_sleep]         = { "sleep", 4, { TICKS } },
  [SYS_uptime]        = { "uptime", 4, { 0 } },
  [SYS_open]          = { "open", 16, { PATH, OFLAGS } },
  [SYS_write]         = { "write", 16, { FD, BUF, LEN } },
  [SYS_mknod]         = { "mknod", 6, { PATH, MAJOR, SMALL } },
  [SYS_unlink]        = { "unlink", 10, { PATH } },
  [SYS_link]          = { "link", 10, { PATH, PATH } },
  [SYS_mkdir]         = { "mkdir", 10, { PATH } },
  [SYS_close]         = { "close", 10, { FD } },
  [SYS_poweroff]      = { "poweroff", 0, { SMALL } },
  [SYS_freemem]       = { "freemem", 4, { 0 } },
  [SYS_uptime_us]     = { "uptime_us", 4, { 0 } },
  [SYS_waitpid]       = { "waitpid", 6, { PID, BUF, WOPTS } },
  [SYS_sigsend]       = { "sigsend", 4, { PID, SIG } },
  [SYS_signal]        = { "signal", 8, { SIG, DISP } },
  [SYS_setpgid]       = { "setpgid", 6, { PID, PID } },
  [SYS_getpgid]       = { "getpgid", 6, { PID } },
  [SYS_getppid]       = { "getppid", 4, { 0 } },
  [SYS_procinfo]      = { "procinfo", 8, { PID, BUF, COUNT } },
  [SYS_hartinfo]      = { "hartinfo", 6, { BUF, COUNT } },
  [SYS_ioctl]         = { "ioctl", 6, { FD, REQ, ANY } },
  [SYS_sched_set]     = { "sched_set", 6, { SPEC } },
  [SYS_sched_info]    = { "sched_info", 6, { INDEX, BUF } },
  [SYS_setpriority]   = { "setpriority", 6, { PID, NICE } },
  [SYS_getpriority]   = { "getpriority", 6, { PID, BUF } },
  [SYS_settickets]    = { "settickets", 6, { SMALL } },
  [SYS_setexpected]   = { "setexpected", 6, { SMALL } },
  [SYS_waitstat]      = { "waitstat", 6, { PID, BUF, WOPTS, BUF } },
  [SYS_schedtrace]    = { "schedtrace", 6, { BUF, COUNT, BUF } },
  [SYS_schedtrace_on] = { "schedtrace_on", 4, { SMALL } },
  [SYS_sched_yield]   = { "sched_yield", 4, { 0 } },
  [SYS_usleep]        = { "usleep", 4, { USEC } },
  [SYS_usleep_until]  = { "usleep_until", 3, { UNTIL } },
  [SYS_meminfo]       = { "meminfo", 6, { BUF } },
  [SYS_proclist]      = { "proclist", 6, { ANY, BUF, COUNT } },
};

/* Numbers no call has, beyond the table's neighbourhood: what a kernel
   that looked at fewer bits than it should would take for a real call. */
static const uint64 odd_numbers[] = {
  (uint64)-1, (uint64)INT_MIN, (uint64)INT_MAX, 1UL << 32, (1UL << 32) | SYS_getpid,
  (1UL << 32) | SYS_fork, 1UL << 63, (1UL << 63) | SYS_kill, 0xffffffffUL, 256, 1000,
  SYS_MAX + 256, (uint64)-SYS_getpid,
};

/* Values at the edges of int, long, pages and the kernel's limits. */
static const uint64 edges[] = {
  INT_MAX, (uint64)INT_MIN, 0x80000000UL, 0xffffffffUL, 1UL << 32, (1UL << 32) + 1,
  1UL << 63, (1UL << 63) - 1, PGSIZE - 1, PGSIZE, PGSIZE + 1, 16 * PGSIZE, MAXPATH - 1,
  MAXPATH, MAXPATH + 1, NOFILE, NPROC, NSIG, MAXARG, MAXARG + 1, (uint64)-PGSIZE,
};

/* Path names outside the scratch directory a child may open read-only or
   exec: programs that do nothing harmful with garbage arguments, and
   names that are no program. */
static const char *const outside[] = {
  "/README", "/", SCRATCH, "/echo", "/ls", "/cat", "/wc", "/grep", "/nonexistent",
  "/README/x",
};

/* Path name parts, for building names inside the scratch directory. */
static const char *const parts[] = {
  "f", "g", "d", "e", "x", "elf", NULL_NAME, ".", "..", "", "d2", "abcdefghijklmn",
  "abcdefghijklmnopqrstuvwxyz", "fuzz",
};

/* The heap the child builds arguments in (at arena_lo). The kernel may
   write all over it; the child fills in what it needs before each call. */
#define PATH_SLOTS  3
#define PATH_SLOT   256
#define ARGV_MAX    (MAXARG + 4)
#define STRINGS     (2 * PGSIZE)
struct arena {
  char path[PATH_SLOTS][PATH_SLOT]; /* path names and specs, one per argument */
  char spare[PATH_SLOT];            /* what guard() puts instead of a path */
  uint64 argv[ARGV_MAX];
  char strings[STRINGS];            /* argv's strings, one longer than a page */
  char data[ARENA_SIZE - PATH_SLOTS * PATH_SLOT - PATH_SLOT - ARGV_MAX * 8 - STRINGS];
};
_Static_assert(sizeof(struct arena) == ARENA_SIZE, "struct arena fills the arena");

/* One call, as it will go into the registers. */
struct call {
  uint64 num;
  uint64 a[6];
  int guarded;      /* did guard() change it? (-v marks it) */
  int cwd_depth;    /* for chdir: the directory's depth if it succeeds */
};

/*
 * Everything a fuzzing process knows about itself. It lives in the bss,
 * with the stack the child runs on, and guard() keeps every argument
 * away from the bss: no call can overwrite it.
 */
static struct {
  uint64 rng;           /* splitmix64 state */
  int number;           /* child number */
  int pid, pgid;        /* pgid: the child's, which its own children share */
  int kids[FORKS];      /* its own children, as fork returned them */
  int nkids;
  int forks_left;       /* forks its part of the tree may still make */
  int calls_left;
  int made, unreported; /* calls made; of those, not yet reported */
  int verbose;
  int hog;              /* HOG_MEMORY or HOG_PROCS if it is a hog, else -1 */
  int go_fd;            /* a hog's: the pipe the parent says "go" on, or -1 */
  int report_fd;        /* the parent's end of the report pipe, to inherit */
  int cwd_depth;        /* its working directory's depth below "/" (in SCRATCH) */
  uint32 open_fds;      /* descriptors it believes open, a bit each */
  int total_weight;     /* of the table of calls */
  /* Its memory: text, data and bss, the stack's region, the heap. */
  uint64 text_lo, data_lo, bss_end, stack_lo, stack_top, arena_lo, brk;
  /* The scheduling policies there are, and the one in use. */
  char policies[POLICIES_MAX][SCHED_NAME_LEN];
  int npolicies;
  char policy[SCHED_NAME_LEN];
  char stack[CHILD_STACK] __attribute__((aligned(16)));
} fz;

#define ARENA ((struct arena *)fz.arena_lo)

/* -- random numbers ---------------------------------------------------- */

/* splitmix64: a good generator in three lines, seeded by any number. */
static uint64 rnd(void)
{
  uint64 z = (fz.rng += 0x9e3779b97f4a7c15UL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
  return z ^ (z >> 31);
}

static uint64 below(uint64 n)
{
  return n ? rnd() % n : 0;
}

static int chance(int percent)
{
  return below(100) < (uint64)percent;
}

#define PICK(array) ((array)[below(sizeof(array) / sizeof((array)[0]))])

static void fill_random(char *p, int n)
{
  for (int i = 0; i < n; i++)
    p[i] = (char)rnd();
}

/* -- values of each class ---------------------------------------------- */

static uint64 arena_data(void)
{
  return (uint64)ARENA->data + below(sizeof(ARENA->data));
}

/* A user address nothing is mapped at. */
static uint64 unmapped(void)
{
  switch (below(4)) {
  case 0:
    return below(PGSIZE);                                 /* page 0 */
  case 1:
    return fz.bss_end + below(fz.stack_lo - fz.bss_end);  /* the guard gap */
  case 2:
    return PGROUNDUP(fz.brk) + below(1UL << 30);          /* past the break */
  default:
    return (MAXVA >> 1) + below(MAXVA >> 2);
  }
}

static uint64 kernel_address(void)
{
  switch (below(5)) {
  case 0:
    return KERNEL_VA_BASE + below(1UL << 32);
  case 1:
    return KERNEL_TEXT + below(1UL << 20);
  case 2:
    return KSTACK_BASE + below(NPROC * (KSTACK_PAGES + 1) * PGSIZE);   /* kernel stacks */
  case 3:
    return KERNBASE + below(1UL << 27);  /* the physical RAM, as a user address */
  default:
    return (uint64)-1 - below(PGSIZE);
  }
}

static uint64 near_maxva(void)
{
  switch (below(3)) {
  case 0:
    return MAXVA - 1 - below(16);
  case 1:
    return MAXVA - PGSIZE + below(PGSIZE);
  default:
    return MAXVA + below(PGSIZE);
  }
}

/* The last bytes below the break: a buffer there runs into unmapped pages. */
static uint64 heap_end(void)
{
  return fz.brk - 1 - below(64);
}

static uint64 huge_length(void)
{
  switch (below(4)) {
  case 0:
    return INT_MAX - below(16);
  case 1:
    return 1UL << (31 + below(33));
  case 2:
    return (uint64)-1 - below(PGSIZE);
  default:
    return 0x80000000UL + below(PGSIZE);
  }
}

/* A value of any class at all. */
static uint64 any_value(void)
{
  switch (below(16)) {
  case 0:
    return below(17);
  case 1:
    return 0;
  case 2:
    return (uint64)-1;
  case 3:
    return PICK(edges);
  case 4:
    return rnd();
  case 5:
    return (uint32)rnd();
  case 6:
    return arena_data();
  case 7:
    return fz.stack_lo + below(fz.stack_top - fz.stack_lo);
  case 8:
    return fz.arena_lo + below(fz.brk - fz.arena_lo);
  case 9:
    return fz.text_lo + below(fz.data_lo - fz.text_lo);
  case 10:
    return heap_end();
  case 11:
    return unmapped();
  case 12:
    return kernel_address();
  case 13:
    return near_maxva();
  case 14:
    return arena_data() | 1;   /* misaligned */
  default:
    return huge_length();
  }
}

/* A pointer for a call to read from or write into. */
static uint64 buffer(void)
{
  int r = below(100);
  if (r < 60)
    return arena_data();
  if (r < 70)
    return fz.stack_lo + below(fz.stack_top - fz.stack_lo);
  if (r < 75)
    return PGROUNDUP(arena_data()) - below(8);  /* straddles a page boundary */
  if (r < 80)
    return heap_end();
  if (r < 85)
    return fz.text_lo + below(fz.data_lo - fz.text_lo);  /* read-only */
  if (r < 90)
    return kernel_address();
  if (r < 95)
    return unmapped();
  return chance(50) ? 0 : near_maxva();
}

static uint64 length(void)
{
  int r = below(100);
  if (r < 10)
    return 0;
  if (r < 40)
    return 1 + below(64);
  if (r < 70)
    return below(PGSIZE * 2);
  if (r < 85)
    return below(sizeof(ARENA->data));
  if (r < 90)
    return PGSIZE * (1 + below(16));
  return chance(50) ? (uint64)-1 - below(4) : huge_length();
}

static uint64 pid_value(void)
{
  int r = below(100);
  if (r < 8)
    return 0;
  if (r < 18)
    return fz.pid;
  if (r < 40)
    return fz.nkids ? fz.kids[below(fz.nkids)] : PID_FAR;
  if (r < 45)
    return -(uint64)fz.pgid;
  if (r < 50)
    return (uint64)-1;
  if (r < 55)
    return 1;
  if (r < 65)
    return PID_FAR + below(PID_FAR);
  if (r < 75)
    return -(uint64)(PID_FAR + below(PID_FAR));
  if (r < 80)
    return (uint64)INT_MIN;
  return below(NPROC * 2);   /* whoever has a small pid: guard() decides */
}

static uint64 signal_number(void)
{
  static const int common[] = { SIGINT, SIGKILL, SIGTERM, SIGCHLD, SIGCONT, SIGSTOP, SIGTSTP };
  int r = below(100);
  if (r < 50)
    return PICK(common);
  if (r < 80)
    return below(NSIG + 2);
  if (r < 90)
    return (uint64)-1 - below(2);
  return (uint64)INT_MIN + below(2);
}

static uint64 open_flags(void)
{
  static const int access[] = { O_RDONLY, O_WRONLY, O_RDWR, O_WRONLY | O_RDWR };
  uint64 f = PICK(access);
  if (chance(40))
    f |= O_CREATE;
  if (chance(15))
    f |= O_TRUNC;
  if (chance(5))
    f |= (uint32)rnd();
  return f;
}

static uint64 wait_options(void)
{
  int r = below(100);
  if (r < 60)
    return WNOHANG | (chance(30) ? WUNTRACED | WCONTINUED : 0);
  if (r < 80)
    return chance(50) ? 0 : WUNTRACED;
  return below(32);
}

static uint64 ticks(void)
{
  int r = below(100);
  if (r < 90)
    return below(3);
  if (r < 95)
    return below(300);
  return chance(50) ? (uint64)-1 : INT_MAX;
}

static uint64 microseconds(void)
{
  int r = below(100);
  if (r < 85)
    return below(20000);
  if (r < 90)
    return USLEEP_MAX + below(2);
  return rnd();
}

static uint64 sbrk_increment(void)
{
  int r = below(100);
  if (r < 10)
    return 0;
  if (r < 40)
    return PGSIZE * below(32);
  if (r < 60)
    return -(uint64)(PGSIZE * below(32));
  if (r < 70)
    return below(100) - 50;
  if (r < 80)
    return 1UL << (20 + below(11));
  if (r < 90)
    return -(uint64)(1UL << (20 + below(11)));
  return PICK(edges);
}

static uint64 small(void)
{
  static const uint64 values[] = { 0, 1, 2, 3, 100, 1000, 100000, 100001, 1000000000,
                                   1000000001, (uint64)-1 };
  return chance(50) ? below(8) : PICK(values);
}

/* -- path names and argument vectors ----------------------------------- */

static void append(char *s, int max, const char *t)
{
  int n = strlen(s);
  while (*t && n < max - 1)
    s[n++] = *t++;
  s[n] = 0;
}

/* A path name in slot (PATH_SLOT bytes); returns its address. */
static uint64 path_name(int slot)
{
  char *s = ARENA->path[slot];
  char number[16];
  int r = below(100);

  s[0] = 0;
  if (r < 30) {
    append(s, PATH_SLOT, PICK(parts));
  } else if (r < 60) {
    /* Parts joined by slashes, maybe from the root or the child's own directory. */
    if (chance(20)) {
      /* Its own, or a neighbour's, which runs at the same time. */
      snprintf(number, sizeof(number), "%d", fz.number + (int)below(3) - 1);
      append(s, PATH_SLOT, SCRATCH "/");
      append(s, PATH_SLOT, number);
      append(s, PATH_SLOT, "/");
    } else if (chance(10)) {
      append(s, PATH_SLOT, chance(50) ? SCRATCH "/" : "/");
    }
    for (int n = 1 + below(6); n > 0; n--) {
      append(s, PATH_SLOT, PICK(parts));
      if (n > 1 || chance(10))
        append(s, PATH_SLOT, chance(10) ? "//" : "/");
    }
  } else if (r < 70) {
    append(s, PATH_SLOT, PICK(outside));
  } else if (r < 80) {
    /* Random bytes, maybe with a NUL in them. */
    int n = below(MAXPATH + 8);
    fill_random(s, n);
    s[n] = 0;
  } else if (r < 88) {
    /* Lengths around MAXPATH: 126 to 129 characters, and no NUL at all. */
    int n = MAXPATH - 2 + below(4);
    for (int i = 0; i < n; i++)
      s[i] = (i % 2) ? '/' : 'a';
    s[n] = 0;
    if (chance(20))
      memset(s, 'a', PATH_SLOT);
  } else if (r < 95) {
    /* A pointer no path can be read from. */
    switch (below(4)) {
    case 0:
      return 0;
    case 1:
      return kernel_address();
    case 2:
      return unmapped();
    default:
      /* A name running off the end of the heap into unmapped pages. */
      memset((char *)fz.brk - 3, 'a', 3);
      return fz.brk - 1 - below(3);
    }
  } else {
    append(s, PATH_SLOT, chance(50) ? "f" : "d/g");
  }
  if (chance(10))
    s[below(PATH_SLOT / 4)] = (char)rnd();   /* scribble */
  return (uint64)s;
}

/* An argument vector: garbage strings, bad pointers, too many or no end. */
static uint64 argument_vector(void)
{
  uint64 *v = ARENA->argv;
  char *str = ARENA->strings;
  int n = below(100) < 90 ? below(6) : below(ARGV_MAX);

  switch (below(20)) {
  case 0:
    return 0;
  case 1:
    return kernel_address();
  case 2:
    return heap_end() & ~7UL;   /* the vector runs into unmapped pages */
  }
  fill_random(str, STRINGS);
  for (int i = 0; i < n; i++) {
    int r = below(100);
    if (r < 75) {
      char *s = str + below(STRINGS - 64);
      s[below(64)] = 0;
      v[i] = (uint64)s;
    } else if (r < 85) {
      v[i] = (uint64)ARENA->path[below(PATH_SLOTS)];
    } else if (r < 90) {
      memset(str, 'x', STRINGS);   /* longer than a page: E2BIG */
      str[STRINGS - 1] = 0;
      v[i] = (uint64)str;
    } else {
      v[i] = any_value();
    }
  }
  v[n] = chance(90) ? 0 : any_value();   /* or no end where there should be one */
  return (uint64)v;
}

/* Policies a child may switch the machine to besides the one in use:
   both preempt, and neither lets one process's nice value or tickets
   starve another (fcfs, sjf and stcf never preempt; under prio a nice
   -20 process runs before all others, under lottery and stride one with
   100000 tickets gets nearly every turn). */
static const char *const safe_policies[] = { "rr", "mlfq" };

/* A scheduling spec: a policy (mostly the one in use, or a safe one) with
   parameters good and bad, another policy (guard() refuses it), or
   garbage. */
static uint64 sched_spec(int slot)
{
  static const char *const params[] = { "quantum", "boost", "levels", "allot", "aging",
                                         "alpha", "seed", "x" };
  static const char *const values[] = { "0", "1", "5", "10ms", "1000", "1001", "-1", "0.5",
                                         "99999999999999", "3,2,1", "", "=" };
  char *s = ARENA->path[slot];
  s[0] = 0;
  int r = below(100);
  if (r < 70) {
    append(s, PATH_SLOT, r < 50 ? fz.policy : PICK(safe_policies));
    for (int n = below(3); n > 0; n--) {
      append(s, PATH_SLOT, " ");
      append(s, PATH_SLOT, PICK(params));
      append(s, PATH_SLOT, "=");
      append(s, PATH_SLOT, PICK(values));
    }
  } else if (r < 80 && fz.npolicies > 0) {
    append(s, PATH_SLOT, fz.policies[below(fz.npolicies)]);
  } else if (r < 90) {
    int n = below(SCHED_TEXT_LEN + 8);
    fill_random(s, n);
    s[n] = 0;
  } else {
    return any_value();
  }
  return (uint64)s;
}

/* A value for an argument of this kind. */
static uint64 value_of(int kind, int slot)
{
  if (kind == ANY || chance(15))
    return any_value();
  switch (kind) {
  case FD:
    if (fz.open_fds && chance(70)) {
      int fd;
      do
        fd = below(NOFILE);
      while (!(fz.open_fds & (1U << fd)));
      return fd;
    }
    return chance(90) ? below(NOFILE + 2) : PICK(edges);
  case BUF:
    return buffer();
  case LEN:
    return length();
  case COUNT:
    return chance(80) ? below(NPROC + 8) : PICK(edges);
  case PATH:
    return path_name(slot);
  case PROGRAM:
    if (chance(50)) {
      /* The crafted one, often: most of what exec does is in there. */
      strcpy(ARENA->path[slot], chance(80) ? "elf" : PICK(outside));
      return (uint64)ARENA->path[slot];
    }
    return path_name(slot);
  case ARGV:
    return argument_vector();
  case SPEC:
    return sched_spec(slot);
  case PID:
    return pid_value();
  case SIG:
    return signal_number();
  case DISP:
    return below(4) - 1;
  case OFLAGS:
    return open_flags();
  case WOPTS:
    return wait_options();
  case TICKS:
    return ticks();
  case USEC:
    return microseconds();
  case UNTIL:
    return chance(80) ? uptime_us() + below(20000) : microseconds();
  case INCR:
    return sbrk_increment();
  case NICE:
    return chance(90) ? below(50) - 25 : PICK(edges);
  case MAJOR:
    return chance(90) ? below(NDEV + 2) : PICK(edges);
  case REQ:
    return chance(90) ? below(6) : rnd();
  case INDEX:
    return chance(90) ? below(14) - 2 : PICK(edges);
  default:
    return small();
  }
}

/* A call number: mostly real calls (by weight), some around the table,
   some absurd. Never poweroff, however its number is spelled. */
static uint64 call_number(void)
{
  for (;;) {
    uint64 n;
    int r = below(100);
    if (r < 88) {
      int w = below(fz.total_weight);
      for (n = 1; n <= SYS_MAX && w >= calls[n].weight; n++)
        w -= calls[n].weight;
    } else if (r < 96) {
      n = below(SYS_MAX + 5);
    } else {
      n = PICK(odd_numbers);
    }
    if ((uint32)n != SYS_poweroff)
      return n;
  }
}

/* -- the guard: what keeps a child inside its own sandbox -------------- */

static int is_kid(int pid)
{
  for (int i = 0; i < fz.nkids; i++)
    if (fz.kids[i] == pid)
      return 1;
  return 0;
}

/* May a call that signals, renices or regroups a process name pid (the
   kernel's int)? Itself, its own children, its own group (0, or minus
   its number), and numbers so far off that they name nothing. */
static int target_ok(int pid)
{
  return pid == fz.pid || is_kid(pid) || pid == 0 || -(int64)pid == fz.pgid ||
         pid >= PID_FAR || pid <= -PID_FAR;
}

/* Can the kernel read user address a? Every page there is, as the child
   knows its memory: text to the end of the bss, the stack's region and
   the heap up to the page the break is in (the kernel reads and writes
   whole pages: the bytes past the break in that page too). */
static int readable(uint64 a)
{
  return (a >= fz.text_lo && a < fz.bss_end) || (a >= fz.stack_lo && a < PGROUNDUP(fz.brk));
}

/* Copy the string at user address a as the kernel would fetch it, at
   most max bytes with its NUL. Returns 1 if the kernel would get one,
   0 if it would fail (EFAULT, or ENAMETOOLONG) and so do nothing. */
static int user_string(uint64 a, char *s, int max)
{
  for (int i = 0; i < max; i++) {
    uint64 at = a + i;
    if (!readable(at))
      return 0;
    if (at >= fz.brk)
      (void)*(volatile char *)(fz.brk - 1);   /* bring in the break's page, as the kernel would */
    s[i] = *(volatile char *)at;
    if (s[i] == 0)
      return 1;
  }
  return 0;
}

enum path_use { READ, EXEC, CHDIR, CHANGE };

/*
 * Where path s leads, as the kernel walks it: its depth below "/", in
 * *depth. Returns 1 if it stays in SCRATCH, 0 if it may leave. A
 * relative path may not climb above the working directory: the child's
 * idea of where that is could be out of date (a removed directory's ".."
 * may by now name another one), while an absolute path is walked from
 * names that are there now. A name longer than DIRSIZ is cut, as the
 * kernel cuts it, which cannot make "." , ".." or "fuzz" of it.
 */
static int walk(const char *s, int *depth)
{
  int absolute = s[0] == '/';
  int d = absolute ? 0 : fz.cwd_depth;
  int in_scratch = !absolute;   /* the working directory is inside */
  int floor = absolute ? 0 : fz.cwd_depth;

  while (*s) {
    while (*s == '/')
      s++;
    const char *e = s;
    while (*e && *e != '/')
      e++;
    int len = e - s;
    if (len == 0 || (len == 1 && s[0] == '.')) {
      /* nothing */
    } else if (len == 2 && s[0] == '.' && s[1] == '.') {
      if (d > 0)
        d--;
      if (d < floor)
        return 0;
      if (d == 0)
        in_scratch = 0;
    } else {
      if (d == 0)
        in_scratch = len == strlen(SCRATCH) - 1 && strncmp(s, SCRATCH + 1, len) == 0;
      d++;
    }
    s = e;
  }
  *depth = d;
  return in_scratch && d >= 1;
}

/* The program name exec gives a process (the last part of the path, as
   far as it fits): printable, since the kernel prints it? */
static int printable_name(const char *s)
{
  const char *last = s;
  for (; *s; s++)
    if (*s == '/')
      last = s + 1;
  for (int i = 0; last[i] && i < PROC_NAME_LEN - 1; i++)
    if (last[i] < ' ' || last[i] > '~')
      return 0;
  return 1;
}

/*
 * May a call use the path at user address a this way? It may if the
 * kernel cannot read it, or if it names something inside SCRATCH (for
 * CHANGE, strictly inside: not SCRATCH itself), or, to read or exec, one
 * of the names outside. Sets *depth for chdir.
 */
static int path_ok(uint64 a, enum path_use use, int *depth)
{
  char s[MAXPATH];
  if (!user_string(a, s, sizeof(s)))
    return 1;
  if (use == EXEC && !printable_name(s))
    return 0;
  if (use == READ || use == EXEC) {
    for (int i = 0; i < sizeof(outside) / sizeof(outside[0]); i++)
      if (strcmp(s, outside[i]) == 0)
        return 1;
  }
  int d;
  if (!walk(s, &d))
    return 0;
  *depth = d;
  return use == CHANGE ? d >= 2 : 1;
}

/* A path guard() puts in place of one it refuses. */
static uint64 spare_path(const char *name)
{
  strcpy(ARENA->spare, name);
  return (uint64)ARENA->spare;
}

static void guard_path(struct call *c, int i, enum path_use use)
{
  int depth = fz.cwd_depth;
  if (!path_ok(c->a[i], use, &depth)) {
    c->a[i] = spare_path(use == CHDIR ? "." : "f");
    depth = fz.cwd_depth;
    c->guarded = 1;
  }
  if (use == CHDIR)
    c->cwd_depth = depth;
}

/* Would the spec at user address a switch to a policy that is neither
   the one in use nor a safe one? */
static int switches_policy(uint64 a)
{
  char s[SCHED_TEXT_LEN];
  if (!user_string(a, s, sizeof(s)))
    return 0;
  char *w = s;
  while (*w == ' ')
    w++;
  int len = 0;
  while (w[len] && w[len] != ' ')
    len++;
  for (int i = 0; i < fz.npolicies; i++) {
    if (strlen(fz.policies[i]) != len || strncmp(w, fz.policies[i], len) != 0)
      continue;
    if (strcmp(fz.policies[i], fz.policy) == 0)
      return 0;
    for (int j = 0; j < sizeof(safe_policies) / sizeof(safe_policies[0]); j++)
      if (strcmp(fz.policies[i], safe_policies[j]) == 0)
        return 0;
    return 1;
  }
  return 0;
}

/* Does a signal to pid (the kernel's int) reach this process? */
static int reaches_self(int pid)
{
  return pid == fz.pid || pid == 0 || -(int64)pid == fz.pgid;
}

/* Would setpgid(pid, pgid) put a process in a group other than the
   child's own? pgid 0 means the target's own pid: a new group, unless
   the target is the group's leader itself. Negative numbers fail. */
static int leaves_group(int pid, int pgid)
{
  if (pgid < 0 || pgid == fz.pgid)
    return 0;
  if (pgid == 0)
    return !((pid == 0 || pid == fz.pid) && fz.pid == fz.pgid);
  return 1;
}

static int takes_fd(uint32 n)
{
  return n == SYS_read || n == SYS_write || n == SYS_close || n == SYS_fstat || n == SYS_dup ||
         n == SYS_ioctl;
}

static void set(struct call *c, int i, uint64 v)
{
  c->a[i] = v;
  c->guarded = 1;
}

/*
 * Make c safe to make (the file's comment says what that means); returns
 * 0 if it must not be made at all. The kernel reads each argument as an
 * int or as 64 bits, and the number whole: the rules look at what the
 * kernel will see, and at a number's low 32 bits, so that a kernel that
 * dropped the upper half of a7 would still get only safe calls.
 */
static int guard(struct call *c)
{
  for (int i = 0; i < 6; i++)
    if (c->a[i] >= fz.data_lo && c->a[i] < fz.bss_end)
      set(c, i, arena_data());

  uint32 n = (uint32)c->num;
  int a0 = (int)c->a[0], a1 = (int)c->a[1];
  if (n == SYS_poweroff || (n == SYS_fork && fz.forks_left == 0))
    return 0;
  if (takes_fd(n) && (a0 == REPORT_FD || a0 == LOG_FD))
    set(c, 0, SPARE_FD);
  if (n == SYS_exit && (a0 & 0xff) == EXIT_SETUP)
    set(c, 0, 0);   /* that status tells the parent of a failed setup */

  if (n == SYS_kill && a0 == fz.pid) {
    /* SIGKILL to itself: SIGTERM instead (see the file's comment). */
    if (c->num == SYS_kill) {
      c->num = SYS_sigsend;
      set(c, 1, SIGTERM);
    } else {
      set(c, 0, PID_FAR);
    }
  }
  if ((n == SYS_kill || n == SYS_sigsend || n == SYS_setpriority || n == SYS_setpgid) &&
      !target_ok(a0))
    set(c, 0, PID_FAR);
  if (n == SYS_sigsend && a1 == SIGKILL && reaches_self((int)c->a[0]))
    set(c, 1, SIGTERM);
  if (n == SYS_setpgid && leaves_group((int)c->a[0], a1))
    set(c, 1, fz.pgid);

  if (n == SYS_sbrk) {
    /* Never free the arena; below the heap's start the kernel refuses. */
    uint64 arena_end = fz.arena_lo + ARENA_SIZE;
    int64 to = (int64)fz.brk + a0;
    if (to < (int64)arena_end && to >= (int64)fz.arena_lo)
      set(c, 0, arena_end - fz.brk);
  }
  if (n == SYS_sched_set && switches_policy(c->a[0]))
    set(c, 0, spare_path(fz.policy));
  if (n == SYS_mknod && a1 == CONSOLE)
    set(c, 1, NULL_MAJOR);

  switch (n) {
  case SYS_open:
    guard_path(c, 0, a1 & (O_WRONLY | O_RDWR | O_CREATE | O_TRUNC) ? CHANGE : READ);
    break;
  case SYS_exec:
    guard_path(c, 0, EXEC);
    break;
  case SYS_chdir:
    guard_path(c, 0, CHDIR);
    break;
  case SYS_mknod:
  case SYS_unlink:
  case SYS_mkdir:
    guard_path(c, 0, CHANGE);
    break;
  case SYS_link:
    guard_path(c, 0, CHANGE);
    guard_path(c, 1, CHANGE);
    break;
  }
  return 1;
}

/* -- removing the scratch directory ----------------------------------- */

/* The first entry of the working directory but "." and ".." (and, if
   keep is not 0, those it says to keep) into name; 1 if there is one,
   0 if not, -1 if the directory cannot be read. */
static int first_entry(char *name, int (*keep)(const char *name))
{
  struct dirent de;
  int fd = open(".", O_RDONLY), found = 0;
  if (fd < 0)
    return -1;
  while (!found && read(fd, &de, sizeof(de)) == sizeof(de)) {
    memmove(name, de.name, DIRSIZ);
    name[DIRSIZ] = 0;
    found = de.inum != 0 && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
            !(keep && keep(name));
  }
  close(fd);
  return found;
}

/*
 * Remove everything in the working directory but the entries keep (if
 * not 0) says to keep there, and come back to it. Without recursion,
 * since a child may have made a tree of any depth: go down into the
 * first directory that is not empty, remove what can be removed, go back
 * up when a directory is empty (it goes at the next look from above).
 * Looks afresh for each entry: reading a directory as it changes is no
 * help. Returns 0, or -1 if something could not be removed.
 */
static int empty_cwd(int (*keep)(const char *name))
{
  char name[DIRSIZ + 1];
  int depth = 0;
  for (int steps = 0; steps < REMOVE_STEPS_MAX; steps++) {
    int r = first_entry(name, depth == 0 ? keep : 0);
    if (r < 0)
      return -1;
    if (r == 0) {
      if (depth == 0)
        return 0;
      if (chdir("..") < 0)
        return -1;
      depth--;
    } else if (unlink(name) < 0) {
      if (errno != ENOTEMPTY || chdir(name) < 0)
        return -1;
      depth++;
    }
  }
  return -1;
}

/* Remove directory path and everything in it; 0 or -1. */
static int remove_tree(const char *path)
{
  if (chdir(path) < 0)
    return errno == ENOENT ? 0 : -1;
  int r = empty_cwd(0);
  chdir("/");
  return r < 0 ? -1 : unlink(path);
}

/* -- the child ----------------------------------------------------------- */

/* Tell the collector about the calls made since the last report: a byte
   each. */
static void report(void)
{
  char bytes[REPORT_EVERY];
  while (fz.unreported > 0) {
    int n = fz.unreported < REPORT_EVERY ? fz.unreported : REPORT_EVERY;
    memset(bytes, 'c', n);
    if (write(REPORT_FD, bytes, n) != n)
      break;
    fz.unreported -= n;
  }
  fz.unreported = 0;
}

/* " \"S\"" into buf (size bytes), bytes outside printable ASCII as \xNN;
   returns the length written. */
static int quote(char *buf, int size, const char *str)
{
  int n = snprintf(buf, size, " \"");
  for (; *str && n < size - 6; str++) {
    if (*str >= ' ' && *str <= '~' && *str != '"' && *str != '\\')
      buf[n++] = *str;
    else
      n += snprintf(buf + n, size - n, "\\x%02x", (uchar)*str);
  }
  return n + snprintf(buf + n, size - n, "\"");
}

/* Under -v: the call about to be made, as "sysfuzz PID: N NAME(ARGS)",
   with the arguments the call takes (all six for a number no call has),
   in hex, and a path or spec the kernel can read as a string after its
   address; a * says guard() changed something. */
static void log_call(const struct call *c)
{
  char line[512], name[24];
  int nargs = 6;
  if (c->num <= SYS_MAX && calls[c->num].name) {
    strcpy(name, calls[c->num].name);
    for (nargs = 0; nargs < 6 && calls[c->num].arg[nargs]; nargs++)
      ;
  } else {
    snprintf(name, sizeof(name), "#0x%lx", c->num);
  }
  int n = snprintf(line, sizeof(line), "sysfuzz %d: %d %s%s(", fz.pid, fz.made,
                   c->guarded ? "*" : "", name);
  for (int i = 0; i < nargs; i++) {
    n += snprintf(line + n, sizeof(line) - n, "%s0x%lx", i ? ", " : "", c->a[i]);
    int kind = calls[c->num].arg[i];
    char str[MAXPATH];
    if ((kind == PATH || kind == PROGRAM || kind == SPEC) && user_string(c->a[i], str, sizeof(str)))
      n += quote(line + n, sizeof(line) - n, str);
  }
  fprintf(LOG_FD, "%s)\n", line);
}

static void log_result(int64 r)
{
  if (r < 0 && r >= -ERRNO_MAX)
    fprintf(LOG_FD, "sysfuzz %d: = %ld (%s)\n", fz.pid, r, strerror(-r));
  else
    fprintf(LOG_FD, "sysfuzz %d: = %ld\n", fz.pid, r);
}

/* The one ecall that makes the calls guard() let through. The kernel
   saves and restores every register but a0. */
static int64 make(const struct call *c)
{
  register uint64 a0 asm("a0") = c->a[0];
  register uint64 a1 asm("a1") = c->a[1];
  register uint64 a2 asm("a2") = c->a[2];
  register uint64 a3 asm("a3") = c->a[3];
  register uint64 a4 asm("a4") = c->a[4];
  register uint64 a5 asm("a5") = c->a[5];
  register uint64 a7 asm("a7") = c->num;
  asm volatile("ecall"
               : "+r"(a0)
               : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
               : "memory");
  return a0;
}

/* Keep open_fds up to date after call c returned r. */
static void track_fds(const struct call *c, int64 r)
{
  uint32 low = (uint32)c->num;
  if (r < 0)
    return;
  if ((low == SYS_open || low == SYS_dup) && r < NOFILE)
    fz.open_fds |= 1U << r;
  else if (low == SYS_close && (int)c->a[0] >= 0 && (int)c->a[0] < NOFILE)
    fz.open_fds &= ~(1U << (int)c->a[0]);
  else if (low == SYS_pipe && readable(c->a[0]) && readable(c->a[0] + 7)) {
    int *fds = (int *)c->a[0];
    for (int i = 0; i < 2; i++)
      if (fds[i] >= 0 && fds[i] < NOFILE)
        fz.open_fds |= 1U << fds[i];
  }
}

/* Draw a call, guard it, make it, and keep track of what it changed. */
static void fuzz_one(void)
{
  struct call c = { .num = call_number() };
  const struct callinfo *ci = c.num <= SYS_MAX ? &calls[c.num] : 0;
  for (int i = 0; i < 6; i++)
    c.a[i] = ci && ci->arg[i] ? value_of(ci->arg[i], i < PATH_SLOTS ? i : 0) : any_value();
  if (ci && chance(20)) {   /* random bytes in the data a buffer holds */
    fill_random(ARENA->data + below(sizeof(ARENA->data) - 256), 256);
  }
  if (!guard(&c))
    return;

  uint32 low = (uint32)c.num;
  int give = 0;
  if (low == SYS_fork) {
    fz.forks_left--;
    give = fz.forks_left / 2;   /* the new process's share */
  }
  fz.made++;
  fz.unreported++;
  if (low == SYS_exit || low == SYS_exec || low == SYS_kill || low == SYS_sigsend)
    report();   /* it may be the last */
  if (fz.verbose)
    log_call(&c);
  int64 r = make(&c);
  if (fz.verbose)
    log_result(r);

  if (low == SYS_fork && r == 0) {
    /* The new process: its own numbers, children and forks. Its parent
       reports the fork. */
    fz.rng ^= 0x5851f42d4c957f2dUL * (fz.forks_left + 1);
    fz.pid = getpid();
    fz.nkids = 0;
    fz.forks_left = give;
    fz.calls_left /= 2;
    fz.unreported = 0;
  } else if (low == SYS_fork && r > 0) {
    fz.forks_left -= give;
    if (fz.nkids < FORKS)
      fz.kids[fz.nkids++] = r;
  } else if (low == SYS_sbrk && r >= 0) {
    fz.brk = r + (int)c.a[0];
  } else if (low == SYS_chdir && r == 0) {
    fz.cwd_depth = c.cwd_depth;
  } else {
    track_fds(&c, r);
  }
  if (fz.unreported >= REPORT_EVERY)
    report();
}

/* A file exec will look at: a good ELF header and program headers over
   zeros, then as often as not one to three fields of them overwritten
   with edges or random bits. Returns its size. */
static int craft_elf(char *buf, int max)
{
  struct elfhdr *eh = (struct elfhdr *)buf;
  struct proghdr *ph = (struct proghdr *)(buf + sizeof(*eh));
  int nph = 1 + below(4);
  int size = sizeof(*eh) + nph * sizeof(*ph) + below(3 * PGSIZE);

  if (size > max)
    size = max;
  memset(buf, 0, size);
  eh->magic = ELF_MAGIC;
  eh->ident[EI_CLASS] = ELFCLASS64;
  eh->ident[EI_DATA] = ELFDATA2LSB;
  eh->type = ET_EXEC;
  eh->machine = EM_RISCV;
  eh->phentsize = sizeof(*ph);
  eh->phnum = nph;
  eh->phoff = sizeof(*eh);
  uint64 va = PGSIZE;
  eh->entry = va + below(PGSIZE);
  for (int i = 0; i < nph; i++) {
    ph[i].type = PT_LOAD;
    ph[i].flags = PF_R | (chance(50) ? PF_X : 0) | (chance(50) ? PF_W : 0);
    ph[i].off = chance(50) ? 0 : below(size);
    ph[i].vaddr = va;
    ph[i].memsz = 1 + below(4 * PGSIZE);
    uint64 in_file = size - ph[i].off;
    ph[i].filesz = below((in_file < ph[i].memsz ? in_file : ph[i].memsz) + 1);
    va = PGROUNDUP(va + ph[i].memsz) + PGSIZE * below(3);
  }
  /* The fields, as places to overwrite: 8-byte words of the headers. */
  int words = (sizeof(*eh) + nph * sizeof(*ph)) / 8;
  for (int n = chance(50) ? 1 + below(3) : 0; n > 0; n--) {
    uint64 *w = (uint64 *)buf + below(words);
    *w = chance(50) ? PICK(edges) : chance(50) ? rnd() : *w ^ (1UL << below(64));
  }
  return size;
}

/* Make a file of n random bytes (or, for "elf", a crafted program). */
static void make_file(const char *name, int n, int keep_open)
{
  int fd = open(name, O_CREATE | O_RDWR);
  if (fd < 0)
    return;
  if (strcmp(name, "elf") == 0)
    n = craft_elf(ARENA->data, sizeof(ARENA->data));
  else
    fill_random(ARENA->data, n);
  write(fd, ARENA->data, n);
  if (keep_open)
    fz.open_fds |= 1U << fd;
  else
    close(fd);
}

/*
 * Descriptors: 0, 1 and 2 the null device, REPORT_FD the report pipe,
 * LOG_FD the console (-v) or the null device again; nothing else open,
 * and no console at all without -v. Returns 0, or -1.
 */
static int child_fds(int report_fd)
{
  for (int fd = 0; fd < NOFILE; fd++)
    if (fd != report_fd && fd != 1)
      close(fd);
  int fd;
  do {   /* fill the table up to REPORT_FD, so the next two land there */
    fd = open(NULL_NAME, O_RDWR);
  } while (fd >= 0 && fd < REPORT_FD - 1);
  if (fd != REPORT_FD - 1 || dup(report_fd) != REPORT_FD ||
      dup(fz.verbose ? 1 : REPORT_FD - 1) != LOG_FD)
    return -1;
  for (fd = 0; fd < REPORT_FD; fd++)
    close(fd);
  if (open(NULL_NAME, O_RDWR) != 0 || dup(0) != 1 || dup(0) != 2)
    return -1;
  return 0;
}

/* Take 40 to 95 % of the free pages, or all of them (touching them, so
   that they are taken), leaving HOG_MARGIN: the calls of every child
   running now then meet a kernel short of memory, in fork, exec, pipe,
   page faults and the copy-on-write breaks of the kernel's own copies. */
static void hog_memory(void)
{
  int pages = chance(30) ? freemem() : freemem() * (40 + below(56)) / 100;
  char *p = sbrk(pages * PGSIZE);
  if (p == SBRK_ERROR)
    return;
  fz.brk = (uint64)p + (uint64)pages * PGSIZE;
  int i;
  for (i = 0; i < pages; i++) {
    if (i % 16 == 0 && freemem() < HOG_MARGIN)
      break;
    p[(uint64)i * PGSIZE] = 1;
  }
  if (fz.verbose)
    fprintf(LOG_FD, "sysfuzz %d: took %d pages of memory, %d left\n", fz.pid, i, freemem());
}

/* Fork children that only sleep until the process table is full: the
   forks of every child running now then fail (EAGAIN), as do the parent's
   for a while. The sleepers are in the child's group, and die with it. */
static void hog_processes(void)
{
  int n = 0;
  for (;;) {
    int pid = fork();
    if (pid < 0)
      break;
    if (pid == 0) {
      for (;;)
        sleep(INT_MAX);
    }
    n++;
  }
  if (fz.verbose)
    fprintf(LOG_FD, "sysfuzz %d: took %d process slots\n", fz.pid, n);
}

/* A child's first steps: its group, its directory, descriptors, arena,
   and some files, a directory and a pipe with data in it to play with. */
static void child_setup(int report_fd)
{
  char dir[32];
  int fds[2];

  /* A hog waits for the parent to have taken its own pages since the
     fork (take_own_pages): taking the memory first, on another hart,
     would leave the parent none for them, and kill it. */
  if (fz.go_fd >= 0) {
    char go;
    read(fz.go_fd, &go, 1);
    close(fz.go_fd);
  }
  fz.pid = fz.pgid = getpid();
  setpgid(0, 0);
  fz.nkids = 0;
  fz.forks_left = FORKS;
  fz.calls_left = CALLS_MIN + below(CALLS_MAX - CALLS_MIN + 1);
  fz.made = fz.unreported = 0;

  snprintf(dir, sizeof(dir), SCRATCH "/%d", fz.number);
  /* A neighbour may have made the directory already, and anything in it. */
  if (mkdir(dir) < 0 && (remove_tree(dir) < 0 || mkdir(dir) < 0))
    exit(EXIT_SETUP);
  if (chdir(dir) < 0 || mknod(NULL_NAME, NULL_MAJOR, 0) < 0 || child_fds(report_fd) < 0)
    exit(EXIT_SETUP);
  fz.cwd_depth = 2;
  char *arena = sbrk(ARENA_SIZE);
  if (arena == SBRK_ERROR)
    exit(EXIT_SETUP);
  fz.arena_lo = (uint64)arena;
  fz.brk = fz.arena_lo + ARENA_SIZE;

  fz.open_fds = 1 << 0 | 1 << 1 | 1 << 2;
  make_file("f", 1 + below(2048), 1);
  mkdir("d");
  make_file("d/g", below(600), 0);
  make_file("elf", 0, 0);
  if (pipe(fds) == 0) {
    write(fds[1], ARENA->data, 64);
    fz.open_fds |= 1U << fds[0] | 1U << fds[1];
  }
  if (fz.hog == HOG_MEMORY)
    hog_memory();
  else if (fz.hog == HOG_PROCS)
    hog_processes();
}

static __attribute__((noreturn)) void child_main(void)
{
  child_setup(fz.report_fd);
  while (fz.calls_left-- > 0)
    fuzz_one();
  report();
  exit(0);
}

/* Run fn on the stack whose top is top, for good. */
static __attribute__((noreturn)) void run_on_stack(void (*fn)(void), char *top)
{
  asm volatile("mv sp, %0\n\tjr %1" : : "r"(top), "r"(fn) : "memory");
  __builtin_unreachable();
}

/* -- the parent ---------------------------------------------------------- */

enum slot_state { SLOT_FREE, SLOT_RUNNING, SLOT_REAPED };

/* A child the parent watches. */
struct slot {
  enum slot_state state;
  int pid;
  int number;
  uint64 started;     /* when it was forked */
  uint64 killed_at;   /* when the watchdog killed it; 0 if it did not */
  uint64 progress;    /* its group's times scheduled, at the last look */
  uint64 blocked_since; /* since when no process of its group has run; 0: it runs */
  uint64 reaped_at;
  char name[PROC_NAME_LEN]; /* what it ran when it died */
  int hog;            /* fz.hog, for it */
};

static struct {
  uint64 seed;
  int parallel;
  int only;           /* -c: run only this child, once; -1: all */
  uint64 end;         /* no child starts after this */
  int next;           /* the next child's number */
  struct slot slot[PARALLEL_MAX];
  /* How the children ended. */
  int children, exited, crashed, watchdog, signalled, setup_failed;
  int unkillable;
} run;

/* Is child number n a hog, and which (HOG_MEMORY, HOG_PROCS, or -1)?
   Two in HOG_EVERY are, by their numbers, but never two at once. */
static int hog_turn(int n)
{
  for (struct slot *s = run.slot; s < run.slot + run.parallel; s++)
    if (s->state != SLOT_FREE && s->hog >= 0)
      return -1;
  int k = n % HOG_EVERY;
  return k == HOG_MEMORY || k == HOG_PROCS ? k : -1;
}

/*
 * Write to every page of the parent's own memory: its data, bss and
 * stack. A fork leaves them shared with the child, and the first write
 * to a shared page takes a new one; when the kernel has none (a hog
 * runs), it kills the process that wrote. So the parent takes its pages
 * right after each fork, when it knows there are some (SPAWN_RESERVE),
 * and never wants one again while children run.
 */
static void take_own_pages(void)
{
  char stack[PARENT_STACK];
  for (uint64 a = fz.data_lo; a < fz.bss_end; a += PGSIZE)
    *(volatile char *)a = *(volatile char *)a;
  for (int i = 0; i < PARENT_STACK; i += PGSIZE)
    ((volatile char *)stack)[i] = 0;
  asm volatile("" : : "r"(stack) : "memory");   /* the stores must happen */
}

static void spawn(struct slot *s, uint64 now)
{
  if (freemem() < SPAWN_RESERVE)
    return;   /* try again at the next poll */
  int hog = hog_turn(run.next);
  int go[2] = { -1, -1 };
  if (hog >= 0 && pipe(go) < 0)
    return;   /* no memory or descriptors for it: try again at the next poll */
  int pid = fork();
  if (pid < 0) {
    if (hog >= 0) {
      close(go[0]);
      close(go[1]);
    }
    return;   /* no slot or no memory: try again at the next poll */
  }
  if (pid == 0) {
    if (hog >= 0)
      close(go[1]);
    fz.go_fd = go[0];
    fz.number = run.next;
    fz.hog = hog;
    fz.rng = run.seed;
    fz.rng = rnd() ^ (uint64)run.next * 0xd1342543de82ef95UL;
    run_on_stack(child_main, fz.stack + CHILD_STACK);
  }
  take_own_pages();
  if (hog >= 0) {
    close(go[0]);
    write(go[1], "g", 1);   /* the hog may take the memory now */
    close(go[1]);
  }
  setpgid(pid, pid);   /* as the child does too: whichever comes first */
  s->state = SLOT_RUNNING;
  s->pid = pid;
  s->number = run.next++;
  s->hog = hog;
  s->started = now;
  s->killed_at = 0;
  s->progress = 0;
  s->blocked_since = 0;
  s->name[0] = 0;
  run.children++;
  if (fz.verbose)
    printf("sysfuzz: child %d is pid %d%s\n", s->number, pid,
           hog == HOG_MEMORY ? " (memory hog)" : hog == HOG_PROCS ? " (process hog)" : "");
}

static void classify(struct slot *s, int status)
{
  if (WIFEXITED(status)) {
    if (WEXITSTATUS(status) == EXIT_SETUP)
      run.setup_failed++;
    else
      run.exited++;
  } else if (s->killed_at) {
    run.watchdog++;
  } else if (WTERMSIG(status) == SIGKILL) {
    run.crashed++;
  } else {
    run.signalled++;
  }
  if (fz.verbose)
    printf("sysfuzz: child %d (pid %d, %s) ended: status %d%s\n", s->number, s->pid, s->name,
           status, s->killed_at ? ", killed by watchdog" : "");
}

/* Is name the directory of a child still running (or being reaped)? */
static int in_use(const char *name)
{
  for (struct slot *s = run.slot; s < run.slot + run.parallel; s++)
    if (s->state != SLOT_FREE && is_number(name) && atoi(name) == s->number)
      return 1;
  return 0;
}

/* Remove what children left in SCRATCH outside their own directories
   (and in the directories of children that ended: a neighbour may make
   one again), so that the disk does not fill in a long run. */
static void sweep(void)
{
  if (chdir(SCRATCH) == 0)
    empty_cwd(in_use);
  chdir("/");
}

/* Every process there is, as procinfo saw them at this poll. */
static struct procinfo procs[NPROC];
static int nprocs;

/* Is group pgid blocked: every process in it asleep or stopped, none
   scheduled since the last look (*progress: the group's times
   scheduled, then)? A process asleep on the disk is scheduled again
   within milliseconds; one asleep in a pipe read, a wait or a long
   sleep, or stopped, is not. */
static int group_blocked(int pgid, uint64 *progress)
{
  uint64 scheduled = 0;
  int blocked = 1, members = 0;
  for (int i = 0; i < nprocs; i++) {
    if (procs[i].pgid != pgid || procs[i].state == ZOMBIE)
      continue;
    members++;
    scheduled += procs[i].nsched;
    if (procs[i].state != SLEEPING && procs[i].state != STOPPED)
      blocked = 0;
  }
  if (scheduled != *progress || members == 0)
    blocked = 0;
  *progress = scheduled;
  return blocked;
}

/* Say which processes of group pgid are still there, and in what state. */
static void say_group(int pgid)
{
  for (int i = 0; i < nprocs; i++)
    if (procs[i].pgid == pgid)
      printf("sysfuzz:   pid %d (%s) %s, parent %d\n", procs[i].pid, procs[i].name,
             proc_state_name(procs[i].state), procs[i].ppid);
}

/* Look after one child: reap it, kill it (and its group) if it has run
   too long or is blocked, and once its whole group is gone, remove its
   directory. */
static void tend(struct slot *s, uint64 now)
{
  if (s->state == SLOT_RUNNING) {
    int status;
    for (int i = 0; i < nprocs; i++)
      if (procs[i].pid == s->pid && procs[i].state == ZOMBIE)
        strcpy(s->name, procs[i].name);
    if (group_blocked(s->pid, &s->progress)) {
      if (!s->blocked_since)
        s->blocked_since = now;
    } else {
      s->blocked_since = 0;
    }
    if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
      classify(s, status);
      s->state = SLOT_REAPED;
      s->reaped_at = now;
      sigsend(-s->pid, SIGKILL);   /* what is left of its group */
    } else if (!s->killed_at && (now - s->started > WATCHDOG_US ||
                                 (s->blocked_since && now - s->blocked_since > BLOCKED_US))) {
      sigsend(-s->pid, SIGKILL);
      s->killed_at = now;
    } else if (s->killed_at && now - s->killed_at > UNKILLABLE_US) {
      printf("sysfuzz: child %d (pid %d) still there %d s after SIGKILL; replay: "
             "sysfuzz -v -c %d 1 %lu\n", s->number, s->pid, UNKILLABLE_US / 1000000, s->number,
             run.seed);
      say_group(s->pid);
      run.unkillable++;
      s->state = SLOT_FREE;   /* give up on it */
    }
    return;
  }
  /* Reaped: its group's orphans go to init, which reaps them. */
  if (sigsend(-s->pid, 0) == 0) {
    if (now - s->reaped_at > UNKILLABLE_US) {
      printf("sysfuzz: processes of child %d's group (%d) still there %d s after SIGKILL\n",
             s->number, s->pid, UNKILLABLE_US / 1000000);
      say_group(s->pid);
      run.unkillable++;
      s->state = SLOT_FREE;
    } else {
      sigsend(-s->pid, SIGKILL);
    }
    return;
  }
  char dir[32];
  snprintf(dir, sizeof(dir), SCRATCH "/%d", s->number);
  remove_tree(dir);   /* what fails here, the end tries again */
  s->state = SLOT_FREE;
}

/* The collector: count the bytes the children report, one a call, and
   write the total to result_fd at the end (when every writer is gone). */
static void collect(int report_rd, int result_wr)
{
  char buf[512];
  uint64 total = 0;
  int n;
  take_own_pages();   /* for the same reason as the parent */
  while ((n = read(report_rd, buf, sizeof(buf))) > 0)
    total += n;
  write(result_wr, &total, sizeof(total));
  exit(0);
}

/* What the children need to know of the machine, before the first fork. */
static void learn_memory(void)
{
  struct schedinfo si;
  fz.text_lo = (uint64)__text_start;
  fz.data_lo = (uint64)__data_start;
  fz.bss_end = PGROUNDUP((uint64)__bss_end);
  fz.stack_lo = fz.stack_top - USERSTACK * PGSIZE;
  fz.arena_lo = fz.brk = fz.stack_top;
  for (int i = 0; i < POLICIES_MAX && sched_info(i, &si) == 0; i++) {
    strcpy(fz.policies[i], si.name);
    fz.npolicies++;
  }
  if (sched_info(-1, &si) == 0)
    strcpy(fz.policy, si.name);
  for (int n = 1; n <= SYS_MAX; n++)
    fz.total_weight += calls[n].weight;
}

static void usage(void)
{
  fprintf(2, "usage: sysfuzz [-v] [-c CHILD] [-j N] SECONDS [SEED]\n");
  exit(2);
}

int main(int argc, char *argv[])
{
  fz.stack_top = (uint64)sbrk(0);   /* the heap starts at the stack's top */
  run.parallel = PARALLEL;
  run.only = -1;
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "-v") == 0)
      fz.verbose = 1;
    else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc && is_number(argv[i + 1]))
      run.only = atoi(argv[++i]);
    else if (strcmp(argv[i], "-j") == 0 && i + 1 < argc && is_number(argv[i + 1]))
      run.parallel = atoi(argv[++i]);
    else
      usage();
  }
  if (i >= argc || !is_number(argv[i]) || (i + 1 < argc && !is_number(argv[i + 1])) ||
      i + 2 < argc || run.parallel < 1 || run.parallel > PARALLEL_MAX)
    usage();
  int seconds = atoi(argv[i]);
  run.seed = i + 1 < argc ? atoi(argv[i + 1]) : uptime_us() % 1000000;
  if (run.only >= 0) {
    run.parallel = 1;
    run.next = run.only;
  }
  learn_memory();

  char policy[SCHED_TEXT_LEN];
  int had_policy = sched_current(policy, sizeof(policy)) == 0;
  int trace_was = schedtrace_on(1);
  if (remove_tree(SCRATCH) < 0 || mkdir(SCRATCH) < 0) {
    fprintf(2, "sysfuzz: cannot make %s afresh: %s\n", SCRATCH, strerror(errno));
    exit(1);
  }

  int report[2], result[2];
  if (pipe(report) < 0 || pipe(result) < 0) {
    fprintf(2, "sysfuzz: pipe: %s\n", strerror(errno));
    exit(1);
  }
  int collector = fork();
  if (collector < 0) {
    fprintf(2, "sysfuzz: fork: %s\n", strerror(errno));
    exit(1);
  }
  if (collector == 0) {
    close(report[1]);
    close(result[0]);
    collect(report[0], result[1]);
  }
  take_own_pages();
  close(report[0]);
  close(result[1]);
  fz.report_fd = report[1];

  printf("sysfuzz: %d s from seed %lu, %d children at a time\n", seconds, run.seed,
         run.parallel);
  uint64 start = uptime_us(), progress = start + PROGRESS_US;
  run.end = start + (uint64)seconds * 1000000;
  for (;;) {
    uint64 now = uptime_us();
    int starting = run.only >= 0 ? run.children == 0 : now < run.end;
    int busy = 0;
    nprocs = procinfo(-1, procs, NPROC);
    for (struct slot *s = run.slot; s < run.slot + run.parallel; s++) {
      if (s->state == SLOT_FREE && starting)
        spawn(s, now);
      if (s->state != SLOT_FREE) {
        tend(s, now);
        busy += s->state != SLOT_FREE;
      }
    }
    if (!starting && busy == 0)
      break;
    if (now >= progress) {
      printf("sysfuzz: %lu s, %d children\n", (now - start) / 1000000, run.children);
      progress += PROGRESS_US;
      sweep();
    }
    usleep(POLL_US);
  }
  uint64 took = uptime_us() - start;

  /* Every child is gone, and with it every writer of the report pipe but
     ours (unless one would not die). */
  close(fz.report_fd);
  uint64 total = 0;
  if (run.unkillable == 0)
    read(result[0], &total, sizeof(total));
  else
    sigsend(collector, SIGKILL);
  waitpid(collector, 0, 0);

  if (had_policy)
    sched_set(policy);
  schedtrace_on(trace_was);
  int cleaned = remove_tree(SCRATCH) == 0;
  if (!cleaned)
    printf("sysfuzz: could not remove %s: %s\n", SCRATCH, strerror(errno));

  uint64 secs = took / 1000000 ? took / 1000000 : 1;
  printf("sysfuzz: %d children, %lu calls in %lu s (%lu a second), %d killed by watchdog, "
         "%d crashed (faults), %d exited, %d signalled, seed %lu\n", run.children, total,
         took / 1000000, total / secs, run.watchdog, run.crashed, run.exited, run.signalled,
         run.seed);
  if (run.setup_failed)
    printf("sysfuzz: %d children could not set up (no memory, slots or disk space)\n",
           run.setup_failed);
  if (run.unkillable)
    printf("sysfuzz: %d children would not die\n", run.unkillable);
  exit(run.unkillable || !cleaned ? 1 : 0);
}
