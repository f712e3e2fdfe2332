/*
 * ioctl.h: device control requests for ioctl(fd, request, arg), shared by
 * the kernel and user programs. Only the console answers them; any other
 * file gives -ENOTTY.
 *
 *   CON_SETPGRP  arg = process group that becomes the console's foreground
 *                group: Ctrl-C sends it SIGINT and Ctrl-Z SIGTSTP
 *   CON_GETPGRP  returns the foreground group (0 if none)
 *   CON_SETMODE  arg = CON_* mode bits below; returns the old mode
 *   CON_GETMODE  returns the mode bits
 */
#ifndef KERNEL_IOCTL_H
#define KERNEL_IOCTL_H

#define CON_SETPGRP 1
#define CON_GETPGRP 2
#define CON_SETMODE 3
#define CON_GETMODE 4

/* Console mode bits. */
#define CON_RAW      1  /* each byte at once, no echo, no editing, no signals */
#define CON_NONBLOCK 2  /* read returns -EAGAIN instead of waiting */

#endif
