/*
 * user.h: everything a user program may call: the system calls (stubs in
 * the generated user/lib/usys.S) and the user library (user/lib/).
 *
 * The prototypes are those of xv6-riscv's user.h, so xv6 programs compile
 * unchanged; they include "kernel/types.h" and "kernel/stat.h" first, but
 * this header also stands alone. A failing system call returns -1 and
 * leaves the reason, a value from kernel/errno.h, in errno.
 */
#ifndef USER_USER_H
#define USER_USER_H

#include "kernel/types.h"
#include "kernel/ioctl.h"
#include "kernel/procinfo.h"
#include "kernel/signal.h"
#include "kernel/wait.h"

struct stat;

/* System calls, numbered in kernel/syscalls.tbl. */
int fork(void);
int exit(int status) __attribute__((noreturn));
int wait(int *status);
int pipe(int *fds);
int write(int fd, const void *buf, int n);
int read(int fd, void *buf, int n);
int close(int fd);
int kill(int pid);
int exec(const char *path, char **argv);
int open(const char *path, int flags);
int mknod(const char *path, short major, short minor);
int unlink(const char *path);
int fstat(int fd, struct stat *st);
int link(const char *oldpath, const char *newpath);
int mkdir(const char *path);
int chdir(const char *path);
int dup(int fd);
int getpid(void);
char *sbrk(int nbytes);
int sleep(int ticks);
int uptime(void);
int poweroff(int code);   /* turn the machine off; QEMU exits with code */
int freemem(void);        /* number of free physical pages */
uint64 uptime_us(void);   /* microseconds since boot (fine-grained clock) */

/* The process API beyond xv6 (README: system call table). */
int waitpid(int pid, int *status, int options); /* kernel/wait.h */
int sigsend(int pid, int sig);      /* pid > 0, 0 (own group), < -1 (group -pid) */
int signal(int sig, int disposition); /* SIG_DFL or SIG_IGN; returns the old one */
int setpgid(int pid, int pgid);
int getpgid(int pid);
int getppid(void);
int procinfo(int pid, struct procinfo *buf, int max); /* pid -1: all */
int hartinfo(struct hartinfo *buf, int max);
int ioctl(int fd, int request, uint64 arg); /* kernel/ioctl.h */

/* proc.c: the process API in textbook terms. */
int suspend(int pid);               /* sigsend(pid, SIGSTOP) */
int resume(int pid);                /* sigsend(pid, SIGCONT) */
int tcsetpgrp(int fd, int pgid);    /* make pgid the console's foreground group */
int tcgetpgrp(int fd);
char proc_state_letter(int state);  /* R S T Z ... as ps shows them */
const char *proc_state_name(int state);
int execvp(const char *file, char **argv); /* exec, trying / too, as sh does */

/* errno.c: why the last failing system call failed. */
extern int errno;
char *strerror(int err);

/* string.c */
char *strcpy(char *dst, const char *src);
void *memmove(void *dst, const void *src, int n);
char *strchr(const char *s, char c);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, uint n);
uint strlen(const char *s);
void *memset(void *dst, int c, uint n);
int memcmp(const void *a, const void *b, uint n);
void *memcpy(void *dst, const void *src, uint n);

/* ulib.c */
int stat(const char *path, struct stat *st);
char *gets(char *buf, int max);
int atoi(const char *s);
int is_number(const char *s);       /* digits only, at least one: atoi may take it */

/* printf.c: %d %u %x %p %s %c, with flags - and 0 and a width (%-8s, %02d). */
void fprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int snprintf(char *buf, int size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define DURATION_MAX 24             /* room for any fmt_duration */
char *fmt_duration(char *buf, int size, uint64 us);  /* M:SS.cc, as ps shows CPU time */

/* umalloc.c */
void *malloc(uint nbytes);
void free(void *p);

#endif
