/*
 * wait.h: waitpid() options and the status word it fills in, shared by the
 * kernel and user programs. Values and encoding are Linux's:
 *
 *   exited with code c        (c & 0xff) << 8
 *   terminated by signal s    s
 *   stopped by signal s       (s << 8) | 0x7f
 *   continued                 0xffff
 *
 * wait(&status) keeps xv6's meaning instead: the exit code itself, or -1
 * for a process that was killed.
 */
#ifndef KERNEL_WAIT_H
#define KERNEL_WAIT_H

#define WNOHANG    1  /* return 0 at once if no child has changed */
#define WUNTRACED  2  /* also report children that stopped */
#define WCONTINUED 8  /* also report children that continued */

#define W_STOPCODE 0x7f
#define W_CONTINUED 0xffff

#define WEXITSTATUS(s)  (((s) >> 8) & 0xff)
#define WTERMSIG(s)     ((s) & 0x7f)
#define WSTOPSIG(s)     WEXITSTATUS(s)
#define WIFEXITED(s)    (WTERMSIG(s) == 0)
#define WIFSTOPPED(s)   (((s) & 0xff) == W_STOPCODE)
#define WIFCONTINUED(s) ((s) == W_CONTINUED)
#define WIFSIGNALED(s)  (WTERMSIG(s) != 0 && WTERMSIG(s) != W_STOPCODE && !WIFCONTINUED(s))

#define W_EXITCODE(code) (((code) & 0xff) << 8)
#define W_STOPPED(sig)   (((sig) << 8) | W_STOPCODE)

#endif
