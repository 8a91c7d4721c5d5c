// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite vpm_pager: what the pager must do exactly, over the
 * recording disk of kunit/vpm_testblk.c.  Which pages read_folio pages in
 * around a requested page (the seed's read-around): a quarter of
 * vpm_pager_cluster behind it, the rest ahead, only pages not cached yet,
 * never past the end of the object.  A write error of a writeback nobody
 * waits for (the flusher's) is recorded for the next fsync.
 */

#include <kunit/test.h>
#include <linux/pagemap.h>
#include <linux/uio.h>

#include "vnode_pager.h"
#include "vpm_testblk.h"
#include "vpm_test.h"

#define SECTORS_PER_PAGE (PAGE_SIZE >> SECTOR_SHIFT)
#define NPAGES 128

struct ctx {
	struct vpm_testblk *tb;
	struct vnode_pager *vnp;
	struct address_space *mapping;
};

static void destroy_action(void *vnp)
{
	vnode_pager_destroy(vnp, true);
}

static void restore_cluster(void *saved)
{
	WRITE_ONCE(vnode_pager_cluster, *(unsigned int *)saved);
}

/* A pager over a 128-page disk, with vpm_pager_cluster at @cluster. */
static struct ctx setup(struct kunit *test, unsigned int cluster)
{
	unsigned int *saved = kunit_kzalloc(test, sizeof(*saved), GFP_KERNEL);
	struct ctx c;

	KUNIT_ASSERT_NOT_NULL(test, saved);
	*saved = READ_ONCE(vnode_pager_cluster);
	vpm_test_defer(test, restore_cluster, saved);
	WRITE_ONCE(vnode_pager_cluster, cluster);
	c.tb = vpm_testblk_create(test, NPAGES * SECTORS_PER_PAGE);
	c.vnp = vnode_pager_create(c.tb->file, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c.vnp);
	vpm_test_defer(test, destroy_action, c.vnp);
	c.mapping = vnode_pager_mapping(c.vnp);
	return c;
}

/* Read page @index through read_folio alone (no readahead). */
static void read_one(struct kunit *test, struct ctx *c, pgoff_t index)
{
	struct folio *folio = read_mapping_folio(c->mapping, index, NULL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, folio);
	folio_put(folio);
}

/*
 * The pages in the page cache as a range: *@first..*@last; returns how
 * many there are (the range has no holes when it equals last - first + 1).
 * Waits for the pages read ahead.
 */
static unsigned int cached_range(struct kunit *test, struct ctx *c,
				 pgoff_t *first, pgoff_t *last)
{
	unsigned int n = 0;
	pgoff_t i;

	*first = ULONG_MAX;
	*last = 0;
	for (i = 0; i < NPAGES; i++) {
		struct folio *folio = filemap_get_folio(c->mapping, i);

		if (IS_ERR(folio))
			continue;
		folio_wait_locked(folio);
		KUNIT_EXPECT_TRUE_MSG(test, folio_test_uptodate(folio),
				      "page %lu", i);
		folio_put(folio);
		*first = min(*first, i);
		*last = max(*last, i);
		n++;
	}
	return n;
}

static void read_folio_reads_a_quarter_behind_the_rest_ahead(struct kunit *test)
{
	struct ctx c = setup(test, 32);
	pgoff_t first, last;

	read_one(test, &c, 40);
	KUNIT_EXPECT_EQ(test, cached_range(test, &c, &first, &last), 32);
	KUNIT_EXPECT_EQ(test, first, 40 - 8);
	KUNIT_EXPECT_EQ(test, last, 40 + 23);
	KUNIT_EXPECT_EQ(test, vnode_pager_stat(c.vnp, VNP_STAT_VNODEPGSIN), 32);
	/* The 23 pages after the requested one were read ahead. */
	KUNIT_EXPECT_EQ(test, vnode_pager_stat(c.vnp, VNP_STAT_READAHEAD_PAGES),
			23);
}

static void read_folio_window_follows_the_cluster_size(struct kunit *test)
{
	struct ctx c = setup(test, 8);
	pgoff_t first, last;

	read_one(test, &c, 100);
	KUNIT_EXPECT_EQ(test, cached_range(test, &c, &first, &last), 8);
	KUNIT_EXPECT_EQ(test, first, 100 - 2);
	KUNIT_EXPECT_EQ(test, last, 100 + 5);
}

static void read_folio_window_stops_at_cached_pages_and_ends(struct kunit *test)
{
	struct ctx c = setup(test, 32);
	pgoff_t first, last;

	/* At the start: nothing behind page 3 but pages 0-2. */
	read_one(test, &c, 3);
	KUNIT_EXPECT_EQ(test, cached_range(test, &c, &first, &last),
			3 + 1 + 23);
	KUNIT_EXPECT_EQ(test, first, 0);
	KUNIT_EXPECT_EQ(test, last, 26);
	/* Page 30 has 27-29 free behind it (26 is cached): 3 behind. */
	read_one(test, &c, 30);
	KUNIT_EXPECT_EQ(test, cached_range(test, &c, &first, &last),
			27 + 1 + 3 + 23);
	KUNIT_EXPECT_EQ(test, last, 53);
	/* At the end: no page past the last one. */
	read_one(test, &c, NPAGES - 2);
	KUNIT_EXPECT_EQ(test, cached_range(test, &c, &first, &last),
			54 + 8 + 1 + 1);
	KUNIT_EXPECT_EQ(test, last, NPAGES - 1);
}

/* Write @nr whole pages from @index with @fill, without reading them. */
static void dirty_pages(struct kunit *test, struct ctx *c, pgoff_t index,
			unsigned int nr, u8 fill)
{
	vpm_test_write_pages(test, c->mapping, index, nr, fill);
}

/*
 * The flusher writes back and ignores what writepages returns: the error
 * must be recorded in the mapping, where the next fsync finds it.
 */
static void writeback_error_nobody_waits_for_reaches_fsync(struct kunit *test)
{
	struct ctx c = setup(test, 32);
	errseq_t since = filemap_sample_wb_err(c.mapping);

	dirty_pages(test, &c, 4, 2, 0x6b);
	c.tb->fail_writes = true;
	c.tb->fail_start = 5 * SECTORS_PER_PAGE;
	c.tb->fail_end = c.tb->fail_start + 1;
	filemap_fdatawrite(c.mapping);
	filemap_fdatawait_keep_errors(c.mapping);
	KUNIT_EXPECT_EQ(test, filemap_check_wb_err(c.mapping, since), -EIO);
	c.tb->fail_writes = false;
}

static struct kunit_case vpm_pager_cases[] = {
	KUNIT_CASE(read_folio_reads_a_quarter_behind_the_rest_ahead),
	KUNIT_CASE(read_folio_window_follows_the_cluster_size),
	KUNIT_CASE(read_folio_window_stops_at_cached_pages_and_ends),
	KUNIT_CASE(writeback_error_nobody_waits_for_reaches_fsync),
	{}
};

static struct kunit_suite vpm_pager_suite = {
	.name = "vpm_pager",
	.test_cases = vpm_pager_cases,
};

kunit_test_suite(vpm_pager_suite);
