/*
 * csr.h: supervisor control and status registers, their bit names and
 * trap causes (RISC-V privileged spec, chapter "Supervisor-Level ISA").
 * Everything here is RISC-V specific; portable code calls the small
 * accessors (intr_on, intr_off, ...) rather than touching CSRs itself.
 */
#ifndef KERNEL_RISCV_CSR_H
#define KERNEL_RISCV_CSR_H

/* The bit names are usable from assembly too (entry.S); the accessors
   below are C only. */

/* sstatus bits */
#define SSTATUS_SIE   (1L << 1)   /* supervisor interrupts enabled */
#define SSTATUS_SPIE  (1L << 5)   /* SIE before the trap */
#define SSTATUS_SPP   (1L << 8)   /* previous mode: 1 supervisor, 0 user */
#define SSTATUS_FS    (3L << 13)  /* floating-point unit state */
#define SSTATUS_FS_OFF     (0L << 13)
#define SSTATUS_FS_INITIAL (1L << 13)
#define SSTATUS_FS_CLEAN   (2L << 13)
#define SSTATUS_FS_DIRTY   (3L << 13)
#define SSTATUS_SUM   (1L << 18)  /* supervisor may access user pages */

/* sie bits (enabled) and sip bits (pending) */
#define SIE_SSIE (1L << 1)  /* software (IPI) */
#define SIE_STIE (1L << 5)  /* timer */
#define SIE_SEIE (1L << 9)  /* external (device) */
#define SIP_SSIP SIE_SSIE   /* an IPI is pending */

/* scause: the top bit says interrupt; the rest is the code. */
#define SCAUSE_INTR (1UL << 63)
#ifndef __ASSEMBLER__
enum trap_cause {
  CAUSE_MISALIGNED_FETCH = 0,
  CAUSE_FETCH_ACCESS = 1,
  CAUSE_ILLEGAL_INSTRUCTION = 2,
  CAUSE_BREAKPOINT = 3,
  CAUSE_MISALIGNED_LOAD = 4,
  CAUSE_LOAD_ACCESS = 5,
  CAUSE_MISALIGNED_STORE = 6,
  CAUSE_STORE_ACCESS = 7,
  CAUSE_USER_ECALL = 8,
  CAUSE_SUPERVISOR_ECALL = 9,
  CAUSE_FETCH_PAGE_FAULT = 12,
  CAUSE_LOAD_PAGE_FAULT = 13,
  CAUSE_STORE_PAGE_FAULT = 15,
};
enum intr_cause {
  IRQ_S_SOFT = 1,
  IRQ_S_TIMER = 5,
  IRQ_S_EXT = 9,
};
#endif

/* satp: Sv39 mode and the root page table's physical page number. */
#define SATP_SV39 (8L << 60)
#define MAKE_SATP(pa) (SATP_SV39 | (((uint64)(pa)) >> 12))
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK (0xFFFFUL << SATP_ASID_SHIFT)

/* scounteren: let user mode read cycle, time and instret. */
#define SCOUNTEREN_CY (1 << 0)
#define SCOUNTEREN_TM (1 << 1)
#define SCOUNTEREN_IR (1 << 2)

#ifndef __ASSEMBLER__
#include "kernel/types.h"
#include "kernel/riscv.h" /* r_time */

#define CSR_READ(name)                                  \
  ({                                                    \
    uint64 __v;                                         \
    asm volatile("csrr %0, " #name : "=r"(__v));        \
    __v;                                                \
  })
#define CSR_WRITE(name, v) asm volatile("csrw " #name ", %0" ::"r"((uint64)(v)))
#define CSR_SET(name, bits) asm volatile("csrs " #name ", %0" ::"r"((uint64)(bits)))
#define CSR_CLEAR(name, bits) asm volatile("csrc " #name ", %0" ::"r"((uint64)(bits)))

/* Sstc's supervisor timer compare register, by number (older assemblers
   do not know its name). */
#define CSR_STIMECMP 0x14D
#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

static inline void intr_on(void) { CSR_SET(sstatus, SSTATUS_SIE); }
static inline void intr_off(void) { CSR_CLEAR(sstatus, SSTATUS_SIE); }
static inline int intr_get(void) { return (CSR_READ(sstatus) & SSTATUS_SIE) != 0; }
/* Turn interrupts off (on) and say what sstatus was, in one access. */
static inline uint64 intr_off_was(void)
{
  uint64 was;
  asm volatile("csrrci %0, sstatus, %1" : "=r"(was) : "i"(SSTATUS_SIE) : "memory");
  return was;
}
static inline uint64 intr_on_was(void)
{
  uint64 was;
  asm volatile("csrrsi %0, sstatus, %1" : "=r"(was) : "i"(SSTATUS_SIE) : "memory");
  return was;
}

static inline uint64 r_tp(void)
{
  uint64 x;
  asm volatile("mv %0, tp" : "=r"(x));
  return x;
}
static inline void w_tp(uint64 x) { asm volatile("mv tp, %0" ::"r"(x)); }
static inline void w_stimecmp(uint64 x)
{
  asm volatile("csrw " STRINGIFY(CSR_STIMECMP) ", %0" ::"r"(x));
}

static inline void sfence_vma(void) { asm volatile("sfence.vma zero, zero"); }
/* Forget this hart's translations of one virtual address. */
static inline void sfence_vma_va(uint64 va) { asm volatile("sfence.vma %0, zero" ::"r"(va) : "memory"); }
static inline void wfi(void) { asm volatile("wfi"); }

#endif /* __ASSEMBLER__ */

#endif
