// SPDX-License-Identifier: GPL-2.0
/*
 * vnode_pager: pager objects (the seed's vnode_pager_alloc(), _dealloc(),
 * _setsize(), _haspage(), _uncache() and vnode_pager_list).
 *
 * An object is a pseudo inode of a module-private file system, alone on a
 * super block with a backing-dev of its own (vpmN), so its dirty pages are
 * written back and throttled like any file's, apart from every other
 * object's: a disk that stalls holds up its own object only.  Its
 * address_space_operations are the pager.  The backing store is either a
 * block device, opened exclusively
 * by the object (a mounted or claimed device is refused), or a regular
 * file.  A regular file is paged by bios to the file system's device only
 * when its blocks may be written in place (see vnode_pager_bio_refusal()
 * and Documentation/admin-guide.rst): it is then marked S_SWAPFILE, as
 * swapon does, and its shared writable mappings denied, so nobody else can
 * write, truncate, punch or map it for writing; its dirty pages are written
 * back and its metadata made durable (vfs_fsync), its own page cache is
 * dropped, and its extent map is read once (bmap.c), all after the denial,
 * so that nothing changes under the map.  Every other file goes through
 * vfs_iter_read()/vfs_iter_write() on the file (the old path), where the
 * file system keeps its own promises.
 *
 * Durability: a flush of a file-backed object flushes the disk's cache and
 * fsyncs the backing file, so that what the file system needs to find the
 * data again (allocations, size, times) is committed too.
 *
 * Lifetime: vnode_pager_create() mounts the object's super block and puts
 * the object on vnode_pager_list; vnode_pager_destroy() writes it back and
 * vnode_pager_free() (which an owner that wrote it back itself calls
 * alone) releases its vpm cache entries and pages, drops the inode,
 * unmounts the super block (which unregisters its backing-dev) and puts
 * the backing file.
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

#include <linux/fileattr.h>
#include <linux/magic.h>

#include "internal.h"
#include "vpm_compat.h"
#include "vpm.h"
#include "vpm_internal.h"

#define VNODE_PAGER_MAGIC	0x76706d70	/* "vpmp" */

static LIST_HEAD(vnode_pager_list);
static DEFINE_MUTEX(vnode_pager_list_lock);	/* protects vnode_pager_list */
/*
 * Serializes vnode_pager_create(): the test that a backing store is not
 * used by another object and the object's insertion are one step.  Taken
 * before vnode_pager_list_lock and before any inode lock.
 */
static DEFINE_MUTEX(vnode_pager_attach_lock);
static DEFINE_IDA(vnode_pager_ida);
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
	[VNP_STAT_FAULTS] = "faults",
	[VNP_STAT_MAJOR_FAULTS] = "major_faults",
	[VNP_STAT_MKWRITES] = "mkwrites",
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

	/* Racy sums by design: other CPUs count on meanwhile. */
	for_each_possible_cpu(cpu)
		sum += vnp ? READ_ONCE(per_cpu_ptr(vnp->stats, cpu)[stat]) :
			     READ_ONCE(per_cpu(vnode_pager_global, cpu)[stat]);
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

/* No .owner: the objects' own mounts must not pin the module. */
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
	.migrate_folio		= vpm_migrate_folio,
	.release_folio		= vpm_release_folio,
	.invalidate_folio	= vpm_invalidate_folio,
	VPM_AOPS_ERROR_REMOVE,
};

/*
 * A hashed inode, not an anonymous one: alloc_anon_inode() marks its inode
 * dirty for good, which would keep the flusher from ever writing it back.
 */
static struct inode *vnode_pager_new_inode(struct vnode_pager *vnp)
{
	struct inode *inode = new_inode(vnp->mnt->mnt_sb);

	if (!inode)
		return NULL;
	inode->i_ino = get_next_ino();
	inode->i_mode = S_IFREG | 0600;
	inode->i_flags |= S_PRIVATE;
	inode->i_private = vnp;
	inode->i_mapping->a_ops = &vnode_pager_aops;
	/* Reclaim asks vpm_release_folio() to let go of a cached page. */
	vpm_mapping_set_release_always(inode->i_mapping);
	/* A disk that checksums what it writes needs the page kept still. */
	if (vnp->bdev && bdev_stable_writes(vnp->bdev))
		vpm_inode_set_stable_writes(inode);
	simple_inode_init_ts(inode);
	i_size_write(inode, vnp->size);
	insert_inode_hash(inode);
	return inode;
}

/*
 * The object's own super block, whose backing-dev is named after it
 * (vpmN): the flusher writes each object back in a work item of its own,
 * and balance_dirty_pages() weighs each object's dirty pages against its
 * own writeback, so one object whose disk stalls (dm suspended, a hung
 * device) never holds up the writeback or the writers of another, as one
 * disk does not hold up another's.  Called with the backing store open.
 */
static int vnode_pager_mount(struct vnode_pager *vnp)
{
	struct vfsmount *mnt;
	int err;

	mnt = kern_mount(&vnode_pager_fs_type);
	if (IS_ERR(mnt))
		return PTR_ERR(mnt);
	err = super_setup_bdi_name(mnt->mnt_sb, "vpm%d", vnp->id);
	if (err) {
		kern_unmount(mnt);
		return err;
	}
	/*
	 * A read larger than the read-ahead window is read whole, up to the
	 * largest batch the pager puts in one bio (see ractl_max_pages()):
	 * the block layer splits a bio to each device's own limits.
	 */
	mnt->mnt_sb->s_bdi->io_pages = VNP_MAX_BATCH;
	vnp->mnt = mnt;
	return 0;
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

/*
 * Mark the file as swapon does: no writes, truncation, hole punching or new
 * writable mappings.  -EBUSY for a swap file (or another object's file),
 * -ETXTBSY while somebody has the file mapped shared and writable.
 */
static int vnode_pager_deny_writes(struct vnode_pager *vnp)
{
	struct inode *inode = file_inode(vnp->backing);
	int err = 0;

	inode_lock(inode);
	if (IS_SWAPFILE(inode)) {
		err = -EBUSY;
	} else if (mapping_deny_writable(inode->i_mapping)) {
		err = -ETXTBSY;
	} else {
		inode->i_flags |= S_SWAPFILE;
		vnp->denied_writes = true;
		/* Direct I/O started before the mark ends first. */
		inode_dio_wait(inode);
		/* The size nobody can change any more. */
		vnp->size = i_size_read(inode);
	}
	inode_unlock(inode);
	return err;
}

static void vnode_pager_allow_writes(struct vnode_pager *vnp)
{
	struct inode *inode = file_inode(vnp->backing);

	if (!vnp->denied_writes)
		return;
	inode_lock(inode);
	inode->i_flags &= ~S_SWAPFILE;
	mapping_allow_writable(inode->i_mapping);
	inode_unlock(inode);
	vnp->denied_writes = false;
}

/*
 * What keeps a file from the bio path, seen from its properties alone: the
 * reason, or NULL.  Its blocks are looked at later (vnp_extent_build()).
 */
static const char *vnode_pager_bio_refusal(struct vnode_pager *vnp)
{
	struct file *file = vnp->backing;
	struct inode *inode = file_inode(file);
	struct super_block *sb = inode->i_sb;
	struct fileattr fa = { };

	/*
	 * Only file systems known to keep a file's blocks where bmap() says
	 * and to read back what is there: exfat, for one, maps blocks past a
	 * file's valid size that it reads as zeros.
	 */
	switch (sb->s_magic) {
	case EXT4_SUPER_MAGIC:	/* ext2, ext3, ext4 */
	case XFS_SUPER_MAGIC:
	case F2FS_SUPER_MAGIC:
		break;
	default:
		return "not a file system known to keep blocks in place (ext2/3/4, XFS, f2fs)";
	}
	if (!inode->i_mapping->a_ops->bmap)
		return "the file system has no block map";
	if (!sb->s_bdev)
		return "the file system has no block device";
	if (inode->i_blkbits < SECTOR_SHIFT || inode->i_blkbits > PAGE_SHIFT)
		return "its block size";
	if (bdev_is_zoned(sb->s_bdev))
		return "a zoned device is not written in place";
	if (IS_ENCRYPTED(inode))
		return "encrypted";
	if (IS_VERITY(inode))
		return "fs-verity";
	if (IS_DAX(inode))
		return "DAX";
	if (IS_APPEND(inode) || IS_IMMUTABLE(inode))
		return "append-only or immutable";
	if (vfs_fileattr_get(file->f_path.dentry, &fa))
		fa.flags = 0;
	if (fa.flags & FS_COMPR_FL)
		return "compressed";
	if (fa.flags & FS_INLINE_DATA_FL)
		return "inline data";
	if (fa.fsx_xflags & FS_XFLAG_REALTIME)
		return "on a realtime device";
	/* f2fs moves the blocks of a file it has not pinned. */
	if (sb->s_magic == F2FS_SUPER_MAGIC && !(fa.flags & FS_NOCOW_FL))
		return "f2fs may move its blocks (not pinned)";
	return NULL;
}

/*
 * With writers shut out: write back the file's dirty pages and commit its
 * metadata, drop its page cache, read its extent map.  Returns 0, the
 * reason for the old path in @why (-ENODATA), or an error.
 */
static int vnode_pager_map_file(struct vnode_pager *vnp, const char **why)
{
	struct address_space *fmap = vnp->backing->f_mapping;
	int err;

	/* Delayed blocks allocated, unwritten extents converted, committed. */
	err = vfs_fsync(vnp->backing, 1);
	if (err)
		return err;
	/* The file's own page cache must not hide what we write. */
	if (invalidate_inode_pages2(fmap)) {
		*why = "its page cache cannot be dropped";
		return -ENODATA;
	}
	return vnp_extent_build(vnp, vnp->flags & VNODE_PAGER_READONLY, why);
}

static int vnode_pager_choose_path(struct vnode_pager *vnp,
				   const char **why)
{
	struct inode *inode = file_inode(vnp->backing);
	int err;

	vnp->blkbits = inode->i_blkbits;
	*why = vnode_pager_bio_refusal(vnp);
	if (*why)
		return VNODE_PAGER_OLD;
	err = vnode_pager_deny_writes(vnp);
	if (err == -ETXTBSY) {
		*why = "it is mapped shared and writable";
		return VNODE_PAGER_OLD;
	}
	if (err)
		return err;
	err = vnode_pager_map_file(vnp, why);
	if (err) {
		vnode_pager_allow_writes(vnp);
		return err == -ENODATA || err == -E2BIG ? VNODE_PAGER_OLD :
							 err;
	}
	vnp->bdev = inode->i_sb->s_bdev;
	return inode->i_blkbits < PAGE_SHIFT ? VNODE_PAGER_SMALL_BLOCK :
					       VNODE_PAGER_BIO;
}

static int vnode_pager_open_file(struct vnode_pager *vnp, struct file *file)
{
	struct inode *inode = file_inode(file);
	struct address_space *fmap = file->f_mapping;
	const char *why = NULL;
	int path;

	if (vnode_pager_is_backing(file) || IS_SWAPFILE(inode))
		return -EBUSY;
	/* As for a write(2) to the file itself. */
	if (!(vnp->flags & VNODE_PAGER_READONLY) &&
	    (IS_APPEND(inode) || IS_IMMUTABLE(inode)))
		return -EPERM;
	/*
	 * An open of our own: its error cursor (f_wb_err) is the object's,
	 * not the attacher's, and the attacher's descriptor counts as
	 * another writer (see vnode_pager_truncate_backing()).
	 */
	vnp->backing = dentry_open(&file->f_path, O_LARGEFILE |
				   (vnp->flags & VNODE_PAGER_READONLY ?
				    O_RDONLY : O_RDWR), file->f_cred);
	if (IS_ERR(vnp->backing)) {
		path = PTR_ERR(vnp->backing);
		vnp->backing = NULL;
		return path;
	}
	vnp->size = i_size_read(inode);
	path = vnode_pager_choose_path(vnp, &why);
	if (path < 0) {
		fput(vnp->backing);
		vnp->backing = NULL;
		return path;
	}
	vnp->path = path;
	if (vnp->path != VNODE_PAGER_OLD)
		return 0;
	pr_info("%pD: paged through the file system: %s\n", file, why);
	vnp->bdev = NULL;
	/* Like loop: no reclaim recursion into the file's I/O. */
	vnp->old_gfp = mapping_gfp_mask(fmap);
	mapping_set_gfp_mask(fmap, vnp->old_gfp & ~(__GFP_IO | __GFP_FS));
	return 0;
}

static void vnode_pager_close_backing(struct vnode_pager *vnp)
{
	struct address_space *fmap = vnp->backing->f_mapping;

	if (vnp->old_gfp)
		mapping_set_gfp_mask(fmap, vnp->old_gfp);
	if (vnp->denied_writes) {
		/* Readers of the file must see what we wrote. */
		if (invalidate_inode_pages2(fmap))
			pr_warn("%pD: stale pages left in the file's page cache\n",
				vnp->backing);
		vnode_pager_allow_writes(vnp);
	}
	vnp_extent_map_free(&vnp->extents);
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
 * already; -EPERM for an append-only or immutable file attached for
 * writing; -EINTR when a fatal signal stops the reading of the extent
 * map; an error of fsync of the file (-EIO); -ENOMEM.
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

	mutex_lock(&vnode_pager_attach_lock);
	err = S_ISBLK(mode) ? vnode_pager_open_bdev(vnp, file) :
			      vnode_pager_open_file(vnp, file);
	if (err)
		goto out_unlock;

	err = vnode_pager_mount(vnp);
	if (err)
		goto out_backing;
	err = -ENOMEM;
	vnp->inode = vnode_pager_new_inode(vnp);
	if (!vnp->inode)
		goto out_unmount;

	mutex_lock(&vnode_pager_list_lock);
	list_add_tail(&vnp->link, &vnode_pager_list);
	mutex_unlock(&vnode_pager_list_lock);
	mutex_unlock(&vnode_pager_attach_lock);
	return vnp;

out_unmount:
	kern_unmount(vnp->mnt);
out_backing:
	vnode_pager_close_backing(vnp);
out_unlock:
	mutex_unlock(&vnode_pager_attach_lock);
	ida_free(&vnode_pager_ida, vnp->id);
out_free:
	free_percpu(vnp->stats);
	kfree(vnp);
	return ERR_PTR(err);
}

/**
 * vnode_pager_flush() - make written data durable on the backing store
 * @vnp: the pager
 * @datasync: only what is needed to read the data back (fdatasync)
 *
 * Sends a cache flush to the device; for a regular file, then fsyncs the
 * file, so that its size, allocations and (unless @datasync) times are
 * committed too.  On the old path the fsync of the file does both.  A
 * failure is recorded on the object's mapping, so every open descriptor
 * of the object learns of it once (errseq), whoever asked first.
 *
 * Context: process context, may sleep.
 * Return: 0 or a negative errno.
 */
int vnode_pager_flush(struct vnode_pager *vnp, bool datasync)
{
	int err = 0;

	if (vnp->flags & VNODE_PAGER_READONLY)
		return 0;
	if (vnp->path != VNODE_PAGER_OLD)
		err = blkdev_issue_flush(vnp->bdev);
	if (!err && S_ISREG(file_inode(vnp->backing)->i_mode))
		err = vfs_fsync(vnp->backing, datasync);
	/* -EINVAL: a file system without fsync, nothing was lost. */
	if (err && err != -EINVAL)
		mapping_set_error(vnode_pager_mapping(vnp), err);
	return err;
}

/**
 * vnode_pager_write_begin() - a copy of a write(2) to the object is starting
 * @vnp: the pager, not read-only
 * @update_time: the first copy of the write(2): move the file's times
 *
 * For a regular file paged by bios: waits while its file system is
 * frozen, and moves the file's mtime and ctime, as a write(2) to the file
 * itself would (the seed's VOP_UPDATE).  On the old path the file system
 * does both when the pages are written to the file.  Pair with
 * vnode_pager_write_end().
 *
 * Context: process context, may sleep.
 * Return: 0, or the error of updating the times.
 */
int vnode_pager_write_begin(struct vnode_pager *vnp, bool update_time)
{
	struct file *file = vnp->backing;
	int err;

	if (!vnp->denied_writes)
		return 0;
	sb_start_write(file_inode(file)->i_sb);
	if (!update_time)
		return 0;
	err = file_update_time(file);
	if (err)
		sb_end_write(file_inode(file)->i_sb);
	return err;
}

/**
 * vnode_pager_write_end() - a copy begun by vnode_pager_write_begin() is
 *	over
 * @vnp: the pager
 */
void vnode_pager_write_end(struct vnode_pager *vnp)
{
	if (vnp->denied_writes)
		sb_end_write(file_inode(vnp->backing)->i_sb);
}

/**
 * vnode_pager_fault_begin() - a store to a mapped page is starting
 * @vnp: the pager, not read-only
 *
 * The page_mkwrite counterpart of vnode_pager_write_begin(): for a
 * regular file paged by bios, waits while its file system is frozen (at
 * the page fault level, as a file system's own page_mkwrite does under
 * mmap_lock) and moves the file's times.  Pair with
 * vnode_pager_fault_end().
 *
 * Context: page fault, mmap_lock or the mapping's lock held; may sleep.
 * Return: 0, or the error of updating the times.
 */
int vnode_pager_fault_begin(struct vnode_pager *vnp)
{
	struct file *file = vnp->backing;
	int err;

	if (!vnp->denied_writes)
		return 0;
	sb_start_pagefault(file_inode(file)->i_sb);
	err = file_update_time(file);
	if (err)
		sb_end_pagefault(file_inode(file)->i_sb);
	return err;
}

/**
 * vnode_pager_fault_end() - a store begun by vnode_pager_fault_begin() is
 *	allowed
 * @vnp: the pager
 */
void vnode_pager_fault_end(struct vnode_pager *vnp)
{
	if (vnp->denied_writes)
		sb_end_pagefault(file_inode(vnp->backing)->i_sb);
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

/*
 * Release the object's vpm cache entries and pages, drop the inode and the
 * object's super block (and with it its backing-dev), put the backing
 * file and free the object.  Called with @vnp->resize_lock held, which is
 * dropped here, before the object goes.
 */
static void vnode_pager_teardown(struct vnode_pager *vnp)
{
	struct address_space *mapping = vnode_pager_mapping(vnp);

	lockdep_assert_held(&vnp->resize_lock);
	mutex_lock(&vnode_pager_list_lock);
	list_del(&vnp->link);
	mutex_unlock(&vnode_pager_list_lock);
	debugfs_remove(vnp->debugfs);

	vpm_release_mapping(mapping);
	truncate_inode_pages_final(mapping);
	iput(vnp->inode);
	/* Unregisters the object's backing-dev: its writeback is over. */
	kern_unmount(vnp->mnt);
	vnode_pager_close_backing(vnp);
	mutex_unlock(&vnp->resize_lock);

	ida_free(&vnode_pager_ida, vnp->id);
	free_percpu(vnp->stats);
	kfree(vnp);
}

/**
 * vnode_pager_free() - free a pager object without writing it back
 * @vnp: the object, which nobody uses any more, written back and flushed
 *	already by its owner (or never written); dirty pages left are lost
 *
 * Context: process context, may sleep.
 */
void vnode_pager_free(struct vnode_pager *vnp)
{
	mutex_lock(&vnp->resize_lock);
	vnode_pager_teardown(vnp);
}

/**
 * vnode_pager_destroy() - write back and free a pager object
 * @vnp: the object, which nobody uses any more
 * @force: free it even if writeback fails; its dirty pages are then lost,
 *	which is logged
 *
 * The seed's uncache: write back and flush, then vnode_pager_free().
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
		err = vnode_pager_flush(vnp, false);
	if (err && !force) {
		mutex_unlock(&vnp->resize_lock);
		return err;
	}
	if (err)
		pr_warn("object %d: %s failed (%d) on removal\n", vnp->id,
			mapping_tagged(mapping, PAGECACHE_TAG_DIRTY) ?
			"writeback" : "the cache flush", err);
	vnode_pager_teardown(vnp);
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

/*
 * Change the size of the backing file (regular files).  Takes the file
 * system's freeze protection, then the file's inode lock, as ftruncate(2)
 * does: the caller holds the resize lock but not the invalidate lock of
 * the object's mapping, which write(2) takes inside the freeze protection.
 */
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

	lockdep_assert_held(&vnp->resize_lock);
	lockdep_assert_not_held(&vnode_pager_mapping(vnp)->invalidate_lock);
	if (!vnp->denied_writes) {
		old_cred = override_creds(file->f_cred);
		err = vfs_truncate(&file->f_path, nsize);
		revert_creds(old_cred);
		return err;
	}
	/*
	 * Our own S_SWAPFILE mark is lifted under the inode lock only, which
	 * keeps out write(2) and truncate; fallocate tests the mark before it
	 * takes the lock, so nobody else may have the file open for writing,
	 * the attacher included (our own open is the one writer counted).
	 */
	err = mnt_want_write_file(file);
	if (err)
		return err;
	inode_lock(inode);
	if (atomic_read(&inode->i_writecount) > 1) {
		err = -ETXTBSY;
	} else {
		inode->i_flags &= ~S_SWAPFILE;
		err = vpm_notify_change(file, &attr);
		inode->i_flags |= S_SWAPFILE;
	}
	inode_unlock(inode);
	mnt_drop_write_file(file);
	return err;
}

/*
 * A file system zeroes the tail of the new last block through its own page
 * cache when it truncates: write that page and drop it, then dirty ours
 * again and write it, so that the last write of the block is ours and the
 * file system keeps no copy to write over it later.  A copy that cannot be
 * dropped (somebody maps the file) is logged; the truncation stands.
 */
static int vnode_pager_sync_backing_tail(struct vnode_pager *vnp, loff_t eof)
{
	struct address_space *mapping = vnode_pager_mapping(vnp);
	struct address_space *fmap = vnp->backing->f_mapping;
	struct folio *folio;
	int err;

	err = filemap_write_and_wait_range(fmap, eof, LLONG_MAX);
	if (!err)
		err = invalidate_inode_pages2_range(fmap, eof >> PAGE_SHIFT,
						    ULONG_MAX);
	if (err)
		pr_warn("%pD: its page cache keeps a copy of the last page (%d)\n",
			vnp->backing, err);
	folio = vpm_filemap_get_folio(mapping, eof >> PAGE_SHIFT);
	if (IS_ERR(folio))
		return 0;
	folio_lock(folio);
	if (folio->mapping && folio_test_uptodate(folio))
		folio_mark_dirty(folio);
	folio_unlock(folio);
	folio_put(folio);
	/* Ours goes to the disk now, before the size change is flushed. */
	return filemap_write_and_wait_range(mapping, eof, eof + PAGE_SIZE - 1);
}

/* Shrink an object from @old to @nsize bytes: see vnode_pager_setsize(). */
static int vnode_pager_shrink(struct vnode_pager *vnp, loff_t old,
			      loff_t nsize)
{
	struct inode *inode = vnp->inode;
	struct address_space *mapping = inode->i_mapping;
	loff_t eof = round_down(nsize, PAGE_SIZE);
	int err;

	filemap_invalidate_lock(mapping);
	/* What is cut is on the disk first, in case the truncation fails. */
	err = filemap_write_and_wait_range(mapping, eof, LLONG_MAX);
	if (err)
		goto out;
	/*
	 * From here on, nothing beyond @nsize is written back: writeback
	 * reads the size after it marks a folio under writeback, so once
	 * what is under writeback now is done, no bio can reach the blocks
	 * the truncation frees.
	 */
	i_size_write(inode, nsize);
	/* Orders the size before the writeback flags it waits on. */
	smp_mb();
	filemap_fdatawait_range(mapping, eof, LLONG_MAX);
	/*
	 * The file system's freeze protection comes before our invalidate
	 * lock: write(2) holds it across its copy, which takes the lock to
	 * read ahead.  Nothing is dropped or zeroed yet, so a failed
	 * truncation only puts the size back.
	 */
	filemap_invalidate_unlock(mapping);
	err = vnode_pager_truncate_backing(vnp, nsize);
	filemap_invalidate_lock(mapping);
	if (err) {
		i_size_write(inode, old);
		goto out;
	}
	vpm_release_range(mapping, round_up(nsize, PAGE_SIZE) >> PAGE_SHIFT,
			  ULONG_MAX);
	truncate_pagecache(inode, nsize);
	if (vnp->denied_writes)
		err = vnode_pager_sync_backing_tail(vnp, eof);
out:
	filemap_invalidate_unlock(mapping);
	return err;
}

/**
 * vnode_pager_setsize() - change the size of an object over a regular file
 * @vnp: the object
 * @nsize: the new size in bytes
 *
 * Shrinking writes back the pages it cuts, truncates the file, then drops
 * the cached pages beyond the new end, releases their vpm cache entries
 * and zeroes the tail of the last partial page; on the bio path it then
 * writes and drops the file's own copy of its new last page.  Growing
 * extends the file first.  A file paged by bios cannot grow in place: its
 * new blocks would be holes.  A size that changed is made durable
 * (vnode_pager_flush()).  A failed truncation changes nothing.
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL for a block device or a negative size; -EROFS for a
 * read-only object; -EFBIG beyond the file system's limit; -EOPNOTSUPP
 * for growing a file on the bio path; -ETXTBSY when somebody else has a
 * file on the bio path open for writing; an error of the writeback, of
 * the truncation or of the flush (the size has then changed).
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

	/*
	 * Only size changes, serialized here, write the size.  The file is
	 * truncated outside the invalidate lock (see vnode_pager_shrink()).
	 */
	mutex_lock(&vnp->resize_lock);
	old = i_size_read(inode);
	if (nsize > old) {
		err = -EOPNOTSUPP;
		if (vnp->path == VNODE_PAGER_OLD)
			err = vnode_pager_truncate_backing(vnp, nsize);
		if (!err) {
			filemap_invalidate_lock(mapping);
			i_size_write(inode, nsize);
			filemap_invalidate_unlock(mapping);
		}
	} else if (nsize < old) {
		err = vnode_pager_shrink(vnp, old, nsize);
	}
	if (!err)
		vnp->size = nsize;
	if (!err && nsize != old)
		err = vnode_pager_flush(vnp, false);
	mutex_unlock(&vnp->resize_lock);
	return err;
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
		if (vnp_map_pos(vnp, pos, &sector) != VNP_MAPPED)
			return false;
		/* Neither way beyond the object. */
		nb = vnp_run(vnp, pos, sector, -1,
			     min_t(loff_t, limit, pos >> PAGE_SHIFT));
		na = vnp_run(vnp, pos, sector, 1,
			     min_t(loff_t, limit, (size - 1 - pos) >> PAGE_SHIFT));
	}
	if (before)
		*before = nb;
	if (after)
		*after = na;
	return true;
}

/* --- module init and exit --- */

/**
 * vnode_pager_init() - set up the pager: its global statistics in debugfs
 *
 * Each object mounts a super block of the pager's pseudo file system of
 * its own (vnode_pager_create()); nothing is mounted here.
 *
 * Return: 0.
 */
int vnode_pager_init(void)
{
	vnode_pager_debugfs = debugfs_create_file("pager", 0444,
						  vpm_debugfs_root, NULL,
						  &vnode_pager_global_fops);
	return 0;
}

/**
 * vnode_pager_exit() - tear the pager down
 *
 * Every object must have been destroyed: their super blocks and
 * backing-devs are gone with them.
 */
void vnode_pager_exit(void)
{
	debugfs_remove(vnode_pager_debugfs);
	WARN_ON_ONCE(!list_empty(&vnode_pager_list));
}
