/*
 * power.h: turning the machine off.
 *
 * machine_poweroff(0) powers off through SBI SRST, and QEMU exits with
 * status 0. Any other code is written to QEMU's test device, because SRST
 * cannot report failure under OpenSBI 1.1 (PLATFORM.md): QEMU then exits
 * with that status (1..255), which is how a headless test run reports.
 */
#ifndef KERNEL_POWER_H
#define KERNEL_POWER_H

#define POWEROFF_PANIC 3   /* QEMU exit status after a kernel panic */
#define POWEROFF_NODISK 4  /* QEMU exit status when no disk is attached */
#define POWEROFF_BADDISK 5 /* QEMU exit status when the disk holds no valid file system */

void machine_poweroff(int code) __attribute__((noreturn));

#endif
