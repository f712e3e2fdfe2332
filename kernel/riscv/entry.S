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
#include "kernel/riscv.h"
#include "kernel/riscv/csr.h"

#define BOOT_STACK_SIZE 16384

# The boot page table maps with root (level-2) leaves: 1 GiB pages.
#define GIGAPAGE        (1L << PXSHIFT(2))
#define ROOT_INDEX(va)  (((va) >> PXSHIFT(2)) & PXMASK)
#define BOOT_LEAF(pa)   ((((pa) >> PGSHIFT) << PTE_PPN_SHIFT) | \
                         PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
#define BOOT_HIGH_GIGAPAGES 4   /* physical 0 .. 4 GiB: devices, then RAM */

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
        srli t0, t0, PGSHIFT
        li t1, SATP_SV39
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

# Boot page table: 1 GiB leaf pages. One entry maps the gigapage the
# kernel was loaded in where it is (KERNEL_LOAD's), so the instructions
# right after csrw satp still fetch; the BOOT_HIGH_GIGAPAGES entries from
# ROOT_INDEX(KERNEL_VA_BASE) on map physical 0.. at KERNEL_VA_BASE
# (devices, then RAM).
#define LOAD_GIGAPAGE   (KERNEL_LOAD & ~(GIGAPAGE - 1))
.section .data
.balign PGSIZE
boot_pagetable:
        .zero 8 * ROOT_INDEX(LOAD_GIGAPAGE)
        .quad BOOT_LEAF(LOAD_GIGAPAGE)
        .zero 8 * (ROOT_INDEX(KERNEL_VA_BASE) - ROOT_INDEX(LOAD_GIGAPAGE) - 1)
        .set gigapage, 0
        .rept BOOT_HIGH_GIGAPAGES
        .quad BOOT_LEAF(gigapage * GIGAPAGE)
        .set gigapage, gigapage + 1
        .endr
        .zero 8 * (PT_ENTRIES - ROOT_INDEX(KERNEL_VA_BASE) - BOOT_HIGH_GIGAPAGES)
boot_pagetable_end:
.if boot_pagetable_end - boot_pagetable - PT_ENTRIES * 8
.error "boot_pagetable must be exactly one page of root entries"
.endif

# Page-aligned, so that each hart's stack top (where its scheduler's
# frames sit) starts a page rather than straddling two (kernel/lib/hot.h).
.section .bss
.balign 4096
.global boot_stacks
boot_stacks:
        .space BOOT_STACK_SIZE * NCPU
