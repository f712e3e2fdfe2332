/*
 * fdt.c: a small reader for the flattened device tree (kernel/dev/fdt.h).
 *
 * The tree is a header, a block of tokens describing nested nodes and
 * their properties, and a block of property-name strings; all integers are
 * big-endian. We walk the tokens once, remembering the path depth, and
 * pick out the few properties the kernel needs. Called once at boot, on
 * the boot hart, before the page allocator may reuse the tree's memory.
 */
#include "kernel/dev/fdt.h"
#include "kernel/errno.h"
#include "kernel/lib/string.h"

#define FDT_MAGIC      0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9
#define FDT_MAX_DEPTH  16

struct fdt_header {
  uint32 magic;
  uint32 totalsize;
  uint32 off_dt_struct;
  uint32 off_dt_strings;
  uint32 off_mem_rsvmap;
  uint32 version;
  uint32 last_comp_version;
  uint32 boot_cpuid_phys;
  uint32 size_dt_strings;
  uint32 size_dt_struct;
};

struct machine_info machine;

static uint32 be32(const void *p)
{
  const uchar *b = p;
  return ((uint32)b[0] << 24) | ((uint32)b[1] << 16) | ((uint32)b[2] << 8) | b[3];
}

/* Read a value of `cells` 32-bit cells. */
static uint64 read_cells(const uchar *p, int cells)
{
  uint64 v = 0;
  for (int i = 0; i < cells; i++)
    v = (v << 32) | be32(p + 4 * i);
  return v;
}

static int starts_with(const char *s, const char *prefix)
{
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Does the ISA string (e.g. "rv64imafdch_zicsr_sstc") name extension ext? */
static int isa_has(const char *isa, uint32 len, const char *ext)
{
  int n = strlen(ext);
  for (uint32 i = 0; i + n <= len; i++) {
    if (isa[i] == '_' && strncmp(isa + i + 1, ext, n) == 0 &&
        (isa[i + 1 + n] == '_' || isa[i + 1 + n] == '\0'))
      return 1;
  }
  return 0;
}

int fdt_parse(const void *fdt)
{
  const struct fdt_header *h = fdt;
  if (be32(&h->magic) != FDT_MAGIC)
    return -EINVAL;

  const uchar *tok = (const uchar *)fdt + be32(&h->off_dt_struct);
  const char *strings = (const char *)fdt + be32(&h->off_dt_strings);
  const uchar *limit = tok + be32(&h->size_dt_struct);

  /* Node names along the current path; depth 1 is the root. */
  const char *path[FDT_MAX_DEPTH];
  int depth = 0;
  int addr_cells = 2, size_cells = 2; /* the root's, used by /memory */
  int in_cpu = 0;                      /* inside /cpus/cpu@N */
  int cpu_is_cpu = 0;
  uint64 cpu_reg = 0;

  memset(&machine, 0, sizeof(machine));

  while (tok < limit) {
    uint32 t = be32(tok);
    tok += 4;
    if (t == FDT_BEGIN_NODE) {
      const char *name = (const char *)tok;
      tok += (strlen(name) + 1 + 3) & ~3;
      if (depth < FDT_MAX_DEPTH)
        path[depth] = name;
      depth++;
      if (depth == 3 && strncmp(path[1], "cpus", 5) == 0 && starts_with(name, "cpu@")) {
        in_cpu = 1;
        cpu_is_cpu = 0;
        cpu_reg = 0;
      }
    } else if (t == FDT_END_NODE) {
      if (depth == 3 && in_cpu) {
        if (cpu_is_cpu && machine.nharts < NCPU)
          machine.hartids[machine.nharts++] = cpu_reg;
        in_cpu = 0;
      }
      depth--;
    } else if (t == FDT_PROP) {
      uint32 len = be32(tok);
      const char *pname = strings + be32(tok + 4);
      const uchar *val = tok + 8;
      tok += 8 + ((len + 3) & ~3);

      if (depth == 1 && strncmp(pname, "#address-cells", 15) == 0)
        addr_cells = be32(val);
      else if (depth == 1 && strncmp(pname, "#size-cells", 12) == 0)
        size_cells = be32(val);
      else if (depth == 2 && starts_with(path[1], "memory") &&
               strncmp(pname, "reg", 4) == 0 && machine.ram_size == 0) {
        machine.ram_base = read_cells(val, addr_cells);
        machine.ram_size = read_cells(val + 4 * addr_cells, size_cells);
      } else if (depth == 2 && strncmp(path[1], "cpus", 5) == 0 &&
                 strncmp(pname, "timebase-frequency", 19) == 0) {
        machine.timebase = len == 8 ? read_cells(val, 2) : be32(val);
      } else if (depth == 3 && in_cpu && strncmp(pname, "reg", 4) == 0) {
        cpu_reg = len == 8 ? read_cells(val, 2) : be32(val);
      } else if (depth == 3 && in_cpu && strncmp(pname, "riscv,isa", 10) == 0) {
        machine.has_sstc = isa_has((const char *)val, len, "sstc");
      } else if (depth == 3 && in_cpu && strncmp(pname, "device_type", 12) == 0) {
        cpu_is_cpu = strncmp((const char *)val, "cpu", 4) == 0;
      } else if (depth == 2 && strncmp(path[1], "chosen", 7) == 0 &&
                 strncmp(pname, "bootargs", 9) == 0) {
        safestrcpy(machine.bootargs, (const char *)val,
                   len < BOOTARGS_MAX ? len + 1 : BOOTARGS_MAX);
      }
    } else if (t == FDT_NOP) {
      continue;
    } else if (t == FDT_END) {
      break;
    } else {
      return -EINVAL;
    }
  }

  if (machine.ram_size == 0 || machine.nharts == 0 || machine.timebase == 0)
    return -EINVAL;
  return 0;
}
