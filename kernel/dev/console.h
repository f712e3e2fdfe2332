/*
 * console.h: the console device (major CONSOLE) and its line discipline.
 *
 * console_intr is called by the UART driver for every received character.
 * Input is cooked: Backspace/DEL erases, Ctrl-U kills the line, Ctrl-D is
 * end of file, Ctrl-P prints the process list (proc_dump).
 * console_putc writes one character synchronously (kernel printf uses it).
 */
#ifndef KERNEL_DEV_CONSOLE_H
#define KERNEL_DEV_CONSOLE_H

void console_init(void);
void console_intr(int c);
void console_putc(int c);

#endif
