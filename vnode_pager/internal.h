/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vnode_pager: what the pager's files share.
 */
#ifndef _VNODE_PAGER_INTERNAL_H
#define _VNODE_PAGER_INTERNAL_H

#include <linux/blk_types.h>
#include <linux/completion.h>
#include <linux/pagemap.h>

#include "vnode_pager.h"

/* Most pages one read or write batch (and so one bio) covers: 1 MiB. */
#define VNP_MAX_BATCH	256

/* Result of one page of an output batch (the seed's VM_PAGER_*). */
enum vnp_result {
	VNP_OK,		/* written */
	VNP_AGAIN,	/* not tried yet */
	VNP_BAD,	/* beyond the end of the object: skipped */
	VNP_ERROR,	/* the write failed, even alone */
};

/**
 * struct vnp_io - one batch of index-contiguous folios in flight
 * @vnp: the pager
 * @pending: bios in flight plus one held by the submitter
 * @sync: the submitter waits for @done; else the last completion ends the
 *	reads and frees the batch
 * @done: completed by the last reference of a synchronous batch
 * @write: a write batch
 * @opf_flags: flags added to every bio (REQ_SYNC)
 * @bios: bios submitted for the batch
 * @nr: number of folios
 * @failed: per folio, set by a bio completion that failed (atomic bits)
 * @folios: the folios, locked (reads) or under writeback (writes)
 */
struct vnp_io {
	struct vnode_pager *vnp;
	atomic_t pending;
	bool sync;
	struct completion done;
	bool write;
	blk_opf_t opf_flags;
	unsigned int bios;
	unsigned int nr;
	unsigned long *failed;
	struct folio *folios[];
};

struct vnp_io *vnp_io_alloc(struct vnode_pager *vnp, unsigned int nr,
			    bool write, gfp_t gfp);
void vnp_io_free(struct vnp_io *io);
void vnp_io_submit(struct vnp_io *io, bool sync);
void vnp_io_wait(struct vnp_io *io);
void vnp_io_release(struct vnp_io *io);
bool vnp_io_failed(struct vnp_io *io, unsigned int i);
void vnp_read_done(struct vnp_io *io);

/* Where a block of the object lies (vnp_map_pos()). */
enum vnp_where {
	VNP_MAPPED,	/* at a sector of the disk */
	VNP_HOLE,	/* a hole of a read-only file: zeros */
	VNP_UNMAPPED,	/* nowhere the map knows: an I/O error */
};

/* Block translation (vnode_pager/bmap.c). */
enum vnp_where vnp_map_pos(struct vnode_pager *vnp, loff_t pos,
			   sector_t *sector);
unsigned int vnp_run(struct vnode_pager *vnp, loff_t pos, sector_t sector,
		     int dir, unsigned int max);
unsigned int vnp_unit(struct vnode_pager *vnp);
int vnp_extent_build(struct vnode_pager *vnp, bool holes, const char **why);

/* Input and output (vnode_pager/input.c, vnode_pager/output.c). */
int vnode_pager_read_folio(struct file *file, struct folio *folio);
void vnode_pager_readahead(struct readahead_control *rac);
int vnode_pager_writepages(struct address_space *mapping,
			   struct writeback_control *wbc);
int vnp_old_rw(struct vnode_pager *vnp, struct folio **folios,
	       unsigned int nr, bool write);

/* Counters (vnode_pager/object.c). */
void vnp_stat_inc(struct vnode_pager *vnp, enum vnode_pager_stat stat);
void vnp_stat_hist(struct vnode_pager *vnp, unsigned int pages);

static inline struct vnode_pager *vnp_of(struct address_space *mapping)
{
	return mapping->host->i_private;
}

#endif /* _VNODE_PAGER_INTERNAL_H */
