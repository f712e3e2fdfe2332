/*
 * cat: copy each named file, or standard input if there is none, to
 * standard output.
 */
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "user/ulib.h"

#define BUF_SIZE 512

static char buf[BUF_SIZE];

/* Copies fd to standard output; name is only for messages. Exits on error. */
static void
copy(int fd, const char *name)
{
  int n;

  while ((n = read(fd, buf, sizeof(buf))) > 0) {
    if (write(1, buf, n) != n) {
      fprintf(2, "cat: write error\n");
      exit(1);
    }
  }
  if (n < 0) {
    fprintf(2, "cat: %s: %s\n", name, strerror(errno));
    exit(1);
  }
}

int
main(int argc, char *argv[])
{
  int i, fd;
  struct stat st;

  if (argc < 2) {
    copy(0, "standard input");
    return 0;
  }
  for (i = 1; i < argc; i++) {
    fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      fprintf(2, "cat: cannot open %s\n", argv[i]);
      exit(1);
    }
    /* A directory holds struct dirents, not text; say so rather than
       print its raw bytes. */
    if (fstat(fd, &st) == 0 && st.type == T_DIR) {
      fprintf(2, "cat: %s: is a directory\n", argv[i]);
      exit(1);
    }
    copy(fd, argv[i]);
    close(fd);
  }
  return 0;
}
