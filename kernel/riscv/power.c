/*
 * power.c: powering the machine off (kernel/riscv/power.h).
 */
#include "kernel/types.h"
#include "kernel/memlayout.h"
#include "kernel/riscv/power.h"
#include "kernel/riscv/csr.h"
#include "kernel/riscv/sbi.h"

/* QEMU's "sifive,test" device: a write of one of these ends the machine. */
#define TESTDEV_FAIL 0x3333
#define TESTDEV_CODE_SHIFT 16
#define TESTDEV_MAX_CODE 255

void machine_poweroff(int code)
{
  if (code == 0) {
    sbi_shutdown();
  } else {
    if (code < 0 || code > TESTDEV_MAX_CODE)
      code = TESTDEV_MAX_CODE;
    *(volatile uint32 *)P2V(TESTDEV) = TESTDEV_FAIL | ((uint32)code << TESTDEV_CODE_SHIFT);
  }
  /* Not reached on QEMU; on anything else, stop here. */
  for (;;) {
    intr_off();
    wfi();
  }
}
