/*
 * ls: list files. For each argument (default ".") that is a directory, one
 * line per entry; otherwise one line for the file itself. Each line shows
 * the name padded to DIRSIZ, the type (T_DIR, T_FILE or T_DEVICE from
 * kernel/stat.h), the inode number and the size in bytes, as xv6's ls does.
 */
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/param.h"
#include "user/ulib.h"

/* The last component of path, padded with spaces to DIRSIZ characters
   so the columns line up. */
static char *
column_name(const char *path)
{
  static char name[DIRSIZ + 1];
  const char *p = path + strlen(path);
  uint n;

  while (p > path && p[-1] != '/')
    p--;
  n = strlen(p);
  if (n > DIRSIZ)
    n = DIRSIZ;
  memmove(name, p, n);
  memset(name + n, ' ', DIRSIZ - n);
  name[DIRSIZ] = '\0';
  return name;
}

static void
print_entry(const char *path, const struct stat *st)
{
  printf("%s %d %u %ld\n", column_name(path), st->type, st->ino, st->size);
}

/* Lists the directory open on fd, whose name is dir. Returns 0 or -1. */
static int
list_dir(int fd, const char *dir)
{
  char path[MAXPATH];
  struct dirent de;
  struct stat st;
  uint len = strlen(dir);
  int status = 0, n;

  if (len + 1 + DIRSIZ + 1 > sizeof(path)) {
    fprintf(2, "ls: %s: path too long\n", dir);
    return -1;
  }
  strcpy(path, dir);
  path[len++] = '/';
  while ((n = read(fd, &de, sizeof(de))) == sizeof(de)) {
    if (de.inum == 0)   /* an unused slot */
      continue;
    /* A name of exactly DIRSIZ characters has no terminator. */
    memmove(path + len, de.name, DIRSIZ);
    path[len + DIRSIZ] = '\0';
    if (stat(path, &st) < 0) {
      fprintf(2, "ls: cannot stat %s: %s\n", path, strerror(errno));
      status = -1;
      continue;
    }
    print_entry(path, &st);
  }
  /* A directory that cannot be read must not look empty. */
  if (n < 0) {
    fprintf(2, "ls: cannot read %s: %s\n", dir, strerror(errno));
    status = -1;
  } else if (n > 0) {
    fprintf(2, "ls: %s ends in part of an entry\n", dir);
    status = -1;
  }
  return status;
}

/* Lists one argument. Returns 0 or -1. */
static int
ls(const char *path)
{
  int fd, r = 0;
  struct stat st;

  fd = open(path, O_RDONLY);
  if (fd < 0) {
    fprintf(2, "ls: cannot open %s: %s\n", path, strerror(errno));
    return -1;
  }
  if (fstat(fd, &st) < 0) {
    fprintf(2, "ls: cannot stat %s: %s\n", path, strerror(errno));
    r = -1;
  } else if (st.type == T_DIR) {
    r = list_dir(fd, path);
  } else {
    print_entry(path, &st);
  }
  close(fd);
  return r;
}

int
main(int argc, char *argv[])
{
  int i, status = 0;

  if (argc < 2)
    return ls(".") < 0;
  for (i = 1; i < argc; i++) {
    if (ls(argv[i]) < 0)
      status = 1;
  }
  return status;
}
