/*
 * procinfo.h: process states and what the status calls report, shared by
 * the kernel and user programs (ps, top).
 *
 * procinfo(pid, buf, max) fills struct procinfo for one process (pid > 0)
 * or for every process (pid == -1, at most max entries); hartinfo(buf,
 * max) fills struct hartinfo for each hart. Times are in microseconds.
 */
#ifndef KERNEL_PROCINFO_H
#define KERNEL_PROCINFO_H

#include "kernel/types.h"

/* The one list of process states, with the name and the Linux-style
   letter (ps's S column) of each. */
#define PROC_STATES(X)          \
  X(UNUSED,   "unused",   '?') \
  X(USED,     "new",      'N') \
  X(SLEEPING, "sleeping", 'S') \
  X(RUNNABLE, "runnable", 'R') \
  X(RUNNING,  "running",  'R') \
  X(STOPPED,  "stopped",  'T') \
  X(ZOMBIE,   "zombie",   'Z')

#define PROC_STATE_ENUM(name, str, letter) name,
enum procstate { PROC_STATES(PROC_STATE_ENUM) NPROCSTATE };
#undef PROC_STATE_ENUM

#define PROC_NAME_LEN 16

struct procinfo {
  int pid;
  int ppid;           /* parent's pid, 0 for init */
  int pgid;           /* process group */
  int state;          /* enum procstate */
  char name[PROC_NAME_LEN];
  uint64 sz;          /* user memory in bytes */
  uint64 utime_us;    /* CPU time in user mode */
  uint64 stime_us;    /* CPU time in the kernel */
  uint64 start_us;    /* when it was created, in microseconds since boot */
  uint64 nsched;      /* times it was given a hart */
  int lastcpu;        /* hart it last ran on, -1 if never */
  /* Scheduling (kernel/schedinfo.h has the policies). */
  int nice;           /* -20 .. 19, for prio */
  int tickets;        /* its share, for lottery and stride */
  int level;          /* its queue in mlfq (0 is the top) or prio; -1 in the others */
  uint64 estimate_us; /* predicted length of its next CPU burst (sjf, stcf) */
  uint64 expected_us; /* CPU time it declared it needs, 0 if none */
  uint64 wait_us;     /* time spent runnable but not running */
  uint64 first_us;    /* when it first ran, us since boot; 0 if it never has */
  uint64 ready_us;    /* when it last became runnable, us since boot */
  /* Memory (lazy loading, copy-on-write fork). */
  uint64 faults;      /* page faults served, from the user or the kernel's own copies */
  uint64 cow_copies;  /* of those, pages copied because another process shared them */
  uint64 vsz;         /* virtual size: bytes of address space it may use */
  uint64 rss;         /* resident size: bytes of pages it has mapped */
};

/*
 * What waitstat() tells of the child it reports, like the resource usage
 * BSD's wait4 gives: procinfo cannot see a child once it is reaped.
 */
struct waitinfo {
  int pid;
  int pad;
  uint64 utime_us;    /* CPU time in user mode */
  uint64 stime_us;    /* CPU time in the kernel */
  uint64 wait_us;     /* time spent runnable but not running */
  uint64 start_us;    /* when it was created, us since boot */
  uint64 first_us;    /* when it first ran, 0 if it never did */
  uint64 end_us;      /* when it exited; 0 for a stop or continue report */
};

struct hartinfo {
  int hartid;
  int pid;            /* process running there now, 0 if idle */
  uint64 busy_us;     /* time spent running processes */
  uint64 up_us;       /* time since the hart started */
};

#endif
