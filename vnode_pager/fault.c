// SPDX-License-Identifier: GPL-2.0
/*
 * vnode_pager: page faults on mappings of an object (FreeBSD's vm_fault
 * calling vnode_pager_getpages()).
 *
 * A fault on a page that is not in the page cache pages it in with a
 * window around it, sized per mapping as FreeBSD's vm_fault_readahead()
 * sizes it: a fault at the page after the last window read grows the
 * window arithmetically (8, 16, 24, ... up to 256 pages, all ahead); any
 * other fault reads the aligned cluster of 16 pages around the faulting
 * one.  MADV_RANDOM reads the faulting page alone, MADV_SEQUENTIAL the
 * largest window at once.  The window stops at the mapping's bounds, at
 * the end of the object, at pages already cached and where the disk is
 * not contiguous; the faulting page is read synchronously, the pages
 * after it asynchronously (vnode_pager_input()).
 *
 * Pages already cached around a fault are mapped by filemap_map_pages(),
 * without I/O.  page_mkwrite marks a page dirty for the pager's writeback
 * and waits for writeback in flight where the disk needs stable pages;
 * msync() and fsync() reach the object's fsync, which writes back and
 * flushes.
 */

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmstat.h>

#include "vpm_compat.h"
#include "internal.h"
#include "trace/events/vpm.h"

/**
 * struct vnp_fault_state - read-around state of one mapping
 * @lock: protects @ra; faults of several threads share the mapping
 * @ra: the window (FreeBSD's map entry read_ahead and next_read)
 */
struct vnp_fault_state {
	spinlock_t lock;	/* protects ra */
	struct vnp_fault_ra ra;
};

/**
 * vnp_fault_window() - size the read-around of a fault
 * @ra: the mapping's state, updated as for a fault that will read
 * @hint: the mapping's madvise() hint
 * @index: the faulting page
 * @first: first page of the mapping
 * @last: last page that may be read: of the mapping, not beyond the end
 *	of the object; at least @index
 * @behind: set to the pages to read before @index
 * @ahead: set to the pages to read after @index
 *
 * A pure function: what is cached and where the blocks are is for the
 * caller to clamp.  Call vnp_fault_done() with what was read.
 */
void vnp_fault_window(struct vnp_fault_ra *ra, enum vnp_fault_hint hint,
		      pgoff_t index, pgoff_t first, pgoff_t last,
		      unsigned int *behind, unsigned int *ahead)
{
	unsigned int was = ra->ahead, now = 0;
	unsigned int off;

	*behind = 0;
	*ahead = 0;
	if (hint == VNP_FAULT_RANDOM) {
		ra->ahead = 0;
		return;
	}
	if (hint == VNP_FAULT_SEQUENTIAL)
		now = VNP_FAULT_AHEAD_MAX;
	else if (index == ra->next)
		now = was ? min(VNP_FAULT_AHEAD_MIN + was + 1,
				VNP_FAULT_AHEAD_MAX) :
			    VNP_FAULT_AHEAD_MIN;
	ra->ahead = now;

	if (now) {
		*ahead = now;
	} else {
		/* An aligned cluster: more likely one extent on the disk. */
		off = index % VNP_FAULT_CLUSTER;
		*behind = min_t(pgoff_t, off, index - first);
		*ahead = VNP_FAULT_CLUSTER - 1 - off;
	}
	*ahead = min_t(pgoff_t, *ahead, last - index);
}

/**
 * vnp_fault_done() - note what a fault read
 * @ra: the mapping's state
 * @index: the faulting page
 * @ahead: pages read after it
 *
 * The next fault at the page after them is sequential.
 */
void vnp_fault_done(struct vnp_fault_ra *ra, pgoff_t index,
		    unsigned int ahead)
{
	ra->next = index + ahead + 1;
}

/* Pages of the object, the last partial one included. */
static pgoff_t vnp_pages(struct vnode_pager *vnp)
{
	return DIV_ROUND_UP(i_size_read(vnp->inode), PAGE_SIZE);
}

/**
 * vnp_fault_clamp() - clamp a window to the disk's contiguous run
 * @vnp: the object
 * @index: the faulting page
 * @behind: pages before it, reduced to those contiguous on the disk
 * @ahead: pages after it, likewise
 *
 * As FreeBSD's getpages clamps to what VOP_BMAP says is contiguous: one
 * bio for the synchronous part, one for the rest.  A page that is not
 * mapped (a hole) is read alone.  The old path cannot say where blocks
 * are: the window is left as it is.
 */
void vnp_fault_clamp(struct vnode_pager *vnp, pgoff_t index,
		     unsigned int *behind, unsigned int *ahead)
{
	loff_t pos = (loff_t)index << PAGE_SHIFT;
	sector_t sector;

	if (vnp->path == VNODE_PAGER_OLD)
		return;
	if (vnp_map_pos(vnp, pos, &sector) != VNP_MAPPED) {
		*behind = 0;
		*ahead = 0;
		return;
	}
	*behind = vnp_run(vnp, pos, sector, -1, *behind);
	*ahead = vnp_run(vnp, pos, sector, 1, *ahead);
}

static enum vnp_fault_hint vnp_fault_hint_of(struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_RAND_READ)
		return VNP_FAULT_RANDOM;
	if (vma->vm_flags & VM_SEQ_READ)
		return VNP_FAULT_SEQUENTIAL;
	return VNP_FAULT_NORMAL;
}

/*
 * Page in the faulting page with its window.  Serialized against size
 * changes by the invalidate lock, as filemap_fault() does.  Returns 0, or
 * the error of reading the faulting page; *@read is the pages read.
 */
static int vnp_fault_in(struct vm_fault *vmf, struct vnode_pager *vnp,
			unsigned int *read)
{
	struct vm_area_struct *vma = vmf->vma;
	struct vnp_fault_state *st = vma->vm_private_data;
	struct address_space *mapping = vnode_pager_mapping(vnp);
	enum vnp_fault_hint hint = vnp_fault_hint_of(vma);
	struct vnp_fault_ra ra = { .next = vma->vm_pgoff };
	pgoff_t index = vmf->pgoff, last;
	unsigned int behind, ahead, bios;
	int err;

	filemap_invalidate_lock_shared(mapping);
	last = vnp_pages(vnp);
	if (index >= last) {
		filemap_invalidate_unlock_shared(mapping);
		return -ERANGE;	/* cut meanwhile: SIGBUS */
	}
	last = min_t(pgoff_t, last - 1, vma->vm_pgoff + vma_pages(vma) - 1);
	if (st) {
		spin_lock(&st->lock);
		vnp_fault_window(&st->ra, hint, index, vma->vm_pgoff, last,
				 &behind, &ahead);
		spin_unlock(&st->lock);
	} else {
		vnp_fault_window(&ra, hint, index, vma->vm_pgoff, last,
				 &behind, &ahead);
	}
	vnp_fault_clamp(vnp, index, &behind, &ahead);
	err = vnode_pager_getpages_window(vnp, index, &behind, &ahead, read,
					  &bios);
	filemap_invalidate_unlock_shared(mapping);
	if (!err && *read && st) {
		spin_lock(&st->lock);
		vnp_fault_done(&st->ra, index, ahead);
		spin_unlock(&st->lock);
	}
	return err;
}

/* The fault operation: find or page in the page, return it locked. */
static vm_fault_t vnode_pager_fault(struct vm_fault *vmf)
{
	struct address_space *mapping = vmf->vma->vm_file->f_mapping;
	struct vnode_pager *vnp = vnp_of(mapping);
	pgoff_t index = vmf->pgoff;
	unsigned int read = 0;
	struct folio *folio;
	int err;

	vnp_stat_inc(vnp, VNP_STAT_FAULTS);
	if (index >= vnp_pages(vnp))
		return VM_FAULT_SIGBUS;
	folio = vpm_filemap_get_folio(mapping, index);
	if (!IS_ERR(folio)) {
		/*
		 * Cached, or being read (read ahead by an earlier fault):
		 * wait for it; that is no fault of the window's.  A page
		 * whose read failed is read again below.
		 */
		folio_lock(folio);
		if (folio_test_uptodate(folio))
			goto locked;
		folio_unlock(folio);
		folio_put(folio);
	}
	err = vnp_fault_in(vmf, vnp, &read);
	if (err)
		return vmf_error(err);
	folio = vpm_filemap_get_folio(mapping, index);
	if (IS_ERR(folio))
		return VM_FAULT_NOPAGE;	/* gone again: fault again */
	folio_lock(folio);
locked:
	if (folio->mapping != mapping) {
		/* Truncated or evicted meanwhile: fault again. */
		folio_unlock(folio);
		folio_put(folio);
		return VM_FAULT_NOPAGE;
	}
	if (!folio_test_uptodate(folio) || index >= vnp_pages(vnp)) {
		folio_unlock(folio);
		folio_put(folio);
		return VM_FAULT_SIGBUS;
	}
	vmf->page = folio_file_page(folio, index);
	trace_vpm_fault(vnp->id, index, read, VM_FAULT_LOCKED);
	if (!read)
		return VM_FAULT_LOCKED;
	vnp_stat_inc(vnp, VNP_STAT_MAJOR_FAULTS);
	count_vm_event(PGMAJFAULT);
	return VM_FAULT_LOCKED | VM_FAULT_MAJOR;
}

/*
 * The page_mkwrite operation: the first store to a page mapped shared.
 * The page is dirtied for the pager's writeback before the store, and
 * waits for a write of it in flight where the disk needs stable pages.
 * As a store is a write to the backing file, a file paged by bios waits
 * while its file system is frozen and has its times moved.
 */
static vm_fault_t vnode_pager_page_mkwrite(struct vm_fault *vmf)
{
	struct address_space *mapping = vmf->vma->vm_file->f_mapping;
	struct vnode_pager *vnp = vnp_of(mapping);
	struct folio *folio = page_folio(vmf->page);
	vm_fault_t ret = VM_FAULT_LOCKED;
	int err;

	vnp_stat_inc(vnp, VNP_STAT_MKWRITES);
	trace_vpm_mkwrite(vnp->id, folio->index);
	if (vnode_pager_dead(vnp))
		return VM_FAULT_SIGBUS;
	err = vnode_pager_fault_begin(vnp);
	if (err)
		return vmf_error(err);
	folio_lock(folio);
	if (folio->mapping != mapping ||
	    folio_pos(folio) >= i_size_read(vnp->inode)) {
		folio_unlock(folio);
		ret = VM_FAULT_NOPAGE;
		goto out;
	}
	folio_mark_dirty(folio);
	folio_wait_stable(folio);
out:
	vnode_pager_fault_end(vnp);
	return ret;
}

/* A mapping was split or copied (fork): the new one gets its own state. */
static void vnode_pager_vm_open(struct vm_area_struct *vma)
{
	struct vnp_fault_state *st = vma->vm_private_data;

	if (st)
		st = kmemdup(st, sizeof(*st), GFP_KERNEL);
	if (st)
		spin_lock_init(&st->lock);
	/* Without memory the mapping reads aligned clusters only. */
	vma->vm_private_data = st;
}

static void vnode_pager_vm_close(struct vm_area_struct *vma)
{
	kfree(vma->vm_private_data);
}

static const struct vm_operations_struct vnode_pager_vm_ops = {
	.open		= vnode_pager_vm_open,
	.close		= vnode_pager_vm_close,
	.fault		= vnode_pager_fault,
	.map_pages	= filemap_map_pages,
	.page_mkwrite	= vnode_pager_page_mkwrite,
};

/**
 * vnode_pager_mmap() - map an object: its faults are served by the pager
 * @vnp: the object
 * @vma: the new mapping, of a file whose f_mapping is the object's
 *
 * Shared writable mappings of a read-only object are refused; the file
 * that maps it (vma->vm_file) holds the object and the module as long as
 * the mapping exists.
 *
 * Context: mmap_lock held for writing.
 * Return: 0; -EACCES for a shared writable mapping of a read-only object;
 * -EINVAL for a file that does not page through @vnp; -ENOMEM.
 */
int vnode_pager_mmap(struct vnode_pager *vnp, struct vm_area_struct *vma)
{
	struct vnp_fault_state *st;

	if (vma->vm_file->f_mapping != vnode_pager_mapping(vnp))
		return -EINVAL;
	if ((vnp->flags & VNODE_PAGER_READONLY) &&
	    (vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_MAYWRITE))
		return -EACCES;
	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	spin_lock_init(&st->lock);
	/* As FreeBSD's next_read: a fault at the start is sequential. */
	st->ra.next = vma->vm_pgoff;
	vma->vm_private_data = st;
	vma->vm_ops = &vnode_pager_vm_ops;
	return 0;
}
