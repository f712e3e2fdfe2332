/*
 * grep: print the lines of each file (or of standard input) that match a
 * pattern.
 *
 * Patterns are a small subset of regular expressions: c matches itself,
 * . any character, c* zero or more of c, ^ anchors at the start of the
 * line and a final $ at its end. The matcher is the backtracking design
 * Kernighan and Pike describe; it needs no memory beyond the strings.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/ulib.h"

#define BUF_SIZE 1024   /* longer lines are matched in pieces of this size */

static char buf[BUF_SIZE];

static int match_here(const char *re, const char *text);

/* Does pattern character c match character t? */
static int
char_matches(char c, char t)
{
  return c == '.' || c == t;
}

/*
 * Matches c* followed by re at text: tries zero copies of c first, then
 * one more each time, so the star takes the shortest run that lets the
 * rest of the pattern match.
 */
static int
match_star(char c, const char *re, const char *text)
{
  for (;;) {
    if (match_here(re, text))
      return 1;
    if (*text == '\0' || !char_matches(c, *text))
      return 0;
    text++;
  }
}

/* Does re match at the very beginning of text? */
static int
match_here(const char *re, const char *text)
{
  for (; re[0] != '\0'; re++, text++) {
    if (re[1] == '*')
      return match_star(re[0], re + 2, text);
    if (re[0] == '$' && re[1] == '\0')
      return *text == '\0';
    if (*text == '\0' || !char_matches(re[0], *text))
      return 0;
  }
  return 1;
}

/* Does re match anywhere in text? */
static int
match(const char *re, const char *text)
{
  if (re[0] == '^')
    return match_here(re + 1, text);
  for (;;) {   /* every starting point, the empty tail included */
    if (match_here(re, text))
      return 1;
    if (*text++ == '\0')
      return 0;
  }
}

/* Prints line (len bytes, no newline) with a newline if it matches. */
static void
check_line(const char *pattern, char *line, int len)
{
  line[len] = '\0';
  if (!match(pattern, line))
    return;
  line[len] = '\n';
  if (write(1, line, len + 1) != len + 1) {
    fprintf(2, "grep: write error\n");
    exit(1);
  }
}

static void
grep(const char *pattern, int fd, const char *name)
{
  int n, len = 0, start, i;

  /* buf holds len bytes; keep one byte free for the terminator. */
  while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0) {
    len += n;
    start = 0;
    for (i = 0; i < len; i++) {
      if (buf[i] == '\n') {
        check_line(pattern, buf + start, i - start);
        start = i + 1;
      }
    }
    if (start == 0 && len == sizeof(buf) - 1) {
      check_line(pattern, buf, len);   /* a line too long for buf */
      start = len;
    }
    memmove(buf, buf + start, len - start);
    len -= start;
  }
  if (n < 0) {
    fprintf(2, "grep: %s: %s\n", name, strerror(errno));
    exit(1);
  }
  if (len > 0)
    check_line(pattern, buf, len);     /* last line had no newline */
}

int
main(int argc, char *argv[])
{
  int i, fd;

  if (argc < 2) {
    fprintf(2, "usage: grep pattern [file ...]\n");
    exit(1);
  }
  if (argc == 2) {
    grep(argv[1], 0, "standard input");
    return 0;
  }
  for (i = 2; i < argc; i++) {
    fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      fprintf(2, "grep: cannot open %s\n", argv[i]);
      exit(1);
    }
    grep(argv[1], fd, argv[i]);
    close(fd);
  }
  return 0;
}
