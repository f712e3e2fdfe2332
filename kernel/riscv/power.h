/*
 * power.h: turning the machine off.
 *
 * machine_poweroff(0) powers off through SBI SRST, and QEMU exits with
 * status 0. Any other code is written to QEMU's test device, because SRST
 * cannot report failure under OpenSBI 1.1 (SYSTEM_FAILURE exits 0 too): QEMU then exits
 * with that status (1..255), which is how a headless test run reports.
 */
#ifndef KERNEL_RISCV_POWER_H
#define KERNEL_RISCV_POWER_H

#define POWEROFF_PANIC 3   /* QEMU exit status after a kernel panic */
#define POWEROFF_NODISK 4  /* QEMU exit status when no disk is attached */
#define POWEROFF_BADDISK 5 /* ... when the disk cannot be used: it holds no valid
                              file system, or the device misbehaves */

void machine_poweroff(int code) __attribute__((noreturn));

#endif
