// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite vpm_cache: the vpmap cache's freelists, page index, fault
 * injection and giving memory back, on small caches built for each test
 * over an address space with real pages.
 */

#include <kunit/test.h>
#include <linux/bitops.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/migrate.h>
#include <linux/pagemap.h>
#include <linux/shrinker.h>
#include <linux/swap.h>

#include "vpm_test.h"

struct ctx {
	struct vpm_test_mapping *tm;
	struct vpm_cache *cache;
};

static struct ctx setup(struct kunit *test, unsigned long nentries,
			unsigned int nfreelist)
{
	struct ctx c;

	c.tm = vpm_test_mapping_create(test, 64 * PAGE_SIZE);
	c.cache = vpm_test_cache_create(test, nentries, nfreelist);
	return c;
}

/* Map @nr pages from page @index for reading, fetching them. */
static int map_pages(struct ctx *c, pgoff_t index, unsigned int nr,
		     struct vmap *vml, int nseg)
{
	return __vpm_map_pages(c->cache, c->tm->mapping,
			       (loff_t)index << PAGE_SHIFT,
			       (size_t)nr << PAGE_SHIFT, 1, vml, nseg, NULL,
			       VPM_READ);
}

static struct vpmap *seg_vpm(const struct vmap *vs)
{
	return (vs->vs_flags & VPM_VS_CACHED) ? vs->vs_data : NULL;
}

/* Map one page, note its entry and flags, unmap it. */
static struct vpmap *touch(struct kunit *test, struct ctx *c, pgoff_t index,
			   unsigned int *flags)
{
	struct vmap vml[VPM_MINVMAPS];
	struct vpmap *vpm;

	KUNIT_EXPECT_EQ(test, map_pages(c, index, 1, vml, VPM_MINVMAPS), 0);
	if (!vml[0].vs_addr)
		return NULL;
	vpm = seg_vpm(&vml[0]);
	if (flags)
		*flags = vml[0].vs_flags;
	__vpm_unmap_pages(c->cache, vml, VPM_READ);
	return vpm;
}

static unsigned long release_all(struct vpm_cache *cache)
{
	return vpm_cache_release(cache, NULL, 0, ULONG_MAX, ULONG_MAX);
}

static void set_rotor(struct vpm_cache *cache, unsigned int ndx)
{
	this_cpu_write(cache->cpu->rotor, ndx);
}

static void miss_then_hit_for_the_same_page(struct kunit *test)
{
	struct ctx c = setup(test, 8, 1);
	unsigned int f1, f2;
	struct vpmap *v1, *v2;

	v1 = touch(test, &c, 3, &f1);
	v2 = touch(test, &c, 3, &f2);
	KUNIT_ASSERT_NOT_NULL(test, v1);
	KUNIT_EXPECT_PTR_EQ(test, v1, v2);
	KUNIT_EXPECT_EQ(test, f1, VPM_VS_CACHED);
	KUNIT_EXPECT_EQ(test, f2, VPM_VS_CACHED | VPM_VS_HIT);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_MISSES), 1);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_HITS), 1);
	KUNIT_EXPECT_EQ(test, v1->index, 3);
	KUNIT_EXPECT_PTR_EQ(test, v1->mapping, c.tm->mapping);
}

static void cached_entry_holds_exactly_one_reference(struct kunit *test)
{
	struct ctx c = setup(test, 8, 1);
	int base;

	touch(test, &c, 0, NULL);
	touch(test, &c, 0, NULL);
	base = vpm_test_folio_refs(c.tm, 0) - 1;
	KUNIT_EXPECT_EQ(test, base, 1);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_CACHED), 1);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_INUSE), 0);
	KUNIT_EXPECT_EQ(test, release_all(c.cache), 1);
	KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, 0), base);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_CACHED), 0);
}

static void first_use_flips_the_queues(struct kunit *test)
{
	struct ctx c = setup(test, 4, 1);
	unsigned int alloc, rele, want;
	struct vmap vml[VPM_MINVMAPS];

	KUNIT_ASSERT_EQ(test, map_pages(&c, 0, 1, vml, VPM_MINVMAPS), 0);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_FLIPS), 1);
	vpm_cache_count_queues(c.cache, 0, &alloc, &rele, &want);
	KUNIT_EXPECT_EQ(test, alloc, 3);
	KUNIT_EXPECT_EQ(test, rele, 0);
	__vpm_unmap_pages(c.cache, vml, VPM_READ);
	vpm_cache_count_queues(c.cache, 0, &alloc, &rele, &want);
	KUNIT_EXPECT_EQ(test, alloc, 3);
	KUNIT_EXPECT_EQ(test, rele, 1);
}

static void freed_entries_go_to_the_release_queue_tail(struct kunit *test)
{
	struct ctx c = setup(test, 4, 1);
	struct vmap a[VPM_MINVMAPS], b[VPM_MINVMAPS];
	struct vpmfree *fl = c.cache->freelist[0];
	struct list_head *head;
	struct vpmap *va, *vb;

	KUNIT_ASSERT_EQ(test, map_pages(&c, 0, 1, a, VPM_MINVMAPS), 0);
	KUNIT_ASSERT_EQ(test, map_pages(&c, 1, 1, b, VPM_MINVMAPS), 0);
	va = seg_vpm(&a[0]);
	vb = seg_vpm(&b[0]);
	__vpm_unmap_pages(c.cache, a, VPM_READ);
	__vpm_unmap_pages(c.cache, b, VPM_READ);
	head = &fl->releq->head;
	KUNIT_EXPECT_PTR_EQ(test, list_first_entry(head, struct vpmap, link), va);
	KUNIT_EXPECT_PTR_EQ(test, list_last_entry(head, struct vpmap, link), vb);
}

static void rotor_spreads_misses_across_freelists(struct kunit *test)
{
	struct ctx c = setup(test, 8, 4);
	unsigned int i;

	set_rotor(c.cache, 0);
	for (i = 0; i < 4; i++) {
		struct vpmap *vpm = touch(test, &c, i, NULL);

		KUNIT_ASSERT_NOT_NULL(test, vpm);
		KUNIT_EXPECT_EQ(test, vpm->home, i);
	}
}

static void random_mode_spreads_misses(struct kunit *test)
{
	struct ctx c = setup(test, 64, 4);
	unsigned long seen = 0;
	unsigned int i;

	c.cache->mode = VPMCACHE_RANDOM;
	for (i = 0; i < 48; i++) {
		struct vpmap *vpm = touch(test, &c, i, NULL);

		KUNIT_ASSERT_NOT_NULL(test, vpm);
		seen |= BIT(vpm->home);
	}
	/* 48 misses all on one of 4 freelists: probability 4^-47. */
	KUNIT_EXPECT_GT(test, hweight_long(seen), 1);
}

static void empty_freelist_moves_to_the_next(struct kunit *test)
{
	struct ctx c = setup(test, 2, 2);
	struct vmap a[VPM_MINVMAPS], b[VPM_MINVMAPS];

	set_rotor(c.cache, 1);
	KUNIT_ASSERT_EQ(test, map_pages(&c, 0, 1, a, VPM_MINVMAPS), 0);
	KUNIT_EXPECT_EQ(test, seg_vpm(&a[0])->home, 1);
	set_rotor(c.cache, 1);
	KUNIT_ASSERT_EQ(test, map_pages(&c, 1, 1, b, VPM_MINVMAPS), 0);
	KUNIT_ASSERT_NOT_NULL(test, seg_vpm(&b[0]));
	KUNIT_EXPECT_EQ(test, seg_vpm(&b[0])->home, 0);
	KUNIT_EXPECT_GE(test, vpm_cache_stat(c.cache, VPM_STAT_EMPTYFREELIST),
			1);
	__vpm_unmap_pages(c.cache, b, VPM_READ);
	__vpm_unmap_pages(c.cache, a, VPM_READ);
}

struct waiter {
	struct ctx *c;
	struct completion done;
	int err;
	unsigned int flags;
};

static int waiter_fn(void *data)
{
	struct waiter *w = data;
	struct vmap vml[VPM_MINVMAPS];

	w->err = map_pages(w->c, 5, 1, vml, VPM_MINVMAPS);
	if (!w->err) {
		w->flags = vml[0].vs_flags;
		__vpm_unmap_pages(w->c->cache, vml, VPM_READ);
	}
	complete(&w->done);
	return 0;
}

static void exhausted_cache_waits_until_an_entry_is_freed(struct kunit *test)
{
	struct ctx c = setup(test, 2, 1);
	struct vmap held[VPM_MINVMAPS], other[VPM_MINVMAPS];
	struct waiter w = { .c = &c };
	unsigned int alloc, rele, want = 0;
	struct task_struct *t;
	bool finished;
	int i;

	init_completion(&w.done);
	KUNIT_ASSERT_EQ(test, map_pages(&c, 0, 2, held, VPM_MINVMAPS), 0);
	t = kthread_run(waiter_fn, &w, "vpm-waiter");
	for (i = 0; !IS_ERR(t) && i < 200 && !want; i++) {
		msleep(20);
		vpm_cache_count_queues(c.cache, 0, &alloc, &rele, &want);
	}
	KUNIT_EXPECT_EQ(test, want, 1);
	KUNIT_EXPECT_FALSE(test, completion_done(&w.done));
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_NOFREEVPMS), 1);

	/* Freeing the entries wakes the waiter, which then gets one. */
	__vpm_unmap_pages(c.cache, held, VPM_READ);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	finished = wait_for_completion_timeout(&w.done, 10 * HZ);
	KUNIT_ASSERT_TRUE(test, finished);
	KUNIT_EXPECT_EQ(test, w.err, 0);
	KUNIT_EXPECT_TRUE(test, w.flags & VPM_VS_CACHED);
	vpm_cache_count_queues(c.cache, 0, &alloc, &rele, &want);
	KUNIT_EXPECT_EQ(test, want, 0);
	KUNIT_EXPECT_EQ(test, map_pages(&c, 6, 1, other, VPM_MINVMAPS), 0);
	__vpm_unmap_pages(c.cache, other, VPM_READ);
}

static void exhausted_cache_maps_later_pages_uncached(struct kunit *test)
{
	struct ctx c = setup(test, 2, 1);
	struct vmap held[VPM_MINVMAPS], vml[VPM_MINVMAPS];
	const u8 *p;

	KUNIT_ASSERT_EQ(test, map_pages(&c, 0, 1, held, VPM_MINVMAPS), 0);
	KUNIT_ASSERT_EQ(test, map_pages(&c, 1, 2, vml, VPM_MINVMAPS), 0);
	KUNIT_EXPECT_TRUE(test, vml[0].vs_flags & VPM_VS_CACHED);
	KUNIT_EXPECT_FALSE(test, vml[1].vs_flags & VPM_VS_CACHED);
	KUNIT_EXPECT_PTR_EQ(test, vml[2].vs_addr, NULL);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_UNCACHED), 1);
	p = vml[1].vs_addr;
	KUNIT_EXPECT_EQ(test, p[17], vpm_test_pattern(2 * PAGE_SIZE + 17));
	__vpm_unmap_pages(c.cache, vml, VPM_READ);
	__vpm_unmap_pages(c.cache, held, VPM_READ);
	/* The uncached page kept no reference. */
	KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, 2), 1);
}

static void hit_takes_the_entry_off_its_freelist(struct kunit *test)
{
	struct ctx c = setup(test, 4, 1);
	struct vmap vml[VPM_MINVMAPS];
	unsigned int alloc, rele, want;

	touch(test, &c, 0, NULL);
	vpm_cache_count_queues(c.cache, 0, &alloc, &rele, &want);
	KUNIT_EXPECT_EQ(test, alloc + rele, 4);
	KUNIT_ASSERT_EQ(test, map_pages(&c, 0, 1, vml, VPM_MINVMAPS), 0);
	KUNIT_EXPECT_TRUE(test, vml[0].vs_flags & VPM_VS_HIT);
	vpm_cache_count_queues(c.cache, 0, &alloc, &rele, &want);
	KUNIT_EXPECT_EQ(test, alloc + rele, 3);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_INUSE), 1);
	__vpm_unmap_pages(c.cache, vml, VPM_READ);
}

static void taking_an_entry_releases_its_old_page(struct kunit *test)
{
	struct ctx c = setup(test, 1, 1);
	struct vpmap *v0, *v1;

	v0 = touch(test, &c, 0, NULL);
	KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, 0), 2);
	v1 = touch(test, &c, 1, NULL);
	KUNIT_EXPECT_PTR_EQ(test, v0, v1);
	KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, 0), 1);
	KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, 1), 2);
	KUNIT_EXPECT_EQ(test, v1->index, 1);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_CACHED), 1);
}

static void truncated_page_is_not_a_hit(struct kunit *test)
{
	struct ctx c = setup(test, 4, 1);
	struct folio *old;
	struct vmap vml[VPM_MINVMAPS];
	unsigned int flags;

	touch(test, &c, 0, NULL);
	old = filemap_get_folio(c.tm->mapping, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(old));
	truncate_inode_pages(c.tm->mapping, 0);
	KUNIT_ASSERT_EQ(test, map_pages(&c, 0, 1, vml, VPM_MINVMAPS), 0);
	flags = vml[0].vs_flags;
	KUNIT_EXPECT_PTR_NE(test, vpm_vmap_page(&vml[0]), &old->page);
	__vpm_unmap_pages(c.cache, vml, VPM_READ);
	KUNIT_EXPECT_EQ(test, flags, VPM_VS_CACHED);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_MISSES), 2);
	/* The old page is held by its stale entry and by us, nobody else. */
	KUNIT_EXPECT_EQ(test, folio_ref_count(old), 2);
	vpm_cache_release(c.cache, NULL, 0, ULONG_MAX, ULONG_MAX);
	KUNIT_EXPECT_EQ(test, folio_ref_count(old), 1);
	folio_put(old);
}

static void contend_path_finds_the_existing_entry(struct kunit *test)
{
	struct ctx c = setup(test, 4, 1);
	struct vpmap *first, *vpm;
	unsigned int i, flags;

	first = touch(test, &c, 0, NULL);
	c.cache->contend_mtbf = 1;
	for (i = 0; i < 8; i++) {
		vpm = touch(test, &c, 0, &flags);
		KUNIT_EXPECT_PTR_EQ(test, vpm, first);
		KUNIT_EXPECT_TRUE(test, flags & VPM_VS_HIT);
	}
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_CONTEND), 4);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_HITS), 8);
	KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, 0), 2);
}

static void steal_path_drops_the_entry_and_retries(struct kunit *test)
{
	struct ctx c = setup(test, 4, 1);
	unsigned int i, flags;
	struct vmap vml[VPM_MINVMAPS];

	touch(test, &c, 0, NULL);
	c.cache->contend_mtbf = 1;
	c.cache->steals_mtbf = 1;
	for (i = 0; i < 8; i++)
		touch(test, &c, 0, &flags);
	KUNIT_EXPECT_GE(test, vpm_cache_stat(c.cache, VPM_STAT_STEALS), 1);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_CACHED), 1);
	KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, 0), 2);
	c.cache->contend_mtbf = 0;
	KUNIT_ASSERT_EQ(test, map_pages(&c, 0, 1, vml, VPM_MINVMAPS), 0);
	KUNIT_EXPECT_EQ(test, ((u8 *)vml[0].vs_addr)[9], vpm_test_pattern(9));
	__vpm_unmap_pages(c.cache, vml, VPM_READ);
}

static void destroy_action(void *cache)
{
	vpm_cache_destroy(cache);
}

static void shrinker_releases_idle_entries_oldest_first(struct kunit *test)
{
	struct vpm_cache_params p = {
		.nentries = 8,
		.nfreelist = 1,
		.shrinker = true,
	};
	struct shrink_control sc = { .gfp_mask = GFP_KERNEL };
	struct shrinker *shrink;
	struct ctx c;
	unsigned int i;

	c.tm = vpm_test_mapping_create(test, 64 * PAGE_SIZE);
	c.cache = vpm_cache_create(&p);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c.cache);
	vpm_test_defer(test, destroy_action, c.cache);
	shrink = c.cache->shrinker;
	KUNIT_ASSERT_NOT_NULL(test, shrink);
	for (i = 0; i < 8; i++)
		touch(test, &c, i, NULL);
	KUNIT_EXPECT_EQ(test, shrink->count_objects(shrink, &sc), 8);
	sc.nr_to_scan = 3;
	KUNIT_EXPECT_EQ(test, shrink->scan_objects(shrink, &sc), 3);
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ_MSG(test, vpm_test_folio_refs(c.tm, i),
				    i < 3 ? 1 : 2, "page %u", i);
	KUNIT_EXPECT_EQ(test, shrink->count_objects(shrink, &sc), 5);
	KUNIT_EXPECT_EQ(test,
			vpm_cache_stat(c.cache, VPM_STAT_SHRINKER_RELEASED), 3);
	kunit_release_action(test, destroy_action, c.cache);
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, i), 1);
}

static void in_use_entries_are_not_released(struct kunit *test)
{
	struct ctx c = setup(test, 4, 1);
	struct vmap vml[VPM_MINVMAPS];

	KUNIT_ASSERT_EQ(test, map_pages(&c, 0, 1, vml, VPM_MINVMAPS), 0);
	KUNIT_EXPECT_EQ(test, release_all(c.cache), 0);
	KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, 0), 2);
	__vpm_unmap_pages(c.cache, vml, VPM_READ);
	KUNIT_EXPECT_EQ(test, release_all(c.cache), 1);
}

static void release_of_a_range_keeps_the_rest(struct kunit *test)
{
	struct ctx c = setup(test, 8, 2);
	struct vpm_test_mapping *other =
		vpm_test_mapping_create(test, 4 * PAGE_SIZE);
	struct ctx c2 = { other, c.cache };
	unsigned long released;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		touch(test, &c, i, NULL);
		touch(test, &c2, i, NULL);
	}
	released = vpm_cache_release(c.cache, c.tm->mapping, 1, 2, ULONG_MAX);
	KUNIT_EXPECT_EQ(test, released, 2);
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, i),
				(i == 1 || i == 2) ? 1 : 2);
		KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(other, i), 2);
	}
	KUNIT_EXPECT_EQ(test,
			vpm_cache_release(c.cache, other->mapping, 0, ULONG_MAX,
					  ULONG_MAX),
			4);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_CACHED), 2);
}

/*
 * A release puts the folios in batches of PAGEVEC_SIZE outside the queue
 * lock and walks on from where it stopped: every matching entry of a
 * queue longer than several batches goes, the others stay, and a limit
 * is kept exactly across batches.
 */
static void release_walks_on_past_full_batches(struct kunit *test)
{
	struct ctx c = setup(test, 128, 1);
	struct vpm_test_mapping *other =
		vpm_test_mapping_create(test, 64 * PAGE_SIZE);
	struct ctx c2 = { other, c.cache };
	unsigned int i;

	for (i = 0; i < 64; i++) {
		touch(test, &c, i, NULL);
		touch(test, &c2, i, NULL);
	}
	KUNIT_ASSERT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_CACHED), 128);
	KUNIT_EXPECT_EQ(test,
			vpm_cache_release(c.cache, c.tm->mapping, 0, ULONG_MAX,
					  ULONG_MAX),
			64);
	for (i = 0; i < 64; i++) {
		KUNIT_EXPECT_EQ_MSG(test, vpm_test_folio_refs(c.tm, i), 1,
				    "page %u", i);
		KUNIT_EXPECT_EQ_MSG(test, vpm_test_folio_refs(other, i), 2,
				    "other page %u", i);
	}
	KUNIT_EXPECT_EQ(test,
			vpm_cache_release(c.cache, other->mapping, 0, ULONG_MAX,
					  40),
			40);
	/* Oldest first: the first 40 pages of the other mapping went. */
	for (i = 0; i < 64; i++)
		KUNIT_EXPECT_EQ_MSG(test, vpm_test_folio_refs(other, i),
				    i < 40 ? 1 : 2, "other page %u", i);
	KUNIT_EXPECT_EQ(test, release_all(c.cache), 24);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_CACHED), 0);
}

/*
 * Scans of any address space start at the freelist after the one the
 * last scan ended in: two small scans take from two freelists, where
 * starting at freelist 0 each time would drain it first.
 */
static void release_of_any_mapping_moves_on_to_the_next_freelist(struct kunit *test)
{
	struct ctx c = setup(test, 16, 2);
	unsigned int i, home[16], gone[2] = { 0, 0 };

	for (i = 0; i < 16; i++) {
		struct vpmap *vpm = touch(test, &c, i, NULL);

		KUNIT_ASSERT_NOT_NULL(test, vpm);
		home[i] = vpm->home;
	}
	KUNIT_EXPECT_EQ(test, vpm_cache_release(c.cache, NULL, 0, ULONG_MAX, 3), 3);
	KUNIT_EXPECT_EQ(test, vpm_cache_release(c.cache, NULL, 0, ULONG_MAX, 3), 3);
	for (i = 0; i < 16; i++)
		if (vpm_test_folio_refs(c.tm, i) == 1)
			gone[home[i]]++;
	KUNIT_EXPECT_EQ(test, gone[0], 3);
	KUNIT_EXPECT_EQ(test, gone[1], 3);
}

static void lookups_find_only_associated_pages(struct kunit *test)
{
	struct ctx c = setup(test, 4, 1);
	struct folio *f0, *f1;

	touch(test, &c, 0, NULL);
	f0 = filemap_get_folio(c.tm->mapping, 0);
	f1 = read_mapping_folio(c.tm->mapping, 1, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f0));
	KUNIT_ASSERT_FALSE(test, IS_ERR(f1));
	rcu_read_lock();
	KUNIT_EXPECT_NOT_NULL(test, vpm_cache_lookup(c.cache, &f0->page));
	KUNIT_EXPECT_NULL(test, vpm_cache_lookup(c.cache, &f1->page));
	rcu_read_unlock();
	folio_put(f0);
	folio_put(f1);
}

/*
 * Random mode draws the freelist of each miss at random; the rotor walks
 * them in order.  A random mode that fell back to the rotor would still
 * spread the misses, but in order.
 */
static void random_mode_does_not_walk_the_freelists_in_order(struct kunit *test)
{
	struct ctx c = setup(test, 64, 4);
	unsigned int i, prev = 0, in_order = 0;

	c.cache->mode = VPMCACHE_RANDOM;
	for (i = 0; i < 48; i++) {
		struct vpmap *vpm = touch(test, &c, i, NULL);

		KUNIT_ASSERT_NOT_NULL(test, vpm);
		if (i && vpm->home == ((prev + 1) & 3))
			in_order++;
		prev = vpm->home;
	}
	/* The rotor: 47 of 47.  Random: about 12; 40 or more has p < 1e-16. */
	KUNIT_EXPECT_LT(test, in_order, 40);
}

/*
 * A fresh cache has its entries on the release queues: the first entry
 * asked for without waiting comes from a flip of the queues.
 */
static void cold_cache_gives_an_entry_without_waiting(struct kunit *test)
{
	struct ctx c = setup(test, 4, 1);
	struct folio *folio;
	struct vpmap *vpm;
	bool hit = true;

	folio = read_mapping_folio(c.tm->mapping, 0, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, folio);
	vpm = vpm_get_vpmap(c.cache, &folio->page, c.tm->mapping, 0, false,
			    &hit);
	if (!vpm) {
		folio_put(folio);
		KUNIT_FAIL_AND_ABORT(test, "no entry from a cold cache");
	}
	KUNIT_EXPECT_FALSE(test, hit);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_FLIPS), 1);
	vpm_put_vpmap(c.cache, vpm);
}

static struct vpmap *entry_of(struct vpm_cache *cache, struct page *page)
{
	struct vpmap *vpm;

	rcu_read_lock();
	vpm = vpm_cache_lookup(cache, page);
	rcu_read_unlock();
	return vpm;
}

/* Does the page cache hold the store's bytes at page @index? */
static bool page_holds_the_store(struct ctx *c, pgoff_t index)
{
	struct folio *folio = filemap_get_folio(c->tm->mapping, index);
	bool same;
	u8 *addr;

	if (IS_ERR_OR_NULL(folio))
		return false;
	addr = kmap_local_folio(folio, 0);
	same = !memcmp(addr, c->tm->store + index * PAGE_SIZE, PAGE_SIZE);
	kunmap_local(addr);
	folio_put(folio);
	return same;
}

/* The folio at @index, referenced and locked, as reclaim holds it. */
static struct folio *lock_folio_at(struct kunit *test, struct ctx *c,
				   pgoff_t index)
{
	struct folio *folio;

	/* A per-CPU LRU batch may hold a reference of its own. */
	lru_add_drain();
	folio = filemap_get_folio(c->tm->mapping, index);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(folio));
	folio_lock(folio);
	return folio;
}

/* What reclaim does with the folio at @index: ask the cache to let it go. */
static bool reclaim_at(struct kunit *test, struct ctx *c, pgoff_t index)
{
	struct folio *folio = lock_folio_at(test, c, index);
	bool ok = vpm_cache_release_folio(c->cache, folio);

	folio_unlock(folio);
	folio_put(folio);
	return ok;
}

static void reclaim_takes_the_page_of_an_idle_entry(struct kunit *test)
{
	struct ctx c = setup(test, 2, 1);
	struct vpmap *v0;

	v0 = touch(test, &c, 0, NULL);
	KUNIT_ASSERT_NOT_NULL(test, v0);
	KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, 0), 2);
	KUNIT_EXPECT_TRUE(test, reclaim_at(test, &c, 0));
	/* The page cache's reference alone is left: reclaim may free it. */
	KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, 0), 1);
	KUNIT_EXPECT_NULL(test, v0->page);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_CACHED), 0);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_RECLAIMED), 1);
	/* A second call finds nothing to release, and agrees. */
	KUNIT_EXPECT_TRUE(test, reclaim_at(test, &c, 0));
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_RECLAIMED), 1);
	/* The emptied entry serves the next miss. */
	touch(test, &c, 0, NULL);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_MISSES), 2);
	KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, 0), 2);
}

static void reclaim_keeps_a_page_in_use(struct kunit *test)
{
	struct ctx c = setup(test, 2, 1);
	struct vmap vml[VPM_MINVMAPS];

	KUNIT_ASSERT_EQ(test, map_pages(&c, 0, 1, vml, VPM_MINVMAPS), 0);
	KUNIT_EXPECT_FALSE(test, reclaim_at(test, &c, 0));
	__vpm_unmap_pages(c.cache, vml, VPM_READ);
	KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, 0), 2);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_RECLAIMED), 0);
}

static void invalidated_page_leaves_its_idle_entry(struct kunit *test)
{
	struct ctx c = setup(test, 2, 1);
	struct folio *folio;
	struct vpmap *v0;

	v0 = touch(test, &c, 4, NULL);
	KUNIT_ASSERT_NOT_NULL(test, v0);
	folio = lock_folio_at(test, &c, 4);
	vpm_cache_invalidate_folio(c.cache, folio);
	folio_unlock(folio);
	folio_put(folio);
	KUNIT_EXPECT_NULL(test, v0->page);
	KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, 4), 1);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_RELEASED), 1);
}

static void page_truncated_while_mapped_is_let_go_at_unmap(struct kunit *test)
{
	struct ctx c = setup(test, 2, 1);
	struct vmap vml[VPM_MINVMAPS];
	struct folio *folio;
	struct vpmap *v0;

	KUNIT_ASSERT_EQ(test, map_pages(&c, 6, 1, vml, VPM_MINVMAPS), 0);
	v0 = seg_vpm(&vml[0]);
	KUNIT_ASSERT_NOT_NULL(test, v0);
	folio = page_folio(v0->page);
	folio_get(folio);
	/* Truncation takes the page out of the page cache, entry or not. */
	truncate_inode_pages_range(c.tm->mapping, 6 * PAGE_SIZE,
				   7 * PAGE_SIZE - 1);
	KUNIT_EXPECT_NULL(test, folio->mapping);
	__vpm_unmap_pages(c.cache, vml, VPM_READ);
	/* Only the test's own reference is left: nothing pins the page. */
	KUNIT_EXPECT_NULL(test, v0->page);
	KUNIT_EXPECT_EQ(test, folio_ref_count(folio), 1);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_CACHED), 0);
	folio_put(folio);
}

#ifdef CONFIG_MIGRATION
/*
 * Migrate the folio at @index as the kernel does: @src isolated (the
 * reference lock_folio_at() took) and locked, @dst new and locked.
 */
static int migrate_at(struct kunit *test, struct ctx *c, pgoff_t index,
		      struct folio **dstp)
{
	struct folio *src = lock_folio_at(test, c, index);
	struct folio *dst = folio_alloc(GFP_KERNEL, 0);
	int rc;

	KUNIT_ASSERT_NOT_NULL(test, dst);
	folio_lock(dst);
	rc = vpm_cache_migrate_folio(c->cache, c->tm->mapping, dst, src,
				     MIGRATE_SYNC);
	if (rc == MIGRATEPAGE_SUCCESS) {
		/* What move_to_new_folio() and its caller do. */
		src->mapping = NULL;
		folio_add_lru(dst);
	}
	folio_unlock(src);
	folio_put(src);
	folio_unlock(dst);
	*dstp = dst;
	return rc;
}

/* Migrate the folio at @index, which must work; the new folio, cached. */
static struct folio *migrate_ok(struct kunit *test, struct ctx *c,
				pgoff_t index)
{
	struct folio *dst, *now;

	KUNIT_ASSERT_EQ(test, migrate_at(test, c, index, &dst),
			MIGRATEPAGE_SUCCESS);
	now = filemap_get_folio(c->tm->mapping, index);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(now));
	KUNIT_EXPECT_PTR_EQ(test, now, dst);
	folio_put(now);
	/* The page cache holds it now. */
	folio_put(dst);
	return dst;
}

static void migration_moves_the_entry_with_the_page(struct kunit *test)
{
	struct ctx c = setup(test, 2, 1);
	struct vpmap *v0, *v1;
	unsigned int flags;
	struct folio *dst;

	v0 = touch(test, &c, 5, NULL);
	KUNIT_ASSERT_NOT_NULL(test, v0);
	dst = migrate_ok(test, &c, 5);
	KUNIT_EXPECT_PTR_EQ(test, v0->page, folio_page(dst, 0));
	KUNIT_EXPECT_PTR_EQ(test, entry_of(c.cache, folio_page(dst, 0)),
			    v0);
	/* The page cache's reference and the entry's. */
	KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, 5), 2);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_MIGRATED), 1);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_CACHED), 1);
	/* The next access is a hit on the same entry, with the same bytes. */
	v1 = touch(test, &c, 5, &flags);
	KUNIT_EXPECT_PTR_EQ(test, v1, v0);
	KUNIT_EXPECT_TRUE(test, flags & VPM_VS_HIT);
	KUNIT_EXPECT_TRUE(test, page_holds_the_store(&c, 5));
	KUNIT_EXPECT_EQ(test, release_all(c.cache), 1);
	KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, 5), 1);
}

static void migration_of_a_page_in_use_is_refused(struct kunit *test)
{
	struct ctx c = setup(test, 2, 1);
	struct vmap vml[VPM_MINVMAPS];
	struct folio *dst, *now;

	KUNIT_ASSERT_EQ(test, map_pages(&c, 2, 1, vml, VPM_MINVMAPS), 0);
	KUNIT_EXPECT_EQ(test, migrate_at(test, &c, 2, &dst), -EAGAIN);
	__vpm_unmap_pages(c.cache, vml, VPM_READ);
	now = filemap_get_folio(c.tm->mapping, 2);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(now));
	KUNIT_EXPECT_PTR_NE(test, now, dst);
	folio_put(dst);
	KUNIT_EXPECT_NOT_NULL(test, entry_of(c.cache, folio_page(now, 0)));
	folio_put(now);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_MIGRATED), 0);
	KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, 2), 2);
}

static void migration_without_an_entry_moves_the_page(struct kunit *test)
{
	struct ctx c = setup(test, 2, 1);

	touch(test, &c, 1, NULL);
	KUNIT_EXPECT_EQ(test, release_all(c.cache), 1);
	migrate_ok(test, &c, 1);
	KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, 1), 1);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_MIGRATED), 0);
	KUNIT_EXPECT_TRUE(test, page_holds_the_store(&c, 1));
}
#endif /* CONFIG_MIGRATION */

static struct kunit_case vpm_cache_cases[] = {
	KUNIT_CASE(miss_then_hit_for_the_same_page),
	KUNIT_CASE(cached_entry_holds_exactly_one_reference),
	KUNIT_CASE(first_use_flips_the_queues),
	KUNIT_CASE(cold_cache_gives_an_entry_without_waiting),
	KUNIT_CASE(freed_entries_go_to_the_release_queue_tail),
	KUNIT_CASE(rotor_spreads_misses_across_freelists),
	KUNIT_CASE(random_mode_spreads_misses),
	KUNIT_CASE(random_mode_does_not_walk_the_freelists_in_order),
	KUNIT_CASE(empty_freelist_moves_to_the_next),
	KUNIT_CASE(exhausted_cache_waits_until_an_entry_is_freed),
	KUNIT_CASE(exhausted_cache_maps_later_pages_uncached),
	KUNIT_CASE(hit_takes_the_entry_off_its_freelist),
	KUNIT_CASE(taking_an_entry_releases_its_old_page),
	KUNIT_CASE(truncated_page_is_not_a_hit),
	KUNIT_CASE(contend_path_finds_the_existing_entry),
	KUNIT_CASE(steal_path_drops_the_entry_and_retries),
	KUNIT_CASE(shrinker_releases_idle_entries_oldest_first),
	KUNIT_CASE(in_use_entries_are_not_released),
	KUNIT_CASE(release_of_a_range_keeps_the_rest),
	KUNIT_CASE(release_walks_on_past_full_batches),
	KUNIT_CASE(release_of_any_mapping_moves_on_to_the_next_freelist),
	KUNIT_CASE(lookups_find_only_associated_pages),
	KUNIT_CASE(reclaim_takes_the_page_of_an_idle_entry),
	KUNIT_CASE(reclaim_keeps_a_page_in_use),
	KUNIT_CASE(invalidated_page_leaves_its_idle_entry),
	KUNIT_CASE(page_truncated_while_mapped_is_let_go_at_unmap),
#ifdef CONFIG_MIGRATION
	KUNIT_CASE(migration_moves_the_entry_with_the_page),
	KUNIT_CASE(migration_of_a_page_in_use_is_refused),
	KUNIT_CASE(migration_without_an_entry_moves_the_page),
#endif
	{}
};

static struct kunit_suite vpm_cache_suite = {
	.name = "vpm_cache",
	.test_cases = vpm_cache_cases,
};

kunit_test_suite(vpm_cache_suite);
