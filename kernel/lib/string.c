/*
 * string.c: memory and string helpers (kernel/lib/string.h).
 * The compiler may also emit calls to memset, memcpy and memmove itself.
 */
#include "kernel/lib/string.h"
#include "kernel/lib/hot.h"

#define WORD sizeof(uint64)
#define ALIGNED(p) (((uint64)(p) & (WORD - 1)) == 0)

/* Word stores when dst is aligned: pages are filled and cleared often. */
HOT void *memset(void *dst, int c, uint64 n)
{
  uchar *d = dst;
  uint64 i = 0;
  if (ALIGNED(d)) {
    uint64 word = 0x0101010101010101UL * (uchar)c;
    /* Eight words a turn: a page (zeroing one is the kernel's most common
       memset) takes 64 turns, and QEMU runs fewer loop instructions. */
    for (; i + 8 * WORD <= n; i += 8 * WORD) {
      uint64 *w = (uint64 *)(d + i);
      w[0] = w[1] = w[2] = w[3] = w[4] = w[5] = w[6] = w[7] = word;
    }
    for (; i + WORD <= n; i += WORD)
      *(uint64 *)(d + i) = word;
  }
  for (; i < n; i++)
    d[i] = (uchar)c;
  return dst;
}

/* Handles overlap: copies backwards when dst lies above src. */
HOT void *memmove(void *dst, const void *src, uint64 n)
{
  uchar *d = dst;
  const uchar *s = src;
  if (s < d && s + n > d) {
    while (n-- > 0)
      d[n] = s[n];
  } else {
    uint64 i = 0;
    if (ALIGNED(d) && ALIGNED(s)) {
      for (; i + 8 * WORD <= n; i += 8 * WORD) { /* as memset: a page in 64 turns */
        uint64 *w = (uint64 *)(d + i);
        const uint64 *r = (const uint64 *)(s + i);
        uint64 a = r[0], b = r[1], c = r[2], e = r[3], f = r[4], g = r[5], h = r[6], k = r[7];
        w[0] = a, w[1] = b, w[2] = c, w[3] = e, w[4] = f, w[5] = g, w[6] = h, w[7] = k;
      }
      for (; i + WORD <= n; i += WORD)
        *(uint64 *)(d + i) = *(const uint64 *)(s + i);
    }
    for (; i < n; i++)
      d[i] = s[i];
  }
  return dst;
}

void *memcpy(void *dst, const void *src, uint64 n)
{
  return memmove(dst, src, n);
}

int strlen(const char *s)
{
  int n = 0;
  while (s[n])
    n++;
  return n;
}

int strcmp(const char *a, const char *b)
{
  for (; *a != '\0' && *a == *b; a++, b++)
    ;
  return (uchar)*a - (uchar)*b;
}

int strncmp(const char *a, const char *b, uint64 n)
{
  for (; n > 0; n--, a++, b++) {
    if (*a != *b || *a == '\0')
      return (uchar)*a - (uchar)*b;
  }
  return 0;
}

char *strncpy(char *dst, const char *src, int n)
{
  int i = 0;
  for (; i < n && src[i]; i++)
    dst[i] = src[i];
  for (; i < n; i++)
    dst[i] = '\0';
  return dst;
}

char *safestrcpy(char *dst, const char *src, int n)
{
  if (n <= 0)
    return dst;
  int i = 0;
  for (; i < n - 1 && src[i]; i++)
    dst[i] = src[i];
  dst[i] = '\0';
  return dst;
}
