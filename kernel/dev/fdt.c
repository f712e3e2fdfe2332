/*
 * fdt.c: a small reader for the flattened device tree (kernel/dev/fdt.h).
 *
 * The tree is a header, a block of tokens describing nested nodes and
 * their properties, and a block of property-name strings; all integers are
 * big-endian. We walk the tokens once (fdt_parse), remembering the path
 * to the current node (struct walk), and pick out the few properties the
 * kernel needs (take_property). Called once at boot, on
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
#define FDT_CELL       4  /* bytes in a cell; the structure block is aligned to cells */
#define FDT_ALIGN(n)   (((n) + FDT_CELL - 1) & ~(FDT_CELL - 1))

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

/* The header of a property in the structure block (big-endian). */
struct fdt_prop {
  uint32 len;      /* bytes of value that follow */
  uint32 nameoff;  /* the property's name, as an offset into the strings */
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
    v = (v << 32) | be32(p + FDT_CELL * i);
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

/* A cell-sized value (one or two cells, by the property's length). */
static uint64 read_number(const uchar *val, uint32 len)
{
  return len == 2 * FDT_CELL ? read_cells(val, 2) : be32(val);
}

/* Where the walk is: the names of the nodes on the path to the current
   one (depth 1 is the root), and what the current cpu node has said. */
struct walk {
  const char *path[FDT_MAX_DEPTH];
  int depth;
  int addr_cells, size_cells; /* the root's, which /memory's reg uses */
  int in_cpu;                 /* inside /cpus/cpu@N */
  int cpu_is_cpu;             /* its device_type is "cpu" */
  uint64 cpu_reg;             /* its hart id */
};

/* Is the current node, or its ancestor at depth 2, the top-level node
   `name` (/cpus, /chosen)? */
static int under(const struct walk *w, const char *name)
{
  return w->depth >= 2 && strcmp(w->path[1], name) == 0;
}

static void begin_node(struct walk *w, const char *name)
{
  if (w->depth < FDT_MAX_DEPTH)
    w->path[w->depth] = name;
  w->depth++;
  if (w->depth == 3 && under(w, "cpus") && starts_with(name, "cpu@")) {
    w->in_cpu = 1;
    w->cpu_is_cpu = 0;
    w->cpu_reg = 0;
  }
}

static void end_node(struct walk *w)
{
  if (w->depth == 3 && w->in_cpu) {
    if (w->cpu_is_cpu && machine.nharts < NCPU)
      machine.hartids[machine.nharts++] = w->cpu_reg;
    w->in_cpu = 0;
  }
  w->depth--;
}

/* Property `name` of the current node, with len bytes of value. */
static void take_property(struct walk *w, const char *name, const uchar *val, uint32 len)
{
  if (w->depth == 1 && strcmp(name, "#address-cells") == 0) {
    w->addr_cells = be32(val);
  } else if (w->depth == 1 && strcmp(name, "#size-cells") == 0) {
    w->size_cells = be32(val);
  } else if (w->depth == 2 && starts_with(w->path[1], "memory") &&
             strcmp(name, "reg") == 0 && machine.ram_size == 0) {
    machine.ram_base = read_cells(val, w->addr_cells);
    machine.ram_size = read_cells(val + FDT_CELL * w->addr_cells, w->size_cells);
  } else if (w->depth == 2 && under(w, "cpus") && strcmp(name, "timebase-frequency") == 0) {
    machine.timebase = read_number(val, len);
  } else if (w->depth == 3 && w->in_cpu && strcmp(name, "reg") == 0) {
    w->cpu_reg = read_number(val, len);
  } else if (w->depth == 3 && w->in_cpu && strcmp(name, "riscv,isa") == 0) {
    machine.has_sstc = isa_has((const char *)val, len, "sstc");
  } else if (w->depth == 3 && w->in_cpu && strcmp(name, "device_type") == 0) {
    w->cpu_is_cpu = strcmp((const char *)val, "cpu") == 0;
  } else if (w->depth == 2 && under(w, "chosen") && strcmp(name, "bootargs") == 0) {
    machine.bootargs_cut = len > BOOTARGS_MAX; /* main says so once it can print */
    safestrcpy(machine.bootargs, (const char *)val,
               len < BOOTARGS_MAX ? len + 1 : BOOTARGS_MAX);
  }
}

int fdt_parse(const void *fdt)
{
  const struct fdt_header *h = fdt;
  if (be32(&h->magic) != FDT_MAGIC)
    return -EINVAL;

  const uchar *tok = (const uchar *)fdt + be32(&h->off_dt_struct);
  const uchar *limit = tok + be32(&h->size_dt_struct);
  const char *strings = (const char *)fdt + be32(&h->off_dt_strings);
  struct walk w = { .depth = 0, .addr_cells = 2, .size_cells = 2 };

  memset(&machine, 0, sizeof(machine));
  while (tok < limit) {
    uint32 t = be32(tok);
    tok += FDT_CELL;
    if (t == FDT_BEGIN_NODE) {
      /* The node's name follows, NUL-terminated, padded to a cell. */
      const char *name = (const char *)tok;
      tok += FDT_ALIGN(strlen(name) + 1);
      begin_node(&w, name);
    } else if (t == FDT_END_NODE) {
      end_node(&w);
    } else if (t == FDT_PROP) {
      /* struct fdt_prop, then the value, padded to a cell. */
      const struct fdt_prop *prop = (const struct fdt_prop *)tok;
      uint32 len = be32(&prop->len);
      const uchar *val = tok + sizeof(*prop);
      tok = val + FDT_ALIGN(len);
      take_property(&w, strings + be32(&prop->nameoff), val, len);
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
