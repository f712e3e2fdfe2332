/*
 * printf.c: formatted output for user programs.
 *
 * printf(fmt, ...) writes to standard output, fprintf(fd, fmt, ...) to fd.
 * Conversions: %d %u %x (int; with an l or ll prefix, long), %p (pointer,
 * as 0x and 16 hex digits), %s, %c and %%. An unknown conversion is
 * printed as written.
 *
 * Each call collects its output in a buffer and writes it with one write
 * where it fits, so lines printed by processes running at the same time
 * do not interleave character by character on the console.
 */
#include <stdarg.h>

#include "kernel/types.h"
#include "user/user.h"

#define OUTBUF_SIZE 256   /* longer output takes several writes */

struct outbuf {
  int fd;
  int len;                /* bytes waiting in buf */
  char buf[OUTBUF_SIZE];
};

static const char hex_digits[] = "0123456789abcdef";

static void
flush(struct outbuf *out)
{
  if (out->len > 0)
    write(out->fd, out->buf, out->len);
  out->len = 0;
}

static void
put_char(struct outbuf *out, char c)
{
  if (out->len == OUTBUF_SIZE)
    flush(out);
  out->buf[out->len++] = c;
}

static void
put_string(struct outbuf *out, const char *s)
{
  if (s == 0)
    s = "(null)";
  while (*s != '\0')
    put_char(out, *s++);
}

/* Digits of v in base (10 or 16), most significant first. */
static void
put_unsigned(struct outbuf *out, uint64 v, int base)
{
  char digits[sizeof(uint64) * 8];   /* enough even for base 2 */
  int n = 0;

  do {
    digits[n++] = hex_digits[v % base];
    v /= base;
  } while (v != 0);
  while (n > 0)
    put_char(out, digits[--n]);
}

static void
put_signed(struct outbuf *out, int64 v)
{
  if (v < 0) {
    put_char(out, '-');
    /* Negate as unsigned: -v overflows for the most negative value. */
    put_unsigned(out, 0 - (uint64)v, 10);
  } else {
    put_unsigned(out, v, 10);
  }
}

static void
put_pointer(struct outbuf *out, uint64 p)
{
  int shift;

  put_string(out, "0x");
  for (shift = sizeof(uint64) * 8 - 4; shift >= 0; shift -= 4)
    put_char(out, hex_digits[(p >> shift) & 0xf]);
}

static void
format(struct outbuf *out, const char *fmt, va_list ap)
{
  const char *conv;
  int longarg;

  for (; *fmt != '\0'; fmt++) {
    if (*fmt != '%') {
      put_char(out, *fmt);
      continue;
    }
    conv = fmt;            /* kept to echo an unknown conversion */
    fmt++;
    longarg = 0;
    while (*fmt == 'l') {  /* l and ll both mean 64 bits here */
      longarg = 1;
      fmt++;
    }
    switch (*fmt) {
    case 'd':
      put_signed(out, longarg ? va_arg(ap, int64) : va_arg(ap, int));
      break;
    case 'u':
      put_unsigned(out, longarg ? va_arg(ap, uint64) : va_arg(ap, uint), 10);
      break;
    case 'x':
      put_unsigned(out, longarg ? va_arg(ap, uint64) : va_arg(ap, uint), 16);
      break;
    case 'p':
      put_pointer(out, (uint64)va_arg(ap, void *));
      break;
    case 's':
      put_string(out, va_arg(ap, const char *));
      break;
    case 'c':
      put_char(out, va_arg(ap, int));
      break;
    case '%':
      put_char(out, '%');
      break;
    case '\0':             /* the format ends inside a conversion */
      for (; conv < fmt; conv++)
        put_char(out, *conv);
      return;
    default:
      for (; conv <= fmt; conv++)
        put_char(out, *conv);
      break;
    }
  }
}

static void
print_to(int fd, const char *fmt, va_list ap)
{
  struct outbuf out;

  out.fd = fd;
  out.len = 0;
  format(&out, fmt, ap);
  flush(&out);
}

void
fprintf(int fd, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  print_to(fd, fmt, ap);
  va_end(ap);
}

void
printf(const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  print_to(1, fmt, ap);
  va_end(ap);
}
