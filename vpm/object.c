// SPDX-License-Identifier: GPL-2.0
/*
 * vpm: objects and their devices /dev/vpmN.
 *
 * An object is a pager object (vnode_pager) published as a misc device
 * named after its number.  read, write, their vector and positioned forms
 * go through vpm_data_copy(), two pages at a time; llseek uses the
 * object's size; fsync writes back with vpm_sync_pages(), flushes the
 * device's cache (and fsyncs a backing file) and reports the writeback
 * errors this descriptor has not seen (an errseq_t per open file, as the
 * page cache keeps f_wb_err); ioctls inspect and drive the pager and the
 * cache.
 *
 * Lifetime: objects are on vpm_objects, under vpm_objects_lock, from
 * attach to detach.  An open /dev/vpmN counts in @open_count and holds the
 * module; detach refuses an object that is open, and marks it @dying
 * (under the lock) so that no open can start while it is written back and
 * removed.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/backing-dev.h>
#include <linux/blkdev.h>
#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/fadvise.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/writeback.h>

#include <uapi/linux/vpm.h>

#include "vpm_compat.h"
#include "vnode_pager.h"
#include "vpm_internal.h"

static LIST_HEAD(vpm_objects);
static DEFINE_MUTEX(vpm_objects_lock);	/* vpm_objects, open_count, dying */

/**
 * struct vpm_object_file - an open /dev/vpmN
 * @obj: the object
 * @ra: read-ahead state of this open file over the object's pages (the
 *	VFS sets up file->f_ra after open, from the pseudo inode's bdi)
 * @ra_pages: read-ahead of the backing store: @ra's default
 * @wb_err: the writeback errors of the object this descriptor has seen
 *	(errseq_t of the object's mapping, as file->f_wb_err is for a file);
 *	advanced by fsync and VPM_IOC_SYNC on this descriptor only
 */
struct vpm_object_file {
	struct vpm_object *obj;
	struct file_ra_state ra;
	unsigned long ra_pages;
	errseq_t wb_err;
};

/* The user API numbers counters and paths as the kernel does. */
static_assert((int)VPM_PSTAT_NR == (int)VNP_STAT_NR);
static_assert((int)VPM_PSTAT_BAD_PAGES == (int)VNP_STAT_BAD_PAGES);
static_assert((int)VPM_PSTAT_BIO_PAGES_1 == (int)VNP_STAT_HIST0);
static_assert((int)VPM_PSTAT_FAULTS == (int)VNP_STAT_FAULTS);
static_assert((int)VPM_CSTAT_HITS + VPM_STAT_NR_V1 ==
	      (int)VPM_CSTAT_ENTRY_BYTES);
static_assert((int)VPM_CSTAT_FOOTPRINT_BYTES + 1 == (int)VPM_CSTAT_RECLAIMED);
static_assert(VPM_STAT_RECLAIMED == VPM_STAT_NR_V1);
static_assert((int)VPM_CSTAT_RECLAIMED - VPM_STAT_RECLAIMED +
	      VPM_STAT_NR == (int)VPM_CSTAT_NR);
static_assert(VPM_CSTAT_NR <= VPM_STATS_MAX && VPM_PSTAT_NR <= VPM_STATS_MAX);
static_assert((int)VPM_CSTAT_HITS + VPM_STAT_INUSE == (int)VPM_CSTAT_IN_USE);
static_assert(VPM_PATH_BIO == (int)VNODE_PAGER_BIO &&
	      VPM_PATH_SMALL_BLOCK == (int)VNODE_PAGER_SMALL_BLOCK &&
	      VPM_PATH_OLD == (int)VNODE_PAGER_OLD);

static struct vpm_object *vpm_object_of(struct file *file)
{
	return ((struct vpm_object_file *)file->private_data)->obj;
}

/* --- counters of one object: pages hit and missed in the vpm cache --- */

static void vpm_object_count(struct vpm_object *obj, unsigned int hits,
			     unsigned int misses)
{
	this_cpu_add(obj->counts->hits, hits);
	this_cpu_add(obj->counts->misses, misses);
}

static void vpm_object_sum(struct vpm_object *obj, u64 *hits, u64 *misses)
{
	int cpu;

	*hits = 0;
	*misses = 0;
	for_each_possible_cpu(cpu) {
		/* Racy sums by design: other CPUs count on meanwhile. */
		*hits += READ_ONCE(per_cpu_ptr(obj->counts, cpu)->hits);
		*misses += READ_ONCE(per_cpu_ptr(obj->counts, cpu)->misses);
	}
}

/*
 * vpm_object_fill_info() - describe an object for user space
 * @obj: the object
 * @info: filled in, reserved fields zeroed
 *
 * Context: vpm_objects_lock held.
 */
static void vpm_object_fill_info(struct vpm_object *obj,
				 struct vpm_object_info *info)
{
	struct vnode_pager *vnp = obj->vnp;
	struct inode *binode = file_inode(vnp->backing);

	lockdep_assert_held(&vpm_objects_lock);
	memset(info, 0, sizeof(*info));
	info->id = obj->id;
	info->flags = obj->flags;
	info->path = vnp->path;
	info->size = i_size_read(vnp->inode);
	info->block_size = 1U << vnp->blkbits;
	info->open_count = obj->open_count;
	info->pages_cached = vnode_pager_mapping(vnp)->nrpages;
	vpm_object_sum(obj, &info->hits, &info->misses);
	if (S_ISBLK(binode->i_mode)) {
		info->backing_type = VPM_BACKING_BLOCK;
		info->backing_dev = new_encode_dev(binode->i_rdev);
	} else {
		info->backing_type = VPM_BACKING_FILE;
		info->backing_dev = new_encode_dev(binode->i_sb->s_dev);
		info->backing_ino = binode->i_ino;
	}
	strscpy(info->backing_path, obj->backing_path,
		sizeof(info->backing_path));
}

/* --- read and write --- */

/*
 * Read ahead from @index, for a read of the pages up to @last, when the
 * page at @index is missing, as filemap_read() does; the copy starts the
 * asynchronous read-ahead at marked pages (struct vpm_copy_count).
 */
static void vpm_object_readahead(struct file *file,
				 struct file_ra_state *ra, pgoff_t index,
				 pgoff_t last)
{
	struct address_space *mapping = file->f_mapping;
	void *entry;

	/* POSIX_FADV_RANDOM: the copy reads just the pages it needs. */
	if (file->f_mode & FMODE_RANDOM)
		return;
	/* A peek, without a folio reference: the copy takes its own. */
	entry = xa_load(&mapping->i_pages, index);
	if (!entry || xa_is_value(entry))
		page_cache_sync_readahead(mapping, ra, NULL, index,
					  last - index + 1);
}

static ssize_t vpm_object_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	struct vpm_object_file *of = file->private_data;
	struct vpm_object *obj = of->obj;
	struct address_space *mapping = vnode_pager_mapping(obj->vnp);
	loff_t size = i_size_read(obj->vnp->inode);
	loff_t pos = iocb->ki_pos;
	struct vmap vml[VPM_MAXVMAPS];
	struct vpm_copy_count cc = {
		.vml = vml, .nseg = VPM_MAXVMAPS, .ra = &of->ra,
		.nofault = true, .uncounted = pos >> PAGE_SHIFT,
	};
	size_t count;
	ssize_t done = 0;
	int err = 0;

	if (pos >= size || !iov_iter_count(to))
		return 0;
	if (vnode_pager_dead(obj->vnp))
		return -EIO;
	count = min_t(loff_t, iov_iter_count(to), size - pos);
	while (count && !err) {
		size_t before = iov_iter_count(to);
		size_t n, want;

		vpm_object_readahead(file, &of->ra, pos >> PAGE_SHIFT,
				     (pos + count - 1) >> PAGE_SHIFT);
		err = __vpm_data_copy(vpm_cache, mapping, pos, count, to, 1,
				      NULL, 0, VPM_READ, &cc);
		vpm_object_count(obj, cc.hits, cc.misses);
		cc.hits = 0;
		cc.misses = 0;
		n = before - iov_iter_count(to);
		pos += n;
		done += n;
		count -= n;
		/*
		 * The copy runs with page faults disabled: the pages' cache
		 * entries, which every user of the cache competes for, are
		 * never held across a fault on the buffer that may stall
		 * (userfaultfd, FUSE, a network file).  The fault is taken
		 * here, holding nothing, and the copy tried again; a buffer
		 * that cannot be faulted in at all ends the read.
		 */
		want = min_t(size_t, count, VPMMAXLEN);
		if (err == -EFAULT && fault_in_iov_iter_writeable(to, want) < want)
			err = 0;
		if (fatal_signal_pending(current))
			break;
		cond_resched();
	}
	iocb->ki_pos = pos;
	return done ? done : err;
}

static ssize_t vpm_object_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct vpm_object *obj = vpm_object_of(iocb->ki_filp);
	struct address_space *mapping = vnode_pager_mapping(obj->vnp);
	loff_t size = i_size_read(obj->vnp->inode);
	loff_t pos = iocb->ki_pos;
	size_t count = iov_iter_count(from);
	struct vmap vml[VPM_MAXVMAPS];
	ssize_t done = 0;
	int err = 0;

	if (!count)
		return 0;
	if (pos >= size)
		return -ENOSPC;
	if (vnode_pager_dead(obj->vnp))
		return -EIO;
	count = min_t(loff_t, count, size - pos);
	while (count && !err) {
		size_t before = iov_iter_count(from);
		struct vpm_copy_count cc = {
			.vml = vml, .nseg = VPM_MAXVMAPS, .nofault = true,
		};
		size_t len, avail;
		int fetch = 1;
		size_t n;

		/*
		 * The copy runs with the pages locked: the user memory is
		 * faulted in first and copied without faults (it may be a
		 * mapping of these very pages), as generic_perform_write()
		 * does; only as much as one call copies, and only the part
		 * that could be faulted in.  A copy cut short by a page gone
		 * again meanwhile is tried again from here.
		 */
		avail = min_t(size_t, count, VPMMAXLEN);
		avail -= fault_in_iov_iter_readable(from, avail);
		if (!avail) {
			err = -EFAULT;
			break;
		}

		/*
		 * Pages written whole (or up to the end of the object) need
		 * no read first: a call without fetching must cover whole
		 * pages only, or it would zero the rest of a page it did not
		 * read.  A partial page is read first.
		 */
		len = avail;
		if (offset_in_page(pos))
			len = min_t(size_t, avail, PAGE_SIZE - offset_in_page(pos));
		else if (avail >= PAGE_SIZE)
			len = round_down(avail, PAGE_SIZE);
		if (!offset_in_page(pos) &&
		    (len >= PAGE_SIZE || pos + len >= size))
			fetch = 0;

		/*
		 * Waits for a frozen file system and moves the file's mtime
		 * (the first time); held for the copy only, never across the
		 * dirty throttling, which may wait for writeback.
		 */
		err = vnode_pager_write_begin(obj->vnp, !done);
		if (err)
			break;
		err = __vpm_data_copy(vpm_cache, mapping, pos, len, from,
				      fetch, NULL, 0, VPM_WRITE, &cc);
		vnode_pager_write_end(obj->vnp);
		vpm_object_count(obj, cc.hits, cc.misses);
		n = before - iov_iter_count(from);
		pos += n;
		done += n;
		count -= n;
		if (err == -EFAULT)
			err = 0;	/* fault the rest in, try again */
		balance_dirty_pages_ratelimited(mapping);
		if (fatal_signal_pending(current))
			break;
		cond_resched();
	}
	iocb->ki_pos = pos;
	if (done && (iocb->ki_flags & IOCB_DSYNC)) {
		err = vpm_object_sync(iocb->ki_filp, iocb->ki_pos - done, done,
				      0, !(iocb->ki_flags & IOCB_SYNC));
		if (err)
			return err;
	}
	return done ? done : err;
}

/**
 * vpm_object_sync() - write back a range of an open object, make it durable
 * @file: the open /dev/vpmN
 * @off: first byte
 * @len: bytes; 0 to the end
 * @flags: VPM_SYNC_*
 * @datasync: fdatasync semantics for the flush
 *
 * Without ASYNC or DESTROY the device's cache is flushed afterwards (and
 * a backing file fsynced), and the writeback errors of the object that
 * @file has not seen yet are reported, once per descriptor (errseq), so
 * that every descriptor open when a write failed learns of it, whoever
 * syncs first.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno (-EIO).
 */
int vpm_object_sync(struct file *file, loff_t off, size_t len,
		    unsigned int flags, bool datasync)
{
	struct vpm_object_file *of = file->private_data;
	struct address_space *mapping = vnode_pager_mapping(of->obj->vnp);
	int err, err2;

	err = vpm_sync_pages(mapping, off, len, flags);
	if (flags & (VPM_SYNC_ASYNC | VPM_SYNC_DESTROY))
		return err;
	/* An error of the pages is on the mapping too: report it once. */
	if (err == -EIO || err == -ENOSPC)
		err = 0;
	err2 = vnode_pager_flush(of->obj->vnp, datasync);
	/* As file_check_and_advance_wb_err(): one report per descriptor. */
	spin_lock(&file->f_lock);
	err = errseq_check_and_advance(&mapping->wb_err, &of->wb_err) ?: err;
	spin_unlock(&file->f_lock);
	return err ?: err2;
}

static int vpm_object_fsync(struct file *file, loff_t start, loff_t end,
			    int datasync)
{
	if (end == LLONG_MAX || end - start + 1 <= 0)
		return vpm_object_sync(file, start, 0, 0, datasync);
	return vpm_object_sync(file, start, end - start + 1, 0, datasync);
}

static loff_t vpm_object_llseek(struct file *file, loff_t offset,
				int whence)
{
	struct vpm_object *obj = vpm_object_of(file);

	return fixed_size_llseek(file, offset, whence,
				 i_size_read(obj->vnp->inode));
}

/* --- open and release --- */

static int vpm_object_open(struct inode *inode, struct file *file)
{
	/* misc_open() left our miscdevice in private_data. */
	struct vpm_object *obj = container_of(file->private_data,
					      struct vpm_object, misc);
	struct vpm_object_file *of;
	int err = 0;

	if ((file->f_mode & FMODE_WRITE) && (obj->flags & VPM_ATTACH_READONLY))
		return -EROFS;
	of = kzalloc(sizeof(*of), GFP_KERNEL);
	if (!of)
		return -ENOMEM;
	mutex_lock(&vpm_objects_lock);
	if (obj->dying)
		err = -ENXIO;
	else
		obj->open_count++;
	mutex_unlock(&vpm_objects_lock);
	if (err) {
		kfree(of);
		return err;
	}
	of->obj = obj;
	/*
	 * The object's page cache is the file's, as a block device's is
	 * for its device file: mmap(), fadvise() and splice work on it.
	 */
	file->f_mapping = vnode_pager_mapping(obj->vnp);
	of->wb_err = filemap_sample_wb_err(file->f_mapping);
	file_ra_state_init(&of->ra, file->f_mapping);
	/* Read ahead as much as the kernel would on the backing store. */
	of->ra_pages = obj->vnp->bdev ?
		obj->vnp->bdev->bd_disk->bdi->ra_pages :
		inode_to_bdi(file_inode(obj->vnp->backing))->ra_pages;
	of->ra.ra_pages = of->ra_pages;
	file->private_data = of;
	return 0;
}

static int vpm_object_release(struct inode *inode, struct file *file)
{
	struct vpm_object *obj = vpm_object_of(file);

	mutex_lock(&vpm_objects_lock);
	obj->open_count--;
	mutex_unlock(&vpm_objects_lock);
	kfree(file->private_data);
	return 0;
}

/* --- ioctls --- */

static long vpm_ioc_info(struct vpm_object *obj, void __user *uarg)
{
	struct vpm_object_info info;

	mutex_lock(&vpm_objects_lock);
	vpm_object_fill_info(obj, &info);
	mutex_unlock(&vpm_objects_lock);
	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

static long vpm_ioc_sync(struct file *file, void __user *uarg)
{
	struct vpm_object *obj = vpm_object_of(file);
	loff_t size = i_size_read(obj->vnp->inode);
	struct vpm_sync req;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.reserved0 || memchr_inv(req.reserved, 0, sizeof(req.reserved)) ||
	    (req.flags & ~VPM_SYNC_FLAGS))
		return -EINVAL;
	if (req.offset > size || req.length > (u64)size)
		return -EINVAL;
	if ((req.flags & VPM_SYNC_DESTROY) && (obj->flags & VPM_ATTACH_READONLY))
		return -EROFS;
	/*
	 * Dropping pages may discard what others wrote: on an object that
	 * can be written, only a descriptor open for writing may.
	 */
	if ((req.flags & (VPM_SYNC_INVAL | VPM_SYNC_DESTROY | VPM_SYNC_FREE)) &&
	    !(obj->flags & VPM_ATTACH_READONLY) && !(file->f_mode & FMODE_WRITE))
		return -EBADF;
	return vpm_object_sync(file, req.offset, req.length, req.flags, false);
}

static long vpm_ioc_setsize(struct vpm_object *obj, void __user *uarg)
{
	struct vpm_setsize req;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	if (req.size > MAX_LFS_FILESIZE)
		return -EFBIG;
	return vnode_pager_setsize(obj->vnp, req.size);
}

static long vpm_ioc_haspage(struct vpm_object *obj, void __user *uarg)
{
	struct vpm_haspage req;
	int before = 0, after = 0;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.reserved0 || memchr_inv(req.reserved, 0, sizeof(req.reserved)) ||
	    req.present || req.before || req.after)
		return -EINVAL;
	req.present = req.offset <= MAX_LFS_FILESIZE &&
		      vnode_pager_haspage(obj->vnp, req.offset, &before, &after);
	req.before = before;
	req.after = after;
	return copy_to_user(uarg, &req, sizeof(req)) ? -EFAULT : 0;
}

static long vpm_ioc_getpages(struct vpm_object *obj, void __user *uarg)
{
	struct vpm_getpages req;
	int err;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (memchr_inv(req.reserved, 0, sizeof(req.reserved)) || req.pages ||
	    req.bios || req.behind > VPM_GETPAGES_MAX ||
	    req.ahead > VPM_GETPAGES_MAX)
		return -EINVAL;
	if (req.offset >= i_size_read(obj->vnp->inode))
		return -EINVAL;
	err = vnode_pager_getpages(obj->vnp, req.offset >> PAGE_SHIFT,
				   req.behind, req.ahead, &req.pages,
				   &req.bios);
	if (err)
		return err;
	return copy_to_user(uarg, &req, sizeof(req)) ? -EFAULT : 0;
}

static long vpm_ioc_mapinfo(struct vpm_object *obj, void __user *uarg)
{
	loff_t size = i_size_read(obj->vnp->inode);
	struct vmap vml[VPM_MAXVMAPS];
	struct vpm_mapinfo *req;
	int newpage = 0;
	long err;
	int i;

	req = memdup_user(uarg, sizeof(*req));
	if (IS_ERR(req))
		return PTR_ERR(req);
	err = -EINVAL;
	if (memchr_inv(req->reserved, 0, sizeof(req->reserved)) ||
	    (req->flags & ~VPM_MAPINFO_FLAGS) || req->npages ||
	    req->offset >= size || !req->length ||
	    req->length > VPM_MAPINFO_PAGES * PAGE_SIZE ||
	    memchr_inv(req->pages, 0, sizeof(req->pages)))
		goto out_free;
	req->length = min_t(u64, req->length, size - req->offset);
	err = vpm_map_pages(vnode_pager_mapping(obj->vnp), req->offset,
			    req->length,
			    !(req->flags & VPM_MAPINFO_CREATE), vml,
			    min_t(int, VPM_MAXVMAPS, VPM_MAPINFO_PAGES + 1),
			    &newpage, VPM_READ);
	if (err)
		goto out_free;
	for (i = 0; vml[i].vs_addr; i++) {
		struct vpm_mapinfo_page *p = &req->pages[i];
		unsigned int f = vml[i].vs_flags;

		/* Page frame numbers are for the administrator only. */
		if (capable(CAP_SYS_ADMIN))
			p->pfn = page_to_pfn(vpm_vmap_page(&vml[i]));
		p->flags = (f & VPM_VS_CACHED ? VPM_MAP_CACHED : 0) |
			   (f & VPM_VS_HIT ? VPM_MAP_HIT : 0) |
			   (f & VPM_VS_NEW ? VPM_MAP_NEW : 0);
	}
	req->npages = i;
	vpm_unmap_pages(vml, VPM_READ);
	err = copy_to_user(uarg, req, sizeof(*req)) ? -EFAULT : 0;
out_free:
	kfree(req);
	return err;
}

/**
 * vpm_fill_pager_stats() - copy pager counters into a struct vpm_stats
 * @vnp: one object, or NULL for all
 * @st: the counters to fill
 */
void vpm_fill_pager_stats(struct vnode_pager *vnp, struct vpm_stats *st)
{
	int s;

	for (s = 0; s < VNP_STAT_NR; s++)
		st->pager[s] = vnode_pager_stat(vnp, s);
	st->npager = VNP_STAT_NR;
}

static long vpm_ioc_stats(struct vpm_object *obj, void __user *uarg)
{
	struct vpm_stats *st;
	long err;

	st = memdup_user(uarg, sizeof(*st));
	if (IS_ERR(st))
		return PTR_ERR(st);
	err = -EINVAL;
	if (st->ncache || st->npager ||
	    memchr_inv(st->reserved, 0, sizeof(st->reserved)))
		goto out_free;
	memset(st, 0, sizeof(*st));
	vpm_fill_pager_stats(obj->vnp, st);
	err = copy_to_user(uarg, st, sizeof(*st)) ? -EFAULT : 0;
out_free:
	kfree(st);
	return err;
}

static long vpm_object_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	struct vpm_object *obj = vpm_object_of(file);
	void __user *uarg = (void __user *)arg;
	bool writer = file->f_mode & FMODE_WRITE;

	switch (cmd) {
	case VPM_IOC_INFO:
		return vpm_ioc_info(obj, uarg);
	case VPM_IOC_SYNC:
		return vpm_ioc_sync(file, uarg);
	case VPM_IOC_SETSIZE:
		return writer ? vpm_ioc_setsize(obj, uarg) : -EBADF;
	case VPM_IOC_HASPAGE:
		return vpm_ioc_haspage(obj, uarg);
	case VPM_IOC_GETPAGES:
		return vpm_ioc_getpages(obj, uarg);
	case VPM_IOC_MAPINFO:
		return vpm_ioc_mapinfo(obj, uarg);
	case VPM_IOC_STATS:
		return vpm_ioc_stats(obj, uarg);
	default:
		return -ENOTTY;
	}
}

/* --- mmap, fadvise, splice --- */

static int vpm_object_mmap(struct file *file, struct vm_area_struct *vma)
{
	return vnode_pager_mmap(vpm_object_of(file)->vnp, vma);
}

/*
 * posix_fadvise(): WILLNEED reads the range ahead through the pager,
 * asynchronously (madvise(MADV_WILLNEED) of a mapping comes here too);
 * DONTNEED starts writing the range back and drops its clean pages and
 * their vpm cache entries (VPM_SYNC_ASYNC | VPM_SYNC_FREE |
 * VPM_SYNC_DONTNEED); the access hints size read(2)'s read-ahead as for
 * any file: RANDOM none, SEQUENTIAL twice the backing store's.  The hints
 * of a mapping are madvise()'s, kept by the mapping itself.
 */
static int vpm_object_fadvise(struct file *file, loff_t off, loff_t len,
			      int advice)
{
	struct vpm_object_file *of = file->private_data;
	loff_t size = i_size_read(file->f_mapping->host);

	if (off < 0 || len < 0)
		return -EINVAL;
	switch (advice) {
	case POSIX_FADV_NORMAL:
	case POSIX_FADV_SEQUENTIAL:
		spin_lock(&file->f_lock);
		WRITE_ONCE(of->ra.ra_pages, of->ra_pages *
			   (advice == POSIX_FADV_SEQUENTIAL ? 2 : 1));
		file->f_mode &= ~FMODE_RANDOM;
		spin_unlock(&file->f_lock);
		return 0;
	case POSIX_FADV_RANDOM:
		spin_lock(&file->f_lock);
		file->f_mode |= FMODE_RANDOM;
		spin_unlock(&file->f_lock);
		return 0;
	case POSIX_FADV_WILLNEED:
		return generic_fadvise(file, off, len, advice);
	case POSIX_FADV_NOREUSE:
		return 0;
	case POSIX_FADV_DONTNEED:
		if (off >= size)
			return 0;
		if (len > size - off)
			len = 0;
		vpm_sync_pages(file->f_mapping, off, len, VPM_SYNC_ASYNC |
			       VPM_SYNC_FREE | VPM_SYNC_DONTNEED);
		return 0;
	default:
		return -EINVAL;
	}
}

static const struct file_operations vpm_object_fops = {
	.owner		= THIS_MODULE,
	.open		= vpm_object_open,
	.release	= vpm_object_release,
	.read_iter	= vpm_object_read_iter,
	.write_iter	= vpm_object_write_iter,
	.llseek		= vpm_object_llseek,
	.fsync		= vpm_object_fsync,
	.mmap		= vpm_object_mmap,
	.fadvise	= vpm_object_fadvise,
	.splice_read	= vpm_splice_read,
	.splice_write	= iter_file_splice_write,
	.unlocked_ioctl	= vpm_object_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

/* --- attach and detach --- */

static void vpm_object_free(struct vpm_object *obj)
{
	free_percpu(obj->counts);
	kfree(obj->backing_path);
	kfree(obj);
}

/**
 * vpm_object_attach() - make an object over a backing file
 * @file: the backing store
 * @flags: VPM_ATTACH_*
 *
 * Once published, the object may be detached (and freed) by anybody at
 * any time: the caller learns its number, not a pointer to it.
 *
 * Context: process context; takes vpm_objects_lock.
 * Return: the new object's number, or a negative errno (see
 * vnode_pager_create()).
 */
int vpm_object_attach(struct file *file, unsigned int flags)
{
	struct vpm_object *obj;
	char *buf, *p;
	int err = -ENOMEM;
	int id;

	obj = kzalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return -ENOMEM;
	obj->flags = flags;
	obj->counts = alloc_percpu(struct vpm_object_counts);
	buf = kmalloc(VPM_PATH_MAX, GFP_KERNEL);
	if (!obj->counts || !buf)
		goto out_free;
	p = d_path(&file->f_path, buf, VPM_PATH_MAX);
	obj->backing_path = kstrdup(IS_ERR(p) ? "?" : p, GFP_KERNEL);
	kfree(buf);
	if (!obj->backing_path)
		goto out_free;

	obj->vnp = vnode_pager_create(file, flags & VPM_ATTACH_READONLY ?
				      VNODE_PAGER_READONLY : 0);
	if (IS_ERR(obj->vnp)) {
		err = PTR_ERR(obj->vnp);
		goto out_free;
	}
	obj->id = obj->vnp->id;
	snprintf(obj->name, sizeof(obj->name), "vpm%d", obj->id);
	obj->misc.minor = MISC_DYNAMIC_MINOR;
	obj->misc.name = obj->name;
	obj->misc.fops = &vpm_object_fops;
	obj->misc.mode = 0600;
	err = misc_register(&obj->misc);
	if (err)
		goto out_destroy;

	obj->debugfs = debugfs_create_dir(obj->name + 3, vpm_debugfs_objects);
	vnode_pager_add_debugfs(obj->vnp, obj->debugfs);
	id = obj->id;
	mutex_lock(&vpm_objects_lock);
	list_add_tail(&obj->link, &vpm_objects);
	mutex_unlock(&vpm_objects_lock);
	return id;

out_destroy:
	/* Nothing was written to it yet. */
	vnode_pager_free(obj->vnp);
out_free:
	vpm_object_free(obj);
	return err;
}

/*
 * Unpublish and free an object that is dying, written back and flushed
 * (vpm_object_write_out()) and off the list.
 */
static void vpm_object_remove(struct vpm_object *obj)
{
	misc_deregister(&obj->misc);
	debugfs_remove(obj->debugfs);
	obj->vnp->debugfs = NULL;
	vnode_pager_free(obj->vnp);
	vpm_object_free(obj);
}

/*
 * vpm_object_write_out() - write an object back before it is removed
 * @obj: the object, dying (nobody can open it)
 * @flags: VPM_DETACH_*
 * @reply: its out fields are filled
 * @what: what removes it, for the kernel log
 *
 * One writeback, then one flush of the device's cache: each waits at most
 * as long as the device takes to fail a request.  Pages that still cannot
 * be written keep the object, unless @flags has VPM_DETACH_FORCE or the
 * disk is gone: then they are dropped, and their bytes reported.  A flush
 * that fails when everything was written does not keep the object (what
 * fsync acknowledged was flushed then, and nothing is left to write
 * again): it is reported.
 *
 * Return: 0 when the object may be removed; else the error of the
 * writeback (-EIO), or -EAGAIN when pages were left dirty without one (no
 * memory for the I/O), the pages kept.
 */
static int vpm_object_write_out(struct vpm_object *obj, unsigned int flags,
				struct vpm_detach *reply, const char *what)
{
	struct vnode_pager *vnp = obj->vnp;
	struct address_space *mapping = vnode_pager_mapping(vnp);
	unsigned long dirty;
	u64 before, lost;
	int err, ferr;
	bool dead;

	vnode_pager_count_dirty(vnp, &before);
	err = filemap_write_and_wait(mapping);
	dirty = vnode_pager_count_dirty(vnp, &lost);
	if (!err && dirty)
		err = -EAGAIN;	/* dirtied again meanwhile, or no memory */
	dead = vnode_pager_dead(vnp);
	if (dirty && !dead && !(flags & VPM_DETACH_FORCE)) {
		pr_warn("object %d: %s refused: %d, %lu dirty pages\n",
			obj->id, what, err, dirty);
		reply->dirty_pages = min_t(unsigned long, dirty, U32_MAX);
		reply->error = -err;
		return err;
	}
	/* Writeback to a disk that is gone dropped what it could not write. */
	if (dead && err)
		lost = max(before, lost);
	if (dirty)
		vpm_sync_pages(mapping, 0, 0, VPM_SYNC_DESTROY);
	if (lost) {
		pr_warn("object %d: %s: %llu dirty bytes lost (%d)\n", obj->id,
			what, lost, err);
		reply->lost_bytes = lost;
		reply->error = -err;
	}
	ferr = vnode_pager_flush(vnp, false);
	if (ferr) {
		pr_warn("object %d: %s: the final cache flush failed (%d): what was written since the last fsync may not be durable\n",
			obj->id, what, ferr);
		if (!reply->error)
			reply->error = -ferr;
	}
	return 0;
}

/**
 * vpm_object_detach() - write back and remove an object
 * @id: its number
 * @flags: VPM_DETACH_*
 * @reply: the out fields of struct vpm_detach, zeroed by the caller;
 *	filled in when the object was found, detached or not
 *
 * Without VPM_DETACH_FORCE, pages that cannot be written keep the object
 * attached, their count in @reply->dirty_pages.  With it, they are dropped
 * and the object is always removed, their bytes in @reply->lost_bytes.
 * On a disk that is gone there is nothing to keep: the object goes.  See
 * vpm_object_write_out().
 *
 * Context: process context, may sleep; takes vpm_objects_lock.
 * Return: 0; -ENXIO if there is no such object; -EBUSY while /dev/vpmN is
 * open or the object is being detached already; the writeback error
 * (-EIO), or -EAGAIN when pages are still dirty after it (no memory for
 * the I/O), which leave the object attached.
 */
int vpm_object_detach(u32 id, unsigned int flags, struct vpm_detach *reply)
{
	struct vpm_object *obj = NULL, *o;
	int err = -ENXIO;

	mutex_lock(&vpm_objects_lock);
	list_for_each_entry(o, &vpm_objects, link) {
		if (o->id != id)
			continue;
		obj = o;
		err = (o->open_count || o->dying) ? -EBUSY : 0;
		if (!err)
			o->dying = true;
		break;
	}
	mutex_unlock(&vpm_objects_lock);
	if (err)
		return err;

	/* Written back while still attached: a refusal changes nothing. */
	err = vpm_object_write_out(obj, flags, reply,
				   flags & VPM_DETACH_FORCE ? "forced detach" :
							      "detach");
	if (err) {
		mutex_lock(&vpm_objects_lock);
		obj->dying = false;
		mutex_unlock(&vpm_objects_lock);
		return err;
	}
	mutex_lock(&vpm_objects_lock);
	list_del(&obj->link);
	mutex_unlock(&vpm_objects_lock);
	vpm_object_remove(obj);
	return 0;
}

/**
 * vpm_object_detach_all() - detach every object that is not open (unload)
 *
 * As a forced detach: what cannot be written is dropped, and logged; the
 * objects are removed anyway.
 */
void vpm_object_detach_all(void)
{
	struct vpm_object *obj, *next;
	LIST_HEAD(doomed);

	mutex_lock(&vpm_objects_lock);
	list_for_each_entry_safe(obj, next, &vpm_objects, link) {
		/* An open object holds the module: none is open here. */
		if (WARN_ON_ONCE(obj->open_count))
			continue;
		obj->dying = true;
		list_move_tail(&obj->link, &doomed);
	}
	mutex_unlock(&vpm_objects_lock);
	list_for_each_entry_safe(obj, next, &doomed, link) {
		struct vpm_detach reply = { };

		vpm_object_write_out(obj, VPM_DETACH_FORCE, &reply, "unload");
		list_del(&obj->link);
		vpm_object_remove(obj);
	}
}

/**
 * vpm_object_list() - copy the objects' descriptions to user space
 * @uobjects: user array
 * @room: entries it has
 * @count: set to the number of objects
 *
 * The descriptions are taken under vpm_objects_lock into a kernel buffer
 * and copied out after it is dropped: a fault on @uobjects that stalls
 * (userfaultfd, FUSE) never holds up open, close, attach or detach.
 *
 * Context: process context, may sleep.
 * Return: 0, -ENOMEM or -EFAULT.
 */
int vpm_object_list(struct vpm_object_info __user *uobjects, u32 room,
		    u32 *count)
{
	struct vpm_object_info *info = NULL;
	struct vpm_object *obj;
	u32 n = 0, nr = 0, filled = 0;
	int err = 0;

	mutex_lock(&vpm_objects_lock);
	list_for_each_entry(obj, &vpm_objects, link)
		nr++;
	mutex_unlock(&vpm_objects_lock);
	nr = min(nr, room);
	if (nr) {
		info = kvmalloc_array(nr, sizeof(*info), GFP_KERNEL);
		if (!info)
			return -ENOMEM;
	}
	mutex_lock(&vpm_objects_lock);
	list_for_each_entry(obj, &vpm_objects, link) {
		/* Objects attached since the count are counted, not shown. */
		if (filled < nr)
			vpm_object_fill_info(obj, &info[filled++]);
		n++;
	}
	mutex_unlock(&vpm_objects_lock);
	if (filled && copy_to_user(uobjects, info, filled * sizeof(*info)))
		err = -EFAULT;
	kvfree(info);
	*count = n;
	return err;
}
