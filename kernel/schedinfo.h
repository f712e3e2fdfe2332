/*
 * schedinfo.h: scheduling policies as user programs see them, shared by
 * the kernel and user programs (sched, schedtest, ps, top).
 *
 * sched_set("mlfq boost=500") switches the whole machine to a policy,
 * with parameters; sched_info(-1, &si) describes the policy in use and
 * sched_info(i, &si), i = 0, 1, ..., each policy the kernel has, with its
 * defaults (EINVAL past the last).
 */
#ifndef KERNEL_SCHEDINFO_H
#define KERNEL_SCHEDINFO_H

/* A process's nice value (prio) and tickets (lottery, stride). */
#define NICE_MIN        (-20)
#define NICE_MAX        19
#define NICE_DEFAULT    0
#define TICKETS_DEFAULT 100
#define TICKETS_MAX     100000

#define SCHED_NAME_LEN   16
#define SCHED_TEXT_LEN  128
#define SCHED_RANGES_LEN 256

struct schedinfo {
  char name[SCHED_NAME_LEN];    /* rr, fcfs, sjf, stcf, prio, mlfq, lottery, stride */
  char params[SCHED_TEXT_LEN];  /* "quantum=10ms", as sched_set takes them */
  char about[SCHED_TEXT_LEN];   /* one line on what it does */
  char ranges[SCHED_RANGES_LEN]; /* what each parameter takes: "quantum=1..1000ms" */
  int current;                  /* is it the policy in use? */
  int pad;
};

#endif
