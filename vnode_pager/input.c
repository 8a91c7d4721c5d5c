// SPDX-License-Identifier: GPL-2.0
/*
 * vnode_pager: input (the seed's vnode_pager_input(), _input_smlfs() and
 * _input_old()).
 *
 * A read of one page pages in a window around it: the pages before and
 * after it that are not in the page cache yet, up to vpm_pager_cluster
 * pages in all.  The part up to and including the requested page is read
 * synchronously, the read-ahead part asynchronously: its bios end in
 * bi_end_io, which marks the pages uptodate (or not, on error) and unlocks
 * them.  Pages whose blocks are not contiguous with their neighbours are
 * read by bios of their own, never dropped.  The readahead operation reads
 * its whole batch asynchronously.  Objects on the old path read through
 * the backing file with one vfs_iter_read() per batch.
 */

#include <linux/bvec.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/moduleparam.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include "vpm_compat.h"
#include "internal.h"
#include "trace/events/vpm.h"

unsigned int vnode_pager_cluster = 32;

static int vnp_cluster_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;
	int err = kstrtouint(val, 0, &n);

	if (err)
		return err;
	if (n < 1 || n > VNP_MAX_BATCH)
		return -EINVAL;
	WRITE_ONCE(vnode_pager_cluster, n);
	return 0;
}

static const struct kernel_param_ops vnp_cluster_ops = {
	.set = vnp_cluster_set,
	.get = param_get_uint,
};
module_param_cb(vpm_pager_cluster, &vnp_cluster_ops, &vnode_pager_cluster,
		0644);
MODULE_PARM_DESC(vpm_pager_cluster,
		 "Pages paged in around a requested page, 1-256; may change at any time (default: 32)");

/**
 * vnp_old_rw() - move a batch through the backing file (the old path)
 * @vnp: the pager
 * @folios: index-contiguous folios, locked or under writeback
 * @nr: how many
 * @write: write them, else read them
 *
 * One vfs_iter_read()/vfs_iter_write() covers the batch, up to the end of
 * the object.  A short read is zero-filled.  The I/O runs with the
 * credentials the backing file was opened with.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno; -EIO for a short write.
 */
int vnp_old_rw(struct vnode_pager *vnp, struct folio **folios,
	       unsigned int nr, bool write)
{
	loff_t size = i_size_read(vnp->inode);
	loff_t pos = folio_pos(folios[0]);
	const struct cred *old_cred;
	struct bio_vec *bv;
	struct iov_iter iter;
	size_t len = 0;
	unsigned int i, n = 0;
	ssize_t done;

	bv = kmalloc_array(nr, sizeof(*bv), GFP_NOIO);
	if (!bv)
		return -ENOMEM;
	for (i = 0; i < nr && pos + len < size; i++) {
		size_t part = min_t(loff_t, folio_size(folios[i]),
				    size - pos - len);

		bvec_set_folio(&bv[n++], folios[i], part, 0);
		len += part;
	}
	vnp_stat_inc(vnp, VNP_STAT_OLD_OPS);
	iov_iter_bvec(&iter, write ? ITER_SOURCE : ITER_DEST, bv, n, len);
	old_cred = override_creds(vnp->backing->f_cred);
	if (write)
		done = vfs_iter_write(vnp->backing, &iter, &pos, 0);
	else
		done = vfs_iter_read(vnp->backing, &iter, &pos, 0);
	revert_creds(old_cred);
	kfree(bv);
	if (done < 0)
		return done;
	if (write)
		return done == len ? 0 : -EIO;
	/* Zero what the file did not return, and the rest beyond the end. */
	for (i = 0; i < nr; i++) {
		loff_t start = folio_pos(folios[i]) - folio_pos(folios[0]);

		if (start + folio_size(folios[i]) > done)
			folio_zero_segment(folios[i],
					   max_t(loff_t, done - start, 0),
					   folio_size(folios[i]));
	}
	return 0;
}

/* Read a batch on the old path and end the reads. */
static int vnp_old_read(struct vnode_pager *vnp, struct folio **folios,
			unsigned int nr)
{
	int err = vnp_old_rw(vnp, folios, nr, false);
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (err)
			vnp_stat_inc(vnp, VNP_STAT_IO_ERRORS);
		folio_end_read(folios[i], !err);
	}
	return err;
}

static void vnp_count_input(struct vnode_pager *vnp, unsigned int nr)
{
	vnp_stat_inc(vnp, VNP_STAT_VNODEIN);
	vnode_pager_stat_add(vnp, VNP_STAT_VNODEPGSIN, nr);
	if (vnp->path == VNODE_PAGER_SMALL_BLOCK)
		vnp_stat_inc(vnp, VNP_STAT_SMALL_BLOCK_OPS);
}

/**
 * vnode_pager_readahead() - the readahead operation: read a batch async
 * @rac: the folios to read, locked and not uptodate
 */
void vnode_pager_readahead(struct readahead_control *rac)
{
	struct vnode_pager *vnp = vnp_of(rac->mapping);
	unsigned int left = readahead_count(rac);

	/* readahead_count() lags one folio behind readahead_folio(). */
	while (left) {
		unsigned int nr = min_t(unsigned int, left, VNP_MAX_BATCH);
		struct vnp_io *io;
		unsigned int i;
		pgoff_t first;

		left -= nr;
		io = vnp_io_alloc(vnp, nr, false, GFP_NOIO);
		if (!io) {
			/*
			 * Leave the pages unread (not uptodate) for read_folio
			 * to try again; consume them here, as a caller with no
			 * file_ra_state cannot clean them up.
			 */
			struct folio *folio;

			while ((folio = readahead_folio(rac)))
				folio_unlock(folio);
			return;
		}
		for (i = 0; i < nr; i++)
			io->folios[i] = readahead_folio(rac);
		vnp_count_input(vnp, nr);
		vnode_pager_stat_add(vnp, VNP_STAT_READAHEAD_PAGES, nr);
		first = io->folios[0]->index;	/* before they may go */
		if (vnp->path == VNODE_PAGER_OLD) {
			vnp_old_read(vnp, io->folios, nr);
			trace_vpm_readahead(vnp->id, first, nr, 0);
			vnp_io_free(io);
			continue;
		}
		vnp_io_submit(io, false);
		trace_vpm_readahead(vnp->id, first, nr, io->bios);
		vnp_io_release(io);
	}
}

/* A new locked folio at @index, or NULL if one exists or none can be had. */
static struct folio *vnp_grab_new(struct address_space *mapping,
				  pgoff_t index)
{
	gfp_t gfp = mapping_gfp_mask(mapping) | __GFP_NORETRY | __GFP_NOWARN;
	struct folio *folio = vpm_filemap_get_folio(mapping, index);

	if (!IS_ERR(folio)) {
		folio_put(folio);
		return NULL;
	}
	folio = filemap_alloc_folio(gfp, 0);
	if (!folio)
		return NULL;
	if (filemap_add_folio(mapping, folio, index, gfp)) {
		folio_put(folio);
		return NULL;
	}
	return folio;
}

/*
 * Fill @win (room for @behind + 1 + @ahead) with the folios before @req
 * that were not in the page cache, @req, and those after it: returns how
 * many, and the position of @req.
 */
static unsigned int vnp_window(struct vnode_pager *vnp, struct folio *req,
			       unsigned int behind, unsigned int ahead,
			       struct folio **win, unsigned int *reqpos)
{
	struct address_space *mapping = vnode_pager_mapping(vnp);
	loff_t size = i_size_read(vnp->inode);
	pgoff_t last = size ? (size - 1) >> PAGE_SHIFT : 0;
	unsigned int nb = 0, n, k;

	/* Backwards from @req, stored from the end of the behind part. */
	for (k = 1; k <= behind && k <= req->index; k++) {
		struct folio *f = vnp_grab_new(mapping, req->index - k);

		if (!f)
			break;
		win[behind - ++nb] = f;
	}
	memmove(win, win + behind - nb, nb * sizeof(*win));
	n = nb;
	*reqpos = n;
	win[n++] = req;
	for (k = 1; k <= ahead && req->index + k <= last; k++) {
		struct folio *f = vnp_grab_new(mapping, req->index + k);

		if (!f)
			break;
		win[n++] = f;
	}
	return n;
}

/* Start an async read of @nr folios; on failure leave them unread. */
static unsigned int vnp_read_async(struct vnode_pager *vnp,
				   struct folio **folios, unsigned int nr)
{
	struct vnp_io *io;
	unsigned int i, bios;

	io = vnp_io_alloc(vnp, nr, false, GFP_NOIO);
	if (!io) {
		for (i = 0; i < nr; i++)
			folio_unlock(folios[i]);
		return 0;
	}
	memcpy(io->folios, folios, nr * sizeof(*folios));
	vnode_pager_stat_add(vnp, VNP_STAT_READAHEAD_PAGES, nr);
	vnp_io_submit(io, false);
	bios = io->bios;
	vnp_io_release(io);
	return bios;
}

/*
 * Page in @req (locked, not uptodate) and a window around it; wait for the
 * part up to and including @req, read the rest ahead.  Ends the read of
 * @req.  Returns its result; *@behind and *@ahead, the pages wanted on
 * either side, become the pages read there, and *@bios the bios used.
 */
static int vnode_pager_input(struct vnode_pager *vnp, struct folio *req,
			     unsigned int *behind, unsigned int *ahead,
			     unsigned int *bios)
{
	unsigned int nb = min(*behind, VNP_MAX_BATCH - 1);
	unsigned int na = min(*ahead, VNP_MAX_BATCH);
	struct folio **win;
	unsigned int n, r, i;
	struct vnp_io *io;
	int err = 0;

	/* The synchronous part and the read-ahead part are one batch each. */
	win = kmalloc_array(nb + 1 + na, sizeof(*win), GFP_NOIO);
	if (!win) {
		nb = 0;
		na = 0;
		win = &req;
	}
	n = vnp_window(vnp, req, nb, na, win, &r);
	vnp_count_input(vnp, n);
	*behind = r;
	*ahead = n - r - 1;
	*bios = 0;

	if (vnp->path == VNODE_PAGER_OLD) {
		err = vnp_old_read(vnp, win, n);
		goto out_put;
	}

	io = vnp_io_alloc(vnp, r + 1, false, GFP_NOIO);
	if (!io) {
		for (i = 0; i < n; i++)
			folio_unlock(win[i]);
		err = -ENOMEM;
		goto out_put;
	}
	memcpy(io->folios, win, (r + 1) * sizeof(*win));
	vnp_io_submit(io, true);
	if (n > r + 1)
		*bios += vnp_read_async(vnp, win + r + 1, n - r - 1);
	vnp_io_wait(io);
	*bios += io->bios;
	if (vnp_io_failed(io, r))
		err = -EIO;
	vnp_read_done(io);

out_put:
	trace_vpm_getpages(vnp->id, req->index, nb, na, *behind, *ahead,
			   *bios, err);
	/* Our references on the neighbours; the page cache keeps its own. */
	for (i = 0; i < n; i++)
		if (win[i] != req)
			folio_put(win[i]);
	if (win != &req)
		kfree(win);
	return err;
}

/**
 * vnode_pager_read_folio() - the read_folio operation
 * @file: unused
 * @folio: locked, not uptodate
 *
 * Return: 0, or the error of the read (the folio is unlocked either way).
 */
int vnode_pager_read_folio(struct file *file, struct folio *folio)
{
	struct vnode_pager *vnp = vnp_of(folio->mapping);
	unsigned int cluster = READ_ONCE(vnode_pager_cluster);
	unsigned int behind = cluster / 4, ahead = cluster - 1 - behind;
	unsigned int bios;

	return vnode_pager_input(vnp, folio, &behind, &ahead, &bios);
}

/**
 * vnode_pager_getpages_window() - page in a run around one page, say what
 *	was read
 * @vnp: the pager
 * @index: the requested page
 * @behind: in: pages before it to read too, if not cached; out: read
 * @ahead: in: pages after it to read ahead, if not cached; out: read
 * @pages: set to the pages read (0 if @index was uptodate)
 * @bios: set to the bios submitted
 *
 * The seed's getpages with its in-out rbehind and rahead: the window
 * stops at the first page on either side already in the page cache, at
 * the end of the object and at 256 pages each way.
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL beyond the end of the object; -EIO when the requested
 * page could not be read; -ENOMEM.
 */
int vnode_pager_getpages_window(struct vnode_pager *vnp, pgoff_t index,
				unsigned int *behind, unsigned int *ahead,
				unsigned int *pages, unsigned int *bios)
{
	struct address_space *mapping = vnode_pager_mapping(vnp);
	struct folio *folio;
	int err = 0;

	*pages = 0;
	*bios = 0;
	if ((loff_t)index << PAGE_SHIFT >= i_size_read(vnp->inode))
		return -EINVAL;
	folio = vpm_grab_folio(mapping, index, false);
	if (IS_ERR(folio))
		return PTR_ERR(folio);
	if (folio_test_uptodate(folio)) {
		folio_unlock(folio);
		*behind = 0;
		*ahead = 0;
	} else {
		err = vnode_pager_input(vnp, folio, behind, ahead, bios);
		*pages = *behind + 1 + *ahead;
	}
	folio_put(folio);
	return err;
}

/**
 * vnode_pager_getpages() - page in a run around one page
 * @vnp: the pager
 * @index: the requested page
 * @behind: pages before it to read too, if not cached
 * @ahead: pages after it to read ahead, if not cached
 * @pages: set to the pages read (0 if @index was uptodate)
 * @bios: set to the bios submitted
 *
 * Context: process context, may sleep.
 * Return: as vnode_pager_getpages_window().
 */
int vnode_pager_getpages(struct vnode_pager *vnp, pgoff_t index,
			 unsigned int behind, unsigned int ahead,
			 unsigned int *pages, unsigned int *bios)
{
	return vnode_pager_getpages_window(vnp, index, &behind, &ahead, pages,
					   bios);
}
