/*
 * printf.c: formatted output for user programs.
 *
 * printf(fmt, ...) writes to standard output, fprintf(fd, fmt, ...) to fd,
 * and snprintf(buf, size, fmt, ...) (or vsnprintf, with a va_list) into a
 * string. Conversions: %d %u %x
 * (int; with an l or ll prefix, long), %p (pointer, as 0x and 16 hex
 * digits), %s, %c and %%. Between the % and the conversion may stand the
 * flags - (left-justify) and 0 (pad a number with zeros after its sign)
 * and a field width in decimal: %5d, %-8s, %3ld, %02d. A value wider
 * than its field is never cut. There is no precision (%.2d) and no %*d;
 * an unknown conversion is printed as written.
 *
 * fmt_duration writes a time the way ps and top show it, as M:SS.cc.
 *
 * Each call collects its output in a buffer and writes it with one write
 * where it fits, so lines printed by processes running at the same time
 * do not interleave character by character on the console.
 */
#include <stdarg.h>

#include "kernel/types.h"
#include "user/ulib.h"

#define OUTBUF_SIZE 256   /* longer output takes several writes */
#define TO_STRING   (-1)  /* outbuf.fd of snprintf's buffer */
#define DECIMAL     10
#define HEX         16
#define NUM_MAX     (sizeof(uint64) * 8)   /* digits of a number, even in base 2 */

#define US_PER_CENTI  10000   /* microseconds in a hundredth of a second */
#define CENTI_PER_SEC 100
#define SEC_PER_MIN   60

/* Where the characters go: a buffer written to fd whenever it is full, or
   (fd TO_STRING) the caller's string, which keeps what fits. */
struct outbuf {
  int fd;
  char *buf;
  int size;
  int len;                /* characters in buf */
  int total;              /* characters produced, kept or not */
};

/* How one conversion is laid out: %-08ld is left, zero and width 8. */
struct spec {
  int left;               /* pad on the right */
  int zero;               /* pad a number with zeros between sign and digits */
  int width;              /* at least this many characters */
};

static const char hex_digits[] = "0123456789abcdef";

static void
flush(struct outbuf *out)
{
  if (out->fd != TO_STRING && out->len > 0)
    write(out->fd, out->buf, out->len);
  out->len = 0;
}

static void
put_char(struct outbuf *out, char c)
{
  out->total++;
  if (out->fd == TO_STRING) {
    if (out->len < out->size - 1)    /* room for the terminator */
      out->buf[out->len++] = c;
    return;
  }
  if (out->len == out->size)
    flush(out);
  out->buf[out->len++] = c;
}

static void
put_repeat(struct outbuf *out, char c, int n)
{
  for (; n > 0; n--)
    put_char(out, c);
}

/* prefix (a sign or 0x) and then the len characters of text, padded out
   to the width sp asks for. */
static void
put_field(struct outbuf *out, const struct spec *sp, const char *prefix,
          const char *text, int len)
{
  int pad = sp->width - (int)strlen(prefix) - len;

  if (!sp->left && !sp->zero)
    put_repeat(out, ' ', pad);
  while (*prefix != '\0')
    put_char(out, *prefix++);
  if (!sp->left && sp->zero)
    put_repeat(out, '0', pad);
  for (; len > 0; len--)
    put_char(out, *text++);
  if (sp->left)
    put_repeat(out, ' ', pad);
}

/* v's digits in base (10 or 16), with a minus sign if negative is set. */
static void
put_number(struct outbuf *out, const struct spec *sp, uint64 v, int base,
           int negative)
{
  char digits[NUM_MAX];
  char *first = digits + sizeof(digits);

  do {
    *--first = hex_digits[v % base];
    v /= base;
  } while (v != 0);
  put_field(out, sp, negative ? "-" : "", first, digits + sizeof(digits) - first);
}

static void
put_signed(struct outbuf *out, const struct spec *sp, int64 v)
{
  /* Negate as unsigned: -v overflows for the most negative value. */
  if (v < 0)
    put_number(out, sp, 0 - (uint64)v, DECIMAL, 1);
  else
    put_number(out, sp, v, DECIMAL, 0);
}

/* All 16 hex digits, leading zeros too, so pointers line up. */
static void
put_pointer(struct outbuf *out, const struct spec *sp, uint64 p)
{
  char digits[sizeof(uint64) * 2];
  int i;

  for (i = sizeof(digits) - 1; i >= 0; i--, p >>= 4)
    digits[i] = hex_digits[p & 0xf];
  put_field(out, sp, "0x", digits, sizeof(digits));
}

static void
put_string(struct outbuf *out, const struct spec *sp, const char *s)
{
  if (s == 0)
    s = "(null)";
  put_field(out, sp, "", s, strlen(s));
}

/* Reads the flags and width after a '%' into sp; returns what follows. */
static const char *
parse_spec(const char *fmt, struct spec *sp)
{
  sp->left = sp->zero = sp->width = 0;
  for (;; fmt++) {
    if (*fmt == '-')
      sp->left = 1;
    else if (*fmt == '0')
      sp->zero = 1;
    else
      break;
  }
  for (; *fmt >= '0' && *fmt <= '9'; fmt++)
    sp->width = sp->width * DECIMAL + (*fmt - '0');
  return fmt;
}

static void
format(struct outbuf *out, const char *fmt, va_list ap)
{
  const char *conv;
  struct spec sp;
  char c;
  int longarg;

  for (; *fmt != '\0'; fmt++) {
    if (*fmt != '%') {
      put_char(out, *fmt);
      continue;
    }
    conv = fmt;            /* kept to echo an unknown conversion */
    fmt = parse_spec(fmt + 1, &sp);
    longarg = 0;
    while (*fmt == 'l') {  /* l and ll both mean 64 bits here */
      longarg = 1;
      fmt++;
    }
    switch (*fmt) {
    case 'd':
      put_signed(out, &sp, longarg ? va_arg(ap, int64) : va_arg(ap, int));
      break;
    case 'u':
      put_number(out, &sp, longarg ? va_arg(ap, uint64) : va_arg(ap, uint), DECIMAL, 0);
      break;
    case 'x':
      put_number(out, &sp, longarg ? va_arg(ap, uint64) : va_arg(ap, uint), HEX, 0);
      break;
    case 'p':
      put_pointer(out, &sp, (uint64)va_arg(ap, void *));
      break;
    case 's':
      sp.zero = 0;         /* zeros are for numbers; text pads with spaces */
      put_string(out, &sp, va_arg(ap, const char *));
      break;
    case 'c':
      sp.zero = 0;
      c = va_arg(ap, int);
      put_field(out, &sp, "", &c, 1);
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
  char buf[OUTBUF_SIZE];
  struct outbuf out = { .fd = fd, .buf = buf, .size = sizeof(buf) };

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

/*
 * Formats into buf, keeping at most size-1 characters and always
 * terminating it (if size > 0). Returns the length the whole output has,
 * as C's snprintf does: a result >= size means it was cut short.
 */
static int
to_string(char *buf, int size, const char *fmt, va_list ap)
{
  struct outbuf out = { .fd = TO_STRING, .buf = buf, .size = size };

  format(&out, fmt, ap);
  if (size > 0)
    buf[out.len] = '\0';
  return out.total;
}

/* to_string with the arguments given directly, for the library's own use
   (a program may replace the weak snprintf). */
static int
format_string(char *buf, int size, const char *fmt, ...)
{
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = to_string(buf, size, fmt, ap);
  va_end(ap);
  return n;
}

ULIB_EXTRA int
vsnprintf(char *buf, int size, const char *fmt, va_list ap)
{
  return to_string(buf, size, fmt, ap);
}

ULIB_EXTRA int
snprintf(char *buf, int size, const char *fmt, ...)
{
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(buf, size, fmt, ap);
  va_end(ap);
  return n;
}

/* us microseconds as minutes:seconds.hundredths, e.g. 0:12.34, in buf
   (DURATION_MAX bytes hold any). Returns buf. */
ULIB_EXTRA char *
fmt_duration(char *buf, int size, uint64 us)
{
  uint64 centis = us / US_PER_CENTI;
  uint64 secs = centis / CENTI_PER_SEC;

  format_string(buf, size, "%lu:%02lu.%02lu",
           secs / SEC_PER_MIN, secs % SEC_PER_MIN, centis % CENTI_PER_SEC);
  return buf;
}
