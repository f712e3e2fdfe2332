/*
 * forktest: fork until the process table is full, then wait for every
 * child. Checks that fork fails cleanly when it runs out of process slots
 * (instead of succeeding forever or crashing) and that wait reports each
 * child exactly once.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "user/ulib.h"

/* More forks than NPROC can possibly allow: reaching it means fork never
   failed. */
#define MAX_FORKS (NPROC * 16)

int
main(int argc, char *argv[])
{
  int n, pid;

  if (argc != 1) {
    fprintf(2, "usage: forktest\n");
    exit(1);
  }
  printf("fork test\n");

  for (n = 0; n < MAX_FORKS; n++) {
    pid = fork();
    if (pid < 0)
      break;
    if (pid == 0)
      exit(0);   /* stays a zombie, holding its slot, until waited for */
  }
  if (n == MAX_FORKS) {
    fprintf(2, "forktest: fork claimed to work %d times\n", MAX_FORKS);
    exit(1);
  }
  /* This process and init hold slots too, so at most NPROC - 2 children. */
  if (n == 0 || n > NPROC - 2) {
    fprintf(2, "forktest: %d forks succeeded, expected 1 to %d\n", n, NPROC - 2);
    exit(1);
  }

  for (; n > 0; n--) {
    if (wait(0) < 0) {
      fprintf(2, "forktest: wait stopped early, %d children missing\n", n);
      exit(1);
    }
  }
  if (wait(0) != -1) {
    fprintf(2, "forktest: wait got too many children\n");
    exit(1);
  }
  printf("fork test OK\n");
  return 0;
}
