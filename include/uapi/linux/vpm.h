/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vpm: user API of the control device /dev/vpm and of the object devices
 * /dev/vpmN.  Documentation/uapi.rst describes every command and its
 * errors.
 *
 * Every argument is a fixed-size structure of __u32/__u64 with explicit
 * padding.  Reserved fields and unknown flag bits must be zero, or the
 * ioctl fails with EINVAL; unknown commands fail with ENOTTY.  A command
 * that fails changes nothing.
 */
#ifndef _UAPI_LINUX_VPM_H
#define _UAPI_LINUX_VPM_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define VPM_IOCTL_MAGIC		0xB7

/* Version of this API; grows when a command or a field is added. */
#define VPM_API_VERSION		3

/**
 * struct vpm_version - version of the loaded module and of its user API
 * @major: major version of the module
 * @minor: minor version of the module
 * @patch: patch level of the module
 * @api: VPM_API_VERSION of the module
 * @reserved: must be zero on input, zero on output
 */
struct vpm_version {
	__u32 major;
	__u32 minor;
	__u32 patch;
	__u32 api;
	__u64 reserved[2];
};

/* Attach flags */
#define VPM_ATTACH_READONLY	0x1	/* never write the backing store */
#define VPM_ATTACH_FLAGS	0x1

/**
 * struct vpm_attach - attach a backing store, making /dev/vpmN
 * @fd: in: a block device or a regular file, open for reading, and for
 *	writing unless VPM_ATTACH_READONLY
 * @flags: in: VPM_ATTACH_*
 * @id: out: the object's number N
 * @reserved0: must be zero
 * @reserved: must be zero
 */
struct vpm_attach {
	__s32 fd;
	__u32 flags;
	__u32 id;
	__u32 reserved0;
	__u64 reserved[2];
};

/* Detach flags */
#define VPM_DETACH_FORCE	0x1	/* remove it even if pages cannot be written */
#define VPM_DETACH_FLAGS	0x1

/**
 * struct vpm_detach - write an object back and remove it
 * @id: in: the object's number
 * @flags: in: VPM_DETACH_* (VPM_CTL_DETACH_V1: must be zero)
 * @lost_bytes: out: bytes of dirty pages dropped without being written
 *	(VPM_DETACH_FORCE, or a disk that is gone); must be zero on input
 * @dirty_pages: out: pages that could not be written when the detach was
 *	refused (the object stays); must be zero on input
 * @error: out: the error (a positive errno) that refused the detach, lost
 *	pages, or failed the final cache flush; 0 when everything was written
 *	and flushed; must be zero on input
 *
 * VPM_CTL_DETACH writes the out fields back, also when it fails with the
 * error of the writeback (EIO, EAGAIN); VPM_CTL_DETACH_V1 (API version 2
 * and before, when they were reserved) never does.
 */
struct vpm_detach {
	__u32 id;
	__u32 flags;
	__u64 lost_bytes;
	__u32 dirty_pages;
	__u32 error;
};

/* How an object's pages reach the disk (struct vpm_object_info.path). */
#define VPM_PATH_BIO		0	/* bios, blocks of a page or more */
#define VPM_PATH_SMALL_BLOCK	1	/* bios, blocks smaller than a page */
#define VPM_PATH_OLD		2	/* read/write on the backing file */

/* Kind of backing store (struct vpm_object_info.backing_type). */
#define VPM_BACKING_BLOCK	0
#define VPM_BACKING_FILE	1

#define VPM_PATH_MAX		256

/**
 * struct vpm_object_info - one object
 * @id: its number N, /dev/vpmN
 * @flags: VPM_ATTACH_* it was attached with
 * @path: VPM_PATH_*
 * @backing_type: VPM_BACKING_*
 * @size: size in bytes
 * @block_size: block size that maps to the disk
 * @open_count: open file descriptions of /dev/vpmN
 * @pages_cached: pages of the object in memory
 * @hits: pages found with their vpm cache entry by read and write
 * @misses: pages that needed an entry from a freelist
 * @backing_dev: device number of the block device (new encoding:
 *	major << 20 | minor), or of the file system holding the file
 * @backing_ino: inode number of the file, 0 for a block device
 * @backing_path: path of the backing store when attached, NUL-terminated,
 *	truncated to VPM_PATH_MAX - 1 bytes
 * @reserved: zero
 */
struct vpm_object_info {
	__u32 id;
	__u32 flags;
	__u32 path;
	__u32 backing_type;
	__u64 size;
	__u32 block_size;
	__u32 open_count;
	__u64 pages_cached;
	__u64 hits;
	__u64 misses;
	__u64 backing_dev;
	__u64 backing_ino;
	__u8 backing_path[VPM_PATH_MAX];
	__u64 reserved[4];
};

/**
 * struct vpm_info - list the objects
 * @count: in: room in the array at @objects; out: number of objects (only
 *	the first min(room, objects) entries are filled)
 * @flags: in: must be zero
 * @objects: in: user address of an array of struct vpm_object_info
 * @reserved: must be zero
 */
struct vpm_info {
	__u32 count;
	__u32 flags;
	__u64 objects;
	__u64 reserved[2];
};

/*
 * Counters of the vpm cache (struct vpm_stats.cache), in this order.  New
 * ones are only appended: an older module fills fewer (ncache).
 */
enum vpm_cache_counter {
	VPM_CSTAT_ENTRIES,
	VPM_CSTAT_FREELISTS,
	VPM_CSTAT_MODE,		/* 0 lru, 1 random */
	VPM_CSTAT_FREE_ALLOC,
	VPM_CSTAT_FREE_RELEASE,
	VPM_CSTAT_WAITERS,
	VPM_CSTAT_HITS,
	VPM_CSTAT_MISSES,
	VPM_CSTAT_STEALS,
	VPM_CSTAT_CONTEND,
	VPM_CSTAT_PREVPAGELOCKED,
	VPM_CSTAT_GETPAGEFAILED,
	VPM_CSTAT_ZEROSTART,
	VPM_CSTAT_EMPTYFREELIST,
	VPM_CSTAT_NOFREEVPMS,
	VPM_CSTAT_FLIPS,
	VPM_CSTAT_SKIPPED_BUSY,
	VPM_CSTAT_UNCACHED,
	VPM_CSTAT_RELEASED,
	VPM_CSTAT_SHRINKER_RELEASED,
	VPM_CSTAT_CACHED,
	VPM_CSTAT_IN_USE,
	VPM_CSTAT_ENTRY_BYTES,		/* bytes per entry, with hash bucket */
	VPM_CSTAT_FOOTPRINT_BYTES,	/* bytes of the cache's structures */
	VPM_CSTAT_RECLAIMED,	/* entries whose page reclaim took */
	VPM_CSTAT_MIGRATED,	/* entries moved with their migrated page */
	VPM_CSTAT_NR,
};

/**
 * struct vpm_freelist_info - one freelist of the vpm cache
 * @alloc: entries on its alloc queue
 * @release: entries on its release queue
 * @waiters: threads sleeping for a free entry on it
 * @reserved0: zero
 * @reserved: zero
 */
struct vpm_freelist_info {
	__u32 alloc;
	__u32 release;
	__u32 waiters;
	__u32 reserved0;
	__u64 reserved[2];
};

/**
 * struct vpm_freelists - list the freelists of the vpm cache
 * @count: in: room in the array at @freelists; out: number of freelists
 *	(only the first min(room, freelists) entries are filled; 0 when the
 *	cache is disabled)
 * @flags: in: must be zero
 * @freelists: in: user address of an array of struct vpm_freelist_info
 * @reserved: must be zero
 */
struct vpm_freelists {
	__u32 count;
	__u32 flags;
	__u64 freelists;
	__u64 reserved[2];
};

/* Counters of the pager (struct vpm_stats.pager), in this order. */
enum vpm_pager_counter {
	VPM_PSTAT_VNODEIN,
	VPM_PSTAT_VNODEPGSIN,
	VPM_PSTAT_VNODEOUT,
	VPM_PSTAT_VNODEPGSOUT,
	VPM_PSTAT_BIOS_READ,
	VPM_PSTAT_BIOS_WRITE,
	VPM_PSTAT_READAHEAD_PAGES,
	VPM_PSTAT_OLD_OPS,
	VPM_PSTAT_SMALL_BLOCK_OPS,
	VPM_PSTAT_HOLE_BLOCKS,
	VPM_PSTAT_IO_ERRORS,
	VPM_PSTAT_RETRIES,
	VPM_PSTAT_BAD_PAGES,
	VPM_PSTAT_BIO_PAGES_1,	/* bios of 1 page */
	VPM_PSTAT_BIO_PAGES_2,	/* 2 */
	VPM_PSTAT_BIO_PAGES_4,	/* 3-4 */
	VPM_PSTAT_BIO_PAGES_8,	/* 5-8 */
	VPM_PSTAT_BIO_PAGES_16,
	VPM_PSTAT_BIO_PAGES_32,
	VPM_PSTAT_BIO_PAGES_64,
	VPM_PSTAT_BIO_PAGES_128,
	VPM_PSTAT_BIO_PAGES_256,
	VPM_PSTAT_BIO_PAGES_MORE,	/* 257 and more */
	VPM_PSTAT_FAULTS,	/* page faults on mappings of the object */
	VPM_PSTAT_MAJOR_FAULTS,	/* faults that paged in */
	VPM_PSTAT_MKWRITES,	/* first writes to mapped pages */
	VPM_PSTAT_NR,
};

#define VPM_STATS_MAX		64

/**
 * struct vpm_stats - counters
 * @ncache: out: entries of @cache filled (VPM_CSTAT_NR; 0 for an object)
 * @npager: out: entries of @pager filled (VPM_PSTAT_NR)
 * @reserved: must be zero
 * @cache: out: the vpm cache, by enum vpm_cache_counter
 * @pager: out: the pager (all objects, or this one), by enum
 *	vpm_pager_counter
 */
struct vpm_stats {
	__u32 ncache;
	__u32 npager;
	__u64 reserved[2];
	__u64 cache[VPM_STATS_MAX];
	__u64 pager[VPM_STATS_MAX];
};

/*
 * Flags of a sync request (the seed's SM_* flags).  With none, the range
 * is written back, waited for, and the device's cache flushed.
 */
#define VPM_SYNC_ASYNC		0x01	/* start writeback, do not wait */
#define VPM_SYNC_INVAL		0x02	/* then drop the pages */
#define VPM_SYNC_DESTROY	0x04	/* drop the pages without writing */
#define VPM_SYNC_FREE		0x08	/* then free the clean pages */
#define VPM_SYNC_DONTNEED	0x10	/* then release their cache entries */
#define VPM_SYNC_FLAGS		0x1f

/**
 * struct vpm_sync - write back, free or drop a range of an object
 * @offset: in: first byte, at most the object's size
 * @length: in: bytes, rounded up to whole pages; 0 to the end
 * @flags: in: VPM_SYNC_*
 * @reserved0: must be zero
 * @reserved: must be zero
 */
struct vpm_sync {
	__u64 offset;
	__u64 length;
	__u32 flags;
	__u32 reserved0;
	__u64 reserved[2];
};

/**
 * struct vpm_setsize - change the size of an object over a regular file
 * @size: in: the new size in bytes
 * @reserved: must be zero
 */
struct vpm_setsize {
	__u64 size;
	__u64 reserved[3];
};

/**
 * struct vpm_haspage - does the backing store hold a page?
 * @offset: in: byte offset
 * @present: out: 1 if it does, 0 beyond the end or for a hole
 * @before: out: pages before it contiguous on the disk
 * @after: out: pages after it contiguous on the disk
 * @reserved0: must be zero
 * @reserved: must be zero
 */
struct vpm_haspage {
	__u64 offset;
	__u32 present;
	__u32 before;
	__u32 after;
	__u32 reserved0;
	__u64 reserved[2];
};

#define VPM_GETPAGES_MAX	256	/* most pages before or after */

/**
 * struct vpm_getpages - page in a run around a page
 * @offset: in: byte offset of the page, below the object's size
 * @behind: in: pages before it to read too, if not in memory
 * @ahead: in: pages after it to read ahead, if not in memory
 * @pages: out: pages read (0 if the page was in memory)
 * @bios: out: bios submitted
 * @reserved: must be zero
 */
struct vpm_getpages {
	__u64 offset;
	__u32 behind;
	__u32 ahead;
	__u32 pages;
	__u32 bios;
	__u64 reserved[2];
};

#define VPM_MAPINFO_PAGES	32	/* VPMMAXLEN with 4 KiB pages */

/* struct vpm_mapinfo.flags */
#define VPM_MAPINFO_CREATE	0x1	/* create missing pages, do not read */
#define VPM_MAPINFO_FLAGS	0x1

/* struct vpm_mapinfo_page.flags */
#define VPM_MAP_CACHED		0x1	/* mapped through a vpm cache entry */
#define VPM_MAP_HIT		0x2	/* the entry was found */
#define VPM_MAP_NEW		0x4	/* the page was created by the call */

/**
 * struct vpm_mapinfo_page - one page mapped by VPM_IOC_MAPINFO
 * @pfn: its page frame number (0 without CAP_SYS_ADMIN)
 * @flags: VPM_MAP_*
 * @reserved: zero
 */
struct vpm_mapinfo_page {
	__u64 pfn;
	__u32 flags;
	__u32 reserved;
};

/**
 * struct vpm_mapinfo - map a range with vpm_map_pages() and describe it
 * @offset: in: byte offset, below the object's size
 * @length: in: bytes, at most VPM_MAPINFO_PAGES pages; clipped to the end
 * @flags: in: VPM_MAPINFO_*
 * @npages: out: pages mapped
 * @reserved: must be zero
 * @pages: out: the pages
 */
struct vpm_mapinfo {
	__u64 offset;
	__u64 length;
	__u32 flags;
	__u32 npages;
	__u64 reserved[2];
	struct vpm_mapinfo_page pages[VPM_MAPINFO_PAGES];
};

/* The control device /dev/vpm */
#define VPM_CTL_VERSION		_IOWR(VPM_IOCTL_MAGIC, 0x00, struct vpm_version)
#define VPM_CTL_ATTACH		_IOWR(VPM_IOCTL_MAGIC, 0x01, struct vpm_attach)
#define VPM_CTL_DETACH		_IOWR(VPM_IOCTL_MAGIC, 0x02, struct vpm_detach)
/* The detach of API version 2 and before: no flags, no reply. */
#define VPM_CTL_DETACH_V1	_IOW(VPM_IOCTL_MAGIC, 0x02, struct vpm_detach)
#define VPM_CTL_INFO		_IOWR(VPM_IOCTL_MAGIC, 0x03, struct vpm_info)
#define VPM_CTL_STATS		_IOWR(VPM_IOCTL_MAGIC, 0x04, struct vpm_stats)
#define VPM_CTL_FREELISTS	_IOWR(VPM_IOCTL_MAGIC, 0x05, struct vpm_freelists)

/* An object device /dev/vpmN */
#define VPM_IOC_INFO		_IOR(VPM_IOCTL_MAGIC, 0x10, struct vpm_object_info)
#define VPM_IOC_SYNC		_IOW(VPM_IOCTL_MAGIC, 0x11, struct vpm_sync)
#define VPM_IOC_SETSIZE		_IOW(VPM_IOCTL_MAGIC, 0x12, struct vpm_setsize)
#define VPM_IOC_HASPAGE		_IOWR(VPM_IOCTL_MAGIC, 0x13, struct vpm_haspage)
#define VPM_IOC_GETPAGES	_IOWR(VPM_IOCTL_MAGIC, 0x14, struct vpm_getpages)
#define VPM_IOC_MAPINFO		_IOWR(VPM_IOCTL_MAGIC, 0x15, struct vpm_mapinfo)
#define VPM_IOC_STATS		_IOWR(VPM_IOCTL_MAGIC, 0x16, struct vpm_stats)

#endif /* _UAPI_LINUX_VPM_H */
