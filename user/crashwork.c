/*
 * crashwork: the file-system workload of `make crashtest`, and its check.
 *
 *   crashwork run SEED      make the operations SEED picks, in /cw, printing
 *                           "crashwork: done N" once the N'th is complete
 *                           (its last system call has returned), until
 *                           MAXOPS are done or the power is cut
 *   crashwork check SEED N  after a power cut and a reboot: check that /cw
 *                           holds what operations 1..N made, with
 *                           operation N+1 not there, there in part as it
 *                           allows, or there in full; print
 *                           "crashwork: check ok" or each problem
 *
 * The operations come from a pseudo-random sequence seeded by SEED, each
 * chosen to fit a model of what /cw holds. So check, replaying the same
 * sequence in the model alone, knows what the disk must hold without a
 * record of it. Each system call that changes the disk is one transaction
 * of the kernel's log, so a cut may leave any prefix of an operation's
 * calls done, never part of one call: a file being written holds a prefix
 * of its bytes, a rename (link, then unlink) leaves the file under one
 * name or both, never none.
 *
 * The operations: create a file (a few KiB, or a big one up to the size
 * limit, written in pieces), append to one, link, rename by link and
 * unlink, unlink, unlink a file while it is open and write on to it,
 * make and remove directories, and fill the disk with files until write
 * fails (ENOSPC), then remove them. File contents are a pattern of the
 * operation that made the file, so bytes from the wrong file show.
 */
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/stat.h"
#include "user/ulib.h"

#define MAXOPS     3000
#define NSLOTS     24                 /* file names: f0..f11 in /cw, f12.. in the dirs */
#define NTOP       12
#define NDIRS      3
#define SMALL_MAX  (8 * 1024)
#define BIG_MIN    (64 * 1024)
#define FILE_MAX   (MAXFILE * BSIZE)
#define APPEND_MAX (4 * 1024)
#define OPEN_MORE  1024               /* bytes written to a file after unlinking it */
#define CHUNK      (16 * 1024)        /* one write call */
#define LIVE_MAX   (2 * 1024 * 1024)  /* bytes the files may hold: half the disk */
#define FILL_FILES 64
#define PATH_LEN   32

enum op { CREATE, APPEND, LINK, RENAME, UNLINK, UNLINK_OPEN, MKDIR, RMDIR, FILL, NOPS };
static const char *const op_names[NOPS] = {
  "create", "append", "link", "rename", "unlink", "unlink-open", "mkdir", "rmdir", "fill",
};
#define FILL_ODDS 128  /* filling the disk is slow: one in this many of its picks is kept */

struct step {
  enum op op;
  int a, b;      /* slots, or a directory (MKDIR, RMDIR) in a */
  int c;         /* the content it makes or changes */
  uint from;     /* that content's length before it */
  uint len;      /* bytes it writes */
};

/* The model: what /cw holds after the operations so far. */
struct model {
  int content[NSLOTS];      /* the content slot i names (the op that made it), or -1 */
  uint length[MAXOPS + 2];  /* each content's length (operation numbers 1..MAXOPS+1) */
  int dir_made[NDIRS];
};
static struct model m;
static uint64 rng;
static char skip[CHUNK];    /* what is read to reach the end of a file */

static uint
next_random(void)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint)(rng >> 11);
}

/* The byte at offset off of content c. */
static uchar
pattern(int c, uint off)
{
  return (uchar)(c * 131 + off * 7 + (off >> 9));
}

static int
slot_dir(int slot)
{
  return slot < NTOP ? -1 : (slot - NTOP) % NDIRS;
}

static void
slot_path(int slot, char *buf)
{
  if (slot_dir(slot) < 0)
    snprintf(buf, PATH_LEN, "/cw/f%d", slot);
  else
    snprintf(buf, PATH_LEN, "/cw/d%d/f%d", slot_dir(slot), slot);
}

/* May a file be made in slot: free, and its directory there? */
static int
slot_free(int slot)
{
  return m.content[slot] < 0 && (slot_dir(slot) < 0 || m.dir_made[slot_dir(slot)]);
}

/* Bytes in all the files, each content counted once. */
static uint
live_bytes(void)
{
  uint total = 0;
  for (int s = 0; s < NSLOTS; s++) {
    int c = m.content[s], seen = 0;
    for (int t = 0; t < s; t++)
      seen |= m.content[t] == c;
    if (c >= 0 && !seen)
      total += m.length[c];
  }
  return total;
}

static int
dir_empty(int d)
{
  for (int s = NTOP; s < NSLOTS; s++)
    if (slot_dir(s) == d && m.content[s] >= 0)
      return 0;
  return 1;
}

/* Pick operation number n, one the model allows, and apply it to the
   model. */
static struct step
pick(int n)
{
  struct step st;
  for (;;) {
    st.op = next_random() % NOPS;
    st.a = next_random() % NSLOTS;
    st.b = next_random() % NSLOTS;
    st.c = m.content[st.a];
    st.from = st.c >= 0 ? m.length[st.c] : 0;
    st.len = 0;
    switch (st.op) {
    case CREATE:
      if (!slot_free(st.a))
        continue;
      st.c = n;
      st.len = next_random() % 8 == 0 ? BIG_MIN + next_random() % (FILE_MAX - BIG_MIN + 1)
                                      : next_random() % (SMALL_MAX + 1);
      if (live_bytes() + st.len > LIVE_MAX)
        continue;
      m.content[st.a] = n;
      m.length[n] = st.len;
      return st;
    case APPEND:
      if (st.c < 0 || st.from + APPEND_MAX > FILE_MAX || live_bytes() + APPEND_MAX > LIVE_MAX)
        continue;
      st.len = 1 + next_random() % APPEND_MAX;
      m.length[st.c] += st.len;
      return st;
    case LINK:
    case RENAME:
      if (st.c < 0 || !slot_free(st.b))
        continue;
      m.content[st.b] = st.c;
      if (st.op == RENAME)
        m.content[st.a] = -1;
      return st;
    case UNLINK:
      if (st.c < 0)
        continue;
      m.content[st.a] = -1;
      return st;
    case UNLINK_OPEN:
      if (st.c < 0 || st.from + OPEN_MORE > FILE_MAX)
        continue;
      st.len = OPEN_MORE;
      m.length[st.c] += OPEN_MORE; /* other names of it see the bytes */
      m.content[st.a] = -1;
      return st;
    case MKDIR:
      st.a %= NDIRS;
      if (m.dir_made[st.a])
        continue;
      m.dir_made[st.a] = 1;
      return st;
    case RMDIR:
      st.a %= NDIRS;
      if (!m.dir_made[st.a] || !dir_empty(st.a))
        continue;
      m.dir_made[st.a] = 0;
      return st;
    case FILL:
      if (next_random() % FILL_ODDS != 0)
        continue;
      st.c = n;
      return st;
    default:
      continue;
    }
  }
}

/* ---- Running ----------------------------------------------------------- */

static void
die(const char *what, const char *path)
{
  fprintf(2, "crashwork: %s %s: %s\n", what, path, strerror(errno));
  exit(1);
}

/* Write len bytes of content c, from its offset from, to fd. Returns 0,
   or -1 if a write failed (errno says why). */
static int
write_content(int fd, int c, uint from, uint len)
{
  static uchar buf[CHUNK];
  for (uint done = 0; done < len;) {
    uint n = len - done < CHUNK ? len - done : CHUNK;
    for (uint i = 0; i < n; i++)
      buf[i] = pattern(c, from + done + i);
    if (write(fd, buf, n) != n)
      return -1;
    done += n;
  }
  return 0;
}

static int
open_or_die(const char *path, int flags)
{
  int fd = open(path, flags);
  if (fd < 0)
    die("open", path);
  return fd;
}

/* Fill the disk with files until a write fails, then remove them. */
static void
fill_disk(int c)
{
  char path[PATH_LEN];
  int made = 0;
  for (int full = 0; !full && made < FILL_FILES; made++) {
    snprintf(path, sizeof(path), "/cw/fill%d", made);
    int fd = open(path, O_CREATE | O_WRONLY);
    if (fd < 0)
      break;   /* no inode left: full too */
    full = write_content(fd, c, 0, FILE_MAX) < 0;
    close(fd);
  }
  for (int i = 0; i < made; i++) {
    snprintf(path, sizeof(path), "/cw/fill%d", i);
    if (unlink(path) < 0)
      die("unlink", path);
  }
}

/* Read fd up to offset off: there is no lseek, and no O_APPEND. */
static void
skip_to(int fd, uint off, const char *path)
{
  for (uint left = off; left > 0;) {
    int n = read(fd, skip, left < CHUNK ? left : CHUNK);
    if (n <= 0)
      die("read", path);
    left -= n;
  }
}

/* Write st's content from offset st.from on to fd, open at the start of
   path, then close it; what names the write if it fails. */
static void
write_from(int fd, struct step st, const char *what, const char *path)
{
  skip_to(fd, st.from, path);
  if (write_content(fd, st.c, st.from, st.len) < 0)
    die(what, path);
  close(fd);
}

/* Do step st on the disk. */
static void
perform(struct step st)
{
  char a[PATH_LEN], b[PATH_LEN];
  int fd;
  slot_path(st.a, a);
  slot_path(st.b, b);
  switch (st.op) {
  case CREATE:
    fd = open_or_die(a, O_CREATE | O_WRONLY);
    if (write_content(fd, st.c, 0, st.len) < 0)
      die("write", a);
    close(fd);
    break;
  case APPEND:
    fd = open_or_die(a, O_RDWR);
    struct stat sb;
    if (fstat(fd, &sb) < 0 || sb.size != st.from)
      die("the size before an append is wrong:", a);
    write_from(fd, st, "append", a);
    break;
  case LINK:
  case RENAME:
    if (link(a, b) < 0)
      die("link to", b);
    if (st.op == RENAME && unlink(a) < 0)
      die("unlink", a);
    break;
  case UNLINK:
    if (unlink(a) < 0)
      die("unlink", a);
    break;
  case UNLINK_OPEN:
    fd = open_or_die(a, O_RDWR);
    if (unlink(a) < 0)
      die("unlink", a);
    write_from(fd, st, "write after unlink", a);
    break;
  case MKDIR:
  case RMDIR:
    snprintf(a, sizeof(a), "/cw/d%d", st.a);
    if ((st.op == MKDIR ? mkdir(a) : unlink(a)) < 0)
      die(st.op == MKDIR ? "mkdir" : "rmdir", a);
    break;
  case FILL:
    fill_disk(st.c);
    break;
  default:
    break;
  }
}

static int
run(void)
{
  if (mkdir("/cw") < 0)
    die("mkdir", "/cw");
  printf("crashwork: start\n");
  for (int n = 1; n <= MAXOPS; n++) {
    perform(pick(n));
    printf("crashwork: done %d\n", n);
  }
  printf("crashwork: all %d done\n", MAXOPS);
  return 0;
}

/* ---- Checking ---------------------------------------------------------- */

static int problems;

static void
problem(const char *fmt, ...)
{
  char buf[160];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  printf("crashwork: %s\n", buf);
  problems++;
}

/* What slot may hold: absent (if may_be_absent), or content c (-1: none
   allowed) with a length in [lo, hi]. */
struct allowed {
  int may_be_absent;
  int c;
  uint lo, hi;
};

static struct allowed
allowed_for(const struct model *before, struct step next, int slot)
{
  int c = before->content[slot];
  struct allowed al = { c < 0, c, c >= 0 ? before->length[c] : 0, c >= 0 ? before->length[c] : 0 };
  switch (next.op) {
  case CREATE:
    if (slot == next.a)
      al = (struct allowed){ 1, next.c, 0, next.len };
    break;
  case APPEND:
  case UNLINK_OPEN:
    if (c >= 0 && c == next.c)
      al.hi = next.from + next.len;
    if (next.op == UNLINK_OPEN && slot == next.a)
      al.may_be_absent = 1;
    break;
  case LINK:
  case RENAME:
    if (slot == next.b)
      al = (struct allowed){ 1, next.c, next.from, next.from };
    if (next.op == RENAME && slot == next.a)
      al.may_be_absent = 1;
    break;
  case UNLINK:
    if (slot == next.a)
      al.may_be_absent = 1;
    break;
  default:
    break;
  }
  return al;
}

/* Does slot on the disk hold what al allows? Returns 1 if present. */
static int
check_slot(int slot, struct allowed al)
{
  static uchar buf[CHUNK];
  char path[PATH_LEN];
  slot_path(slot, path);
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    if (!al.may_be_absent)
      problem("%s is missing (%s)", path, strerror(errno));
    return 0;
  }
  struct stat sb;
  if (fstat(fd, &sb) < 0 || sb.type != T_FILE) {
    problem("%s is not a file", path);
    close(fd);
    return 1;
  }
  if (al.c < 0) {
    problem("%s is there, and should not be", path);
  } else if (sb.size < al.lo || sb.size > al.hi) {
    problem("%s holds %lu bytes, want %u to %u", path, (uint64)sb.size, al.lo, al.hi);
  } else {
    for (uint off = 0; off < sb.size;) {
      int n = read(fd, buf, sizeof(buf));
      if (n <= 0) {
        problem("%s: read at %u: %s", path, off, n < 0 ? strerror(errno) : "end of file");
        break;
      }
      for (int i = 0; i < n; i++) {
        if (buf[i] != pattern(al.c, off + i)) {
          problem("%s: wrong byte at offset %u", path, off + i);
          off = sb.size;
          break;
        }
      }
      off += n;
    }
  }
  close(fd);
  return 1;
}

/* Is name one /cw or /cw/dD (dir, -1 for /cw) may hold? */
static int
name_expected(int dir, const char *name, struct step next)
{
  if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
    return 1;
  for (int s = 0; s < NSLOTS; s++) {
    char want[PATH_LEN];
    snprintf(want, sizeof(want), "f%d", s);
    if (slot_dir(s) == dir && strcmp(name, want) == 0)
      return 1;
  }
  if (dir < 0 && name[0] == 'd' && name[1] >= '0' && name[1] < '0' + NDIRS && name[2] == 0)
    return 1;
  return dir < 0 && next.op == FILL && strncmp(name, "fill", 4) == 0;
}

/* Every entry of directory path is a name it may hold. */
static void
check_names(const char *path, int dir, struct step next)
{
  struct dirent de;
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    problem("cannot open %s: %s", path, strerror(errno));
    return;
  }
  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    char name[DIRSIZ + 1];
    if (de.inum == 0)
      continue;
    memmove(name, de.name, DIRSIZ);
    name[DIRSIZ] = 0;
    if (!name_expected(dir, name, next))
      problem("%s holds %s, which no operation made", path, name);
  }
  close(fd);
}

static int
check(int done)
{
  static struct model before;
  for (int n = 1; n <= done; n++)
    pick(n);
  before = m;
  struct step next = pick(done + 1);

  struct stat sb;
  if (stat("/cw", &sb) < 0) {
    problem("/cw is missing");
    return 1;
  }
  check_names("/cw", -1, next);
  for (int d = 0; d < NDIRS; d++) {
    char path[PATH_LEN];
    snprintf(path, sizeof(path), "/cw/d%d", d);
    int there = stat(path, &sb) == 0 && sb.type == T_DIR;
    int may_change = (next.op == MKDIR || next.op == RMDIR) && next.a == d;
    if (there != before.dir_made[d] && !may_change)
      problem("%s is %s", path, there ? "there, and should not be" : "missing");
    if (there)
      check_names(path, d, next);
  }
  int either = 0;
  for (int s = 0; s < NSLOTS; s++) {
    int present = check_slot(s, allowed_for(&before, next, s));
    if (next.op == RENAME && (s == next.a || s == next.b))
      either |= present;
  }
  if (next.op == RENAME && !either)
    problem("a file being renamed is under neither name");
  if (problems == 0)
    printf("crashwork: check ok (%d operations done, the next one a %s)\n", done,
           op_names[next.op]);
  return problems > 0;
}

int
main(int argc, char *argv[])
{
  for (int s = 0; s < NSLOTS; s++)
    m.content[s] = -1;
  if (argc == 3 && strcmp(argv[1], "run") == 0 && is_number(argv[2])) {
    rng = 2 * (uint64)atoi(argv[2]) + 1;
    return run();
  }
  if (argc == 4 && strcmp(argv[1], "check") == 0 && is_number(argv[2]) && is_number(argv[3]) &&
      atoi(argv[3]) <= MAXOPS) {
    rng = 2 * (uint64)atoi(argv[2]) + 1;
    return check(atoi(argv[3]));
  }
  fprintf(2, "usage: crashwork run SEED | crashwork check SEED DONE\n");
  return 2;
}
