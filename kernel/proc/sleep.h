/*
 * sleep.h: waiting for something to happen, for code that is not about
 * processes (drivers, the file system, locks, pipes).
 *
 * A sleeper calls proc_sleep(chan, lk) in a loop around its condition,
 * holding the spinlock lk that guards the condition; whoever changes
 * the condition does so under lk and then calls proc_wakeup(chan). chan
 * is any address both agree on, usually the field that changes.
 *
 *   spin_acquire(&lk);
 *   while (!condition)
 *     proc_sleep(&condition, &lk);
 *   spin_release(&lk);
 */
#ifndef KERNEL_PROC_SLEEP_H
#define KERNEL_PROC_SLEEP_H

#include "kernel/lib/spinlock.h"

/*
 * Sleep on chan, atomically releasing lk; reacquire lk on return.
 * Returns when some thread calls proc_wakeup(chan), or earlier (a caller
 * must re-check its condition in a loop, and check proc_killed).
 */
void proc_sleep(void *chan, struct spinlock *lk);
/*
 * The same for a sleep a signal may cut short (pipe, console, wait,
 * sleep): returns 0 after sleeping, or without sleeping (lk still held)
 * -EINTR if the process is being killed, -ERESTART if it must stop (the
 * call is then run again once the process is continued; see syscall()).
 * A call that has already done part of its work returns that instead.
 */
int proc_sleep_intr(void *chan, struct spinlock *lk);
/* Wake every process sleeping on chan. Must not be called holding a p->lock. */
void proc_wakeup(void *chan);

#endif
