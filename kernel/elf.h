/*
 * elf.h: the parts of the ELF64 format exec needs (System V ABI, ELF-64
 * Object File Format, and the RISC-V ELF psABI for the machine number).
 */
#ifndef KERNEL_ELF_H
#define KERNEL_ELF_H

#include "kernel/types.h"

#define ELF_MAGIC      0x464C457FU  /* "\x7FELF" read as little-endian */
#define ELFCLASS64     2
#define ELFDATA2LSB    1
#define ET_EXEC        2
#define EM_RISCV       243

#define EI_CLASS 0  /* indexes into ident[], which starts after the magic */
#define EI_DATA  1

struct elfhdr {
  uint32 magic;
  uchar ident[12];   /* e_ident after the magic */
  uint16 type;
  uint16 machine;
  uint32 version;
  uint64 entry;
  uint64 phoff;
  uint64 shoff;
  uint32 flags;
  uint16 ehsize;
  uint16 phentsize;
  uint16 phnum;
  uint16 shentsize;
  uint16 shnum;
  uint16 shstrndx;
};

struct proghdr {
  uint32 type;
  uint32 flags;
  uint64 off;
  uint64 vaddr;
  uint64 paddr;
  uint64 filesz;
  uint64 memsz;
  uint64 align;
};

#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4

#endif
