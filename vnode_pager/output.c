// SPDX-License-Identifier: GPL-2.0
/*
 * vnode_pager: output (the seed's vnode_pager_output(), _output_smlfs()
 * and _output_old()).
 *
 * Writeback gathers dirty pages with consecutive indices into a batch of
 * up to VNP_MAX_BATCH pages and writes it with one bio per run of blocks
 * contiguous on the disk, waiting for all of them.  Each page then has a
 * result: OK; BAD when it lies beyond the end of the object (skipped);
 * ERROR when its write failed.  When a batch of more than one page fails,
 * every failed page is tried again alone (the seed's retryoutput); a page
 * that still fails stays dirty and the error is recorded on the mapping,
 * so fsync() returns -EIO and a later writeback tries the page again: no
 * write is silently lost.  Writeback of a file-backed object stays off a
 * frozen file system.  Only when the device has been removed are the
 * pages that failed left clean: they can never be written, and keeping them
 * dirty would block every writer on the dirty limits.  What stays dirty is
 * counted for detach (vnode_pager_count_dirty()): it refuses, or with
 * force reports the bytes it drops.
 */

#include <linux/blkdev.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/writeback.h>
#include <linux/xarray.h>

#include "internal.h"
#include "trace/events/vpm.h"

/* Write @nr folios (under writeback) once; results in @res. */
static void vnp_write_once(struct vnode_pager *vnp, struct folio **folios,
			   unsigned int nr, blk_opf_t opf_flags,
			   enum vnp_result *res)
{
	struct vnp_io *io;
	unsigned int i;
	int err;

	if (vnp->path == VNODE_PAGER_OLD) {
		err = vnp_old_rw(vnp, folios, nr, true);
		for (i = 0; i < nr; i++)
			res[i] = err ? VNP_ERROR : VNP_OK;
		return;
	}
	io = vnp_io_alloc(vnp, nr, true, GFP_NOIO);
	if (!io) {
		for (i = 0; i < nr; i++)
			res[i] = VNP_AGAIN;
		return;
	}
	memcpy(io->folios, folios, nr * sizeof(*folios));
	io->opf_flags = opf_flags;
	vnp_io_submit(io, true);
	vnp_io_wait(io);
	for (i = 0; i < nr; i++)
		res[i] = vnp_io_failed(io, i) ? VNP_ERROR : VNP_OK;
	vnp_io_free(io);
}

/*
 * Write a batch: everything first, then each failed page alone if the
 * batch had more than one page.
 */
static void vnode_pager_output(struct vnode_pager *vnp,
			       struct folio **folios, unsigned int nr,
			       blk_opf_t opf_flags, enum vnp_result *res)
{
	unsigned int i;

	vnp_stat_inc(vnp, VNP_STAT_VNODEOUT);
	vnode_pager_stat_add(vnp, VNP_STAT_VNODEPGSOUT, nr);
	if (vnp->path == VNODE_PAGER_SMALL_BLOCK)
		vnp_stat_inc(vnp, VNP_STAT_SMALL_BLOCK_OPS);
	vnp_write_once(vnp, folios, nr, opf_flags, res);
	if (trace_vpm_writeback_batch_enabled()) {
		unsigned int failed = 0;

		for (i = 0; i < nr; i++)
			failed += res[i] == VNP_ERROR || res[i] == VNP_AGAIN;
		trace_vpm_writeback_batch(vnp->id, folios[0]->index, nr,
					  opf_flags & REQ_SYNC, failed);
	}
	if (nr == 1)
		return;
	for (i = 0; i < nr; i++) {
		if (res[i] != VNP_ERROR && res[i] != VNP_AGAIN)
			continue;
		vnp_stat_inc(vnp, VNP_STAT_RETRIES);
		vnp_write_once(vnp, &folios[i], 1, opf_flags, &res[i]);
		trace_vpm_writeback_retry(vnp->id, folios[i]->index,
					  res[i] == VNP_OK);
	}
}

/* Keep the backing file's own page cache from showing stale blocks. */
static void vnp_invalidate_backing(struct vnode_pager *vnp, loff_t start,
				   loff_t end)
{
	if (vnp->path == VNODE_PAGER_OLD)
		return;
	invalidate_mapping_pages(vnp->backing->f_mapping, start >> PAGE_SHIFT,
				 end >> PAGE_SHIFT);
}

/* A batch being gathered by writepages, and the results of its pages. */
struct vnp_wb {
	struct vnode_pager *vnp;
	unsigned int max;
	unsigned int nr;
	struct folio **folios;
	enum vnp_result *res;
	int ret;
};

/* Write a gathered batch and finish the writeback of its folios. */
static int vnp_flush(struct vnode_pager *vnp, struct vnp_wb *wb,
		     struct writeback_control *wbc)
{
	struct address_space *mapping = vnode_pager_mapping(vnp);
	unsigned int i;
	bool dead;
	int err = 0;

	vnode_pager_output(vnp, wb->folios, wb->nr,
			   wbc->sync_mode == WB_SYNC_ALL ? REQ_SYNC : 0,
			   wb->res);
	/* A removed device will never take the pages: do not keep them. */
	dead = vnode_pager_dead(vnp);
	for (i = 0; i < wb->nr; i++) {
		struct folio *folio = wb->folios[i];

		if (wb->res[i] == VNP_ERROR) {
			vnp_stat_inc(vnp, VNP_STAT_IO_ERRORS);
			mapping_set_error(mapping, -EIO);
			err = -EIO;
		} else if (wb->res[i] == VNP_AGAIN && !err) {
			/* No memory for the I/O: do_writepages() tries again. */
			err = -ENOMEM;
		}
		/* Still dirty: a later writeback tries again. */
		if (wb->res[i] != VNP_OK && !dead)
			folio_mark_dirty(folio);
		folio_end_writeback(folio);
	}
	vnp_invalidate_backing(vnp, folio_pos(wb->folios[0]),
			       folio_pos(wb->folios[wb->nr - 1]));
	wb->nr = 0;
	return err;
}

/*
 * Take one folio of the writeback (locked, its dirty bit cleared) into the
 * batch, writing the batch first if the folio does not continue it.
 */
static void vnp_wb_add(struct folio *folio, struct writeback_control *wbc,
		       struct vnp_wb *wb)
{
	if (folio_pos(folio) >= i_size_read(folio->mapping->host)) {
		/* Beyond the end (the seed's BAD): nothing to write. */
		vnp_stat_inc(wb->vnp, VNP_STAT_BAD_PAGES);
		folio_unlock(folio);
		return;
	}
	if (wb->nr && (wb->nr == wb->max ||
		       folio->index != wb->folios[wb->nr - 1]->index + 1))
		wb->ret = vnp_flush(wb->vnp, wb, wbc) ?: wb->ret;
	folio_start_writeback(folio);
	folio_unlock(folio);
	wb->folios[wb->nr++] = folio;
}

#ifndef VPM_HAVE_WRITEBACK_ITER
/* 6.10, "writeback: add a writeback iterator": a callback before. */
static int vnp_wb_page(struct page *page, struct writeback_control *wbc,
		       void *data)
{
	vnp_wb_add(page_folio(page), wbc, data);
	return 0;
}
#endif

/*
 * Writeback of a file-backed object writes to the file's file system:
 * none once it is frozen.  Only the fsync of an object (a data-integrity
 * writeback that is not sync(2)) waits for the thaw; background writeback
 * and sync(2) leave the pages dirty for later, so that one frozen file
 * system never holds up the flusher that writes every object back.  Bios
 * hold off only the last stage of a freeze (SB_FREEZE_FS), as the file
 * system's own writeback does; on the old path vfs_iter_write() takes the
 * file system's freeze protection itself.  Returns false to skip this
 * writeback; *@held says whether vnp_wb_end() must let go.
 */
static bool vnp_wb_start(struct vnode_pager *vnp,
			 struct writeback_control *wbc, bool *held)
{
	struct inode *binode = file_inode(vnp->backing);
	struct super_block *sb = binode->i_sb;
	bool wait = wbc->sync_mode == WB_SYNC_ALL && !wbc->for_sync;

	*held = false;
	if (!S_ISREG(binode->i_mode))
		return true;
	if (!vnp->denied_writes)
		return wait || READ_ONCE(sb->s_writers.frozen) == SB_UNFROZEN;
	if (wait)
		sb_start_intwrite(sb);
	else if (!sb_start_intwrite_trylock(sb))
		return false;
	*held = true;
	return true;
}

static void vnp_wb_end(struct vnode_pager *vnp, bool held)
{
	if (held)
		sb_end_intwrite(file_inode(vnp->backing)->i_sb);
}

/**
 * vnode_pager_writepages() - the writepages operation
 * @mapping: the object's page cache
 * @wbc: what to write
 *
 * Context: process context, may sleep; for an fsync, waits while the
 * backing file's file system is frozen (other writeback skips it).
 * Return: 0, or -EIO when a page could not be written (it stays dirty).
 */
int vnode_pager_writepages(struct address_space *mapping,
			   struct writeback_control *wbc)
{
	struct vnp_wb wb = { .vnp = vnp_of(mapping), .max = VNP_MAX_BATCH };
	struct folio *one_folio;
	enum vnp_result one_res;
	bool held;
	int err = 0;

	if (!vnp_wb_start(wb.vnp, wbc, &held))
		return 0;
	wb.folios = kmalloc_array(wb.max, sizeof(*wb.folios), GFP_NOIO);
	wb.res = kmalloc_array(wb.max, sizeof(*wb.res), GFP_NOIO);
	if (!wb.folios || !wb.res) {
		/* Short of memory: write one page at a time. */
		kfree(wb.folios);
		kfree(wb.res);
		wb.max = 1;
		wb.folios = &one_folio;
		wb.res = &one_res;
	}

#ifdef VPM_HAVE_WRITEBACK_ITER
	{
		struct folio *folio = NULL;

		while ((folio = writeback_iter(mapping, wbc, folio, &err)))
			vnp_wb_add(folio, wbc, &wb);
	}
#else
	err = write_cache_pages(mapping, wbc, vnp_wb_page, &wb);
#endif
	if (wb.nr)
		wb.ret = vnp_flush(wb.vnp, &wb, wbc) ?: wb.ret;
	if (wb.max > 1) {
		kfree(wb.folios);
		kfree(wb.res);
	}
	vnp_wb_end(wb.vnp, held);
	return err ?: wb.ret;
}

/**
 * vnode_pager_count_dirty() - how much of an object is dirty in memory
 * @vnp: the pager
 * @bytes: set to the dirty bytes within the object's size
 *
 * Walks the folios tagged dirty in the object's page cache without taking
 * them: a snapshot, exact while nobody writes to the object and no
 * writeback runs (a detach, once its own writeback is over).
 *
 * Context: process context; takes the RCU read lock.
 * Return: the number of dirty pages.
 */
unsigned long vnode_pager_count_dirty(struct vnode_pager *vnp, u64 *bytes)
{
	struct address_space *mapping = vnode_pager_mapping(vnp);
	XA_STATE(xas, &mapping->i_pages, 0);
	loff_t size = i_size_read(vnp->inode);
	unsigned long pages = 0;
	struct folio *folio;

	*bytes = 0;
	rcu_read_lock();
	xas_for_each_marked(&xas, folio, ULONG_MAX, PAGECACHE_TAG_DIRTY) {
		loff_t pos;

		if (xas_retry(&xas, folio) || xa_is_value(folio))
			continue;
		pos = folio_pos(folio);
		pages += folio_nr_pages(folio);
		if (pos < size)
			*bytes += min_t(loff_t, folio_size(folio), size - pos);
		if (need_resched()) {
			xas_pause(&xas);
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
		}
	}
	rcu_read_unlock();
	return pages;
}
