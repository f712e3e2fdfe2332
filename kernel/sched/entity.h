/*
 * entity.h: what the scheduler keeps about each process (struct
 * sched_entity, the `sched` field of struct proc).
 *
 * Every field is guarded by runq_lock (kernel/sched/sched.c), the run
 * queue's one lock: policies read and write them only from their hooks,
 * which the switchboard calls with that lock held. Times are in time-CSR
 * units (10 MHz on QEMU's virt machine) unless a name says otherwise.
 *
 * The fields a policy owns (the queue links, index, level, pass,
 * allot_used, enq_time) mean something only to the policy that set them:
 * gen records which policy generation that was, and a policy that finds
 * it stale (the policy was switched since) starts the process afresh.
 */
#ifndef KERNEL_SCHED_ENTITY_H
#define KERNEL_SCHED_ENTITY_H

#include "kernel/types.h"
#include "kernel/schedinfo.h" /* NICE_*, TICKETS_* */

struct proc;

/* A link in a doubly-linked circular queue (queue.h). */
struct sched_link {
  struct sched_link *next, *prev;
};


struct sched_entity {
  /* Owned by the policy in use (see gen). */
  struct sched_link link;   /* in a FIFO queue (queue.h) */
  int index;                /* place in a heap or array, -1 if none */
  int level;                /* mlfq level, prio's effective level */
  uint64 allot_used;        /* mlfq: time used at this level, across runs */
  uint64 pass;              /* stride: its pass value */
  uint64 enq_time;          /* when it joined its queue (prio's aging) */
  uint64 run_start;         /* when its current turn began (stcf's remaining time) */
  uint epoch;               /* mlfq: the boost its level dates from */
  uint gen;                 /* the policy generation the fields above are for */
  int queued;               /* on the run queue */

  /* Set by the user, inherited by fork. */
  int nice;                 /* NICE_MIN .. NICE_MAX: prio's priority */
  int tickets;              /* 1 .. TICKETS_MAX: lottery's and stride's share */
  uint64 expected;          /* declared CPU time of the job, 0 if none */

  /* Kept by the switchboard for every policy. */
  uint64 estimate;          /* tau: predicted length of its next CPU burst */
  uint64 burst;             /* CPU time of the current burst so far */
  uint64 cpu;               /* CPU time used in all (for stcf's remaining time) */
  uint64 runnable_since;    /* when it last became runnable (for wait time) */
  uint64 wait;              /* time spent runnable but not running */
  uint64 first_run;         /* when it first ran, 0 if never */
};

#endif
