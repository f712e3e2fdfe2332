/*
 * hart.c: starting and interrupting harts (kernel/riscv/hart.h), through
 * SBI HSM hart_start and the SBI IPI and RFENCE extensions.
 */
#include "kernel/memlayout.h"
#include "kernel/lib/printf.h"
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

void hart_flush_tlbs(uint64 hart_mask)
{
  long err = sbi_remote_sfence_vma_all(hart_mask, 0);
  if (err != 0)
    panic("hart_flush_tlbs: SBI remote fence of harts %p failed (error %ld)", (void *)hart_mask, err);
}
