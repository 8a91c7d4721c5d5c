// SPDX-License-Identifier: GPL-2.0
/*
 * An address space for the vpm KUnit suites: a pseudo inode whose pages
 * are read from and written back to a vmalloc'ed "disk", with counters of
 * what its read and write paths did, and switches that make them fail.
 */

#include <linux/fs_context.h>
#include <linux/mount.h>
#include <linux/pagemap.h>
#include <linux/pseudo_fs.h>
#include <linux/swap.h>
#include <linux/vmalloc.h>
#include <linux/writeback.h>

#include "vpm_test.h"

#define VPM_TEST_MAGIC 0x76706d74

static int vpm_test_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, VPM_TEST_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type vpm_test_fs_type = {
	.name = "vpm_test",
	.init_fs_context = vpm_test_init_fs_context,
	.kill_sb = kill_anon_super,
};

static void vpm_test_fill(struct vpm_test_mapping *tm, struct folio *folio)
{
	loff_t pos = folio_pos(folio);
	size_t len = folio_size(folio);
	size_t n = pos < tm->size ? min_t(loff_t, len, tm->size - pos) : 0;

	if (n)
		memcpy_to_folio(folio, 0, tm->store + pos, n);
	if (n < len)
		folio_zero_segment(folio, n, len);
	tm->pages_read += folio_nr_pages(folio);
}

static int vpm_test_read_folio(struct file *file, struct folio *folio)
{
	struct vpm_test_mapping *tm = folio->mapping->host->i_private;

	tm->reads++;
	if (!tm->fail_reads)
		vpm_test_fill(tm, folio);
	folio_end_read(folio, !tm->fail_reads);
	return 0;
}

static void vpm_test_readahead(struct readahead_control *rac)
{
	struct vpm_test_mapping *tm = rac->mapping->host->i_private;
	struct folio *folio;

	tm->readaheads++;
	while ((folio = readahead_folio(rac))) {
		if (!tm->fail_reads)
			vpm_test_fill(tm, folio);
		folio_end_read(folio, !tm->fail_reads);
	}
}

static int vpm_test_writepages(struct address_space *mapping,
			       struct writeback_control *wbc)
{
	struct vpm_test_mapping *tm = mapping->host->i_private;
	struct folio *folio = NULL;
	int err = 0;

	while ((folio = writeback_iter(mapping, wbc, folio, &err))) {
		loff_t pos = folio_pos(folio);

		folio_start_writeback(folio);
		if (tm->fail_writes) {
			mapping_set_error(mapping, -EIO);
		} else if (pos < tm->size) {
			memcpy_from_folio(tm->store + pos, folio, 0,
					  min_t(loff_t, folio_size(folio),
						tm->size - pos));
			tm->pages_written += folio_nr_pages(folio);
		}
		folio_unlock(folio);
		folio_end_writeback(folio);
	}
	return err;
}

static const struct address_space_operations vpm_test_aops = {
	.read_folio = vpm_test_read_folio,
	.readahead = vpm_test_readahead,
	.writepages = vpm_test_writepages,
	.dirty_folio = filemap_dirty_folio,
};

static void vpm_test_mapping_free(void *data)
{
	struct vpm_test_mapping *tm = data;

	iput(tm->inode);
	kern_unmount(tm->mnt);
	vfree(tm->store);
}

/**
 * vpm_test_mapping_create() - an address space over a memory "disk"
 * @test: the test; the mapping is freed when it ends
 * @size: file size, the store filled with vpm_test_pattern()
 *
 * Return: the mapping; the test fails if it cannot be made.
 */
struct vpm_test_mapping *vpm_test_mapping_create(struct kunit *test,
						 loff_t size)
{
	struct vpm_test_mapping *tm;
	struct vfsmount *mnt;
	loff_t pos;

	tm = kunit_kzalloc(test, sizeof(*tm), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tm);
	tm->store = vmalloc(size);
	KUNIT_ASSERT_NOT_NULL(test, tm->store);
	for (pos = 0; pos < size; pos++)
		tm->store[pos] = vpm_test_pattern(pos);
	tm->size = size;

	mnt = kern_mount(&vpm_test_fs_type);
	if (IS_ERR(mnt)) {
		vfree(tm->store);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mnt);
	}
	/* A bdi of its own, so the mapping's pages are written back. */
	if (super_setup_bdi(mnt->mnt_sb)) {
		kern_unmount(mnt);
		vfree(tm->store);
		KUNIT_FAIL_AND_ABORT(test, "no bdi for the test file system");
	}
	tm->inode = alloc_anon_inode(mnt->mnt_sb);
	if (IS_ERR(tm->inode)) {
		kern_unmount(mnt);
		vfree(tm->store);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, tm->inode);
	}
	tm->mnt = mnt;
	tm->inode->i_private = tm;
	tm->inode->i_mapping->a_ops = &vpm_test_aops;
	i_size_write(tm->inode, size);
	tm->mapping = tm->inode->i_mapping;
	vpm_test_defer(test, vpm_test_mapping_free, tm);
	return tm;
}

static void vpm_test_cache_free(void *data)
{
	vpm_cache_destroy(data);
}

/**
 * vpm_test_cache_create() - a small cache for one test
 * @test: the test; the cache is destroyed when it ends, before the
 *	mappings the test made earlier are freed
 * @nentries: entries
 * @nfreelist: freelists, a power of two
 *
 * Return: the cache; the test fails if it cannot be made.
 */
struct vpm_cache *vpm_test_cache_create(struct kunit *test,
					unsigned long nentries,
					unsigned int nfreelist)
{
	struct vpm_cache_params p = {
		.nentries = nentries,
		.nfreelist = nfreelist,
		.mode = VPMCACHE_LRU,
	};
	struct vpm_cache *cache = vpm_cache_create(&p);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cache);
	vpm_test_defer(test, vpm_test_cache_free, cache);
	return cache;
}

/**
 * vpm_test_folio_refs() - references on the folio at an index, or -1
 * @tm: the mapping
 * @index: page index
 *
 * Return: the folio's reference count, not counting the lookup's own.
 */
int vpm_test_folio_refs(struct vpm_test_mapping *tm, pgoff_t index)
{
	struct folio *folio;
	int refs;

	/* Per-CPU LRU batches hold references of their own for a while. */
	lru_add_drain();
	folio = filemap_get_folio(tm->mapping, index);
	if (IS_ERR(folio))
		return -1;
	refs = folio_ref_count(folio) - 1;
	folio_put(folio);
	return refs;
}

/**
 * vpm_test_write_pages() - write whole pages through vpm, without reading
 * @test: the test, failed if a copy fails
 * @mapping: the pages' mapping
 * @index: the first page
 * @nr: how many
 * @fill: the byte they are filled with
 */
void vpm_test_write_pages(struct kunit *test, struct address_space *mapping,
			  pgoff_t index, unsigned int nr, u8 fill)
{
	u8 *buf = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	struct kvec kv = { .iov_base = buf, .iov_len = PAGE_SIZE };
	struct iov_iter iter;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, fill, PAGE_SIZE);
	for (i = 0; i < nr; i++) {
		iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, PAGE_SIZE);
		KUNIT_ASSERT_EQ(test,
				__vpm_data_copy(NULL, mapping,
						(loff_t)(index + i) << PAGE_SHIFT,
						PAGE_SIZE, &iter, 0, NULL, 0,
						VPM_WRITE, NULL),
				0);
	}
}
