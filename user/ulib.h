/*
 * ulib.h: this kernel's system calls and the user library beyond xv6's,
 * for this project's own programs. It includes user/user.h and adds:
 *   - the system calls xv6 does not have (README: system call table), and
 *     the headers they need (kernel/signal.h, wait.h, procinfo.h, meminfo.h,
 *     ioctl.h);
 *   - format checking of printf and fprintf (a mismatch is a compile
 *     error in our programs; user.h leaves it out for xv6's);
 *   - errno and strerror: why the last failing system call failed;
 *   - snprintf, vsnprintf, fmt_duration; strncmp; is_number;
 *   - the process API in textbook words: suspend, resume, tcsetpgrp,
 *     tcgetpgrp, process-state names, and execvp.
 *
 * Every function defined for this header is a weak symbol (ULIB_EXTRA),
 * as are the stubs of the system calls that xv6 does not have (and of
 * pause, sbrklazy and sys_sbrk, which older xv6 programs may define
 * themselves): a program that defines a function of the same name for
 * itself (an xv6 program with its own is_number, say) gets its own, and
 * links without error. The flip side: one of our programs that defined
 * such a name by mistake would replace the library's, silently.
 */
#ifndef USER_ULIB_H
#define USER_ULIB_H

#include <stdarg.h>

#include "kernel/types.h"
#include "kernel/ioctl.h"
#include "kernel/meminfo.h"
#include "kernel/procinfo.h"
#include "kernel/schedinfo.h"
#include "kernel/schedtrace.h"
#include "kernel/signal.h"
#include "kernel/wait.h"
#include "user/user.h"

/* On each definition of a function this header declares. */
#define ULIB_EXTRA __attribute__((weak))

/* This kernel's system calls (README: system call table). */
int poweroff(int code);   /* turn the machine off; QEMU exits with code */
int freemem(void);        /* number of free physical pages */
int meminfo(struct meminfo *mi); /* total, free, shared and text pages */
uint64 uptime_us(void);   /* microseconds since boot (fine-grained clock) */
int usleep(uint64 us);    /* sleep us microseconds (not rounded to ticks) */
int usleep_until(uint64 t); /* sleep until uptime_us() reaches t */
int waitpid(int pid, int *status, int options); /* kernel/wait.h */
int waitstat(int pid, int *status, int options, struct waitinfo *info); /* waitpid + the child's times */
int sigsend(int pid, int sig);      /* pid > 0, 0 (own group), < -1 (group -pid) */
int signal(int sig, int disposition); /* SIG_DFL or SIG_IGN; returns the old one */
int setpgid(int pid, int pgid);
int getpgid(int pid);
int getppid(void);
int procinfo(int pid, struct procinfo *buf, int max); /* pid -1: all */
int proclist(int after, struct procinfo *buf, int max); /* pids above after, in order */
int hartinfo(struct hartinfo *buf, int max);
int ioctl(int fd, int request, uint64 arg); /* kernel/ioctl.h */
int sched_set(const char *spec);    /* "mlfq boost=500": switch policy (kernel/schedinfo.h) */
int sched_info(int index, struct schedinfo *si); /* -1: the policy in use */
int setpriority(int pid, int nice); /* nice -20..19; pid 0 is the caller */
int getpriority(int pid, int *nice);
int settickets(int tickets);        /* the caller's lottery and stride share */
int setexpected(int ms);            /* the CPU time the caller expects to need */
int schedtrace(struct schedevent *buf, int max, uint64 *cursor); /* kernel/schedtrace.h */
int schedtrace_on(int on);          /* record the trace or not; returns whether it was */
int sched_yield(void);              /* give up the hart, staying runnable */

/* printf.c: %d %u %x %p %s %c, with flags - and 0 and a width (%-8s, %02d). */
void fprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int snprintf(char *buf, int size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, int size, const char *fmt, va_list ap);
#define DURATION_MAX 24             /* room for any fmt_duration */
char *fmt_duration(char *buf, int size, uint64 us);  /* M:SS.cc, as ps shows CPU time */

/* errno.c: why the last failing system call failed (kernel/errno.h).
   The library's variable has a name of its own, so that an xv6 program
   with an errno of its own (of any type) is left alone. */
extern int ulib_errno;
#define errno ulib_errno
char *strerror(int err);

/* string.c and ulib.c */
int strncmp(const char *a, const char *b, uint n);
int is_number(const char *s);       /* digits only, at least one: atoi may take it */

/* proc.c: the process API in textbook terms. */
int suspend(int pid);               /* sigsend(pid, SIGSTOP) */
int resume(int pid);                /* sigsend(pid, SIGCONT) */
int tcsetpgrp(int fd, int pgid);    /* make pgid the console's foreground group */
int tcgetpgrp(int fd);
char proc_state_letter(int state);  /* R S T Z ... as ps shows them */
const char *proc_state_name(int state);
int execvp(const char *file, char **argv); /* exec, trying / too, as sh does */
/* execvp(argv[0], argv), and if that fails, "WHO: NAME: why" on stderr
   and exit(1): how time, nice and tickets run their command. */
void exec_or_exit(const char *who, char **argv) __attribute__((noreturn));

/* sched.c: for programs that switch policies. */
/* The policy in use as sched_set takes it, "rr quantum=10ms", into buf.
   Returns 0, or -1 (errno) if sched_info fails. */
int sched_current(char *buf, int size);
/* Why sched_set(spec) failed, on stderr as "WHO: ...": no such policy, or
   what the policy's parameters take. */
void sched_explain(const char *who, const char *spec);

#endif
