/*
 * trap.c: handling traps: system calls, interrupts and exceptions.
 *
 * From user mode: uservec (trapvec.S) saves the user registers in the
 * trapframe and calls usertrap(), which saves dirty FP state, dispatches
 * on scause, and leaves through usertrapret(), which restores FP state
 * and calls userret. A fault in user mode kills only that process.
 * From supervisor mode: kernelvec calls kerneltrap(), which handles
 * device and timer interrupts; any exception in the kernel is a bug and
 * panics with the cause, pc and address.
 */
#include <stddef.h>

#include "kernel/types.h"
#include "kernel/errno.h"
#include "kernel/memlayout.h"
#include "kernel/mm/fault.h"
#include "kernel/lib/printf.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/signal.h"
#include "kernel/proc/sysarg.h"
#include "kernel/dev/irq.h"
#include "kernel/riscv/csr.h"
#include "kernel/riscv/timer.h"
#include "kernel/riscv/trap.h"
#include "kernel/lib/hot.h"

/* The assembly in this directory knows these layouts by number. */
_Static_assert(offsetof(struct trapframe, a0) == 9 * 8, "trapvec.S: x10 at REG(10)");
_Static_assert(offsetof(struct trapframe, epc) == 31 * 8, "trapvec.S: TF_EPC");
_Static_assert(offsetof(struct trapframe, kernel_sp) == 32 * 8, "trapvec.S: TF_KSP");
_Static_assert(offsetof(struct trapframe, kernel_cpu) == 33 * 8, "trapvec.S: TF_KCPU");
_Static_assert(sizeof(struct context) == 14 * 8, "swtch.S: ra, sp, s0-s11");
_Static_assert(offsetof(struct fpstate, fcsr) == 32 * 8, "fpu.S: fcsr after f0-f31");

extern char trapvec[];
void userret(struct trapframe *tf) __attribute__((noreturn));

/* Which pid's FP registers each hart holds. The kernel never touches FP,
   so a process returning to user mode on the hart where it last ran in
   user mode, with no one else there since, still has its registers in
   place and needs no restore. [c]: each hart reads and writes only its
   own entry, with interrupts off (usertrapret). */
static int fp_owner[NCPU] HOT_DATA;

static const char *const cause_names[] = {
  [CAUSE_MISALIGNED_FETCH] = "misaligned instruction fetch",
  [CAUSE_FETCH_ACCESS] = "instruction access fault",
  [CAUSE_ILLEGAL_INSTRUCTION] = "illegal instruction",
  [CAUSE_BREAKPOINT] = "breakpoint",
  [CAUSE_MISALIGNED_LOAD] = "misaligned load",
  [CAUSE_LOAD_ACCESS] = "load access fault",
  [CAUSE_MISALIGNED_STORE] = "misaligned store",
  [CAUSE_STORE_ACCESS] = "store access fault",
  [CAUSE_USER_ECALL] = "ecall from user mode",
  [CAUSE_SUPERVISOR_ECALL] = "ecall from supervisor mode",
  [CAUSE_FETCH_PAGE_FAULT] = "instruction page fault",
  [CAUSE_LOAD_PAGE_FAULT] = "load page fault",
  [CAUSE_STORE_PAGE_FAULT] = "store page fault",
};

static int is_page_fault(uint64 scause)
{
  return scause == CAUSE_FETCH_PAGE_FAULT || scause == CAUSE_LOAD_PAGE_FAULT ||
         scause == CAUSE_STORE_PAGE_FAULT;
}

static const char *cause_name(uint64 scause)
{
  if (scause < sizeof(cause_names) / sizeof(cause_names[0]) && cause_names[scause])
    return cause_names[scause];
  return "unknown exception";
}

/*
 * Where a trap goes before trap_inithart: OpenSBI leaves stvec at the
 * kernel's entry, so without this an early trap would start the boot
 * over, silently. It never returns: the registers it clobbers do not
 * matter, and the boot stack is valid.
 */
__attribute__((aligned(4), noreturn)) static void early_trap(void)
{
  panic("early trap: %s (scause %p) at pc %p, address %p", cause_name(CSR_READ(scause)),
        (void *)CSR_READ(scause), (void *)CSR_READ(sepc), (void *)CSR_READ(stval));
}

void trap_early(void)
{
  CSR_WRITE(stvec, (uint64)early_trap);
}

/* sstatus for the sret to user mode: previous mode user, interrupts on
   after the sret (not before), the user's FP registers loaded and clean.
   The same on every hart, so usertrapret writes it without reading. */
static uint64 user_sstatus HOT_DATA;

void trap_inithart(void)
{
  CSR_WRITE(sscratch, 0); /* in the kernel (trapvec.S) */
  CSR_WRITE(stvec, trapvec);
  CSR_SET(sie, SIE_SEIE | SIE_SSIE);
  /* Let user programs read time, cycle and instret (fine-grained clocks). */
  CSR_WRITE(scounteren, SCOUNTEREN_CY | SCOUNTEREN_TM | SCOUNTEREN_IR);
  /* The kernel loads and saves user FP registers itself (fpu.S): the FPU
     must be on whatever state the firmware left it in. */
  uint64 sstatus = CSR_READ(sstatus) & ~(SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SPP | SSTATUS_FS);
  CSR_WRITE(sstatus, sstatus | SSTATUS_FS_INITIAL);
  user_sstatus = sstatus | SSTATUS_SPIE | SSTATUS_FS_CLEAN;
}

/* SLICE_ENDED: a timer interrupt that ended the running process's slice. */
enum intr_kind { NOT_AN_INTERRUPT, DEVICE_INTR, TIMER_INTR, SLICE_ENDED };

/* Handle an interrupt if scause is one. */
HOT static enum intr_kind handle_interrupt(uint64 scause)
{
  if ((scause & SCAUSE_INTR) == 0)
    return NOT_AN_INTERRUPT;
  switch (scause & ~SCAUSE_INTR) {
  case IRQ_S_EXT:
    irq_dispatch();
    return DEVICE_INTR;
  case IRQ_S_TIMER:
    return timer_intr() ? SLICE_ENDED : TIMER_INTR;
  case IRQ_S_SOFT:
    /* An IPI: it ends a wfi in the scheduler, or makes the running
       process look at its hart's resched flag (should_yield). */
    CSR_CLEAR(sip, SIP_SSIP);
    return DEVICE_INTR;
  default:
    printf("trap: unexpected interrupt, scause %p\n", (void *)scause);
    return DEVICE_INTR;
  }
}

/* Should the process give up its hart now: its slice has ended, or the
   policy wants the hart for someone more deserving? */
HOT static int should_yield(enum intr_kind kind)
{
  if (kind == SLICE_ENDED)
    return 1;
  return THIS_CPU_INT(resched);
}

/* Say why a user trap kills p (err: what serving it returned). */
static void report_fault(struct proc *p, uint64 scause, int err, uint64 pc, uint64 addr)
{
  if (!is_page_fault(scause))
    printf("pid %d %s: killed: %s at pc %p, address %p\n", p->pid, p->name, cause_name(scause),
           (void *)pc, (void *)addr);
  else if (err == -EFAULT)
    printf("pid %d %s: segmentation fault at %p, pc %p (%s)\n", p->pid, p->name, (void *)addr,
           (void *)pc, cause_name(scause));
  else
    printf("pid %d %s: killed: %s serving a %s at %p, pc %p\n", p->pid, p->name,
           err == -ENOMEM ? "out of memory" : "I/O error reading its program", cause_name(scause),
           (void *)addr, (void *)pc);
}

HOT void usertrap(void)
{
  struct proc *p = myproc();
  uint64 scause = CSR_READ(scause);

  uint64 now = r_time();
  p->utime += now - p->acct_mark;
  p->acct_mark = now;
  p->in_user = 0;

  if ((CSR_READ(sstatus) & SSTATUS_FS) == SSTATUS_FS_DIRTY) {
    fpu_save(&p->fp);
  }

  enum intr_kind kind = NOT_AN_INTERRUPT;
  if (scause == CAUSE_USER_ECALL) {
    if (proc_signal_hint(p) && proc_killed(p))
      proc_exit_killed();
    p->trapframe->epc += 4; /* return past the ecall */
    intr_on();
    syscall();
  } else if ((kind = handle_interrupt(scause)) == NOT_AN_INTERRUPT) {
    uint64 sepc = CSR_READ(sepc), stval = CSR_READ(stval);
    int r = -EFAULT;
    if (is_page_fault(scause)) {
      intr_on(); /* serving it may read the program file */
      r = mm_fault(scause, stval);
    }
    if (r < 0) {
      report_fault(p, scause, r, sepc, stval);
      proc_setkilled(p);
    }
  }

  if (should_yield(kind))
    proc_yield();
  usertrapret();
}

/* Return to user mode, after acting on pending signals (which may end or
   stop the process here). */
HOT void usertrapret(void)
{
  struct proc *p = myproc();
  /* Look with interrupts off: a signal sent after the look leaves its
     IPI pending until we are in user mode, which then traps at once. One
     sent before it is acted on here (with interrupts on: a stop sleeps). */
  for (;;) {
    intr_off();
    if (!proc_signal_hint(p) || !proc_signal_pending(p))
      break;
    intr_on();
    signal_check();
  }
  struct trapframe *tf = p->trapframe;
  tf->kernel_sp = p->kstack + KSTACK_SIZE;
  tf->kernel_cpu = (uint64)mycpu();

  int hart = cpuid();
  if (fp_owner[hart] != p->pid || p->fp_hart != hart) {
    fpu_restore(&p->fp);
    fp_owner[hart] = p->pid;
    p->fp_hart = hart;
  }

  CSR_WRITE(sstatus, user_sstatus);
  CSR_WRITE(sepc, tf->epc);

  uint64 now = r_time();
  p->stime += now - p->acct_mark;
  p->acct_mark = now;
  p->in_user = 1;
  userret(tf);
}

HOT void kerneltrap(void)
{
  uint64 sepc = CSR_READ(sepc);
  uint64 sstatus = CSR_READ(sstatus);
  uint64 scause = CSR_READ(scause);

  if ((sstatus & SSTATUS_SPP) == 0)
    panic("kerneltrap: trap came from user mode, scause %p", (void *)scause);
  if (intr_get())
    panic("kerneltrap: interrupts enabled");

  enum intr_kind kind = handle_interrupt(scause);
  if (kind == NOT_AN_INTERRUPT) {
    struct proc *p = myproc();
    panic("kerneltrap: %s at pc %p, address %p, hart %d, pid %d", cause_name(scause),
          (void *)sepc, (void *)CSR_READ(stval), cpuid(), p ? p->pid : 0);
  }

  /* Preempt a process's kernel thread, but not the scheduler. */
  if (myproc() != 0 && should_yield(kind))
    proc_yield();

  /* proc_yield may have run other traps: put back this one's state. */
  CSR_WRITE(sepc, sepc);
  CSR_WRITE(sstatus, sstatus);
}
