/*
 * types.h: fixed-width integer names used by the kernel, mkfs and user
 * programs. Kept source-compatible with xv6-riscv's kernel/types.h so that
 * xv6 user programs that include it compile unchanged.
 */
#ifndef KERNEL_TYPES_H
#define KERNEL_TYPES_H

typedef unsigned int uint;
typedef unsigned short ushort;
typedef unsigned char uchar;

typedef unsigned char uint8;
typedef unsigned short uint16;
typedef unsigned int uint32;
typedef unsigned long uint64;
typedef long int64;

typedef uint64 pde_t;

#ifndef NULL
#define NULL ((void *)0)
#endif

#endif
