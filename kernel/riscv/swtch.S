# swtch(struct context *old, struct context *new): the context switch.
#
# Saves the callee-saved registers (ra, sp, s0-s11) of the running kernel
# thread in *old and loads those of *new, so the `ret` at the end returns
# into whichever thread last called swtch with *new as its old context.
# Caller-saved registers need no saving: the C caller expects them lost.

#define CTX(n) (n) * 8   /* struct context: ra, sp, s[0..11] */

.section .text.hot
.global swtch
swtch:
        sd ra, CTX(0)(a0)
        sd sp, CTX(1)(a0)
        sd s0, CTX(2)(a0)
        sd s1, CTX(3)(a0)
        sd s2, CTX(4)(a0)
        sd s3, CTX(5)(a0)
        sd s4, CTX(6)(a0)
        sd s5, CTX(7)(a0)
        sd s6, CTX(8)(a0)
        sd s7, CTX(9)(a0)
        sd s8, CTX(10)(a0)
        sd s9, CTX(11)(a0)
        sd s10, CTX(12)(a0)
        sd s11, CTX(13)(a0)

        ld ra, CTX(0)(a1)
        ld sp, CTX(1)(a1)
        ld s0, CTX(2)(a1)
        ld s1, CTX(3)(a1)
        ld s2, CTX(4)(a1)
        ld s3, CTX(5)(a1)
        ld s4, CTX(6)(a1)
        ld s5, CTX(7)(a1)
        ld s6, CTX(8)(a1)
        ld s7, CTX(9)(a1)
        ld s8, CTX(10)(a1)
        ld s9, CTX(11)(a1)
        ld s10, CTX(12)(a1)
        ld s11, CTX(13)(a1)
        ret
