// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite vnode_pager_fault: the read-around of page faults, sized as
 * FreeBSD's vm_fault_readahead() sizes it (vnp_fault_window()), and its
 * clamping to the disk's contiguous run (vnp_fault_clamp()).
 */

#include <kunit/test.h>
#include <linux/blkdev.h>

#include "vnode_pager.h"

#define SECTORS_PER_PAGE (PAGE_SIZE >> SECTOR_SHIFT)
#define FAR ((pgoff_t)1 << 30)	/* a last page nothing reaches */

struct window {
	unsigned int behind;
	unsigned int ahead;
};

static struct window fault(struct vnp_fault_ra *ra, enum vnp_fault_hint hint,
			   pgoff_t index, pgoff_t first, pgoff_t last)
{
	struct window w;

	vnp_fault_window(ra, hint, index, first, last, &w.behind, &w.ahead);
	return w;
}

/* Fault at @index, read what was asked, as the fault handler does. */
static struct window fault_and_read(struct vnp_fault_ra *ra, pgoff_t index)
{
	struct window w = fault(ra, VNP_FAULT_NORMAL, index, 0, FAR);

	vnp_fault_done(ra, index, w.ahead);
	return w;
}

static void sequential_faults_grow_the_window(struct kunit *test)
{
	struct vnp_fault_ra ra = { .next = 0 };
	unsigned int want = VNP_FAULT_AHEAD_MIN;
	pgoff_t index = 0;
	int i;

	/* 7, 15, 23, ...: "faults x (min + 1) + min", up to the maximum. */
	for (i = 0; i < 40; i++) {
		struct window w = fault_and_read(&ra, index);

		KUNIT_EXPECT_EQ(test, w.behind, 0);
		KUNIT_EXPECT_EQ(test, w.ahead, want);
		index += w.ahead + 1;
		KUNIT_EXPECT_EQ(test, ra.next, index);
		want = min(want + VNP_FAULT_AHEAD_MIN + 1, VNP_FAULT_AHEAD_MAX);
	}
	KUNIT_EXPECT_EQ(test, ra.ahead, VNP_FAULT_AHEAD_MAX);
}

static void random_fault_reads_an_aligned_cluster(struct kunit *test)
{
	struct vnp_fault_ra ra = { .next = 0 };
	struct window w;

	w = fault_and_read(&ra, 37);
	KUNIT_EXPECT_EQ(test, w.behind, 37 % VNP_FAULT_CLUSTER);
	KUNIT_EXPECT_EQ(test, w.ahead, VNP_FAULT_CLUSTER - 1 - 37 % 16);
	KUNIT_EXPECT_EQ(test, ra.ahead, 0);
	/* Not the page after the cluster: a cluster again. */
	w = fault_and_read(&ra, 100);
	KUNIT_EXPECT_EQ(test, w.behind + 1 + w.ahead, VNP_FAULT_CLUSTER);
	KUNIT_EXPECT_EQ(test, 100 - w.behind, 96);
}

static void a_jump_starts_the_window_again(struct kunit *test)
{
	struct vnp_fault_ra ra = { .next = 0 };
	struct window w;
	pgoff_t index = 0;
	int i;

	for (i = 0; i < 5; i++)
		index += fault_and_read(&ra, index).ahead + 1;
	KUNIT_ASSERT_GT(test, ra.ahead, VNP_FAULT_AHEAD_MIN);
	fault_and_read(&ra, index + 1000);
	KUNIT_EXPECT_EQ(test, ra.ahead, 0);
	/* The page after the cluster is sequential: the smallest window. */
	w = fault_and_read(&ra, ra.next);
	KUNIT_EXPECT_EQ(test, w.behind, 0);
	KUNIT_EXPECT_EQ(test, w.ahead, VNP_FAULT_AHEAD_MIN);
}

static void window_stops_at_the_mapping_and_the_end(struct kunit *test)
{
	struct vnp_fault_ra ra = { .next = 0 };
	struct window w;

	/* The mapping starts at page 35: nothing before it. */
	w = fault(&ra, VNP_FAULT_NORMAL, 37, 35, FAR);
	KUNIT_EXPECT_EQ(test, w.behind, 2);
	/* The object ends at page 40. */
	w = fault(&ra, VNP_FAULT_NORMAL, 37, 0, 40);
	KUNIT_EXPECT_EQ(test, w.ahead, 3);
	ra.next = 38;
	w = fault(&ra, VNP_FAULT_NORMAL, 38, 0, 40);
	KUNIT_EXPECT_EQ(test, w.behind, 0);
	KUNIT_EXPECT_EQ(test, w.ahead, 2);
	/* The last page itself. */
	w = fault(&ra, VNP_FAULT_SEQUENTIAL, 40, 0, 40);
	KUNIT_EXPECT_EQ(test, w.ahead, 0);
}

static void hints_random_and_sequential(struct kunit *test)
{
	struct vnp_fault_ra ra = { .next = 0 };
	struct window w;

	w = fault(&ra, VNP_FAULT_RANDOM, 0, 0, FAR);
	KUNIT_EXPECT_EQ(test, w.behind + w.ahead, 0);
	w = fault(&ra, VNP_FAULT_RANDOM, 37, 0, FAR);
	KUNIT_EXPECT_EQ(test, w.behind + w.ahead, 0);
	/* MADV_SEQUENTIAL: the largest window at once, wherever it is. */
	w = fault(&ra, VNP_FAULT_SEQUENTIAL, 37, 0, FAR);
	KUNIT_EXPECT_EQ(test, w.behind, 0);
	KUNIT_EXPECT_EQ(test, w.ahead, VNP_FAULT_AHEAD_MAX);
	w = fault(&ra, VNP_FAULT_SEQUENTIAL, 37, 0, 100);
	KUNIT_EXPECT_EQ(test, w.ahead, 63);
}

/* A fake object paged by bios through an extent map of 4 KiB blocks. */
static void map_object(struct kunit *test, struct vnode_pager *vnp)
{
	memset(vnp, 0, sizeof(*vnp));
	vnp->path = VNODE_PAGER_BIO;
	vnp->blkbits = PAGE_SHIFT;
	vnp->extents.blkbits = PAGE_SHIFT;
	vnp->extents.limit = 16;
	/* Blocks 0-9 at sector 1000, 10-19 far away, 20-23 a hole. */
	KUNIT_ASSERT_EQ(test, vnp_extent_add(&vnp->extents, 0, 10, 1000), 0);
	KUNIT_ASSERT_EQ(test, vnp_extent_add(&vnp->extents, 10, 10, 90000), 0);
	KUNIT_ASSERT_EQ(test, vnp_extent_add(&vnp->extents, 20, 4,
					     VNP_SECTOR_HOLE), 0);
}

static void window_stops_where_the_disk_is_not_contiguous(struct kunit *test)
{
	struct vnode_pager vnp;
	struct window w;

	map_object(test, &vnp);
	w = (struct window){ .behind = 8, .ahead = 7 };
	vnp_fault_clamp(&vnp, 8, &w.behind, &w.ahead);
	KUNIT_EXPECT_EQ(test, w.behind, 8);
	KUNIT_EXPECT_EQ(test, w.ahead, 1);
	w = (struct window){ .behind = 12, .ahead = 3 };
	vnp_fault_clamp(&vnp, 12, &w.behind, &w.ahead);
	KUNIT_EXPECT_EQ(test, w.behind, 2);
	KUNIT_EXPECT_EQ(test, w.ahead, 3);
	/* Up to the hole, and a hole is read alone. */
	w = (struct window){ .behind = 0, .ahead = 15 };
	vnp_fault_clamp(&vnp, 16, &w.behind, &w.ahead);
	KUNIT_EXPECT_EQ(test, w.ahead, 3);
	w = (struct window){ .behind = 5, .ahead = 2 };
	vnp_fault_clamp(&vnp, 21, &w.behind, &w.ahead);
	KUNIT_EXPECT_EQ(test, w.behind + w.ahead, 0);
	vnp_extent_map_free(&vnp.extents);
}

static void block_devices_and_the_old_path_are_not_clamped(struct kunit *test)
{
	struct vnode_pager vnp;
	struct window w = { .behind = 15, .ahead = 255 };

	memset(&vnp, 0, sizeof(vnp));
	vnp.path = VNODE_PAGER_BIO;	/* a block device: no map */
	vnp_fault_clamp(&vnp, 4096, &w.behind, &w.ahead);
	KUNIT_EXPECT_EQ(test, w.behind, 15);
	KUNIT_EXPECT_EQ(test, w.ahead, 255);
	vnp.path = VNODE_PAGER_OLD;
	vnp_fault_clamp(&vnp, 4096, &w.behind, &w.ahead);
	KUNIT_EXPECT_EQ(test, w.behind + w.ahead, 270);
}

static struct kunit_case vnode_pager_fault_cases[] = {
	KUNIT_CASE(sequential_faults_grow_the_window),
	KUNIT_CASE(random_fault_reads_an_aligned_cluster),
	KUNIT_CASE(a_jump_starts_the_window_again),
	KUNIT_CASE(window_stops_at_the_mapping_and_the_end),
	KUNIT_CASE(hints_random_and_sequential),
	KUNIT_CASE(window_stops_where_the_disk_is_not_contiguous),
	KUNIT_CASE(block_devices_and_the_old_path_are_not_clamped),
	{}
};

static struct kunit_suite vnode_pager_fault_suite = {
	.name = "vnode_pager_fault",
	.test_cases = vnode_pager_fault_cases,
};

kunit_test_suite(vnode_pager_fault_suite);
