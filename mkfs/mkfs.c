/*
 * mkfs.c: build a file-system image for the kernel, on the host.
 *
 *   mkfs/mkfs fs.img [file | name=file ...]
 *
 * writes a fresh image of FSSIZE blocks in the format of kernel/fs.h:
 *
 *   [ boot | super | log (LOGBLOCKS) | inodes | bitmap | data ... ]
 *
 * with an empty log and a root directory holding ".", ".." and one entry
 * per input file. A file is named by its path's last element with one
 * leading '_' removed, so the build's user/_sh becomes /sh; or, given as
 * name=file, by name (the build installs README.md as /README, as xv6's
 * image has it).
 *
 * Every input is checked before anything is written, and mkfs refuses
 * (a message on stderr, exit status 1) rather than build a damaged or
 * partial image: an input it cannot read, a name that is empty, longer
 * than DIRSIZ, "." or "..", or given twice, more files than inodes,
 * a file larger than MAXFILE blocks, or more data than the disk holds.
 *
 * The image is assembled in memory and written in one go; all on-disk
 * numbers are stored little-endian, as the RISC-V kernel reads them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/stat.h"
#include "kernel/fs.h"

#define NINODES          200 /* inodes in the image, including unused inode 0 */
#define SUPERBLOCK_BLOCK 1   /* block 0 is left for a boot loader */
#define FIRST_INUM       1   /* inode 0 is never used: a dirent with inum 0 is empty */
#define MAXFILE_BYTES    ((uint)(MAXFILE * BSIZE))
#define BITS_PER_BYTE    8

_Static_assert(ROOTINO == FIRST_INUM, "the root must be the first inode");

/* One input file, read and checked. */
struct input {
  const char *path;        /* as given on the command line */
  char name[DIRSIZ + 1];   /* its name in the root directory */
  uchar *data;
  uint size;
};

/* The image being built, and where its regions lie (host byte order). */
static uchar *image;
static struct superblock layout;
static uint next_free_block; /* data blocks are handed out in order */

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
  va_list ap;

  fputs("mkfs: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(1);
}

/* Store v little-endian at p. */
static void
put16(uchar *p, ushort v)
{
  p[0] = v & 0xff;
  p[1] = v >> BITS_PER_BYTE;
}

static void
put32(uchar *p, uint v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (v >> (BITS_PER_BYTE * i)) & 0xff;
}

static uchar *
block(uint bno)
{
  return image + (size_t)bno * BSIZE;
}

/* Blocks a file of size bytes occupies, counting its indirect block. */
static uint
blocks_needed(uint size)
{
  uint data = (size + BSIZE - 1) / BSIZE;
  return data + (data > NDIRECT ? 1 : 0);
}

/* ---- Checking the inputs ------------------------------------------- */

/*
 * Split an argument into the file to read (*pathp) and its name in the
 * root directory: "name=path" names it explicitly; otherwise the name is
 * the path's last element less one leading '_'.
 */
static void
name_for(const char *arg, const char **pathp, char *name)
{
  const char *eq = strchr(arg, '=');
  const char *slash = strchr(arg, '/');
  char given[DIRSIZ + 1];
  const char *base, *path = arg;

  if (eq != 0 && (slash == 0 || eq < slash)) {
    size_t len = eq - arg;
    if (len > DIRSIZ)
      die("%s: name '%.*s' is %zu characters long; at most %d fit in a "
          "directory entry (DIRSIZ)", eq + 1, (int)len, arg, len, DIRSIZ);
    memcpy(given, arg, len);
    given[len] = '\0';
    base = given;
    path = eq + 1;
  } else {
    base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (base[0] == '_')
      base++;
  }
  *pathp = path;
  if (base[0] == '\0')
    die("%s: gives an empty file name", path);
  if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
    die("%s: the name '%s' is reserved for the directory itself", path, base);
  if (strlen(base) > DIRSIZ)
    die("%s: name '%s' is %zu characters long; at most %d fit in a "
        "directory entry (DIRSIZ)", path, base, strlen(base), DIRSIZ);
  strcpy(name, base);
}

/* Read the whole of in->path, refusing files over MAXFILE blocks. */
static void
read_input(struct input *in)
{
  FILE *f = fopen(in->path, "rb");
  if (f == 0)
    die("%s: cannot open: %s", in->path, strerror(errno));

  /* One byte more than fits tells a too-large file from a full one. */
  in->data = malloc((size_t)MAXFILE_BYTES + 1);
  if (in->data == 0)
    die("out of memory");
  size_t got = fread(in->data, 1, (size_t)MAXFILE_BYTES + 1, f);
  if (ferror(f))
    die("%s: cannot read: %s", in->path, strerror(errno));
  fclose(f);
  if (got > MAXFILE_BYTES)
    die("%s: too large; a file holds at most %u bytes (MAXFILE = %lu blocks "
        "of %d)", in->path, MAXFILE_BYTES, (unsigned long)MAXFILE, BSIZE);
  in->size = got;
}

/* ---- Laying out the image ------------------------------------------ */

static void
plan_layout(void)
{
  uint nlog = LOGBLOCKS;
  uint ninodeblocks = NINODES / IPB + 1;
  uint nbitmap = FSSIZE / BPB + 1;
  uint nmeta = 2 + nlog + ninodeblocks + nbitmap;

  layout.magic = FSMAGIC;
  layout.size = FSSIZE;
  layout.nblocks = FSSIZE - nmeta;
  layout.ninodes = NINODES;
  layout.nlog = nlog;
  layout.logstart = SUPERBLOCK_BLOCK + 1;
  layout.inodestart = layout.logstart + nlog;
  layout.bmapstart = layout.inodestart + ninodeblocks;
  next_free_block = nmeta;
}

static void
write_superblock(void)
{
  uchar *p = block(SUPERBLOCK_BLOCK);
  uint fields[] = { layout.magic, layout.size, layout.nblocks, layout.ninodes,
                    layout.nlog, layout.logstart, layout.inodestart,
                    layout.bmapstart };

  _Static_assert(sizeof(fields) == sizeof(struct superblock),
                 "superblock fields out of step with kernel/fs.h");
  for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
    put32(p + i * sizeof(uint), fields[i]);
}

static uint
alloc_block(void)
{
  if (next_free_block >= FSSIZE)
    die("internal error: ran out of blocks after checking they fit");
  return next_free_block++;
}

/*
 * Write inode inum of the given type holding data (size bytes): its
 * blocks (direct, then the indirect block and the blocks it lists) and
 * its disk inode with nlink 1.
 */
static void
write_inode(uint inum, short type, const uchar *data, uint size)
{
  uint addrs[NDIRECT + 1] = { 0 };
  uint nblocks = (size + BSIZE - 1) / BSIZE;

  for (uint bn = 0; bn < nblocks; bn++) {
    uint bno = alloc_block();
    uint len = size - bn * BSIZE < BSIZE ? size - bn * BSIZE : BSIZE;
    memcpy(block(bno), data + (size_t)bn * BSIZE, len);
    if (bn < NDIRECT) {
      addrs[bn] = bno;
    } else {
      if (addrs[NDIRECT] == 0)
        addrs[NDIRECT] = alloc_block();
      put32(block(addrs[NDIRECT]) + (bn - NDIRECT) * sizeof(uint), bno);
    }
  }

  uchar *di = block(IBLOCK(inum, layout)) + (inum % IPB) * sizeof(struct dinode);
  put16(di + offsetof(struct dinode, type), type);
  put16(di + offsetof(struct dinode, major), 0);
  put16(di + offsetof(struct dinode, minor), 0);
  put16(di + offsetof(struct dinode, nlink), 1);
  put32(di + offsetof(struct dinode, size), size);
  for (int i = 0; i < NDIRECT + 1; i++)
    put32(di + offsetof(struct dinode, addrs) + i * sizeof(uint), addrs[i]);
}

/* Append a directory entry to the buffer at *dir. */
static void
add_dirent(uchar **dir, uint inum, const char *name)
{
  put16(*dir + offsetof(struct dirent, inum), inum);
  strncpy((char *)*dir + offsetof(struct dirent, name), name, DIRSIZ);
  *dir += sizeof(struct dirent);
}

/* Mark every block up to next_free_block in use in the bitmap. */
static void
write_bitmap(void)
{
  for (uint bno = 0; bno < next_free_block; bno++) {
    uchar *map = block(BBLOCK(bno, layout));
    uint bit = bno % BPB;
    map[bit / BITS_PER_BYTE] |= 1 << (bit % BITS_PER_BYTE);
  }
}

int
main(int argc, char *argv[])
{
  if (argc < 2) {
    fprintf(stderr, "usage: mkfs/mkfs fs.img [file | name=file ...]\n");
    return 2;
  }
  const char *out = argv[1];
  int nfiles = argc - 2;
  plan_layout();

  /* Cheap checks first, so a bad command line fails before any reading. */
  if (nfiles > NINODES - 1 - FIRST_INUM)
    die("too many files: %d given, but the image has %d inodes and the root "
        "directory uses one, so at most %d files fit", nfiles, NINODES - 1,
        NINODES - 1 - FIRST_INUM);
  uint root_size = (2 + nfiles) * sizeof(struct dirent);
  if (root_size > MAXFILE_BYTES)
    die("too many files: the root directory would need %u bytes, more than "
        "the largest file (%u bytes)", root_size, MAXFILE_BYTES);

  struct input *inputs = calloc(nfiles ? nfiles : 1, sizeof(*inputs));
  if (inputs == 0)
    die("out of memory");
  for (int i = 0; i < nfiles; i++) {
    name_for(argv[i + 2], &inputs[i].path, inputs[i].name);
    for (int j = 0; j < i; j++) {
      if (strcmp(inputs[i].name, inputs[j].name) == 0)
        die("%s and %s would both be named /%s", inputs[j].path,
            inputs[i].path, inputs[i].name);
    }
  }

  uint64 need = blocks_needed(root_size);
  for (int i = 0; i < nfiles; i++) {
    read_input(&inputs[i]);
    need += blocks_needed(inputs[i].size);
  }
  if (need > layout.nblocks)
    die("the files need %lu data blocks, but the image has only %u",
        (unsigned long)need, layout.nblocks);

  image = calloc(FSSIZE, BSIZE);
  if (image == 0)
    die("out of memory");
  write_superblock();

  uchar *root = calloc(1, root_size);
  if (root == 0)
    die("out of memory");
  uchar *dir = root;
  add_dirent(&dir, ROOTINO, ".");
  add_dirent(&dir, ROOTINO, "..");
  for (int i = 0; i < nfiles; i++)
    add_dirent(&dir, FIRST_INUM + 1 + i, inputs[i].name);
  write_inode(ROOTINO, T_DIR, root, root_size);
  for (int i = 0; i < nfiles; i++)
    write_inode(FIRST_INUM + 1 + i, T_FILE, inputs[i].data, inputs[i].size);
  write_bitmap();

  FILE *f = fopen(out, "wb");
  if (f == 0)
    die("%s: cannot create: %s", out, strerror(errno));
  if (fwrite(image, BSIZE, FSSIZE, f) != FSSIZE || fclose(f) != 0)
    die("%s: cannot write: %s", out, strerror(errno));
  return 0;
}
