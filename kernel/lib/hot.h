/*
 * hot.h: marks for the code and data that every system call and context
 * switch touches, so that the linker keeps them together (kernel.ld puts
 * each kind first in its section).
 *
 *   HOT          a function: GCC puts it in .text.hot
 *   HOT_DATA     a variable: in .data.hot
 *   HOT_RODATA   a constant: in .rodata.hot
 *
 * Why it matters here: under QEMU each satp write, and so each switch to
 * another process, empties the hart's software TLB, and the first touch
 * of each page afterwards costs a page-table walk (about 0.3 us on the
 * development machine). Spread through the kernel, the code and globals
 * of a pipe round trip took 15 text pages and 8 pages of data after each
 * switch; kept together they take 3 and 2. Only the default policy's
 * hooks (rr) are marked: another policy's cost a text page more.
 *
 * `make profile` (scripts/profile.py) lists the pages a path touches and
 * the functions it runs outside .text.hot; the profile group of `make
 * test` fails if a function on every pipe round trip is not marked.
 * Measure before marking more: the section is worth having only while it
 * stays small.
 */
#ifndef KERNEL_LIB_HOT_H
#define KERNEL_LIB_HOT_H

#define HOT __attribute__((hot))
#define HOT_DATA __attribute__((section(".data.hot")))
#define HOT_RODATA __attribute__((section(".rodata.hot")))

#endif
