// SPDX-License-Identifier: GPL-2.0
/*
 * vnode_pager: block translation (the seed's VOP_BMAP and
 * vnode_pager_addr()).
 *
 * A block device maps byte offsets to sectors one to one.  A regular file
 * on the bio path maps through its extent map: runs of file blocks and the
 * sectors they occupy, read once when the object is attached, the way
 * swapon reads a swap file's extents, and never again.  No I/O asks the
 * file system where a block is, so a block whose answer changes (or whose
 * lookup fails) can never be read as zeros or written to the wrong place.
 *
 * The map is built from bmap().  bmap() answers 0 for a hole, but also for
 * an unwritten extent, inline data, a shared (reflinked) extent, a block
 * on a realtime device, or an error of the file system's own lookup: a 0
 * is taken as a hole only when the file system's SEEK_DATA agrees that
 * nothing but zeros lies there, and only on a read-only object.  Any other
 * 0 makes the file unsuitable for bios (it then takes the old path).
 *
 * The map is an array of extents sorted by file block, each a run of
 * blocks contiguous on the disk (or a run of holes); lookups bisect it.
 *
 * A file with no hole and no unwritten extent, on ext4 or XFS with blocks
 * of a page, is mapped the way swapon maps it: the file system's
 * ->swap_activate (iomap_swapfile_activate()) reports its extents, one
 * call per extent rather than per block, and refuses shared, inline and
 * unallocated ones.  Those extents do not tell written from unwritten, so
 * that way is taken only when SEEK_HOLE finds no hole before the end of
 * the file while the file's page cache stays empty (after eviction a page
 * leaves a shadow entry behind, so an empty mapping means no page was
 * there to make an unwritten extent look like data).  Every other file is
 * walked block by block.
 */

#include <linux/blkdev.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/rbtree.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/swap.h>

#include "internal.h"

/* Extents a new map has room for before it grows. */
#define VNP_EXTENTS_MIN		16

/**
 * vnp_unit() - bytes of a page that one block lookup covers
 * @vnp: the pager
 *
 * Return: the block size, at most PAGE_SIZE.
 */
unsigned int vnp_unit(struct vnode_pager *vnp)
{
	return min_t(unsigned int, 1U << vnp->blkbits, PAGE_SIZE);
}

/**
 * vnp_extent_map_free() - free the extents of a map
 * @map: the map; left empty
 */
void vnp_extent_map_free(struct vnp_extent_map *map)
{
	kvfree(map->ext);
	map->ext = NULL;
	map->nr = 0;
	map->room = 0;
}

/* Make room for one more extent. */
static int vnp_extent_grow(struct vnp_extent_map *map)
{
	unsigned int room = max_t(unsigned int, map->room * 2,
				  VNP_EXTENTS_MIN);
	struct vnp_extent *ext;

	if (room <= map->room || room > map->limit)
		return -E2BIG;
	ext = kvmalloc_array(room, sizeof(*ext), GFP_KERNEL);
	if (!ext)
		return -ENOMEM;
	if (map->nr)
		memcpy(ext, map->ext, map->nr * sizeof(*ext));
	kvfree(map->ext);
	map->ext = ext;
	map->room = room;
	return 0;
}

/**
 * vnp_extent_add() - append a run of blocks to a map
 * @map: the map, built in file order
 * @block: first file block of the run; must follow the map's last block
 * @len: number of blocks, not 0
 * @sector: the disk sector of @block, or VNP_SECTOR_HOLE for holes
 *
 * A run that continues the last extent on the disk (or a hole that
 * continues a hole) is merged into it.
 *
 * Context: may sleep (allocates with GFP_KERNEL).
 * Return: 0; -EINVAL for a run that does not follow the map's end;
 * -E2BIG past the map's limit of extents; -ENOMEM.
 */
int vnp_extent_add(struct vnp_extent_map *map, u64 block, u64 len,
		   sector_t sector)
{
	unsigned int spb = 1U << (map->blkbits - SECTOR_SHIFT);
	struct vnp_extent *last = map->nr ? &map->ext[map->nr - 1] : NULL;
	int err;

	if (!len || block != (last ? last->block + last->len : 0))
		return -EINVAL;
	if (last && (sector == VNP_SECTOR_HOLE ?
		     last->sector == VNP_SECTOR_HOLE :
		     last->sector != VNP_SECTOR_HOLE &&
		     last->sector + last->len * spb == sector)) {
		last->len += len;
		return 0;
	}
	if (map->nr == map->room) {
		err = vnp_extent_grow(map);
		if (err)
			return err;
	}
	map->ext[map->nr++] = (struct vnp_extent) {
		.block = block, .len = len, .sector = sector,
	};
	return 0;
}

/**
 * vnp_extent_lookup() - where a file block lies
 * @map: the map
 * @block: the file block
 * @sector: set to its sector, or VNP_SECTOR_HOLE
 * @left: if not NULL, set to the blocks of the same extent from @block on
 *
 * Context: any.
 * Return: true if the map covers @block, false beyond its end.
 */
bool vnp_extent_lookup(const struct vnp_extent_map *map, u64 block,
		       sector_t *sector, u64 *left)
{
	unsigned int spb = 1U << (map->blkbits - SECTOR_SHIFT);
	unsigned int lo = 0, hi = map->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		const struct vnp_extent *e = &map->ext[mid];

		if (block < e->block) {
			hi = mid;
		} else if (block >= e->block + e->len) {
			lo = mid + 1;
		} else {
			*sector = e->sector == VNP_SECTOR_HOLE ?
				  VNP_SECTOR_HOLE :
				  e->sector + (block - e->block) * spb;
			if (left)
				*left = e->block + e->len - block;
			return true;
		}
	}
	return false;
}

/**
 * vnp_map_pos() - where a byte offset of the object lies on the disk
 * @vnp: the pager (not on the old path)
 * @pos: byte offset, aligned to 512 bytes
 * @sector: set to the sector holding @pos on @vnp->bdev
 *
 * Context: any.
 * Return: VNP_MAPPED; VNP_HOLE for a hole of a read-only file (reads as
 * zeros); VNP_UNMAPPED where the map has no answer (an I/O error).
 */
enum vnp_where vnp_map_pos(struct vnode_pager *vnp, loff_t pos,
			   sector_t *sector)
{
	unsigned int bits = vnp->blkbits;
	sector_t s;

	if (!vnp->extents.blkbits) {
		*sector = pos >> SECTOR_SHIFT;
		return VNP_MAPPED;
	}
	if (pos < 0 || !vnp_extent_lookup(&vnp->extents, pos >> bits, &s, NULL))
		return VNP_UNMAPPED;
	if (s == VNP_SECTOR_HOLE)
		return VNP_HOLE;
	*sector = s + ((pos & ((1 << bits) - 1)) >> SECTOR_SHIFT);
	return VNP_MAPPED;
}

/**
 * vnp_run() - pages next to a page that follow it on the disk
 * @vnp: the pager
 * @pos: byte offset of the page
 * @sector: where the page lies (vnp_map_pos() said VNP_MAPPED)
 * @dir: -1 for the pages before it, 1 for those after it
 * @max: most pages to count; the caller keeps them inside the object
 *
 * Return: how many pages, up to @max, lie one after the other on the disk
 * from the page at @pos that way.
 */
unsigned int vnp_run(struct vnode_pager *vnp, loff_t pos, sector_t sector,
		     int dir, unsigned int max)
{
	const long spp = PAGE_SIZE >> SECTOR_SHIFT;
	unsigned int k;
	sector_t s;

	for (k = 1; k <= max; k++) {
		loff_t other = pos + dir * ((loff_t)k << PAGE_SHIFT);

		if (vnp_map_pos(vnp, other, &s) != VNP_MAPPED ||
		    s != sector + dir * (long)k * spp)
			break;
	}
	return k - 1;
}

/*
 * bmap() said 0 for the block at @pos.  Is it a hole?  The file system's
 * SEEK_DATA tells where data starts again; @file is our own open of the
 * backing file (its position is ours to move).  Returns the end of the
 * hole (the next data, or @size), or 0 if there is data at @pos.
 */
static loff_t vnp_hole_end(struct file *file, loff_t pos, loff_t size)
{
	loff_t data = vfs_llseek(file, pos, SEEK_DATA);

	if (data == -ENXIO)
		return size;
	if (data <= pos)
		return 0;
	return min(data, size);
}

/* Open the backing file again, for our own SEEK_DATA/SEEK_HOLE. */
static struct file *vnp_open_seeker(struct vnode_pager *vnp)
{
	return dentry_open(&vnp->backing->f_path, O_RDONLY | O_LARGEFILE,
			   vnp->backing->f_cred);
}

/* Can the file system's swap_activate map this file, without side effects? */
static bool vnp_swap_mappable(struct inode *inode, loff_t size,
			      u64 *lookups)
{
	unsigned long magic = inode->i_sb->s_magic;
	sector_t b = 0;

	/* swap_info_struct counts pages in an unsigned int. */
	if (!inode->i_mapping->a_ops->swap_activate ||
	    inode->i_blkbits != PAGE_SHIFT || size < PAGE_SIZE ||
	    size >> PAGE_SHIFT > UINT_MAX)
		return false;
	/* Their ->swap_activate is iomap_swapfile_activate(), nothing more. */
	if (magic != EXT4_SUPER_MAGIC && magic != XFS_SUPER_MAGIC)
		return false;
	/* bmap() says 0 for every block of a reflinked XFS file. */
	(*lookups)++;
	return !bmap(inode, &b) && b;
}

/* Move the extents swap_activate reported into @map; frees them. */
static int vnp_take_swap_extents(struct vnp_extent_map *map,
				 struct swap_info_struct *sis, u64 *next)
{
	struct rb_node *node = rb_first(&sis->swap_extent_root);
	int err = 0;

	while (node) {
		struct swap_extent *se = rb_entry(node, struct swap_extent,
						  rb_node);

		node = rb_next(node);
		if (!err && se->start_page != *next)
			err = -EINVAL;
		if (!err)
			err = vnp_extent_add(map, se->start_page, se->nr_pages,
					     se->start_block <<
					     (PAGE_SHIFT - SECTOR_SHIFT));
		*next = se->start_page + se->nr_pages;
		rb_erase(&se->rb_node, &sis->swap_extent_root);
		kfree(se);
	}
	return err;
}

/*
 * Map the whole pages of a file with no hole the swapon way.  Returns the
 * number of pages mapped (the file's whole pages), or 0 with @map empty
 * when the file is to be walked block by block.
 */
static u64 vnp_extent_swap(struct vnode_pager *vnp, struct file *seeker)
{
	struct vnp_extent_map *map = &vnp->extents;
	struct file *file = vnp->backing;
	struct inode *inode = file_inode(file);
	struct address_space *fmap = file->f_mapping;
	u64 pages = vnp->size >> PAGE_SHIFT, next = 0;
	struct swap_info_struct *sis;
	sector_t span;
	int err;

	if (!vnp_swap_mappable(inode, vnp->size, &map->lookups) ||
	    !mapping_empty(fmap))
		return 0;
	/* No hole, and no unwritten extent, which SEEK_HOLE calls a hole. */
	if (vfs_llseek(seeker, 0, SEEK_HOLE) < (loff_t)(pages << PAGE_SHIFT))
		return 0;
	sis = kzalloc(sizeof(*sis), GFP_KERNEL);
	if (!sis)
		return 0;
	sis->bdev = inode->i_sb->s_bdev;
	sis->max = pages;
	sis->swap_extent_root = RB_ROOT;
	err = inode->i_mapping->a_ops->swap_activate(sis, file, &span);
	if (err >= 0 && sis->bdev != inode->i_sb->s_bdev)
		err = -EXDEV;
	err = vnp_take_swap_extents(map, sis, &next) ?: min(err, 0);
	kfree(sis);
	/* Every whole page, and still no page that could hide a hole. */
	if (err || next != pages || !mapping_empty(fmap)) {
		vnp_extent_map_free(map);
		return 0;
	}
	return pages;
}

/**
 * vnp_extent_build() - read a file's extent map, once, at attach
 * @vnp: the pager; @vnp->backing is a regular file with bmap(), whose
 *	writers are shut out and whose dirty pages are written back
 * @holes: holes may be mapped (read-only objects); else a hole fails
 * @why: set to the reason when the file cannot be paged by bios
 *
 * Takes the file system's extents where it can (see the top of this
 * file), else walks every block of the file with bmap(), merging runs
 * contiguous on the disk, and skips over holes as SEEK_DATA reports them.
 * @vnp->extents.lookups counts the bmap() calls.
 *
 * Context: process context, may sleep; interruptible by a fatal signal.
 * Return: 0 with @vnp->extents filled in; -ENODATA with @why set for a
 * file whose blocks cannot all be mapped; -E2BIG (@why set) for a map
 * larger than the limit; -EINTR; -ENOMEM; an error of opening the file.
 */
int vnp_extent_build(struct vnode_pager *vnp, bool holes, const char **why)
{
	struct vnp_extent_map *map = &vnp->extents;
	struct inode *inode = file_inode(vnp->backing);
	unsigned int bits = inode->i_blkbits;
	loff_t size = vnp->size;
	u64 nblocks = DIV_ROUND_UP_ULL(size, 1ULL << bits);
	struct file *seeker;
	u64 block;
	int err = 0;

	map->blkbits = bits;
	/* A map of at most 1/64 of memory: else take the old path. */
	map->limit = min_t(u64, UINT_MAX,
			   (totalram_pages() << PAGE_SHIFT) / 64 /
			   sizeof(struct vnp_extent));
	seeker = vnp_open_seeker(vnp);
	if (IS_ERR(seeker)) {
		map->blkbits = 0;
		return PTR_ERR(seeker);
	}
	/* Whole pages the swapon way; what is left (or all) block by block. */
	block = vnp_extent_swap(vnp, seeker);
	while (block < nblocks && !err) {
		sector_t b = block;
		loff_t end;
		u64 next;

		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		cond_resched();
		map->lookups++;
		if (bmap(inode, &b)) {
			*why = "the file system has no block map";
			err = -ENODATA;
			break;
		}
		if (b) {
			err = vnp_extent_add(map, block, 1,
					     b << (bits - SECTOR_SHIFT));
			block++;
			continue;
		}
		end = vnp_hole_end(seeker, block << bits, size);
		/* Whole blocks of zeros; a block with data in it is data. */
		next = end >= size ? nblocks : end >> bits;
		if (next <= block) {
			*why = "blocks bmap() cannot place (shared, inline, realtime, an error)";
			err = -ENODATA;
		} else if (!holes) {
			*why = "holes or unwritten extents, attached for writing";
			err = -ENODATA;
		} else {
			err = vnp_extent_add(map, block, next - block,
					     VNP_SECTOR_HOLE);
			block = next;
		}
	}
	fput(seeker);
	if (err == -E2BIG)
		*why = "too many extents";
	if (err)
		vnp_extent_map_free(map);
	map->blkbits = err ? 0 : bits;
	return err;
}
