/*
 * hart.c: starting and interrupting harts (kernel/riscv/hart.h), through
 * SBI HSM hart_start and the SBI IPI extension.
 */
#include "kernel/memlayout.h"
#include "kernel/riscv/hart.h"
#include "kernel/riscv/sbi.h"

extern char _secondary[];   /* entry.S: where started harts begin */

long hart_start(uint64 hartid)
{
  /* The hart starts with paging off: give it the physical address. */
  return sbi_hart_start(hartid, V2P(_secondary), 0);
}

void hart_send_ipi(uint64 hartid)
{
  sbi_send_ipi(1UL << hartid, 0);
}
