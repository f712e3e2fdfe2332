/*
 * meminfo.h: what meminfo(&mi) reports about physical memory, shared by
 * the kernel and user programs (free). Counts are in pages of PGSIZE.
 */
#ifndef KERNEL_MEMINFO_H
#define KERNEL_MEMINFO_H

#include "kernel/types.h"

struct meminfo {
  uint64 total;   /* pages the kernel hands out (RAM less the kernel and its tables) */
  uint64 free;    /* free now (freemem() says the same) */
  uint64 shared;  /* mapped by more than one process (copy-on-write, program text) */
  uint64 text;    /* program text kept for sharing (the text cache) */
};

#endif
