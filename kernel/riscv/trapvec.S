# trapvec.S: the first and last instructions of every trap.
#
# trapvec is stvec always, for traps from user mode and from the kernel
# alike: under QEMU each CSR access ends a translated block, so a trap
# that also switched stvec twice would cost two more. sscratch tells the
# two apart: it holds the process's trapframe while the hart is in user
# mode (a kernel address: the kernel is mapped in every address space, so
# no satp change is needed), and 0 while it is in the kernel.
#
# uservec saves all 31 user registers and sepc in the trapframe, sets
# sscratch to 0, loads the kernel stack and this hart's cpu pointer (tp)
# from the trapframe, and calls usertrap() in trap.c, which never returns
# here. userret(trapframe) does the reverse and srets to user mode.
#
# kernelvec saves the caller-saved registers on the current kernel stack,
# calls kerneltrap() and returns to the interrupted kernel code.

#define REG(n)      ((n) - 1) * 8     /* offset of x(n) in struct trapframe */
#define TF_EPC      31 * 8
#define TF_KSP      32 * 8
#define TF_KCPU     33 * 8
#define A0          10

.macro save_user n
        sd x\n, REG(\n)(a0)
.endm
.macro load_user n
        ld x\n, REG(\n)(a0)
.endm

.section .text.hot
.balign 4
.global trapvec
trapvec:
        csrrw a0, sscratch, a0          # from user mode a0 = trapframe; from the kernel 0
        beqz a0, kernelvec
.global uservec
uservec:
        .irp n, 1,2,3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        save_user \n
        .endr
        csrrw t0, sscratch, zero        # t0 = user a0; sscratch = 0: in the kernel now
        sd t0, REG(A0)(a0)
        csrr t0, sepc
        sd t0, TF_EPC(a0)
        ld sp, TF_KSP(a0)
        ld tp, TF_KCPU(a0)
        call usertrap                   # does not return

# userret(struct trapframe *tf): a0 = tf; sstatus and sepc are set, and
# interrupts are off until the sret.
.global userret
userret:
        csrw sscratch, a0               # in user mode from here on, for trapvec
        .irp n, 1,2,3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        load_user \n
        .endr
        ld a0, REG(A0)(a0)
        sret

# Registers the C calling convention does not preserve, plus ra.
#define KFRAME_WORDS 16
.global kernelvec
kernelvec:
        csrrw a0, sscratch, a0          # a0 back, and sscratch 0 again
        addi sp, sp, -KFRAME_WORDS * 8
        sd ra, 0(sp)
        sd t0, 8(sp)
        sd t1, 16(sp)
        sd t2, 24(sp)
        sd a0, 32(sp)
        sd a1, 40(sp)
        sd a2, 48(sp)
        sd a3, 56(sp)
        sd a4, 64(sp)
        sd a5, 72(sp)
        sd a6, 80(sp)
        sd a7, 88(sp)
        sd t3, 96(sp)
        sd t4, 104(sp)
        sd t5, 112(sp)
        sd t6, 120(sp)
        call kerneltrap
        ld ra, 0(sp)
        ld t0, 8(sp)
        ld t1, 16(sp)
        ld t2, 24(sp)
        ld a0, 32(sp)
        ld a1, 40(sp)
        ld a2, 48(sp)
        ld a3, 56(sp)
        ld a4, 64(sp)
        ld a5, 72(sp)
        ld a6, 80(sp)
        ld a7, 88(sp)
        ld t3, 96(sp)
        ld t4, 104(sp)
        ld t5, 112(sp)
        ld t6, 120(sp)
        addi sp, sp, KFRAME_WORDS * 8
        sret
