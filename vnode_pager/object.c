// SPDX-License-Identifier: GPL-2.0
/*
 * vnode_pager: pager objects (the seed's vnode_pager_alloc(), _dealloc(),
 * _setsize(), _haspage(), _uncache() and vnode_pager_list).
 *
 * An object is a pseudo inode of a module-private file system with a
 * backing-dev of its own, so its dirty pages are written back by the
 * flusher threads like any file's.  Its address_space_operations are the
 * pager.  The backing store is either a block device, opened exclusively
 * by the object (a mounted or claimed device is refused), or a regular
 * file.  A regular file whose file system maps blocks (bmap) is paged by
 * bios to the file system's device; while attached so, the file is marked
 * S_SWAPFILE, as swapon does, so nobody else can write, truncate, punch or
 * map it for writing, and its own page cache is written back and dropped
 * at attach and at detach so that the two views never disagree.  A file
 * without bmap, or one with holes attached for writing, goes through
 * vfs_iter_read()/vfs_iter_write() on the file (the old path).
 *
 * Lifetime: vnode_pager_create() puts the object on vnode_pager_list;
 * vnode_pager_destroy() writes it back, releases its vpm cache entries and
 * pages, drops the inode and puts the backing file.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/backing-dev.h>
#include <linux/blkdev.h>
#include <linux/cred.h>
#include <linux/debugfs.h>
#include <linux/fs_context.h>
#include <linux/idr.h>
#include <linux/mount.h>
#include <linux/pagemap.h>
#include <linux/pseudo_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "vpm_compat.h"
#include "internal.h"
#include "vpm_compat.h"
#include "vpm.h"
#include "vpm_internal.h"

#define VNODE_PAGER_MAGIC	0x76706d70	/* "vpmp" */

static LIST_HEAD(vnode_pager_list);
static DEFINE_MUTEX(vnode_pager_list_lock);	/* protects vnode_pager_list */
static DEFINE_IDA(vnode_pager_ida);
static struct vfsmount *vnode_pager_mnt;
static DEFINE_PER_CPU(long [VNP_STAT_NR], vnode_pager_global);
static struct dentry *vnode_pager_debugfs;

const char * const vnode_pager_stat_names[VNP_STAT_NR] = {
	[VNP_STAT_VNODEIN] = "vnodein",
	[VNP_STAT_VNODEPGSIN] = "vnodepgsin",
	[VNP_STAT_VNODEOUT] = "vnodeout",
	[VNP_STAT_VNODEPGSOUT] = "vnodepgsout",
	[VNP_STAT_BIOS_READ] = "bios_read",
	[VNP_STAT_BIOS_WRITE] = "bios_write",
	[VNP_STAT_READAHEAD_PAGES] = "readahead_pages",
	[VNP_STAT_OLD_OPS] = "old_ops",
	[VNP_STAT_SMALL_BLOCK_OPS] = "small_block_ops",
	[VNP_STAT_HOLE_BLOCKS] = "hole_blocks",
	[VNP_STAT_IO_ERRORS] = "io_errors",
	[VNP_STAT_RETRIES] = "retries",
	[VNP_STAT_BAD_PAGES] = "bad_pages",
	[VNP_STAT_HIST0 + 0] = "bio_pages_1",
	[VNP_STAT_HIST0 + 1] = "bio_pages_2",
	[VNP_STAT_HIST0 + 2] = "bio_pages_4",
	[VNP_STAT_HIST0 + 3] = "bio_pages_8",
	[VNP_STAT_HIST0 + 4] = "bio_pages_16",
	[VNP_STAT_HIST0 + 5] = "bio_pages_32",
	[VNP_STAT_HIST0 + 6] = "bio_pages_64",
	[VNP_STAT_HIST0 + 7] = "bio_pages_128",
	[VNP_STAT_HIST0 + 8] = "bio_pages_256",
	[VNP_STAT_HIST0 + 9] = "bio_pages_more",
};

static const char * const vnode_pager_path_names[] = {
	[VNODE_PAGER_BIO] = "bio",
	[VNODE_PAGER_SMALL_BLOCK] = "small-block",
	[VNODE_PAGER_OLD] = "old",
};

/**
 * vnode_pager_path_name() - name of a pager path, as shown to users
 * @path: the path
 *
 * Return: "bio", "small-block" or "old".
 */
const char *vnode_pager_path_name(enum vnode_pager_path path)
{
	return vnode_pager_path_names[path];
}

/* --- counters --- */

void vnode_pager_stat_add(struct vnode_pager *vnp, enum vnode_pager_stat stat,
			  long n)
{
	this_cpu_add(vnp->stats[stat], n);
	this_cpu_add(vnode_pager_global[stat], n);
}

void vnp_stat_inc(struct vnode_pager *vnp, enum vnode_pager_stat stat)
{
	vnode_pager_stat_add(vnp, stat, 1);
}

/* Count a bio of @pages pages in the power-of-two histogram. */
void vnp_stat_hist(struct vnode_pager *vnp, unsigned int pages)
{
	unsigned int b = pages <= 1 ? 0 : fls(pages - 1);

	vnp_stat_inc(vnp, VNP_STAT_HIST0 + min(b, VNP_HIST_BUCKETS - 1));
}

/**
 * vnode_pager_stat() - one counter of a pager, or of all pagers
 * @vnp: the pager, or NULL for the global counters
 * @stat: the counter
 *
 * Return: the sum over every possible CPU.
 */
long vnode_pager_stat(struct vnode_pager *vnp, enum vnode_pager_stat stat)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += vnp ? per_cpu_ptr(vnp->stats, cpu)[stat] :
			     per_cpu(vnode_pager_global, cpu)[stat];
	return sum;
}

static void vnode_pager_show_stats(struct seq_file *m,
				   struct vnode_pager *vnp)
{
	int s;

	for (s = 0; s < VNP_STAT_NR; s++)
		seq_printf(m, "%s %ld\n", vnode_pager_stat_names[s],
			   vnode_pager_stat(vnp, s));
}

static int vnode_pager_global_show(struct seq_file *m, void *v)
{
	unsigned int n = 0;
	struct vnode_pager *vnp;

	mutex_lock(&vnode_pager_list_lock);
	list_for_each_entry(vnp, &vnode_pager_list, link)
		n++;
	mutex_unlock(&vnode_pager_list_lock);
	seq_printf(m, "objects %u\n", n);
	vnode_pager_show_stats(m, NULL);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vnode_pager_global);

static int vnode_pager_object_show(struct seq_file *m, void *v)
{
	struct vnode_pager *vnp = m->private;

	seq_printf(m, "id %d\n", vnp->id);
	seq_printf(m, "path %s\n", vnode_pager_path_name(vnp->path));
	seq_printf(m, "size %lld\n", i_size_read(vnp->inode));
	seq_printf(m, "readonly %d\n", !!(vnp->flags & VNODE_PAGER_READONLY));
	seq_printf(m, "block_size %u\n", 1U << vnp->blkbits);
	seq_printf(m, "pages_cached %lu\n",
		   vnode_pager_mapping(vnp)->nrpages);
	vnode_pager_show_stats(m, vnp);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vnode_pager_object);

/* --- the pseudo file system --- */

static const struct super_operations vnode_pager_sops = {
	.statfs		= simple_statfs,
	/* Evict an object's inode on its last iput. */
	.drop_inode	= generic_delete_inode,
};

static int vnode_pager_init_fs_context(struct fs_context *fc)
{
	struct pseudo_fs_context *ctx = init_pseudo(fc, VNODE_PAGER_MAGIC);

	if (!ctx)
		return -ENOMEM;
	ctx->ops = &vnode_pager_sops;
	return 0;
}

/* No .owner: the module's own mount must not pin the module. */
static struct file_system_type vnode_pager_fs_type = {
	.name		= "vpm_pager",
	.init_fs_context = vnode_pager_init_fs_context,
	.kill_sb	= kill_anon_super,
};

static const struct address_space_operations vnode_pager_aops = {
	.read_folio		= vnode_pager_read_folio,
	.readahead		= vnode_pager_readahead,
	.writepages		= vnode_pager_writepages,
	.dirty_folio		= filemap_dirty_folio,
	.migrate_folio		= filemap_migrate_folio,
	VPM_AOPS_ERROR_REMOVE,
};

/*
 * A hashed inode, not an anonymous one: alloc_anon_inode() marks its inode
 * dirty for good, which would keep the flusher from ever writing it back.
 */
static struct inode *vnode_pager_new_inode(struct vnode_pager *vnp)
{
	struct inode *inode = new_inode(vnode_pager_mnt->mnt_sb);

	if (!inode)
		return NULL;
	inode->i_ino = get_next_ino();
	inode->i_mode = S_IFREG | 0600;
	inode->i_flags |= S_PRIVATE;
	inode->i_private = vnp;
	inode->i_mapping->a_ops = &vnode_pager_aops;
	simple_inode_init_ts(inode);
	i_size_write(inode, vnp->size);
	insert_inode_hash(inode);
	return inode;
}

/* --- backing stores --- */

#ifdef VPM_HAVE_BDEV_FILE
static int vnode_pager_claim_bdev(struct vnode_pager *vnp, struct file *file)
{
	blk_mode_t mode = BLK_OPEN_READ;
	struct file *bdev_file;

	if (!(vnp->flags & VNODE_PAGER_READONLY))
		mode |= BLK_OPEN_WRITE | BLK_OPEN_RESTRICT_WRITES;
	/* Exclusive: a mounted or otherwise claimed device is refused. */
	bdev_file = bdev_file_open_by_dev(file_inode(file)->i_rdev, mode, vnp,
					  NULL);
	if (IS_ERR(bdev_file))
		return PTR_ERR(bdev_file);
	vnp->backing = bdev_file;
	vnp->bdev = file_bdev(bdev_file);
	return 0;
}

static void vnode_pager_yield_bdev(struct vnode_pager *vnp)
{
	/* The claim is yielded now, not when the file is freed. */
	bdev_fput(vnp->backing);
}
#else
/*
 * 6.9, "bdev: open block device as files": before, the device is claimed
 * with blkdev_get_by_dev() and the caller's file is kept as the backing.
 */
static int vnode_pager_claim_bdev(struct vnode_pager *vnp, struct file *file)
{
	fmode_t mode = FMODE_READ | FMODE_EXCL;
	struct block_device *bdev;

	if (!(vnp->flags & VNODE_PAGER_READONLY))
		mode |= FMODE_WRITE;
	bdev = blkdev_get_by_dev(file_inode(file)->i_rdev, mode, vnp);
	if (IS_ERR(bdev))
		return PTR_ERR(bdev);
	vnp->backing = get_file(file);
	vnp->bdev = bdev;
	vnp->bdev_mode = mode;
	return 0;
}

static void vnode_pager_yield_bdev(struct vnode_pager *vnp)
{
	blkdev_put(vnp->bdev, vnp->bdev_mode);
	fput(vnp->backing);
}
#endif

static int vnode_pager_open_bdev(struct vnode_pager *vnp, struct file *file)
{
	int err = vnode_pager_claim_bdev(vnp, file);

	if (err)
		return err;
	vnp->size = bdev_nr_bytes(vnp->bdev);
	vnp->blkbits = PAGE_SHIFT;
	vnp->path = VNODE_PAGER_BIO;
	/* Nothing stale in the device's own page cache. */
	sync_blockdev(vnp->bdev);
	invalidate_bdev(vnp->bdev);
	return 0;
}

/* Mark the file as swapon does: no writes, truncation or hole punching. */
static int vnode_pager_deny_writes(struct vnode_pager *vnp)
{
	struct inode *inode = file_inode(vnp->backing);
	int err = 0;

	inode_lock(inode);
	if (IS_SWAPFILE(inode))
		err = -EBUSY;
	else
		inode->i_flags |= S_SWAPFILE;
	inode_unlock(inode);
	if (err)
		return err;
	vnp->denied_writes = true;
	return 0;
}

static void vnode_pager_allow_writes(struct vnode_pager *vnp)
{
	struct inode *inode = file_inode(vnp->backing);

	if (!vnp->denied_writes)
		return;
	inode_lock(inode);
	inode->i_flags &= ~S_SWAPFILE;
	inode_unlock(inode);
	vnp->denied_writes = false;
}

static int vnode_pager_choose_path(struct vnode_pager *vnp)
{
	struct inode *inode = file_inode(vnp->backing);
	struct super_block *sb = inode->i_sb;

	vnp->blkbits = inode->i_blkbits;
	if (!inode->i_mapping->a_ops->bmap || !sb->s_bdev ||
	    inode->i_blkbits < SECTOR_SHIFT)
		return VNODE_PAGER_OLD;
	/* bmap() needs the file's delayed blocks allocated. */
	if (filemap_write_and_wait(inode->i_mapping))
		return VNODE_PAGER_OLD;
	vnp->bdev = sb->s_bdev;
	if (!(vnp->flags & VNODE_PAGER_READONLY) && vnp_check_allocated(vnp)) {
		pr_info("file with holes attached for writing: using the old path\n");
		vnp->bdev = NULL;
		return VNODE_PAGER_OLD;
	}
	return inode->i_blkbits < PAGE_SHIFT ? VNODE_PAGER_SMALL_BLOCK :
					       VNODE_PAGER_BIO;
}

static int vnode_pager_open_file(struct vnode_pager *vnp, struct file *file)
{
	struct inode *inode = file_inode(file);
	struct address_space *fmap = file->f_mapping;
	int err;

	if (vnode_pager_is_backing(file) || IS_SWAPFILE(inode))
		return -EBUSY;
	vnp->backing = get_file(file);
	vnp->size = i_size_read(inode);
	vnp->path = vnode_pager_choose_path(vnp);
	if (vnp->path == VNODE_PAGER_OLD) {
		vnp->bdev = NULL;
		/* Like loop: no reclaim recursion into the file's I/O. */
		vnp->old_gfp = mapping_gfp_mask(fmap);
		mapping_set_gfp_mask(fmap,
				     vnp->old_gfp & ~(__GFP_IO | __GFP_FS));
		return 0;
	}
	err = vnode_pager_deny_writes(vnp);
	if (err)
		goto out_put;
	/* The file's own page cache must not hide what we write. */
	err = filemap_write_and_wait(fmap);
	if (!err)
		err = invalidate_inode_pages2(fmap);
	if (err)
		goto out_allow;
	return 0;

out_allow:
	vnode_pager_allow_writes(vnp);
out_put:
	fput(vnp->backing);
	vnp->backing = NULL;
	return err;
}

static void vnode_pager_close_backing(struct vnode_pager *vnp)
{
	struct address_space *fmap = vnp->backing->f_mapping;

	if (vnp->old_gfp)
		mapping_set_gfp_mask(fmap, vnp->old_gfp);
	if (vnp->denied_writes) {
		/* Readers of the file must see what we wrote. */
		invalidate_inode_pages2(fmap);
		vnode_pager_allow_writes(vnp);
	}
	if (S_ISBLK(file_inode(vnp->backing)->i_mode))
		vnode_pager_yield_bdev(vnp);
	else
		fput(vnp->backing);
	vnp->backing = NULL;
}

/**
 * vnode_pager_is_backing() - is a file already backing a pager object?
 * @file: a regular file or a block device
 *
 * Return: true if an object pages to the same inode or device.
 */
bool vnode_pager_is_backing(struct file *file)
{
	struct inode *inode = file_inode(file);
	struct vnode_pager *vnp;
	bool found = false;

	mutex_lock(&vnode_pager_list_lock);
	list_for_each_entry(vnp, &vnode_pager_list, link) {
		struct inode *b = file_inode(vnp->backing);

		if (b == inode || (S_ISBLK(inode->i_mode) &&
				   S_ISBLK(b->i_mode) &&
				   b->i_rdev == inode->i_rdev)) {
			found = true;
			break;
		}
	}
	mutex_unlock(&vnode_pager_list_lock);
	return found;
}

/**
 * vnode_pager_create() - a pager object over a block device or a file
 * @file: the backing store, opened for reading, and for writing unless
 *	@flags has VNODE_PAGER_READONLY
 * @flags: VNODE_PAGER_READONLY
 *
 * Context: process context, may sleep.
 * Return: the object, or an ERR_PTR: -EINVAL for a file that is neither a
 * block device nor a regular file, or for unknown @flags; -EBADF when
 * @file is not open for what @flags ask; -EBUSY for a device that is
 * mounted or claimed, or a file that is a swap file or backs an object
 * already; -ENOMEM.
 */
struct vnode_pager *vnode_pager_create(struct file *file, unsigned int flags)
{
	umode_t mode = file_inode(file)->i_mode;
	struct vnode_pager *vnp;
	int err;

	if (flags & ~VNODE_PAGER_READONLY)
		return ERR_PTR(-EINVAL);
	if (!S_ISBLK(mode) && !S_ISREG(mode))
		return ERR_PTR(-EINVAL);
	if (!(file->f_mode & FMODE_READ) ||
	    (!(flags & VNODE_PAGER_READONLY) && !(file->f_mode & FMODE_WRITE)))
		return ERR_PTR(-EBADF);

	vnp = kzalloc(sizeof(*vnp), GFP_KERNEL);
	if (!vnp)
		return ERR_PTR(-ENOMEM);
	vnp->flags = flags;
	mutex_init(&vnp->resize_lock);
	vnp->stats = __alloc_percpu(sizeof(long) * VNP_STAT_NR,
				    __alignof__(long));
	err = -ENOMEM;
	if (!vnp->stats)
		goto out_free;
	vnp->id = ida_alloc(&vnode_pager_ida, GFP_KERNEL);
	if (vnp->id < 0) {
		err = vnp->id;
		goto out_free;
	}

	err = S_ISBLK(mode) ? vnode_pager_open_bdev(vnp, file) :
			      vnode_pager_open_file(vnp, file);
	if (err)
		goto out_ida;

	err = -ENOMEM;
	vnp->inode = vnode_pager_new_inode(vnp);
	if (!vnp->inode)
		goto out_backing;

	mutex_lock(&vnode_pager_list_lock);
	list_add_tail(&vnp->link, &vnode_pager_list);
	mutex_unlock(&vnode_pager_list_lock);
	return vnp;

out_backing:
	vnode_pager_close_backing(vnp);
out_ida:
	ida_free(&vnode_pager_ida, vnp->id);
out_free:
	free_percpu(vnp->stats);
	kfree(vnp);
	return ERR_PTR(err);
}

/**
 * vnode_pager_flush() - make written data durable on the backing store
 * @vnp: the pager
 *
 * Sends a cache flush to the device, or fsyncs the file on the old path.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno.
 */
int vnode_pager_flush(struct vnode_pager *vnp)
{
	if (vnp->flags & VNODE_PAGER_READONLY)
		return 0;
	if (vnp->path == VNODE_PAGER_OLD)
		return vfs_fsync(vnp->backing, 1);
	return blkdev_issue_flush(vnp->bdev);
}

/**
 * vnode_pager_dead() - is the backing device gone?
 * @vnp: the pager
 *
 * Return: true once the disk the object pages to was removed (hot unplug,
 * null_blk powered off): its dirty pages can never be written.
 */
bool vnode_pager_dead(struct vnode_pager *vnp)
{
	return vnp->bdev && !disk_live(vnp->bdev->bd_disk);
}

/**
 * vnode_pager_destroy() - write back and free a pager object
 * @vnp: the object, which nobody uses any more
 * @force: free it even if writeback fails (unload); its dirty pages are
 *	then lost, which is logged
 *
 * The seed's uncache: write back, release the object's vpm cache entries
 * and pages, drop the inode, put the backing file.
 *
 * Context: process context, may sleep.
 * Return: 0, or the writeback error (the object is kept unless @force).
 */
int vnode_pager_destroy(struct vnode_pager *vnp, bool force)
{
	struct address_space *mapping = vnode_pager_mapping(vnp);
	int err;

	mutex_lock(&vnp->resize_lock);
	err = filemap_write_and_wait(mapping);
	if (!err)
		err = vnode_pager_flush(vnp);
	if (err && !force) {
		mutex_unlock(&vnp->resize_lock);
		return err;
	}
	if (err)
		pr_err("object %d: writeback failed (%d), dirty pages lost\n",
		       vnp->id, err);

	mutex_lock(&vnode_pager_list_lock);
	list_del(&vnp->link);
	mutex_unlock(&vnode_pager_list_lock);
	debugfs_remove(vnp->debugfs);

	vpm_release_mapping(mapping);
	truncate_inode_pages_final(mapping);
	iput(vnp->inode);
	vnode_pager_close_backing(vnp);
	mutex_unlock(&vnp->resize_lock);

	ida_free(&vnode_pager_ida, vnp->id);
	free_percpu(vnp->stats);
	kfree(vnp);
	return err;
}

/**
 * vnode_pager_add_debugfs() - publish an object's statistics
 * @vnp: the object
 * @dir: the directory to create the "stats" file in
 */
void vnode_pager_add_debugfs(struct vnode_pager *vnp, struct dentry *dir)
{
	vnp->debugfs = debugfs_create_file("stats", 0444, dir, vnp,
					   &vnode_pager_object_fops);
}

/* --- size and block queries --- */

/* Change the size of the backing file (regular files). */
static int vnode_pager_truncate_backing(struct vnode_pager *vnp,
					loff_t nsize)
{
	struct file *file = vnp->backing;
	struct inode *inode = file_inode(file);
	struct iattr attr = {
		.ia_valid = ATTR_SIZE | ATTR_MTIME | ATTR_CTIME,
		.ia_size = nsize,
	};
	const struct cred *old_cred;
	int err;

	if (!vnp->denied_writes) {
		old_cred = override_creds(file->f_cred);
		err = vfs_truncate(&file->f_path, nsize);
		revert_creds(old_cred);
		return err;
	}
	/* Our own S_SWAPFILE mark is lifted under the inode lock only. */
	err = mnt_want_write_file(file);
	if (err)
		return err;
	inode_lock(inode);
	inode->i_flags &= ~S_SWAPFILE;
	err = vpm_notify_change(file, &attr);
	inode->i_flags |= S_SWAPFILE;
	inode_unlock(inode);
	mnt_drop_write_file(file);
	return err;
}

/**
 * vnode_pager_setsize() - change the size of an object over a regular file
 * @vnp: the object
 * @nsize: the new size in bytes
 *
 * Shrinking drops the cached pages beyond the new end, releases their vpm
 * cache entries and zeroes the tail of the last partial page, then
 * truncates the file; growing extends the file first.  A file paged by
 * bios cannot grow in place: its new blocks would be holes.
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL for a block device or a negative size; -EROFS for a
 * read-only object; -EFBIG beyond the file system's limit; -EOPNOTSUPP
 * for growing a file on the bio path; an error of the truncation.
 */
int vnode_pager_setsize(struct vnode_pager *vnp, loff_t nsize)
{
	struct inode *inode = vnp->inode;
	struct address_space *mapping = inode->i_mapping;
	struct inode *binode = file_inode(vnp->backing);
	loff_t old;
	int err = 0;

	if (!S_ISREG(binode->i_mode) || nsize < 0)
		return -EINVAL;
	if (vnp->flags & VNODE_PAGER_READONLY)
		return -EROFS;
	if (nsize > binode->i_sb->s_maxbytes)
		return -EFBIG;

	mutex_lock(&vnp->resize_lock);
	filemap_invalidate_lock(mapping);
	old = i_size_read(inode);
	if (nsize > old) {
		err = -EOPNOTSUPP;
		if (vnp->path == VNODE_PAGER_OLD)
			err = vnode_pager_truncate_backing(vnp, nsize);
		if (!err)
			i_size_write(inode, nsize);
	} else if (nsize < old) {
		i_size_write(inode, nsize);
		vpm_release_range(mapping, round_up(nsize, PAGE_SIZE) >>
				  PAGE_SHIFT, ULONG_MAX);
		truncate_pagecache(inode, nsize);
		err = vnode_pager_truncate_backing(vnp, nsize);
	}
	if (!err)
		vnp->size = nsize;
	filemap_invalidate_unlock(mapping);
	mutex_unlock(&vnp->resize_lock);
	return err;
}

/* Is the page @k pages from the one at @pos (at @sector) next on disk? */
static bool vnp_contiguous(struct vnode_pager *vnp, loff_t pos,
			   sector_t sector, long k)
{
	loff_t other = pos + ((loff_t)k << PAGE_SHIFT);
	sector_t s;

	if (other < 0 || other >= i_size_read(vnp->inode))
		return false;
	return vnp_map_pos(vnp, other, &s) &&
	       s == sector + k * (long)(PAGE_SIZE >> SECTOR_SHIFT);
}

/**
 * vnode_pager_haspage() - does the backing store hold a page?
 * @vnp: the object
 * @off: byte offset
 * @before: if not NULL, set to the pages before it contiguous on the disk
 * @after: if not NULL, set to the pages after it contiguous on the disk
 *
 * Counts stop at vpm_pager_cluster pages.  On the old path the file system
 * cannot say, so the page is taken to exist, alone.
 *
 * Context: process context, may sleep.
 * Return: false beyond the end of the object or for a hole.
 */
bool vnode_pager_haspage(struct vnode_pager *vnp, loff_t off, int *before,
			 int *after)
{
	loff_t size = i_size_read(vnp->inode);
	unsigned int limit = READ_ONCE(vnode_pager_cluster);
	loff_t pos = round_down(off, PAGE_SIZE);
	sector_t sector;
	int nb = 0, na = 0;

	if (off < 0 || off >= size)
		return false;
	if (vnp->path != VNODE_PAGER_OLD) {
		if (!vnp_map_pos(vnp, pos, &sector))
			return false;
		while (nb < limit && vnp_contiguous(vnp, pos, sector, -(nb + 1)))
			nb++;
		while (na < limit && vnp_contiguous(vnp, pos, sector, na + 1))
			na++;
	}
	if (before)
		*before = nb;
	if (after)
		*after = na;
	return true;
}

/* --- module init and exit --- */

/**
 * vnode_pager_init() - mount the pager's pseudo file system
 *
 * Return: 0 or a negative errno.
 */
int vnode_pager_init(void)
{
	int err;

	vnode_pager_mnt = kern_mount(&vnode_pager_fs_type);
	if (IS_ERR(vnode_pager_mnt))
		return PTR_ERR(vnode_pager_mnt);
	/* A backing-dev of our own: the flusher writes objects back. */
	err = super_setup_bdi(vnode_pager_mnt->mnt_sb);
	if (err) {
		kern_unmount(vnode_pager_mnt);
		return err;
	}
	/*
	 * A read larger than the read-ahead window is read whole, up to the
	 * largest batch the pager puts in one bio (see ractl_max_pages()):
	 * the block layer splits a bio to each device's own limits.
	 */
	vnode_pager_mnt->mnt_sb->s_bdi->io_pages = VNP_MAX_BATCH;
	vnode_pager_debugfs = debugfs_create_file("pager", 0444,
						  vpm_debugfs_root, NULL,
						  &vnode_pager_global_fops);
	return 0;
}

/**
 * vnode_pager_exit() - unmount the pseudo file system
 *
 * Every object must have been destroyed.
 */
void vnode_pager_exit(void)
{
	debugfs_remove(vnode_pager_debugfs);
	WARN_ON_ONCE(!list_empty(&vnode_pager_list));
	kern_unmount(vnode_pager_mnt);
}
