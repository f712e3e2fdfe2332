/*
 * user.h: what a user program written for xv6-riscv calls: the system
 * calls (stubs in the generated user/lib/usys.S) and xv6's user library
 * (user/lib/), with xv6's prototypes, plus this kernel's own system calls.
 *
 * Programs written for xv6 include "kernel/types.h" and "kernel/stat.h"
 * first and then this file, and compile unchanged; this header also
 * stands alone. Both generations of xv6-riscv are covered: the 2020-23
 * lab trees (printf has no format attribute here, so their format
 * mismatches are no error) and the 2024-25 tree (pause, sbrklazy,
 * SBRK_ERROR). A failing system call returns -1.
 *
 * The library's helpers beyond xv6's (errno, snprintf, is_number,
 * execvp, ...) are declared in user/ulib.h, which this project's own
 * programs include instead, so that none of their names can collide
 * with a function an xv6 program defines for itself.
 */
#ifndef USER_USER_H
#define USER_USER_H

#include "kernel/types.h"
#include "kernel/ioctl.h"
#include "kernel/procinfo.h"
#include "kernel/signal.h"
#include "kernel/wait.h"

struct stat;

/* xv6's system calls, numbered as in xv6 (kernel/syscalls.tbl). */
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

/* The 2024-25 xv6 names. */
int pause(int ticks);            /* sleep(ticks) */
char *sbrklazy(int nbytes);      /* sbrk whose pages may come at first touch */
#define SBRK_ERROR ((char *)-1)  /* what sbrk and sbrklazy return on failure */

/* This kernel's system calls (README: system call table). */
int poweroff(int code);   /* turn the machine off; QEMU exits with code */
int freemem(void);        /* number of free physical pages */
uint64 uptime_us(void);   /* microseconds since boot (fine-grained clock) */
int waitpid(int pid, int *status, int options); /* kernel/wait.h */
int sigsend(int pid, int sig);      /* pid > 0, 0 (own group), < -1 (group -pid) */
int signal(int sig, int disposition); /* SIG_DFL or SIG_IGN; returns the old one */
int setpgid(int pid, int pgid);
int getpgid(int pid);
int getppid(void);
int procinfo(int pid, struct procinfo *buf, int max); /* pid -1: all */
int hartinfo(struct hartinfo *buf, int max);
int ioctl(int fd, int request, uint64 arg); /* kernel/ioctl.h */

/* xv6's user library. */
int stat(const char *path, struct stat *st);
char *strcpy(char *dst, const char *src);
void *memmove(void *dst, const void *src, int n);
char *strchr(const char *s, char c);
int strcmp(const char *a, const char *b);
void fprintf(int fd, const char *fmt, ...);
void printf(const char *fmt, ...);
char *gets(char *buf, int max);
uint strlen(const char *s);
void *memset(void *dst, int c, uint n);
int atoi(const char *s);
int memcmp(const void *a, const void *b, uint n);
void *memcpy(void *dst, const void *src, uint n);
void *malloc(uint nbytes);
void free(void *p);

#endif
