/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpm: declarations shared by the files of vpm.ko and its KUnit suites.
 * Nothing here is exported to other modules.
 */
#ifndef _VPM_INTERNAL_H
#define _VPM_INTERNAL_H

#include <linux/cache.h>
#include <linux/list.h>
#include <linux/migrate_mode.h>
#include <linux/miscdevice.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "vpm.h"

struct dentry;
struct folio;
struct shrinker;

/* Tunables of the vpm cache (vpm/cache.c), fixed once the module is loaded. */
extern bool vpm_enable;
extern bool vpm_cache_enable;
extern unsigned int vpm_cache_percent;
extern int vpm_nfreelist;

#define VPM_CACHE_PERCENT_DEFAULT	12
/* Bounds of the cache size (the seed's VPMAP_MINCACHE, VPMAP_MAXCACHE). */
#define VPMAP_MINCACHE		(64ULL << 20)
#define VPMAP_MAXCACHE		(256ULL << 30)

/* How get_free_vpmap() picks the freelist to start from. */
enum vpm_cache_mode {
	VPMCACHE_LRU,		/* per-CPU rotor over the freelists */
	VPMCACHE_RANDOM,	/* a random freelist */
};

/*
 * Lock order, outermost first:
 *
 *   folio lock            (writers hold it from map to unmap; vpm never
 *                          sleeps for a free entry while holding one;
 *                          reclaim, truncation and migration call into
 *                          the cache holding it)
 *   vpmap.lock
 *     vpm_freeq.lock      (get_free_vpmap() holds one and takes vpmap
 *                          locks and the other queue's lock by trylock)
 *       vpm_cache.hash_locks[]
 *         vpmfree.wait.lock
 *     mapping->i_pages    (folio_migrate_mapping(), irq-safe: a vpmap
 *                          lock is never taken in irq context or under it)
 */

/**
 * struct vpmap - one entry of the vpm cache
 * @lock: protects @refcnt, @page, @mapping, @index and queue membership
 * @refcnt: users that have the page mapped now; 0 = on a freelist
 * @home: index of the freelist this entry always returns to (fixed)
 * @queue: which queue of @home holds the entry, while it is on one
 * @qgen: bumped each time the entry is put on a queue, under @lock and
 *	that queue's lock: a walk that let go of the queue lock knows by it
 *	whether the entry it stopped at stayed where it was
 * @link: position on a queue; under that queue's lock, and changed only
 *	with @lock held too, so list_empty(@link) is stable under @lock
 * @hnode: position in the page hash; added and removed under @lock and
 *	the bucket's hash lock, walked under RCU; its pprev also changes
 *	under the bucket lock alone when a neighbour comes or goes, so it
 *	is tested with hlist_unhashed_lockless()
 * @page: the cached page, or NULL; an entry with a page holds exactly one
 *	reference on the page's folio
 * @mapping: address space of @page when it was associated
 * @index: page index of @page in @mapping
 */
struct vpmap {
	spinlock_t lock;	/* see the kernel-doc above */
	unsigned int refcnt;
	u16 home;
	u8 queue;
	u32 qgen;
	struct list_head link;
	struct hlist_node hnode;
	struct page *page;
	struct address_space *mapping;
	pgoff_t index;
};

/**
 * struct vpm_freeq - one queue of a freelist
 * @lock: protects @head and @len
 * @head: circular list of free entries, oldest first
 * @len: entries on @head
 *
 * Each queue has cache lines of its own: takers spin on the alloc queue's
 * lock and freers on the release queue's, and the two locks of a freelist
 * are there to keep them apart, not to bounce one line between them.
 */
struct vpm_freeq {
	spinlock_t lock;	/* protects head and len */
	struct list_head head;
	unsigned int len;
} ____cacheline_aligned_in_smp;

/**
 * struct vpmfree - a freelist: an alloc and a release queue that flip
 * @q: the two queues
 * @allocq: queue entries are taken from; swapped with @releq only with
 *	both queue locks held, read without them (a stale value is retried)
 * @releq: queue entries are freed to
 * @want: threads sleeping on @wait; changed with both queue locks held
 * @wait: where threads sleep when every freelist is empty
 *
 * Freelists live in per-CPU storage, each on its own cache lines.
 */
struct vpmfree {
	struct vpm_freeq q[2];
	struct vpm_freeq *allocq;
	struct vpm_freeq *releq;
	unsigned int want;
	wait_queue_head_t wait;
} ____cacheline_aligned_in_smp;

/* Counters of the cache, per CPU, summed when read. */
enum vpm_stat {
	VPM_STAT_HITS,
	VPM_STAT_MISSES,
	VPM_STAT_STEALS,
	VPM_STAT_CONTEND,
	VPM_STAT_PREVPAGELOCKED,
	VPM_STAT_GETPAGEFAILED,
	VPM_STAT_ZEROSTART,
	VPM_STAT_EMPTYFREELIST,
	VPM_STAT_NOFREEVPMS,
	VPM_STAT_FLIPS,
	VPM_STAT_SKIPPED_BUSY,
	VPM_STAT_UNCACHED,
	VPM_STAT_RELEASED,
	VPM_STAT_SHRINKER_RELEASED,
	/* Gauges: per-CPU deltas whose sum is the current value. */
	VPM_STAT_CACHED,
	VPM_STAT_INUSE,
	/* Counters again; the user API has them after its byte figures. */
	VPM_STAT_RECLAIMED,
	VPM_STAT_MIGRATED,
	VPM_STAT_NR,
};

/* The counters the user API numbers from VPM_CSTAT_HITS on. */
#define VPM_STAT_NR_V1		(VPM_STAT_INUSE + 1)

extern const char * const vpm_stat_names[VPM_STAT_NR];

/**
 * struct vpm_cpu - per-CPU state of a cache
 * @rotor: next freelist this CPU allocates from (LRU mode)
 * @stats: counters, see enum vpm_stat
 */
struct vpm_cpu {
	unsigned int rotor;
	long stats[VPM_STAT_NR];
};

/**
 * struct vpm_cache_params - how to build a cache
 * @nentries: number of vpmap entries (pages the cache can hold)
 * @nfreelist: freelists, a power of two
 * @mode: enum vpm_cache_mode
 * @shrinker: register a shrinker that releases idle entries
 */
struct vpm_cache_params {
	unsigned long nentries;
	unsigned int nfreelist;
	unsigned int mode;
	bool shrinker;
};

/**
 * struct vpm_cache - the vpmap cache
 * @vpmaps: the entries, allocated once
 * @nentries: number of @vpmaps
 * @nfreelist: number of freelists, a power of two
 * @freemsk: @nfreelist - 1
 * @freelist: freelist i, pointing into per-CPU storage
 * @free_pcpu: the per-CPU storage holding the freelists
 * @cpu: per-CPU rotor and counters
 * @mode: enum vpm_cache_mode, may change at any time
 * @hash: buckets of the page to entry index (the seed's p_vpmref)
 * @hash_bits: log2 of the number of buckets
 * @hash_locks: locks of the buckets, hashed by bucket
 * @hash_lock_mask: number of @hash_locks - 1
 * @steals_mtbf: 2^n - 1 forces a steal every 2^n contended lookups; 0 = off
 * @contend_mtbf: 2^n - 1 skips the fast path every 2^n lookups; 0 = off
 * @steals: lookups counted for @steals_mtbf
 * @contend: lookups counted for @contend_mtbf
 * @shrinker: releases idle entries under memory pressure, or NULL
 * @release_next: freelist the next release of any address space starts
 *	at; read and written without a lock (a lost update only moves
 *	where one scan starts)
 * @footprint: bytes the cache's own structures take
 * @debugfs: the cache's debugfs files (NULL or error pointers without)
 */
struct vpm_cache {
	struct vpmap *vpmaps;
	unsigned long nentries;
	unsigned int nfreelist;
	unsigned int freemsk;
	struct vpmfree **freelist;
	void __percpu *free_pcpu;
	struct vpm_cpu __percpu *cpu;
	unsigned int mode;
	struct hlist_head *hash;
	unsigned int hash_bits;
	spinlock_t *hash_locks;	/* bucket locks, see the lock order */
	unsigned int hash_lock_mask;
	unsigned int steals_mtbf;
	unsigned int contend_mtbf;
	atomic_t steals;
	atomic_t contend;
	struct shrinker *shrinker;
	unsigned int release_next;
	size_t footprint;
	struct dentry *debugfs[4];
};

/* Bytes one entry costs: the vpmap and its share of the hash buckets. */
#define VPM_CACHE_ENTRY_BYTES \
	(sizeof(struct vpmap) + sizeof(struct hlist_head))

/* The cache of the module; NULL when vpm_enable or vpm_cache_enable is off. */
extern struct vpm_cache *vpm_cache;

/* vpm/cache.c */
int vpm_cache_params_from_tunables(struct vpm_cache_params *p);
struct vpm_cache *vpm_cache_create(const struct vpm_cache_params *p);
void vpm_cache_destroy(struct vpm_cache *cache);
int vpm_cache_init(void);
void vpm_cache_exit(void);
struct vpmap *vpm_get_vpmap(struct vpm_cache *cache, struct page *page,
			    struct address_space *mapping, pgoff_t index,
			    bool may_wait, bool *hit);
void vpm_put_vpmap(struct vpm_cache *cache, struct vpmap *vpm);
unsigned long vpm_cache_release(struct vpm_cache *cache,
				struct address_space *mapping,
				pgoff_t start, pgoff_t end,
				unsigned long nr_to_release);
struct vpmap *vpm_cache_lookup(struct vpm_cache *cache, struct page *page);
bool vpm_cache_release_folio(struct vpm_cache *cache, struct folio *folio);
void vpm_cache_invalidate_folio(struct vpm_cache *cache, struct folio *folio);
int vpm_cache_migrate_folio(struct vpm_cache *cache,
			    struct address_space *mapping, struct folio *dst,
			    struct folio *src, enum migrate_mode mode);
long vpm_cache_stat(struct vpm_cache *cache, enum vpm_stat stat);
void vpm_cache_count_queues(struct vpm_cache *cache, unsigned int i,
			    unsigned int *alloc, unsigned int *rele,
			    unsigned int *want);
unsigned int vpm_nfreelist_clamp(int want, unsigned int ncpus, bool *warn);

static inline void vpm_stat_inc(struct vpm_cache *cache, enum vpm_stat stat)
{
	this_cpu_inc(cache->cpu->stats[stat]);
}

static inline void vpm_stat_add(struct vpm_cache *cache, enum vpm_stat stat,
				long n)
{
	this_cpu_add(cache->cpu->stats[stat], n);
}

/**
 * struct vpm_copy_count - how one __vpm_data_copy() maps, what it found
 * @vml: in: a mapping list of @nseg entries, or NULL for VPM_MINVMAPS
 *	entries on the stack (what vpm_data_copy() uses, as the seed does)
 * @nseg: in: entries in @vml, VPM_MINVMAPS..VPM_MAXVMAPS
 * @ra: in: when reading, start asynchronous read-ahead with this state
 *	at a page marked for it, as filemap_read() does; or NULL
 * @nofault: in: copy with page faults disabled (the pages may be locked,
 *	and the user memory a mapping of them): a fault ends the copy short,
 *	with -EFAULT, for the caller to fault the memory in and call again
 * @uncounted: in/out: the first page whose hit or miss is still to be
 *	counted; 0 counts every page.  A caller that calls again after a
 *	copy cut short by a fault keeps it, so that a page mapped again
 *	counts once, as what the first mapping found
 * @hits: out: pages mapped through their existing cache entry
 * @misses: out: pages that took an entry from a freelist
 */
struct vpm_copy_count {
	struct vmap *vml;
	int nseg;
	struct file_ra_state *ra;
	bool nofault;
	pgoff_t uncounted;
	unsigned int hits;
	unsigned int misses;
};

/* vpm/map.c: the API on an explicit cache (NULL maps pages directly). */
int __vpm_map_pages(struct vpm_cache *cache, struct address_space *mapping,
		    loff_t off, size_t len, int fetchpage, struct vmap *vml,
		    int nseg, int *newpage, enum vpm_rw rw);
void __vpm_unmap_pages(struct vpm_cache *cache, struct vmap *vml,
		       enum vpm_rw rw);
int __vpm_data_copy(struct vpm_cache *cache, struct address_space *mapping,
		    loff_t off, size_t len, struct iov_iter *iter,
		    int fetchpage, int *newpage, int zerostart, enum vpm_rw rw,
		    struct vpm_copy_count *count);
int __vpm_sync_pages(struct vpm_cache *cache, struct address_space *mapping,
		     loff_t off, size_t len, unsigned int flags);

/* vpm/debugfs.c: /sys/kernel/debug/vpm; NULL or an error pointer without it. */
extern struct dentry *vpm_debugfs_root;
extern struct dentry *vpm_debugfs_objects;
void vpm_debugfs_init(void);
void vpm_debugfs_exit(void);
void vpm_debugfs_add_cache(struct vpm_cache *cache, struct dentry *parent);

struct vnode_pager;
struct vpm_object_info;
struct vpm_stats;
struct vpm_detach;

/* Per-CPU counters of one object. */
struct vpm_object_counts {
	u64 hits;
	u64 misses;
};

/**
 * struct vpm_object - an attached backing store and its device /dev/vpmN
 * @link: entry on the list of objects, under the objects lock
 * @id: its number, the pager's
 * @flags: VPM_ATTACH_* it was attached with
 * @vnp: its pager object
 * @misc: the device /dev/vpmN
 * @name: "vpmN"
 * @backing_path: path of the backing store when attached
 * @open_count: open files of /dev/vpmN, under the objects lock
 * @dying: being detached: no new opens; under the objects lock
 * @counts: pages hit and missed in the vpm cache by read and write
 * @debugfs: its directory /sys/kernel/debug/vpm/objects/N
 */
struct vpm_object {
	struct list_head link;
	int id;
	unsigned int flags;
	struct vnode_pager *vnp;
	struct miscdevice misc;
	char name[16];
	char *backing_path;
	unsigned int open_count;
	bool dying;
	struct vpm_object_counts __percpu *counts;
	struct dentry *debugfs;
};

/* vpm/object.c: objects and /dev/vpmN. */
int vpm_object_attach(struct file *file, unsigned int flags);
int vpm_object_detach(u32 id, unsigned int flags, struct vpm_detach *reply);
void vpm_object_detach_all(void);
int vpm_object_list(struct vpm_object_info __user *uobjects, u32 room,
		    u32 *count);
int vpm_object_sync(struct file *file, loff_t off, size_t len,
		    unsigned int flags, bool datasync);
void vpm_fill_pager_stats(struct vnode_pager *vnp, struct vpm_stats *st);

/* vpm/ctl.c: the control device /dev/vpm. */
extern struct miscdevice vpm_ctl_misc;
int vpm_ctl_init(void);
void vpm_ctl_exit(void);

#endif /* _VPM_INTERNAL_H */
