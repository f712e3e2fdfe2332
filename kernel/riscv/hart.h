/*
 * hart.h: what portable code may ask of other harts (kernel/riscv/hart.c):
 * start one at boot, interrupt one (an IPI), or have some flush their TLBs,
 * through the SBI firmware.
 * Nothing outside kernel/riscv/ makes SBI calls itself.
 */
#ifndef KERNEL_RISCV_HART_H
#define KERNEL_RISCV_HART_H

#include "kernel/types.h"

/* Start hart hartid at the kernel's secondary entry (entry.S), where it
   calls main(hartid, 0, 1). Returns 0 or the SBI error (negative). */
long hart_start(uint64 hartid);
/* Send hart hartid a software interrupt: it traps at once (ending a wfi,
   or leaving user mode). */
void hart_send_ipi(uint64 hartid);
/* Have the harts in hart_mask (bit i: hart i) flush their whole TLBs;
   returns once they have. Any context: the firmware interrupts them in
   M-mode, whatever they are doing. */
void hart_flush_tlbs(uint64 hart_mask);

#endif
