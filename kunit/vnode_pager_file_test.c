// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite vnode_pager_file: the pager over regular files (ext4 with
 * 4 KiB and 1 KiB blocks, tmpfs) and over the kernel's brd and null_blk
 * devices: which path a file takes, what it costs in bios, holes, the
 * protection of an attached file, coherency with the file's own page
 * cache, and setsize.
 */

#include <kunit/test.h>
#include <linux/blkdev.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/major.h>
#include <linux/mount.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>
#include <linux/uio.h>

#include "vnode_pager.h"
#include "vpm_test.h"
#include "vpm_test_fs.h"

static struct vfsmount *ext4_4k;
static struct vfsmount *ext4_1k;

static void destroy_action(void *vnp)
{
	vnode_pager_destroy(vnp, true);
}

static struct vnode_pager *attach(struct kunit *test, struct file *file,
				  unsigned int flags)
{
	struct vnode_pager *vnp = vnode_pager_create(file, flags);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vnp);
	vpm_test_defer(test, destroy_action, vnp);
	return vnp;
}

static void detach(struct kunit *test, struct vnode_pager *vnp)
{
	kunit_release_action(test, destroy_action, vnp);
}

static struct vfsmount *fs(struct kunit *test, struct vfsmount *mnt)
{
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, mnt);
	return mnt;
}

/* Copy @len bytes at @pos through the pager, in vpm_data_copy() steps. */
static int pager_copy(struct vnode_pager *vnp, loff_t pos, u8 *buf,
		      size_t len, enum vpm_rw rw)
{
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	struct iov_iter iter;
	int err = 0;

	iov_iter_kvec(&iter, rw == VPM_WRITE ? ITER_SOURCE : ITER_DEST, &kv, 1,
		      len);
	while (iov_iter_count(&iter) && !err) {
		loff_t at = pos + len - iov_iter_count(&iter);

		err = __vpm_data_copy(NULL, vnode_pager_mapping(vnp), at,
				      iov_iter_count(&iter), &iter,
				      rw == VPM_READ || offset_in_page(at), NULL,
				      0, rw, NULL);
	}
	return err;
}

/* Do @len bytes at @pos read through the pager equal the file pattern? */
static void expect_pattern(struct kunit *test, struct vnode_pager *vnp,
			   loff_t pos, size_t len)
{
	u8 *buf = kunit_kmalloc(test, len, GFP_KERNEL);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, pager_copy(vnp, pos, buf, len, VPM_READ), 0);
	for (i = 0; i < len; i++)
		if (buf[i] != vpm_test_file_pattern(pos + i)) {
			KUNIT_FAIL(test, "byte %lld is %u", pos + i, buf[i]);
			return;
		}
}

static void pager_fill(struct kunit *test, struct vnode_pager *vnp,
		       loff_t pos, size_t len, u8 fill)
{
	u8 *buf = kunit_kmalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, fill, len);
	KUNIT_ASSERT_EQ(test, pager_copy(vnp, pos, buf, len, VPM_WRITE), 0);
}

/* Does the file (read through its own page cache) hold @fill there? */
static bool file_has(struct kunit *test, struct file *file, loff_t pos,
		     size_t len, u8 fill)
{
	u8 *buf = kunit_kmalloc(test, len, GFP_KERNEL);
	loff_t p = pos;

	if (!buf || kernel_read(file, buf, len, &p) != len)
		return false;
	return !memchr_inv(buf, fill, len);
}

/* Disk runs of the blocks of [0, @size) of @file: a hole ends a run. */
static unsigned int runs(struct file *file, loff_t size)
{
	struct inode *inode = file_inode(file);
	sector_t prev = 0, block;
	unsigned int n = 0;
	loff_t pos;

	for (pos = 0; pos < size; pos += i_blocksize(inode)) {
		block = pos >> inode->i_blkbits;
		if (bmap(inode, &block) || !block) {
			prev = 0;
			continue;
		}
		if (!prev || block != prev + 1)
			n++;
		prev = block;
	}
	return n;
}

static void read_all_ahead(struct vnode_pager *vnp)
{
	struct address_space *mapping = vnode_pager_mapping(vnp);
	loff_t size = i_size_read(vnp->inode);
	DEFINE_READAHEAD(ractl, NULL, NULL, mapping, 0);
	struct folio *folio;

	page_cache_ra_unbounded(&ractl, DIV_ROUND_UP(size, PAGE_SIZE), 0);
	folio = filemap_get_folio(mapping, (size - 1) >> PAGE_SHIFT);
	if (!IS_ERR(folio)) {
		folio_wait_locked(folio);
		folio_put(folio);
	}
}

static void ext4_file_is_paged_by_bios(struct kunit *test)
{
	struct file *f = vpm_test_create_file(test, fs(test, ext4_4k), "bio",
					      64 * 1024);
	struct vnode_pager *vnp = attach(test, f, 0);

	KUNIT_EXPECT_EQ(test, vnp->path, VNODE_PAGER_BIO);
	KUNIT_EXPECT_EQ(test, vnp->blkbits, 12);
	KUNIT_EXPECT_PTR_EQ(test, vnp->bdev, file_inode(f)->i_sb->s_bdev);
	KUNIT_EXPECT_EQ(test, i_size_read(vnp->inode), 64 * 1024);
	expect_pattern(test, vnp, 1000, 20000);
	KUNIT_EXPECT_GT(test, vnode_pager_stat(vnp, VNP_STAT_BIOS_READ), 0);
	KUNIT_EXPECT_EQ(test, vnode_pager_stat(vnp, VNP_STAT_OLD_OPS), 0);
}

static void attached_file_cannot_be_written_by_others(struct kunit *test)
{
	struct file *f = vpm_test_create_file(test, fs(test, ext4_4k), "prot",
					      16 * 1024);
	struct file *other = file_open_root_mnt(ext4_4k, "prot", O_RDWR, 0);
	struct vnode_pager *vnp;
	loff_t pos = 0;
	char c = 'x';

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, other);
	vnp = attach(test, f, 0);
	KUNIT_EXPECT_EQ(test, kernel_write(other, &c, 1, &pos), -ETXTBSY);
	KUNIT_EXPECT_EQ(test, vfs_truncate(&other->f_path, 0), -ETXTBSY);
	KUNIT_EXPECT_TRUE(test, IS_SWAPFILE(file_inode(f)));
	detach(test, vnp);
	KUNIT_EXPECT_FALSE(test, IS_SWAPFILE(file_inode(f)));
	pos = 0;
	KUNIT_EXPECT_EQ(test, kernel_write(other, &c, 1, &pos), 1);
	fput(other);
}

static void writes_reach_the_file_and_its_page_cache(struct kunit *test)
{
	struct file *f = vpm_test_create_file(test, fs(test, ext4_4k), "coh",
					      32 * 1024);
	struct vnode_pager *vnp;

	/* The file's own page cache holds the old bytes... */
	KUNIT_EXPECT_FALSE(test, file_has(test, f, 0, PAGE_SIZE, 0xab));
	vnp = attach(test, f, 0);
	pager_fill(test, vnp, 0, 2 * PAGE_SIZE, 0xab);
	KUNIT_EXPECT_EQ(test, filemap_write_and_wait(vnode_pager_mapping(vnp)),
			0);
	/* ...and shows the new ones at once, and after detach. */
	KUNIT_EXPECT_TRUE(test, file_has(test, f, 0, 2 * PAGE_SIZE, 0xab));
	KUNIT_EXPECT_EQ(test, vnode_pager_stat(vnp, VNP_STAT_BIOS_WRITE), 1);
	detach(test, vnp);
	KUNIT_EXPECT_TRUE(test, file_has(test, f, 0, 2 * PAGE_SIZE, 0xab));
	KUNIT_EXPECT_FALSE(test, file_has(test, f, 2 * PAGE_SIZE, 1, 0xab));
}

static void fragmented_file_reads_one_bio_per_extent(struct kunit *test)
{
	struct vfsmount *mnt = fs(test, ext4_4k);
	struct file *a = vpm_test_create_file(test, mnt, "frag-a", 0);
	struct file *b = vpm_test_create_file(test, mnt, "frag-b", 0);
	struct vnode_pager *vnp;
	unsigned int n;
	int k;

	/* Allocated in turns, the blocks of the two files interleave. */
	for (k = 0; k < 16; k++) {
		KUNIT_ASSERT_EQ(test, vpm_test_fill(test, a, k * 4096, 4096), 0);
		KUNIT_ASSERT_EQ(test, vpm_test_fill(test, b, k * 4096, 4096), 0);
	}
	n = runs(a, 16 * 4096);
	KUNIT_ASSERT_GE(test, n, 4);
	vnp = attach(test, a, VNODE_PAGER_READONLY);
	read_all_ahead(vnp);
	KUNIT_EXPECT_EQ(test, vnode_pager_stat(vnp, VNP_STAT_BIOS_READ), n);
	expect_pattern(test, vnp, 0, 16 * 4096);
}

static void small_blocks_merge_into_one_bio(struct kunit *test)
{
	struct file *f = vpm_test_create_file(test, fs(test, ext4_1k), "small",
					      32 * 1024);
	struct vnode_pager *vnp;
	unsigned int n = runs(f, 32 * 1024);

	vnp = attach(test, f, 0);
	KUNIT_EXPECT_EQ(test, vnp->path, VNODE_PAGER_SMALL_BLOCK);
	KUNIT_EXPECT_EQ(test, vnp->blkbits, 10);
	read_all_ahead(vnp);
	/* 32 blocks of 1 KiB, one bio per run, not one per block. */
	KUNIT_EXPECT_EQ(test, vnode_pager_stat(vnp, VNP_STAT_BIOS_READ), n);
	KUNIT_EXPECT_LE(test, n, 2);
	KUNIT_EXPECT_GT(test, vnode_pager_stat(vnp, VNP_STAT_SMALL_BLOCK_OPS),
			0);
	expect_pattern(test, vnp, 0, 32 * 1024);
	pager_fill(test, vnp, 4096, 4096, 0x3c);
	KUNIT_EXPECT_EQ(test, filemap_write_and_wait(vnode_pager_mapping(vnp)),
			0);
	KUNIT_EXPECT_TRUE(test, file_has(test, f, 4096, 4096, 0x3c));
}

static void small_block_hole_is_zeroed_not_read(struct kunit *test)
{
	struct file *f = vpm_test_create_file(test, fs(test, ext4_1k), "hole1k",
					      0);
	struct vnode_pager *vnp;
	u8 *buf = kunit_kmalloc(test, 2 * PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, vpm_test_fill(test, f, 0, 1024), 0);
	KUNIT_ASSERT_EQ(test, vpm_test_fill(test, f, 2048, 6144), 0);
	vnp = attach(test, f, VNODE_PAGER_READONLY);
	KUNIT_ASSERT_EQ(test, pager_copy(vnp, 0, buf, 8192, VPM_READ), 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(buf + 1024, 0, 1024));
	KUNIT_EXPECT_EQ(test, buf[1023], vpm_test_file_pattern(1023));
	KUNIT_EXPECT_EQ(test, buf[2048], vpm_test_file_pattern(2048));
	KUNIT_EXPECT_EQ(test, buf[8191], vpm_test_file_pattern(8191));
	KUNIT_EXPECT_EQ(test, vnode_pager_stat(vnp, VNP_STAT_HOLE_BLOCKS), 1);
	KUNIT_EXPECT_EQ(test, vnode_pager_stat(vnp, VNP_STAT_BIOS_READ),
			runs(f, 8192));
}

static void sparse_file_for_writing_takes_the_old_path(struct kunit *test)
{
	struct file *f = vpm_test_create_file(test, fs(test, ext4_4k),
					      "sparse", 0);
	struct vnode_pager *vnp;

	KUNIT_ASSERT_EQ(test, vpm_test_fill(test, f, 0, 4096), 0);
	KUNIT_ASSERT_EQ(test, vpm_test_fill(test, f, 3 * 4096, 4096), 0);
	vnp = attach(test, f, 0);
	KUNIT_EXPECT_EQ(test, vnp->path, VNODE_PAGER_OLD);
	KUNIT_EXPECT_FALSE(test, IS_SWAPFILE(file_inode(f)));
	expect_pattern(test, vnp, 0, 4096);
	pager_fill(test, vnp, 4096, 4096, 0x42);
	detach(test, vnp);
	KUNIT_EXPECT_TRUE(test, file_has(test, f, 4096, 4096, 0x42));
	KUNIT_EXPECT_TRUE(test, file_has(test, f, 2 * 4096, 4096, 0));
}

static void haspage_reports_holes(struct kunit *test)
{
	struct file *f = vpm_test_create_file(test, fs(test, ext4_4k),
					      "holes", 0);
	struct vnode_pager *vnp;
	int before, after;

	KUNIT_ASSERT_EQ(test, vpm_test_fill(test, f, 0, 4096), 0);
	KUNIT_ASSERT_EQ(test, vpm_test_fill(test, f, 3 * 4096, 4096), 0);
	vnp = attach(test, f, VNODE_PAGER_READONLY);
	KUNIT_EXPECT_EQ(test, vnp->path, VNODE_PAGER_BIO);
	KUNIT_EXPECT_TRUE(test, vnode_pager_haspage(vnp, 10, &before,
						    &after));
	KUNIT_EXPECT_EQ(test, before, 0);
	KUNIT_EXPECT_EQ(test, after, 0);
	KUNIT_EXPECT_FALSE(test, vnode_pager_haspage(vnp, 4096, NULL, NULL));
	KUNIT_EXPECT_TRUE(test, vnode_pager_haspage(vnp, 3 * 4096, NULL,
						    NULL));
	KUNIT_EXPECT_FALSE(test, vnode_pager_haspage(vnp, 4 * 4096, NULL,
						     NULL));
	/* Read-only, the hole reads as zeros. */
	KUNIT_EXPECT_EQ(test, vnode_pager_setsize(vnp, 0), -EROFS);
}

static void tmpfs_file_takes_the_old_path(struct kunit *test)
{
	struct file *f = shmem_file_setup("vpm-test", 0, 0);
	struct vnode_pager *vnp;
	u8 *buf;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	if (vpm_test_fill(test, f, 0, 64 * 1024)) {
		fput(f);
		KUNIT_FAIL_AND_ABORT(test, "cannot fill the tmpfs file");
	}
	vnp = vnode_pager_create(f, 0);
	fput(f);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vnp);
	vpm_test_defer(test, destroy_action, vnp);
	KUNIT_EXPECT_EQ(test, vnp->path, VNODE_PAGER_OLD);
	expect_pattern(test, vnp, 5000, 30000);
	pager_fill(test, vnp, 2 * PAGE_SIZE, PAGE_SIZE, 0x17);
	KUNIT_EXPECT_EQ(test, filemap_write_and_wait(vnode_pager_mapping(vnp)),
			0);
	KUNIT_EXPECT_GE(test, vnode_pager_stat(vnp, VNP_STAT_OLD_OPS), 2);
	buf = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, kernel_read(vnp->backing, buf, PAGE_SIZE,
					  &(loff_t){ 2 * PAGE_SIZE }),
			PAGE_SIZE);
	KUNIT_EXPECT_NULL(test, memchr_inv(buf, 0x17, PAGE_SIZE));
	/* An old-path file grows, and its new end reads as zeros. */
	KUNIT_EXPECT_EQ(test, vnode_pager_setsize(vnp, 80 * 1024), 0);
	KUNIT_EXPECT_EQ(test, i_size_read(file_inode(vnp->backing)), 80 * 1024);
	KUNIT_ASSERT_EQ(test, pager_copy(vnp, 70 * 1024, buf, 1024, VPM_READ),
			0);
	KUNIT_EXPECT_NULL(test, memchr_inv(buf, 0, 1024));
}

static void setsize_shrinks_and_zeroes_the_tail(struct kunit *test)
{
	struct file *f = vpm_test_create_file(test, fs(test, ext4_4k),
					      "shrink", 16 * 1024);
	struct vnode_pager *vnp = attach(test, f, 0);
	struct address_space *mapping = vnode_pager_mapping(vnp);
	struct folio *folio;
	u8 *p;

	f = vpm_test_stop_writing(test, ext4_4k, "shrink", f);
	expect_pattern(test, vnp, 0, 16 * 1024);
	KUNIT_ASSERT_EQ(test, vnode_pager_setsize(vnp, 5000), 0);
	KUNIT_EXPECT_EQ(test, i_size_read(vnp->inode), 5000);
	KUNIT_EXPECT_EQ(test, i_size_read(file_inode(f)), 5000);
	KUNIT_EXPECT_TRUE(test, IS_ERR(filemap_get_folio(mapping, 2)));
	folio = filemap_get_folio(mapping, 1);
	KUNIT_ASSERT_FALSE(test, IS_ERR(folio));
	p = kmap_local_folio(folio, 0);
	KUNIT_EXPECT_EQ(test, p[903], vpm_test_file_pattern(4096 + 903));
	KUNIT_EXPECT_NULL(test, memchr_inv(p + 904, 0, PAGE_SIZE - 904));
	kunmap_local(p);
	folio_put(folio);
	/* Growing a file paged by bios would make holes: refused. */
	KUNIT_EXPECT_EQ(test, vnode_pager_setsize(vnp, 32 * 1024),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, i_size_read(vnp->inode), 5000);
	KUNIT_EXPECT_EQ(test, vnode_pager_setsize(vnp, -1), -EINVAL);
}

static void same_file_twice_is_busy(struct kunit *test)
{
	struct file *f = vpm_test_create_file(test, fs(test, ext4_4k), "twice",
					      8192);
	struct file *other = file_open_root_mnt(ext4_4k, "twice", O_RDWR, 0);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, other);
	attach(test, f, 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(vnode_pager_create(f, 0)), -EBUSY);
	KUNIT_EXPECT_EQ(test, PTR_ERR(vnode_pager_create(other, 0)), -EBUSY);
	fput(other);
}

/* Write through the pager, detach, attach again: the disk has the data. */
static void round_trip(struct kunit *test, dev_t dev)
{
	struct file *file = vpm_test_open_bdev(test, dev);
	struct vnode_pager *vnp = attach(test, file, 0);
	u8 *buf = kunit_kmalloc(test, 4 * PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, vnp->path, VNODE_PAGER_BIO);
	pager_fill(test, vnp, SZ_1M, 4 * PAGE_SIZE, 0x5c);
	detach(test, vnp);
	vnp = attach(test, file, VNODE_PAGER_READONLY);
	KUNIT_ASSERT_EQ(test, pager_copy(vnp, SZ_1M, buf, 4 * PAGE_SIZE,
					 VPM_READ), 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(buf, 0x5c, 4 * PAGE_SIZE));
	/* vpm_data_copy() maps two pages at a time: two reads of two. */
	KUNIT_EXPECT_EQ(test, vnode_pager_stat(vnp, VNP_STAT_BIOS_READ), 2);
}

static void brd_keeps_what_was_written(struct kunit *test)
{
	round_trip(test, MKDEV(RAMDISK_MAJOR, 0));
}

static void null_blk_keeps_what_was_written(struct kunit *test)
{
	dev_t dev = vpm_test_disk_devt("nullb0");

	KUNIT_ASSERT_NE_MSG(test, dev, 0, "no nullb0 (memory_backed=1?)");
	round_trip(test, dev);
}

/* --- the extent map --- */

static void map_init(struct vnp_extent_map *map, unsigned int blkbits)
{
	*map = (struct vnp_extent_map) { .blkbits = blkbits, .limit = 64 };
}

static void extent_map_merges_contiguous_runs(struct kunit *test)
{
	struct vnp_extent_map map;
	sector_t s;
	u64 left;

	map_init(&map, 12);
	/* Blocks 0-2 at sectors 800, 808, 816, then 3-4 at 824: one run. */
	KUNIT_EXPECT_EQ(test, vnp_extent_add(&map, 0, 3, 800), 0);
	KUNIT_EXPECT_EQ(test, vnp_extent_add(&map, 3, 2, 824), 0);
	KUNIT_EXPECT_EQ(test, map.nr, 1);
	KUNIT_EXPECT_TRUE(test, vnp_extent_lookup(&map, 4, &s, &left));
	KUNIT_EXPECT_EQ(test, s, 832);
	KUNIT_EXPECT_EQ(test, left, 1);
	/* Holes merge with holes. */
	KUNIT_EXPECT_EQ(test, vnp_extent_add(&map, 5, 1, VNP_SECTOR_HOLE), 0);
	KUNIT_EXPECT_EQ(test, vnp_extent_add(&map, 6, 4, VNP_SECTOR_HOLE), 0);
	KUNIT_EXPECT_EQ(test, map.nr, 2);
	KUNIT_EXPECT_TRUE(test, vnp_extent_lookup(&map, 7, &s, &left));
	KUNIT_EXPECT_EQ(test, s, VNP_SECTOR_HOLE);
	KUNIT_EXPECT_EQ(test, left, 3);
	vnp_extent_map_free(&map);
}

static void extent_map_splits_where_the_disk_jumps(struct kunit *test)
{
	struct vnp_extent_map map;
	sector_t s;
	u64 b;

	map_init(&map, 10);	/* 1 KiB blocks: 2 sectors each */
	KUNIT_EXPECT_EQ(test, vnp_extent_add(&map, 0, 4, 100), 0);
	KUNIT_EXPECT_EQ(test, vnp_extent_add(&map, 4, 1, 109), 0);
	KUNIT_EXPECT_EQ(test, vnp_extent_add(&map, 5, 2, VNP_SECTOR_HOLE), 0);
	/* A run after a hole does not continue the run before it. */
	KUNIT_EXPECT_EQ(test, vnp_extent_add(&map, 7, 1, 111), 0);
	for (b = 0; b < 40; b++)
		KUNIT_EXPECT_EQ(test, vnp_extent_add(&map, 8 + b, 1, 1000 + 4 * b),
				0);
	KUNIT_EXPECT_EQ(test, map.nr, 44);
	KUNIT_EXPECT_TRUE(test, vnp_extent_lookup(&map, 3, &s, NULL));
	KUNIT_EXPECT_EQ(test, s, 106);
	KUNIT_EXPECT_TRUE(test, vnp_extent_lookup(&map, 4, &s, NULL));
	KUNIT_EXPECT_EQ(test, s, 109);
	KUNIT_EXPECT_TRUE(test, vnp_extent_lookup(&map, 6, &s, NULL));
	KUNIT_EXPECT_EQ(test, s, VNP_SECTOR_HOLE);
	KUNIT_EXPECT_TRUE(test, vnp_extent_lookup(&map, 7, &s, NULL));
	KUNIT_EXPECT_EQ(test, s, 111);
	for (b = 0; b < 40; b++) {
		KUNIT_EXPECT_TRUE(test, vnp_extent_lookup(&map, 8 + b, &s, NULL));
		KUNIT_EXPECT_EQ(test, s, 1000 + 4 * b);
	}
	KUNIT_EXPECT_FALSE(test, vnp_extent_lookup(&map, 48, &s, NULL));
	vnp_extent_map_free(&map);
}

static void extent_map_takes_runs_in_order_only(struct kunit *test)
{
	struct vnp_extent_map map;
	sector_t s;
	u64 b;

	map_init(&map, 12);
	KUNIT_EXPECT_EQ(test, vnp_extent_add(&map, 1, 1, 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, vnp_extent_add(&map, 0, 0, 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, vnp_extent_add(&map, 0, 2, 8), 0);
	KUNIT_EXPECT_EQ(test, vnp_extent_add(&map, 1, 1, 16), -EINVAL);
	KUNIT_EXPECT_EQ(test, vnp_extent_add(&map, 3, 1, 16), -EINVAL);
	KUNIT_EXPECT_FALSE(test, vnp_extent_lookup(&map, 2, &s, NULL));
	/* The limit holds: 64 extents, then -E2BIG. */
	for (b = 2; b < 65; b++)
		KUNIT_EXPECT_EQ(test, vnp_extent_add(&map, b, 1, 100 * b), 0);
	KUNIT_EXPECT_EQ(test, map.nr, 64);
	KUNIT_EXPECT_EQ(test, vnp_extent_add(&map, 65, 1, 1), -E2BIG);
	vnp_extent_map_free(&map);
	KUNIT_EXPECT_EQ(test, map.nr, 0);
}

/* Does every block of @file map in @vnp's extent map where bmap() says? */
static void expect_map_matches_bmap(struct kunit *test,
				    struct vnode_pager *vnp, struct file *file)
{
	struct inode *inode = file_inode(file);
	unsigned int bits = inode->i_blkbits;
	u64 nblocks = DIV_ROUND_UP(i_size_read(inode), 1U << bits), blk;

	for (blk = 0; blk < nblocks; blk++) {
		sector_t b = blk, s;

		KUNIT_ASSERT_EQ(test, bmap(inode, &b), 0);
		KUNIT_ASSERT_TRUE(test, vnp_extent_lookup(&vnp->extents, blk,
							  &s, NULL));
		if (!b) {
			KUNIT_EXPECT_EQ(test, s, VNP_SECTOR_HOLE);
			continue;
		}
		KUNIT_EXPECT_EQ_MSG(test, s, b << (bits - SECTOR_SHIFT),
				    "block %llu", blk);
	}
}

static void written_file_is_mapped_by_extents_not_blocks(struct kunit *test)
{
	struct vfsmount *mnt = fs(test, ext4_4k);
	struct file *a = vpm_test_create_file(test, mnt, "ext-a", 0);
	struct file *b = vpm_test_create_file(test, mnt, "ext-b", 0);
	struct vnode_pager *vnp;
	int k;

	/* 64 blocks in several extents, and a last partial page. */
	for (k = 0; k < 8; k++) {
		KUNIT_ASSERT_EQ(test, vpm_test_fill(test, a, k * 32768, 32768),
				0);
		KUNIT_ASSERT_EQ(test, vpm_test_fill(test, b, k * 4096, 4096), 0);
	}
	KUNIT_ASSERT_EQ(test, vpm_test_fill(test, a, 8 * 32768, 100), 0);
	KUNIT_ASSERT_GE(test, runs(a, 8 * 32768 + 100), 2);
	vnp = attach(test, a, 0);
	KUNIT_EXPECT_EQ(test, vnp->path, VNODE_PAGER_BIO);
	/* The swapon way: bmap() of block 0, then the last partial block. */
	KUNIT_EXPECT_EQ(test, vnp->extents.lookups, 2);
	expect_map_matches_bmap(test, vnp, a);
	expect_pattern(test, vnp, 8 * 32768 - 4000, 4100);
}

static void file_with_holes_is_mapped_block_by_block(struct kunit *test)
{
	struct file *f = vpm_test_create_file(test, fs(test, ext4_4k),
					      "walked", 0);
	struct vnode_pager *vnp;

	KUNIT_ASSERT_EQ(test, vpm_test_fill(test, f, 0, 8192), 0);
	KUNIT_ASSERT_EQ(test, vpm_test_fill(test, f, 6 * 4096, 8192), 0);
	vnp = attach(test, f, VNODE_PAGER_READONLY);
	KUNIT_EXPECT_EQ(test, vnp->path, VNODE_PAGER_BIO);
	/*
	 * Block 0 for the swapon way, which SEEK_HOLE then rules out; the
	 * four written blocks; the first of the hole, skipped by SEEK_DATA.
	 */
	KUNIT_EXPECT_EQ(test, vnp->extents.lookups, 6);
	expect_map_matches_bmap(test, vnp, f);
}

/* --- a file system whose bmap() fails once --- */

static const struct address_space_operations *real_aops;
static sector_t failing_block;
static int failing_count;

/* bmap() of the file system, but 0 (as iomap_bmap() on an error) once. */
static sector_t bmap_fails_once(struct address_space *mapping, sector_t block)
{
	if (block == failing_block && !failing_count++)
		return 0;
	return real_aops->bmap(mapping, block);
}

static void restore_aops(void *inode)
{
	((struct inode *)inode)->i_mapping->a_ops = real_aops;
}

static void free_aops(void *ops)
{
	kfree(ops);
}

static void failed_bmap_is_never_read_as_zeros(struct kunit *test)
{
	struct file *f = vpm_test_create_file(test, fs(test, ext4_1k),
					      "badmap", 16 * 1024);
	struct inode *inode = file_inode(f);
	struct vnode_pager *vnp;
	struct address_space_operations *ops = kmemdup((const void *)inode->i_mapping->a_ops,
						       sizeof(*ops), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ops);
	vpm_test_defer(test, free_aops, ops);
	real_aops = inode->i_mapping->a_ops;
	ops->bmap = bmap_fails_once;
	failing_block = 5;
	failing_count = 0;
	inode->i_mapping->a_ops = ops;
	vpm_test_defer(test, restore_aops, inode);
	/* The file has data there: not a hole, so not a bio-path file. */
	vnp = attach(test, f, VNODE_PAGER_READONLY);
	KUNIT_EXPECT_EQ(test, failing_count, 1);
	KUNIT_EXPECT_EQ(test, vnp->path, VNODE_PAGER_OLD);
	expect_pattern(test, vnp, 0, 16 * 1024);
	KUNIT_EXPECT_EQ(test, vnode_pager_stat(vnp, VNP_STAT_HOLE_BLOCKS), 0);
	detach(test, vnp);
	/* Once the file system answers, the same file takes the bios. */
	vnp = attach(test, f, VNODE_PAGER_READONLY);
	KUNIT_EXPECT_EQ(test, vnp->path, VNODE_PAGER_SMALL_BLOCK);
	expect_pattern(test, vnp, 0, 16 * 1024);
}

/* A block the extent map does not place is an I/O error, never zeros. */
static void block_outside_the_map_reads_as_eio(struct kunit *test)
{
	struct file *f = vpm_test_create_file(test, fs(test, ext4_4k), "nomap",
					      16 * 1024);
	struct vnode_pager *vnp = attach(test, f, VNODE_PAGER_READONLY);
	struct vnp_extent_map *map = &vnp->extents;
	u8 *buf = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	u64 len;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, vnp->path, VNODE_PAGER_BIO);
	KUNIT_ASSERT_EQ(test, map->nr, 1);
	/* As if the lookup of the last two blocks had failed at attach. */
	len = map->ext[0].len;
	map->ext[0].len = 2;
	KUNIT_EXPECT_EQ(test, pager_copy(vnp, 12 * 1024, buf, 1024, VPM_READ),
			-EIO);
	KUNIT_EXPECT_GT(test, vnode_pager_stat(vnp, VNP_STAT_IO_ERRORS), 0);
	KUNIT_EXPECT_EQ(test, vnode_pager_stat(vnp, VNP_STAT_HOLE_BLOCKS), 0);
	map->ext[0].len = len;
	expect_pattern(test, vnp, 12 * 1024, 4096);
}

static void unwritten_extents_are_holes_for_readers_only(struct kunit *test)
{
	struct file *f = vpm_test_create_file(test, fs(test, ext4_4k),
					      "prealloc", 0);
	struct vnode_pager *vnp;
	u8 *buf = kunit_kmalloc(test, 8192, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, vfs_fallocate(f, 0, 0, 32 * 1024), 0);
	/* Written blocks around unwritten ones, contiguous on the disk. */
	KUNIT_ASSERT_EQ(test, vpm_test_fill(test, f, 0, 4096), 0);
	KUNIT_ASSERT_EQ(test, vpm_test_fill(test, f, 8192, 4096), 0);
	vnp = attach(test, f, 0);
	KUNIT_EXPECT_EQ(test, vnp->path, VNODE_PAGER_OLD);
	KUNIT_EXPECT_FALSE(test, IS_SWAPFILE(file_inode(f)));
	detach(test, vnp);
	vnp = attach(test, f, VNODE_PAGER_READONLY);
	KUNIT_EXPECT_EQ(test, vnp->path, VNODE_PAGER_BIO);
	KUNIT_ASSERT_EQ(test, pager_copy(vnp, 4096, buf, 8192, VPM_READ), 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(buf, 0, 4096));
	KUNIT_EXPECT_EQ(test, buf[4096], vpm_test_file_pattern(8192));
	KUNIT_EXPECT_EQ(test, buf[8191], vpm_test_file_pattern(12287));
}

static void append_only_file_is_not_written(struct kunit *test)
{
	struct file *f = vpm_test_create_file(test, fs(test, ext4_4k),
					      "append", 8192);
	struct inode *inode = file_inode(f);
	struct vnode_pager *vnp;

	inode->i_flags |= S_APPEND;
	KUNIT_EXPECT_EQ(test, PTR_ERR(vnode_pager_create(f, 0)), -EPERM);
	vnp = attach(test, f, VNODE_PAGER_READONLY);
	KUNIT_EXPECT_EQ(test, vnp->path, VNODE_PAGER_OLD);
	expect_pattern(test, vnp, 0, 8192);
	detach(test, vnp);
	inode->i_flags &= ~S_APPEND;
}

static void setsize_leaves_no_stale_page_in_the_file(struct kunit *test)
{
	struct file *f = vpm_test_create_file(test, fs(test, ext4_4k),
					      "tail", 16 * 1024);
	struct vnode_pager *vnp = attach(test, f, 0);
	struct folio *folio;

	f = vpm_test_stop_writing(test, ext4_4k, "tail", f);
	pager_fill(test, vnp, 4096, 100, 0x77);
	KUNIT_ASSERT_EQ(test, vnode_pager_setsize(vnp, 4096 + 200), 0);
	/* The file system's zeroed copy of the last page is gone. */
	folio = filemap_get_folio(f->f_mapping, 1);
	KUNIT_EXPECT_TRUE(test, IS_ERR_OR_NULL(folio));
	if (!IS_ERR_OR_NULL(folio))
		folio_put(folio);
	pager_fill(test, vnp, 4096 + 150, 10, 0x78);
	detach(test, vnp);
	KUNIT_EXPECT_EQ(test, i_size_read(file_inode(f)), 4096 + 200);
	KUNIT_EXPECT_TRUE(test, file_has(test, f, 4096, 100, 0x77));
	KUNIT_EXPECT_TRUE(test, file_has(test, f, 4096 + 150, 10, 0x78));
}

static void setsize_refused_while_another_writer_holds_the_file(struct kunit *test)
{
	struct file *f = vpm_test_create_file(test, fs(test, ext4_4k),
					      "writer", 16 * 1024);
	struct file *other = file_open_root_mnt(ext4_4k, "writer", O_RDWR, 0);
	struct vnode_pager *vnp = attach(test, f, 0);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, other);
	/* The attacher's own descriptor is a writer too. */
	KUNIT_EXPECT_EQ(test, vnode_pager_setsize(vnp, 5000), -ETXTBSY);
	vpm_test_stop_writing(test, ext4_4k, "writer", f);
	KUNIT_EXPECT_EQ(test, vnode_pager_setsize(vnp, 5000), -ETXTBSY);
	KUNIT_EXPECT_EQ(test, i_size_read(vnp->inode), 16 * 1024);
	KUNIT_EXPECT_EQ(test, i_size_read(file_inode(f)), 16 * 1024);
	fput(other);
	/* A kthread's last fput is deferred: the writer goes now. */
	flush_delayed_fput();
	KUNIT_EXPECT_EQ(test, vnode_pager_setsize(vnp, 5000), 0);
}

static int vnode_pager_file_init(struct kunit_suite *suite)
{
	ext4_4k = vpm_test_mount_ubd(0);
	ext4_1k = vpm_test_mount_ubd(1);
	return 0;
}

static void vnode_pager_file_exit(struct kunit_suite *suite)
{
	if (!IS_ERR(ext4_4k))
		mntput(ext4_4k);
	if (!IS_ERR(ext4_1k))
		mntput(ext4_1k);
}

static struct kunit_case vnode_pager_file_cases[] = {
	KUNIT_CASE(ext4_file_is_paged_by_bios),
	KUNIT_CASE(attached_file_cannot_be_written_by_others),
	KUNIT_CASE(writes_reach_the_file_and_its_page_cache),
	KUNIT_CASE(fragmented_file_reads_one_bio_per_extent),
	KUNIT_CASE(small_blocks_merge_into_one_bio),
	KUNIT_CASE(small_block_hole_is_zeroed_not_read),
	KUNIT_CASE(sparse_file_for_writing_takes_the_old_path),
	KUNIT_CASE(haspage_reports_holes),
	KUNIT_CASE(tmpfs_file_takes_the_old_path),
	KUNIT_CASE(setsize_shrinks_and_zeroes_the_tail),
	KUNIT_CASE(same_file_twice_is_busy),
	KUNIT_CASE(brd_keeps_what_was_written),
	KUNIT_CASE(null_blk_keeps_what_was_written),
	KUNIT_CASE(extent_map_merges_contiguous_runs),
	KUNIT_CASE(extent_map_splits_where_the_disk_jumps),
	KUNIT_CASE(extent_map_takes_runs_in_order_only),
	KUNIT_CASE(written_file_is_mapped_by_extents_not_blocks),
	KUNIT_CASE(file_with_holes_is_mapped_block_by_block),
	KUNIT_CASE(failed_bmap_is_never_read_as_zeros),
	KUNIT_CASE(block_outside_the_map_reads_as_eio),
	KUNIT_CASE(unwritten_extents_are_holes_for_readers_only),
	KUNIT_CASE(append_only_file_is_not_written),
	KUNIT_CASE(setsize_leaves_no_stale_page_in_the_file),
	KUNIT_CASE(setsize_refused_while_another_writer_holds_the_file),
	{}
};

static struct kunit_suite vnode_pager_file_suite = {
	.name = "vnode_pager_file",
	.suite_init = vnode_pager_file_init,
	.suite_exit = vnode_pager_file_exit,
	.test_cases = vnode_pager_file_cases,
};

kunit_test_suite(vnode_pager_file_suite);
