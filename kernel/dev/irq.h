/*
 * irq.h: device interrupts, through a small registration table
 * (kernel/dev/irq.c).
 *
 * A driver registers the handler for its interrupt line at boot, before
 * any hart takes interrupts; the trap handler calls irq_dispatch() for
 * each external interrupt, which asks the interrupt controller which
 * line it was and runs that line's handler. So neither the trap code
 * nor the controller's driver needs to know which devices exist.
 */
#ifndef KERNEL_DEV_IRQ_H
#define KERNEL_DEV_IRQ_H

#define NIRQ 128 /* interrupt lines the table can hold: more than the PLIC of QEMU's virt machine has */

/* Call handler for every interrupt on line irq (1 .. NIRQ-1). Only at
   boot, on the boot hart, before irq_inithart. */
void irq_register(int irq, void (*handler)(void));
/* Let this hart take the registered interrupts. Once per hart. */
void irq_inithart(void);
/* An external interrupt arrived on this hart: serve it. */
void irq_dispatch(void);

#endif
