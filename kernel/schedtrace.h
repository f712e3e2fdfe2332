/*
 * schedtrace.h: the scheduling trace, shared by the kernel and user
 * programs (gantt, the grade library).
 *
 * The kernel records what its scheduler does in a ring buffer of struct
 * schedevent: who ran where and when, and why each turn ended.
 * schedtrace(buf, max, &cursor) copies the events from *cursor on (a
 * cursor is the seq of the next event wanted; 0: the oldest still kept,
 * SCHED_TRACE_NOW: the next to come) and moves the cursor on. A reader that fell behind
 * gets one SCHED_EV_DROPPED event saying how many it missed (in arg), then
 * the oldest events still kept: never a half-written one.
 */
#ifndef KERNEL_SCHEDTRACE_H
#define KERNEL_SCHEDTRACE_H

#include "kernel/types.h"

#define SCHED_TRACE_NOW (~0UL)
#define TRACE_EVENTS    4096   /* events the kernel keeps: about 10 s of a busy hart */

enum sched_event {
  SCHED_EV_DISPATCH = 1, /* pid starts a turn on hart (arg: its mlfq/prio level, or -1) */
  SCHED_EV_PREEMPT,      /* its turn ended, still runnable (slice over, or preempted);
                            arg: the turn's length in us */
  SCHED_EV_BLOCK,        /* its turn ended: it went to sleep, or stopped (arg: us) */
  SCHED_EV_EXIT,         /* its turn ended: it exited (arg: us) */
  SCHED_EV_WAKE,         /* pid became runnable (arg: why, enum sched_join) */
  SCHED_EV_SWITCH,       /* the policy changed (arg: sched_gen) */
  SCHED_EV_BOOST,        /* mlfq moved every process to the top (arg: boosts so far) */
  SCHED_EV_DROPPED,      /* the reader missed arg events */
};

struct schedevent {
  uint64 time_us;  /* microseconds since boot */
  uint64 seq;      /* the event's number, counting from 1 */
  int type;        /* enum sched_event */
  int hart;        /* where it happened */
  int pid;         /* 0 for events about no process */
  int arg;
  char name[16];   /* the process's name then */
};

#endif
