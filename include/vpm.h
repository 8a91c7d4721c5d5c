/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpm: temporary kernel mappings of file pages (the illumos vpm interface).
 *
 * A caller maps up to VPMMAXLEN bytes of an address_space with
 * vpm_map_pages(), gets a scatter/gather list of kernel addresses, copies,
 * and gives the pages back with vpm_unmap_pages().  vpm_data_copy() does
 * the three steps for an iov_iter; vpm_sync_pages() writes back, frees or
 * discards a range.  Behind the API, a cache of vpmap entries keeps the
 * most recently used pages associated (and referenced) so that a repeated
 * access finds its entry without touching a freelist.
 */
#ifndef _VPM_H
#define _VPM_H

#include <linux/fs.h>
#include <linux/migrate_mode.h>
#include <linux/types.h>
#include <linux/uio.h>

#include <uapi/linux/vpm.h>

/* Longest range one vpm_map_pages() call maps (the seed's VPMMAXLEN). */
#define VPMMAXLEN	(128 * 1024)
#define VPMMAXPGS	(VPMMAXLEN / PAGE_SIZE)
/* Bounds of @nseg: one entry of the list always ends it. */
#define VPM_MINVMAPS	3
#define VPM_MAXVMAPS	(VPMMAXPGS + 1)

/* Direction of an access: pages read, or written and then marked dirty. */
enum vpm_rw {
	VPM_READ,
	VPM_WRITE,
};

/* vs_flags of a mapped page. */
#define VPM_VS_CACHED	0x1	/* vs_data is a vpmap entry of the cache */
#define VPM_VS_HIT	0x2	/* the page's cache entry was found */
#define VPM_VS_NEW	0x4	/* page created by this call, not read */
#define VPM_VS_LOCKED	0x8	/* page locked for writing until unmapped */

/**
 * struct vmap - one page of a vpm scatter/gather list
 * @vs_addr: kernel address of the page; NULL ends the list
 * @vs_len: bytes mapped at @vs_addr (PAGE_SIZE)
 * @vs_data: opaque: the cache entry or the page
 * @vs_flags: VPM_VS_* bits describing how the page was mapped
 */
struct vmap {
	void *vs_addr;
	size_t vs_len;
	void *vs_data;
	unsigned int vs_flags;
};

int vpm_map_pages(struct address_space *mapping, loff_t off, size_t len,
		  int fetchpage, struct vmap *vml, int nseg, int *newpage,
		  enum vpm_rw rw);
void vpm_unmap_pages(struct vmap *vml, enum vpm_rw rw);
int vpm_data_copy(struct address_space *mapping, loff_t off, size_t len,
		  struct iov_iter *iter, int fetchpage, int *newpage,
		  int zerostart, enum vpm_rw rw);
int vpm_sync_pages(struct address_space *mapping, loff_t off, size_t len,
		   unsigned int flags);
struct page *vpm_vmap_page(const struct vmap *vs);
void vpm_release_mapping(struct address_space *mapping);
void vpm_release_range(struct address_space *mapping, pgoff_t start,
		       pgoff_t end);
bool vpm_release_folio(struct folio *folio, gfp_t gfp);
void vpm_invalidate_folio(struct folio *folio, size_t offset, size_t length);
#ifdef CONFIG_MIGRATION
int vpm_migrate_folio(struct address_space *mapping, struct folio *dst,
		      struct folio *src, enum migrate_mode mode);
#else
#define vpm_migrate_folio NULL
#endif

#endif /* _VPM_H */
