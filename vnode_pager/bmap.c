// SPDX-License-Identifier: GPL-2.0
/*
 * vnode_pager: block translation (the seed's VOP_BMAP and
 * vnode_pager_addr()).
 *
 * A block device maps byte offsets to sectors one to one.  A regular file
 * maps each file-system block through bmap(); a block that bmap() does not
 * map (0) is a hole, or an unwritten extent, whose disk contents must not
 * be read or written directly.
 */

#include <linux/blkdev.h>
#include <linux/fs.h>
#include <linux/sched.h>

#include "internal.h"

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
 * vnp_map_pos() - the disk sector of a byte offset of the object
 * @vnp: the pager (not on the old path)
 * @pos: byte offset, aligned to 512 bytes
 * @sector: set to the sector holding @pos on @vnp->bdev
 *
 * Context: may sleep (bmap() of the file system).
 * Return: true if mapped, false for a hole.
 */
bool vnp_map_pos(struct vnode_pager *vnp, loff_t pos, sector_t *sector)
{
	struct inode *inode = file_inode(vnp->backing);
	unsigned int bits = vnp->blkbits;
	sector_t block;

	if (S_ISBLK(inode->i_mode)) {
		*sector = pos >> SECTOR_SHIFT;
		return true;
	}
	block = pos >> bits;
	if (bmap(inode, &block) || !block)
		return false;
	*sector = (block << (bits - SECTOR_SHIFT)) +
		  ((pos & ((1 << bits) - 1)) >> SECTOR_SHIFT);
	return true;
}

/**
 * vnp_check_allocated() - does every block of the file map to the disk?
 * @vnp: the pager, over a regular file with bmap()
 *
 * Writes go straight to the blocks, so a file attached for writing on the
 * bio path must have no hole and no unwritten extent: those need the file
 * system to allocate or convert them.
 *
 * Context: may sleep.
 * Return: 0, or -ENODATA at the first block that is not mapped.
 */
int vnp_check_allocated(struct vnode_pager *vnp)
{
	loff_t pos;
	sector_t sector;

	for (pos = 0; pos < vnp->size; pos += 1 << vnp->blkbits) {
		if (!vnp_map_pos(vnp, pos, &sector))
			return -ENODATA;
		cond_resched();
	}
	return 0;
}
