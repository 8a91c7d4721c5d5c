// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite vpm_api: vpm_map_pages(), vpm_unmap_pages(), vpm_data_copy()
 * and vpm_sync_pages() on an address space with real pages: the list they
 * build, the I/O they cause, the bytes they copy, the page states they
 * leave, and the references they hold.
 */

#include <kunit/test.h>
#include <linux/fs_context.h>
#include <linux/mman.h>
#include <linux/mount.h>
#include <linux/pagemap.h>
#include <linux/pseudo_fs.h>
#include <linux/uaccess.h>
#include <linux/uio.h>

#include "vpm_test.h"

#define NPAGES 64

struct ctx {
	struct vpm_test_mapping *tm;
	struct vpm_cache *cache;
};

static struct ctx setup(struct kunit *test)
{
	struct ctx c;

	c.tm = vpm_test_mapping_create(test, NPAGES * PAGE_SIZE);
	c.cache = vpm_test_cache_create(test, 16, 2);
	return c;
}

static int nsegs(const struct vmap *vml)
{
	int n = 0;

	while (vml[n].vs_addr)
		n++;
	return n;
}

static struct folio *get_folio(struct ctx *c, pgoff_t index)
{
	struct folio *folio = filemap_get_folio(c->tm->mapping, index);

	return IS_ERR(folio) ? NULL : folio;
}

/* Is the page at @index in the page cache with the given state? */
static bool page_state(struct ctx *c, pgoff_t index, bool uptodate, bool dirty)
{
	struct folio *folio = get_folio(c, index);
	bool ok;

	if (!folio)
		return false;
	ok = folio_test_uptodate(folio) == uptodate &&
	     folio_test_dirty(folio) == dirty;
	folio_put(folio);
	return ok;
}

static void nseg_out_of_range_is_einval(struct kunit *test)
{
	struct ctx c = setup(test);
	struct vmap vml[VPM_MAXVMAPS + 1];
	const int bad[] = { -1, 0, 2, VPM_MAXVMAPS + 1 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ(test,
				__vpm_map_pages(c.cache, c.tm->mapping, 0,
						PAGE_SIZE, 1, vml, bad[i], NULL,
						VPM_READ),
				-EINVAL);
	KUNIT_EXPECT_EQ(test, c.tm->pages_read, 0);
}

static void bad_offsets_and_direction_are_rejected(struct kunit *test)
{
	struct ctx c = setup(test);
	struct vmap vml[VPM_MINVMAPS];

	KUNIT_EXPECT_EQ(test,
			__vpm_map_pages(c.cache, c.tm->mapping, -1, PAGE_SIZE,
					1, vml, VPM_MINVMAPS, NULL, VPM_READ),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			__vpm_map_pages(c.cache, c.tm->mapping,
					MAX_LFS_FILESIZE - 10, PAGE_SIZE, 1,
					vml, VPM_MINVMAPS, NULL, VPM_READ),
			-EFBIG);
	KUNIT_EXPECT_EQ(test,
			__vpm_map_pages(c.cache, c.tm->mapping, 0, PAGE_SIZE, 1,
					vml, VPM_MINVMAPS, NULL, 7),
			-EINVAL);
	KUNIT_EXPECT_NULL(test, vml[0].vs_addr);
}

static void len_is_clamped_to_vpmmaxlen(struct kunit *test)
{
	struct ctx c = setup(test);
	struct vmap vml[VPM_MAXVMAPS];

	KUNIT_ASSERT_EQ(test,
			__vpm_map_pages(NULL, c.tm->mapping, 0, SZ_1M, 1, vml,
					VPM_MAXVMAPS, NULL, VPM_READ),
			0);
	KUNIT_EXPECT_EQ(test, nsegs(vml), VPMMAXPGS);
	KUNIT_EXPECT_EQ(test, vml[0].vs_len, PAGE_SIZE);
	__vpm_unmap_pages(NULL, vml, VPM_READ);
	KUNIT_EXPECT_NULL(test, vml[0].vs_addr);
}

static void len_is_clamped_to_nseg_minus_one(struct kunit *test)
{
	struct ctx c = setup(test);
	struct vmap vml[5];

	KUNIT_ASSERT_EQ(test,
			__vpm_map_pages(c.cache, c.tm->mapping, 0,
					10 * PAGE_SIZE, 1, vml, 5, NULL,
					VPM_READ),
			0);
	KUNIT_EXPECT_EQ(test, nsegs(vml), 4);
	KUNIT_EXPECT_NULL(test, vml[4].vs_data);
	__vpm_unmap_pages(c.cache, vml, VPM_READ);
}

static void unaligned_range_maps_every_page_it_touches(struct kunit *test)
{
	struct ctx c = setup(test);
	struct vmap vml[VPM_MAXVMAPS];

	KUNIT_ASSERT_EQ(test,
			__vpm_map_pages(c.cache, c.tm->mapping, 100, PAGE_SIZE,
					1, vml, VPM_MAXVMAPS, NULL, VPM_READ),
			0);
	KUNIT_EXPECT_EQ(test, nsegs(vml), 2);
	__vpm_unmap_pages(c.cache, vml, VPM_READ);
	KUNIT_ASSERT_EQ(test,
			__vpm_map_pages(c.cache, c.tm->mapping, PAGE_SIZE, 0, 1,
					vml, VPM_MAXVMAPS, NULL, VPM_READ),
			0);
	KUNIT_EXPECT_EQ(test, nsegs(vml), 0);
}

static void fetch_reads_the_missing_range_at_once(struct kunit *test)
{
	struct ctx c = setup(test);
	struct vmap vml[VPM_MAXVMAPS];
	int i, n;

	KUNIT_ASSERT_EQ(test,
			__vpm_map_pages(c.cache, c.tm->mapping, 4 * PAGE_SIZE,
					8 * PAGE_SIZE, 1, vml, VPM_MAXVMAPS,
					NULL, VPM_READ),
			0);
	n = nsegs(vml);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, ((u8 *)vml[i].vs_addr)[i],
				vpm_test_pattern((4 + i) * PAGE_SIZE + i));
	__vpm_unmap_pages(c.cache, vml, VPM_READ);
	KUNIT_EXPECT_EQ(test, n, 8);
	KUNIT_EXPECT_EQ(test, c.tm->readaheads, 1);
	KUNIT_EXPECT_EQ(test, c.tm->pages_read, 8);
	KUNIT_EXPECT_EQ(test, c.tm->reads, 0);
}

static void fetch_does_no_io_for_cached_pages(struct kunit *test)
{
	struct ctx c = setup(test);
	struct vmap vml[VPM_MINVMAPS];

	KUNIT_ASSERT_EQ(test,
			__vpm_map_pages(c.cache, c.tm->mapping, 0,
					2 * PAGE_SIZE, 1, vml, VPM_MINVMAPS,
					NULL, VPM_READ),
			0);
	__vpm_unmap_pages(c.cache, vml, VPM_READ);
	KUNIT_ASSERT_EQ(test,
			__vpm_map_pages(c.cache, c.tm->mapping, 0,
					2 * PAGE_SIZE, 1, vml, VPM_MINVMAPS,
					NULL, VPM_READ),
			0);
	KUNIT_EXPECT_EQ(test, vml[0].vs_flags, VPM_VS_CACHED | VPM_VS_HIT);
	KUNIT_EXPECT_EQ(test, vml[1].vs_flags, VPM_VS_CACHED | VPM_VS_HIT);
	__vpm_unmap_pages(c.cache, vml, VPM_READ);
	KUNIT_EXPECT_EQ(test, c.tm->pages_read, 2);
	KUNIT_EXPECT_EQ(test, c.tm->readaheads, 1);
}

static void fetch_error_is_eio_and_holds_nothing(struct kunit *test)
{
	struct ctx c = setup(test);
	struct vmap vml[VPM_MINVMAPS];

	c.tm->fail_reads = true;
	KUNIT_EXPECT_EQ(test,
			__vpm_map_pages(c.cache, c.tm->mapping, 0,
					2 * PAGE_SIZE, 1, vml, VPM_MINVMAPS,
					NULL, VPM_READ),
			-EIO);
	KUNIT_EXPECT_NULL(test, vml[0].vs_addr);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_GETPAGEFAILED),
			1);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_INUSE), 0);
	KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, 0), 1);
	KUNIT_EXPECT_TRUE(test, page_state(&c, 0, false, false));
	/* Once the device recovers, the same call succeeds. */
	c.tm->fail_reads = false;
	KUNIT_ASSERT_EQ(test,
			__vpm_map_pages(c.cache, c.tm->mapping, 0, PAGE_SIZE, 1,
					vml, VPM_MINVMAPS, NULL, VPM_READ),
			0);
	KUNIT_EXPECT_EQ(test, ((u8 *)vml[0].vs_addr)[5], vpm_test_pattern(5));
	__vpm_unmap_pages(c.cache, vml, VPM_READ);
}

static void no_fetch_creates_pages_without_reading(struct kunit *test)
{
	struct ctx c = setup(test);
	struct vmap vml[VPM_MINVMAPS];
	int newpage = 0;

	KUNIT_ASSERT_EQ(test,
			__vpm_map_pages(c.cache, c.tm->mapping, 0,
					2 * PAGE_SIZE, 0, vml, VPM_MINVMAPS,
					&newpage, VPM_WRITE),
			0);
	KUNIT_EXPECT_EQ(test, newpage, 1);
	KUNIT_EXPECT_EQ(test, vml[0].vs_flags,
			VPM_VS_CACHED | VPM_VS_NEW | VPM_VS_LOCKED);
	memset(vml[0].vs_addr, 0xab, PAGE_SIZE);
	memset(vml[1].vs_addr, 0xcd, PAGE_SIZE);
	__vpm_unmap_pages(c.cache, vml, VPM_WRITE);
	KUNIT_EXPECT_EQ(test, c.tm->pages_read, 0);
	KUNIT_EXPECT_TRUE(test, page_state(&c, 0, true, true));
	KUNIT_EXPECT_TRUE(test, page_state(&c, 1, true, true));
}

static void no_fetch_read_of_a_new_page_sees_zeros(struct kunit *test)
{
	struct ctx c = setup(test);
	struct vmap vml[VPM_MINVMAPS];
	int newpage = 0;

	KUNIT_ASSERT_EQ(test,
			__vpm_map_pages(c.cache, c.tm->mapping, 0, PAGE_SIZE, 0,
					vml, VPM_MINVMAPS, &newpage, VPM_READ),
			0);
	KUNIT_EXPECT_EQ(test, newpage, 1);
	KUNIT_EXPECT_NULL(test, memchr_inv(vml[0].vs_addr, 0, PAGE_SIZE));
	__vpm_unmap_pages(c.cache, vml, VPM_READ);
	/* Not uptodate: the next fetch reads the real data. */
	KUNIT_EXPECT_TRUE(test, page_state(&c, 0, false, false));
	KUNIT_ASSERT_EQ(test,
			__vpm_map_pages(c.cache, c.tm->mapping, 0, PAGE_SIZE, 1,
					vml, VPM_MINVMAPS, NULL, VPM_READ),
			0);
	KUNIT_EXPECT_EQ(test, ((u8 *)vml[0].vs_addr)[1], vpm_test_pattern(1));
	__vpm_unmap_pages(c.cache, vml, VPM_READ);
}

static void write_mapping_locks_pages_until_unmap(struct kunit *test)
{
	struct ctx c = setup(test);
	struct vmap vml[VPM_MINVMAPS];
	struct folio *folio;

	KUNIT_ASSERT_EQ(test,
			__vpm_map_pages(c.cache, c.tm->mapping, 0, PAGE_SIZE, 1,
					vml, VPM_MINVMAPS, NULL, VPM_WRITE),
			0);
	folio = page_folio(vpm_vmap_page(&vml[0]));
	KUNIT_EXPECT_TRUE(test, folio_test_locked(folio));
	((u8 *)vml[0].vs_addr)[0] = 0x5a;
	__vpm_unmap_pages(c.cache, vml, VPM_WRITE);
	KUNIT_EXPECT_FALSE(test, folio_test_locked(folio));
	KUNIT_EXPECT_TRUE(test, page_state(&c, 0, true, true));
}

static void unmap_marks_read_pages_accessed(struct kunit *test)
{
	struct ctx c = setup(test);
	struct vmap vml[VPM_MINVMAPS];
	struct folio *folio;

	KUNIT_ASSERT_EQ(test,
			__vpm_map_pages(c.cache, c.tm->mapping, 0, PAGE_SIZE, 1,
					vml, VPM_MINVMAPS, NULL, VPM_READ),
			0);
	folio = page_folio(vpm_vmap_page(&vml[0]));
	folio_clear_referenced(folio);
	__vpm_unmap_pages(c.cache, vml, VPM_READ);
	KUNIT_EXPECT_TRUE(test,
			  folio_test_referenced(folio) || folio_test_active(folio));
	KUNIT_EXPECT_TRUE(test, page_state(&c, 0, true, false));
}

static size_t copy(struct ctx *c, loff_t off, void *buf, size_t len, int fetch,
		   int zerostart, enum vpm_rw rw, int *err)
{
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct iov_iter iter;

	iov_iter_kvec(&iter, rw == VPM_WRITE ? ITER_SOURCE : ITER_DEST, &kv, 1,
		      len);
	*err = __vpm_data_copy(c->cache, c->tm->mapping, off, len, &iter, fetch,
			       NULL, zerostart, rw, NULL);
	return len - iov_iter_count(&iter);
}

static void data_copy_reads_across_a_page_boundary(struct kunit *test)
{
	struct ctx c = setup(test);
	u8 *buf = kunit_kmalloc(test, 100, GFP_KERNEL);
	size_t done;
	int err, i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	done = copy(&c, PAGE_SIZE - 10, buf, 100, 1, 0, VPM_READ, &err);
	KUNIT_EXPECT_EQ(test, done, 100);
	KUNIT_EXPECT_EQ(test, err, 0);
	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_EQ(test, buf[i],
				vpm_test_pattern(PAGE_SIZE - 10 + i));
}

static void data_copy_copies_at_most_two_pages(struct kunit *test)
{
	struct ctx c = setup(test);
	u8 *buf = kunit_kmalloc(test, 3 * PAGE_SIZE, GFP_KERNEL);
	int err;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test,
			copy(&c, 0, buf, 3 * PAGE_SIZE, 1, 0, VPM_READ, &err),
			2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, buf[2 * PAGE_SIZE - 1],
			vpm_test_pattern(2 * PAGE_SIZE - 1));
}

static void data_copy_write_then_sync_reaches_the_store(struct kunit *test)
{
	struct ctx c = setup(test);
	u8 *buf = kunit_kmalloc(test, 3000, GFP_KERNEL);
	loff_t pos;
	int err;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, 0x77, 3000);
	KUNIT_EXPECT_EQ(test,
			copy(&c, 3 * PAGE_SIZE + 2000, buf, 3000, 1, 0,
			     VPM_WRITE, &err),
			3000);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_TRUE(test, page_state(&c, 3, true, true));
	KUNIT_EXPECT_TRUE(test, page_state(&c, 4, true, true));
	KUNIT_EXPECT_EQ(test, c.tm->store[3 * PAGE_SIZE + 2000],
			vpm_test_pattern(3 * PAGE_SIZE + 2000));

	KUNIT_EXPECT_EQ(test, __vpm_sync_pages(c.cache, c.tm->mapping, 0, 0, 0),
			0);
	KUNIT_EXPECT_EQ(test, c.tm->pages_written, 2);
	KUNIT_EXPECT_TRUE(test, page_state(&c, 3, true, false));
	for (pos = 3 * PAGE_SIZE; pos < 5 * PAGE_SIZE; pos++) {
		bool in = pos >= 3 * PAGE_SIZE + 2000 &&
			  pos < 3 * PAGE_SIZE + 5000;

		if (c.tm->store[pos] != (in ? 0x77 : vpm_test_pattern(pos))) {
			KUNIT_FAIL(test, "store byte %lld is %u", pos,
				   c.tm->store[pos]);
			break;
		}
	}
}

static void zerostart_zeroes_the_head_of_the_first_page(struct kunit *test)
{
	struct ctx c = setup(test);
	struct vmap vml[VPM_MINVMAPS];
	u8 buf[100];
	const u8 *p;
	int err;

	memset(buf, 0x42, sizeof(buf));
	/* Page 0 is cached already: zerostart clears its head anyway. */
	KUNIT_ASSERT_EQ(test,
			__vpm_map_pages(c.cache, c.tm->mapping, 0, PAGE_SIZE, 1,
					vml, VPM_MINVMAPS, NULL, VPM_READ),
			0);
	__vpm_unmap_pages(c.cache, vml, VPM_READ);
	KUNIT_EXPECT_EQ(test, copy(&c, 200, buf, 100, 0, 1, VPM_WRITE, &err),
			100);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_ZEROSTART), 1);
	KUNIT_ASSERT_EQ(test,
			__vpm_map_pages(c.cache, c.tm->mapping, 0, PAGE_SIZE, 1,
					vml, VPM_MINVMAPS, NULL, VPM_READ),
			0);
	p = vml[0].vs_addr;
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, 200));
	KUNIT_EXPECT_NULL(test, memchr_inv(p + 200, 0x42, 100));
	KUNIT_EXPECT_EQ(test, p[300], vpm_test_pattern(300));
	KUNIT_EXPECT_EQ(test, p[PAGE_SIZE - 1],
			vpm_test_pattern(PAGE_SIZE - 1));
	__vpm_unmap_pages(c.cache, vml, VPM_READ);
}

static void new_page_gets_what_the_copy_misses_zeroed(struct kunit *test)
{
	struct ctx c = setup(test);
	struct vmap vml[VPM_MINVMAPS];
	u8 buf[100];
	const u8 *p;
	int err;

	memset(buf, 0x42, sizeof(buf));
	KUNIT_EXPECT_EQ(test,
			copy(&c, 5 * PAGE_SIZE + 200, buf, 100, 0, 0, VPM_WRITE,
			     &err),
			100);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_TRUE(test, page_state(&c, 5, true, true));
	KUNIT_ASSERT_EQ(test,
			__vpm_map_pages(c.cache, c.tm->mapping, 5 * PAGE_SIZE,
					PAGE_SIZE, 1, vml, VPM_MINVMAPS, NULL,
					VPM_READ),
			0);
	p = vml[0].vs_addr;
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0, 200));
	KUNIT_EXPECT_NULL(test, memchr_inv(p + 200, 0x42, 100));
	KUNIT_EXPECT_NULL(test, memchr_inv(p + 300, 0, PAGE_SIZE - 300));
	__vpm_unmap_pages(c.cache, vml, VPM_READ);
	KUNIT_EXPECT_EQ(test, c.tm->pages_read, 0);
}

/* A user buffer of @len bytes whose first @good bytes are mapped. */
static void __user *user_buffer(struct kunit *test, size_t good, u8 fill)
{
	unsigned long addr;
	u8 *tmp;

	addr = kunit_vm_mmap(test, NULL, 0, 2 * PAGE_SIZE,
			     PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	if (IS_ERR_VALUE(addr) || !addr)
		return NULL;
	tmp = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	if (!tmp)
		return NULL;
	memset(tmp, fill, PAGE_SIZE);
	if (copy_to_user((void __user *)addr, tmp, PAGE_SIZE))
		return NULL;
	/* The second page is gone: copies stop there. */
	vm_munmap(addr + PAGE_SIZE, PAGE_SIZE);
	return (void __user *)(addr + PAGE_SIZE - good);
}

static int user_copy(struct ctx *c, loff_t off, void __user *ubuf, size_t len,
		     int fetch, enum vpm_rw rw, size_t *done)
{
	struct iov_iter iter;
	int err;

	iov_iter_ubuf(&iter, rw == VPM_WRITE ? ITER_SOURCE : ITER_DEST, ubuf,
		      len);
	err = __vpm_data_copy(c->cache, c->tm->mapping, off, len, &iter, fetch,
			      NULL, 0, rw, NULL);
	*done = len - iov_iter_count(&iter);
	return err;
}

static void short_copy_into_a_new_page_discards_it(struct kunit *test)
{
	struct ctx c = setup(test);
	void __user *ubuf = user_buffer(test, 100, 0x33);
	size_t done;

	KUNIT_ASSERT_NOT_NULL(test, ubuf);
	KUNIT_EXPECT_EQ(test,
			user_copy(&c, 7 * PAGE_SIZE, ubuf, 300, 0, VPM_WRITE,
				  &done),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, done, 0);
	/* Left not uptodate and clean: its garbage is never written. */
	KUNIT_EXPECT_TRUE(test, page_state(&c, 7, false, false));
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_INUSE), 0);
}

static void short_copy_across_pages_keeps_the_full_page(struct kunit *test)
{
	struct ctx c = setup(test);
	void __user *ubuf = user_buffer(test, PAGE_SIZE, 0x33);
	size_t done;

	KUNIT_ASSERT_NOT_NULL(test, ubuf);
	KUNIT_EXPECT_EQ(test,
			user_copy(&c, 8 * PAGE_SIZE, ubuf, 2 * PAGE_SIZE, 0,
				  VPM_WRITE, &done),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, done, PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, page_state(&c, 8, true, true));
	KUNIT_EXPECT_TRUE(test, page_state(&c, 9, false, false));
}

static void short_copy_into_a_cached_page_keeps_copied_bytes(struct kunit *test)
{
	struct ctx c = setup(test);
	void __user *ubuf = user_buffer(test, 100, 0x33);
	struct vmap vml[VPM_MINVMAPS];
	const u8 *p;
	size_t done;

	KUNIT_ASSERT_NOT_NULL(test, ubuf);
	KUNIT_EXPECT_EQ(test, user_copy(&c, 0, ubuf, 300, 1, VPM_WRITE, &done),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, done, 100);
	KUNIT_EXPECT_TRUE(test, page_state(&c, 0, true, true));
	KUNIT_ASSERT_EQ(test,
			__vpm_map_pages(c.cache, c.tm->mapping, 0, PAGE_SIZE, 1,
					vml, VPM_MINVMAPS, NULL, VPM_READ),
			0);
	p = vml[0].vs_addr;
	KUNIT_EXPECT_NULL(test, memchr_inv(p, 0x33, 100));
	KUNIT_EXPECT_EQ(test, p[100], vpm_test_pattern(100));
	__vpm_unmap_pages(c.cache, vml, VPM_READ);
}

static void read_into_a_bad_user_buffer_is_efault(struct kunit *test)
{
	struct ctx c = setup(test);
	void __user *ubuf = user_buffer(test, 10, 0);
	size_t done;

	KUNIT_ASSERT_NOT_NULL(test, ubuf);
	KUNIT_EXPECT_EQ(test, user_copy(&c, 0, ubuf, 50, 1, VPM_READ, &done),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, done, 10);
	KUNIT_EXPECT_TRUE(test, page_state(&c, 0, true, false));
}

/* Write pages [first, first + nr) through vpm, dirtying them. */
static void dirty_pages(struct kunit *test, struct ctx *c, pgoff_t first,
			unsigned int nr, u8 fill)
{
	u8 *buf = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	unsigned int i;
	int err;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, fill, PAGE_SIZE);
	for (i = 0; i < nr; i++) {
		KUNIT_ASSERT_EQ(test,
				copy(c, (first + i) * PAGE_SIZE, buf, PAGE_SIZE,
				     1, 0, VPM_WRITE, &err),
				PAGE_SIZE);
		KUNIT_ASSERT_EQ(test, err, 0);
	}
}

static void sync_reports_the_writeback_error(struct kunit *test)
{
	struct ctx c = setup(test);
	int err;

	dirty_pages(test, &c, 0, 2, 0x11);
	c.tm->fail_writes = true;
	KUNIT_EXPECT_EQ(test,
			__vpm_sync_pages(c.cache, c.tm->mapping, 0,
					 2 * PAGE_SIZE, 0),
			-EIO);
	c.tm->fail_writes = false;
	dirty_pages(test, &c, 0, 1, 0x12);
	err = __vpm_sync_pages(c.cache, c.tm->mapping, 0, PAGE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, c.tm->store[0], 0x12);
}

static void sync_async_starts_writeback(struct kunit *test)
{
	struct ctx c = setup(test);

	dirty_pages(test, &c, 2, 3, 0x21);
	KUNIT_EXPECT_EQ(test,
			__vpm_sync_pages(c.cache, c.tm->mapping, 2 * PAGE_SIZE,
					 PAGE_SIZE, VPM_SYNC_ASYNC),
			0);
	KUNIT_EXPECT_EQ(test, c.tm->pages_written, 1);
	KUNIT_EXPECT_TRUE(test, page_state(&c, 3, true, true));
	KUNIT_EXPECT_EQ(test, c.tm->store[2 * PAGE_SIZE], 0x21);
}

static void sync_inval_drops_pages_and_entries(struct kunit *test)
{
	struct ctx c = setup(test);
	struct folio *folio;

	dirty_pages(test, &c, 0, 4, 0x31);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_CACHED), 4);
	KUNIT_EXPECT_EQ(test,
			__vpm_sync_pages(c.cache, c.tm->mapping, 0,
					 2 * PAGE_SIZE, VPM_SYNC_INVAL),
			0);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_CACHED), 2);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_RELEASED), 2);
	KUNIT_EXPECT_NULL(test, get_folio(&c, 0));
	KUNIT_EXPECT_NULL(test, get_folio(&c, 1));
	folio = get_folio(&c, 2);
	KUNIT_EXPECT_NOT_NULL(test, folio);
	if (folio)
		folio_put(folio);
	KUNIT_EXPECT_EQ(test, c.tm->store[PAGE_SIZE], 0x31);
}

static void sync_free_drops_clean_pages_only(struct kunit *test)
{
	struct ctx c = setup(test);
	struct vmap vml[VPM_MINVMAPS];

	KUNIT_ASSERT_EQ(test,
			__vpm_map_pages(c.cache, c.tm->mapping, 0,
					2 * PAGE_SIZE, 1, vml, VPM_MINVMAPS,
					NULL, VPM_READ),
			0);
	__vpm_unmap_pages(c.cache, vml, VPM_READ);
	KUNIT_EXPECT_EQ(test,
			__vpm_sync_pages(c.cache, c.tm->mapping, 0, PAGE_SIZE,
					 VPM_SYNC_FREE),
			0);
	KUNIT_EXPECT_NULL(test, get_folio(&c, 0));
	KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, 1), 2);
}

static void sync_dontneed_releases_entries_and_keeps_pages(struct kunit *test)
{
	struct ctx c = setup(test);

	dirty_pages(test, &c, 0, 2, 0x41);
	KUNIT_EXPECT_EQ(test,
			__vpm_sync_pages(c.cache, c.tm->mapping, 0, 0,
					 VPM_SYNC_DONTNEED),
			0);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_CACHED), 0);
	KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, 0), 1);
	KUNIT_EXPECT_TRUE(test, page_state(&c, 1, true, false));
	KUNIT_EXPECT_EQ(test, c.tm->store[PAGE_SIZE + 9], 0x41);
}

static void sync_destroy_discards_dirty_pages(struct kunit *test)
{
	struct ctx c = setup(test);

	dirty_pages(test, &c, 6, 2, 0x51);
	KUNIT_EXPECT_EQ(test,
			__vpm_sync_pages(c.cache, c.tm->mapping, 6 * PAGE_SIZE,
					 2 * PAGE_SIZE, VPM_SYNC_DESTROY),
			0);
	KUNIT_EXPECT_NULL(test, get_folio(&c, 6));
	KUNIT_EXPECT_NULL(test, get_folio(&c, 7));
	KUNIT_EXPECT_EQ(test, c.tm->pages_written, 0);
	KUNIT_EXPECT_EQ(test, c.tm->store[6 * PAGE_SIZE],
			vpm_test_pattern(6 * PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_CACHED), 0);
}

static void sync_rejects_unknown_flags_and_bad_offsets(struct kunit *test)
{
	struct ctx c = setup(test);

	KUNIT_EXPECT_EQ(test,
			__vpm_sync_pages(c.cache, c.tm->mapping, 0, 0, 0x20),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			__vpm_sync_pages(c.cache, c.tm->mapping, -4096, 0, 0),
			-EINVAL);
}

static void disabled_cache_maps_pages_directly(struct kunit *test)
{
	struct ctx c = setup(test);
	struct vmap vml[VPM_MINVMAPS];

	KUNIT_ASSERT_EQ(test,
			__vpm_map_pages(NULL, c.tm->mapping, 0, 2 * PAGE_SIZE,
					1, vml, VPM_MINVMAPS, NULL, VPM_READ),
			0);
	KUNIT_EXPECT_EQ(test, vml[0].vs_flags, 0);
	KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, 0), 2);
	KUNIT_EXPECT_EQ(test, ((u8 *)vml[1].vs_addr)[3],
			vpm_test_pattern(PAGE_SIZE + 3));
	__vpm_unmap_pages(NULL, vml, VPM_READ);
	KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, 0), 1);
	KUNIT_EXPECT_EQ(test, vpm_test_folio_refs(c.tm, 1), 1);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(c.cache, VPM_STAT_MISSES), 0);
}

/*
 * A mapping that cannot write back (as ramfs): its dirty pages stay dirty
 * after the writeback of a sync, so INVAL cannot drop them.
 */
#define VPM_TEST_NOWB_MAGIC 0x76706e77

static int nowb_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, VPM_TEST_NOWB_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type nowb_fs_type = {
	.name = "vpm_test_nowb",
	.init_fs_context = nowb_init_fs_context,
	.kill_sb = kill_anon_super,
};

static int nowb_read_folio(struct file *file, struct folio *folio)
{
	folio_zero_range(folio, 0, folio_size(folio));
	folio_end_read(folio, true);
	return 0;
}

static const struct address_space_operations nowb_aops = {
	.read_folio = nowb_read_folio,
	.dirty_folio = noop_dirty_folio,
};

struct nowb {
	struct vfsmount *mnt;
	struct inode *inode;
};

static void nowb_free(void *data)
{
	struct nowb *nw = data;

	iput(nw->inode);
	kern_unmount(nw->mnt);
}

static struct address_space *nowb_mapping(struct kunit *test, loff_t size)
{
	struct nowb *nw = kunit_kzalloc(test, sizeof(*nw), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, nw);
	nw->mnt = kern_mount(&nowb_fs_type);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, nw->mnt);
	nw->inode = alloc_anon_inode(nw->mnt->mnt_sb);
	if (IS_ERR(nw->inode)) {
		kern_unmount(nw->mnt);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, nw->inode);
	}
	nw->inode->i_mapping->a_ops = &nowb_aops;
	i_size_write(nw->inode, size);
	vpm_test_defer(test, nowb_free, nw);
	return nw->inode->i_mapping;
}

static void sync_inval_of_a_page_it_cannot_drop_is_ebusy(struct kunit *test)
{
	struct address_space *mapping = nowb_mapping(test, 4 * PAGE_SIZE);
	struct vpm_cache *cache = vpm_test_cache_create(test, 8, 1);
	struct vmap vml[VPM_MINVMAPS];
	struct folio *folio;

	KUNIT_ASSERT_EQ(test,
			__vpm_map_pages(cache, mapping, PAGE_SIZE, PAGE_SIZE,
					0, vml, VPM_MINVMAPS, NULL,
					VPM_WRITE),
			0);
	memset(vml[0].vs_addr, 0x5a, PAGE_SIZE);
	__vpm_unmap_pages(cache, vml, VPM_WRITE);
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(cache, VPM_STAT_CACHED), 1);

	KUNIT_EXPECT_EQ(test,
			__vpm_sync_pages(cache, mapping, 0, 0, VPM_SYNC_INVAL),
			-EBUSY);
	/* The entry was released first; the dirty page stays, dirty. */
	KUNIT_EXPECT_EQ(test, vpm_cache_stat(cache, VPM_STAT_CACHED), 0);
	folio = filemap_get_folio(mapping, 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(folio));
	KUNIT_EXPECT_TRUE(test, folio_test_dirty(folio));
	folio_put(folio);
	/* Best effort (FREE, or INVAL with ASYNC) is not an error. */
	KUNIT_EXPECT_EQ(test,
			__vpm_sync_pages(cache, mapping, 0, 0,
					 VPM_SYNC_INVAL | VPM_SYNC_ASYNC),
			0);
	KUNIT_EXPECT_EQ(test,
			__vpm_sync_pages(cache, mapping, 0, 0, VPM_SYNC_FREE),
			0);
}

static struct kunit_case vpm_api_cases[] = {
	KUNIT_CASE(nseg_out_of_range_is_einval),
	KUNIT_CASE(bad_offsets_and_direction_are_rejected),
	KUNIT_CASE(len_is_clamped_to_vpmmaxlen),
	KUNIT_CASE(len_is_clamped_to_nseg_minus_one),
	KUNIT_CASE(unaligned_range_maps_every_page_it_touches),
	KUNIT_CASE(fetch_reads_the_missing_range_at_once),
	KUNIT_CASE(fetch_does_no_io_for_cached_pages),
	KUNIT_CASE(fetch_error_is_eio_and_holds_nothing),
	KUNIT_CASE(no_fetch_creates_pages_without_reading),
	KUNIT_CASE(no_fetch_read_of_a_new_page_sees_zeros),
	KUNIT_CASE(write_mapping_locks_pages_until_unmap),
	KUNIT_CASE(unmap_marks_read_pages_accessed),
	KUNIT_CASE(data_copy_reads_across_a_page_boundary),
	KUNIT_CASE(data_copy_copies_at_most_two_pages),
	KUNIT_CASE(data_copy_write_then_sync_reaches_the_store),
	KUNIT_CASE(zerostart_zeroes_the_head_of_the_first_page),
	KUNIT_CASE(new_page_gets_what_the_copy_misses_zeroed),
	KUNIT_CASE(short_copy_into_a_new_page_discards_it),
	KUNIT_CASE(short_copy_across_pages_keeps_the_full_page),
	KUNIT_CASE(short_copy_into_a_cached_page_keeps_copied_bytes),
	KUNIT_CASE(read_into_a_bad_user_buffer_is_efault),
	KUNIT_CASE(sync_reports_the_writeback_error),
	KUNIT_CASE(sync_async_starts_writeback),
	KUNIT_CASE(sync_inval_drops_pages_and_entries),
	KUNIT_CASE(sync_inval_of_a_page_it_cannot_drop_is_ebusy),
	KUNIT_CASE(sync_free_drops_clean_pages_only),
	KUNIT_CASE(sync_dontneed_releases_entries_and_keeps_pages),
	KUNIT_CASE(sync_destroy_discards_dirty_pages),
	KUNIT_CASE(sync_rejects_unknown_flags_and_bad_offsets),
	KUNIT_CASE(disabled_cache_maps_pages_directly),
	{}
};

static struct kunit_suite vpm_api_suite = {
	.name = "vpm_api",
	.test_cases = vpm_api_cases,
};

kunit_test_suite(vpm_api_suite);
