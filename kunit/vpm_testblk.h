/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpm_testblk: a memory-backed block device for the pager's KUnit suites
 * that records every bio it receives and fails chosen sectors.
 */
#ifndef _VPM_TESTBLK_H
#define _VPM_TESTBLK_H

#include <kunit/test.h>
#include <linux/bio.h>
#include <linux/spinlock.h>

#define VPM_TESTBLK_LOG	256

/**
 * struct vpm_testblk_bio - what one bio asked for
 * @write: a write (else a read)
 * @sync: REQ_SYNC was set
 * @sector: first sector
 * @bytes: size
 * @pages: folios it covered
 */
struct vpm_testblk_bio {
	bool write;
	bool sync;
	sector_t sector;
	unsigned int bytes;
	unsigned int pages;
};

/**
 * struct vpm_testblk - one test disk
 * @disk: the gendisk
 * @file: an open of the disk for reading and writing, not exclusive
 * @store: the bytes of the disk
 * @lock: protects the log, @flushes and @held
 * @log: the bios received, in order
 * @nlog: entries in @log
 * @flushes: cache flushes received
 * @fail_reads: fail reads touching [@fail_start, @fail_end)
 * @fail_writes: fail writes touching [@fail_start, @fail_end)
 * @fail_start: first failing sector
 * @fail_end: sector after the last failing one
 * @hold_from: if not 0, read bios from this sector on are held back
 * @held: the held bios, until vpm_testblk_release_held()
 */
struct vpm_testblk {
	struct gendisk *disk;
	struct file *file;
	u8 *store;
	spinlock_t lock;	/* see above */
	struct vpm_testblk_bio log[VPM_TESTBLK_LOG];
	unsigned int nlog;
	unsigned int flushes;
	bool fail_reads;
	bool fail_writes;
	sector_t fail_start;
	sector_t fail_end;
	sector_t hold_from;
	struct bio_list held;
};

/* The byte a fresh disk holds at @pos. */
static inline u8 vpm_testblk_pattern(loff_t pos)
{
	return (u8)(pos * 11 + (pos >> 12) * 5 + 3);
}

struct vpm_testblk *vpm_testblk_create(struct kunit *test, sector_t sectors);
unsigned int vpm_testblk_release_held(struct vpm_testblk *tb);
void vpm_testblk_reset_log(struct vpm_testblk *tb);

#endif /* _VPM_TESTBLK_H */
