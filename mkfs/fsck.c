/*
 * fsck.c: check a file-system image on the host, and repair it if asked.
 *
 *   mkfs/fsck [-n | -y] IMAGE
 *
 * reads IMAGE (a disk in the format of kernel/fs.h, as mkfs/mkfs builds
 * it and the kernel changes it) and checks it the way the kernel will use
 * it, in this order:
 *
 *   1. the superblock: the magic number, and a layout that the kernel
 *      accepts (kernel/fs/super.c) and that fits in the file;
 *   2. the log: a committed transaction is replayed on a private copy of
 *      the image, as recovery would at boot (kernel/fs/log.c);
 *   3. every allocated inode: a known type, a size no larger than the
 *      largest file, block numbers inside the data area, and a block for
 *      every byte of its size;
 *   4. the directory tree, walked from the root: every entry names an
 *      allocated inode below ninodes, every directory begins with "." and
 *      "..", and no directory has two names;
 *   5. orphans: allocated inodes that no directory reached from the root
 *      names;
 *   6. link counts;
 *   7. blocks: none used twice, and the bitmap marks exactly those in use
 *      (the boot block, superblock, log, inodes and bitmap included, as
 *      mkfs marks them).
 *
 * Link counts follow the kernel (create and unlink in kernel/fs/sysfile.c)
 * and mkfs: a file's nlink is the number of directory entries that name
 * it. So is a directory's, leaving out every "." entry: its name in its
 * parent, plus the ".." of each of its subdirectories. The root, which no
 * directory names, counts its own "..", so mkfs's root has nlink 1. Only
 * directories reached from the root count: the ".." of a removed
 * directory that was someone's working directory no longer does.
 *
 * An orphan is not damage when its nlink is 0: it is a file that was
 * unlinked while open when the machine stopped, and the kernel frees it at
 * boot. fsck reports it ("fsck: orphan inode N (...)") and still calls the
 * image clean. An orphan with links is damage: the kernel would keep it
 * for ever.
 *
 * -n (the default) changes nothing: the image is opened read-only. -y
 * repairs what can be repaired without guessing: it clears directory
 * entries that name nothing usable, inodes of unknown type and block
 * numbers outside the data area; cuts a size to the blocks the file has;
 * rewrites a wrong or missing "." or ".."; frees orphans and their
 * blocks; sets link counts; rewrites the bitmap; and installs a replayed
 * log and clears its header (or clears a header the kernel would refuse).
 * Each repair is one "fsck: fixed: PROBLEM; WHAT WAS DONE" line. A
 * damaged superblock or root directory and blocks used twice are reported
 * but not repaired.
 *
 * Both modes make the repairs on the private copy as they go, so that each
 * check reads what the earlier ones repaired and one problem is reported
 * once, not again by every check it upsets. (Orphans are the exception:
 * -n leaves them allocated, as the bitmap still has them until the kernel
 * frees them.) Only -y writes the copy back, and only the blocks that
 * changed.
 *
 * Output, on stdout: one "fsck: ..." line per problem, then one summary
 * line. Exit status 0: the image is consistent (with -y: once repaired);
 * 1: problems were found (with -y: some could not be repaired); 2: a usage
 * error, or IMAGE cannot be read or written.
 *
 * The image is input and may hold anything. Every number read from it is
 * checked before it is used as an index, the superblock's counts are
 * checked against the file's size before anything else is read, and
 * every loop is bounded by those counts.
 *
 * A host program like mkfs: it shares kernel/fs.h, param.h and stat.h
 * with the kernel and nothing else, and mirrors the kernel's own checks
 * (superblock_problem, recover, dinode_problem) where it repeats them.
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

#define SUPERBLOCK_BLOCK 1     /* block 0 is left for a boot loader */
#define LOG_MAXBLOCKS (LOGBLOCKS - 1) /* header slots, as in kernel/fs/log.c */
#define MAXFILE_BYTES ((uint)(MAXFILE * BSIZE))
#define DIRENT_SIZE   ((uint)sizeof(struct dirent))
#define ENTRIES_MAX   (MAXFILE_BYTES / DIRENT_SIZE) /* largest directory */
#define INUM_LIMIT    65536    /* a dirent's ushort names inodes below this */
#define NLINK_MAX     0x7fff   /* nlink is a short on disk */
#define BITS_PER_BYTE 8
#define PATH_DEPTH_MAX 8       /* path components shown in a message */
#define SHOWN_NAME_MAX (DIRSIZ * 4 + 1) /* a name, each byte escaped as \xNN */
#define PATH_MAX_SHOWN (PATH_DEPTH_MAX * (SHOWN_NAME_MAX + 1) + 8)

_Static_assert(BSIZE % sizeof(struct dirent) == 0,
               "directory entries must tile a block");
_Static_assert(offsetof(struct dirent, name) == sizeof(ushort),
               "dirent layout changed");

/* Exit statuses. */
#define EXIT_CLEAN    0
#define EXIT_PROBLEMS 1
#define EXIT_TROUBLE  2

/* What fsck learns about each inode while walking the tree. */
struct inode_info {
  int links;          /* entries in reached directories naming it, "." aside */
  int dotdots;        /* directories: how many of those are ".." entries */
  uint named_in;      /* the directory holding its first name, 0 if none yet */
  char name[DIRSIZ];  /* that name (not NUL-terminated at DIRSIZ) */
  uint container;     /* orphans: an orphan directory naming it, or 0 */
  uchar reached;      /* directories: reached from the root */
  uchar cleared;      /* its type was unknown, and fsck cleared it */
  uchar orphan;       /* allocated, but no reached directory names it */
};

/* One directory entry, as read from its block. */
struct entry {
  uint off;           /* offset in the directory */
  uchar *at;          /* where it lies in the image */
  uint inum;
  char name[DIRSIZ];
  uchar done;         /* checked already, or cleared */
  uchar duplicate;    /* an earlier entry of the directory has its name */
};

/* A block that an inode claims and another (or the same) claimed first. */
struct claim {
  uint first;         /* the inode that claimed it first */
  uint bno;
};

static const char *image_path;
static int repair;           /* -y */
static uchar *image;         /* the private copy: replayed, checked, repaired */
static uchar *original;      /* as read, so that -y writes only what changed */
static struct superblock sb; /* host byte order */
static uint data_start;      /* first block a file may use */
static int root_ok;          /* the root directory can be walked */

static struct inode_info *info;  /* [sb.ninodes] */
static uint *owner;              /* [sb.size] inode using each block, or 0 */
static uchar *scanned;           /* [sb.size] directory blocks read already */
static struct entry *entries;    /* [ENTRIES_MAX] the directory being checked */
static struct entry **by_name;   /* [ENTRIES_MAX] the same, sorted by name */

static int problems;         /* problems found */
static int fixable;          /* ... of which -y repairs */
static int orphans;          /* orphans with nlink 0 */

/* ---- Messages -------------------------------------------------------- */

/* The file cannot be read or written, or memory ran out: say so on
   stderr and exit 2. The image itself is not judged. */
static void __attribute__((noreturn, format(printf, 1, 2)))
trouble(const char *fmt, ...)
{
  va_list ap;

  fputs("fsck: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(EXIT_TROUBLE);
}

/*
 * Report a problem. fix says what -y does about it (the caller makes the
 * change to the private copy), or is 0 if fsck cannot repair it. With -y
 * a repaired problem reads "fixed: PROBLEM; FIX".
 */
static void __attribute__((format(printf, 2, 3)))
problem(const char *fix, const char *fmt, ...)
{
  va_list ap;
  int fixed = repair && fix != 0;

  problems++;
  if (fix != 0)
    fixable++;
  fputs(fixed ? "fsck: fixed: " : "fsck: ", stdout);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  if (fixed)
    printf("; %s", fix);
  putchar('\n');
}

/* Report something that is not a problem (an orphan, a replayed log). */
static void __attribute__((format(printf, 1, 2)))
note(const char *fmt, ...)
{
  va_list ap;

  fputs("fsck: ", stdout);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
}

/* A problem that stops the check: the layout itself cannot be trusted. */
static void __attribute__((noreturn, format(printf, 1, 2)))
fatal(const char *fmt, ...)
{
  va_list ap;

  fputs("fsck: ", stdout);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\nfsck: %s: not checked further\n", image_path);
  exit(EXIT_PROBLEMS);
}

static const char *
plural(uint64 n)
{
  return n == 1 ? "" : "s";
}

static void *
xcalloc(size_t n, size_t size)
{
  void *p = calloc(n ? n : 1, size);
  if (p == 0)
    trouble("out of memory");
  return p;
}

/* ---- The image -------------------------------------------------------- */

/* Numbers on disk are little-endian, as the RISC-V kernel stores them. */
static uint
get16(const uchar *p)
{
  return p[0] | p[1] << BITS_PER_BYTE;
}

static uint
get32(const uchar *p)
{
  uint v = 0;
  for (int i = 0; i < 4; i++)
    v |= (uint)p[i] << (BITS_PER_BYTE * i);
  return v;
}

static void
put16(uchar *p, uint v)
{
  p[0] = v & 0xff;
  p[1] = (v >> BITS_PER_BYTE) & 0xff;
}

static void
put32(uchar *p, uint v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (v >> (BITS_PER_BYTE * i)) & 0xff;
}

/* Block bno of the private copy; bno < sb.size. */
static uchar *
block(uint bno)
{
  return image + (size_t)bno * BSIZE;
}

/* May a file use block bno? The kernel's fs_in_data_area. */
static int
in_data(uint bno)
{
  return bno >= data_start && bno < sb.size;
}

static uchar *
dinode_at(uint inum)
{
  return block(IBLOCK(inum, sb)) + (inum % IPB) * sizeof(struct dinode);
}

/* Disk inode inum (below sb.ninodes), in host byte order. */
static void
dinode_get(uint inum, struct dinode *d)
{
  const uchar *p = dinode_at(inum);

  d->type = get16(p + offsetof(struct dinode, type));
  d->major = get16(p + offsetof(struct dinode, major));
  d->minor = get16(p + offsetof(struct dinode, minor));
  d->nlink = get16(p + offsetof(struct dinode, nlink));
  d->size = get32(p + offsetof(struct dinode, size));
  for (int i = 0; i < NDIRECT + 1; i++)
    d->addrs[i] = get32(p + offsetof(struct dinode, addrs) + i * sizeof(uint));
}

static void
dinode_put(uint inum, const struct dinode *d)
{
  uchar *p = dinode_at(inum);

  put16(p + offsetof(struct dinode, type), d->type);
  put16(p + offsetof(struct dinode, major), d->major);
  put16(p + offsetof(struct dinode, minor), d->minor);
  put16(p + offsetof(struct dinode, nlink), d->nlink);
  put32(p + offsetof(struct dinode, size), d->size);
  for (int i = 0; i < NDIRECT + 1; i++)
    put32(p + offsetof(struct dinode, addrs) + i * sizeof(uint), d->addrs[i]);
}

static int
known_type(int type)
{
  return type == T_DIR || type == T_FILE || type == T_DEVICE;
}

static const char *
type_name(int type)
{
  switch (type) {
  case T_DIR:    return "directory";
  case T_FILE:   return "file";
  case T_DEVICE: return "device";
  default:       return "unknown type";
  }
}

/* Entry i of d's indirect block, or 0 if it has no usable one. */
static uint
indirect_entry(const struct dinode *d, uint i)
{
  uint ind = d->addrs[NDIRECT];
  if (!in_data(ind))
    return 0;
  return get32(block(ind) + i * sizeof(uint));
}

/* The block holding block bn (< MAXFILE) of d's contents, or 0 if none. */
static uint
file_block(const struct dinode *d, uint bn)
{
  uint bno = bn < NDIRECT ? d->addrs[bn] : indirect_entry(d, bn - NDIRECT);
  return in_data(bno) ? bno : 0;
}

/* Blocks holding d's size bytes, at most MAXFILE. */
static uint
blocks_of_size(const struct dinode *d)
{
  uint64 n = ((uint64)d->size + BSIZE - 1) / BSIZE;
  return n > MAXFILE ? MAXFILE : n;
}

static int
bitmap_get(uint bno)
{
  const uchar *map = block(BBLOCK(bno, sb));
  uint bit = bno % BPB;
  return (map[bit / BITS_PER_BYTE] >> (bit % BITS_PER_BYTE)) & 1;
}

static void
bitmap_set(uint bno, int used)
{
  uchar *map = block(BBLOCK(bno, sb));
  uint bit = bno % BPB;
  uchar mask = 1 << (bit % BITS_PER_BYTE);

  if (used)
    map[bit / BITS_PER_BYTE] |= mask;
  else
    map[bit / BITS_PER_BYTE] &= ~mask;
}

/* ---- Names and paths in messages ---------------------------------------- */

/* name (DIRSIZ bytes, NUL-padded) as text: printable bytes as they are,
   others as \xNN, so that a damaged name cannot garble the output. */
static void
show_name(const char *name, char *out)
{
  for (int i = 0; i < DIRSIZ && name[i] != '\0'; i++) {
    uchar c = name[i];
    if (c >= ' ' && c < 0x7f && c != '\\')
      *out++ = c;
    else
      out += sprintf(out, "\\x%02x", c);
  }
  *out = '\0';
}

static int
name_is(const char *name, const char *want)
{
  return strncmp(name, want, DIRSIZ) == 0;
}

static int
is_dot_name(const char *name)
{
  return name_is(name, ".") || name_is(name, "..");
}

/* Messages use a few paths at once; each call returns the next buffer. */
static char *
message_buffer(void)
{
  static char buffers[4][PATH_MAX_SHOWN + 64];
  static int next;

  next = (next + 1) % 4;
  return buffers[next];
}

/*
 * inum's path from the root ("/" for the root), as far as the walk has
 * found a name for it; "" if it has none. Deep paths lose their top
 * ("..." first). Bounded by PATH_DEPTH_MAX.
 */
static void
path_into(uint inum, char *out)
{
  uint chain[PATH_DEPTH_MAX];
  int depth = 0, cut = 0;

  out[0] = '\0';
  if (inum == ROOTINO) {
    strcpy(out, "/");
    return;
  }
  for (uint cur = inum; cur != ROOTINO; cur = info[cur].named_in) {
    if (info[cur].named_in == 0)
      return;
    if (depth == PATH_DEPTH_MAX) {
      cut = 1;
      break;
    }
    chain[depth++] = cur;
  }
  char *p = out;
  if (cut)
    p += sprintf(p, "...");
  while (depth > 0) {
    char shown[SHOWN_NAME_MAX];
    show_name(info[chain[--depth]].name, shown);
    p += sprintf(p, "/%s", shown);
  }
}

/* "/a/b (inode 5)", or "inode 5" for an inode with no known name. */
static const char *
who(uint inum)
{
  char *out = message_buffer();
  char path[PATH_MAX_SHOWN];

  path_into(inum, path);
  if (path[0] != '\0')
    sprintf(out, "%s (inode %u)", path, inum);
  else
    sprintf(out, "inode %u", inum);
  return out;
}

/* Path of the entry called name in directory dir. */
static const char *
entry_path(uint dir, const char *name)
{
  char *out = message_buffer();
  char shown[SHOWN_NAME_MAX];

  path_into(dir, out);
  show_name(name, shown);
  if (dir == ROOTINO)
    out[0] = '\0';
  strcat(out, "/");
  strcat(out, shown);
  return out;
}

static const char *
dir_path(uint dir)
{
  char *out = message_buffer();
  path_into(dir, out);
  return out;
}

/* ---- 1. The superblock -------------------------------------------------- */

/* Open IMAGE and read its superblock and the blocks it describes. */
static FILE *
load(void)
{
  FILE *f = fopen(image_path, repair ? "r+b" : "rb");
  if (f == 0)
    trouble("%s: cannot open%s: %s", image_path, repair ? " for writing" : "",
            strerror(errno));
  if (fseek(f, 0, SEEK_END) != 0)
    trouble("%s: cannot read: %s", image_path, strerror(errno));
  long length = ftell(f);
  if (length < 0 || fseek(f, 0, SEEK_SET) != 0)
    trouble("%s: cannot read: %s", image_path, strerror(errno));
  uint64 file_blocks = (uint64)length / BSIZE;

  if (file_blocks < SUPERBLOCK_BLOCK + 1)
    fatal("%s: %ld bytes, too short to hold a superblock", image_path, length);
  uchar head[(SUPERBLOCK_BLOCK + 1) * BSIZE];
  if (fread(head, BSIZE, SUPERBLOCK_BLOCK + 1, f) != SUPERBLOCK_BLOCK + 1)
    trouble("%s: cannot read: %s", image_path,
            ferror(f) ? strerror(errno) : "the file is shorter than it was");
  uint fields[8];
  _Static_assert(sizeof(fields) == sizeof(struct superblock),
                 "superblock fields out of step with kernel/fs.h");
  for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
    fields[i] = get32(head + SUPERBLOCK_BLOCK * BSIZE + i * sizeof(uint));
  sb.magic = fields[0];
  sb.size = fields[1];
  sb.nblocks = fields[2];
  sb.ninodes = fields[3];
  sb.nlog = fields[4];
  sb.logstart = fields[5];
  sb.inodestart = fields[6];
  sb.bmapstart = fields[7];

  /* The checks of the kernel's superblock_problem, with the numbers. */
  uint64 inode_end = sb.inodestart + ((uint64)sb.ninodes + IPB - 1) / IPB;
  uint64 nbitmap = ((uint64)sb.size + BPB - 1) / BPB;
  if (sb.magic != FSMAGIC)
    fatal("superblock: bad magic number %#x (mkfs writes %#x)", sb.magic,
          FSMAGIC);
  if (sb.size > file_blocks)
    fatal("superblock: the file system has %u blocks, but %s holds only %lu",
          sb.size, image_path, file_blocks);
  if (sb.logstart != SUPERBLOCK_BLOCK + 1)
    fatal("superblock: the log starts at block %u, not %u", sb.logstart,
          SUPERBLOCK_BLOCK + 1);
  if (sb.nlog < MAXOPBLOCKS + 1)
    fatal("superblock: a log of %u blocks is too small; one operation needs %u "
          "and the header 1", sb.nlog, MAXOPBLOCKS);
  if (sb.inodestart != (uint64)sb.logstart + sb.nlog)
    fatal("superblock: the inodes start at block %u, not right after the log "
          "(block %lu)", sb.inodestart, (uint64)sb.logstart + sb.nlog);
  if (sb.ninodes <= ROOTINO || sb.ninodes > INUM_LIMIT)
    fatal("superblock: %u inodes; a file system has %u to %u", sb.ninodes,
          ROOTINO + 1, INUM_LIMIT);
  if (sb.bmapstart < inode_end)
    fatal("superblock: the bitmap (block %u) overlaps the inodes "
          "(blocks %u-%lu)", sb.bmapstart, sb.inodestart, inode_end - 1);
  if (sb.nblocks == 0 || sb.bmapstart + nbitmap + sb.nblocks > sb.size)
    fatal("superblock: a bitmap of %lu block%s at block %u and %u data blocks "
          "do not fit in %u blocks", nbitmap, plural(nbitmap), sb.bmapstart,
          sb.nblocks, sb.size);
  data_start = sb.bmapstart + nbitmap;

  image = xcalloc(sb.size, BSIZE);
  original = xcalloc(sb.size, BSIZE);
  if (fseek(f, 0, SEEK_SET) != 0 || fread(image, BSIZE, sb.size, f) != sb.size)
    trouble("%s: cannot read: %s", image_path,
            ferror(f) ? strerror(errno) : "the file is shorter than it was");
  memcpy(original, image, (size_t)sb.size * BSIZE);
  return f;
}

/* ---- 2. The log --------------------------------------------------------- */

/*
 * Replay a committed log on the private copy and retire it, as the
 * kernel's recover() does. A header the kernel would refuse (more blocks
 * than the log holds, or a home outside the inodes, bitmap and data) is
 * not replayed; -y clears it, so that the kernel will use the disk.
 */
static void
replay_log(void)
{
  uchar *header = block(sb.logstart);
  uint count = get32(header);
  uint capacity = sb.nlog - 1 < LOG_MAXBLOCKS ? sb.nlog - 1 : LOG_MAXBLOCKS;
  const char *drop = "cleared the header";

  if (count == 0)
    return;
  if (count > capacity) {
    problem(drop, "log: the header names %u blocks, but the log holds %u; "
            "not replayed", count, capacity);
    put32(header, 0);
    return;
  }
  for (uint i = 0; i < count; i++) {
    uint home = get32(header + (1 + i) * sizeof(uint));
    if (home < sb.inodestart || home >= sb.size) {
      problem(drop, "log: entry %u names block %u, outside blocks %u-%u; "
              "not replayed", i, home, sb.inodestart, sb.size - 1);
      put32(header, 0);
      return;
    }
  }
  for (uint i = 0; i < count; i++) {
    uint home = get32(header + (1 + i) * sizeof(uint));
    memmove(block(home), block(sb.logstart + 1 + i), BSIZE);
  }
  put32(header, 0);
  if (repair)
    note("log: installed a committed transaction of %u block%s and cleared the "
         "header", count, plural(count));
  else
    note("log: replayed a committed transaction of %u block%s (on a copy; -y "
         "installs it)", count, plural(count));
}

/* ---- 3. Inodes ---------------------------------------------------------- */

/* Zero the entries of d's indirect block that lie outside the data area. */
static void
check_indirect_entries(uint inum, const struct dinode *d)
{
  uint ind = d->addrs[NDIRECT];
  uint bad = 0, first = 0, first_at = 0;

  for (uint i = 0; i < NINDIRECT; i++) {
    uchar *slot = block(ind) + i * sizeof(uint);
    uint bno = get32(slot);
    if (bno == 0 || in_data(bno))
      continue;
    if (bad++ == 0) {
      first = bno;
      first_at = i;
    }
    put32(slot, 0);
  }
  if (bad > 0)
    problem("cleared them", "inode %u: indirect block %u holds %u block "
            "number%s outside the data area (blocks %u-%u), the first %u at "
            "entry %u", inum, ind, bad, plural(bad), data_start, sb.size - 1,
            first, first_at);
}

/*
 * Check one allocated inode's type, block numbers and size, repairing the
 * private copy: an unknown type clears the inode; a block number outside
 * the data area is cleared; a size is cut back to the first block the file
 * lacks, to the largest file and to whole directory entries. What is cut
 * off is what the kernel could not have read anyway (it gives EIO).
 *
 * Blocks beyond the size are left alone: a write that faults part way
 * leaves one (inode_write allocates the block before copying into it),
 * and the kernel uses or frees it as one of the file's.
 */
static void
check_inode(uint inum)
{
  struct dinode d;
  char fix[64];

  dinode_get(inum, &d);
  if (d.type == 0)
    return;
  if (inum == 0) {
    problem("cleared it", "inode 0 is allocated (type %d), but inode 0 is "
            "never used", d.type);
    memset(&d, 0, sizeof(d));
    dinode_put(inum, &d);
    return;
  }
  if (!known_type(d.type)) {
    if (inum == ROOTINO)
      return; /* check_root has said so; the root is not thrown away */
    problem("cleared the inode", "inode %u: unknown type %d", inum, d.type);
    memset(&d, 0, sizeof(d));
    dinode_put(inum, &d);
    info[inum].cleared = 1;
    return;
  }

  for (int i = 0; i < NDIRECT + 1; i++) {
    if (d.addrs[i] == 0 || in_data(d.addrs[i]))
      continue;
    problem("cleared it", "inode %u: %s block number %u is outside the data "
            "area (blocks %u-%u)", inum, i == NDIRECT ? "indirect" : "direct",
            d.addrs[i], data_start, sb.size - 1);
    d.addrs[i] = 0;
  }
  if (d.addrs[NDIRECT] != 0)
    check_indirect_entries(inum, &d);

  uint nblocks = blocks_of_size(&d);
  uint missing = 0;
  while (missing < nblocks && file_block(&d, missing) != 0)
    missing++;
  if (d.size > MAXFILE_BYTES) {
    uint cut = missing * BSIZE;
    snprintf(fix, sizeof(fix), "cut it to %u bytes", cut);
    problem(fix, "inode %u: size %u is larger than the largest file (%u bytes)",
            inum, d.size, MAXFILE_BYTES);
    d.size = cut;
  } else if (missing < nblocks) {
    uint cut = missing * BSIZE;
    snprintf(fix, sizeof(fix), "cut its size to %u bytes", cut);
    problem(fix, "inode %u: block %u of its %u bytes is missing", inum, missing,
            d.size);
    d.size = cut;
  }
  if (d.type == T_DIR && d.size % DIRENT_SIZE != 0) {
    uint cut = d.size - d.size % DIRENT_SIZE;
    snprintf(fix, sizeof(fix), "cut it to %u bytes", cut);
    problem(fix, "inode %u: directory size %u is not a whole number of %u-byte "
            "entries", inum, d.size, DIRENT_SIZE);
    d.size = cut;
  }
  dinode_put(inum, &d);
}

/* Can the tree be walked from the root? Says why not, if not. */
static void
check_root(void)
{
  struct dinode root;

  dinode_get(ROOTINO, &root);
  root_ok = root.type == T_DIR;
  if (root.type == 0)
    problem(0, "the root directory (inode %u) is free", ROOTINO);
  else if (!known_type(root.type))
    problem(0, "the root directory (inode %u) has unknown type %d", ROOTINO,
            root.type);
  else if (root.type != T_DIR)
    problem(0, "the root directory (inode %u) is a %s", ROOTINO,
            type_name(root.type));
  if (!root_ok)
    note("directories, orphans and link counts not checked: there is no root "
         "to start from");
}

/* ---- 4. The directory tree ---------------------------------------------- */

/*
 * Read the entries of directory d into entries[], in offset order, and
 * return how many. A block that an earlier directory's read has taken
 * already (the same block used twice, reported with the other blocks) is
 * skipped, so that the walk reads each block once whatever the image says.
 */
static uint
read_entries(const struct dinode *d)
{
  uint n = 0;
  uint nblocks = blocks_of_size(d);

  for (uint bn = 0; bn < nblocks; bn++) {
    uint bno = file_block(d, bn);
    if (bno == 0 || scanned[bno])
      continue;
    scanned[bno] = 1;
    for (uint off = bn * BSIZE; off < d->size && off < (bn + 1) * BSIZE;
         off += DIRENT_SIZE) {
      struct entry *e = &entries[n++];
      e->off = off;
      e->at = block(bno) + off % BSIZE;
      e->inum = get16(e->at + offsetof(struct dirent, inum));
      memcpy(e->name, e->at + offsetof(struct dirent, name), DIRSIZ);
      e->done = e->duplicate = 0;
    }
  }
  return n;
}

/* Make e name inum as name ("." or ".."). */
static void
write_entry(struct entry *e, uint inum, const char *name)
{
  memset(e->name, 0, DIRSIZ);
  memcpy(e->name, name, strlen(name));
  e->inum = inum;
  put16(e->at + offsetof(struct dirent, inum), inum);
  memcpy(e->at + offsetof(struct dirent, name), e->name, DIRSIZ);
}

static void
clear_entry(struct entry *e)
{
  memset(e->at, 0, DIRENT_SIZE);
  e->inum = 0;
  e->done = 1;
}

/*
 * Check directory dir's entry number slot (0 for ".", 1 for ".."), which
 * must be want naming inum; e is that entry, or 0 if the directory does
 * not hold it. A free entry, or "." or ".." naming the wrong inode, is
 * rewritten; an entry holding another name is left (it names a file that
 * the directory holds) and reported.
 */
static void
check_dot(uint dir, struct entry *e, uint slot, const char *want, uint inum)
{
  char fix[64], shown[SHOWN_NAME_MAX];
  const char *path = dir_path(dir);

  snprintf(fix, sizeof(fix), "wrote \"%s\" naming inode %u", want, inum);
  if (e == 0) {
    problem(0, "%s: no \"%s\" entry", path, want);
    return;
  }
  if (e->inum == inum && name_is(e->name, want)) {
    e->done = 1;
    return;
  }
  show_name(e->name, shown);
  if (e->inum == 0)
    problem(fix, "%s: no \"%s\" entry (entry %u is free)", path, want, slot);
  else if (!is_dot_name(e->name))
    problem(0, "%s: entry %u is \"%s\" (inode %u), not \"%s\"", path, slot,
            shown, e->inum, want);
  else if (!name_is(e->name, want))
    problem(fix, "%s: entry %u is \"%s\", not \"%s\"", path, slot, shown, want);
  else if (slot == 0)
    problem(fix, "%s: \".\" names inode %u, not the directory itself "
            "(inode %u)", path, e->inum, inum);
  else
    problem(fix, "%s: \"..\" names inode %u, not its parent %s", path, e->inum,
            who(inum));
  if (e->inum != 0 && !is_dot_name(e->name))
    return;
  write_entry(e, inum, want);
  e->done = 1;
}

/* First, the entries that name nothing a directory may name: cleared. */
static void
clear_bad_entry(uint dir, struct entry *e)
{
  char shown[SHOWN_NAME_MAX];
  const char *path = entry_path(dir, e->name);
  struct dinode t;

  show_name(e->name, shown);
  if (is_dot_name(e->name)) {
    problem("cleared it", "%s: a second \"%s\" entry, at offset %u",
            dir_path(dir), shown, e->off);
  } else if (e->name[0] == '\0') {
    problem("cleared it", "%s: an entry with no name, at offset %u (inode %u)",
            dir_path(dir), e->off, e->inum);
  } else if (memchr(e->name, '/', strnlen(e->name, DIRSIZ)) != 0) {
    problem("cleared it", "%s: a name holding '/', at offset %u (inode %u)",
            path, e->off, e->inum);
  } else if (e->inum >= sb.ninodes) {
    problem("cleared the entry", "%s: names inode %u, but the last inode is %u",
            path, e->inum, sb.ninodes - 1);
  } else {
    dinode_get(e->inum, &t);
    if (t.type != 0)
      return;
    if (info[e->inum].cleared)
      problem("cleared the entry", "%s: names inode %u, whose type was unknown",
              path, e->inum);
    else
      problem("cleared the entry", "%s: names free inode %u", path, e->inum);
  }
  clear_entry(e);
}

static int
by_name_then_offset(const void *a, const void *b)
{
  const struct entry *x = *(const struct entry *const *)a;
  const struct entry *y = *(const struct entry *const *)b;
  int c = strncmp(x->name, y->name, DIRSIZ);
  if (c != 0)
    return c;
  return x->off < y->off ? -1 : x->off > y->off;
}

/* Mark each entry whose name an earlier entry of the directory has. */
static void
mark_duplicates(uint n)
{
  uint live = 0;

  for (uint i = 0; i < n; i++) {
    if (!entries[i].done)
      by_name[live++] = &entries[i];
  }
  qsort(by_name, live, sizeof(by_name[0]), by_name_then_offset);
  for (uint i = 1; i < live; i++) {
    if (strncmp(by_name[i - 1]->name, by_name[i]->name, DIRSIZ) == 0)
      by_name[i]->duplicate = 1;
  }
}

/* Record that dir's entry e names inum, for link counts and messages. */
static void
count_name(uint dir, const struct entry *e, uint inum)
{
  info[inum].links++;
  if (info[inum].named_in == 0) {
    info[inum].named_in = dir;
    memcpy(info[inum].name, e->name, DIRSIZ);
  }
}

/*
 * Check the entries of directory dir (reached from the root, its parent
 * given by its name there) and add the directories it names to the
 * queue. Each directory has one name: a second entry naming a directory
 * that has a name already (a cycle, or a link the kernel refuses to
 * make) is cleared.
 */
static void
check_directory(uint dir, uint *queue, uint *queued)
{
  struct dinode dp;
  uint parent = dir == ROOTINO ? ROOTINO : info[dir].named_in;

  dinode_get(dir, &dp);
  uint first = file_block(&dp, 0);
  if (dp.size < 2 * DIRENT_SIZE && first != 0 && !scanned[first]) {
    /* Room for "." and ".." in the block it has: what lies beyond its
       size is not part of it (unless another directory uses the block). */
    char fix[32];
    snprintf(fix, sizeof(fix), "grew it to %u bytes", 2 * DIRENT_SIZE);
    problem(fix, "%s: a directory of %u bytes has no room for \".\" and \"..\"",
            dir_path(dir), dp.size);
    memset(block(first) + dp.size, 0, 2 * DIRENT_SIZE - dp.size);
    dp.size = 2 * DIRENT_SIZE;
    dinode_put(dir, &dp);
  }
  uint n = read_entries(&dp);
  /* An entry where "." or ".." belongs that names nothing usable is
     cleared first, so that check_dot can put the right one there. */
  for (uint slot = 0; slot < 2 && slot < n; slot++) {
    struct entry *e = &entries[slot];
    if (e->off == slot * DIRENT_SIZE && e->inum != 0 && !is_dot_name(e->name))
      clear_bad_entry(dir, e);
  }
  check_dot(dir, n > 0 && entries[0].off == 0 ? &entries[0] : 0, 0, ".", dir);
  struct entry *dotdot =
      n > 1 && entries[1].off == DIRENT_SIZE ? &entries[1] : 0;
  check_dot(dir, dotdot, 1, "..", parent);
  if (dotdot != 0 && dotdot->done) {
    info[parent].links++;
    info[parent].dotdots++;
  }

  for (uint i = 0; i < n; i++) {
    if (entries[i].inum == 0)
      entries[i].done = 1;
    if (!entries[i].done)
      clear_bad_entry(dir, &entries[i]);
  }
  mark_duplicates(n);

  for (uint i = 0; i < n; i++) {
    struct entry *e = &entries[i];
    struct dinode t;
    if (e->done)
      continue;
    const char *path = entry_path(dir, e->name);
    if (e->duplicate) {
      problem("cleared it", "%s: a second entry of that name, at offset %u "
              "(inode %u)", path, e->off, e->inum);
      clear_entry(e);
      continue;
    }
    dinode_get(e->inum, &t);
    if (t.type != T_DIR) {
      count_name(dir, e, e->inum);
      continue;
    }
    if (e->inum == dir) {
      problem("cleared it", "%s: names its own directory", path);
      clear_entry(e);
    } else if (e->inum == ROOTINO) {
      problem("cleared it", "%s: names the root directory", path);
      clear_entry(e);
    } else if (info[e->inum].reached) {
      problem("cleared it", "%s: names directory %s, which has a name already",
              path, who(e->inum));
      clear_entry(e);
    } else {
      count_name(dir, e, e->inum);
      info[e->inum].reached = 1;
      queue[(*queued)++] = e->inum;
    }
  }
}

/* Walk the tree from the root, breadth first, each directory once. */
static void
walk_tree(void)
{
  uint *queue = xcalloc(sb.ninodes, sizeof(uint));
  uint done = 0, queued = 0;

  info[ROOTINO].reached = 1;
  queue[queued++] = ROOTINO;
  while (done < queued)
    check_directory(queue[done++], queue, &queued);
  free(queue);
}

/* ---- 5. Orphans --------------------------------------------------------- */

/* Is inum allocated but named by no directory the walk reached? */
static int
is_orphan(uint inum, const struct dinode *d)
{
  if (d->type == 0)
    return 0;
  return d->type == T_DIR ? !info[inum].reached : info[inum].links == 0;
}

/* Note, for each orphan that an orphan directory names, the first such. */
static void
find_containers(void)
{
  for (uint dir = 1; dir < sb.ninodes; dir++) {
    struct dinode d;
    dinode_get(dir, &d);
    if (!info[dir].orphan || d.type != T_DIR)
      continue;
    uint n = read_entries(&d);
    for (uint i = 0; i < n; i++) {
      uint inum = entries[i].inum;
      if (inum == 0 || inum >= sb.ninodes || inum == dir ||
          is_dot_name(entries[i].name))
        continue;
      if (info[inum].orphan && info[inum].container == 0)
        info[inum].container = dir;
    }
  }
}

/* Free inode inum; returns how many blocks it held. */
static uint
free_inode(uint inum)
{
  struct dinode d;
  uint held = 0;

  dinode_get(inum, &d);
  for (int i = 0; i < NDIRECT + 1; i++)
    held += in_data(d.addrs[i]);
  for (uint i = 0; d.addrs[NDIRECT] != 0 && i < NINDIRECT; i++)
    held += in_data(indirect_entry(&d, i));
  memset(&d, 0, sizeof(d));
  dinode_put(inum, &d);
  return held;
}

/*
 * Report the orphans, and with -y free them (their blocks go back to the
 * bitmap with the rest, in check_blocks). An orphan with nlink 0 is what
 * the kernel frees at boot, so it is no problem; one with links is.
 */
static void
check_orphans(void)
{
  for (uint inum = 1; inum < sb.ninodes; inum++) {
    struct dinode d;
    dinode_get(inum, &d);
    info[inum].orphan = is_orphan(inum, &d);
  }
  find_containers();

  for (uint inum = 1; inum < sb.ninodes; inum++) {
    struct dinode d;
    char what[96], fix[64];
    if (!info[inum].orphan)
      continue;
    dinode_get(inum, &d);
    int n = snprintf(what, sizeof(what), "orphan inode %u (%s, %u byte%s", inum,
                     type_name(d.type), d.size, plural(d.size));
    if (info[inum].container != 0)
      n += snprintf(what + n, sizeof(what) - n, ", in orphan directory %u",
                    info[inum].container);
    snprintf(what + n, sizeof(what) - n, ")");

    if (d.nlink == 0)
      orphans++;
    if (!repair) {
      if (d.nlink == 0)
        note("%s", what);
      else
        problem("freed it", "%s has nlink %d; the kernel frees only orphans "
                "with nlink 0", what, d.nlink);
      continue;
    }
    uint held = free_inode(inum);
    snprintf(fix, sizeof(fix), "freed it and its %u block%s", held,
             plural(held));
    if (d.nlink == 0)
      note("fixed: %s; %s", what, fix);
    else
      problem(fix, "%s has nlink %d", what, d.nlink);
  }
}

/* ---- 6. Link counts ----------------------------------------------------- */

static void
check_links(void)
{
  for (uint inum = 1; inum < sb.ninodes; inum++) {
    struct dinode d;
    char fix[64], also[64] = "";
    dinode_get(inum, &d);
    if (d.type == 0 || info[inum].orphan || d.nlink == info[inum].links)
      continue;
    int want = info[inum].links;
    if (d.type == T_DIR)
      snprintf(also, sizeof(also), " (%d of them \"..\")", info[inum].dotdots);
    if (want > NLINK_MAX) {
      problem(0, "%s: %d directory entries name it%s, more than nlink holds",
              who(inum), want, also);
      continue;
    }
    snprintf(fix, sizeof(fix), "set it to %d", want);
    problem(fix, "%s: nlink %d, but %d directory %s it%s", who(inum), d.nlink,
            want, want == 1 ? "entry names" : "entries name", also);
    d.nlink = want;
    dinode_put(inum, &d);
  }
}

/* ---- 7. Blocks and the bitmap ------------------------------------------- */

static int
by_first_then_block(const void *a, const void *b)
{
  const struct claim *x = a, *y = b;
  if (x->first != y->first)
    return x->first < y->first ? -1 : 1;
  return x->bno < y->bno ? -1 : x->bno > y->bno;
}

/* Report the blocks inum claimed that another inode (or inum) had first:
   one line per other inode. */
static void
report_shared(uint inum, struct claim *claims, uint n)
{
  qsort(claims, n, sizeof(claims[0]), by_first_then_block);
  for (uint i = 0, run; i < n; i += run) {
    run = 1;
    while (i + run < n && claims[i + run].first == claims[i].first)
      run++;
    uint first = claims[i].first, bno = claims[i].bno;
    if (first == inum && run == 1)
      problem(0, "block %u is used twice by %s", bno, who(inum));
    else if (first == inum)
      problem(0, "%s uses %u of its blocks twice, the first block %u",
              who(inum), run, bno);
    else if (run == 1)
      problem(0, "block %u is used by both %s and %s", bno, who(first),
              who(inum));
    else
      problem(0, "%s shares %u blocks with %s, the first block %u", who(inum),
              run, who(first), bno);
  }
}

/* Record which inode uses each block; report blocks used twice. */
static void
find_owners(void)
{
  static struct claim claims[NDIRECT + 1 + NINDIRECT];

  for (uint inum = 1; inum < sb.ninodes; inum++) {
    struct dinode d;
    uint n = 0;
    dinode_get(inum, &d);
    if (d.type == 0)
      continue;
    uint blocks[NDIRECT + 1 + NINDIRECT], count = 0;
    for (int i = 0; i < NDIRECT + 1; i++)
      blocks[count++] = d.addrs[i];
    for (uint i = 0; in_data(d.addrs[NDIRECT]) && i < NINDIRECT; i++)
      blocks[count++] = indirect_entry(&d, i);
    for (uint i = 0; i < count; i++) {
      uint bno = blocks[i];
      if (!in_data(bno))
        continue;
      if (owner[bno] == 0)
        owner[bno] = inum;
      else
        claims[n++] = (struct claim){ owner[bno], bno };
    }
    if (n > 0)
      report_shared(inum, claims, n);
  }
}

/* A run of blocks whose bitmap bits are wrong in the same way. */
enum mismatch { MATCH, META_FREE, USED_FREE, FREE_USED };

static void
report_run(enum mismatch kind, uint start, uint end)
{
  char blocks[48];
  int one = start == end;

  if (one)
    snprintf(blocks, sizeof(blocks), "block %u", start);
  else
    snprintf(blocks, sizeof(blocks), "blocks %u-%u", start, end);
  switch (kind) {
  case META_FREE:
    problem("marked in use", "bitmap: metadata %s marked free", blocks);
    break;
  case USED_FREE:
    problem(one ? "marked it in use" : "marked them in use",
            "bitmap: %s, used by %s, %s marked free", blocks, who(owner[start]),
            one ? "is" : "are");
    break;
  case FREE_USED:
    problem(one ? "marked it free" : "marked them free",
            "bitmap: %s %s marked in use, but no file uses %s", blocks,
            one ? "is" : "are", one ? "it" : "them");
    break;
  case MATCH:
    break;
  }
}

/*
 * The bitmap must mark the metadata (blocks below the data area) and
 * every block an inode uses, and no other. A superblock whose nblocks
 * leaves blocks unused between the bitmap and the data (mkfs gives a
 * bitmap block more than needed when the size is a multiple of BPB) may
 * have them marked either way: the kernel never frees them. Bits for
 * blocks past the end of the file system mean nothing, to the kernel as
 * here.
 */
static void
check_bitmap(void)
{
  uint reserved_end = sb.size - sb.nblocks;
  enum mismatch run_kind = MATCH;
  uint run_start = 0;

  for (uint64 bno = 0; bno <= sb.size; bno++) {
    enum mismatch kind = MATCH;
    if (bno < sb.size) {
      int used = bitmap_get(bno);
      if (bno < data_start && !used)
        kind = META_FREE;
      else if (bno >= data_start && owner[bno] != 0 && !used)
        kind = USED_FREE;
      else if (bno >= reserved_end && owner[bno] == 0 && used)
        kind = FREE_USED;
    }
    /* A run ends at a change of kind, and a used-but-free run at a change
       of owner too, so that its message can name the owner. */
    int same = kind == run_kind &&
               (kind != USED_FREE || owner[bno] == owner[bno - 1]);
    if (!same && run_kind != MATCH)
      report_run(run_kind, run_start, bno - 1);
    if (!same)
      run_start = bno;
    run_kind = kind;
    if (kind == META_FREE || kind == USED_FREE)
      bitmap_set(bno, 1);
    else if (kind == FREE_USED)
      bitmap_set(bno, 0);
  }
}

static void
check_blocks(void)
{
  find_owners();
  check_bitmap();
}

/* ---- Putting it together ------------------------------------------------ */

/* Write back the blocks of the private copy that differ from the file. */
static void
write_back(FILE *f)
{
  for (uint bno = 0; bno < sb.size; bno++) {
    size_t at = (size_t)bno * BSIZE;
    if (memcmp(image + at, original + at, BSIZE) == 0)
      continue;
    if (fseek(f, (long)at, SEEK_SET) != 0 ||
        fwrite(image + at, BSIZE, 1, f) != 1)
      trouble("%s: cannot write block %u: %s", image_path, bno,
              strerror(errno));
  }
}

/* The last line: what the image holds, or what is wrong with it. */
static int
summary(void)
{
  uint inodes = 0, blocks = 0;
  int left = problems - fixable;

  for (uint inum = 1; inum < sb.ninodes; inum++) {
    struct dinode d;
    dinode_get(inum, &d);
    inodes += d.type != 0;
  }
  for (uint bno = 0; bno < sb.size; bno++)
    blocks += bitmap_get(bno);

  if (!repair && problems > 0) {
    printf("fsck: %s: %d problem%s", image_path, problems, plural(problems));
    if (fixable == problems)
      printf(", all of which fsck -y repairs\n");
    else
      printf(", %d of which fsck -y repairs\n", fixable);
    return EXIT_PROBLEMS;
  }
  if (repair && left > 0) {
    printf("fsck: %s: fixed %d problem%s; %d left that fsck cannot repair\n",
           image_path, fixable, plural(fixable), left);
    return EXIT_PROBLEMS;
  }
  printf("fsck: %s: ", image_path);
  if (problems > 0)
    printf("fixed %d problem%s, now ", problems, plural(problems));
  printf("clean, %u inode%s and %u of %u blocks in use", inodes, plural(inodes),
         blocks, sb.size);
  if (orphans > 0 && !repair)
    printf(", %d orphan%s for the kernel to free", orphans, plural(orphans));
  if (orphans > 0 && repair)
    printf(", %d orphan%s freed", orphans, plural(orphans));
  printf("\n");
  return EXIT_CLEAN;
}

static void __attribute__((noreturn))
usage(void)
{
  fprintf(stderr, "usage: mkfs/fsck [-n | -y] IMAGE\n"
          "  -n  check only, change nothing (the default)\n"
          "  -y  repair what can be repaired safely\n");
  exit(EXIT_TROUBLE);
}

int
main(int argc, char *argv[])
{
  int arg = 1;

  if (arg < argc && strcmp(argv[arg], "-n") == 0) {
    arg++;
  } else if (arg < argc && strcmp(argv[arg], "-y") == 0) {
    repair = 1;
    arg++;
  }
  if (argc - arg != 1 || argv[arg][0] == '-')
    usage();
  image_path = argv[arg];

  FILE *f = load();
  info = xcalloc(sb.ninodes, sizeof(*info));
  owner = xcalloc(sb.size, sizeof(*owner));
  scanned = xcalloc(sb.size, 1);
  entries = xcalloc(ENTRIES_MAX, sizeof(*entries));
  by_name = xcalloc(ENTRIES_MAX, sizeof(*by_name));

  replay_log();
  check_root();
  for (uint inum = 0; inum < sb.ninodes; inum++)
    check_inode(inum);
  if (root_ok) {
    walk_tree();
    check_orphans();
    check_links();
  }
  check_blocks();

  if (repair)
    write_back(f);
  if (fclose(f) != 0)
    trouble("%s: cannot write: %s", image_path, strerror(errno));
  return summary();
}
