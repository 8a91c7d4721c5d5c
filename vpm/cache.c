// SPDX-License-Identifier: GPL-2.0
/*
 * vpm: the vpmap cache.
 *
 * A port of the illumos vpm cache.  The cache is an array of vpmap entries,
 * one per page it can hold.  An entry associates a page of some
 * address_space with itself and keeps a reference on the page's folio, so
 * the next access to that page finds its entry (a hit) without taking one
 * from a freelist.  While a page is mapped by a user, its entry is off the
 * freelists (refcnt > 0); when the last user unmaps it, the entry goes to
 * the tail of its home freelist's release queue, still associated.  Taking
 * an entry for a new page (a miss) dissociates the page it held.
 *
 * Freelists.  The entries are spread over nfreelist freelists (a power of
 * two, by default one per possible CPU; entry i lives on freelist
 * i & (nfreelist - 1) for life).  Each freelist has an alloc queue that
 * entries are taken from and a release queue that they are freed to, each
 * with its own lock, so takers and freers rarely meet; when the alloc
 * queue runs dry the two flip.  A CPU starts at its rotor (LRU mode) or at
 * a random freelist, tries the others in turn, and when all are empty
 * sleeps until an entry is freed to the freelist it started from.
 *
 * Page index.  struct page has no field for the seed's p_vpmref, so the
 * association is kept in a hash table of the entries keyed by page: an
 * entry is in the bucket of its page while associated.  Lookups walk a
 * bucket under RCU and then re-validate under the entry's lock, as the
 * seed does with p_vpmref: same page, same mapping, same index.  The table
 * has a fixed size, so associating never allocates memory.
 *
 * Giving memory back.  Cached entries pin pages, so a shrinker releases
 * idle entries under memory pressure, oldest first, and vpm_cache_release()
 * releases the entries of a mapping or of a range of it (detach, truncate,
 * invalidate).  The module's unload releases everything.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/pagemap.h>
#include <linux/pagevec.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vpm_compat.h"
#include "vpm_internal.h"
#include "trace/events/vpm.h"

bool vpm_enable = true;
module_param(vpm_enable, bool, 0444);
MODULE_PARM_DESC(vpm_enable,
		 "Use the vpm cache; N maps pages directly, like vpm_cache_enable=N (default: Y)");

bool vpm_cache_enable = true;
module_param(vpm_cache_enable, bool, 0444);
MODULE_PARM_DESC(vpm_cache_enable,
		 "Cache page mappings in vpmap entries; N maps pages directly (default: Y)");

unsigned int vpm_cache_percent = VPM_CACHE_PERCENT_DEFAULT;
module_param(vpm_cache_percent, uint, 0444);
MODULE_PARM_DESC(vpm_cache_percent,
		 "Size of the vpm cache in percent of RAM (0-100), clamped to 64 MiB..256 GiB (default: 12)");

static unsigned int vpm_cache_entries;
module_param(vpm_cache_entries, uint, 0444);
MODULE_PARM_DESC(vpm_cache_entries,
		 "For testing: exact number of cache entries, overriding vpm_cache_percent; 0 = off (default: 0)");

int vpm_nfreelist;
module_param(vpm_nfreelist, int, 0444);
MODULE_PARM_DESC(vpm_nfreelist,
		 "Number of freelists, rounded up to a power of two; 0 = one per possible CPU, at most 2 per CPU (default: 0)");

static const char * const vpm_mode_names[] = {
	[VPMCACHE_LRU] = "lru",
	[VPMCACHE_RANDOM] = "random",
};

static unsigned int vpm_cache_mode = VPMCACHE_LRU;

static int vpm_cache_mode_set(const char *val, const struct kernel_param *kp)
{
	int mode = sysfs_match_string(vpm_mode_names, val);

	if (mode < 0)
		return -EINVAL;
	WRITE_ONCE(vpm_cache_mode, mode);
	if (vpm_cache)
		WRITE_ONCE(vpm_cache->mode, mode);
	return 0;
}

static int vpm_cache_mode_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", vpm_mode_names[READ_ONCE(vpm_cache_mode)]);
}

static const struct kernel_param_ops vpm_cache_mode_ops = {
	.set = vpm_cache_mode_set,
	.get = vpm_cache_mode_get,
};
module_param_cb(vpm_cache_mode, &vpm_cache_mode_ops, NULL, 0644);
MODULE_PARM_DESC(vpm_cache_mode,
		 "Freelist choice: lru (per-CPU rotor) or random; may change at any time (default: lru)");

const char * const vpm_stat_names[VPM_STAT_NR] = {
	[VPM_STAT_HITS] = "hits",
	[VPM_STAT_MISSES] = "misses",
	[VPM_STAT_STEALS] = "steals",
	[VPM_STAT_CONTEND] = "contend",
	[VPM_STAT_PREVPAGELOCKED] = "prevpagelocked",
	[VPM_STAT_GETPAGEFAILED] = "getpagefailed",
	[VPM_STAT_ZEROSTART] = "zerostart",
	[VPM_STAT_EMPTYFREELIST] = "emptyfreelist",
	[VPM_STAT_NOFREEVPMS] = "nofreevpms",
	[VPM_STAT_FLIPS] = "flips",
	[VPM_STAT_SKIPPED_BUSY] = "skipped_busy",
	[VPM_STAT_UNCACHED] = "uncached",
	[VPM_STAT_RELEASED] = "released",
	[VPM_STAT_SHRINKER_RELEASED] = "shrinker_released",
	[VPM_STAT_CACHED] = "cached",
	[VPM_STAT_INUSE] = "in_use",
	[VPM_STAT_RECLAIMED] = "reclaimed",
	[VPM_STAT_MIGRATED] = "migrated",
};

struct vpm_cache *vpm_cache;

static struct lock_class_key vpm_queue_keys[2];
static struct lock_class_key vpm_vpmap_key;

/* --- freelists --- */

/* A freelist's alloc and release queues never share a cache line. */
static_assert(!IS_ENABLED(CONFIG_SMP) ||
	      sizeof(struct vpm_freeq) % SMP_CACHE_BYTES == 0);

static struct vpmfree *vpm_home(struct vpm_cache *cache, struct vpmap *vpm)
{
	return cache->freelist[vpm->home];
}

/* The seed's MTBF fault injection: true once every mtbf + 1 calls. */
static bool vpm_mtbf_fires(atomic_t *count, unsigned int mtbf)
{
	if (!mtbf)
		return false;
	return (atomic_inc_return(count) & mtbf) == mtbf;
}

static unsigned int vpm_get_freelndx(struct vpm_cache *cache)
{
	if (READ_ONCE(cache->mode) == VPMCACHE_RANDOM)
		return get_random_u32() & cache->freemsk;
	return (this_cpu_inc_return(cache->cpu->rotor) - 1) & cache->freemsk;
}

/* Take @vpm off the queue it is on, if any (the seed's VPMAP_RMFREELIST). */
static void vpm_rmfreelist(struct vpm_cache *cache, struct vpmap *vpm)
{
	struct vpm_freeq *q;

	lockdep_assert_held(&vpm->lock);
	if (list_empty(&vpm->link))
		return;
	q = &vpm_home(cache, vpm)->q[vpm->queue];
	spin_lock(&q->lock);
	list_del_init(&vpm->link);
	q->len--;
	spin_unlock(&q->lock);
}

/*
 * Put an entry nobody uses on the tail of its freelist's release queue and
 * wake a thread waiting for one (the seed's free_vpmap()).  The queues may
 * flip meanwhile; that only moves the entry to the other end of the order.
 */
static void vpm_free_vpmap(struct vpm_cache *cache, struct vpmap *vpm)
{
	struct vpmfree *fl = vpm_home(cache, vpm);
	struct vpm_freeq *releq = READ_ONCE(fl->releq);
	unsigned int want;
	bool was_empty;

	lockdep_assert_held(&vpm->lock);
	WARN_ON_ONCE(vpm->refcnt);

	vpm->queue = releq == &fl->q[0] ? 0 : 1;
	spin_lock(&releq->lock);
	was_empty = list_empty(&releq->head);
	vpm->qgen++;
	list_add_tail(&vpm->link, &releq->head);
	releq->len++;
	/*
	 * A waiter sets @want holding both queue locks, so the value read
	 * here under one of them is current.  A waiter that comes later
	 * finds this entry before it sleeps.
	 */
	want = was_empty ? fl->want : 0;
	spin_unlock(&releq->lock);

	if (want) {
		spin_lock(&fl->q[0].lock);
		if (fl->want)
			wake_up(&fl->wait);
		spin_unlock(&fl->q[0].lock);
	}
}

/* --- the page index --- */

static struct hlist_head *vpm_bucket(struct vpm_cache *cache,
				     struct page *page)
{
	return &cache->hash[hash_ptr(page, cache->hash_bits)];
}

static spinlock_t *vpm_hash_lock(struct vpm_cache *cache, struct page *page)
{
	return &cache->hash_locks[hash_ptr(page, cache->hash_bits) &
				  cache->hash_lock_mask];
}

/**
 * vpm_cache_lookup() - find the entry a page is associated with
 * @cache: the cache
 * @page: the page
 *
 * Context: RCU read lock held.  The entry is not locked: the caller locks
 * it and re-validates (entries are never freed while the cache lives).
 * Return: the entry, or NULL.
 */
struct vpmap *vpm_cache_lookup(struct vpm_cache *cache, struct page *page)
{
	struct vpmap *vpm;

	hlist_for_each_entry_rcu(vpm, vpm_bucket(cache, page), hnode)
		if (READ_ONCE(vpm->page) == page)
			return vpm;
	return NULL;
}

/*
 * Does @vpm still cache @page of @mapping at @index (and not stolen)?
 * Only @vpm's own lock is held: an entry next to it in its bucket may be
 * added or removed meanwhile, under the bucket lock, which rewrites
 * hnode.pprev, hence the lockless test (it is never NULL while hashed).
 */
static bool vpm_matches(struct vpmap *vpm, struct page *page,
			struct address_space *mapping, pgoff_t index)
{
	lockdep_assert_held(&vpm->lock);
	return vpm->page == page && vpm->mapping == mapping &&
	       vpm->index == index && !hlist_unhashed_lockless(&vpm->hnode);
}

/*
 * Drop the association of an entry with its page.  Returns the folio whose
 * reference the entry held; the caller puts it after dropping its locks.
 */
static struct folio *vpm_dissociate(struct vpm_cache *cache,
				    struct vpmap *vpm)
{
	struct page *page = vpm->page;

	lockdep_assert_held(&vpm->lock);
	if (!page)
		return NULL;
	spin_lock(vpm_hash_lock(cache, page));
	hlist_del_init_rcu(&vpm->hnode);
	spin_unlock(vpm_hash_lock(cache, page));
	WRITE_ONCE(vpm->page, NULL);
	vpm->mapping = NULL;
	vpm_stat_add(cache, VPM_STAT_CACHED, -1);
	return page_folio(page);
}

/*
 * Put the reference an entry held on the page it cached, once the entry
 * caches another page or none (the seed's "disassociate the previous
 * page").  The seed checks whether that page is busy; the reference is
 * dropped either way.
 */
static void vpm_release_prev(struct vpm_cache *cache, struct folio *folio)
{
	if (!folio)
		return;
	if (folio_test_locked(folio))
		vpm_stat_inc(cache, VPM_STAT_PREVPAGELOCKED);
	folio_put(folio);
}

/* Lock two hash locks, or one if they are the same, in address order. */
static void vpm_hash_lock2(spinlock_t *a, spinlock_t *b)
	__acquires(a) __acquires(b)
{
	spin_lock(min(a, b));
	if (a != b)
		spin_lock_nested(max(a, b), SINGLE_DEPTH_NESTING);
	else
		__acquire(b);
}

static void vpm_hash_unlock2(spinlock_t *a, spinlock_t *b)
	__releases(a) __releases(b)
{
	if (a != b)
		spin_unlock(max(a, b));
	else
		__release(b);
	spin_unlock(min(a, b));
}

/*
 * Associate @page with @vpm unless another entry already caches it.  Holds
 * the bucket locks of the old and the new page, so the page index never
 * shows the entry under both pages or under neither.  Returns false if
 * @page already has an entry; else *@prev is the folio of the page @vpm
 * cached before, or NULL.
 */
static bool vpm_associate(struct vpm_cache *cache, struct vpmap *vpm,
			  struct page *page, struct address_space *mapping,
			  pgoff_t index, struct folio **prev)
{
	spinlock_t *nl = vpm_hash_lock(cache, page);
	spinlock_t *ol = vpm->page ? vpm_hash_lock(cache, vpm->page) : nl;
	bool ok;

	lockdep_assert_held(&vpm->lock);
	vpm_hash_lock2(nl, ol);
	ok = !vpm_cache_lookup(cache, page);
	if (ok) {
		*prev = vpm->page ? page_folio(vpm->page) : NULL;
		if (!*prev)
			vpm_stat_inc(cache, VPM_STAT_CACHED);
		hlist_del_init_rcu(&vpm->hnode);
		WRITE_ONCE(vpm->page, page);
		vpm->mapping = mapping;
		vpm->index = index;
		hlist_add_head_rcu(&vpm->hnode, vpm_bucket(cache, page));
	}
	vpm_hash_unlock2(nl, ol);
	return ok;
}

/* Count one more user of @vpm, taking it off its freelist if idle. */
static void vpm_hold(struct vpm_cache *cache, struct vpmap *vpm)
{
	lockdep_assert_held(&vpm->lock);
	if (!vpm->refcnt++) {
		vpm_rmfreelist(cache, vpm);
		vpm_stat_inc(cache, VPM_STAT_INUSE);
	}
}

/*
 * Hold @vpm if it still caches @page (a hit).  With @steal, an idle entry
 * is instead dissociated as if another thread had stolen it (the seed's
 * steals_mtbf); its old folio is returned in *@prev.
 */
static bool vpm_hold_if_cached(struct vpm_cache *cache, struct vpmap *vpm,
			       struct page *page,
			       struct address_space *mapping, pgoff_t index,
			       bool steal, struct folio **prev)
{
	bool ok;

	spin_lock(&vpm->lock);
	ok = vpm_matches(vpm, page, mapping, index);
	if (ok && steal && !vpm->refcnt) {
		*prev = vpm_dissociate(cache, vpm);
		ok = false;
	} else if (ok) {
		vpm_hold(cache, vpm);
	}
	spin_unlock(&vpm->lock);
	return ok;
}

/* The fast path: find @page's entry through the index and hold it. */
static struct vpmap *vpm_lookup_hold(struct vpm_cache *cache,
				     struct page *page,
				     struct address_space *mapping,
				     pgoff_t index, bool steal,
				     struct folio **prev)
{
	struct vpmap *vpm;

	rcu_read_lock();
	vpm = vpm_cache_lookup(cache, page);
	if (vpm && !vpm_hold_if_cached(cache, vpm, page, mapping, index,
				       steal, prev))
		vpm = NULL;
	rcu_read_unlock();
	return vpm;
}

/*
 * Try to give @page the entry @vpm of @allocq, whose lock the caller
 * holds.  Fails if another thread is working on the entry, or if @page
 * has an entry already.  The old page's folio is returned in *@prev.
 */
static bool vpm_take_free(struct vpm_cache *cache, struct vpm_freeq *allocq,
			  struct vpmap *vpm, struct page *page,
			  struct address_space *mapping, pgoff_t index,
			  struct folio **prev)
{
	lockdep_assert_held(&allocq->lock);
	if (!spin_trylock(&vpm->lock))
		return false;
	if (!vpm_associate(cache, vpm, page, mapping, index, prev)) {
		spin_unlock(&vpm->lock);
		return false;
	}
	list_del_init(&vpm->link);
	allocq->len--;
	vpm->refcnt = 1;
	vpm_stat_inc(cache, VPM_STAT_INUSE);
	spin_unlock(&vpm->lock);
	return true;
}

enum vpm_alloc_result {
	VPM_ALLOC_TAKEN,	/* an entry was taken for the page */
	VPM_ALLOC_CACHED,	/* the page has an entry already */
	VPM_ALLOC_NONE,		/* the alloc queue is empty or all busy */
};

/*
 * Walk @allocq from its head and take the first entry that is not busy.
 * A busy entry is being worked on by another thread: skip it, as the seed
 * does.
 */
static enum vpm_alloc_result vpm_alloc_from(struct vpm_cache *cache,
					    struct vpm_freeq *allocq,
					    struct page *page,
					    struct address_space *mapping,
					    pgoff_t index, struct vpmap **got)
{
	enum vpm_alloc_result res = VPM_ALLOC_NONE;
	struct folio *prev = NULL;
	struct vpmap *vpm;

	spin_lock(&allocq->lock);
	list_for_each_entry(vpm, &allocq->head, link) {
		if (vpm_take_free(cache, allocq, vpm, page, mapping, index,
				  &prev)) {
			*got = vpm;
			res = VPM_ALLOC_TAKEN;
			break;
		}
		if (vpm_cache_lookup(cache, page)) {
			res = VPM_ALLOC_CACHED;
			break;
		}
		vpm_stat_inc(cache, VPM_STAT_SKIPPED_BUSY);
	}
	spin_unlock(&allocq->lock);
	vpm_release_prev(cache, prev);
	return res;
}

/*
 * @allocq of @fl gave nothing.  Flip the queues if the release queue has
 * entries, as the seed does; return true to retry.  Return false when the
 * freelist is empty.  The release queue's lock is taken by trylock after
 * the alloc queue's: a freer holding it is waited for, then retried.
 */
static bool vpm_flip(struct vpm_cache *cache, unsigned int ndx,
		     struct vpm_freeq *allocq)
{
	struct vpmfree *fl = cache->freelist[ndx];
	struct vpm_freeq *releq;
	bool retry = true;

	spin_lock(&allocq->lock);
	if (fl->allocq != allocq) {
		/* Flipped meanwhile. */
		spin_unlock(&allocq->lock);
		return true;
	}
	releq = fl->releq;
	if (!spin_trylock(&releq->lock)) {
		spin_unlock(&allocq->lock);
		spin_lock(&releq->lock);
		spin_unlock(&releq->lock);
		return true;
	}
	if (!list_empty(&releq->head)) {
		WRITE_ONCE(fl->allocq, releq);
		WRITE_ONCE(fl->releq, allocq);
		vpm_stat_inc(cache, VPM_STAT_FLIPS);
		trace_vpm_cache_flip(ndx);
	} else {
		retry = false;
	}
	spin_unlock(&releq->lock);
	spin_unlock(&allocq->lock);
	return retry;
}

/*
 * Sleep until an entry is freed to @fl, unless one was freed since the
 * caller found it empty.  @want changes only with both queue locks held
 * and a freer reads it under one of them, then signals holding q[0]'s
 * lock, which this thread holds until it is on the wait queue: no wake-up
 * is lost.
 */
static void vpm_wait_free(struct vpm_cache *cache, unsigned int ndx)
{
	struct vpmfree *fl = cache->freelist[ndx];
	DEFINE_WAIT(wait);

	spin_lock(&fl->q[0].lock);
	spin_lock(&fl->q[1].lock);
	if (!list_empty(&fl->q[0].head) || !list_empty(&fl->q[1].head)) {
		spin_unlock(&fl->q[1].lock);
		spin_unlock(&fl->q[0].lock);
		return;
	}
	vpm_stat_inc(cache, VPM_STAT_NOFREEVPMS);
	trace_vpm_cache_wait(ndx);
	fl->want++;
	prepare_to_wait(&fl->wait, &wait, TASK_UNINTERRUPTIBLE);
	spin_unlock(&fl->q[1].lock);
	spin_unlock(&fl->q[0].lock);
	schedule();
	finish_wait(&fl->wait, &wait);
	spin_lock(&fl->q[0].lock);
	spin_lock(&fl->q[1].lock);
	fl->want--;
	spin_unlock(&fl->q[1].lock);
	spin_unlock(&fl->q[0].lock);
}

/*
 * Take an entry for @page from the freelists (the seed's get_free_vpmap()).
 * Start on the CPU's freelist; flip its queues when the alloc queue is
 * dry; move to the next freelist when both are empty; when every freelist
 * is empty, sleep on the first one until an entry is freed there, or give
 * up if !@may_wait.  If @page got an entry meanwhile (or the fast path was
 * skipped on purpose), that entry is used: a hit.
 *
 * Returns the entry, held, or NULL.  On a miss the caller's folio
 * reference on @page passes to the entry.
 */
static struct vpmap *vpm_get_free_vpmap(struct vpm_cache *cache,
					struct page *page,
					struct address_space *mapping,
					pgoff_t index, bool may_wait,
					bool *hit)
{
	unsigned int ndx = vpm_get_freelndx(cache), end = ndx;
	struct vpmfree *fl = cache->freelist[ndx];
	struct folio *prev;
	struct vpmap *vpm;
	bool steal;

	for (;;) {
		struct vpm_freeq *allocq = READ_ONCE(fl->allocq);

		switch (vpm_alloc_from(cache, allocq, page, mapping, index,
				       &vpm)) {
		case VPM_ALLOC_TAKEN:
			*hit = false;
			return vpm;
		case VPM_ALLOC_CACHED:
			/*
			 * Another thread gave @page an entry meanwhile (or
			 * the fast path was skipped on purpose): use it,
			 * unless it was stolen since (or made to look so).
			 */
			vpm_stat_inc(cache, VPM_STAT_CONTEND);
			prev = NULL;
			steal = vpm_mtbf_fires(&cache->steals,
					       READ_ONCE(cache->steals_mtbf));
			vpm = vpm_lookup_hold(cache, page, mapping, index,
					      steal, &prev);
			vpm_release_prev(cache, prev);
			if (vpm) {
				*hit = true;
				return vpm;
			}
			vpm_stat_inc(cache, VPM_STAT_STEALS);
			trace_vpm_cache_steal(mapping, index);
			continue;
		case VPM_ALLOC_NONE:
			break;
		}
		if (vpm_flip(cache, ndx, allocq))
			continue;
		/* This freelist is empty: try the next before sleeping. */
		vpm_stat_inc(cache, VPM_STAT_EMPTYFREELIST);
		ndx = (ndx + 1) & cache->freemsk;
		fl = cache->freelist[ndx];
		if (ndx != end)
			continue;
		if (!may_wait)
			return NULL;
		vpm_wait_free(cache, ndx);
	}
}

/**
 * vpm_get_vpmap() - get the cache entry for a page and hold it
 * @cache: the cache
 * @page: the page, on which the caller holds a folio reference
 * @mapping: the page's address space
 * @index: the page's index in @mapping
 * @may_wait: sleep when every freelist is empty; if false, return NULL
 * @hit: set to true if the page already had its entry
 *
 * On a hit the caller keeps its folio reference (and drops it when it
 * likes); on a miss the reference passes to the entry.  The entry stays
 * off the freelists until vpm_put_vpmap().
 *
 * Context: may sleep if @may_wait.  No spinlock held.
 * Return: the entry, or NULL (only if !@may_wait).
 */
struct vpmap *vpm_get_vpmap(struct vpm_cache *cache, struct page *page,
			    struct address_space *mapping, pgoff_t index,
			    bool may_wait, bool *hit)
{
	struct vpmap *vpm = NULL;

	*hit = false;
	if (!vpm_mtbf_fires(&cache->contend, READ_ONCE(cache->contend_mtbf)))
		vpm = vpm_lookup_hold(cache, page, mapping, index, false, NULL);
	if (vpm)
		*hit = true;
	else
		vpm = vpm_get_free_vpmap(cache, page, mapping, index,
					 may_wait, hit);
	if (vpm && *hit) {
		vpm_stat_inc(cache, VPM_STAT_HITS);
		trace_vpm_cache_hit(mapping, index);
	} else if (vpm) {
		vpm_stat_inc(cache, VPM_STAT_MISSES);
		trace_vpm_cache_miss(mapping, index);
	}
	return vpm;
}

/**
 * vpm_put_vpmap() - stop using a cache entry
 * @cache: the cache
 * @vpm: an entry from vpm_get_vpmap()
 *
 * The last user puts the entry on its freelist's release queue; the entry
 * keeps its page (and reference) until it is taken for another page or
 * released.
 *
 * Context: any context that may take spinlocks.
 */
void vpm_put_vpmap(struct vpm_cache *cache, struct vpmap *vpm)
{
	struct folio *old = NULL;

	spin_lock(&vpm->lock);
	if (!--vpm->refcnt) {
		vpm_stat_add(cache, VPM_STAT_INUSE, -1);
		/*
		 * Truncated or invalidated while it was mapped: nothing would
		 * ever release the page (reclaim and migration skip a folio
		 * without a mapping), so the entry lets it go now.
		 */
		if (vpm->page &&
		    READ_ONCE(page_folio(vpm->page)->mapping) != vpm->mapping)
			old = vpm_dissociate(cache, vpm);
		vpm_free_vpmap(cache, vpm);
	}
	spin_unlock(&vpm->lock);
	if (old) {
		folio_put(old);
		vpm_stat_inc(cache, VPM_STAT_RELEASED);
	}
}

/* --- giving memory back --- */

static bool vpm_release_wanted(struct vpmap *vpm,
			       struct address_space *mapping,
			       pgoff_t start, pgoff_t end)
{
	if (!vpm->page || vpm->refcnt)
		return false;
	if (!mapping)
		return true;
	return vpm->mapping == mapping && vpm->index >= start &&
	       vpm->index <= end;
}

/* Dissociate @vpm if it is idle and matches; returns its old folio. */
static struct folio *vpm_try_release(struct vpm_cache *cache,
				     struct vpmap *vpm,
				     struct address_space *mapping,
				     pgoff_t start, pgoff_t end)
{
	struct folio *folio = NULL;

	if (!spin_trylock(&vpm->lock))
		return NULL;
	if (vpm_release_wanted(vpm, mapping, start, end))
		folio = vpm_dissociate(cache, vpm);
	spin_unlock(&vpm->lock);
	return folio;
}

/*
 * Whether @vpm is still where it was on @q, which the caller holds locked
 * and held when it read @qgen off @vpm: on a queue, and never put on one
 * since, so never taken off @q (an entry taken off and freed again would
 * be at the tail, and a walk going on from it would miss the entries in
 * between).  Entries are never freed, so @vpm may be looked at; only its
 * own lock makes what it says stable, and a failed trylock counts as gone.
 */
static bool vpm_still_queued(struct vpmap *vpm, struct vpm_freeq *q,
			     u32 qgen)
{
	bool on;

	lockdep_assert_held(&q->lock);
	if (!spin_trylock(&vpm->lock))
		return false;
	on = !list_empty(&vpm->link) && vpm->qgen == qgen;
	spin_unlock(&vpm->lock);
	return on;
}

/*
 * Release the idle entries of one queue that match, oldest first, at most
 * @nr; returns how many.  The folios are put in batches, outside the
 * queue's lock; the walk then goes on from the entry it stopped at, if
 * that entry is still where it was, so a queue is walked once, not once
 * per batch.  Only that entry taken off the queue meanwhile (or its lock
 * busy) makes the walk start again from the head.
 */
static unsigned long vpm_release_queue(struct vpm_cache *cache,
				       struct vpm_freeq *q,
				       struct address_space *mapping,
				       pgoff_t start, pgoff_t end,
				       unsigned long nr)
{
	struct folio_batch fbatch;
	struct vpmap *vpm, *next = NULL;
	unsigned long done = 0;
	u32 qgen = 0;

	folio_batch_init(&fbatch);
	spin_lock(&q->lock);
	for (;;) {
		if (!next || !vpm_still_queued(next, q, qgen))
			next = list_first_entry(&q->head, struct vpmap, link);
		for (vpm = next; &vpm->link != &q->head && done < nr;
		     vpm = next) {
			struct folio *folio;

			next = list_next_entry(vpm, link);
			folio = vpm_try_release(cache, vpm, mapping, start, end);
			if (!folio)
				continue;
			done++;
			if (!folio_batch_add(&fbatch, folio))
				break;
		}
		if (&vpm->link == &q->head || done >= nr ||
		    &next->link == &q->head)
			break;
		/*
		 * The batch is full: put it, and come back to @next.  Its
		 * qgen is stable while it is on @q, whose lock is held.
		 */
		qgen = next->qgen;
		spin_unlock(&q->lock);
		folio_batch_release(&fbatch);
		cond_resched();
		spin_lock(&q->lock);
	}
	spin_unlock(&q->lock);
	folio_batch_release(&fbatch);
	return done;
}

/**
 * vpm_cache_release() - release idle cache entries and their pages
 * @cache: the cache
 * @mapping: release only entries of this address space; NULL for any
 * @start: first page index of @mapping to release
 * @end: last page index of @mapping to release (inclusive)
 * @nr_to_release: stop after this many
 *
 * Walks every freelist, alloc queue first (oldest entries first), and
 * dissociates the entries that match, dropping their folio references.
 * Entries in use are left alone.  A release of any address space (the
 * shrinker's) starts at the freelist after the one the last such release
 * ended in, so repeated small scans take from every freelist in turn.
 *
 * Context: may sleep.
 * Return: the number of entries released.
 */
unsigned long vpm_cache_release(struct vpm_cache *cache,
				struct address_space *mapping,
				pgoff_t start, pgoff_t end,
				unsigned long nr_to_release)
{
	unsigned int n, k, i = 0, from = 0;
	unsigned long done = 0;

	if (!mapping)
		from = READ_ONCE(cache->release_next);
	for (n = 0; n < cache->nfreelist && done < nr_to_release; n++) {
		struct vpmfree *fl;
		struct vpm_freeq *first;

		i = (from + n) & cache->freemsk;
		fl = cache->freelist[i];
		first = READ_ONCE(fl->allocq);

		for (k = 0; k < 2 && done < nr_to_release; k++) {
			struct vpm_freeq *q = k ? &fl->q[first == &fl->q[0]] :
						  first;

			done += vpm_release_queue(cache, q, mapping, start, end,
						  nr_to_release - done);
		}
		cond_resched();
	}
	if (!mapping)
		WRITE_ONCE(cache->release_next, (i + 1) & cache->freemsk);
	return done;
}

static unsigned long vpm_shrink_count(struct shrinker *shrink,
				      struct shrink_control *sc)
{
	struct vpm_cache *cache = vpm_shrinker_private(shrink);
	long idle = vpm_cache_stat(cache, VPM_STAT_CACHED) -
		    vpm_cache_stat(cache, VPM_STAT_INUSE);

	return idle > 0 ? idle : SHRINK_EMPTY;
}

static unsigned long vpm_shrink_scan(struct shrinker *shrink,
				     struct shrink_control *sc)
{
	struct vpm_cache *cache = vpm_shrinker_private(shrink);
	unsigned long done;

	done = vpm_cache_release(cache, NULL, 0, ULONG_MAX, sc->nr_to_scan);
	vpm_stat_add(cache, VPM_STAT_SHRINKER_RELEASED, done);
	trace_vpm_cache_shrink(sc->nr_to_scan, done);
	return done ? done : SHRINK_STOP;
}

/* --- pages the VM takes back or moves --- */

/*
 * The entry @page is associated with, found under the page's bucket lock:
 * unlike the lockless lookup, which may miss an entry moved to another
 * bucket under its feet, this one is exact.  The entry is not locked.
 */
static struct vpmap *vpm_lookup_exact(struct vpm_cache *cache,
				      struct page *page)
{
	spinlock_t *hl = vpm_hash_lock(cache, page);
	struct vpmap *vpm;

	rcu_read_lock();
	spin_lock(hl);
	vpm = vpm_cache_lookup(cache, page);
	spin_unlock(hl);
	rcu_read_unlock();
	return vpm;
}

/*
 * Dissociate the entry of each page of @folio if it is idle, counting it
 * in @stat; false if one is in use.
 */
static bool vpm_let_folio_go(struct vpm_cache *cache, struct folio *folio,
			     enum vpm_stat stat)
{
	long i, nr = folio_nr_pages(folio);
	bool ok = true;

	for (i = 0; i < nr; i++) {
		struct page *page = folio_page(folio, i);
		struct folio *old = NULL;
		struct vpmap *vpm = vpm_lookup_exact(cache, page);

		if (!vpm)
			continue;
		spin_lock(&vpm->lock);
		/* Entries are never freed: it may cache another page now. */
		if (vpm->page == page && !hlist_unhashed_lockless(&vpm->hnode)) {
			if (vpm->refcnt)
				ok = false;
			else
				old = vpm_dissociate(cache, vpm);
		}
		spin_unlock(&vpm->lock);
		if (old) {
			/* The caller holds references of its own. */
			folio_put(old);
			vpm_stat_inc(cache, stat);
		}
	}
	return ok;
}

/**
 * vpm_cache_release_folio() - let reclaim take a page the cache holds
 * @cache: the cache
 * @folio: a locked page cache folio that reclaim (global or of a memory
 *	cgroup), invalidation or memory-failure handling wants to free
 *
 * The seed lets pageout take a page that has a vpmap: the association is
 * dropped.  Here the page's entry, if it is idle, gives up the page and
 * its folio reference, so that the reference count reclaim then checks is
 * the page cache's alone.  Reclaim walks the LRU of the memory cgroup that
 * is over its limit, so the entries released are exactly those that pin
 * that cgroup's pages; a page whose entry is in use is kept.  The entry
 * stays on its freelist, empty, for the next miss.
 *
 * Context: @folio locked; does not sleep.
 * Return: false if a user has the page mapped through its entry now.
 */
bool vpm_cache_release_folio(struct vpm_cache *cache, struct folio *folio)
{
	return vpm_let_folio_go(cache, folio, VPM_STAT_RECLAIMED);
}

/**
 * vpm_cache_invalidate_folio() - a folio leaves its mapping: drop its entry
 * @cache: the cache
 * @folio: the locked folio that truncation is removing from the page cache
 *
 * Truncation removes a page whatever references it has; an idle entry
 * would keep the page for nothing, out of reach of reclaim and migration,
 * until the entry is reused.  An entry in use lets go when its last user
 * unmaps (vpm_put_vpmap()).
 *
 * Context: @folio locked; does not sleep.
 */
void vpm_cache_invalidate_folio(struct vpm_cache *cache, struct folio *folio)
{
	vpm_let_folio_go(cache, folio, VPM_STAT_RELEASED);
}

#ifdef CONFIG_MIGRATION
/*
 * Move the association of @vpm from its page to @newpage, whose folio
 * has just replaced the old one in the page cache, and take a reference
 * on it.  If @newpage got an entry of its own meanwhile (a writer creating
 * pages looks the new folio up before it locks it), @vpm is emptied
 * instead.  Returns the folio whose reference @vpm held.
 */
static struct folio *vpm_move_page(struct vpm_cache *cache, struct vpmap *vpm,
				   struct page *newpage, bool *moved)
{
	struct folio *old;

	lockdep_assert_held(&vpm->lock);
	*moved = vpm_associate(cache, vpm, newpage, vpm->mapping, vpm->index,
			       &old);
	if (!*moved)
		return vpm_dissociate(cache, vpm);
	folio_get(page_folio(newpage));
	return old;
}

/**
 * vpm_cache_migrate_folio() - migrate a page cache folio and its entry
 * @cache: the cache
 * @mapping: the folio's address space
 * @dst: the new folio, locked
 * @src: the folio being migrated, locked, isolated, not under writeback
 * @mode: how the caller migrates
 *
 * Compaction, memory offlining, CMA and NUMA balancing move pages.  An
 * idle entry's reference would make the kernel's migration of @src fail
 * with -EAGAIN forever, so the entry moves with the page: the page cache
 * slot goes to @dst expecting the entry's extra reference, then the entry
 * is re-keyed to @dst, takes a reference on it and drops the one on @src,
 * all under the entry's lock, so no lookup sees the entry between the
 * two.  A page mapped through its entry right now is not moved (-EAGAIN,
 * migration retries), as the kernel refuses any page with users.  A
 * folio larger than a page, or one without an entry, migrates as any
 * page cache folio does.
 *
 * Context: process context; @src and @dst locked.
 * Return: MIGRATEPAGE_SUCCESS, -EAGAIN, or the copy's error.
 */
int vpm_cache_migrate_folio(struct vpm_cache *cache,
			    struct address_space *mapping, struct folio *dst,
			    struct folio *src, enum migrate_mode mode)
{
	struct page *page = folio_page(src, 0);
	struct folio *old = NULL;
	bool moved = false;
	struct vpmap *vpm;
	int rc;

	/* The pager attaches no private data, which would be lost here. */
	VM_WARN_ON_ONCE_FOLIO(folio_test_private(src), src);
	if (folio_test_large(src))
		return filemap_migrate_folio(mapping, dst, src, mode);
	/*
	 * A lookup that misses an entry moving between buckets is harmless:
	 * its reference then makes folio_migrate_mapping() fail, and the
	 * migration is retried.
	 */
	rcu_read_lock();
	vpm = vpm_cache_lookup(cache, page);
	rcu_read_unlock();
	if (!vpm)
		return filemap_migrate_folio(mapping, dst, src, mode);
	/* In use: not worth copying the page for; checked again below. */
	if (data_race(vpm->refcnt))
		return -EAGAIN;

	rc = vpm_migrate_copy_early(dst, src);
	if (rc)
		return rc;
	spin_lock(&vpm->lock);
	if (!vpm_matches(vpm, page, mapping, src->index)) {
		/* Released meanwhile: no extra reference to expect. */
		spin_unlock(&vpm->lock);
		rc = folio_migrate_mapping(mapping, dst, src, 0);
	} else if (vpm->refcnt) {
		spin_unlock(&vpm->lock);
		rc = -EAGAIN;
	} else {
		rc = folio_migrate_mapping(mapping, dst, src, 1);
		if (rc == MIGRATEPAGE_SUCCESS)
			old = vpm_move_page(cache, vpm, folio_page(dst, 0),
					    &moved);
		spin_unlock(&vpm->lock);
	}
	if (rc != MIGRATEPAGE_SUCCESS)
		return rc;
	if (old) {
		/* The migration still holds @src: not the last reference. */
		folio_put(old);
		vpm_stat_inc(cache, moved ? VPM_STAT_MIGRATED : VPM_STAT_RELEASED);
	}
	vpm_migrate_copy_late(dst, src);
	return MIGRATEPAGE_SUCCESS;
}
#endif /* CONFIG_MIGRATION */

/* --- statistics --- */

/**
 * vpm_cache_stat() - sum one counter over every possible CPU
 * @cache: the cache
 * @stat: the counter
 *
 * Return: the sum; gauges (cached, in use) may be off by a few while the
 * cache is busy.
 */
long vpm_cache_stat(struct vpm_cache *cache, enum vpm_stat stat)
{
	long sum = 0;
	int cpu;

	/* A racy sum by design: other CPUs count on meanwhile. */
	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(cache->cpu, cpu)->stats[stat]);
	return sum;
}

/**
 * vpm_cache_count_queues() - lengths of one freelist's queues
 * @cache: the cache
 * @i: the freelist
 * @alloc: set to the length of the alloc queue
 * @rele: set to the length of the release queue
 * @want: set to the number of threads waiting on the freelist
 *
 * The values are read without locks: a snapshot for statistics.
 */
void vpm_cache_count_queues(struct vpm_cache *cache, unsigned int i,
			    unsigned int *alloc, unsigned int *rele,
			    unsigned int *want)
{
	struct vpmfree *fl = cache->freelist[i];
	struct vpm_freeq *aq = READ_ONCE(fl->allocq);

	*alloc = READ_ONCE(aq->len);
	*rele = READ_ONCE(fl->q[aq == &fl->q[0]].len);
	*want = READ_ONCE(fl->want);
}

/* --- sizing, creation, destruction --- */

/**
 * vpm_nfreelist_clamp() - the number of freelists the seed would use
 * @want: the requested number (vpm_nfreelist)
 * @ncpus: number of possible CPUs
 * @warn: set to true if @want was out of range
 *
 * 0 means one per CPU; a value below 0 or above 2 * @ncpus becomes
 * 2 * @ncpus; the result is rounded up to a power of two.
 *
 * Return: the number of freelists.
 */
unsigned int vpm_nfreelist_clamp(int want, unsigned int ncpus, bool *warn)
{
	unsigned int n;

	*warn = false;
	if (want == 0) {
		n = ncpus;
	} else if (want < 0 || want > 2 * ncpus) {
		*warn = true;
		n = 2 * ncpus;
	} else {
		n = want;
	}
	return roundup_pow_of_two(n);
}

/**
 * vpm_cache_params_from_tunables() - size the module's cache
 * @p: filled with what the module parameters and the machine ask for
 *
 * The cache holds vpm_cache_percent of RAM in pages, clamped to
 * VPMAP_MINCACHE..VPMAP_MAXCACHE.  Out-of-range values are clamped with a
 * warning that names the value used.
 *
 * Return: 0, or -ENODEV when vpm or its cache is disabled.
 */
int vpm_cache_params_from_tunables(struct vpm_cache_params *p)
{
	unsigned int ncpus = num_possible_cpus();
	unsigned int percent = vpm_cache_percent;
	u64 bytes;
	bool warn;

	if (!vpm_enable || !vpm_cache_enable)
		return -ENODEV;

	if (percent > 100) {
		pr_warn("vpm_cache_percent %u is above 100, using 100\n",
			percent);
		percent = 100;
	}
	bytes = div_u64((u64)totalram_pages() * percent, 100) << PAGE_SHIFT;
	bytes = clamp(bytes, VPMAP_MINCACHE, VPMAP_MAXCACHE);

	p->nfreelist = vpm_nfreelist_clamp(vpm_nfreelist, ncpus, &warn);
	if (warn)
		pr_warn("vpm_nfreelist %d is out of range 0..%u, using %u\n",
			vpm_nfreelist, 2 * ncpus, p->nfreelist);
	p->nentries = bytes >> PAGE_SHIFT;
	if (vpm_cache_entries) {
		p->nentries = max(vpm_cache_entries, p->nfreelist);
		if (p->nentries != vpm_cache_entries)
			pr_warn("vpm_cache_entries %u is below one per freelist, using %lu\n",
				vpm_cache_entries, p->nentries);
	}
	p->mode = READ_ONCE(vpm_cache_mode);
	p->shrinker = true;
	return 0;
}

static int vpm_cache_alloc_freelists(struct vpm_cache *cache)
{
	unsigned int npossible = num_possible_cpus();
	unsigned int slots = DIV_ROUND_UP(cache->nfreelist, npossible);
	unsigned int i = 0, slot, k;
	int cpu;

	cache->freelist = kcalloc(cache->nfreelist, sizeof(*cache->freelist),
				  GFP_KERNEL);
	if (!cache->freelist)
		return -ENOMEM;
	cache->free_pcpu = __alloc_percpu(slots * sizeof(struct vpmfree),
					  __alignof__(struct vpmfree));
	if (!cache->free_pcpu)
		return -ENOMEM;

	/* Freelist i lives on the (i % npossible)-th possible CPU. */
	for (slot = 0; slot < slots; slot++) {
		for_each_possible_cpu(cpu) {
			struct vpmfree *fl;

			if (i == cache->nfreelist)
				break;
			fl = (struct vpmfree *)per_cpu_ptr(cache->free_pcpu,
							   cpu) + slot;
			for (k = 0; k < 2; k++) {
				spin_lock_init(&fl->q[k].lock);
				lockdep_set_class(&fl->q[k].lock,
						  &vpm_queue_keys[k]);
				INIT_LIST_HEAD(&fl->q[k].head);
				fl->q[k].len = 0;
			}
			fl->allocq = &fl->q[0];
			fl->releq = &fl->q[1];
			fl->want = 0;
			init_waitqueue_head(&fl->wait);
			cache->freelist[i++] = fl;
		}
	}
	return 0;
}

static int vpm_cache_alloc_hash(struct vpm_cache *cache)
{
	/* At least two buckets: hash_ptr() needs a non-zero width. */
	unsigned long nbuckets = roundup_pow_of_two(max(cache->nentries, 2UL));
	unsigned int nlocks, i;

	cache->hash_bits = ilog2(nbuckets);
	cache->hash = kvcalloc(nbuckets, sizeof(*cache->hash), GFP_KERNEL);
	if (!cache->hash)
		return -ENOMEM;

	nlocks = min_t(unsigned long, nbuckets,
		       roundup_pow_of_two(64 * num_possible_cpus()));
	cache->hash_lock_mask = nlocks - 1;
	cache->hash_locks = kvcalloc(nlocks, sizeof(*cache->hash_locks),
				     GFP_KERNEL);
	if (!cache->hash_locks)
		return -ENOMEM;
	for (i = 0; i < nlocks; i++)
		spin_lock_init(&cache->hash_locks[i]);
	return 0;
}

static void vpm_cache_init_vpmaps(struct vpm_cache *cache)
{
	unsigned long i;

	/* Entry i lives on freelist i & freemsk, on its release queue. */
	for (i = 0; i < cache->nentries; i++) {
		struct vpmap *vpm = &cache->vpmaps[i];
		struct vpmfree *fl;

		spin_lock_init(&vpm->lock);
		lockdep_set_class(&vpm->lock, &vpm_vpmap_key);
		vpm->home = i & cache->freemsk;
		vpm->queue = 1;
		INIT_HLIST_NODE(&vpm->hnode);
		fl = cache->freelist[vpm->home];
		list_add_tail(&vpm->link, &fl->q[1].head);
		fl->q[1].len++;
	}
}

/**
 * vpm_cache_create() - build a cache
 * @p: its size, freelists and mode
 *
 * The module builds one at load time; the KUnit suites build small ones.
 *
 * Context: process context, may sleep.
 * Return: the cache, or an ERR_PTR: -EINVAL for bad parameters, -ENOMEM.
 */
struct vpm_cache *vpm_cache_create(const struct vpm_cache_params *p)
{
	struct vpm_cache *cache;
	unsigned int ndx = 0;
	int err = -ENOMEM;
	int cpu;

	if (!p->nentries || !is_power_of_2(p->nfreelist) ||
	    p->nfreelist > U16_MAX + 1 || p->nentries < p->nfreelist ||
	    p->mode >= ARRAY_SIZE(vpm_mode_names))
		return ERR_PTR(-EINVAL);

	cache = kzalloc(sizeof(*cache), GFP_KERNEL);
	if (!cache)
		return ERR_PTR(-ENOMEM);
	cache->nentries = p->nentries;
	cache->nfreelist = p->nfreelist;
	cache->freemsk = p->nfreelist - 1;
	cache->mode = p->mode;

	cache->cpu = alloc_percpu(struct vpm_cpu);
	if (!cache->cpu)
		goto out_destroy;
	/* CPUs start their rotors on different freelists, as in the seed. */
	for_each_possible_cpu(cpu)
		per_cpu_ptr(cache->cpu, cpu)->rotor = ndx++ & cache->freemsk;
	cache->vpmaps = kvcalloc(cache->nentries, sizeof(*cache->vpmaps),
				 GFP_KERNEL);
	if (!cache->vpmaps)
		goto out_destroy;
	err = vpm_cache_alloc_freelists(cache);
	if (err)
		goto out_destroy;
	err = vpm_cache_alloc_hash(cache);
	if (err)
		goto out_destroy;
	vpm_cache_init_vpmaps(cache);
	/* What the cache costs besides the pages it caches. */
	cache->footprint = sizeof(*cache);
	cache->footprint += array_size(cache->nentries, sizeof(*cache->vpmaps));
	cache->footprint += array_size(1UL << cache->hash_bits,
				       sizeof(*cache->hash));
	cache->footprint += array_size(cache->hash_lock_mask + 1,
				       sizeof(*cache->hash_locks));
	cache->footprint += array_size(cache->nfreelist,
				       sizeof(struct vpmfree) +
				       sizeof(*cache->freelist));
	cache->footprint += array_size(num_possible_cpus(),
				       sizeof(struct vpm_cpu));

	if (p->shrinker) {
		cache->shrinker = vpm_shrinker_alloc("vpm-cache");
		if (!cache->shrinker) {
			err = -ENOMEM;
			goto out_destroy;
		}
		cache->shrinker->count_objects = vpm_shrink_count;
		cache->shrinker->scan_objects = vpm_shrink_scan;
		vpm_shrinker_set_private(cache->shrinker, cache);
		err = vpm_shrinker_register(cache->shrinker);
		if (err)
			goto out_destroy;
	}
	return cache;

out_destroy:
	vpm_cache_destroy(cache);
	return ERR_PTR(err);
}

/**
 * vpm_cache_destroy() - release every entry and free a cache
 * @cache: the cache; nobody may use it any more
 *
 * Context: process context, may sleep.
 */
void vpm_cache_destroy(struct vpm_cache *cache)
{
	unsigned long i;

	for (i = 0; i < ARRAY_SIZE(cache->debugfs); i++)
		debugfs_remove(cache->debugfs[i]);
	if (cache->shrinker)
		vpm_shrinker_free(cache->shrinker);
	if (cache->vpmaps && cache->hash_locks) {
		for (i = 0; i < cache->nentries; i++) {
			struct vpmap *vpm = &cache->vpmaps[i];
			struct folio *folio;

			WARN_ON_ONCE(vpm->refcnt);
			spin_lock(&vpm->lock);
			folio = vpm_dissociate(cache, vpm);
			spin_unlock(&vpm->lock);
			if (folio)
				folio_put(folio);
			cond_resched();
		}
	}
	/* Lockless lookups may still walk the buckets. */
	synchronize_rcu();
	kvfree(cache->hash_locks);
	kvfree(cache->hash);
	free_percpu(cache->free_pcpu);
	kfree(cache->freelist);
	kvfree(cache->vpmaps);
	free_percpu(cache->cpu);
	kfree(cache);
}

/**
 * vpm_cache_init() - build the module's cache from the tunables
 *
 * With vpm_enable or vpm_cache_enable off there is no cache and the API
 * maps pages directly, as the seed's else branches do.
 *
 * Return: 0 or -ENOMEM.
 */
int vpm_cache_init(void)
{
	struct vpm_cache_params p;
	struct vpm_cache *cache;

	if (vpm_cache_params_from_tunables(&p)) {
		pr_info("vpm cache disabled: pages are mapped directly\n");
		return 0;
	}
	cache = vpm_cache_create(&p);
	if (IS_ERR(cache))
		return PTR_ERR(cache);
	pr_info("vpm cache: %lu entries (%lu MiB of pages), %u freelists, %s\n",
		cache->nentries, cache->nentries >> (20 - PAGE_SHIFT),
		cache->nfreelist, vpm_mode_names[cache->mode]);
	vpm_cache = cache;
	vpm_debugfs_add_cache(cache, vpm_debugfs_root);
	return 0;
}

/**
 * vpm_cache_exit() - release every entry and free the module's cache
 */
void vpm_cache_exit(void)
{
	struct vpm_cache *cache = vpm_cache;

	if (!cache)
		return;
	/* vpm_cache_mode_set() runs under the parameter lock. */
	kernel_param_lock(THIS_MODULE);
	vpm_cache = NULL;
	kernel_param_unlock(THIS_MODULE);
	vpm_cache_destroy(cache);
}
