/*
 * plic.h: the platform-level interrupt controller (kernel/dev/plic.c).
 * Each hart takes device interrupts in its S-mode context (2*hart + 1).
 */
#ifndef KERNEL_DEV_PLIC_H
#define KERNEL_DEV_PLIC_H

void plic_init(void);          /* once: give the devices a priority */
void plic_inithart(void);      /* per hart: enable the devices, threshold 0 */
int plic_claim(void);          /* the pending IRQ, or 0 */
void plic_complete(int irq);

#endif
