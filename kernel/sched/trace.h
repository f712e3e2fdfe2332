/*
 * trace.h: the scheduling trace (kernel/sched/trace.c), a ring buffer of
 * struct schedevent (kernel/schedtrace.h).
 *
 * trace_event is called by the switchboard and the policies, holding
 * runq_lock (which guards the ring), for every dispatch, end of turn,
 * wakeup, policy switch and boost. trace_read copies events out for the
 * schedtrace system call.
 */
#ifndef KERNEL_SCHED_TRACE_H
#define KERNEL_SCHED_TRACE_H

#include "kernel/types.h"
#include "kernel/schedtrace.h"

struct proc;


/* Record an event about p (0: none) on this hart, at time now (time CSR
   units): a caller that has just read the clock passes what it read. */
void trace_event(int type, struct proc *p, int arg);
void trace_event_at(int type, struct proc *p, int arg, uint64 now);
/* schedtrace(buf, max, &cursor): see kernel/schedtrace.h. Returns the
   number of events written to user address buf, or -EFAULT, -EINVAL. */
int trace_read(uint64 buf, int max, uint64 cursor_addr);
/* Turn recording on (1) or off (0); returns whether it was on. */
int trace_enable(int on);

#endif
