/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of vpm: the vpm cache (hits, misses, steals, queue flips,
 * waits, shrinker scans) and the pager (bios, input windows, writeback
 * batches and retries, page faults).  Objects are named by their number
 * (/dev/vpmN), cache entries by the inode number of the page's mapping and
 * the page's index.  Used as "vpm:EVENT" by perf, trace-cmd and bpftrace;
 * see Documentation/admin-guide.rst.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vpm

#if !defined(_TRACE_VPM_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_VPM_H

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/fs.h>
#include <linux/mm_types.h>
#include <linux/tracepoint.h>

/* --- the vpm cache --- */

DECLARE_EVENT_CLASS(vpm_cache_page,
	TP_PROTO(struct address_space *mapping, pgoff_t index),
	TP_ARGS(mapping, index),
	TP_STRUCT__entry(
		__field(unsigned long, ino)
		__field(pgoff_t, index)
	),
	TP_fast_assign(
		__entry->ino = mapping->host->i_ino;
		__entry->index = index;
	),
	TP_printk("ino=%lu index=%lu", __entry->ino,
		  (unsigned long)__entry->index)
);

/* A page mapped through the entry it already had. */
DEFINE_EVENT(vpm_cache_page, vpm_cache_hit,
	TP_PROTO(struct address_space *mapping, pgoff_t index),
	TP_ARGS(mapping, index)
);

/* A page that took an entry from a freelist. */
DEFINE_EVENT(vpm_cache_page, vpm_cache_miss,
	TP_PROTO(struct address_space *mapping, pgoff_t index),
	TP_ARGS(mapping, index)
);

/* A page's entry was taken by another page before it could be used. */
DEFINE_EVENT(vpm_cache_page, vpm_cache_steal,
	TP_PROTO(struct address_space *mapping, pgoff_t index),
	TP_ARGS(mapping, index)
);

DECLARE_EVENT_CLASS(vpm_freelist,
	TP_PROTO(unsigned int freelist),
	TP_ARGS(freelist),
	TP_STRUCT__entry(
		__field(unsigned int, freelist)
	),
	TP_fast_assign(
		__entry->freelist = freelist;
	),
	TP_printk("freelist=%u", __entry->freelist)
);

/* A freelist's alloc and release queues changed places. */
DEFINE_EVENT(vpm_freelist, vpm_cache_flip,
	TP_PROTO(unsigned int freelist),
	TP_ARGS(freelist)
);

/* Every freelist was empty: a thread sleeps on this one. */
DEFINE_EVENT(vpm_freelist, vpm_cache_wait,
	TP_PROTO(unsigned int freelist),
	TP_ARGS(freelist)
);

TRACE_EVENT(vpm_cache_shrink,
	TP_PROTO(unsigned long nr_to_scan, unsigned long released),
	TP_ARGS(nr_to_scan, released),
	TP_STRUCT__entry(
		__field(unsigned long, nr_to_scan)
		__field(unsigned long, released)
	),
	TP_fast_assign(
		__entry->nr_to_scan = nr_to_scan;
		__entry->released = released;
	),
	TP_printk("nr_to_scan=%lu released=%lu", __entry->nr_to_scan,
		  __entry->released)
);

/* --- the pager --- */

/* A bio of an object's pages; its first page says which. */
TRACE_EVENT(vpm_bio_submit,
	TP_PROTO(int id, struct bio *bio, unsigned int pages),
	TP_ARGS(id, bio, pages),
	TP_STRUCT__entry(
		__field(int, id)
		__field(bool, write)
		__field(sector_t, sector)
		__field(pgoff_t, index)
		__field(unsigned int, pages)
		__field(unsigned int, bytes)
	),
	TP_fast_assign(
		__entry->id = id;
		__entry->write = op_is_write(bio_op(bio));
		__entry->sector = bio->bi_iter.bi_sector;
		__entry->index = page_folio(bio_first_page_all(bio))->index;
		__entry->pages = pages;
		__entry->bytes = bio->bi_iter.bi_size;
	),
	TP_printk("object=%d %s sector=%llu index=%lu pages=%u bytes=%u",
		  __entry->id, __entry->write ? "write" : "read",
		  (unsigned long long)__entry->sector,
		  (unsigned long)__entry->index, __entry->pages,
		  __entry->bytes)
);

/* The block layer advanced the bio: its first page says where it began. */
TRACE_EVENT(vpm_bio_done,
	TP_PROTO(int id, struct bio *bio),
	TP_ARGS(id, bio),
	TP_STRUCT__entry(
		__field(int, id)
		__field(bool, write)
		__field(pgoff_t, index)
		__field(unsigned int, bytes)
		__field(int, error)
	),
	TP_fast_assign(
		unsigned short i;

		__entry->id = id;
		__entry->write = op_is_write(bio_op(bio));
		__entry->index = page_folio(bio_first_page_all(bio))->index;
		__entry->bytes = 0;
		for (i = 0; i < bio->bi_vcnt; i++)
			__entry->bytes += bio->bi_io_vec[i].bv_len;
		__entry->error = blk_status_to_errno(bio->bi_status);
	),
	TP_printk("object=%d %s index=%lu bytes=%u error=%d", __entry->id,
		  __entry->write ? "write" : "read",
		  (unsigned long)__entry->index, __entry->bytes,
		  __entry->error)
);

/* A page read in with a window around it (the seed's getpages). */
TRACE_EVENT(vpm_getpages,
	TP_PROTO(int id, pgoff_t index, unsigned int want_behind,
		 unsigned int want_ahead, unsigned int behind,
		 unsigned int ahead, unsigned int bios, int error),
	TP_ARGS(id, index, want_behind, want_ahead, behind, ahead, bios,
		error),
	TP_STRUCT__entry(
		__field(int, id)
		__field(pgoff_t, index)
		__field(unsigned int, want_behind)
		__field(unsigned int, want_ahead)
		__field(unsigned int, behind)
		__field(unsigned int, ahead)
		__field(unsigned int, bios)
		__field(int, error)
	),
	TP_fast_assign(
		__entry->id = id;
		__entry->index = index;
		__entry->want_behind = want_behind;
		__entry->want_ahead = want_ahead;
		__entry->behind = behind;
		__entry->ahead = ahead;
		__entry->bios = bios;
		__entry->error = error;
	),
	TP_printk("object=%d index=%lu behind=%u/%u ahead=%u/%u bios=%u error=%d",
		  __entry->id, (unsigned long)__entry->index,
		  __entry->behind, __entry->want_behind, __entry->ahead,
		  __entry->want_ahead, __entry->bios, __entry->error)
);

/* A batch the kernel's read-ahead asked for, read asynchronously. */
TRACE_EVENT(vpm_readahead,
	TP_PROTO(int id, pgoff_t index, unsigned int pages, unsigned int bios),
	TP_ARGS(id, index, pages, bios),
	TP_STRUCT__entry(
		__field(int, id)
		__field(pgoff_t, index)
		__field(unsigned int, pages)
		__field(unsigned int, bios)
	),
	TP_fast_assign(
		__entry->id = id;
		__entry->index = index;
		__entry->pages = pages;
		__entry->bios = bios;
	),
	TP_printk("object=%d index=%lu pages=%u bios=%u", __entry->id,
		  (unsigned long)__entry->index, __entry->pages, __entry->bios)
);

/* A batch of dirty pages written out (the seed's putpages). */
TRACE_EVENT(vpm_writeback_batch,
	TP_PROTO(int id, pgoff_t index, unsigned int pages, bool sync,
		 unsigned int failed),
	TP_ARGS(id, index, pages, sync, failed),
	TP_STRUCT__entry(
		__field(int, id)
		__field(pgoff_t, index)
		__field(unsigned int, pages)
		__field(bool, sync)
		__field(unsigned int, failed)
	),
	TP_fast_assign(
		__entry->id = id;
		__entry->index = index;
		__entry->pages = pages;
		__entry->sync = sync;
		__entry->failed = failed;
	),
	TP_printk("object=%d index=%lu pages=%u%s failed=%u", __entry->id,
		  (unsigned long)__entry->index, __entry->pages,
		  __entry->sync ? " sync" : "", __entry->failed)
);

/* A page of a failed batch written again alone. */
TRACE_EVENT(vpm_writeback_retry,
	TP_PROTO(int id, pgoff_t index, bool ok),
	TP_ARGS(id, index, ok),
	TP_STRUCT__entry(
		__field(int, id)
		__field(pgoff_t, index)
		__field(bool, ok)
	),
	TP_fast_assign(
		__entry->id = id;
		__entry->index = index;
		__entry->ok = ok;
	),
	TP_printk("object=%d index=%lu %s", __entry->id,
		  (unsigned long)__entry->index, __entry->ok ? "ok" : "failed")
);

/* A page fault on a mapping of an object; pages read, 0 for a minor one. */
TRACE_EVENT(vpm_fault,
	TP_PROTO(int id, pgoff_t index, unsigned int pages,
		 vm_fault_t result),
	TP_ARGS(id, index, pages, result),
	TP_STRUCT__entry(
		__field(int, id)
		__field(pgoff_t, index)
		__field(unsigned int, pages)
		__field(unsigned int, result)
	),
	TP_fast_assign(
		__entry->id = id;
		__entry->index = index;
		__entry->pages = pages;
		__entry->result = (__force unsigned int)result;
	),
	TP_printk("object=%d index=%lu pages=%u result=%#x", __entry->id,
		  (unsigned long)__entry->index, __entry->pages,
		  __entry->result)
);

/* The first store to a page mapped shared. */
TRACE_EVENT(vpm_mkwrite,
	TP_PROTO(int id, pgoff_t index),
	TP_ARGS(id, index),
	TP_STRUCT__entry(
		__field(int, id)
		__field(pgoff_t, index)
	),
	TP_fast_assign(
		__entry->id = id;
		__entry->index = index;
	),
	TP_printk("object=%d index=%lu", __entry->id,
		  (unsigned long)__entry->index)
);

#endif /* _TRACE_VPM_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH trace/events
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vpm
#include <trace/define_trace.h>
