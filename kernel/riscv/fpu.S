# fpu.S: save and restore a process's floating-point registers.
#
# fpu_save(struct fpstate *) and fpu_restore(struct fpstate *) move f0-f31
# and fcsr. The kernel is compiled without FP, so these are the only FP
# instructions it contains; trap.c calls them only while sstatus.FS is
# not Off. Layout: f[0..31] at 8*i, fcsr at 8*32.

.option push
.option arch, +d

.macro fsave i
        fsd f\i, (\i * 8)(a0)
.endm
.macro frestore i
        fld f\i, (\i * 8)(a0)
.endm

.section .text.hot   # fpu_restore runs at most switches (kernel/lib/hot.h)
.global fpu_save
fpu_save:
        .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        fsave \i
        .endr
        frcsr t0
        sd t0, (32 * 8)(a0)
        ret

.global fpu_restore
fpu_restore:
        .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        frestore \i
        .endr
        ld t0, (32 * 8)(a0)
        fscsr t0
        ret

.option pop
