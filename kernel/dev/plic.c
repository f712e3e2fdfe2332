/*
 * plic.c: the platform-level interrupt controller, which funnels device
 * interrupts (UART, disk) to the harts (RISC-V PLIC specification).
 *
 * Interface: plic_init() gives each device we drive a nonzero priority,
 * once, after virtio_blk_init (the disk's line depends on its slot).
 * plic_inithart() enables those devices for the calling hart's S-mode
 * context. On an external interrupt the trap handler calls plic_claim()
 * to learn which device it was and plic_complete(irq) when done with it.
 *
 * Call chain: main -> plic_init, plic_inithart (on every hart);
 * trap handler -> plic_claim -> device's *_intr -> plic_complete.
 *
 * Locks: none. Each hart touches only its own context's registers, and
 * the priorities are written once before any hart enables interrupts.
 */
#include "kernel/dev/plic.h"
#include "kernel/dev/virtio_blk.h"
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

/* Priority 0 never interrupts; any higher value beats threshold 0. */
#define PLIC_PRIORITY_DEVICE 1
#define PLIC_THRESHOLD_ALL   0

/* Hart h's S-mode context; 2h is its M-mode one (PLATFORM.md). */
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

static void set_priority(int irq, uint32 prio)
{
  *plic_reg(PLIC_PRIORITY_BASE + irq * PLIC_PRIORITY_STRIDE) = prio;
}

static void enable_irq(uint64 ctx, int irq)
{
  volatile uint32 *word =
      plic_reg(PLIC_ENABLE_BASE + ctx * PLIC_ENABLE_STRIDE +
               (irq / PLIC_SOURCES_PER_WORD) * sizeof(uint32));
  *word |= 1U << (irq % PLIC_SOURCES_PER_WORD);
}

static volatile uint32 *context_reg(uint64 ctx, uint64 reg)
{
  return plic_reg(PLIC_CONTEXT_BASE + ctx * PLIC_CONTEXT_STRIDE + reg);
}

void plic_init(void)
{
  set_priority(UART0_IRQ, PLIC_PRIORITY_DEVICE);
  set_priority(virtio_blk_irq(), PLIC_PRIORITY_DEVICE);
}

void plic_inithart(void)
{
  uint64 ctx = my_context();
  enable_irq(ctx, UART0_IRQ);
  enable_irq(ctx, virtio_blk_irq());
  *context_reg(ctx, PLIC_THRESHOLD) = PLIC_THRESHOLD_ALL;
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
