/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the vpm KUnit suites: an address space with real pages over a
 * memory "disk", and small caches built for one test.
 */
#ifndef _VPM_TEST_H
#define _VPM_TEST_H

#include <kunit/test.h>
#include <linux/fs.h>

#include "vpm_internal.h"

/**
 * struct vpm_test_mapping - a pseudo inode whose pages live in @store
 * @mnt: the pseudo file system the inode lives in
 * @inode: the inode; its i_mapping is what the tests map
 * @mapping: @inode's address space
 * @store: the backing bytes ("disk"), @size long
 * @size: size of the file
 * @reads: read_folio calls
 * @readaheads: readahead calls
 * @pages_read: pages filled from @store
 * @pages_written: pages copied back to @store by writepages
 * @fail_reads: reads leave the page not uptodate (an I/O error)
 * @fail_writes: writeback records -EIO on the mapping
 */
struct vpm_test_mapping {
	struct vfsmount *mnt;
	struct inode *inode;
	struct address_space *mapping;
	u8 *store;
	loff_t size;
	unsigned int reads;
	unsigned int readaheads;
	unsigned int pages_read;
	unsigned int pages_written;
	bool fail_reads;
	bool fail_writes;
};

/* The byte a fresh store holds at @pos. */
static inline u8 vpm_test_pattern(loff_t pos)
{
	return (u8)(pos * 7 + (pos >> 12) * 13 + 1);
}

/* Run @fn(@arg) when the test ends; fail the test if that cannot be. */
static inline void vpm_test_defer(struct kunit *test, kunit_action_t *fn,
				  void *arg)
{
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fn, arg), 0);
}

struct vpm_test_mapping *vpm_test_mapping_create(struct kunit *test,
						 loff_t size);
struct vpm_cache *vpm_test_cache_create(struct kunit *test,
					unsigned long nentries,
					unsigned int nfreelist);
int vpm_test_folio_refs(struct vpm_test_mapping *tm, pgoff_t index);
void vpm_test_write_pages(struct kunit *test, struct address_space *mapping,
			  pgoff_t index, unsigned int nr, u8 fill);

#endif /* _VPM_TEST_H */
