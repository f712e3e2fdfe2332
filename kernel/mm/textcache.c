/*
 * textcache.c: the shared program-text pages (kernel/mm/textcache.h).
 *
 * A fixed table of TEXT_SLOTS entries, guarded by text_lock; a key hashes
 * to a run of TEXT_PROBE slots and lives in any of them, so removing an
 * entry is just clearing its slot. A cached page is kept (kalloc_keep):
 * it stays when the last process unmaps it, until textcache_drop (the
 * last process running the file has let it go) stops keeping it. Until
 * then a new run of the program finds its text already in memory.
 *
 * Nothing here reads a file: the fault path (fault.c) does, outside
 * text_lock, then offers the page; two processes that miss at once both
 * read it and the second is handed the first's page.
 */
#include "kernel/mm/textcache.h"
#include "kernel/mm/kalloc.h"
#include "kernel/lib/spinlock.h"

#define TEXT_SLOTS 1024 /* 4 MiB of program text */
#define TEXT_PROBE 8

struct textslot {
  struct textkey key; /* [text_lock] key.ip == 0: free */
  void *page;         /* [text_lock] */
};

static struct spinlock text_lock;
static struct textslot slots[TEXT_SLOTS];
static uint64 ncached; /* [text_lock] slots in use */

void textcache_init(void)
{
  spin_init(&text_lock, "text_lock");
}

static uint hash(const struct textkey *k)
{
  uint64 h = (uint64)k->ip * 0x9e3779b97f4a7c15ULL;
  h ^= (uint64)k->off * 0xc2b2ae3d27d4eb4fULL + k->gen;
  return (uint)(h >> 40) % TEXT_SLOTS;
}

static int same(const struct textkey *a, const struct textkey *b)
{
  return a->ip == b->ip && a->gen == b->gen && a->off == b->off && a->len == b->len;
}

/* The slot holding key, or 0. Called with text_lock held. */
static struct textslot *find(const struct textkey *key)
{
  uint first = hash(key);
  for (int i = 0; i < TEXT_PROBE; i++) {
    struct textslot *s = &slots[(first + i) % TEXT_SLOTS];
    if (s->key.ip != 0 && same(&s->key, key))
      return s;
  }
  return 0;
}

void *textcache_get(const struct textkey *key)
{
  spin_acquire(&text_lock);
  struct textslot *s = find(key);
  void *page = 0;
  if (s) {
    page = s->page;
    kalloc_share(page);
  }
  spin_release(&text_lock);
  return page;
}

void *textcache_put(const struct textkey *key, void *page)
{
  spin_acquire(&text_lock);
  struct textslot *s = find(key);
  if (s) {
    void *cached = s->page;
    kalloc_share(cached);
    spin_release(&text_lock);
    kfree(page);
    return cached;
  }
  uint first = hash(key);
  for (int i = 0; i < TEXT_PROBE; i++) {
    s = &slots[(first + i) % TEXT_SLOTS];
    if (s->key.ip == 0) {
      s->key = *key;
      s->page = page;
      kalloc_keep(page, 1);
      ncached++;
      break;
    }
  }
  spin_release(&text_lock);
  return page;
}

void textcache_drop(struct inode *ip)
{
  spin_acquire(&text_lock);
  for (int i = 0; i < TEXT_SLOTS; i++) {
    struct textslot *s = &slots[i];
    if (s->key.ip == ip) {
      s->key.ip = 0;
      kalloc_keep(s->page, 0); /* frees it if no process maps it */
      s->page = 0;
      ncached--;
    }
  }
  spin_release(&text_lock);
}

uint64 textcache_npages(void)
{
  spin_acquire(&text_lock);
  uint64 n = ncached;
  spin_release(&text_lock);
  return n;
}
