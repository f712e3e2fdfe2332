/*
 * errno.h: error numbers, shared by the kernel and user space.
 *
 * Inside the kernel a function that can fail returns 0 (or a count) on
 * success and a negative error number, -EXXX, on failure. A system call
 * passes that value to user mode in a0; the user library's stubs turn any
 * negative result into a return value of -1 and store the positive number in
 * `errno`, so programs written for xv6 (which test for -1) keep working.
 * The values are those of Linux, so students can look them up.
 */
#ifndef KERNEL_ERRNO_H
#define KERNEL_ERRNO_H

#define EPERM         1  /* operation not permitted */
#define ENOENT        2  /* no such file or directory */
#define ESRCH         3  /* no such process */
#define EINTR         4  /* interrupted: the caller is being killed */
#define EIO           5  /* input/output error */
#define E2BIG         7  /* argument list too long */
#define ENOEXEC       8  /* not an executable this kernel can load */
#define EBADF         9  /* bad file descriptor */
#define ECHILD       10  /* no child to wait for */
#define EAGAIN       11  /* try again */
#define ENOMEM       12  /* out of memory */
#define EFAULT       14  /* bad address */
#define EBUSY        16  /* resource busy */
#define EEXIST       17  /* file exists */
#define EXDEV        18  /* cross-device link */
#define ENODEV       19  /* no such device */
#define ENOTDIR      20  /* not a directory */
#define EISDIR       21  /* is a directory */
#define EINVAL       22  /* invalid argument */
#define ENFILE       23  /* too many open files in the system */
#define EMFILE       24  /* too many open files in this process */
#define ENOTTY       25  /* not a terminal */
#define ETXTBSY      26  /* text file busy */
#define EFBIG        27  /* file too large */
#define ENOSPC       28  /* no space left on device */
#define ESPIPE       29  /* illegal seek */
#define EMLINK       31  /* too many links */
#define EPIPE        32  /* broken pipe */
#define ERANGE       34  /* result too large */
#define ENAMETOOLONG 36  /* file name too long */
#define ENOSYS       38  /* no such system call */
#define ENOTEMPTY    39  /* directory not empty */

#endif
