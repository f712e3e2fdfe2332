/*
 * trap.h: the trap path and the context switch (kernel/riscv/).
 */
#ifndef KERNEL_RISCV_TRAP_H
#define KERNEL_RISCV_TRAP_H

struct context;
struct fpstate;

void trap_inithart(void);               /* stvec, interrupt enables, counters */
void usertrapret(void) __attribute__((noreturn)); /* return to user mode */
void swtch(struct context *old, struct context *new);
void fpu_save(struct fpstate *fp);
void fpu_restore(struct fpstate *fp);

#endif
