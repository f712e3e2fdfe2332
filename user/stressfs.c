/*
 * stressfs: several processes create, write, read back and remove files at
 * the same time, so that their file-system transactions overlap in the log
 * and their blocks compete for the buffer cache. Each worker checks that it
 * reads back exactly what it wrote.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/ulib.h"

#define NWORKERS  4
#define NCHUNKS   20    /* chunks each worker writes */
#define CHUNK     512   /* bytes per write */

static char data[CHUNK];
static char readback[CHUNK];

/* Worker i writes, verifies and removes its own file. Returns 0 or 1. */
static int
work(int i)
{
  char name[] = "stressfs.?";
  int fd, k;

  name[sizeof(name) - 2] = 'a' + i;
  memset(data, 'a' + i, sizeof(data));

  fd = open(name, O_CREATE | O_RDWR | O_TRUNC);
  if (fd < 0) {
    fprintf(2, "stressfs: create %s: %s\n", name, strerror(errno));
    return 1;
  }
  for (k = 0; k < NCHUNKS; k++) {
    if (write(fd, data, CHUNK) != CHUNK) {
      fprintf(2, "stressfs: write %s: %s\n", name, strerror(errno));
      return 1;
    }
  }
  close(fd);

  fd = open(name, O_RDONLY);
  if (fd < 0) {
    fprintf(2, "stressfs: reopen %s: %s\n", name, strerror(errno));
    return 1;
  }
  for (k = 0; k < NCHUNKS; k++) {
    if (read(fd, readback, CHUNK) != CHUNK || memcmp(readback, data, CHUNK) != 0) {
      fprintf(2, "stressfs: %s: chunk %d reads back wrong\n", name, k);
      return 1;
    }
  }
  if (read(fd, readback, CHUNK) != 0) {
    fprintf(2, "stressfs: %s: longer than written\n", name);
    return 1;
  }
  close(fd);

  if (unlink(name) < 0) {
    fprintf(2, "stressfs: unlink %s: %s\n", name, strerror(errno));
    return 1;
  }
  return 0;
}

int
main(int argc, char *argv[])
{
  int i, pid, status, failed = 0, started = 0;

  if (argc != 1) {
    fprintf(2, "usage: stressfs\n");
    exit(1);
  }
  printf("stressfs starting\n");

  for (i = 0; i < NWORKERS; i++) {
    pid = fork();
    if (pid < 0) {
      fprintf(2, "stressfs: fork: %s\n", strerror(errno));
      failed = 1;
      break;
    }
    if (pid == 0)
      exit(work(i));
    started++;
  }
  for (; started > 0; started--) {
    if (wait(&status) < 0 || status != 0)
      failed = 1;
  }

  if (failed) {
    printf("stressfs failed\n");
    return 1;
  }
  printf("stressfs ok\n");
  return 0;
}
