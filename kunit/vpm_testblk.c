// SPDX-License-Identifier: GPL-2.0
/*
 * vpm_testblk: a memory-backed block device for the pager's KUnit suites.
 *
 * It is bio-based, like brd, so it sees each bio exactly as the pager
 * submitted it (blk-mq would merge them into requests): it records every
 * bio (operation, sector, size, pages), fails the bios that touch a chosen
 * sector range, and can hold read bios back so a test sees read-ahead
 * complete after the synchronous part.
 */

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/highmem.h>
#include <linux/vmalloc.h>

#include "vpm_test.h"
#include "vpm_testblk.h"

static int vpm_testblk_major;

static bool vpm_testblk_fails(struct vpm_testblk *tb, struct bio *bio)
{
	sector_t start = bio->bi_iter.bi_sector;
	sector_t end = bio_end_sector(bio);
	bool write = op_is_write(bio_op(bio));

	if (write ? !tb->fail_writes : !tb->fail_reads)
		return false;
	return start < tb->fail_end && end > tb->fail_start;
}

static void vpm_testblk_copy(struct vpm_testblk *tb, struct bio *bio)
{
	loff_t pos = (loff_t)bio->bi_iter.bi_sector << SECTOR_SHIFT;
	struct bio_vec bv;
	struct bvec_iter iter;

	bio_for_each_segment(bv, bio, iter) {
		if (op_is_write(bio_op(bio)))
			memcpy_from_bvec(tb->store + pos, &bv);
		else
			memcpy_to_bvec(&bv, tb->store + pos);
		pos += bv.bv_len;
	}
}

static void vpm_testblk_record(struct vpm_testblk *tb, struct bio *bio)
{
	struct vpm_testblk_bio *r;
	struct folio_iter fi;
	unsigned int pages = 0;

	if (bio->bi_iter.bi_size)
		bio_for_each_folio_all(fi, bio)
			pages++;
	spin_lock(&tb->lock);
	if (bio_op(bio) == REQ_OP_FLUSH || (bio->bi_opf & REQ_PREFLUSH))
		tb->flushes++;
	if (bio->bi_iter.bi_size && tb->nlog < VPM_TESTBLK_LOG) {
		r = &tb->log[tb->nlog++];
		r->write = op_is_write(bio_op(bio));
		r->sector = bio->bi_iter.bi_sector;
		r->bytes = bio->bi_iter.bi_size;
		r->pages = pages;
		r->sync = !!(bio->bi_opf & REQ_SYNC);
	}
	spin_unlock(&tb->lock);
}

static void vpm_testblk_submit_bio(struct bio *bio)
{
	struct vpm_testblk *tb = bio->bi_bdev->bd_disk->private_data;

	vpm_testblk_record(tb, bio);
	if (!bio->bi_iter.bi_size) {
		bio_endio(bio);
		return;
	}
	if (bio_end_sector(bio) > get_capacity(tb->disk) ||
	    vpm_testblk_fails(tb, bio)) {
		bio_io_error(bio);
		return;
	}
	vpm_testblk_copy(tb, bio);
	if (!op_is_write(bio_op(bio)) && tb->hold_from &&
	    bio->bi_iter.bi_sector >= tb->hold_from) {
		spin_lock(&tb->lock);
		bio_list_add(&tb->held, bio);
		spin_unlock(&tb->lock);
		return;
	}
	bio_endio(bio);
}

static const struct block_device_operations vpm_testblk_fops = {
	.owner = THIS_MODULE,
	.submit_bio = vpm_testblk_submit_bio,
};

/**
 * vpm_testblk_release_held() - complete the read bios held back
 * @tb: the device
 *
 * Return: how many bios were completed.
 */
unsigned int vpm_testblk_release_held(struct vpm_testblk *tb)
{
	struct bio_list list;
	struct bio *bio;
	unsigned int n = 0;

	spin_lock(&tb->lock);
	list = tb->held;
	bio_list_init(&tb->held);
	tb->hold_from = 0;
	spin_unlock(&tb->lock);
	while ((bio = bio_list_pop(&list))) {
		bio_endio(bio);
		n++;
	}
	return n;
}

/**
 * vpm_testblk_reset_log() - forget the bios recorded so far
 * @tb: the device
 */
void vpm_testblk_reset_log(struct vpm_testblk *tb)
{
	spin_lock(&tb->lock);
	tb->nlog = 0;
	tb->flushes = 0;
	spin_unlock(&tb->lock);
}

static void vpm_testblk_free(void *data)
{
	struct vpm_testblk *tb = data;

	vpm_testblk_release_held(tb);
	if (tb->file)
		fput(tb->file);
	del_gendisk(tb->disk);
	put_disk(tb->disk);
	vfree(tb->store);
}

/**
 * vpm_testblk_create() - a memory-backed disk for one test
 * @test: the test; the disk goes away when it ends
 * @sectors: capacity in 512-byte sectors
 *
 * The store is filled with vpm_testblk_pattern(), and @tb->file is an
 * open of the disk for reading and writing, not exclusive, as user space
 * would hand it to vpm.
 *
 * Return: the device; the test fails if it cannot be made.
 */
struct vpm_testblk *vpm_testblk_create(struct kunit *test, sector_t sectors)
{
	struct queue_limits lim = {
		.logical_block_size = SECTOR_SIZE,
		.physical_block_size = PAGE_SIZE,
		.features = BLK_FEAT_WRITE_CACHE,
	};
	static int minor;
	struct vpm_testblk *tb;
	loff_t pos;
	int err;

	if (!vpm_testblk_major) {
		vpm_testblk_major = register_blkdev(0, "vpmtestblk");
		KUNIT_ASSERT_GT(test, vpm_testblk_major, 0);
	}
	tb = kunit_kzalloc(test, sizeof(*tb), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tb);
	spin_lock_init(&tb->lock);
	bio_list_init(&tb->held);
	tb->store = vmalloc(sectors << SECTOR_SHIFT);
	KUNIT_ASSERT_NOT_NULL(test, tb->store);
	for (pos = 0; pos < (loff_t)sectors << SECTOR_SHIFT; pos++)
		tb->store[pos] = vpm_testblk_pattern(pos);

	tb->disk = blk_alloc_disk(&lim, NUMA_NO_NODE);
	if (IS_ERR(tb->disk)) {
		vfree(tb->store);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, tb->disk);
	}
	tb->disk->major = vpm_testblk_major;
	tb->disk->first_minor = minor++;
	tb->disk->minors = 1;
	tb->disk->fops = &vpm_testblk_fops;
	tb->disk->private_data = tb;
	/* No partition scan: the log shows only the bios of the test. */
	tb->disk->flags |= GENHD_FL_NO_PART;
	snprintf(tb->disk->disk_name, DISK_NAME_LEN, "vpmtest%d",
		 tb->disk->first_minor);
	set_capacity(tb->disk, sectors);
	err = add_disk(tb->disk);
	if (err) {
		put_disk(tb->disk);
		vfree(tb->store);
		KUNIT_ASSERT_EQ(test, err, 0);
	}
	vpm_test_defer(test, vpm_testblk_free, tb);
	tb->file = bdev_file_open_by_dev(disk_devt(tb->disk),
					 BLK_OPEN_READ | BLK_OPEN_WRITE, NULL,
					 NULL);
	if (IS_ERR(tb->file)) {
		err = PTR_ERR(tb->file);
		tb->file = NULL;
		KUNIT_ASSERT_EQ(test, err, 0);
	}
	return tb;
}
