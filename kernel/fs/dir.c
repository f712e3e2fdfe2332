/*
 * dir.c: directories and path names (kernel/fs/inode.h: dir_lookup,
 * dir_link, fs_lookup, fs_lookup_parent, fs_namei).
 *
 * A directory is a file of struct dirent; an entry with inum 0 is free.
 * dir_lookup is where an inode number read from the disk is first
 * trusted, so it checks the disk inode before anyone locks it.
 *
 * A path walk holds at most one inode lock at a time (parent is unlocked
 * before the child is locked), which is what makes ".." lookups safe.
 * Directory operations in sysfile.c lock a parent, then a child.
 */
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/errno.h"
#include "kernel/stat.h"
#include "kernel/fs.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/string.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/internal.h"
#include "kernel/proc/proc.h"

/* A directory entry never straddles two blocks, so writing one either
   succeeds whole or fails whole. */
_Static_assert(BSIZE % sizeof(struct dirent) == 0,
               "directory entries must tile a block");

/* ---- Directories --------------------------------------------------- */

int dir_namecmp(const char *a, const char *b)
{
  return strncmp(a, b, DIRSIZ);
}

/* Read the directory entry at off into *de. Returns 0, or -EIO if the
   directory's block is damaged. Locked. */
static int dir_entry_at(struct inode *dp, uint off, struct dirent *de)
{
  int r = inode_read(dp, 0, (uint64)de, off, sizeof(*de));
  if (r == sizeof(*de))
    return 0;
  return r < 0 ? r : -EIO;
}

/*
 * Find name in dp: set *pinum to its inode number (0 if none) and, if
 * poff != 0, *poff to its entry's offset. Returns 0, or -EIO if an entry
 * could not be read. Locked.
 */
static int dir_find(struct inode *dp, const char *name, uint *poff, uint *pinum)
{
  struct dirent de;

  *pinum = 0;
  if (dp->type != T_DIR) {
    /* Callers check, but an inode the disk failed to read has no type. */
    printf("fs: inode %u is not a directory\n", dp->inum);
    return -EIO;
  }
  for (uint off = 0; off < dp->size; off += sizeof(de)) {
    int err = dir_entry_at(dp, off, &de);
    if (err < 0)
      return err;
    if (de.inum != 0 && dir_namecmp(name, de.name) == 0) {
      if (poff != 0)
        *poff = off;
      *pinum = de.inum;
      return 0;
    }
  }
  return 0;
}

/*
 * Look name up in directory dp (locked). Sets *ipp to the inode,
 * referenced and unlocked, and *poff (if poff != 0) to its entry's
 * offset. Returns 0, -ENOENT if there is no such entry, -ENFILE if the
 * inode table is full, or -EIO if the directory or the inode its entry
 * names is damaged. Inside a transaction.
 *
 * This is where an inode number from the disk is first trusted, so the
 * disk inode is checked here, before anyone locks it: it must be a valid
 * inode number, allocated, of a known type and size, and linked. dp's
 * lock keeps the entry in place meanwhile. The check comes after the
 * reference is taken: from then on, the inode cannot be freed under us.
 */
int dir_lookup(struct inode *dp, const char *name, uint *poff, struct inode **ipp)
{
  uint inum;
  struct dinode di;

  *ipp = 0;
  int err = dir_find(dp, name, poff, &inum);
  if (err < 0)
    return err;
  if (inum == 0)
    return -ENOENT;
  if (inum >= fs_sb.ninodes) {
    printf("fs: directory %u: entry %s names inode %u, but the disk has "
           "%u inodes\n", dp->inum, name, inum, fs_sb.ninodes);
    return -EIO;
  }
  struct inode *ip = inode_get(dp->dev, inum);
  if (ip == 0)
    return -ENFILE;
  dinode_read(dp->dev, inum, &di);
  const char *problem = dinode_problem(&di);
  if (problem == 0 && di.nlink < 1)
    problem = "has no links";
  if (problem) {
    printf("fs: directory %u: entry %s names inode %u, which %s\n",
           dp->inum, name, inum, problem);
    inode_put(ip);
    return -EIO;
  }
  *ipp = ip;
  return 0;
}

int dir_drop_entry(struct inode *dp, const char *name)
{
  uint off, inum;
  int err = dir_find(dp, name, &off, &inum);
  if (err < 0)
    return err;
  if (inum == 0)
    return -ENOENT;
  struct dirent empty;
  memset(&empty, 0, sizeof(empty));
  int r = inode_write(dp, 0, (uint64)&empty, off, sizeof(empty));
  if (r != sizeof(empty))
    return r < 0 ? r : -EIO;
  printf("fs: directory %u: entry %s removed; inode %u left as it is, for fsck\n", dp->inum,
         name, inum);
  return 0;
}

/*
 * Add the entry (name, inum) to directory dp (locked), reusing a free
 * entry if there is one. Returns 0, -EEXIST if name is there already,
 * -EIO if the directory is damaged, or the error from growing the
 * directory (-ENOSPC, -EFBIG). Inside a transaction.
 */
int dir_link(struct inode *dp, const char *name, uint inum)
{
  struct dirent de;
  uint off, found;

  KASSERT(inum != 0 && inum == (ushort)inum);
  int err = dir_find(dp, name, 0, &found);
  if (err < 0)
    return err;
  if (found != 0)
    return -EEXIST;

  for (off = 0; off < dp->size; off += sizeof(de)) {
    err = dir_entry_at(dp, off, &de);
    if (err < 0)
      return err;
    if (de.inum == 0)
      break;
  }

  memset(&de, 0, sizeof(de));
  strncpy(de.name, name, DIRSIZ);
  de.inum = inum;
  int r = inode_write(dp, 0, (uint64)&de, off, sizeof(de));
  if (r < 0)
    return r;
  return r == sizeof(de) ? 0 : -EIO;
}

/* ---- Path names ---------------------------------------------------- */

/*
 * Copy the next element of the path at *pathp into name (DIRSIZ + 1
 * bytes) and advance *pathp past it and the slashes after it, so that
 * **pathp == 0 means the element was the last. Returns 1 for an element,
 * 0 if the path has none left. An element longer than DIRSIZ is cut to
 * its first DIRSIZ characters, as xv6 does (POSIX allows this where
 * _POSIX_NO_TRUNC is not set): programs written for xv6 rely on it.
 *
 *   "a/bb//c"  ->  name "a", rest "bb//c"
 *   "///"      ->  0
 */
static int next_elem(const char **pathp, char *name)
{
  const char *p = *pathp;

  while (*p == '/')
    p++;
  if (*p == '\0') {
    *pathp = p;
    return 0;
  }
  const char *start = p;
  while (*p != '/' && *p != '\0')
    p++;
  int len = p - start;
  if (len > DIRSIZ)
    len = DIRSIZ;
  memmove(name, start, len);
  name[len] = '\0';
  while (*p == '/')
    p++;
  *pathp = p;
  return 1;
}

/*
 * Walk path from the root (if it starts with '/') or the current
 * directory. With want_parent, stop one element early: return the last
 * element's directory and copy the last element into name.
 * See inode.h for the results.
 */
static int walk(const char *path, int want_parent, char *name, struct inode **ipp)
{
  char elem[DIRSIZ + 1];
  struct inode *ip;

  *ipp = 0;
  if (name == 0)
    name = elem;
  if (*path == '\0')
    return -ENOENT;
  if (*path == '/')
    ip = inode_get(ROOTDEV, ROOTINO);
  else
    ip = inode_dup(myproc()->cwd);
  if (ip == 0)
    return -ENFILE;

  for (;;) {
    if (next_elem(&path, name) == 0)
      break;

    inode_lock(ip);
    if (ip->type != T_DIR) {
      inode_unlockput(ip);
      return -ENOTDIR;
    }
    if (ip->nlink == 0) {
      /* A removed directory (someone's cwd): its ".." may name a freed
         inode, and nothing may be created in it. */
      inode_unlockput(ip);
      return -ENOENT;
    }
    if (want_parent && *path == '\0') {
      inode_unlock(ip);
      *ipp = ip;
      return 0;
    }
    struct inode *next;
    int err = dir_lookup(ip, name, 0, &next);
    /* Unlock before the child is locked: the child may be ip itself (".")
       or its parent (".."), and holding both would deadlock. */
    inode_unlockput(ip);
    if (err < 0)
      return err;
    ip = next;
  }

  if (want_parent) {
    /* The path named no element, e.g. "/": there is no parent to give. */
    inode_put(ip);
    return -EINVAL;
  }
  *ipp = ip;
  return 0;
}

int fs_lookup(const char *path, struct inode **ipp)
{
  return walk(path, 0, 0, ipp);
}

int fs_lookup_parent(const char *path, char *name, struct inode **ipp)
{
  return walk(path, 1, name, ipp);
}

struct inode *fs_namei(const char *path)
{
  struct inode *ip;
  return walk(path, 0, 0, &ip) == 0 ? ip : 0;
}
