/*
 * plic.c: the platform-level interrupt controller, which funnels device
 * interrupts to the harts (RISC-V PLIC specification).
 *
 * Interface (kernel/dev/plic.h): plic_set_priority gives a line a
 * priority, once, at boot; plic_enable enables a line for the calling
 * hart's S-mode context and plic_inithart opens that context to every
 * enabled line. On an external interrupt plic_claim says which line it
 * was and plic_complete(irq) says it has been served. Which device sits
 * on which line is the registration table's business (irq.c), not ours.
 *
 * Locks: none. Each hart touches only its own context's registers, and
 * the priorities are written once before any hart enables interrupts.
 */
#include "kernel/dev/plic.h"
#include "kernel/types.h"
#include "kernel/memlayout.h"
#include "kernel/lib/printf.h"
#include "kernel/proc/cpu.h"
#include "kernel/riscv/csr.h"

/* Register map, byte offsets from PLIC. */
#define PLIC_PRIORITY_BASE   0x000000 /* one 32-bit priority per source */
#define PLIC_PRIORITY_STRIDE 4
#define PLIC_ENABLE_BASE     0x002000 /* per context: one bit per source */
#define PLIC_ENABLE_STRIDE   0x80
#define PLIC_CONTEXT_BASE    0x200000 /* per context: threshold, claim */
#define PLIC_CONTEXT_STRIDE  0x1000
#define PLIC_THRESHOLD       0x0      /* within a context's block */
#define PLIC_CLAIM           0x4      /* read to claim, write to complete */

#define PLIC_SOURCES_PER_WORD 32      /* enable bits per 32-bit register */

#define PLIC_THRESHOLD_ALL   0 /* a context takes every line with priority > 0 */

/* Hart h's S-mode context; 2h is its M-mode one (QEMU's virt machine). */
#define PLIC_S_CONTEXT(hart) (2 * (hart) + 1)

static volatile uint32 *plic_reg(uint64 off)
{
  return P2V(PLIC + off);
}

/* The calling hart's S-mode context. Interrupts must be off, so that the
   hart cannot change under us. */
static uint64 my_context(void)
{
  KASSERT(!intr_get());
  return PLIC_S_CONTEXT(mycpu()->hartid);
}

void plic_set_priority(int irq, uint32 prio)
{
  *plic_reg(PLIC_PRIORITY_BASE + irq * PLIC_PRIORITY_STRIDE) = prio;
}

void plic_enable(int irq)
{
  uint64 ctx = my_context();
  volatile uint32 *word =
      plic_reg(PLIC_ENABLE_BASE + ctx * PLIC_ENABLE_STRIDE +
               (irq / PLIC_SOURCES_PER_WORD) * sizeof(uint32));
  *word |= 1U << (irq % PLIC_SOURCES_PER_WORD);
}

static volatile uint32 *context_reg(uint64 ctx, uint64 reg)
{
  return plic_reg(PLIC_CONTEXT_BASE + ctx * PLIC_CONTEXT_STRIDE + reg);
}

void plic_inithart(void)
{
  *context_reg(my_context(), PLIC_THRESHOLD) = PLIC_THRESHOLD_ALL;
}

/* The highest-priority pending interrupt for this hart, or 0 if none. */
int plic_claim(void)
{
  return *context_reg(my_context(), PLIC_CLAIM);
}

/* Tell the PLIC this hart has served irq, so it may raise it again. */
void plic_complete(int irq)
{
  *context_reg(my_context(), PLIC_CLAIM) = irq;
}
