/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpm: what differs between the kernels vpm builds on (Debian's 6.1 and
 * 6.12).  Kbuild probes the kernel's headers for each feature (so distro
 * backports are seen) and defines VPM_HAVE_*; every shim below names the
 * upstream change it papers over.
 */
#ifndef _VPM_COMPAT_H
#define _VPM_COMPAT_H

#include <linux/bio.h>
#include <linux/bvec.h>
#include <linux/fs.h>
#include <linux/migrate.h>
#include <linux/pagemap.h>
#include <linux/shrinker.h>
#include <linux/slab.h>

/* 6.3, "mm: return an ERR_PTR from __filemap_get_folio": NULL before. */
static inline struct folio *vpm_filemap_get_folio(struct address_space *m,
						  pgoff_t index)
{
	struct folio *folio = filemap_get_folio(m, index);

	return folio ?: ERR_PTR(-ENOENT);
}

/*
 * Find or create the folio at @index, locked, as filemap_grab_folio() does
 * (for writing if @write).  The NULL-on-failure of kernels before 6.3 is
 * turned into -ENOMEM.
 */
static inline struct folio *vpm_grab_folio(struct address_space *m,
					   pgoff_t index, bool write)
{
	struct folio *folio;

	folio = __filemap_get_folio(m, index, FGP_LOCK | FGP_CREAT |
				    (write ? FGP_WRITE : 0),
				    mapping_gfp_mask(m));
	return folio ?: ERR_PTR(-ENOMEM);
}

#ifndef VPM_HAVE_FOLIO_END_READ
/* 6.10, "mm: add folio_end_read()". */
static inline void folio_end_read(struct folio *folio, bool success)
{
	if (success)
		folio_mark_uptodate(folio);
	folio_unlock(folio);
}
#endif

#ifndef VPM_HAVE_BVEC_SET_FOLIO
/* 6.4, "bvec: add a bvec_set_folio helper". */
static inline void bvec_set_folio(struct bio_vec *bv, struct folio *folio,
				  unsigned int len, unsigned int offset)
{
	bv->bv_page = &folio->page;
	bv->bv_len = len;
	bv->bv_offset = offset;
}
#endif

#ifndef VPM_HAVE_SIMPLE_INODE_INIT_TS
/* 6.6, "fs: add a new simple_inode_init_ts() helper". */
static inline void simple_inode_init_ts(struct inode *inode)
{
	struct timespec64 now = current_time(inode);

	inode->i_atime = now;
	inode->i_mtime = now;
	inode->i_ctime = now;
}
#endif

/* 6.8, "fs: convert error_remove_page to error_remove_folio". */
#ifdef VPM_HAVE_ERROR_REMOVE_FOLIO
#define VPM_AOPS_ERROR_REMOVE .error_remove_folio = generic_error_remove_folio
#else
#define VPM_AOPS_ERROR_REMOVE .error_remove_page = generic_error_remove_page
#endif

/* 6.3, "fs: port ->setattr() to pass mnt_idmap". */
static inline int vpm_notify_change(struct file *file, struct iattr *attr)
{
#ifdef VPM_HAVE_MNT_IDMAP
	return notify_change(file_mnt_idmap(file), file->f_path.dentry, attr,
			     NULL);
#else
	return notify_change(file_mnt_user_ns(file), file->f_path.dentry, attr,
			     NULL);
#endif
}

/* 6.10, "mm: remove the index argument of page_cache_async_readahead". */
static inline void vpm_async_readahead(struct address_space *mapping,
				       struct file_ra_state *ra,
				       struct folio *folio,
				       unsigned long req_count)
{
#ifdef VPM_HAVE_ASYNC_RA_FOLIO
	page_cache_async_readahead(mapping, ra, NULL, folio, req_count);
#else
	page_cache_async_readahead(mapping, ra, NULL, folio, folio->index,
				   req_count);
#endif
}

/* 6.4, "block: export bio_add_folio": modules add the page before. */
static inline bool vpm_bio_add_folio(struct bio *bio, struct folio *folio,
				     size_t len, size_t off)
{
#ifdef VPM_HAVE_BIO_ADD_FOLIO
	return bio_add_folio(bio, folio, len, off);
#else
	return bio_add_page(bio, folio_page(folio, off >> PAGE_SHIFT), len,
			    offset_in_page(off)) == len;
#endif
}

#ifdef VPM_HAVE_SHRINKER_ALLOC
static inline struct shrinker *vpm_shrinker_alloc(const char *name)
{
	return shrinker_alloc(0, name);
}

static inline void vpm_shrinker_set_private(struct shrinker *s, void *data)
{
	s->private_data = data;
}

static inline void *vpm_shrinker_private(struct shrinker *s)
{
	return s->private_data;
}

static inline int vpm_shrinker_register(struct shrinker *s)
{
	shrinker_register(s);
	return 0;
}

static inline void vpm_shrinker_free(struct shrinker *s)
{
	shrinker_free(s);
}
#else
/*
 * 6.7, "mm: shrinker: add infrastructure for dynamically allocating
 * shrinker": before, the caller embeds the shrinker and registers it with
 * a name.
 */
struct vpm_shrinker {
	struct shrinker s;
	void *private_data;
	const char *name;
};

static inline struct shrinker *vpm_shrinker_alloc(const char *name)
{
	struct vpm_shrinker *v = kzalloc(sizeof(*v), GFP_KERNEL);

	if (!v)
		return NULL;
	v->s.seeks = DEFAULT_SEEKS;
	v->name = name;
	return &v->s;
}

static inline void vpm_shrinker_set_private(struct shrinker *s, void *data)
{
	container_of(s, struct vpm_shrinker, s)->private_data = data;
}

static inline void *vpm_shrinker_private(struct shrinker *s)
{
	return container_of(s, struct vpm_shrinker, s)->private_data;
}

static inline int vpm_shrinker_register(struct shrinker *s)
{
	return register_shrinker(s, "%s",
				 container_of(s, struct vpm_shrinker, s)->name);
}

static inline void vpm_shrinker_free(struct shrinker *s)
{
	if (s->nr_deferred)
		unregister_shrinker(s);
	kfree(container_of(s, struct vpm_shrinker, s));
}
#endif

/*
 * 6.8, "mm: add a mapping_set_stable_writes helper": before, only a whole
 * super block can ask for stable pages.  Each object's inode is alone on
 * a super block of its own, so there the super block asks for it.
 */
static inline void vpm_inode_set_stable_writes(struct inode *inode)
{
#ifdef VPM_HAVE_MAPPING_STABLE_WRITES
	mapping_set_stable_writes(inode->i_mapping);
#else
	inode->i_sb->s_iflags |= SB_I_STABLE_WRITES;
#endif
}

/*
 * 6.5, "splice: Add a func to do a splice from an O_DIRECT file without
 * ITER_PIPE" (copy_splice_read()); generic_file_splice_read() went then.
 */
#ifdef VPM_HAVE_COPY_SPLICE_READ
#define vpm_splice_read copy_splice_read
#else
#define vpm_splice_read generic_file_splice_read
#endif

/*
 * 6.12, "mm: migrate: support poisoned recover from migrate folio": the
 * data is copied first, with machine-check recovery, before the page
 * cache slot moves; before, folio_migrate_copy() copied data and flags
 * once the slot had moved.  vpm_migrate_copy_early() then
 * vpm_migrate_copy_late() do what the kernel does, either way.
 */
#ifdef VPM_HAVE_FOLIO_MC_COPY
static inline int vpm_migrate_copy_early(struct folio *dst, struct folio *src)
{
	return folio_mc_copy(dst, src);
}

static inline void vpm_migrate_copy_late(struct folio *dst, struct folio *src)
{
	folio_migrate_flags(dst, src);
}
#else
static inline int vpm_migrate_copy_early(struct folio *dst, struct folio *src)
{
	return 0;
}

static inline void vpm_migrate_copy_late(struct folio *dst, struct folio *src)
{
	folio_migrate_copy(dst, src);
}
#endif

/*
 * 6.5, "mm: Make release_folio() be called for folios in mappings that set
 * AS_RELEASE_ALWAYS" (Debian's 6.1 has it backported): reclaim asks the
 * mapping before it frees a folio without private data.  Without it, only
 * the shrinker gives cached pages back.
 */
static inline void vpm_mapping_set_release_always(struct address_space *m)
{
#ifdef VPM_HAVE_RELEASE_ALWAYS
	mapping_set_release_always(m);
#endif
}

#endif /* _VPM_COMPAT_H */
