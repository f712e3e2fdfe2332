/*
 * param.h: compile-time limits of the kernel and its file system.
 * User programs written for xv6 include this file for NPROC, MAXARG,
 * MAXPATH and NOFILE, so those names and meanings stay as in xv6.
 */
#ifndef KERNEL_PARAM_H
#define KERNEL_PARAM_H

/* Most processes at once. A process costs memory only while it exists
   (kernel/proc/ptable.c); make NPROC=64 builds with fewer. */
#ifndef NPROC
#define NPROC      1024
#endif
#define NCPU          8   /* most harts the kernel will run on */
#define NOFILE       16   /* open files per process */
#define NFILE       100   /* open files in the whole system */
#define NINODE       50   /* in-memory inodes */
#define NDEV         10   /* device major numbers */
#define ROOTDEV       1   /* device number of the root disk */
#define MAXARG       32   /* exec arguments */
#define MAXOPBLOCKS  10   /* most blocks one file-system operation writes */
#define LOGBLOCKS    (MAXOPBLOCKS * 3) /* blocks in the on-disk log */
#define NBUF         (MAXOPBLOCKS * 3) /* buffer cache size */
#define FSSIZE       4000 /* file system size in blocks */
#define MAXPATH      128  /* longest path name */
#define USERSTACK    64   /* user stack pages at most (256 KiB): it grows on demand */
#define TICK_HZ      100  /* clock ticks a second: sleep() and uptime() count 10 ms ticks */

#endif
