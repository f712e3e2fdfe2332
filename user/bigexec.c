/*
 * bigexec: a program of over 1 MiB (160 KiB of initialized data, 32 KiB
 * of code, 800 KiB of bss) for seeing lazy loading at work: exec reads
 * none of it, and each page comes in at its first touch.
 *
 *   bigexec              touch nothing; print the counts
 *   bigexec touch N      read N data pages (checking each holds what the
 *                        file says) and N bss pages (checking zeros)
 *   bigexec nops         run the 32 KiB of code
 *   bigexec wait FD      run the code, print "ready", then wait until FD
 *                        (a pipe) ends
 *   bigexec copies       let the kernel copy into and out of pages not yet
 *                        touched (read, write, pipe, wait, fstat) and check
 *                        each holds what it should
 *
 * Then it prints "faults F rss R vsz V" (its own procinfo: page faults
 * served, resident and virtual size in KiB). Exit status 1 if a page
 * held the wrong bytes.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/riscv.h"
#include "kernel/stat.h"
#include "user/ulib.h"

#define DATA_PAGES 40
#define BSS_PAGES  200

struct page {
  uint64 index;   /* which page this is, so a page read from the wrong offset shows */
  char fill[PGSIZE - sizeof(uint64)];
};

#define P(i) [i] = { i, { 'd' } }
#define P4(i) P(i), P(i + 1), P(i + 2), P(i + 3)
#define P16(i) P4(i), P4(i + 4), P4(i + 8), P4(i + 12)
/* Not static: the compiler must not fold away memory it sees no store to. */
struct page data[DATA_PAGES] = { P16(0), P16(16), P4(32), P4(36) };
struct page bss[BSS_PAGES];

/* 32 KiB of instructions, 8 pages of text. */
static void nops(void)
{
  /* norvc: 4-byte nops, not the compressed 2-byte ones */
  asm volatile(".option push\n .option norvc\n .rept 8192\n nop\n .endr\n .option pop");
}

/* A page of read-only data nothing else touches. */
static const char ro_page[PGSIZE] __attribute__((aligned(PGSIZE))) = "read-only page";

static int check(int ok, const char *what)
{
  if (!ok)
    printf("bigexec: copies: %s\n", what);
  return !ok;
}

/* The kernel's copies meet pages of every kind before the program does. */
static int copies(void)
{
  int bad = 0, p[2];
  if (pipe(p) < 0)
    return check(0, "pipe failed");
  /* read() into a data page: the rest of the page must still be the file's. */
  write(p[1], "0123456789", 10);
  bad |= check(read(p[0], data[36].fill, 10) == 10, "read into an untouched data page failed");
  bad |= check(data[36].index == 36 && data[36].fill[9] == '9' && data[36].fill[10] == 0,
               "an untouched data page read into lost its file contents");
  /* read() into bss and heap pages. */
  write(p[1], "abc", 3);
  bad |= check(read(p[0], bss[150].fill, 3) == 3 && bss[150].fill[2] == 'c' && bss[150].index == 0,
               "read into an untouched bss page");
  char *heap = sbrk(4 * PGSIZE);
  write(p[1], "xyz", 3);
  bad |= check(read(p[0], heap + 2 * PGSIZE + 5, 3) == 3 && heap[2 * PGSIZE + 7] == 'z',
               "read into an untouched heap page");
  /* write() from untouched data and read-only pages. */
  char buf[16];
  bad |= check(write(p[1], &data[37].index, sizeof(uint64)) == sizeof(uint64) &&
               read(p[0], buf, sizeof(uint64)) == sizeof(uint64) && buf[0] == 37,
               "write from an untouched data page");
  bad |= check(write(p[1], ro_page, 14) == 14 && read(p[0], buf, 14) == 14 &&
               memcmp(buf, "read-only page", 14) == 0,
               "write from an untouched read-only page");
  /* read() into program text is refused. */
  write(p[1], "q", 1);
  bad |= check(read(p[0], (char *)ro_page, 1) < 0, "read into read-only data worked");
  close(p[0]);
  close(p[1]);
  /* wait() and fstat() storing into untouched data pages. */
  int pid = fork();
  if (pid == 0)
    exit(7);
  int *status = (int *)&data[38].fill[8];
  bad |= check(wait(status) == pid && *status == 7 && data[38].index == 38,
               "wait into an untouched data page");
  int fd = open("/bigexec", O_RDONLY);
  struct stat *st = (struct stat *)&data[39].fill[16];
  bad |= check(fstat(fd, st) == 0 && st->type == T_FILE && data[39].index == 39,
               "fstat into an untouched data page");
  close(fd);
  return bad;
}

static int touch(int n)
{
  int bad = 0;
  for (int i = 0; i < n && i < DATA_PAGES; i++) {
    if (data[i].index != (uint64)i || data[i].fill[0] != 'd' || data[i].fill[1] != 0) {
      printf("bigexec: data page %d holds index %lu, fill %d %d\n", i, data[i].index,
             data[i].fill[0], data[i].fill[1]);
      bad = 1;
    }
  }
  for (int i = 0; i < n && i < BSS_PAGES; i++) {
    if (bss[i].index != 0 || bss[i].fill[100] != 0) {
      printf("bigexec: bss page %d is not zero\n", i);
      bad = 1;
    }
  }
  return bad;
}

int main(int argc, char *argv[])
{
  int bad = 0;
  if (argc == 3 && strcmp(argv[1], "touch") == 0) {
    bad = touch(atoi(argv[2]));
  } else if (argc == 2 && strcmp(argv[1], "copies") == 0) {
    bad = copies();
  } else if (argc == 2 && strcmp(argv[1], "nops") == 0) {
    nops();
  } else if (argc == 3 && strcmp(argv[1], "wait") == 0) {
    nops();
    printf("ready\n");
    char c;
    while (read(atoi(argv[2]), &c, 1) > 0)
      ;
  } else if (argc != 1) {
    fprintf(2, "usage: bigexec [touch N | nops | wait FD | copies]\n");
    exit(2);
  }
  struct procinfo pi;
  if (procinfo(getpid(), &pi, 1) != 1) {
    fprintf(2, "bigexec: procinfo: %s\n", strerror(errno));
    exit(2);
  }
  printf("faults %lu rss %lu vsz %lu\n", pi.faults, pi.rss / 1024, pi.vsz / 1024);
  exit(bad);
}
