/*
 * plic.h: the platform-level interrupt controller (kernel/dev/plic.c).
 * Each hart takes device interrupts in its S-mode context (2*hart + 1).
 * Drivers do not call this directly: they register with irq.h.
 */
#ifndef KERNEL_DEV_PLIC_H
#define KERNEL_DEV_PLIC_H

#include "kernel/types.h"

/* Priority 0 never interrupts; any higher value beats threshold 0. */
#define PLIC_PRIORITY_DEVICE 1

void plic_set_priority(int irq, uint32 prio);
void plic_enable(int irq);     /* for this hart's S-mode context */
void plic_inithart(void);      /* this hart: take every enabled line (threshold 0) */
int plic_claim(void);          /* the pending IRQ, or 0 */
void plic_complete(int irq);

#endif
