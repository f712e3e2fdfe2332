/*
 * user.h: what a user program written for xv6-riscv calls, and nothing
 * else: xv6's system calls (stubs in the generated user/lib/usys.S) and
 * xv6's user library (user/lib/), with xv6's prototypes.
 *
 * Programs written for xv6 include "kernel/types.h" and "kernel/stat.h"
 * first and then this file, and compile unchanged; this header also
 * stands alone. Both generations of xv6-riscv are covered: the 2020-23
 * lab trees (printf has no format attribute here, so their format
 * mismatches are no error) and the 2024-25 tree (pause, sbrklazy,
 * sys_sbrk, SBRK_ERROR). A failing system call returns -1.
 *
 * This kernel's own system calls and the library's helpers beyond xv6's
 * (errno, snprintf, is_number, execvp, ...) are declared in user/ulib.h,
 * which this project's own programs include instead. So no name this
 * header brings in can collide with one an xv6 program defines for
 * itself: its own signal(), struct procinfo or RUNNING.
 */
#ifndef USER_USER_H
#define USER_USER_H

#include "kernel/types.h"

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
char *sys_sbrk(int nbytes, int how); /* sbrk (SBRK_EAGER) or sbrklazy (SBRK_LAZY) */
#define SBRK_EAGER 1
#define SBRK_LAZY  2
#define SBRK_ERROR ((char *)-1)  /* what sbrk and sbrklazy return on failure */

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
