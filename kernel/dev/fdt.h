/*
 * fdt.h: what the kernel learns from the flattened device tree that
 * OpenSBI hands over at boot (devicetree specification v0.4, chapter 5).
 */
#ifndef KERNEL_DEV_FDT_H
#define KERNEL_DEV_FDT_H

#include "kernel/types.h"
#include "kernel/param.h"

#define BOOTARGS_MAX 512

struct machine_info {
  uint64 ram_base;          /* physical start of RAM */
  uint64 ram_size;          /* bytes of RAM */
  int nharts;               /* harts listed under /cpus (at most NCPU kept) */
  uint64 hartids[NCPU];     /* their ids */
  uint64 timebase;          /* timer ticks per second */
  int has_sstc;             /* riscv,isa lists the Sstc extension */
  char bootargs[BOOTARGS_MAX]; /* /chosen/bootargs, or "" */
  int bootargs_cut;            /* bootargs was longer, and is cut short */
};

extern struct machine_info machine;

/* Fill `machine` from the tree at kernel virtual address fdt. Returns 0,
   or -EINVAL if it is not a device tree or lacks memory, cpus or timebase. */
int fdt_parse(const void *fdt);

#endif
