// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite vnode_pager_bio: the pager over a block device that records
 * every bio it gets (kunit/vpm_testblk.c): bios per run and their sizes,
 * the synchronous and read-ahead parts, end-of-device zeroing, write
 * clustering, the single-page retry and what fsync sees.
 */

#include <kunit/test.h>
#include <linux/anon_inodes.h>
#include <linux/blkdev.h>
#include <linux/file.h>
#include <linux/pagemap.h>
#include <linux/uio.h>

#include "vnode_pager.h"
#include "vpm_testblk.h"
#include "vpm_test.h"

#define SECTORS_PER_PAGE (PAGE_SIZE >> SECTOR_SHIFT)

struct ctx {
	struct vpm_testblk *tb;
	struct vnode_pager *vnp;
	struct address_space *mapping;
};

static void destroy_action(void *vnp)
{
	vnode_pager_destroy(vnp, true);
}

static struct ctx setup_sectors(struct kunit *test, sector_t sectors)
{
	struct ctx c;

	c.tb = vpm_testblk_create(test, sectors);
	c.vnp = vnode_pager_create(c.tb->file, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c.vnp);
	vpm_test_defer(test, destroy_action, c.vnp);
	c.mapping = vnode_pager_mapping(c.vnp);
	return c;
}

static struct ctx setup(struct kunit *test)
{
	return setup_sectors(test, 64 * SECTORS_PER_PAGE);
}

static const struct vpm_testblk_bio *bio_at(struct kunit *test, struct ctx *c,
					    unsigned int i)
{
	KUNIT_ASSERT_GT(test, c->tb->nlog, i);
	return &c->tb->log[i];
}

/* State of the page at @index: 1 uptodate, 0 not, -1 absent. */
static int uptodate(struct ctx *c, pgoff_t index)
{
	struct folio *folio = filemap_get_folio(c->mapping, index);
	int ret;

	if (IS_ERR(folio))
		return -1;
	ret = folio_test_uptodate(folio);
	folio_put(folio);
	return ret;
}

static bool page_flag(struct ctx *c, pgoff_t index, bool dirty)
{
	struct folio *folio = filemap_get_folio(c->mapping, index);
	bool ret;

	if (IS_ERR(folio))
		return false;
	ret = dirty ? folio_test_dirty(folio) : folio_test_locked(folio);
	folio_put(folio);
	return ret;
}

static void readahead(struct ctx *c, pgoff_t index, unsigned long nr)
{
	DEFINE_READAHEAD(ractl, NULL, NULL, c->mapping, index);

	page_cache_ra_unbounded(&ractl, nr, 0);
}

/* Wait for a page read ahead to be unlocked; false if it never is. */
static bool settled(struct ctx *c, pgoff_t index)
{
	struct folio *folio = filemap_get_folio(c->mapping, index);

	if (IS_ERR(folio))
		return false;
	folio_wait_locked(folio);
	folio_put(folio);
	return true;
}

/* Write @nr whole pages from @index with @fill, without reading them. */
static void dirty_pages(struct kunit *test, struct ctx *c, pgoff_t index,
			unsigned int nr, u8 fill)
{
	vpm_test_write_pages(test, c->mapping, index, nr, fill);
}

static bool store_is(struct ctx *c, pgoff_t index, u8 fill)
{
	return !memchr_inv(c->tb->store + (index << PAGE_SHIFT), fill,
			   PAGE_SIZE);
}

static bool store_is_pattern(struct ctx *c, pgoff_t index)
{
	loff_t pos = (loff_t)index << PAGE_SHIFT;
	loff_t i;

	for (i = pos; i < pos + PAGE_SIZE; i++)
		if (c->tb->store[i] != vpm_testblk_pattern(i))
			return false;
	return true;
}

static long stat(struct ctx *c, enum vnode_pager_stat s)
{
	return vnode_pager_stat(c->vnp, s);
}

static void object_over_a_disk_has_its_size_and_path(struct kunit *test)
{
	struct ctx c = setup(test);

	KUNIT_EXPECT_EQ(test, c.vnp->path, VNODE_PAGER_BIO);
	KUNIT_EXPECT_EQ(test, i_size_read(c.vnp->inode), 64 * PAGE_SIZE);
	KUNIT_EXPECT_STREQ(test, vnode_pager_path_name(c.vnp->path), "bio");
	KUNIT_EXPECT_TRUE(test, vnode_pager_is_backing(c.tb->file));
}

static void create_checks_type_flags_and_access(struct kunit *test)
{
	struct vpm_testblk *tb = vpm_testblk_create(test, 256);
	struct file *anon, *ro;

	KUNIT_EXPECT_EQ(test, PTR_ERR(vnode_pager_create(tb->file, 0x8)),
			-EINVAL);
	anon = anon_inode_getfile("vpm-test", &simple_dir_operations, NULL,
				  O_RDWR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, anon);
	KUNIT_EXPECT_EQ(test, PTR_ERR(vnode_pager_create(anon, 0)), -EINVAL);
	fput(anon);
	ro = bdev_file_open_by_dev(disk_devt(tb->disk), BLK_OPEN_READ, NULL,
				   NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ro);
	KUNIT_EXPECT_EQ(test, PTR_ERR(vnode_pager_create(ro, 0)), -EBADF);
	fput(ro);
	KUNIT_EXPECT_FALSE(test, vnode_pager_is_backing(tb->file));
}

static void claimed_disk_is_busy(struct kunit *test)
{
	struct ctx c = setup(test);
	struct vnode_pager *other;

	KUNIT_EXPECT_EQ(test, PTR_ERR(vnode_pager_create(c.tb->file, 0)),
			-EBUSY);
	other = vnode_pager_create(c.tb->file, VNODE_PAGER_READONLY);
	KUNIT_EXPECT_EQ(test, PTR_ERR(other), -EBUSY);
}

static void readahead_of_a_contiguous_range_is_one_bio(struct kunit *test)
{
	struct ctx c = setup(test);
	const struct vpm_testblk_bio *b;

	readahead(&c, 0, 16);
	KUNIT_ASSERT_TRUE(test, settled(&c, 15));
	KUNIT_ASSERT_EQ(test, c.tb->nlog, 1);
	b = bio_at(test, &c, 0);
	KUNIT_EXPECT_FALSE(test, b->write);
	KUNIT_EXPECT_EQ(test, b->sector, 0);
	KUNIT_EXPECT_EQ(test, b->bytes, 16 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, b->pages, 16);
	KUNIT_EXPECT_EQ(test, stat(&c, VNP_STAT_BIOS_READ), 1);
	KUNIT_EXPECT_EQ(test, stat(&c, VNP_STAT_HIST0 + 4), 1);
	KUNIT_EXPECT_EQ(test, stat(&c, VNP_STAT_VNODEPGSIN), 16);
	KUNIT_EXPECT_EQ(test, uptodate(&c, 15), 1);
}

static void requested_page_first_reads_ahead_in_one_bio(struct kunit *test)
{
	struct ctx c = setup(test);
	unsigned int pages, bios;
	int err;

	err = vnode_pager_getpages(c.vnp, 0, 0, 15, &pages, &bios);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_ASSERT_TRUE(test, settled(&c, 15));
	KUNIT_EXPECT_EQ(test, pages, 16);
	KUNIT_EXPECT_EQ(test, bios, 2);
	KUNIT_ASSERT_EQ(test, c.tb->nlog, 2);
	KUNIT_EXPECT_EQ(test, bio_at(test, &c, 0)->pages, 1);
	KUNIT_EXPECT_EQ(test, bio_at(test, &c, 0)->sector, 0);
	KUNIT_EXPECT_EQ(test, bio_at(test, &c, 1)->pages, 15);
	KUNIT_EXPECT_EQ(test, bio_at(test, &c, 1)->sector, SECTORS_PER_PAGE);
	KUNIT_EXPECT_EQ(test, stat(&c, VNP_STAT_READAHEAD_PAGES), 15);
}

static void requested_page_in_the_middle_splits_the_run(struct kunit *test)
{
	struct ctx c = setup(test);
	unsigned int pages, bios;

	KUNIT_ASSERT_EQ(test,
			vnode_pager_getpages(c.vnp, 8, 8, 7, &pages, &bios), 0);
	KUNIT_ASSERT_TRUE(test, settled(&c, 15));
	KUNIT_EXPECT_EQ(test, pages, 16);
	KUNIT_ASSERT_EQ(test, c.tb->nlog, 2);
	KUNIT_EXPECT_EQ(test, bio_at(test, &c, 0)->sector, 0);
	KUNIT_EXPECT_EQ(test, bio_at(test, &c, 0)->pages, 9);
	KUNIT_EXPECT_EQ(test, bio_at(test, &c, 1)->sector,
			9 * SECTORS_PER_PAGE);
	KUNIT_EXPECT_EQ(test, bio_at(test, &c, 1)->pages, 7);
	KUNIT_EXPECT_EQ(test, uptodate(&c, 0), 1);
	KUNIT_EXPECT_EQ(test, uptodate(&c, 15), 1);
}

static void requested_page_last_is_one_bio(struct kunit *test)
{
	struct ctx c = setup(test);
	unsigned int pages, bios;
	int err;

	err = vnode_pager_getpages(c.vnp, 15, 15, 0, &pages, &bios);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, pages, 16);
	KUNIT_EXPECT_EQ(test, bios, 1);
	KUNIT_ASSERT_EQ(test, c.tb->nlog, 1);
	KUNIT_EXPECT_EQ(test, bio_at(test, &c, 0)->pages, 16);
	KUNIT_EXPECT_EQ(test, stat(&c, VNP_STAT_READAHEAD_PAGES), 0);
}

static void cached_pages_bound_the_window(struct kunit *test)
{
	struct ctx c = setup(test);
	unsigned int pages, bios;

	KUNIT_ASSERT_EQ(test,
			vnode_pager_getpages(c.vnp, 4, 0, 0, &pages, &bios), 0);
	vpm_testblk_reset_log(c.tb);
	KUNIT_ASSERT_EQ(test,
			vnode_pager_getpages(c.vnp, 8, 8, 0, &pages, &bios), 0);
	KUNIT_EXPECT_EQ(test, pages, 4);
	KUNIT_ASSERT_EQ(test, c.tb->nlog, 1);
	KUNIT_EXPECT_EQ(test, bio_at(test, &c, 0)->sector,
			5 * SECTORS_PER_PAGE);
	KUNIT_EXPECT_EQ(test, bio_at(test, &c, 0)->pages, 4);
}

static void uptodate_page_is_not_read_again(struct kunit *test)
{
	struct ctx c = setup(test);
	unsigned int pages, bios;

	KUNIT_ASSERT_EQ(test,
			vnode_pager_getpages(c.vnp, 3, 0, 0, &pages, &bios), 0);
	vpm_testblk_reset_log(c.tb);
	KUNIT_ASSERT_EQ(test,
			vnode_pager_getpages(c.vnp, 3, 2, 2, &pages, &bios), 0);
	KUNIT_EXPECT_EQ(test, pages, 0);
	KUNIT_EXPECT_EQ(test, bios, 0);
	KUNIT_EXPECT_EQ(test, c.tb->nlog, 0);
	KUNIT_EXPECT_EQ(test,
			vnode_pager_getpages(c.vnp, 64, 0, 0, &pages, &bios),
			-EINVAL);
}

static void read_ahead_completes_after_the_requested_part(struct kunit *test)
{
	struct ctx c = setup(test);
	unsigned int pages, bios;

	c.tb->hold_from = SECTORS_PER_PAGE;
	KUNIT_ASSERT_EQ(test,
			vnode_pager_getpages(c.vnp, 0, 0, 7, &pages, &bios), 0);
	KUNIT_EXPECT_EQ(test, uptodate(&c, 0), 1);
	KUNIT_EXPECT_EQ(test, uptodate(&c, 1), 0);
	KUNIT_EXPECT_TRUE(test, page_flag(&c, 1, false));
	KUNIT_EXPECT_EQ(test, vpm_testblk_release_held(c.tb), 1);
	KUNIT_ASSERT_TRUE(test, settled(&c, 7));
	KUNIT_EXPECT_EQ(test, uptodate(&c, 1), 1);
	KUNIT_EXPECT_EQ(test, uptodate(&c, 7), 1);
	KUNIT_EXPECT_FALSE(test, page_flag(&c, 7, false));
}

static void read_error_is_eio_and_leaves_page_stale(struct kunit *test)
{
	struct ctx c = setup(test);
	unsigned int pages, bios;

	c.tb->fail_reads = true;
	c.tb->fail_start = 3 * SECTORS_PER_PAGE + 2;
	c.tb->fail_end = c.tb->fail_start + 1;
	KUNIT_EXPECT_EQ(test,
			vnode_pager_getpages(c.vnp, 3, 0, 0, &pages, &bios),
			-EIO);
	KUNIT_EXPECT_EQ(test, uptodate(&c, 3), 0);
	KUNIT_EXPECT_FALSE(test, page_flag(&c, 3, false));
	KUNIT_EXPECT_EQ(test, stat(&c, VNP_STAT_IO_ERRORS), 1);
	c.tb->fail_reads = false;
	KUNIT_EXPECT_EQ(test,
			vnode_pager_getpages(c.vnp, 3, 0, 0, &pages, &bios), 0);
	KUNIT_EXPECT_EQ(test, uptodate(&c, 3), 1);
}

static void read_ahead_error_spares_the_requested_page(struct kunit *test)
{
	struct ctx c = setup(test);
	unsigned int pages, bios;
	pgoff_t i;

	c.tb->fail_reads = true;
	c.tb->fail_start = 5 * SECTORS_PER_PAGE;
	c.tb->fail_end = c.tb->fail_start + 1;
	KUNIT_EXPECT_EQ(test,
			vnode_pager_getpages(c.vnp, 0, 0, 7, &pages, &bios), 0);
	KUNIT_ASSERT_TRUE(test, settled(&c, 7));
	KUNIT_EXPECT_EQ(test, uptodate(&c, 0), 1);
	for (i = 1; i < 8; i++)
		KUNIT_EXPECT_EQ(test, uptodate(&c, i), 0);
	KUNIT_EXPECT_EQ(test, stat(&c, VNP_STAT_IO_ERRORS), 7);
}

static void partial_last_page_is_zero_filled(struct kunit *test)
{
	struct ctx c = setup_sectors(test, 4 * SECTORS_PER_PAGE + 1);
	struct folio *folio;
	u8 *p;
	int i;

	KUNIT_EXPECT_EQ(test, i_size_read(c.vnp->inode),
			4 * PAGE_SIZE + SECTOR_SIZE);
	folio = read_mapping_folio(c.mapping, 4, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, folio);
	p = kmap_local_folio(folio, 0);
	for (i = 0; i < SECTOR_SIZE; i++)
		if (p[i] != vpm_testblk_pattern(4 * PAGE_SIZE + i))
			KUNIT_FAIL(test, "byte %d differs", i);
	KUNIT_EXPECT_NULL(test, memchr_inv(p + SECTOR_SIZE, 0,
					   PAGE_SIZE - SECTOR_SIZE));
	kunmap_local(p);
	folio_put(folio);
	/* The window ends with the device, 33 sectors in. */
	KUNIT_EXPECT_EQ(test,
			bio_at(test, &c, 0)->sector +
				(bio_at(test, &c, 0)->bytes >> SECTOR_SHIFT),
			4 * SECTORS_PER_PAGE + 1);
}

static void data_read_matches_the_disk(struct kunit *test)
{
	struct ctx c = setup(test);
	u8 *buf = kunit_kmalloc(test, 2 * PAGE_SIZE, GFP_KERNEL);
	struct kvec kv = { .iov_base = buf, .iov_len = 2 * PAGE_SIZE };
	struct iov_iter iter;
	loff_t pos, base = 10 * PAGE_SIZE + 100;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, PAGE_SIZE + 500);
	KUNIT_ASSERT_EQ(test,
			__vpm_data_copy(NULL, c.mapping, base, PAGE_SIZE + 500,
					&iter, 1, NULL, 0, VPM_READ, NULL),
			0);
	for (pos = 0; pos < PAGE_SIZE + 500; pos++)
		if (buf[pos] != vpm_testblk_pattern(base + pos)) {
			KUNIT_FAIL(test, "byte %lld differs", pos);
			break;
		}
}

static void writeback_of_a_run_is_one_bio(struct kunit *test)
{
	struct ctx c = setup(test);
	const struct vpm_testblk_bio *b;
	pgoff_t i;

	dirty_pages(test, &c, 0, 10, 0x5a);
	KUNIT_EXPECT_EQ(test, c.tb->nlog, 0);
	KUNIT_ASSERT_EQ(test, filemap_write_and_wait(c.mapping), 0);
	KUNIT_ASSERT_EQ(test, c.tb->nlog, 1);
	b = bio_at(test, &c, 0);
	KUNIT_EXPECT_TRUE(test, b->write);
	KUNIT_EXPECT_TRUE(test, b->sync);
	KUNIT_EXPECT_EQ(test, b->sector, 0);
	KUNIT_EXPECT_EQ(test, b->pages, 10);
	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_TRUE(test, store_is(&c, i, 0x5a));
	KUNIT_EXPECT_TRUE(test, store_is_pattern(&c, 10));
	KUNIT_EXPECT_FALSE(test, page_flag(&c, 3, true));
	KUNIT_EXPECT_EQ(test, stat(&c, VNP_STAT_VNODEOUT), 1);
	KUNIT_EXPECT_EQ(test, stat(&c, VNP_STAT_VNODEPGSOUT), 10);
}

static void writeback_makes_one_bio_per_run(struct kunit *test)
{
	struct ctx c = setup(test);

	dirty_pages(test, &c, 0, 4, 1);
	dirty_pages(test, &c, 6, 3, 2);
	KUNIT_ASSERT_EQ(test, filemap_write_and_wait(c.mapping), 0);
	KUNIT_ASSERT_EQ(test, c.tb->nlog, 2);
	KUNIT_EXPECT_EQ(test, bio_at(test, &c, 0)->pages, 4);
	KUNIT_EXPECT_EQ(test, bio_at(test, &c, 1)->sector,
			6 * SECTORS_PER_PAGE);
	KUNIT_EXPECT_EQ(test, bio_at(test, &c, 1)->pages, 3);
	KUNIT_EXPECT_TRUE(test, store_is_pattern(&c, 4));
	KUNIT_EXPECT_TRUE(test, store_is(&c, 8, 2));
}

static void write_error_retries_pages_and_keeps_them_dirty(struct kunit *test)
{
	struct ctx c = setup(test);
	pgoff_t i;

	dirty_pages(test, &c, 0, 5, 0x77);
	c.tb->fail_writes = true;
	c.tb->fail_start = 2 * SECTORS_PER_PAGE + 3;
	c.tb->fail_end = c.tb->fail_start + 1;
	KUNIT_EXPECT_EQ(test, filemap_write_and_wait(c.mapping), -EIO);
	KUNIT_EXPECT_EQ(test, stat(&c, VNP_STAT_RETRIES), 5);
	KUNIT_EXPECT_EQ(test, stat(&c, VNP_STAT_IO_ERRORS), 1);
	/* One bio of five pages, then five single-page bios. */
	KUNIT_EXPECT_EQ(test, c.tb->nlog, 6);
	for (i = 0; i < 5; i++) {
		KUNIT_EXPECT_EQ(test, page_flag(&c, i, true), i == 2);
		if (i != 2)
			KUNIT_EXPECT_TRUE(test, store_is(&c, i, 0x77));
	}
	KUNIT_EXPECT_TRUE(test, store_is_pattern(&c, 2));

	/* Once the fault is gone the page is written: nothing was lost. */
	c.tb->fail_writes = false;
	KUNIT_EXPECT_EQ(test, filemap_write_and_wait(c.mapping), 0);
	KUNIT_EXPECT_FALSE(test, page_flag(&c, 2, true));
	KUNIT_EXPECT_TRUE(test, store_is(&c, 2, 0x77));
}

static void single_page_write_error_is_not_retried(struct kunit *test)
{
	struct ctx c = setup(test);

	dirty_pages(test, &c, 9, 1, 0x66);
	c.tb->fail_writes = true;
	c.tb->fail_start = 9 * SECTORS_PER_PAGE;
	c.tb->fail_end = c.tb->fail_start + SECTORS_PER_PAGE;
	KUNIT_EXPECT_EQ(test, filemap_write_and_wait(c.mapping), -EIO);
	KUNIT_EXPECT_EQ(test, stat(&c, VNP_STAT_RETRIES), 0);
	KUNIT_EXPECT_TRUE(test, page_flag(&c, 9, true));
	c.tb->fail_writes = false;
}

static void pages_beyond_the_end_are_skipped(struct kunit *test)
{
	struct ctx c = setup(test);

	dirty_pages(test, &c, 0, 4, 0x44);
	i_size_write(c.vnp->inode, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, filemap_write_and_wait(c.mapping), 0);
	i_size_write(c.vnp->inode, 64 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, stat(&c, VNP_STAT_BAD_PAGES), 2);
	KUNIT_ASSERT_EQ(test, c.tb->nlog, 1);
	KUNIT_EXPECT_EQ(test, bio_at(test, &c, 0)->pages, 2);
	KUNIT_EXPECT_TRUE(test, store_is_pattern(&c, 2));
}

static void destroy_writes_back_and_flushes(struct kunit *test)
{
	struct vpm_testblk *tb = vpm_testblk_create(test, 256);
	struct vnode_pager *vnp = vnode_pager_create(tb->file, 0);
	struct ctx c = { tb, vnp };

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vnp);
	c.mapping = vnode_pager_mapping(vnp);
	dirty_pages(test, &c, 1, 3, 0x31);
	KUNIT_EXPECT_EQ(test, vnode_pager_destroy(vnp, false), 0);
	KUNIT_EXPECT_TRUE(test, store_is(&c, 3, 0x31));
	KUNIT_EXPECT_EQ(test, tb->nlog, 1);
	KUNIT_EXPECT_EQ(test, tb->flushes, 1);
	KUNIT_EXPECT_FALSE(test, vnode_pager_is_backing(tb->file));
	/* The claim is yielded: the disk can be attached again at once. */
	vnp = vnode_pager_create(tb->file, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vnp);
	KUNIT_EXPECT_EQ(test, vnode_pager_destroy(vnp, false), 0);
}

static void destroy_keeps_the_object_when_writeback_fails(struct kunit *test)
{
	struct vpm_testblk *tb = vpm_testblk_create(test, 256);
	struct vnode_pager *vnp = vnode_pager_create(tb->file, 0);
	struct ctx c = { tb, vnp };

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vnp);
	c.mapping = vnode_pager_mapping(vnp);
	dirty_pages(test, &c, 0, 2, 0x21);
	tb->fail_writes = true;
	tb->fail_end = 1;
	KUNIT_EXPECT_EQ(test, vnode_pager_destroy(vnp, false), -EIO);
	KUNIT_EXPECT_TRUE(test, vnode_pager_is_backing(tb->file));
	tb->fail_writes = false;
	KUNIT_EXPECT_EQ(test, vnode_pager_destroy(vnp, false), 0);
	KUNIT_EXPECT_TRUE(test, store_is(&c, 0, 0x21));
}

static void flush_reaches_the_disk(struct kunit *test)
{
	struct ctx c = setup(test);

	KUNIT_EXPECT_EQ(test, vnode_pager_flush(c.vnp, false), 0);
	KUNIT_EXPECT_EQ(test, c.tb->flushes, 1);
}

static void haspage_reports_contiguous_neighbours(struct kunit *test)
{
	struct ctx c = setup(test);
	int before = -1, after = -1;

	KUNIT_EXPECT_TRUE(test, vnode_pager_haspage(c.vnp, 5 * PAGE_SIZE + 9,
						    &before, &after));
	KUNIT_EXPECT_EQ(test, before, 5);
	KUNIT_EXPECT_EQ(test, after, min(vnode_pager_cluster, 58U));
	KUNIT_EXPECT_TRUE(test, vnode_pager_haspage(c.vnp, 63 * PAGE_SIZE,
						    &before, &after));
	KUNIT_EXPECT_EQ(test, after, 0);
	KUNIT_EXPECT_FALSE(test, vnode_pager_haspage(c.vnp, 64 * PAGE_SIZE,
						     NULL, NULL));
	KUNIT_EXPECT_FALSE(test, vnode_pager_haspage(c.vnp, -1, NULL, NULL));
}

static void destroy_releases_the_vpm_cache_entries(struct kunit *test)
{
	struct vpm_testblk *tb = vpm_testblk_create(test, 256);
	struct vnode_pager *vnp = vnode_pager_create(tb->file, 0);
	struct vmap vml[VPM_MINVMAPS];
	long cached;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vnp);
	KUNIT_ASSERT_NOT_NULL(test, vpm_cache);
	cached = vpm_cache_stat(vpm_cache, VPM_STAT_CACHED);
	KUNIT_ASSERT_EQ(test,
			vpm_map_pages(vnode_pager_mapping(vnp), 0,
				      2 * PAGE_SIZE, 1, vml, VPM_MINVMAPS, NULL,
				      VPM_READ),
			0);
	vpm_unmap_pages(vml, VPM_READ);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(vpm_cache, VPM_STAT_CACHED),
			cached + 2);
	KUNIT_EXPECT_EQ(test, vnode_pager_destroy(vnp, false), 0);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(vpm_cache, VPM_STAT_CACHED),
			cached);
}

static struct kunit_case vnode_pager_bio_cases[] = {
	KUNIT_CASE(object_over_a_disk_has_its_size_and_path),
	KUNIT_CASE(create_checks_type_flags_and_access),
	KUNIT_CASE(claimed_disk_is_busy),
	KUNIT_CASE(readahead_of_a_contiguous_range_is_one_bio),
	KUNIT_CASE(requested_page_first_reads_ahead_in_one_bio),
	KUNIT_CASE(requested_page_in_the_middle_splits_the_run),
	KUNIT_CASE(requested_page_last_is_one_bio),
	KUNIT_CASE(cached_pages_bound_the_window),
	KUNIT_CASE(uptodate_page_is_not_read_again),
	KUNIT_CASE(read_ahead_completes_after_the_requested_part),
	KUNIT_CASE(read_error_is_eio_and_leaves_page_stale),
	KUNIT_CASE(read_ahead_error_spares_the_requested_page),
	KUNIT_CASE(partial_last_page_is_zero_filled),
	KUNIT_CASE(data_read_matches_the_disk),
	KUNIT_CASE(writeback_of_a_run_is_one_bio),
	KUNIT_CASE(writeback_makes_one_bio_per_run),
	KUNIT_CASE(write_error_retries_pages_and_keeps_them_dirty),
	KUNIT_CASE(single_page_write_error_is_not_retried),
	KUNIT_CASE(pages_beyond_the_end_are_skipped),
	KUNIT_CASE(destroy_writes_back_and_flushes),
	KUNIT_CASE(destroy_keeps_the_object_when_writeback_fails),
	KUNIT_CASE(flush_reaches_the_disk),
	KUNIT_CASE(haspage_reports_contiguous_neighbours),
	KUNIT_CASE(destroy_releases_the_vpm_cache_entries),
	{}
};

static struct kunit_suite vnode_pager_bio_suite = {
	.name = "vnode_pager_bio",
	.test_cases = vnode_pager_bio_cases,
};

kunit_test_suite(vnode_pager_bio_suite);
