/*
 * trace.c: the scheduling trace (kernel/sched/trace.h).
 *
 * Events go into ring[seq % TRACE_EVENTS], where seq counts every event
 * ever recorded (from 1); the ring keeps the last TRACE_EVENTS. A reader
 * names the next event it wants by its seq (its cursor); if that one has
 * been overwritten, it gets one SCHED_EV_DROPPED event saying how many it
 * missed and goes on from the oldest kept. Events are copied out of the
 * ring a few at a time into a small buffer, and from there to the user
 * without a lock, so a reader never sees a half-written event and never
 * holds up the scheduler for long.
 *
 * Recording is on the path of every switch, so it is kept short: the
 * time is stored as the time CSR read it (converted to microseconds only
 * when read out), no lock of its own is taken, and it calls nothing: at
 * about 40 instructions an event, the ring costs about 1.5 % of a pipe
 * round trip (make bench: pipe against pipenotrace).
 *
 * Locks: runq_lock guards the ring and next_seq. Every writer already
 * holds it (the switchboard and the policies' hooks); a reader takes it
 * (sched_lock) for each batch it copies.
 */
#include "kernel/errno.h"
#include "kernel/lib/spinlock.h"
#include "kernel/sched/sched.h"
#include "kernel/lib/string.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/clock.h"
#include "kernel/proc/cpu.h"
#include "kernel/proc/proc.h"
#include "kernel/riscv/csr.h"
#include "kernel/sched/trace.h"
#include "kernel/lib/hot.h"

#define COPY_BATCH 16  /* events moved out per turn of the lock */

static struct schedevent ring[TRACE_EVENTS]; /* [runq_lock]; time_us holds time CSR units */
static uint64 next_seq HOT_DATA = 1;                /* [runq_lock] the next event's number */
static volatile int enabled HOT_DATA = 1;           /* on by default */

int trace_enable(int on)
{
  int was = enabled;
  enabled = on != 0;
  return was;
}

_Static_assert(sizeof(((struct schedevent *)0)->name) == PROC_NAME_LEN &&
               PROC_NAME_LEN == 2 * sizeof(uint64),
               "an event holds a whole process name, in two words");
_Static_assert(__builtin_offsetof(struct schedevent, name) % sizeof(uint64) == 0 &&
               __builtin_offsetof(struct proc, name) % sizeof(uint64) == 0,
               "names are word-aligned in events");

void trace_event(int type, struct proc *p, int arg)
{
  if (enabled)
    trace_event_at(type, p, arg, r_time());
}

HOT void trace_event_at(int type, struct proc *p, int arg, uint64 now)
{
  if (!enabled)
    return;
  struct schedevent *e = &ring[next_seq % TRACE_EVENTS];
  e->seq = next_seq++;
  e->time_us = now;
  e->type = type;
  e->hart = cpuid();
  e->arg = arg;
  /* Both names are 8-byte aligned (the asserts above): two words
     each, not a byte loop. */
  uint64 *to = (uint64 *)e->name;
  if (p) {
    const uint64 *from = (const uint64 *)p->name;
    e->pid = p->pid;
    to[0] = from[0];
    to[1] = from[1];
  } else {
    e->pid = 0;
    to[0] = to[1] = 0;
  }
}

/* Up to n events from *cursor on into out; *cursor moves past them.
   If *cursor is gone from the ring, out[0] is a DROPPED event instead. */
static int take(struct schedevent *out, int n, uint64 *cursor)
{
  sched_lock();
  uint64 oldest = next_seq > TRACE_EVENTS ? next_seq - TRACE_EVENTS : 1;
  int got = 0;
  if (*cursor == 0)
    *cursor = oldest;
  else if (*cursor == SCHED_TRACE_NOW)
    *cursor = next_seq;
  if (*cursor < oldest && n > 0) {
    memset(&out[0], 0, sizeof(out[0]));
    out[0].type = SCHED_EV_DROPPED;
    out[0].arg = oldest - *cursor;
    out[0].seq = oldest - 1;
    out[0].hart = -1;
    *cursor = oldest;
    got = 1;
  }
  for (; got < n && *cursor < next_seq; got++, (*cursor)++) {
    out[got] = ring[*cursor % TRACE_EVENTS];
    out[got].time_us = clock_to_us(out[got].time_us);
  }
  sched_unlock();
  return got;
}

int trace_read(uint64 buf, int max, uint64 cursor_addr)
{
  struct schedevent batch[COPY_BATCH];
  uint64 cursor;
  if (max < 0)
    return -EINVAL;
  if (uaccess_copyin(&cursor, 1, cursor_addr, sizeof(cursor)) < 0)
    return -EFAULT;
  if (max == 0) {
    take(batch, 0, &cursor); /* only turn 0 or SCHED_TRACE_NOW into a seq */
    return uaccess_copyout(1, cursor_addr, &cursor, sizeof(cursor));
  }
  int done = 0;
  while (done < max) {
    int want = max - done < COPY_BATCH ? max - done : COPY_BATCH;
    uint64 before = cursor;
    int n = take(batch, want, &cursor);
    if (n == 0)
      break;
    if (uaccess_copyout(1, buf + done * sizeof(batch[0]), batch, n * sizeof(batch[0])) < 0) {
      cursor = before;
      if (done == 0)
        return -EFAULT;
      break;
    }
    done += n;
  }
  if (uaccess_copyout(1, cursor_addr, &cursor, sizeof(cursor)) < 0)
    return -EFAULT;
  return done;
}
