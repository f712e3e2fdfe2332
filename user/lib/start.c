/*
 * start.c: where every user program begins.
 *
 * exec enters _start with argc in a0 and argv in a1, exactly the arguments
 * of a C call, so _start can hand them to main unchanged. Returning from
 * main then means exit(status), as in standard C; without this a program
 * that returned would jump to a garbage return address.
 */
#include "kernel/types.h"
#include "user/user.h"

int main(int argc, char *argv[]);

/* Placed in .text.start so user.ld puts the entry point first in text. */
__attribute__((section(".text.start"), noreturn)) void
_start(int argc, char *argv[])
{
  exit(main(argc, argv));
}
