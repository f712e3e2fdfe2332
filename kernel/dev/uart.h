/*
 * uart.h: the 16550 UART driver (kernel/dev/uart.c).
 * uart_putc queues a character for interrupt-driven output, sleeping if the
 * buffer is full; uart_putc_sync spins and works with interrupts off (for
 * printf and echo). uart_init also registers the UART's interrupt handler.
 */
#ifndef KERNEL_DEV_UART_H
#define KERNEL_DEV_UART_H

void uart_init(void);
void uart_putc(int c);
void uart_putc_sync(int c);

#endif
