/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vnode_pager: page an object in and out of a block device or a regular
 * file (the FreeBSD vnode pager on Linux).
 *
 * A pager object owns a pseudo inode whose page cache holds the object's
 * pages and whose address_space_operations are the pager: reads and
 * writeback build one bio per run of pages contiguous on the disk, and
 * fall back to kernel_read()/kernel_write() on the backing file where
 * blocks cannot be mapped.
 */
#ifndef _VNODE_PAGER_H
#define _VNODE_PAGER_H

#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/types.h>

struct block_device;
struct dentry;
struct vfsmount;

/* How an object's pages reach the disk. */
enum vnode_pager_path {
	VNODE_PAGER_BIO,	/* bios; blocks at least a page */
	VNODE_PAGER_SMALL_BLOCK,/* bios; several blocks per page */
	VNODE_PAGER_OLD,	/* kernel_read/kernel_write on the file */
};

/* Counters, per pager and global; see Documentation/design.rst. */
enum vnode_pager_stat {
	VNP_STAT_VNODEIN,	/* input operations (the seed's v_vnodein) */
	VNP_STAT_VNODEPGSIN,	/* pages read in */
	VNP_STAT_VNODEOUT,	/* output operations */
	VNP_STAT_VNODEPGSOUT,	/* pages written out */
	VNP_STAT_BIOS_READ,
	VNP_STAT_BIOS_WRITE,
	VNP_STAT_READAHEAD_PAGES,	/* pages read ahead, asynchronously */
	VNP_STAT_OLD_OPS,	/* kernel_read/kernel_write calls */
	VNP_STAT_SMALL_BLOCK_OPS,	/* operations on a small-block object */
	VNP_STAT_HOLE_BLOCKS,	/* blocks read as holes (zeroed) */
	VNP_STAT_IO_ERRORS,	/* pages whose I/O failed */
	VNP_STAT_RETRIES,	/* single-page write retries */
	VNP_STAT_BAD_PAGES,	/* pages beyond the end, skipped */
	/* pages per bio, power-of-two buckets: 1, 2, 3-4, ..., 257+ */
	VNP_STAT_HIST0,
	VNP_STAT_FAULTS = VNP_STAT_HIST0 + 10,	/* page faults served */
	VNP_STAT_MAJOR_FAULTS,	/* faults that paged in */
	VNP_STAT_MKWRITES,	/* first writes to mapped pages */
	VNP_STAT_NR,
};

#define VNP_HIST_BUCKETS	10

extern const char * const vnode_pager_stat_names[VNP_STAT_NR];

/* A hole in an extent map: no sector, reads as zeros. */
#define VNP_SECTOR_HOLE		((sector_t)-1)

/**
 * struct vnp_extent - a run of file blocks contiguous on the disk
 * @block: first file block
 * @len: number of blocks
 * @sector: disk sector of @block, or VNP_SECTOR_HOLE for a run of holes
 */
struct vnp_extent {
	u64 block;
	u64 len;
	sector_t sector;
};

/**
 * struct vnp_extent_map - where a regular file's blocks lie, read once
 * @ext: the extents, sorted by file block, covering blocks 0 to the end
 * @nr: extents in use
 * @room: extents allocated
 * @limit: most extents the map may grow to
 * @blkbits: log2 of the file system's block size; 0 for no map (a block
 *	device, or the old path)
 * @lookups: bmap() calls it took to build
 *
 * Built by vnp_extent_build() before the object is published, freed when
 * it is destroyed; read without locks in between.
 */
struct vnp_extent_map {
	struct vnp_extent *ext;
	unsigned int nr;
	unsigned int room;
	unsigned int limit;
	unsigned int blkbits;
	u64 lookups;
};

/* vnode_pager_create() flags */
#define VNODE_PAGER_READONLY	0x1

/**
 * struct vnode_pager - a pager object (the seed's vn_pager)
 * @link: entry on vnode_pager_list, under vnode_pager_list_lock
 * @id: number of the object, unique while it lives
 * @backing: the backing file: our own open of the block device or of the
 *	regular file (its f_wb_err is the object's cursor of the file's
 *	writeback errors)
 * @bdev: the block device bios go to; NULL on the old path
 * @mnt: the object's own mount of the pager's pseudo file system: its
 *	super block's backing-dev (vpmN) carries this object's writeback and
 *	dirty throttling alone
 * @inode: the pseudo inode; its i_mapping is the object's page cache
 * @size: size of the object in bytes (the seed's vnp_size); changed under
 *	@resize_lock, read with i_size_read() of @inode
 * @resize_lock: serializes size changes and detach.  Lock order, as the
 *	kernel's for a file: @resize_lock, then the backing file system's
 *	freeze protection (sb_start_write()), the backing inode's lock, and
 *	last the invalidate_lock of @inode's mapping; write(2) takes the
 *	freeze protection before that invalidate_lock too
 * @blkbits: log2 of the block size that maps to the disk
 * @path: how the pages reach the disk
 * @flags: VNODE_PAGER_* flags given at creation
 * @denied_writes: the backing file was marked S_SWAPFILE by us, and its
 *	shared writable mappings denied
 * @extents: the backing file's extent map (bio and small-block paths)
 * @old_gfp: the backing file mapping's gfp mask before we restricted it
 * @bdev_mode: how @bdev was claimed, on kernels without block device files
 * @stats: per-CPU counters of this object
 * @debugfs: the object's statistics file, or NULL
 */
struct vnode_pager {
	struct list_head link;
	int id;
	struct file *backing;
	struct block_device *bdev;
	struct vfsmount *mnt;
	struct inode *inode;
	loff_t size;
	struct mutex resize_lock;	/* serializes resize and destroy */
	unsigned int blkbits;
	enum vnode_pager_path path;
	unsigned int flags;
	bool denied_writes;
	struct vnp_extent_map extents;
	gfp_t old_gfp;
	fmode_t bdev_mode;
	long __percpu *stats;
	struct dentry *debugfs;
};

static inline struct address_space *vnode_pager_mapping(struct vnode_pager *vnp)
{
	return vnp->inode->i_mapping;
}

/* vnode_pager/object.c */
int vnode_pager_init(void);
void vnode_pager_exit(void);
struct vnode_pager *vnode_pager_create(struct file *backing,
				       unsigned int flags);
int vnode_pager_destroy(struct vnode_pager *vnp, bool force);
void vnode_pager_free(struct vnode_pager *vnp);
int vnode_pager_flush(struct vnode_pager *vnp, bool datasync);
int vnode_pager_write_begin(struct vnode_pager *vnp, bool update_time);
void vnode_pager_write_end(struct vnode_pager *vnp);
int vnode_pager_fault_begin(struct vnode_pager *vnp);
void vnode_pager_fault_end(struct vnode_pager *vnp);
bool vnode_pager_dead(struct vnode_pager *vnp);
void vnode_pager_add_debugfs(struct vnode_pager *vnp, struct dentry *dir);
int vnode_pager_setsize(struct vnode_pager *vnp, loff_t nsize);
bool vnode_pager_haspage(struct vnode_pager *vnp, loff_t off, int *before,
			 int *after);
bool vnode_pager_is_backing(struct file *file);
long vnode_pager_stat(struct vnode_pager *vnp, enum vnode_pager_stat stat);
void vnode_pager_stat_add(struct vnode_pager *vnp, enum vnode_pager_stat stat,
			  long n);
const char *vnode_pager_path_name(enum vnode_pager_path path);

/* vnode_pager/output.c */
unsigned long vnode_pager_count_dirty(struct vnode_pager *vnp, u64 *bytes);

/* vnode_pager/bmap.c: extent maps */
int vnp_extent_add(struct vnp_extent_map *map, u64 block, u64 len,
		   sector_t sector);
bool vnp_extent_lookup(const struct vnp_extent_map *map, u64 block,
		       sector_t *sector, u64 *left);
void vnp_extent_map_free(struct vnp_extent_map *map);

/* vnode_pager/input.c */
int vnode_pager_getpages(struct vnode_pager *vnp, pgoff_t index,
			 unsigned int behind, unsigned int ahead,
			 unsigned int *pages, unsigned int *bios);
int vnode_pager_getpages_window(struct vnode_pager *vnp, pgoff_t index,
				unsigned int *behind, unsigned int *ahead,
				unsigned int *pages, unsigned int *bios);
extern unsigned int vnode_pager_cluster;

/*
 * vnode_pager/fault.c: fault read-around, FreeBSD's vm_fault numbers
 * (VM_FAULT_READ_AHEAD_MIN, VM_FAULT_READ_AHEAD_MAX with a 1 MiB maxphys,
 * VM_FAULT_READ_DEFAULT).
 */
#define VNP_FAULT_AHEAD_MIN	7
#define VNP_FAULT_AHEAD_MAX	255
#define VNP_FAULT_CLUSTER	16

/* A mapping's madvise() hint (VM_RAND_READ, VM_SEQ_READ). */
enum vnp_fault_hint {
	VNP_FAULT_NORMAL,
	VNP_FAULT_RANDOM,
	VNP_FAULT_SEQUENTIAL,
};

/**
 * struct vnp_fault_ra - read-around state of one mapping
 * @next: the page a sequential fault comes to next (FreeBSD's next_read)
 * @ahead: pages the last sequential fault asked to read ahead (FreeBSD's
 *	read_ahead); 0 after a fault that was not sequential
 */
struct vnp_fault_ra {
	pgoff_t next;
	unsigned int ahead;
};

struct vm_area_struct;

void vnp_fault_window(struct vnp_fault_ra *ra, enum vnp_fault_hint hint,
		      pgoff_t index, pgoff_t first, pgoff_t last,
		      unsigned int *behind, unsigned int *ahead);
void vnp_fault_done(struct vnp_fault_ra *ra, pgoff_t index,
		    unsigned int ahead);
void vnp_fault_clamp(struct vnode_pager *vnp, pgoff_t index,
		     unsigned int *behind, unsigned int *ahead);
int vnode_pager_mmap(struct vnode_pager *vnp, struct vm_area_struct *vma);

#endif /* _VNODE_PAGER_H */
