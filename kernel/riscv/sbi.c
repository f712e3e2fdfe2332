/*
 * sbi.c: supervisor binary interface calls into OpenSBI.
 *
 * An SBI call is an ecall from S-mode with the extension id in a7, the
 * function id in a6 and arguments in a0..a5; OpenSBI answers with an error
 * code in a0 and a value in a1. Every caller here is safe in any context.
 */
#include "kernel/riscv/sbi.h"

/* Extension ids (SBI spec, one per chapter). */
#define SBI_EXT_TIME 0x54494D45
#define SBI_EXT_IPI  0x735049
#define SBI_EXT_RFENCE 0x52464E43
#define SBI_EXT_HSM  0x48534D
#define SBI_EXT_SRST 0x53525354

/* Function ids within those extensions. */
#define SBI_TIME_SET_TIMER   0
#define SBI_IPI_SEND         0
#define SBI_RFENCE_SFENCE_VMA 1
#define SBI_HSM_HART_START   0
#define SBI_SRST_RESET       0
#define SBI_SRST_SHUTDOWN    0  /* reset type */
#define SBI_SRST_NO_REASON   0

struct sbiret {
  long error;
  long value;
};

static struct sbiret sbi_call4(uint64 ext, uint64 fid, uint64 a0, uint64 a1, uint64 a2, uint64 a3)
{
  register uint64 r_a0 asm("a0") = a0;
  register uint64 r_a1 asm("a1") = a1;
  register uint64 r_a2 asm("a2") = a2;
  register uint64 r_a3 asm("a3") = a3;
  register uint64 r_a6 asm("a6") = fid;
  register uint64 r_a7 asm("a7") = ext;
  asm volatile("ecall"
               : "+r"(r_a0), "+r"(r_a1)
               : "r"(r_a2), "r"(r_a3), "r"(r_a6), "r"(r_a7)
               : "memory");
  return (struct sbiret){ .error = (long)r_a0, .value = (long)r_a1 };
}

static struct sbiret sbi_call(uint64 ext, uint64 fid, uint64 a0, uint64 a1, uint64 a2)
{
  return sbi_call4(ext, fid, a0, a1, a2, 0);
}

long sbi_set_timer(uint64 stime_value)
{
  return sbi_call(SBI_EXT_TIME, SBI_TIME_SET_TIMER, stime_value, 0, 0).error;
}

long sbi_send_ipi(uint64 hart_mask, uint64 hart_mask_base)
{
  return sbi_call(SBI_EXT_IPI, SBI_IPI_SEND, hart_mask, hart_mask_base, 0).error;
}

/* A start address and size of 0 mean the whole address space (SBI spec,
   RFENCE chapter). */
long sbi_remote_sfence_vma_all(uint64 hart_mask, uint64 hart_mask_base)
{
  return sbi_call4(SBI_EXT_RFENCE, SBI_RFENCE_SFENCE_VMA, hart_mask, hart_mask_base, 0, 0).error;
}

long sbi_hart_start(uint64 hartid, uint64 start_addr, uint64 opaque)
{
  return sbi_call(SBI_EXT_HSM, SBI_HSM_HART_START, hartid, start_addr, opaque).error;
}


long sbi_shutdown(void)
{
  return sbi_call(SBI_EXT_SRST, SBI_SRST_RESET, SBI_SRST_SHUTDOWN, SBI_SRST_NO_REASON, 0).error;
}
