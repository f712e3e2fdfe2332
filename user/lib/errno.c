/*
 * errno.c: the user side of kernel error reporting.
 *
 * The kernel returns a failing system call's error as a negative number in
 * a0. Every stub in usys.S branches here on a negative result, so programs
 * written for xv6 still see exactly -1, while errno keeps the reason and
 * strerror turns it into words for messages.
 */
#include "kernel/types.h"
#include "kernel/errno.h"
#include "user/ulib.h"

int ulib_errno;

/*
 * Reached by a branch, not a call, from a system call stub whose result was
 * negative: ra still holds the stub's return address, so our return value
 * goes straight to the program that made the system call. It returns long
 * so that the -1 fills all of a0, which sbrk's callers read as (char *)-1.
 */
long
__syscall_error(long negative_errno)
{
  errno = -negative_errno;
  return -1;
}

/* Indexed by error number; the wording follows kernel/errno.h. */
static char *const messages[] = {
  [EPERM]        = "operation not permitted",
  [ENOENT]       = "no such file or directory",
  [ESRCH]        = "no such process",
  [EINTR]        = "interrupted",
  [EIO]          = "input/output error",
  [E2BIG]        = "argument list too long",
  [ENOEXEC]      = "not an executable",
  [EBADF]        = "bad file descriptor",
  [ECHILD]       = "no child processes",
  [EAGAIN]       = "try again",
  [ENOMEM]       = "out of memory",
  [EFAULT]       = "bad address",
  [EBUSY]        = "resource busy",
  [EEXIST]       = "file exists",
  [EXDEV]        = "cross-device link",
  [ENODEV]       = "no such device",
  [ENOTDIR]      = "not a directory",
  [EISDIR]       = "is a directory",
  [EINVAL]       = "invalid argument",
  [ENFILE]       = "too many open files in the system",
  [EMFILE]       = "too many open files",
  [ENOTTY]       = "not a terminal",
  [ETXTBSY]      = "text file busy",
  [EFBIG]        = "file too large",
  [ENOSPC]       = "no space left on device",
  [ESPIPE]       = "illegal seek",
  [EMLINK]       = "too many links",
  [EPIPE]        = "broken pipe",
  [ERANGE]       = "result too large",
  [ENAMETOOLONG] = "file name too long",
  [ENOSYS]       = "no such system call",
  [ENOTEMPTY]    = "directory not empty",
};

#define NMESSAGES ((int)(sizeof(messages) / sizeof(messages[0])))

/* Returns a description of error number err (a positive errno value). */
ULIB_EXTRA char *
strerror(int err)
{
  if (err <= 0 || err >= NMESSAGES || messages[err] == 0)
    return "unknown error";
  return messages[err];
}
