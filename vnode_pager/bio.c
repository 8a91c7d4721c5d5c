// SPDX-License-Identifier: GPL-2.0
/*
 * vnode_pager: bios for a batch of pages (the seed's getpbuf,
 * pmap_qenter and VOP_STRATEGY).
 *
 * A batch is a run of folios with consecutive indices, locked for a read
 * or under writeback for a write.  vnp_io_submit() walks it block by block
 * (a page, or the file system's smaller block) and adds each block to the
 * current bio while the blocks stay contiguous on the disk; a block that
 * is not contiguous, or a bio that bio_add_folio() cannot grow, starts a
 * new bio.  So a contiguous batch goes out as one bio (up to 1 MiB, the
 * batch limit), and blocks smaller than a page are merged across pages.
 * Holes are never read or written: a read zeroes them.  A block the extent
 * map does not place fails its page: -EIO, never zeros.
 *
 * Completion: every bio holds a reference on the batch; a failed bio
 * marks its folios failed.  The last reference either wakes the submitter
 * or, for read-ahead, ends the reads itself: pages uptodate and unlocked,
 * or unlocked and not uptodate after an error.
 */

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/highmem.h>
#include <linux/slab.h>

#include "internal.h"
#include "vpm_compat.h"
#include "trace/events/vpm.h"

/**
 * vnp_io_alloc() - a batch for @nr index-contiguous folios
 * @vnp: the pager
 * @nr: number of folios, at most VNP_MAX_BATCH
 * @write: for writing
 * @gfp: allocation flags (GFP_NOIO in the I/O path)
 *
 * Return: the batch, its folios to be filled in by the caller, or NULL.
 */
struct vnp_io *vnp_io_alloc(struct vnode_pager *vnp, unsigned int nr,
			    bool write, gfp_t gfp)
{
	struct vnp_io *io;

	io = kzalloc(struct_size(io, folios, nr), gfp);
	if (!io)
		return NULL;
	io->failed = bitmap_zalloc(nr, gfp);
	if (!io->failed) {
		kfree(io);
		return NULL;
	}
	io->vnp = vnp;
	io->nr = nr;
	io->write = write;
	atomic_set(&io->pending, 1);
	return io;
}

/**
 * vnp_io_free() - free a batch
 * @io: the batch; its folios are not touched
 */
void vnp_io_free(struct vnp_io *io)
{
	bitmap_free(io->failed);
	kfree(io);
}

/**
 * vnp_io_failed() - did the I/O of one folio of a finished batch fail?
 * @io: the batch
 * @i: the folio's position in the batch
 *
 * Return: true if a bio covering the folio failed.
 */
bool vnp_io_failed(struct vnp_io *io, unsigned int i)
{
	return test_bit(i, io->failed);
}

/**
 * vnp_read_done() - end the reads of a finished batch and free it
 * @io: the batch
 *
 * Context: any context, bio completion included.
 */
void vnp_read_done(struct vnp_io *io)
{
	unsigned int i;

	for (i = 0; i < io->nr; i++) {
		bool ok = !vnp_io_failed(io, i);

		if (!ok)
			vnp_stat_inc(io->vnp, VNP_STAT_IO_ERRORS);
		folio_end_read(io->folios[i], ok);
	}
	vnp_io_free(io);
}

static void vnp_io_put(struct vnp_io *io)
{
	if (!atomic_dec_and_test(&io->pending))
		return;
	if (io->sync)
		complete(&io->done);
	else
		vnp_read_done(io);
}

static void vnp_end_io(struct bio *bio)
{
	struct vnp_io *io = bio->bi_private;
	struct folio_iter fi;

	trace_vpm_bio_done(io->vnp->id, bio);
	if (bio->bi_status) {
		pgoff_t first = io->folios[0]->index;

		bio_for_each_folio_all(fi, bio)
			set_bit(fi.folio->index - first, io->failed);
	}
	bio_put(bio);
	vnp_io_put(io);
}

/* The bio being built for a batch, and where its next block must lie. */
struct vnp_builder {
	struct vnp_io *io;
	blk_opf_t opf;
	struct bio *bio;
	sector_t next;
	struct folio *last;
	unsigned int pages;
};

static void vnp_submit(struct vnp_builder *b)
{
	struct vnode_pager *vnp = b->io->vnp;

	if (!b->bio)
		return;
	vnp_stat_inc(vnp, b->io->write ? VNP_STAT_BIOS_WRITE :
					 VNP_STAT_BIOS_READ);
	vnp_stat_hist(vnp, b->pages);
	b->io->bios++;
	atomic_inc(&b->io->pending);
	trace_vpm_bio_submit(vnp->id, b->bio, b->pages);
	submit_bio(b->bio);
	b->bio = NULL;
}

/* Add @len bytes at @off of @folio, which lie at @sector, to the bios. */
static void vnp_add_block(struct vnp_builder *b, unsigned int i,
			  struct folio *folio, size_t off, size_t len,
			  sector_t sector)
{
	if (b->bio && sector == b->next &&
	    vpm_bio_add_folio(b->bio, folio, len, off))
		goto added;
	vnp_submit(b);
	b->bio = bio_alloc(b->io->vnp->bdev,
			   bio_max_segs(b->io->nr - i), b->opf, GFP_NOIO);
	b->bio->bi_iter.bi_sector = sector;
	b->bio->bi_end_io = vnp_end_io;
	b->bio->bi_private = b->io;
	b->pages = 0;
	b->last = NULL;
	/* A new bio has room for a block of one folio. */
	if (!vpm_bio_add_folio(b->bio, folio, len, off))
		WARN_ON_ONCE(1);
added:
	if (b->last != folio) {
		b->last = folio;
		b->pages++;
	}
	b->next = sector + (len >> SECTOR_SHIFT);
}

/*
 * Walk one folio block by block; returns false if a block has no place on
 * the disk (a write of a hole, or a block outside the extent map).
 */
static bool vnp_build_folio(struct vnp_builder *b, unsigned int i)
{
	struct vnode_pager *vnp = b->io->vnp;
	struct folio *folio = b->io->folios[i];
	unsigned int unit = vnp_unit(vnp);
	loff_t size = i_size_read(vnp->inode);
	loff_t pos = folio_pos(folio);
	size_t off;

	for (off = 0; off < folio_size(folio); off += unit) {
		enum vnp_where where;
		size_t len = unit;
		sector_t sector;

		if (pos + off >= size) {
			/* Beyond the end: nothing to read or write. */
			if (!b->io->write)
				folio_zero_segment(folio, off, folio_size(folio));
			break;
		}
		/* The device may end inside a page, on a sector boundary. */
		if (pos + off + len > size &&
		    S_ISBLK(file_inode(vnp->backing)->i_mode)) {
			len = size - pos - off;
			if (!b->io->write)
				folio_zero_segment(folio, off + len,
						   folio_size(folio));
		}
		where = vnp_map_pos(vnp, pos + off, &sector);
		if (where == VNP_UNMAPPED || (where == VNP_HOLE && b->io->write))
			return false;
		if (where == VNP_HOLE) {
			folio_zero_segment(folio, off, off + len);
			vnp_stat_inc(vnp, VNP_STAT_HOLE_BLOCKS);
			/* A hole ends the disk run. */
			vnp_submit(b);
			continue;
		}
		vnp_add_block(b, i, folio, off, len, sector);
	}
	return true;
}

/**
 * vnp_io_submit() - submit the bios of a batch
 * @io: the batch, folios filled in
 * @sync: the caller will wait with vnp_io_wait(); else (reads only) it
 *	calls vnp_io_release() and the last completion ends the reads and
 *	frees the batch
 *
 * For a read, parts of pages beyond the end of the object and holes are
 * zeroed.  A page with a block the extent map does not place (or, for a
 * write, a hole: a file attached for writing has none) is not read or
 * written and is marked failed: an I/O error, never zeros.
 * The caller still holds its reference on the batch afterwards, so it may
 * read @io->bios.
 *
 * Context: process context, may sleep.
 */
void vnp_io_submit(struct vnp_io *io, bool sync)
{
	struct vnp_builder b = {
		.io = io,
		.opf = (io->write ? REQ_OP_WRITE : REQ_OP_READ) | io->opf_flags,
	};
	struct blk_plug plug;
	unsigned int i;

	io->sync = sync;
	if (sync)
		init_completion(&io->done);
	blk_start_plug(&plug);
	for (i = 0; i < io->nr; i++) {
		if (!vnp_build_folio(&b, i)) {
			vnp_submit(&b);
			set_bit(i, io->failed);
		}
	}
	vnp_submit(&b);
	blk_finish_plug(&plug);
}

/**
 * vnp_io_wait() - wait for every bio of a synchronous batch
 * @io: the batch, submitted with @sync
 *
 * Context: process context, sleeps.
 */
void vnp_io_wait(struct vnp_io *io)
{
	vnp_io_put(io);
	wait_for_completion_io(&io->done);
}

/**
 * vnp_io_release() - let an asynchronous read batch finish on its own
 * @io: the batch, submitted without @sync; not to be touched afterwards
 */
void vnp_io_release(struct vnp_io *io)
{
	vnp_io_put(io);
}
