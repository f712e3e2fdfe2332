/*
 * stat.h: what fstat() reports about a file. Layout and T_* values match
 * xv6-riscv so existing user programs read it unchanged.
 */
#ifndef KERNEL_STAT_H
#define KERNEL_STAT_H

#include "kernel/types.h"

#define T_DIR     1   /* directory */
#define T_FILE    2   /* regular file */
#define T_DEVICE  3   /* device special file */

struct stat {
  int dev;     /* file system's disk device */
  uint ino;    /* inode number */
  short type;  /* T_DIR, T_FILE or T_DEVICE */
  short nlink; /* number of links to the file */
  uint64 size; /* size of the file in bytes */
};

#endif
