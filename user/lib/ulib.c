/*
 * ulib.c: small helpers of the user library built on system calls:
 * reading a line (gets), stat by path, sbrklazy, and parsing a decimal number
 * (is_number to check an argument, atoi to convert it).
 */
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "user/ulib.h"

/*
 * Reads standard input into buf until a newline or carriage return (kept
 * in buf), end of input, or max-1 characters, and terminates the string.
 * One byte per read, so nothing past the line is consumed: a shell reading
 * commands leaves the rest of its input to the programs it runs.
 * At end of input buf holds the empty string.
 */
char *
gets(char *buf, int max)
{
  int n = 0;
  char c;

  while (n + 1 < max) {
    if (read(0, &c, 1) < 1)
      break;
    buf[n++] = c;
    if (c == '\n' || c == '\r')
      break;
  }
  buf[n] = '\0';
  return buf;
}

/* The 2024-25 xv6 call for memory whose pages appear at first touch.
   Every page of sbrk comes at once for now, so it is sbrk itself. */
ULIB_EXTRA char *
sbrklazy(int nbytes)
{
  return sbrk(nbytes);
}

/* The 2024-25 xv6 call behind sbrk and sbrklazy; how is SBRK_EAGER or
   SBRK_LAZY, the same thing here for now. */
ULIB_EXTRA char *
sys_sbrk(int nbytes, int how)
{
  return sbrk(nbytes);
}

/* fstat by path. Returns 0, or -1 (errno set) if path cannot be opened. */
int
stat(const char *path, struct stat *st)
{
  int fd, r, err;

  fd = open(path, O_RDONLY);
  if (fd < 0)
    return -1;
  r = fstat(fd, st);
  err = errno;     /* close must not hide why fstat failed */
  close(fd);
  errno = err;
  return r;
}

/*
 * Converts a decimal number with an optional leading '-'; parsing stops at
 * the first character that is not a digit, and no digits at all give 0.
 */
int
atoi(const char *s)
{
  int sign = 1, n = 0;

  if (*s == '-') {
    sign = -1;
    s++;
  }
  for (; *s >= '0' && *s <= '9'; s++)
    n = n * 10 + (*s - '0');
  return sign * n;
}

/* Is s a decimal number: digits only, at least one, no sign? What a
   program checks an argument with before handing it to atoi. */
ULIB_EXTRA int
is_number(const char *s)
{
  if (*s == '\0')
    return 0;
  for (; *s != '\0'; s++) {
    if (*s < '0' || *s > '9')
      return 0;
  }
  return 1;
}
