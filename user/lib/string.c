/*
 * string.c: the memory and string functions of the user library.
 *
 * Written for clarity rather than speed: byte at a time. The compiler may
 * also call memset, memcpy and memmove itself (for struct copies and large
 * initializers), so they must exist even in programs that never name them.
 */
#include "kernel/types.h"
#include "user/ulib.h"

uint
strlen(const char *s)
{
  uint n = 0;

  while (s[n] != '\0')
    n++;
  return n;
}

/* Copies src, terminator included, into dst; the caller guarantees room. */
char *
strcpy(char *dst, const char *src)
{
  char *d = dst;

  while ((*d++ = *src++) != '\0')
    ;
  return dst;
}

/* Compares as unsigned bytes, so the order is that of the character codes. */
int
strcmp(const char *a, const char *b)
{
  while (*a != '\0' && *a == *b) {
    a++;
    b++;
  }
  return (uchar)*a - (uchar)*b;
}

/* Like strcmp, but looks at no more than n characters. */
ULIB_EXTRA int
strncmp(const char *a, const char *b, uint n)
{
  for (; n > 0; n--, a++, b++) {
    if (*a != *b || *a == '\0')
      return (uchar)*a - (uchar)*b;
  }
  return 0;
}

/* Returns the first occurrence of c in s, or 0 if there is none. */
char *
strchr(const char *s, char c)
{
  for (; *s != '\0'; s++) {
    if (*s == c)
      return (char *)s;
  }
  return 0;
}

void *
memset(void *dst, int c, uint n)
{
  uchar *d = dst;

  while (n-- > 0)
    *d++ = c;
  return dst;
}

int
memcmp(const void *a, const void *b, uint n)
{
  const uchar *p = a, *q = b;

  for (; n > 0; n--, p++, q++) {
    if (*p != *q)
      return *p - *q;
  }
  return 0;
}

/*
 * The regions may overlap: when dst lies above src, copying from the front
 * would overwrite bytes of src before they are read, so copy from the back.
 */
void *
memmove(void *dst, const void *src, int n)
{
  uchar *d = dst;
  const uchar *s = src;

  if (n <= 0)
    return dst;
  if (d > s && d < s + n) {
    d += n;
    s += n;
    while (n-- > 0)
      *--d = *--s;
  } else {
    while (n-- > 0)
      *d++ = *s++;
  }
  return dst;
}

void *
memcpy(void *dst, const void *src, uint n)
{
  uchar *d = dst;
  const uchar *s = src;

  while (n-- > 0)
    *d++ = *s++;
  return dst;
}
