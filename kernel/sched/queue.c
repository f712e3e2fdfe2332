/*
 * queue.c: FIFOs, heaps and ticket draws of processes (kernel/sched/queue.h).
 * Callers hold runq_lock; nothing here takes a lock or allocates.
 */
#include <stddef.h>

#include "kernel/lib/printf.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/queue.h"
#include "kernel/lib/hot.h"

/* ---- FIFO ----------------------------------------------------------- */

static struct proc *proc_of(struct sched_link *l)
{
  return (struct proc *)((char *)l - offsetof(struct proc, sched.link));
}

void fifo_init(struct fifo *q)
{
  q->head.next = q->head.prev = &q->head;
  q->n = 0;
}

HOT void fifo_push(struct fifo *q, struct proc *p)
{
  struct sched_link *l = &p->sched.link;
  l->prev = q->head.prev;
  l->next = &q->head;
  q->head.prev->next = l;
  q->head.prev = l;
  q->n++;
}

struct proc *fifo_peek(const struct fifo *q)
{
  return q->n == 0 ? 0 : proc_of(q->head.next);
}

void fifo_remove(struct fifo *q, struct proc *p)
{
  struct sched_link *l = &p->sched.link;
  KASSERT(q->n > 0 && l->next != 0);
  l->prev->next = l->next;
  l->next->prev = l->prev;
  l->next = l->prev = 0;
  q->n--;
}

HOT struct proc *fifo_pop(struct fifo *q)
{
  struct proc *p = fifo_peek(q);
  if (p)
    fifo_remove(q, p);
  return p;
}

void fifo_append(struct fifo *to, struct fifo *from)
{
  if (from->n == 0)
    return;
  struct sched_link *first = from->head.next, *last = from->head.prev;
  first->prev = to->head.prev;
  to->head.prev->next = first;
  last->next = &to->head;
  to->head.prev = last;
  to->n += from->n;
  fifo_init(from);
}

/* ---- Heap ----------------------------------------------------------- */

void heap_init(struct heap *h, int (*before)(const struct proc *, const struct proc *))
{
  h->n = 0;
  h->before = before;
}

static void heap_set(struct heap *h, int i, struct proc *p)
{
  h->a[i] = p;
  p->sched.index = i;
}

/* Move the process at i up while it comes before its parent. */
static void sift_up(struct heap *h, int i)
{
  struct proc *p = h->a[i];
  while (i > 0) {
    int parent = (i - 1) / 2;
    if (!h->before(p, h->a[parent]))
      break;
    heap_set(h, i, h->a[parent]);
    i = parent;
  }
  heap_set(h, i, p);
}

/* Move the process at i down while a child comes before it. */
static void sift_down(struct heap *h, int i)
{
  struct proc *p = h->a[i];
  for (;;) {
    int child = 2 * i + 1;
    if (child >= h->n)
      break;
    if (child + 1 < h->n && h->before(h->a[child + 1], h->a[child]))
      child++;
    if (!h->before(h->a[child], p))
      break;
    heap_set(h, i, h->a[child]);
    i = child;
  }
  heap_set(h, i, p);
}

void heap_push(struct heap *h, struct proc *p)
{
  KASSERT(h->n < NPROC);
  heap_set(h, h->n++, p);
  sift_up(h, h->n - 1);
}

struct proc *heap_peek(const struct heap *h)
{
  return h->n == 0 ? 0 : h->a[0];
}

void heap_remove(struct heap *h, struct proc *p)
{
  int i = p->sched.index;
  KASSERT(i >= 0 && i < h->n && h->a[i] == p);
  p->sched.index = -1;
  h->n--;
  if (i == h->n)
    return;
  heap_set(h, i, h->a[h->n]);
  sift_down(h, i);
  sift_up(h, h->a[i]->sched.index);
}

struct proc *heap_pop(struct heap *h)
{
  struct proc *p = heap_peek(h);
  if (p)
    heap_remove(h, p);
  return p;
}

void heap_fix(struct heap *h, struct proc *p)
{
  int i = p->sched.index;
  KASSERT(i >= 0 && i < h->n && h->a[i] == p);
  sift_down(h, i);
  sift_up(h, p->sched.index);
}

/* ---- Ticket draw ---------------------------------------------------- */

void draw_init(struct draw *d)
{
  d->n = 0;
  d->total = 0;
  for (int i = 0; i <= NPROC; i++)
    d->tree[i] = 0;
}

/* Add delta (which may wrap round: a subtraction) to position i's weight. */
static void tree_add(struct draw *d, int i, uint64 delta)
{
  for (int k = i + 1; k <= NPROC; k += k & -k)
    d->tree[k] += delta;
}

void draw_push(struct draw *d, struct proc *p, uint64 weight)
{
  KASSERT(d->n < NPROC && weight > 0);
  int i = d->n++;
  d->a[i] = p;
  d->weight[i] = weight;
  p->sched.index = i;
  tree_add(d, i, weight);
  d->total += weight;
}

/* Removal moves the last process into the hole, so positions stay dense. */
void draw_remove(struct draw *d, struct proc *p)
{
  int i = p->sched.index;
  KASSERT(i >= 0 && i < d->n && d->a[i] == p);
  int last = --d->n;
  uint64 w = d->weight[i];
  d->total -= w;
  tree_add(d, i, -w);
  if (i != last) {
    uint64 lw = d->weight[last];
    tree_add(d, last, -lw);
    d->a[i] = d->a[last];
    d->weight[i] = lw;
    d->a[i]->sched.index = i;
    tree_add(d, i, lw);
  }
  p->sched.index = -1;
}

struct proc *draw_find(const struct draw *d, uint64 t)
{
  KASSERT(t < d->total);
  /* Walk down the tree: find the last position whose prefix sum is <= t;
     the process after it holds ticket t. */
  int pos = 0;
  int step = 1;
  while (step * 2 <= NPROC)
    step *= 2;
  for (; step > 0; step /= 2) {
    if (pos + step <= NPROC && d->tree[pos + step] <= t) {
      pos += step;
      t -= d->tree[pos];
    }
  }
  KASSERT(pos < d->n);
  return d->a[pos];
}
