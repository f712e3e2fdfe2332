/*
 * sbi.h: calls into OpenSBI, the M-mode firmware (SBI spec v1.0). Only
 * extensions that OpenSBI 1.1 provides on QEMU's virt machine are used:
 * TIME, IPI, RFENCE, HSM and SRST. Each returns the SBI error code (0 = success).
 */
#ifndef KERNEL_RISCV_SBI_H
#define KERNEL_RISCV_SBI_H

#include "kernel/types.h"

long sbi_set_timer(uint64 stime_value);
long sbi_send_ipi(uint64 hart_mask, uint64 hart_mask_base);
/* sfence.vma on the harts in the mask, over all addresses; returns once done. */
long sbi_remote_sfence_vma_all(uint64 hart_mask, uint64 hart_mask_base);
long sbi_hart_start(uint64 hartid, uint64 start_addr, uint64 opaque);
long sbi_shutdown(void);

#endif
