// SPDX-License-Identifier: GPL-2.0
/*
 * vpm: the debugfs directory /sys/kernel/debug/vpm.
 *
 *   cache          counters and sizes of the vpm cache, "name value" lines
 *   freelists      one line per freelist: queue lengths and waiters
 *   steals_mtbf    fault injection: force the steal path every 2^n-th time
 *   contend_mtbf   fault injection: skip the hit fast path every 2^n-th time
 *   pager          counters of the pager, all objects
 *   objects/N/stats  one object: its path, size and pager counters
 *
 * Reading takes no lock that the data path takes: counters are per-CPU
 * sums and queue lengths are snapshots.  debugfs is a debugging aid: when
 * it is missing or fails, vpm works the same, without the files.
 */

#include <linux/debugfs.h>
#include <linux/log2.h>
#include <linux/seq_file.h>

#include "vpm_internal.h"

struct dentry *vpm_debugfs_root;
struct dentry *vpm_debugfs_objects;

static_assert(ARRAY_SIZE(vpm_stat_names) == VPM_STAT_NR);

static int vpm_cache_show(struct seq_file *m, void *v)
{
	struct vpm_cache *cache = m->private;
	unsigned int alloc, rele, want, i;
	unsigned long nalloc = 0, nrele = 0, nwant = 0;
	int s;

	for (i = 0; i < cache->nfreelist; i++) {
		vpm_cache_count_queues(cache, i, &alloc, &rele, &want);
		nalloc += alloc;
		nrele += rele;
		nwant += want;
	}
	seq_printf(m, "entries %lu\n", cache->nentries);
	seq_printf(m, "freelists %u\n", cache->nfreelist);
	seq_printf(m, "mode %s\n",
		   READ_ONCE(cache->mode) == VPMCACHE_RANDOM ? "random" : "lru");
	seq_printf(m, "entry_bytes %zu\n", VPM_CACHE_ENTRY_BYTES);
	seq_printf(m, "footprint_bytes %zu\n", cache->footprint);
	seq_printf(m, "free_alloc %lu\n", nalloc);
	seq_printf(m, "free_release %lu\n", nrele);
	seq_printf(m, "waiters %lu\n", nwant);
	for (s = 0; s < VPM_STAT_NR; s++)
		seq_printf(m, "%s %ld\n", vpm_stat_names[s],
			   vpm_cache_stat(cache, s));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vpm_cache);

static int vpm_freelists_show(struct seq_file *m, void *v)
{
	struct vpm_cache *cache = m->private;
	unsigned int alloc, rele, want, i;

	seq_puts(m, "freelist alloc release waiters\n");
	for (i = 0; i < cache->nfreelist; i++) {
		vpm_cache_count_queues(cache, i, &alloc, &rele, &want);
		seq_printf(m, "%u %u %u %u\n", i, alloc, rele, want);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vpm_freelists);

/* An MTBF knob takes 0 (off) or 2^n - 1 (fire once every 2^n times). */
static int vpm_mtbf_set(void *data, u64 val)
{
	if (val > U32_MAX || !is_power_of_2(val + 1))
		return -EINVAL;
	WRITE_ONCE(*(unsigned int *)data, val);
	return 0;
}

static int vpm_mtbf_get(void *data, u64 *val)
{
	*val = READ_ONCE(*(unsigned int *)data);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vpm_mtbf_fops, vpm_mtbf_get, vpm_mtbf_set, "%llu\n");

/**
 * vpm_debugfs_add_cache() - create the files of a cache
 * @cache: the cache
 * @parent: the directory to create them in
 *
 * The files are removed by vpm_cache_destroy(), before the cache is freed.
 */
void vpm_debugfs_add_cache(struct vpm_cache *cache, struct dentry *parent)
{
	cache->debugfs[0] = debugfs_create_file("cache", 0444, parent, cache,
						&vpm_cache_fops);
	cache->debugfs[1] = debugfs_create_file("freelists", 0444, parent,
						cache, &vpm_freelists_fops);
	cache->debugfs[2] = debugfs_create_file_unsafe("steals_mtbf", 0600,
						       parent,
						       &cache->steals_mtbf,
						       &vpm_mtbf_fops);
	cache->debugfs[3] = debugfs_create_file_unsafe("contend_mtbf", 0600,
						       parent,
						       &cache->contend_mtbf,
						       &vpm_mtbf_fops);
}

void vpm_debugfs_init(void)
{
	vpm_debugfs_root = debugfs_create_dir("vpm", NULL);
	vpm_debugfs_objects = debugfs_create_dir("objects", vpm_debugfs_root);
}

void vpm_debugfs_exit(void)
{
	debugfs_remove(vpm_debugfs_root);
	vpm_debugfs_root = NULL;
	vpm_debugfs_objects = NULL;
}
