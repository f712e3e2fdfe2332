/*
 * policy.h: the scheduling policy interface.
 *
 * The mechanism (scheduler() and sched() in kernel/proc/scheduler.c,
 * swtch, the trap path, the timer) decides *how* to switch; a policy
 * decides *which* runnable process runs next, and for how long. The
 * switchboard (sched.c) keeps the one run queue lock, runq_lock, and the
 * policy in use, and calls its hooks with runq_lock held, so a policy
 * needs no lock of its own. A process's turn goes:
 *
 *   enqueue(p, why)    p is RUNNABLE: put it where pick() will find it.
 *                      Never called for a process already queued.
 *   pick()             remove and return the process to run next, or 0.
 *   slice(p)           p is about to run: for how long (time units), or
 *                      0 to let it run until it blocks (non-preemptive).
 *   charge(p, ran, how) its turn is over after `ran` time units: it was
 *                      preempted (and is enqueued again next), blocked or
 *                      exited. Account for it: levels, passes, allotments.
 *   dequeue(p)         take p off the queue (it is queued).
 *
 * and, if the policy has them:
 *   preempts(p, r)     p has just become runnable while r runs: should p
 *                      take r's hart now? (stcf, prio, mlfq)
 *   tick(now)          every clock tick, on one hart (boosts, aging).
 *                      Returns 1 if every running process should give up
 *                      its hart now (a boost: all are at the top again).
 *   check(cfg)         are these parameters consistent? 0 or -EINVAL.
 *   level(p)           which of its queues p is on (ps shows it).
 *
 * start(cfg) makes the policy the one in use, with empty queues and the
 * parameters cfg; every runnable process is then enqueued with
 * JOIN_MOVE. A policy finds its own per-process fields (struct
 * sched_entity) stale when their gen differs from sched_gen, and starts
 * that process afresh.
 *
 * Picking must cost O(1) or O(log n) in the number of runnable
 * processes; no policy scans the process table. To add a policy, write
 * kernel/sched/NAME.c defining a struct sched_policy and list it in
 * sched.c's table.
 */
#ifndef KERNEL_SCHED_POLICY_H
#define KERNEL_SCHED_POLICY_H

#include "kernel/types.h"
#include "kernel/schedtrace.h"

struct proc;

/* Why a process joins the run queue. */
enum sched_join {
  JOIN_NEW,      /* a new process (fork) */
  JOIN_WAKE,     /* woken from a sleep, or continued after a stop */
  JOIN_PREEMPT,  /* its slice ended, or a more deserving process came */
  JOIN_MOVE,     /* moved over from the policy in use before */
};

/* How a process's turn on a hart ended. */
enum sched_left {
  LEFT_PREEMPTED, /* it is still runnable */
  LEFT_BLOCKED,   /* it went to sleep, or stopped */
  LEFT_EXITED,
};

/*
 * A policy's parameters: each is a name with one value, or a list of up
 * to SCHED_MAX_VALUES (mlfq's per-level quantum=10,20,40). Values are
 * whole numbers in the unit shown; a parameter with scale 1000 is a
 * fraction written as a decimal (alpha=0.5), kept in thousandths.
 */
#define SCHED_MAX_PARAMS 6
#define SCHED_MAX_VALUES 8

struct sched_param {
  const char *name;
  const char *unit;   /* "ms", or "" */
  int scale;          /* 1, or 1000 for a fraction */
  int64 min, max;     /* each value's bounds, as kept (thousandths for a fraction) */
  int maxvalues;      /* 1, or the longest list it takes */
};

/* The turn length most policies take: quantum=1..1000 ms, 10 by default
   (nvalues: 1, or one per level). */
#define SCHED_QUANTUM_PARAM(nvalues) { "quantum", "ms", 1, 1, 1000, (nvalues) }
#define SCHED_QUANTUM_DEFAULT 10

struct sched_config {
  int count[SCHED_MAX_PARAMS];                  /* values of each parameter */
  int64 value[SCHED_MAX_PARAMS][SCHED_MAX_VALUES];
};

struct sched_policy {
  const char *name;
  const char *about;                    /* one line, for `sched -l` */
  const struct sched_param *params;
  int nparams;
  const struct sched_config *defaults;  /* the parameters at boot */
  const char *rules;                    /* what check() demands beyond ranges; may be 0 */

  void (*start)(const struct sched_config *cfg);
  void (*enqueue)(struct proc *p, enum sched_join why);
  void (*dequeue)(struct proc *p);
  struct proc *(*pick)(void);
  uint64 (*slice)(struct proc *p);
  void (*charge)(struct proc *p, uint64 ran, enum sched_left how);
  int (*preempts)(struct proc *p, struct proc *running); /* may be 0 */
  int (*tick)(uint64 now);                               /* may be 0 */
  int (*check)(const struct sched_config *cfg);          /* may be 0; see rules */
  int (*level)(struct proc *p);  /* p's queue, for ps; may be 0 (then -1) */
};

/* The switchboard's services to policies (sched.c). */
extern uint sched_gen;                /* bumped at every switch */
/* Are p's policy fields stale (from another policy, or none)? If so they
   are now the current policy's, to be set afresh: returns 1 once. */
int sched_fresh(struct proc *p);
/* The CPU time p still needs: what it declared (setexpected) less what it
   has used, or else its burst estimate less its current burst. */
uint64 sched_remaining(struct proc *p);
uint64 sched_ms(uint64 ms);           /* milliseconds in time units */
uint64 sched_now(void);               /* the time CSR */
/* The shared burst estimator's weight (sjf's and stcf's alpha), in
   thousandths. */
extern int64 sched_alpha;
/* Record a policy's own event in the trace (kernel/sched/trace.h). */
void sched_note(int event, struct proc *p, int64 arg);

#endif
