# entry.S: where every hart enters the kernel.
#
# OpenSBI jumps to _entry on the boot hart, and SBI HSM starts every other
# hart at _secondary, all in S-mode with paging off, a0 = hart id and a1 = the
# device tree's physical address (boot hart) or 0. We are running at the
# physical address the kernel was loaded at, but linked in the upper half.
# So: pick this hart's boot stack, turn on a small boot page table that maps
# the kernel both where it runs now and where it is linked, jump up to the
# linked address and call main(hartid, fdt, secondary) in main.c, which
# builds the real kernel page table.

#include "kernel/param.h"
#include "kernel/memlayout.h"

#define BOOT_STACK_SIZE 16384
#define PTE_LEAF_RWX    0xCF      /* V R W X A D */
#define GIGAPAGE_SHIFT  30
#define SATP_MODE_SV39  8

.section .text.entry
.global _entry
_entry:
        li a2, 0
        j common

.global _secondary
_secondary:
        li a2, 1

common:
        # A hart id we have no cpu slot for parks here forever.
        li t0, NCPU
        bgeu a0, t0, park

        # sp = boot_stacks + (hartid + 1) * BOOT_STACK_SIZE (physical for now).
        la sp, boot_stacks
        addi t0, a0, 1
        li t1, BOOT_STACK_SIZE
        mul t0, t0, t1
        add sp, sp, t0

        # Paging on with the boot page table.
        la t0, boot_pagetable
        srli t0, t0, 12
        li t1, SATP_MODE_SV39
        slli t1, t1, 60
        or t0, t0, t1
        csrw satp, t0
        sfence.vma zero, zero

        # Move sp and pc to the upper half. la is pc-relative, so load the
        # linked (absolute) address of `high` from memory instead.
        li t1, KERNEL_VA_BASE
        add sp, sp, t1
        ld t0, high_addr
        jr t0
high:
        call main
park:
        wfi
        j park

.section .rodata
.balign 8
high_addr:
        .quad high

# Boot page table: 1 GiB leaf pages. Index 2 maps RAM where it is
# (0x80000000) so the instructions right after csrw satp still fetch; indexes
# 256.. map physical 0.. at KERNEL_VA_BASE (devices, then RAM).
.section .data
.balign 4096
boot_pagetable:
        .quad 0
        .quad 0
        .quad ((0x80000000 >> 12) << 10) | PTE_LEAF_RWX
        .zero 8 * (256 - 3)
        .quad ((0x00000000 >> 12) << 10) | PTE_LEAF_RWX
        .quad ((0x40000000 >> 12) << 10) | PTE_LEAF_RWX
        .quad ((0x80000000 >> 12) << 10) | PTE_LEAF_RWX
        .quad ((0xC0000000 >> 12) << 10) | PTE_LEAF_RWX
        .zero 8 * (512 - 260)

.section .bss
.balign 16
.global boot_stacks
boot_stacks:
        .space BOOT_STACK_SIZE * NCPU
