/*
 * irq.c: the interrupt registration table (kernel/dev/irq.h).
 *
 * handlers[irq] is the function a driver registered for line irq. At
 * registration the line gets a priority at the PLIC; irq_inithart
 * enables every registered line for the calling hart. On an interrupt,
 * irq_dispatch claims the line from the PLIC, runs its handler and
 * completes it, so that the PLIC may raise it again.
 *
 * Call chain: main -> driver's init -> irq_register; main (every hart)
 * -> irq_inithart; trap handler -> irq_dispatch -> driver's handler.
 *
 * Locks: none. The table is written only at boot, before any hart
 * enables interrupts ([I]), and only read afterwards.
 */
#include "kernel/types.h"
#include "kernel/lib/printf.h"
#include "kernel/dev/irq.h"
#include "kernel/dev/plic.h"

static void (*handlers[NIRQ])(void); /* [I] */
static int enabled_somewhere;        /* [I] set once a hart has enabled the table */

void irq_register(int irq, void (*handler)(void))
{
  KASSERT(irq > 0 && irq < NIRQ && handler != 0);
  if (handlers[irq] != 0)
    panic("irq_register: line %d has a handler already", irq);
  if (enabled_somewhere)
    panic("irq_register: line %d registered after harts took interrupts", irq);
  handlers[irq] = handler;
  plic_set_priority(irq, PLIC_PRIORITY_DEVICE);
}

void irq_inithart(void)
{
  enabled_somewhere = 1;
  for (int irq = 1; irq < NIRQ; irq++) {
    if (handlers[irq] != 0)
      plic_enable(irq);
  }
  plic_inithart();
}

void irq_dispatch(void)
{
  int irq = plic_claim();
  if (irq == 0)
    return; /* another hart took it */
  if (irq < NIRQ && handlers[irq] != 0)
    handlers[irq]();
  else
    printf("irq: unexpected interrupt on line %d\n", irq);
  plic_complete(irq);
}
