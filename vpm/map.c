// SPDX-License-Identifier: GPL-2.0
/*
 * vpm: the mapping interface, vpm_map_pages(), vpm_unmap_pages(),
 * vpm_data_copy() and vpm_sync_pages().
 *
 * A call maps at most VPMMAXPGS pages and at most nseg - 1: the last
 * entry of the scatter/gather list has a NULL vs_addr.  Each page is found
 * in the page cache (read through the mapping's read path when
 * fetchpage is set and a page is missing or not uptodate, or created
 * without reading when it is not), given its vpm cache entry, and mapped
 * with kmap_local_page(); unmapping goes in reverse order, as kmap_local
 * requires.
 *
 * Pages mapped for writing, and pages created by the call, are locked
 * from map to unmap, so nobody reads a page while it is being filled and
 * truncation waits for the copy.  Cache entries are taken before any page
 * is locked, and a thread sleeps for a free entry only for its first page,
 * holding nothing: a thread that holds entries or page locks never waits
 * for one, so exhaustion cannot deadlock.  When the cache is empty for a
 * later page, that page is mapped without an entry (counted as uncached).
 *
 * Page references: the lookup takes one; on a cache miss it passes to the
 * new entry, on a hit it is dropped (the entry already holds one), and a
 * page mapped without an entry keeps it until unmap.
 */

#include <linux/export.h>
#include <linux/highmem.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/swap.h>
#include <linux/uaccess.h>
#include <linux/uio.h>

#include "vpm_compat.h"
#include "vpm_internal.h"

/* vs_flags bits used inside vpm only. */
#define VPM_VS_DISCARD	0x100	/* written partly by a faulting copy */

/**
 * vpm_vmap_page() - the page behind one entry of a vpm mapping
 * @vs: an entry filled in by vpm_map_pages(), before vpm_unmap_pages()
 *
 * Return: the mapped page.
 */
struct page *vpm_vmap_page(const struct vmap *vs)
{
	if (vs->vs_flags & VPM_VS_CACHED)
		return ((struct vpmap *)vs->vs_data)->page;
	return vs->vs_data;
}
EXPORT_SYMBOL_GPL(vpm_vmap_page);

/* Drop what vpm_map_pages() took for one page; the page is unmapped. */
static void vpm_put_seg(struct vpm_cache *cache, struct vmap *vs)
{
	struct folio *folio = page_folio(vpm_vmap_page(vs));

	if (vs->vs_flags & VPM_VS_LOCKED)
		folio_unlock(folio);
	if (vs->vs_flags & VPM_VS_CACHED)
		vpm_put_vpmap(cache, vs->vs_data);
	else
		folio_put(folio);
	vs->vs_addr = NULL;
	vs->vs_data = NULL;
	vs->vs_flags = 0;
}

/* Tell the VM what happened to a page, then unmap and release it. */
static void vpm_unmap_seg(struct vpm_cache *cache, struct vmap *vs,
			  enum vpm_rw rw)
{
	struct folio *folio = page_folio(vpm_vmap_page(vs));

	kunmap_local(vs->vs_addr);
	if (rw == VPM_WRITE && !(vs->vs_flags & VPM_VS_DISCARD)) {
		if (!folio_test_uptodate(folio))
			folio_mark_uptodate(folio);
		folio_mark_dirty(folio);
	}
	folio_mark_accessed(folio);
	vpm_put_seg(cache, vs);
}

/**
 * __vpm_unmap_pages() - vpm_unmap_pages() on an explicit cache
 * @cache: the cache the pages were mapped with (NULL: none)
 * @vml: the list filled in by __vpm_map_pages()
 * @rw: VPM_READ or VPM_WRITE, as mapped
 */
void __vpm_unmap_pages(struct vpm_cache *cache, struct vmap *vml,
		       enum vpm_rw rw)
{
	int n = 0;

	while (vml[n].vs_addr)
		n++;
	/* kmap_local mappings are undone in reverse order. */
	while (n--)
		vpm_unmap_seg(cache, &vml[n], rw);
}

/*
 * Bring pages [index, index + nr) uptodate through the mapping's read
 * path, all at once (the seed's VOP_GETPAGE), and take a reference on each
 * folio in @folios.
 */
static int vpm_getpage(struct vpm_cache *cache,
		       struct address_space *mapping, pgoff_t index,
		       unsigned int nr, struct folio **folios)
{
	struct file_ra_state ra = { };
	DEFINE_READAHEAD(ractl, NULL, &ra, mapping, index);
	unsigned int i;

	page_cache_ra_unbounded(&ractl, nr, 0);
	for (i = 0; i < nr; i++) {
		struct folio *folio = read_mapping_folio(mapping, index + i,
							 NULL);

		if (IS_ERR(folio)) {
			if (cache)
				vpm_stat_inc(cache, VPM_STAT_GETPAGEFAILED);
			while (i--)
				folio_put(folios[i]);
			return PTR_ERR(folio);
		}
		folios[i] = folio;
	}
	return 0;
}

/* Is the page cached by the vpm cache (the seed's p_vpmref != 0)? */
static bool vpm_page_cached(struct vpm_cache *cache, struct page *page)
{
	bool cached;

	rcu_read_lock();
	cached = vpm_cache_lookup(cache, page);
	rcu_read_unlock();
	return cached;
}

/*
 * Find the pages with fetchpage set: use them if every one is in the page
 * cache, uptodate and cached by vpm, else read the whole range.
 */
static int vpm_lookup_pages(struct vpm_cache *cache,
			    struct address_space *mapping, pgoff_t index,
			    unsigned int nr, struct folio **folios)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		struct folio *folio = vpm_filemap_get_folio(mapping, index + i);

		if (IS_ERR(folio))
			break;
		if (!folio_test_uptodate(folio) ||
		    (cache && !vpm_page_cached(cache,
				folio_file_page(folio, index + i)))) {
			folio_put(folio);
			break;
		}
		folios[i] = folio;
	}
	if (i == nr)
		return 0;
	while (i--)
		folio_put(folios[i]);
	return vpm_getpage(cache, mapping, index, nr, folios);
}

/*
 * Find or create the pages without reading (the seed's vpm_pagecreate()).
 * A created page is left unlocked here and locked again with the others.
 */
static int vpm_create_pages(struct address_space *mapping, pgoff_t index,
			    unsigned int nr, struct folio **folios,
			    enum vpm_rw rw, int *newpage)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		struct folio *folio = vpm_filemap_get_folio(mapping, index + i);

		if (IS_ERR(folio)) {
			folio = vpm_grab_folio(mapping, index + i,
					       rw == VPM_WRITE);
			if (IS_ERR(folio)) {
				while (i--)
					folio_put(folios[i]);
				return PTR_ERR(folio);
			}
			folio_unlock(folio);
			if (newpage)
				*newpage = 1;
		}
		folios[i] = folio;
	}
	return 0;
}

/*
 * Lock a page that is written or not uptodate, and check that it is still
 * in @mapping.  Returns false if it was truncated meanwhile.
 */
static bool vpm_lock_seg(struct vmap *vs, struct address_space *mapping,
			 enum vpm_rw rw, int fetchpage)
{
	struct folio *folio = page_folio(vpm_vmap_page(vs));

	if (rw == VPM_READ && folio_test_uptodate(folio))
		return true;
	folio_lock(folio);
	vs->vs_flags |= VPM_VS_LOCKED;
	if (folio->mapping != mapping)
		return false;
	if (!folio_test_uptodate(folio)) {
		/* Read or created: a page read must have stayed uptodate. */
		if (fetchpage)
			return false;
		vs->vs_flags |= VPM_VS_NEW;
	}
	if (rw == VPM_WRITE)
		folio_wait_stable(folio);
	return true;
}

/*
 * Give each page its cache entry (or none), lock the pages that need it
 * and map them.  Consumes the references in @folios.  Returns -EAGAIN when
 * a page was truncated meanwhile: everything is released, call again.
 */
static int vpm_fill_vml(struct vpm_cache *cache,
			struct address_space *mapping, pgoff_t index,
			unsigned int nr, struct folio **folios,
			struct vmap *vml, int fetchpage, enum vpm_rw rw)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		struct page *page = folio_file_page(folios[i], index + i);
		struct vmap *vs = &vml[i];
		struct vpmap *vpm = NULL;
		bool hit = false;

		vs->vs_flags = 0;
		if (cache)
			vpm = vpm_get_vpmap(cache, page, mapping, index + i,
					    i == 0, &hit);
		if (vpm) {
			if (hit)
				folio_put(folios[i]);
			vs->vs_data = vpm;
			vs->vs_flags = VPM_VS_CACHED | (hit ? VPM_VS_HIT : 0);
		} else {
			if (cache)
				vpm_stat_inc(cache, VPM_STAT_UNCACHED);
			vs->vs_data = page;
		}
		vs->vs_len = PAGE_SIZE;
		vs->vs_addr = NULL;
	}

	/* Lock in index order, as everyone locks several folios. */
	for (i = 0; i < nr; i++)
		if (!vpm_lock_seg(&vml[i], mapping, rw, fetchpage))
			break;
	if (i < nr) {
		/* Truncated meanwhile: nothing is mapped yet, start over. */
		for (i = 0; i < nr; i++)
			vpm_put_seg(cache, &vml[i]);
		return -EAGAIN;
	}

	for (i = 0; i < nr; i++) {
		struct vmap *vs = &vml[i];

		vs->vs_addr = kmap_local_page(vpm_vmap_page(vs));
		/* A new page read by nobody must not show old memory. */
		if ((vs->vs_flags & VPM_VS_NEW) && rw == VPM_READ)
			memset(vs->vs_addr, 0, PAGE_SIZE);
	}
	vml[nr].vs_addr = NULL;
	vml[nr].vs_data = NULL;
	vml[nr].vs_flags = 0;
	return 0;
}

/**
 * __vpm_map_pages() - vpm_map_pages() on an explicit cache
 * @cache: the cache to use; NULL maps pages without cache entries
 * @mapping: see vpm_map_pages()
 * @off: see vpm_map_pages()
 * @len: see vpm_map_pages()
 * @fetchpage: see vpm_map_pages()
 * @vml: see vpm_map_pages()
 * @nseg: see vpm_map_pages()
 * @newpage: see vpm_map_pages()
 * @rw: see vpm_map_pages()
 *
 * Context: process context, may sleep.
 * Return: see vpm_map_pages().
 */
int __vpm_map_pages(struct vpm_cache *cache, struct address_space *mapping,
		    loff_t off, size_t len, int fetchpage, struct vmap *vml,
		    int nseg, int *newpage, enum vpm_rw rw)
{
	struct folio *folios[VPMMAXPGS];
	pgoff_t index;
	size_t tlen;
	unsigned int nr;
	int err;

	if (nseg < VPM_MINVMAPS || nseg > VPM_MAXVMAPS)
		return -EINVAL;
	vml[0].vs_addr = NULL;
	vml[0].vs_data = NULL;
	vml[0].vs_flags = 0;
	if (rw != VPM_READ && rw != VPM_WRITE)
		return -EINVAL;
	if (off < 0)
		return -EINVAL;
	len = min_t(size_t, len, VPMMAXLEN);
	if (off > MAX_LFS_FILESIZE - (loff_t)len)
		return -EFBIG;

	index = off >> PAGE_SHIFT;
	tlen = round_up(off + len, PAGE_SIZE) - ((loff_t)index << PAGE_SHIFT);
	tlen = min_t(size_t, tlen, VPMMAXLEN);
	tlen = min_t(size_t, tlen, (size_t)(nseg - 1) << PAGE_SHIFT);
	nr = tlen >> PAGE_SHIFT;
	if (!nr)
		return 0;

	do {
		if (fetchpage)
			err = vpm_lookup_pages(cache, mapping, index, nr,
					       folios);
		else
			err = vpm_create_pages(mapping, index, nr, folios, rw,
					       newpage);
		if (err)
			return err;
		err = vpm_fill_vml(cache, mapping, index, nr, folios, vml,
				   fetchpage, rw);
	} while (err == -EAGAIN);
	return err;
}

/**
 * vpm_map_pages() - map the pages of a file range into the kernel
 * @mapping: the address space
 * @off: byte offset of the range
 * @len: length of the range; clamped to VPMMAXLEN and to @nseg - 1 pages
 * @fetchpage: 1: read pages that are missing or not uptodate, through the
 *	mapping's read path, for the whole range at once; 0: create missing
 *	pages without reading them (reported in @newpage)
 * @vml: scatter/gather list of @nseg entries, filled with one entry per
 *	page (vs_addr, vs_len, vs_data, vs_flags) and ended by an entry
 *	whose vs_addr is NULL
 * @nseg: number of entries in @vml, VPM_MINVMAPS..VPM_MAXVMAPS
 * @newpage: if not NULL, set to 1 when a page was created (left alone
 *	otherwise)
 * @rw: VPM_READ, or VPM_WRITE: the pages are locked until unmapped
 *
 * A created page that nobody has read is zero-filled when mapped for
 * reading; when mapped for writing the caller must fill all of it.
 *
 * Context: process context, may sleep (for I/O, page locks, and, for the
 * first page only, a free cache entry).
 * Return: 0; -EINVAL for a bad @nseg, @rw or negative @off; -EFBIG when the
 * range ends beyond the largest file offset; -ENOMEM; the read error
 * (-EIO) of a page.  On error nothing stays mapped or held.
 */
int vpm_map_pages(struct address_space *mapping, loff_t off, size_t len,
		  int fetchpage, struct vmap *vml, int nseg, int *newpage,
		  enum vpm_rw rw)
{
	return __vpm_map_pages(vpm_cache, mapping, off, len, fetchpage, vml,
			       nseg, newpage, rw);
}
EXPORT_SYMBOL_GPL(vpm_map_pages);

/**
 * vpm_unmap_pages() - release pages mapped by vpm_map_pages()
 * @vml: the list vpm_map_pages() filled in
 * @rw: as mapped: VPM_READ marks the pages accessed; VPM_WRITE also
 *	marks them uptodate and dirty, and unlocks them
 *
 * Pages are unmapped in reverse order; each one's cache entry goes back to
 * its freelist's release queue when its last user unmaps it.  The list is
 * left empty.
 *
 * Context: process context.
 */
void vpm_unmap_pages(struct vmap *vml, enum vpm_rw rw)
{
	__vpm_unmap_pages(vpm_cache, vml, rw);
}
EXPORT_SYMBOL_GPL(vpm_unmap_pages);

/* Zero what a write leaves uninitialized in a page nobody has read. */
static void vpm_zero_new(struct vmap *vs, size_t from, size_t to)
{
	if (!(vs->vs_flags & VPM_VS_NEW))
		return;
	memset(vs->vs_addr, 0, from);
	memset(vs->vs_addr + to, 0, PAGE_SIZE - to);
}

/*
 * A page read-ahead marked is where the next window starts to be read,
 * while this one is copied (as filemap_read() does).  @len: bytes the
 * caller still wants from this page on.
 */
static void vpm_readahead_mark(struct address_space *mapping,
			       struct file_ra_state *ra, struct vmap *vs,
			       size_t len)
{
	struct folio *folio = page_folio(vpm_vmap_page(vs));

	if (folio_test_readahead(folio))
		vpm_async_readahead(mapping, ra, folio,
				    DIV_ROUND_UP(len, PAGE_SIZE));
}

/* Count what the mapping of the page at @index found, once per caller. */
static void vpm_count_seg(struct vpm_copy_count *count, pgoff_t index,
			  const struct vmap *vs)
{
	if (index < count->uncounted)
		return;
	count->uncounted = index + 1;
	if (!(vs->vs_flags & VPM_VS_CACHED))
		return;
	if (vs->vs_flags & VPM_VS_HIT)
		count->hits++;
	else
		count->misses++;
}

/**
 * __vpm_data_copy() - vpm_data_copy() on an explicit cache
 * @cache: the cache to use; NULL maps pages without cache entries
 * @mapping: see vpm_data_copy()
 * @off: see vpm_data_copy()
 * @len: see vpm_data_copy()
 * @iter: see vpm_data_copy()
 * @fetchpage: see vpm_data_copy()
 * @newpage: see vpm_data_copy()
 * @zerostart: see vpm_data_copy()
 * @rw: see vpm_data_copy()
 * @count: if not NULL, how to map (see struct vpm_copy_count), and the
 *	cache hits and misses are added to it
 *
 * Context: process context, may sleep.
 * Return: see vpm_data_copy().
 */
int __vpm_data_copy(struct vpm_cache *cache, struct address_space *mapping,
		    loff_t off, size_t len, struct iov_iter *iter,
		    int fetchpage, int *newpage, int zerostart, enum vpm_rw rw,
		    struct vpm_copy_count *count)
{
	struct vmap vml_min[VPM_MINVMAPS];
	struct vmap *vml = count && count->vml ? count->vml : vml_min;
	int nseg = vml == vml_min ? VPM_MINVMAPS : count->nseg;
	size_t pon = offset_in_page(off);
	int created = 0;
	int err, i;

	err = __vpm_map_pages(cache, mapping, off, len, fetchpage, vml, nseg,
			      &created, rw);
	if (newpage)
		*newpage = created;
	if (err)
		return err;

	if (rw == VPM_WRITE && !fetchpage && zerostart && vml[0].vs_addr) {
		memset(vml[0].vs_addr, 0, pon);
		if (cache)
			vpm_stat_inc(cache, VPM_STAT_ZEROSTART);
	}

	for (i = 0; vml[i].vs_addr; i++) {
		struct vmap *vs = &vml[i];
		size_t n = min_t(size_t, len, PAGE_SIZE - pon);
		size_t done;

		if (count)
			vpm_count_seg(count, (off >> PAGE_SHIFT) + i, vs);
		if (err || !n) {
			/* Not reached by the copy: nothing to write back. */
			vs->vs_flags |= VPM_VS_DISCARD;
			continue;
		}
		if (rw == VPM_READ && count && count->ra)
			vpm_readahead_mark(mapping, count->ra, vs, len);
		if (count && count->nofault)
			pagefault_disable();
		if (rw == VPM_WRITE)
			done = copy_from_iter(vs->vs_addr + pon, n, iter);
		else
			done = copy_to_iter(vs->vs_addr + pon, n, iter);
		if (count && count->nofault)
			pagefault_enable();
		if (done < n) {
			err = -EFAULT;
			if (rw == VPM_WRITE && (vs->vs_flags & VPM_VS_NEW)) {
				/* Never leave a new page half garbage. */
				iov_iter_revert(iter, done);
				vs->vs_flags |= VPM_VS_DISCARD;
				continue;
			}
		}
		if (rw == VPM_WRITE)
			vpm_zero_new(vs, pon, pon + done);
		len -= n;
		pon = 0;
	}
	__vpm_unmap_pages(cache, vml, rw);
	return err;
}

/**
 * vpm_data_copy() - copy between a file range and an iov_iter through vpm
 * @mapping: the address space
 * @off: byte offset in @mapping
 * @len: bytes to copy; at most two pages are mapped (the seed uses
 *	VPM_MINVMAPS entries), so a call may copy less: see @iter
 * @iter: source (VPM_WRITE) or destination (VPM_READ), advanced by the
 *	bytes copied
 * @fetchpage: as for vpm_map_pages()
 * @newpage: if not NULL, set to 1 when a page was created, else 0
 * @zerostart: when writing with @fetchpage 0, zero the first page before
 *	@off even if it was not created
 * @rw: VPM_READ copies to @iter, VPM_WRITE from it
 *
 * Pages created without reading get the parts the copy does not reach
 * zeroed, so no page is ever left uptodate with old memory in it.  If the
 * copy faults part-way into a created page, that page is discarded (left
 * not uptodate and clean) and @iter is moved back to its start.
 *
 * Context: process context, may sleep.  With VPM_WRITE the pages stay
 * locked across the copy and page faults are taken: @iter must not be
 * user memory whose fault may stall or reach these pages (write(2) of
 * /dev/vpmN faults its buffer in first and copies without faults).
 * Return: 0; -EFAULT when the copy stopped short (the bytes before the
 * fault are copied, see @iter); an error of vpm_map_pages().
 */
int vpm_data_copy(struct address_space *mapping, loff_t off, size_t len,
		  struct iov_iter *iter, int fetchpage, int *newpage,
		  int zerostart, enum vpm_rw rw)
{
	return __vpm_data_copy(vpm_cache, mapping, off, len, iter, fetchpage,
			       newpage, zerostart, rw, NULL);
}
EXPORT_SYMBOL_GPL(vpm_data_copy);

/**
 * __vpm_sync_pages() - vpm_sync_pages() on an explicit cache
 * @cache: the cache whose entries to release (NULL: none)
 * @mapping: see vpm_sync_pages()
 * @off: see vpm_sync_pages()
 * @len: see vpm_sync_pages()
 * @flags: see vpm_sync_pages()
 *
 * Context: process context, may sleep.
 * Return: see vpm_sync_pages().
 */
int __vpm_sync_pages(struct vpm_cache *cache, struct address_space *mapping,
		     loff_t off, size_t len, unsigned int flags)
{
	loff_t start, end;
	pgoff_t first, last;
	int err, err2;

	if (flags & ~VPM_SYNC_FLAGS)
		return -EINVAL;
	if (off < 0 || off > MAX_LFS_FILESIZE)
		return -EINVAL;

	start = round_down(off, PAGE_SIZE);
	if (!len || len > MAX_LFS_FILESIZE - off - PAGE_SIZE)
		end = LLONG_MAX;
	else
		end = round_up(off + len, PAGE_SIZE) - 1;
	first = start >> PAGE_SHIFT;
	last = end == LLONG_MAX ? ULONG_MAX : end >> PAGE_SHIFT;

	if (flags & VPM_SYNC_DESTROY) {
		if (cache)
			vpm_stat_add(cache, VPM_STAT_RELEASED,
				     vpm_cache_release(cache, mapping, first,
						       last, ULONG_MAX));
		truncate_inode_pages_range(mapping, start, end);
		return 0;
	}

	if (flags & VPM_SYNC_ASYNC)
		err = filemap_fdatawrite_range(mapping, start, end);
	else
		err = filemap_write_and_wait_range(mapping, start, end);

	if (cache && (flags & (VPM_SYNC_INVAL | VPM_SYNC_FREE |
			       VPM_SYNC_DONTNEED)))
		vpm_stat_add(cache, VPM_STAT_RELEASED,
			     vpm_cache_release(cache, mapping, first, last,
					       ULONG_MAX));

	if ((flags & VPM_SYNC_INVAL) && !(flags & VPM_SYNC_ASYNC)) {
		err2 = invalidate_inode_pages2_range(mapping, first, last);
		err = err ?: err2;
	} else if (flags & (VPM_SYNC_INVAL | VPM_SYNC_FREE)) {
		invalidate_mapping_pages(mapping, first, last);
	}
	return err;
}

/**
 * vpm_sync_pages() - write back, free or discard the pages of a range
 * @mapping: the address space
 * @off: byte offset of the range
 * @len: length of the range, rounded up to whole pages; 0 means up to the
 *	end of the file, as the seed's VOP_PUTPAGE does
 * @flags: VPM_SYNC_* (the seed's SM_* flags):
 *
 *	0 writes the dirty pages back and waits for them; ASYNC only starts
 *	the writeback.  INVAL then drops the range's pages (strictly without
 *	ASYNC: -EBUSY when one cannot be dropped), FREE frees the clean
 *	ones, best effort, DONTNEED releases their vpm cache entries so the
 *	VM may reclaim them.  DESTROY drops the pages without writing them.
 *	INVAL, FREE, DONTNEED and DESTROY release the vpm cache entries of
 *	the pages first.
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL for unknown flags or a bad @off; the writeback error
 * (-EIO) of the mapping; -EBUSY when INVAL could not drop a page.
 */
int vpm_sync_pages(struct address_space *mapping, loff_t off, size_t len,
		   unsigned int flags)
{
	return __vpm_sync_pages(vpm_cache, mapping, off, len, flags);
}
EXPORT_SYMBOL_GPL(vpm_sync_pages);

/**
 * vpm_release_range() - release the vpm cache entries of a page range
 * @mapping: the address space
 * @start: first page index
 * @end: last page index, inclusive
 *
 * Used before pages leave the page cache (truncation): the entries drop
 * their page references.  Entries in use are left alone.
 *
 * Context: process context, may sleep.
 */
void vpm_release_range(struct address_space *mapping, pgoff_t start,
		       pgoff_t end)
{
	if (vpm_cache)
		vpm_stat_add(vpm_cache, VPM_STAT_RELEASED,
			     vpm_cache_release(vpm_cache, mapping, start, end,
					       ULONG_MAX));
}
EXPORT_SYMBOL_GPL(vpm_release_range);

/**
 * vpm_release_mapping() - release every vpm cache entry of an address space
 * @mapping: the address space, about to go away
 *
 * Context: process context, may sleep.
 */
void vpm_release_mapping(struct address_space *mapping)
{
	vpm_release_range(mapping, 0, ULONG_MAX);
}
EXPORT_SYMBOL_GPL(vpm_release_mapping);

/**
 * vpm_release_folio() - ->release_folio for mappings whose pages vpm caches
 * @folio: the locked folio reclaim, invalidation or memory-failure
 *	handling wants to free
 * @gfp: what the caller may allocate (unused: nothing is allocated)
 *
 * A mapping that uses it sets AS_RELEASE_ALWAYS, so that reclaim calls it
 * for folios without private data too: the idle cache entries of the
 * folio then give up their page, which reclaim in a memory cgroup can
 * thus free.  Invalidation and memory-failure handling call it too.
 *
 * Context: @folio locked; does not sleep.
 * Return: true if the folio may be freed, false if it is mapped through
 * its cache entry now.
 */
bool vpm_release_folio(struct folio *folio, gfp_t gfp)
{
	struct vpm_cache *cache = READ_ONCE(vpm_cache);

	return !cache || vpm_cache_release_folio(cache, folio);
}
EXPORT_SYMBOL_GPL(vpm_release_folio);

/**
 * vpm_invalidate_folio() - ->invalidate_folio for mappings whose pages vpm
 *	caches
 * @folio: the locked folio truncation or hole punching invalidates
 * @offset: first byte invalidated
 * @length: bytes invalidated
 *
 * When the whole folio goes, its idle cache entries give it up: a page
 * out of its mapping can no longer be reclaimed or migrated, and would be
 * pinned until its entry is reused.
 *
 * Context: @folio locked; does not sleep.
 */
void vpm_invalidate_folio(struct folio *folio, size_t offset, size_t length)
{
	struct vpm_cache *cache = READ_ONCE(vpm_cache);

	if (cache && !offset && length == folio_size(folio))
		vpm_cache_invalidate_folio(cache, folio);
}
EXPORT_SYMBOL_GPL(vpm_invalidate_folio);

#ifdef CONFIG_MIGRATION
/**
 * vpm_migrate_folio() - ->migrate_folio for mappings whose pages vpm caches
 * @mapping: the address space of @src
 * @dst: the folio to migrate to, locked
 * @src: the folio to migrate, locked
 * @mode: how the caller migrates
 *
 * Migrates @src as filemap_migrate_folio() does, moving its idle cache
 * entry (and the entry's reference) to @dst, so that cached pages are as
 * movable as any page cache.
 *
 * Context: process context; @src and @dst locked.
 * Return: MIGRATEPAGE_SUCCESS or a negative errno (-EAGAIN while the page
 * is mapped through its entry).
 */
int vpm_migrate_folio(struct address_space *mapping, struct folio *dst,
		      struct folio *src, enum migrate_mode mode)
{
	struct vpm_cache *cache = READ_ONCE(vpm_cache);

	if (!cache)
		return filemap_migrate_folio(mapping, dst, src, mode);
	return vpm_cache_migrate_folio(cache, mapping, dst, src, mode);
}
EXPORT_SYMBOL_GPL(vpm_migrate_folio);
#endif /* CONFIG_MIGRATION */
