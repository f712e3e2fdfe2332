/*
 * textcache.h: pages of program text shared by every process running
 * the program (kernel/mm/textcache.c).
 *
 * A read-only page of a program is the same for everyone who runs that
 * file, so the first process to touch it reads it from the file and
 * offers it here; later ones map the same physical page. A page is named
 * by the file's in-memory inode, its text generation (inode_deny_write),
 * the file offset of its first byte and the number of bytes it holds
 * from the file (the rest is zero).
 */
#ifndef KERNEL_MM_TEXTCACHE_H
#define KERNEL_MM_TEXTCACHE_H

#include "kernel/types.h"

struct inode;

struct textkey {
  struct inode *ip;
  uint gen;   /* ip's text generation */
  uint off;   /* file offset of the page's first byte */
  uint len;   /* bytes from the file; the rest of the page is zero */
};

void textcache_init(void);
/* The cached page for key with one more reference for the caller, or 0. */
void *textcache_get(const struct textkey *key);
/* Offer page (holding the caller's reference, filled as key says). Returns
   the page to map, with the caller's reference: page itself, or one
   cached meanwhile by another process (page is then freed). A full cache
   just leaves page private. */
void *textcache_put(const struct textkey *key, void *page);
/* Forget every page of ip (no program maps it any more). */
void textcache_drop(struct inode *ip);
uint64 textcache_npages(void); /* pages cached now */

#endif
