/*
 * trap.h: the trap path and the context switch (kernel/riscv/).
 *
 * The register layouts here are shared with assembly: uservec and
 * userret (trapvec.S) use struct trapframe, swtch (swtch.S) struct
 * context, fpu.S struct fpstate. trap.c checks each layout against the
 * offsets the assembly uses, so the two cannot drift apart.
 */
#ifndef KERNEL_RISCV_TRAP_H
#define KERNEL_RISCV_TRAP_H

#include "kernel/types.h"

/* Callee-saved registers that swtch saves and restores. */
struct context {
  uint64 ra;
  uint64 sp;
  uint64 s[12];
};

/*
 * User registers, saved by uservec on every trap from user mode and
 * restored by userret. regs[i] holds register x(i+1): ra, sp, gp, tp,
 * t0-t2, s0, s1, a0-a7, s2-s11, t3-t6. The named fields alias the ones
 * course material uses.
 */
struct trapframe {
  union {
    uint64 regs[31];
    struct {
      uint64 ra, sp, gp, tp, t0, t1, t2, s0, s1;
      uint64 a0, a1, a2, a3, a4, a5, a6, a7;
      uint64 s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
      uint64 t3, t4, t5, t6;
    };
  };
  uint64 epc;         /* user pc at the trap */
  uint64 kernel_sp;   /* top of this process's kernel stack */
  uint64 kernel_cpu;  /* tp value for the kernel: this hart's struct cpu* */
};

/* Floating-point registers, saved while the process is not in user mode. */
struct fpstate {
  uint64 f[32];
  uint64 fcsr;
};

void trap_early(void);                  /* until trap_inithart: an early trap panics, saying why */
void trap_inithart(void);               /* stvec, interrupt enables, counters */
void usertrapret(void) __attribute__((noreturn)); /* return to user mode */
void swtch(struct context *old, struct context *new);
void fpu_save(struct fpstate *fp);
void fpu_restore(struct fpstate *fp);

#endif
