/*
 * signal.h (kernel side): sending signals and acting on them
 * (kernel/proc/signal.c). The numbers and dispositions that user programs
 * see are in kernel/signal.h.
 */
#ifndef KERNEL_PROC_SIGNAL_H
#define KERNEL_PROC_SIGNAL_H

int signal_send(int pid, int sig);
int signal_group(int pgid, int sig);
int signal_ignore(int sig, int disposition);
void signal_check(void);

#endif
