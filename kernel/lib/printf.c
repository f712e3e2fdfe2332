/*
 * printf.c: the kernel's formatted console output and panic.
 *
 * Output goes character by character to console_putc, which writes the
 * UART synchronously, so printf works with interrupts off and from traps.
 * printf_lock keeps lines from different harts apart; a panic takes the
 * lock's place (no lock: the panicking hart may already hold it), freezes
 * the other harts' output and powers the machine off with a failure code,
 * so a headless test run ends at once with a non-zero QEMU exit status.
 */
#include <stdarg.h>

#include "kernel/types.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/spinlock.h"
#include "kernel/riscv/power.h"
#include "kernel/dev/console.h"

static struct spinlock printf_lock;
static volatile int panicking; /* set once a panic starts: stop locking */

static const char digits[] = "0123456789abcdef";

static void print_unsigned(uint64 x, int base)
{
  char buf[24];
  int i = 0;
  do {
    buf[i++] = digits[x % base];
    x /= base;
  } while (x != 0);
  while (--i >= 0)
    console_putc(buf[i]);
}

static void print_signed(int64 x)
{
  if (x < 0) {
    console_putc('-');
    print_unsigned(-(uint64)x, 10);
  } else {
    print_unsigned(x, 10);
  }
}

static void vprint(const char *fmt, va_list ap)
{
  for (int i = 0; fmt[i]; i++) {
    char c = fmt[i];
    if (c != '%') {
      console_putc(c);
      continue;
    }
    int is_long = 0;
    c = fmt[++i];
    while (c == 'l') {
      is_long = 1;
      c = fmt[++i];
    }
    switch (c) {
    case 'd':
      print_signed(is_long ? va_arg(ap, int64) : va_arg(ap, int));
      break;
    case 'u':
      print_unsigned(is_long ? va_arg(ap, uint64) : va_arg(ap, uint), 10);
      break;
    case 'x':
      print_unsigned(is_long ? va_arg(ap, uint64) : va_arg(ap, uint), 16);
      break;
    case 'p':
      console_putc('0');
      console_putc('x');
      print_unsigned(va_arg(ap, uint64), 16);
      break;
    case 'c':
      console_putc(va_arg(ap, int));
      break;
    case 's': {
      const char *s = va_arg(ap, const char *);
      if (s == 0)
        s = "(null)";
      while (*s)
        console_putc(*s++);
      break;
    }
    case '%':
      console_putc('%');
      break;
    case '\0':
      return;
    default:
      /* Unknown directive: show it as written, so the mistake is visible. */
      console_putc('%');
      console_putc(c);
      break;
    }
  }
}

int printf(const char *fmt, ...)
{
  va_list ap;
  int locking = !panicking;
  if (locking)
    spin_acquire(&printf_lock);
  va_start(ap, fmt);
  vprint(fmt, ap);
  va_end(ap);
  if (locking)
    spin_release(&printf_lock);
  return 0;
}

void panic(const char *fmt, ...)
{
  va_list ap;
  panicking = 1;
  for (const char *s = "\npanic: "; *s; s++)
    console_putc(*s);
  va_start(ap, fmt);
  vprint(fmt, ap);
  va_end(ap);
  console_putc('\n');
  machine_poweroff(POWEROFF_PANIC);
}

void printf_init(void)
{
  spin_init(&printf_lock, "printf_lock");
}
