/*
 * echo: print the arguments, separated by spaces, and a newline.
 *
 * The line is assembled in a buffer first so that it normally reaches the
 * console or a pipe in a single write.
 */
#include "kernel/types.h"
#include "user/ulib.h"

#define BUF_SIZE 512

static char buf[BUF_SIZE];
static int buflen;

static void
flush(void)
{
  if (buflen > 0 && write(1, buf, buflen) != buflen) {
    fprintf(2, "echo: write error\n");
    exit(1);
  }
  buflen = 0;
}

static void
put(const char *s)
{
  for (; *s != '\0'; s++) {
    if (buflen == BUF_SIZE)
      flush();
    buf[buflen++] = *s;
  }
}

int
main(int argc, char *argv[])
{
  int i;

  for (i = 1; i < argc; i++) {
    if (i > 1)
      put(" ");
    put(argv[i]);
  }
  put("\n");
  flush();
  return 0;
}
