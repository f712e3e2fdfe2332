/*
 * sched.c: the switchboard (kernel/sched/sched.h): the run queue's lock,
 * the policy in use and its parameters, switching policies at run time,
 * and the accounting every policy can rely on (wait time, CPU bursts and
 * their estimate, first run).
 *
 * Locks: runq_lock guards the policy pointer, its parameters, the
 * policy's queues and every process's struct sched_entity. It is taken
 * inside p->lock (the mechanism holds p->lock when it queues or charges
 * a process) and nothing is taken inside it.
 *
 * Switching (sched_set) takes every queued process out of the old
 * policy, starts the new one and queues them all there, all under
 * runq_lock: no hart can pick in between, so none is lost or run twice.
 * Running and sleeping processes meet the new policy when they are next
 * queued; sched_gen tells a policy their fields are someone else's.
 */
#include "kernel/errno.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/spinlock.h"
#include "kernel/lib/string.h"
#include "kernel/procinfo.h"
#include "kernel/proc/clock.h"
#include "kernel/proc/proc.h"
#include "kernel/riscv/csr.h"
#include "kernel/sched/entity.h"
#include "kernel/sched/queue.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/trace.h"
#include "kernel/lib/hot.h"

#define PERMILLE 1000
#define ESTIMATE0_MS 10   /* a new process's predicted burst: one rr quantum */

extern const struct sched_policy policy_rr, policy_fcfs, policy_sjf, policy_stcf,
    policy_prio, policy_mlfq, policy_lottery, policy_stride;

/* Every policy the kernel has, in the order sched -l lists them. */
static const struct sched_policy *const policies[] = {
  &policy_rr, &policy_fcfs, &policy_sjf, &policy_stcf,
  &policy_prio, &policy_mlfq, &policy_lottery, &policy_stride,
};
#define NPOLICIES ((int)(sizeof(policies) / sizeof(policies[0])))

static struct spinlock runq_lock HOT_DATA;
static const struct sched_policy *current HOT_DATA; /* [runq_lock]; sched_preempts peeks unlocked */
static struct sched_config config HOT_DATA;         /* [runq_lock] current's parameters */
uint sched_gen;                            /* [runq_lock] */
int64 sched_alpha = PERMILLE / 2;          /* [runq_lock] */

void sched_lock(void)
{
  spin_acquire(&runq_lock);
}

void sched_unlock(void)
{
  spin_release(&runq_lock);
}

void sched_assert_locked(void)
{
  ASSERT_HELD(&runq_lock);
}

uint64 sched_ms(uint64 ms)
{
  return clock_from_us(ms * 1000);
}

uint64 sched_now(void)
{
  return r_time();
}

int sched_fresh(struct proc *p)
{
  if (p->sched.gen == sched_gen)
    return 0;
  p->sched.gen = sched_gen;
  return 1;
}

/* Time p still needs by what it declared, or by the estimate of its burst,
   counting the turn it may be in now. */
uint64 sched_remaining(struct proc *p)
{
  struct sched_entity *se = &p->sched;
  uint64 used = se->cpu, need;
  if (p->state == RUNNING)
    used += r_time() - se->run_start;
  if (se->expected) {
    need = se->expected;
  } else {
    need = se->estimate;
    used = se->burst + (p->state == RUNNING ? r_time() - se->run_start : 0);
  }
  return used >= need ? 0 : need - used;
}

void sched_note(int event, struct proc *p, int64 arg)
{
  sched_assert_locked(); /* the switchboard's own events are recorded under it by construction */
  trace_event(event, p, arg);
}

static const struct sched_policy *find_policy(const char *name, int len)
{
  for (int i = 0; i < NPOLICIES; i++) {
    if ((int)strlen(policies[i]->name) == len && strncmp(policies[i]->name, name, len) == 0)
      return policies[i];
  }
  return 0;
}

/* Make pol the policy in use with parameters cfg, moving every queued
   process over. runq_lock held. */
static void switch_to(const struct sched_policy *pol, const struct sched_config *cfg)
{
  ASSERT_HELD(&runq_lock);
  struct fifo moving;
  fifo_init(&moving);
  if (current) {
    struct proc *p;
    while ((p = current->pick()) != 0)
      fifo_push(&moving, p);
  }
  sched_gen++;
  current = pol;
  config = *cfg;
  current->start(&config);
  struct proc *p;
  while ((p = fifo_pop(&moving)) != 0)
    current->enqueue(p, JOIN_MOVE);
  trace_event(SCHED_EV_SWITCH, 0, sched_gen);
}

void sched_init(const char *bootargs)
{
  spin_init(&runq_lock, "runq_lock");
  KASSERT(sched_ms(1) > 0); /* the clock must know its timebase first */
  const struct sched_policy *pol = &policy_rr;
  /* "sched=NAME" anywhere in the command line. */
  for (const char *s = bootargs; *s; s++) {
    if ((s == bootargs || s[-1] == ' ') && strncmp(s, "sched=", 6) == 0) {
      const char *name = s + 6;
      int len = 0;
      while (name[len] && name[len] != ' ')
        len++;
      const struct sched_policy *want = find_policy(name, len);
      if (want) {
        pol = want;
      } else {
        char word[SCHED_NAME_LEN];
        safestrcpy(word, name, len + 1 < (int)sizeof(word) ? len + 1 : (int)sizeof(word));
        printf("sched: no policy named %s; using %s\n", word, pol->name);
      }
    }
  }
  spin_acquire(&runq_lock);
  switch_to(pol, pol->defaults);
  spin_release(&runq_lock);
}

/* ---- The mechanism's calls ------------------------------------------ */

/* Processes put on the run queue since boot: a hart polling for work
   watches it without taking runq_lock (sched_enqueues). */
static uint64 enqueues HOT_DATA;

/* Queue p, RUNNABLE and locked, with runq_lock held. */
HOT static void enqueue_locked(struct proc *p, enum sched_join why, uint64 now)
{
  KASSERT(p->state == RUNNABLE);
  KASSERT(!p->sched.queued);
  p->sched.queued = 1;
  p->sched.runnable_since = now;
  current->enqueue(p, why);
  __atomic_add_fetch(&enqueues, 1, __ATOMIC_RELEASE);
  if (why == JOIN_NEW || why == JOIN_WAKE)
    trace_event_at(SCHED_EV_WAKE, p, why, now);
}

HOT void sched_enqueue(struct proc *p, enum sched_join why)
{
  ASSERT_HELD(&p->lock);
  uint64 now = r_time();
  spin_acquire(&runq_lock);
  enqueue_locked(p, why, now);
  spin_release(&runq_lock);
}

HOT uint64 sched_enqueues(void)
{
  return __atomic_load_n(&enqueues, __ATOMIC_ACQUIRE);
}

/* The policy's pick, with runq_lock held. */
HOT static struct proc *pick_locked(void)
{
  struct proc *p = current->pick();
  if (p) {
    KASSERT(p->sched.queued); /* a policy hands out only what it was given */
    p->sched.queued = 0;
  }
  return p;
}

HOT struct proc *sched_pick(void)
{
  spin_acquire(&runq_lock);
  struct proc *p = pick_locked();
  spin_release(&runq_lock);
  return p;
}

HOT uint64 sched_dispatch(struct proc *p, uint64 now)
{
  ASSERT_HELD(&p->lock);
  spin_acquire(&runq_lock);
  /* Queued again since it was picked (made runnable once more)? Off the
     queue: it runs now. */
  if (p->sched.queued) {
    current->dequeue(p);
    p->sched.queued = 0;
  }
  p->sched.wait += now - p->sched.runnable_since;
  p->sched.run_start = now;
  if (p->sched.first_run == 0)
    p->sched.first_run = now;
  uint64 slice = current->slice(p);
  trace_event_at(SCHED_EV_DISPATCH, p, current->level ? current->level(p) : -1, now);
  spin_release(&runq_lock);
  return slice;
}

HOT struct proc *sched_charge_pick(struct proc *p, uint64 ran, enum sched_left how, uint64 now)
{
  ASSERT_HELD(&p->lock);
  spin_acquire(&runq_lock);
  struct sched_entity *se = &p->sched;
  se->cpu += ran;
  se->burst += ran;
  if (how != LEFT_PREEMPTED) {
    /* A CPU burst ended: tau = alpha * t + (1 - alpha) * tau. */
    se->estimate = (sched_alpha * se->burst + (PERMILLE - sched_alpha) * se->estimate) / PERMILLE;
    se->burst = 0;
  }
  current->charge(p, ran, how);
  trace_event_at(how == LEFT_PREEMPTED ? SCHED_EV_PREEMPT : how == LEFT_EXITED ? SCHED_EV_EXIT : SCHED_EV_BLOCK,
                 p, clock_to_us(ran), now);
  if (how == LEFT_PREEMPTED)
    enqueue_locked(p, JOIN_PREEMPT, now);
  struct proc *next = pick_locked();
  spin_release(&runq_lock);
  return next;
}

/* c->proc is read under runq_lock: leave() (scheduler.c) clears it before sched_charge_pick
   takes that lock, with the process's lock held throughout, so the
   process seen here cannot be reaped (and freed) before we let go. */
HOT int sched_preempts(struct proc *p, struct cpu *c)
{
  /* A policy that never preempts (rr, fcfs) needs no lock to say so. A
     switch of policy meanwhile costs one answer at most. */
  if (__atomic_load_n(&current, __ATOMIC_RELAXED)->preempts == 0)
    return 0;
  spin_acquire(&runq_lock);
  struct proc *running = c->proc;
  int r = running != 0 && running != p && current->preempts ? current->preempts(p, running) : 0;
  spin_release(&runq_lock);
  return r;
}

HOT void sched_tick(void)
{
  spin_acquire(&runq_lock);
  int all = current->tick ? current->tick(r_time()) : 0;
  spin_release(&runq_lock);
  if (all)
    proc_preempt_running();
}

void sched_fork(struct proc *parent, struct proc *child)
{
  spin_acquire(&runq_lock);
  struct sched_entity *c = &child->sched, *pa = &parent->sched;
  memset(c, 0, sizeof(*c));
  c->index = -1;
  c->nice = pa->nice;
  c->tickets = pa->tickets;
  c->expected = pa->expected;
  c->estimate = pa->estimate;
  spin_release(&runq_lock);
}

/* A process that has no parent to inherit from (the first one). */
void sched_entity_init(struct proc *p)
{
  spin_acquire(&runq_lock);
  memset(&p->sched, 0, sizeof(p->sched));
  p->sched.index = -1;
  p->sched.nice = NICE_DEFAULT;
  p->sched.tickets = TICKETS_DEFAULT;
  p->sched.estimate = sched_ms(ESTIMATE0_MS);
  spin_release(&runq_lock);
}

/* ---- Parameters ------------------------------------------------------ */

/* Parse one value of param pp from s[0..len): a whole number, or a
   decimal for a fraction, optionally followed by the unit. 0 or -EINVAL. */
static int parse_value(const struct sched_param *pp, const char *s, int len, int64 *out)
{
  int ulen = strlen(pp->unit);
  if (ulen > 0 && len > ulen && strncmp(s + len - ulen, pp->unit, ulen) == 0)
    len -= ulen;
  if (len <= 0)
    return -EINVAL;
  int64 whole = 0, frac = 0, fracscale = 1;
  int i = 0, seen_digit = 0;
  for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
    whole = whole * 10 + (s[i] - '0');
    seen_digit = 1;
    if (whole > (1L << 40))
      return -EINVAL;
  }
  if (i < len && s[i] == '.' && pp->scale > 1) {
    for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
      if (fracscale < pp->scale) {
        frac = frac * 10 + (s[i] - '0');
        fracscale *= 10;
      }
      seen_digit = 1;
    }
  }
  if (i != len || !seen_digit)
    return -EINVAL;
  int64 v = whole * pp->scale + frac * (pp->scale / fracscale);
  if (v < pp->min || v > pp->max)
    return -EINVAL;
  *out = v;
  return 0;
}

/* Apply "name=v[,v...]" (len bytes at s) to cfg. 0 or -EINVAL. */
static int apply_param(const struct sched_policy *pol, struct sched_config *cfg,
                       const char *s, int len)
{
  int eq = 0;
  while (eq < len && s[eq] != '=')
    eq++;
  if (eq == len || eq == 0)
    return -EINVAL;
  for (int i = 0; i < pol->nparams; i++) {
    const struct sched_param *pp = &pol->params[i];
    if ((int)strlen(pp->name) != eq || strncmp(pp->name, s, eq) != 0)
      continue;
    int n = 0;
    for (int at = eq + 1; at <= len;) {
      int end = at;
      while (end < len && s[end] != ',')
        end++;
      if (n == pp->maxvalues || parse_value(pp, s + at, end - at, &cfg->value[i][n]) < 0)
        return -EINVAL;
      n++;
      at = end + 1;
    }
    cfg->count[i] = n;
    return 0;
  }
  return -EINVAL;
}

int sched_set(const char *spec)
{
  const char *s = spec;
  while (*s == ' ')
    s++;
  int len = 0;
  while (s[len] && s[len] != ' ')
    len++;
  const struct sched_policy *pol = find_policy(s, len);
  if (pol == 0)
    return -EINVAL;

  /* Build the new parameters aside; nothing changes unless all are good.
     Switching starts from the policy's defaults; naming the policy in use
     changes only the parameters given. */
  struct sched_config cfg;
  spin_acquire(&runq_lock);
  cfg = pol == current ? config : *pol->defaults;
  spin_release(&runq_lock);
  for (s += len;;) {
    while (*s == ' ')
      s++;
    if (*s == '\0')
      break;
    len = 0;
    while (s[len] && s[len] != ' ')
      len++;
    if (apply_param(pol, &cfg, s, len) < 0)
      return -EINVAL;
    s += len;
  }
  if (pol->check && pol->check(&cfg) < 0)
    return -EINVAL;

  spin_acquire(&runq_lock);
  switch_to(pol, &cfg);
  spin_release(&runq_lock);
  return 0;
}

/* Append text to buf (size bytes, NUL-terminated), as far as it fits. */
static void append(char *buf, int size, const char *text)
{
  int n = strlen(buf);
  safestrcpy(buf + n, text, size - n);
}

static void append_number(char *buf, int size, int64 v)
{
  char digits[24];
  int n = 0;
  if (v < 0) {
    append(buf, size, "-");
    v = -v;
  }
  do {
    digits[n++] = '0' + v % 10;
    v /= 10;
  } while (v > 0);
  char out[24];
  for (int i = 0; i < n; i++)
    out[i] = digits[n - 1 - i];
  out[n] = '\0';
  append(buf, size, out);
}

/* One value of pp, as kept, in the way sched_set takes it (0.5 for 500
   thousandths). */
static void append_value(char *buf, int size, const struct sched_param *pp, int64 v)
{
  if (pp->scale == 1) {
    append_number(buf, size, v);
    return;
  }
  append_number(buf, size, v / pp->scale);
  append(buf, size, ".");
  /* the fraction's digits, without trailing zeros */
  int64 frac = v % pp->scale, digit = pp->scale / 10;
  do {
    char d[2] = { '0' + frac / digit, 0 };
    append(buf, size, d);
    frac %= digit;
    digit /= 10;
  } while (frac > 0 && digit > 0);
}

/* cfg as "name=v[,v]unit ..." into buf. */
static void format_params(const struct sched_policy *pol, const struct sched_config *cfg,
                          char *buf, int size)
{
  buf[0] = '\0';
  for (int i = 0; i < pol->nparams; i++) {
    const struct sched_param *pp = &pol->params[i];
    if (i > 0)
      append(buf, size, " ");
    append(buf, size, pp->name);
    append(buf, size, "=");
    for (int k = 0; k < cfg->count[i]; k++) {
      if (k > 0)
        append(buf, size, ",");
      append_value(buf, size, pp, cfg->value[i][k]);
    }
    append(buf, size, pp->unit);
  }
}

/* What each parameter takes, as "name=min..maxunit [(1-N values)] ...". */
static void format_ranges(const struct sched_policy *pol, char *buf, int size)
{
  buf[0] = '\0';
  for (int i = 0; i < pol->nparams; i++) {
    const struct sched_param *pp = &pol->params[i];
    if (i > 0)
      append(buf, size, " ");
    append(buf, size, pp->name);
    append(buf, size, "=");
    append_value(buf, size, pp, pp->min);
    append(buf, size, "..");
    append_value(buf, size, pp, pp->max);
    append(buf, size, pp->unit);
    if (pp->maxvalues > 1) {
      append(buf, size, " (1-");
      append_number(buf, size, pp->maxvalues);
      append(buf, size, " values)");
    }
  }
  if (pol->rules) {
    append(buf, size, "; ");
    append(buf, size, pol->rules);
  }
}

int sched_info(int index, struct schedinfo *si)
{
  if (index < -1 || index >= NPOLICIES)
    return -EINVAL;
  memset(si, 0, sizeof(*si));
  spin_acquire(&runq_lock);
  const struct sched_policy *pol = index == -1 ? current : policies[index];
  si->current = pol == current;
  safestrcpy(si->name, pol->name, sizeof(si->name));
  safestrcpy(si->about, pol->about, sizeof(si->about));
  format_params(pol, si->current ? &config : pol->defaults, si->params, sizeof(si->params));
  format_ranges(pol, si->ranges, sizeof(si->ranges));
  spin_release(&runq_lock);
  return 0;
}

void sched_fill_info(struct proc *p, struct procinfo *pi)
{
  ASSERT_HELD(&p->lock);
  spin_acquire(&runq_lock);
  struct sched_entity *se = &p->sched;
  pi->nice = se->nice;
  pi->tickets = se->tickets;
  pi->level = current->level && se->gen == sched_gen ? current->level(p) : -1;
  pi->estimate_us = clock_to_us(se->estimate);
  pi->expected_us = clock_to_us(se->expected);
  uint64 wait = se->wait;
  if (p->state == RUNNABLE)
    wait += r_time() - se->runnable_since;
  pi->wait_us = clock_to_us(wait);
  pi->first_us = se->first_run ? clock_to_us(se->first_run) : 0;
  pi->ready_us = clock_to_us(se->runnable_since);
  spin_release(&runq_lock);
}

int sched_getnice(struct proc *p)
{
  ASSERT_HELD(&p->lock);
  spin_acquire(&runq_lock);
  int nice = p->sched.nice;
  spin_release(&runq_lock);
  return nice;
}

/* ---- A process's own settings ---------------------------------------- */

/* A setting the policy may order its queue by is about to change: take p
   off the queue if it is on it. Returns whether it was; put_back then
   queues it again with the new setting. runq_lock held. */
static int take_off(struct proc *p)
{
  int queued = p->sched.queued;
  if (queued)
    current->dequeue(p);
  return queued;
}

static void put_back(struct proc *p, int queued)
{
  if (queued)
    current->enqueue(p, JOIN_MOVE);
}

int sched_setnice(struct proc *p, int nice)
{
  ASSERT_HELD(&p->lock);
  if (nice < NICE_MIN || nice > NICE_MAX)
    return -EINVAL;
  spin_acquire(&runq_lock);
  int queued = take_off(p);
  p->sched.nice = nice;
  put_back(p, queued);
  spin_release(&runq_lock);
  return 0;
}

int sched_settickets(struct proc *p, int tickets)
{
  ASSERT_HELD(&p->lock);
  if (tickets < 1 || tickets > TICKETS_MAX)
    return -EINVAL;
  spin_acquire(&runq_lock);
  int queued = take_off(p);
  p->sched.tickets = tickets;
  put_back(p, queued);
  spin_release(&runq_lock);
  return 0;
}

int sched_setexpected(struct proc *p, uint64 ms)
{
  ASSERT_HELD(&p->lock);
  spin_acquire(&runq_lock);
  int queued = take_off(p); /* sjf and stcf order by it */
  p->sched.expected = sched_ms(ms);
  put_back(p, queued);
  spin_release(&runq_lock);
  return 0;
}
