/*
 * queue.h: the run-queue shapes the policies are built from
 * (kernel/sched/queue.c). All of them hold struct procs through the
 * fields of p->sched (struct sched_entity) and are used under runq_lock.
 *
 *   struct fifo    first in, first out: O(1) push, pop and removal
 *                  (rr, fcfs, and each level of prio and mlfq)
 *   struct heap    the least by a policy's order on top: O(log n) push,
 *                  pop and removal (sjf, stcf, stride)
 *   struct draw    processes weighted by tickets: O(log n) push,
 *                  removal and a draw of the one holding ticket t
 *                  (lottery)
 */
#ifndef KERNEL_SCHED_QUEUE_H
#define KERNEL_SCHED_QUEUE_H

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/sched/entity.h"

struct proc;

/* A FIFO: a circular list through p->sched.link around a sentinel. */
struct fifo {
  struct sched_link head;
  int n;
};

void fifo_init(struct fifo *q);
void fifo_push(struct fifo *q, struct proc *p);  /* at the tail */
struct proc *fifo_pop(struct fifo *q);           /* the head, or 0 */
struct proc *fifo_peek(const struct fifo *q);    /* the head, left in, or 0 */
void fifo_remove(struct fifo *q, struct proc *p);
void fifo_append(struct fifo *to, struct fifo *from); /* all of from, in order; from becomes empty */

/* A binary min-heap of at most NPROC processes; p->sched.index is p's
   place. before(a, b) says a comes out before b. */
struct heap {
  struct proc *a[NPROC];
  int n;
  int (*before)(const struct proc *a, const struct proc *b);
};

void heap_init(struct heap *h, int (*before)(const struct proc *, const struct proc *));
void heap_push(struct heap *h, struct proc *p);
struct proc *heap_pop(struct heap *h);           /* the first, or 0 */
struct proc *heap_peek(const struct heap *h);
void heap_remove(struct heap *h, struct proc *p);
void heap_fix(struct heap *h, struct proc *p);   /* p's key changed */

/* Processes with weights (tickets): an array, and a Fenwick tree of the
   weights by array position, so that the process that holds ticket t of
   the total can be found in O(log n). p->sched.index is p's position. */
struct draw {
  struct proc *a[NPROC];
  uint64 weight[NPROC];
  uint64 tree[NPROC + 1];  /* Fenwick tree over weight[], 1-based */
  int n;
  uint64 total;
};

void draw_init(struct draw *d);
void draw_push(struct draw *d, struct proc *p, uint64 weight);
void draw_remove(struct draw *d, struct proc *p);
/* The process holding ticket t (0 <= t < d->total), left in. */
struct proc *draw_find(const struct draw *d, uint64 t);

#endif
