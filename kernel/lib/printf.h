/*
 * printf.h: formatted output to the console, panics and assertions.
 *
 * printf understands %d %u %x %p %s %c %l (as in %ld %lu %lx) and %%.
 * It may be called from any context, including with interrupts off; lines
 * from different harts do not interleave.
 */
#ifndef KERNEL_LIB_PRINTF_H
#define KERNEL_LIB_PRINTF_H

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void printf_init(void);

/* Assertions are always on: a false expression panics with where and what. */
#define KASSERT(expr)                                                        \
  do {                                                                       \
    if (!(expr))                                                             \
      panic("assertion failed: %s at %s:%d in %s()", #expr, __FILE__,         \
            __LINE__, __func__);                                             \
  } while (0)

#endif
