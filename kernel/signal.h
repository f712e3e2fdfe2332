/*
 * signal.h: signal numbers and dispositions, shared by the kernel and user
 * programs. The numbers are Linux's. There are no user handlers: every
 * signal takes its default action, unless a process chose to ignore it
 * with signal(sig, SIG_IGN).
 *
 *   SIGINT, SIGTERM, SIGKILL   terminate the process
 *   SIGSTOP, SIGTSTP           stop (suspend) it
 *   SIGCONT                    continue it if stopped
 *   SIGCHLD                    nothing (ignored by default)
 * SIGKILL and SIGSTOP cannot be ignored.
 */
#ifndef KERNEL_SIGNAL_H
#define KERNEL_SIGNAL_H

#define SIGINT   2   /* interrupt (Ctrl-C) */
#define SIGKILL  9   /* kill, cannot be ignored */
#define SIGTERM 15   /* polite termination */
#define SIGCHLD 17   /* a child stopped or exited */
#define SIGCONT 18   /* continue if stopped */
#define SIGSTOP 19   /* stop, cannot be ignored */
#define SIGTSTP 20   /* stop from the terminal (Ctrl-Z) */
#define NSIG    32   /* signal numbers are 1 .. NSIG-1 */

#define SIG_DFL 0    /* take the default action */
#define SIG_IGN 1    /* ignore the signal */

#endif
