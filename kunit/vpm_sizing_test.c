// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite vpm_sizing: how the tunables size the cache, and how its
 * entries are laid out over the per-CPU freelists.
 */

#include <kunit/test.h>
#include <linux/cache.h>
#include <linux/mm.h>

#include "vpm_test.h"

struct nfreelist_case {
	const char *name;
	int want;
	unsigned int ncpus;
	unsigned int expect;
	bool warn;
};

static const struct nfreelist_case nfreelist_cases[] = {
	{ "zero_is_one_per_cpu", 0, 4, 4, false },
	{ "zero_rounds_cpus_up", 0, 3, 4, false },
	{ "one_stays_one", 1, 8, 1, false },
	{ "three_rounds_up_to_four", 3, 4, 4, false },
	{ "two_per_cpu_is_allowed", 8, 4, 8, false },
	{ "too_large_is_two_per_cpu", 9, 4, 8, true },
	{ "negative_is_two_per_cpu", -1, 4, 8, true },
	{ "too_large_rounds_up", 100, 3, 8, true },
};

static void nfreelist_case_desc(const struct nfreelist_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(nfreelist, nfreelist_cases, nfreelist_case_desc);

static void nfreelist_is_clamped_and_rounded(struct kunit *test)
{
	const struct nfreelist_case *c = test->param_value;
	bool warn;

	KUNIT_EXPECT_EQ(test, vpm_nfreelist_clamp(c->want, c->ncpus, &warn),
			c->expect);
	KUNIT_EXPECT_EQ(test, warn, c->warn);
}

/* Run vpm_cache_params_from_tunables() with the tunables set for a test. */
struct tunables {
	bool enable;
	bool cache_enable;
	unsigned int percent;
	int nfreelist;
};

static int params_with(const struct tunables *t, struct vpm_cache_params *p)
{
	struct tunables saved = { vpm_enable, vpm_cache_enable,
				  vpm_cache_percent, vpm_nfreelist };
	int err;

	vpm_enable = t->enable;
	vpm_cache_enable = t->cache_enable;
	vpm_cache_percent = t->percent;
	vpm_nfreelist = t->nfreelist;
	err = vpm_cache_params_from_tunables(p);
	vpm_enable = saved.enable;
	vpm_cache_enable = saved.cache_enable;
	vpm_cache_percent = saved.percent;
	vpm_nfreelist = saved.nfreelist;
	return err;
}

static unsigned long expected_entries(unsigned int percent)
{
	u64 bytes = div_u64((u64)totalram_pages() * percent, 100) << PAGE_SHIFT;

	return clamp(bytes, VPMAP_MINCACHE, VPMAP_MAXCACHE) >> PAGE_SHIFT;
}

static void default_size_is_12_percent_of_ram(struct kunit *test)
{
	struct tunables t = { true, true, 12, 0 };
	struct vpm_cache_params p;

	KUNIT_ASSERT_EQ(test, params_with(&t, &p), 0);
	KUNIT_EXPECT_EQ(test, p.nentries, expected_entries(12));
	KUNIT_EXPECT_EQ(test, p.nfreelist,
			roundup_pow_of_two(num_possible_cpus()));
	KUNIT_EXPECT_TRUE(test, p.shrinker);
}

static void tiny_percent_is_clamped_to_min_cache(struct kunit *test)
{
	struct tunables t = { true, true, 0, 0 };
	struct vpm_cache_params p;

	KUNIT_ASSERT_EQ(test, params_with(&t, &p), 0);
	KUNIT_EXPECT_EQ(test, p.nentries, VPMAP_MINCACHE >> PAGE_SHIFT);
}

static void huge_percent_is_clamped_to_all_of_ram(struct kunit *test)
{
	struct tunables t = { true, true, 1000, 0 };
	struct vpm_cache_params p;

	KUNIT_ASSERT_EQ(test, params_with(&t, &p), 0);
	KUNIT_EXPECT_EQ(test, p.nentries, expected_entries(100));
	KUNIT_EXPECT_LE(test, p.nentries,
			max_t(unsigned long, totalram_pages(),
			      VPMAP_MINCACHE >> PAGE_SHIFT));
}

static void bad_nfreelist_is_clamped(struct kunit *test)
{
	struct tunables t = { true, true, 12, -5 };
	struct vpm_cache_params p;

	KUNIT_ASSERT_EQ(test, params_with(&t, &p), 0);
	KUNIT_EXPECT_EQ(test, p.nfreelist,
			roundup_pow_of_two(2 * num_possible_cpus()));
}

static void disabled_cache_has_no_params(struct kunit *test)
{
	struct tunables off = { true, false, 12, 0 };
	struct tunables vpm_off = { false, true, 12, 0 };
	struct vpm_cache_params p;

	KUNIT_EXPECT_EQ(test, params_with(&off, &p), -ENODEV);
	KUNIT_EXPECT_EQ(test, params_with(&vpm_off, &p), -ENODEV);
}

static void create_rejects_bad_params(struct kunit *test)
{
	const struct vpm_cache_params bad[] = {
		{ .nentries = 0, .nfreelist = 1 },
		{ .nentries = 8, .nfreelist = 3 },
		{ .nentries = 8, .nfreelist = 0 },
		{ .nentries = 2, .nfreelist = 4 },
		{ .nentries = 8, .nfreelist = 1, .mode = 7 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(vpm_cache_create(&bad[i])),
				    -EINVAL, "case %u", i);
}

static void module_cache_matches_tunables(struct kunit *test)
{
	struct vpm_cache_params p;

	KUNIT_ASSERT_EQ(test, vpm_cache_params_from_tunables(&p), 0);
	KUNIT_ASSERT_NOT_NULL(test, vpm_cache);
	KUNIT_EXPECT_EQ(test, vpm_cache->nentries, p.nentries);
	KUNIT_EXPECT_EQ(test, vpm_cache->nfreelist, p.nfreelist);
	KUNIT_EXPECT_NOT_NULL(test, vpm_cache->shrinker);
}

static void entries_spread_over_chosen_freelists(struct kunit *test)
{
	struct vpm_cache *cache = vpm_test_cache_create(test, 16, 4);
	unsigned int alloc, rele, want, i;

	KUNIT_EXPECT_EQ(test, cache->freemsk, 3);
	for (i = 0; i < 4; i++) {
		vpm_cache_count_queues(cache, i, &alloc, &rele, &want);
		KUNIT_EXPECT_EQ(test, alloc, 0);
		KUNIT_EXPECT_EQ(test, rele, 4);
		KUNIT_EXPECT_EQ(test, want, 0);
	}
	for (i = 0; i < 16; i++)
		KUNIT_EXPECT_EQ(test, cache->vpmaps[i].home, i & 3);
}

/* Is @p inside the per-CPU area of some possible CPU? */
static bool in_percpu_area(struct vpm_cache *cache, const void *p, size_t slots)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct vpmfree *base = per_cpu_ptr(cache->free_pcpu, cpu);

		if (p >= (const void *)base && p < (const void *)(base + slots))
			return true;
	}
	return false;
}

static void freelists_live_in_per_cpu_storage(struct kunit *test)
{
	struct vpm_cache *cache = vpm_test_cache_create(test, 64, 8);
	size_t slots = DIV_ROUND_UP(8, num_possible_cpus());
	struct vpmfree *fl;
	unsigned int i, j;

	for (i = 0; i < cache->nfreelist; i++) {
		fl = cache->freelist[i];
		KUNIT_EXPECT_TRUE(test, in_percpu_area(cache, fl, slots));
		if (IS_ENABLED(CONFIG_SMP))
			KUNIT_EXPECT_EQ(test,
					(unsigned long)cache->freelist[i] %
						SMP_CACHE_BYTES,
					0);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_PTR_NE(test, cache->freelist[i],
					    cache->freelist[j]);
	}
}

static struct kunit_case vpm_sizing_cases[] = {
	KUNIT_CASE_PARAM(nfreelist_is_clamped_and_rounded,
			 nfreelist_gen_params),
	KUNIT_CASE(default_size_is_12_percent_of_ram),
	KUNIT_CASE(tiny_percent_is_clamped_to_min_cache),
	KUNIT_CASE(huge_percent_is_clamped_to_all_of_ram),
	KUNIT_CASE(bad_nfreelist_is_clamped),
	KUNIT_CASE(disabled_cache_has_no_params),
	KUNIT_CASE(create_rejects_bad_params),
	KUNIT_CASE(module_cache_matches_tunables),
	KUNIT_CASE(entries_spread_over_chosen_freelists),
	KUNIT_CASE(freelists_live_in_per_cpu_storage),
	{}
};

static struct kunit_suite vpm_sizing_suite = {
	.name = "vpm_sizing",
	.test_cases = vpm_sizing_cases,
};

kunit_test_suite(vpm_sizing_suite);
