/*
 * wc: count the lines, words and bytes of each file, or of standard input,
 * and print them with the file's name. A word is a run of characters
 * other than space, tab, carriage return, newline and vertical tab.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/ulib.h"

#define BUF_SIZE 512

static char buf[BUF_SIZE];

static int
is_space(char c)
{
  return strchr(" \t\r\n\v", c) != 0;
}

static void
wc(int fd, const char *name)
{
  int n, i, lines = 0, words = 0, bytes = 0, in_word = 0;

  while ((n = read(fd, buf, sizeof(buf))) > 0) {
    bytes += n;
    for (i = 0; i < n; i++) {
      if (buf[i] == '\n')
        lines++;
      if (is_space(buf[i])) {
        in_word = 0;
      } else if (!in_word) {
        words++;
        in_word = 1;
      }
    }
  }
  if (n < 0) {
    fprintf(2, "wc: %s: %s\n", name, strerror(errno));
    exit(1);
  }
  printf("%d %d %d %s\n", lines, words, bytes, name);
}

int
main(int argc, char *argv[])
{
  int i, fd;

  if (argc < 2) {
    wc(0, "");
    return 0;
  }
  for (i = 1; i < argc; i++) {
    fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      fprintf(2, "wc: cannot open %s\n", argv[i]);
      exit(1);
    }
    wc(fd, argv[i]);
    close(fd);
  }
  return 0;
}
