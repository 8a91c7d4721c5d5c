// SPDX-License-Identifier: GPL-2.0
/*
 * vpm_bench: time vpm's exported mapping API against the kernel's plain
 * page cache sequence, in the kernel, with nothing but vpm's exports.
 *
 * Loaded with a test, it runs it at once, prints "vpm_bench: RESULT ..."
 * lines and stays loaded until removed:
 *
 *   hit     map and unmap PAGES cached pages of PATH, ITERS times, with
 *           vpm_map_pages()/vpm_unmap_pages() and with filemap_get_folio()
 *           + kmap_local_folio() + kunmap_local() + folio_put(): ns per page
 *           of each, median of REPS runs
 *   scale   THREADS kthreads, one per CPU, map and unmap one page each at
 *           a time for MSECS, each over its own WSET pages of PATH (as
 *           threads working on different files do; a working set larger
 *           than the cache makes every map a miss): maps per second
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/pagemap.h>
#include <linux/sort.h>

#include "vpm.h"

#define MAX_REPS	15

static char *path = "/dev/vdb";
module_param(path, charp, 0444);
MODULE_PARM_DESC(path, "Block device or file whose page cache is used (default: /dev/vdb)");

static char *test = "hit";
module_param(test, charp, 0444);
MODULE_PARM_DESC(test, "hit or scale (default: hit)");

static unsigned int pages = 1;
module_param(pages, uint, 0444);
MODULE_PARM_DESC(pages, "hit: pages per map, 1-32 (default: 1)");

static unsigned int iters = 20000;
module_param(iters, uint, 0444);
MODULE_PARM_DESC(iters, "hit: maps per run (default: 20000)");

static unsigned int reps = 5;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "runs of each test, 1-15 (default: 5)");

static unsigned int threads = 1;
module_param(threads, uint, 0444);
MODULE_PARM_DESC(threads, "scale: threads, one per online CPU (default: 1)");

static unsigned int wset = 64;
module_param(wset, uint, 0444);
MODULE_PARM_DESC(wset, "scale: pages the threads map (default: 64)");

static unsigned int msecs = 2000;
module_param(msecs, uint, 0444);
MODULE_PARM_DESC(msecs, "scale: duration of a run in ms (default: 2000)");

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Print the median, min and max of @n values (sorted in place). */
static void report(const char *what, u64 *v, unsigned int n)
{
	sort(v, n, sizeof(*v), cmp_u64, NULL);
	pr_info("RESULT %s median=%llu min=%llu max=%llu runs=%u\n", what,
		v[n / 2], v[0], v[n - 1], n);
}

static int bench_prefetch(struct address_space *mapping, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct folio *folio = read_mapping_folio(mapping, i, NULL);

		if (IS_ERR(folio))
			return PTR_ERR(folio);
		folio_put(folio);
	}
	return 0;
}

static u64 time_vpm(struct address_space *mapping, unsigned int *sum)
{
	struct vmap vml[VPM_MAXVMAPS];
	u64 t = ktime_get_ns();
	unsigned int k;

	for (k = 0; k < iters; k++) {
		if (vpm_map_pages(mapping, 0, (size_t)pages << PAGE_SHIFT, 1,
				  vml, VPM_MAXVMAPS, NULL, VPM_READ))
			return 0;
		*sum += *(u8 *)vml[0].vs_addr;
		vpm_unmap_pages(vml, VPM_READ);
	}
	return ktime_get_ns() - t;
}

static u64 time_plain(struct address_space *mapping, unsigned int *sum)
{
	u64 t = ktime_get_ns();
	unsigned int k, p;

	for (k = 0; k < iters; k++) {
		for (p = 0; p < pages; p++) {
			struct folio *folio = filemap_get_folio(mapping, p);
			u8 *addr;

			if (IS_ERR(folio))
				return 0;
			addr = kmap_local_folio(folio, 0);
			*sum += *addr;
			kunmap_local(addr);
			folio_put(folio);
		}
	}
	return ktime_get_ns() - t;
}

static int run_hit(struct address_space *mapping)
{
	u64 v[MAX_REPS], p[MAX_REPS], ratio[MAX_REPS];
	unsigned int r, sum = 0;
	char what[32];
	int err;

	err = bench_prefetch(mapping, pages);
	if (err)
		return err;
	/* Associate the pages with their cache entries once. */
	time_vpm(mapping, &sum);
	for (r = 0; r < reps; r++) {
		v[r] = time_vpm(mapping, &sum) / ((u64)iters * pages);
		p[r] = time_plain(mapping, &sum) / ((u64)iters * pages);
		if (!v[r] || !p[r])
			return -EIO;
		ratio[r] = v[r] * 1000 / p[r];
	}
	snprintf(what, sizeof(what), "hit_vpm_ns_per_page pages=%u", pages);
	report(what, v, reps);
	snprintf(what, sizeof(what), "hit_plain_ns_per_page pages=%u", pages);
	report(what, p, reps);
	snprintf(what, sizeof(what), "hit_ratio_x1000 pages=%u", pages);
	report(what, ratio, reps);
	return sum == UINT_MAX ? -EINVAL : 0;
}

struct worker {
	struct address_space *mapping;
	struct completion *start;
	struct completion done;
	unsigned int id;
	pgoff_t base;
	u64 maps;
	int err;
};

static int scale_thread(void *data)
{
	struct worker *w = data;
	struct vmap vml[VPM_MINVMAPS];
	u64 end, seed = w->id * 7919 + 1;

	wait_for_completion(w->start);
	end = ktime_get_ns() + (u64)msecs * NSEC_PER_MSEC;
	while (ktime_get_ns() < end) {
		unsigned int i;

		for (i = 0; i < 64; i++) {
			pgoff_t idx;

			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			idx = w->base + (seed >> 33) % wset;
			w->err = vpm_map_pages(w->mapping, (loff_t)idx << PAGE_SHIFT,
					       PAGE_SIZE, 1, vml, VPM_MINVMAPS,
					       NULL, VPM_READ);
			if (w->err)
				goto out;
			vpm_unmap_pages(vml, VPM_READ);
			w->maps++;
		}
	}
out:
	complete(&w->done);
	return 0;
}

static int run_scale(struct address_space *mapping)
{
	struct worker w[NR_CPUS > 8 ? 8 : NR_CPUS];
	u64 rate[MAX_REPS];
	unsigned int r, i;
	char what[48];
	int err;

	if (!threads || threads > ARRAY_SIZE(w) || threads > num_online_cpus())
		return -EINVAL;
	if ((u64)wset * threads > i_size_read(mapping->host) >> PAGE_SHIFT)
		return -EFBIG;
	err = bench_prefetch(mapping, wset * threads);
	if (err)
		return err;
	for (r = 0; r < reps; r++) {
		DECLARE_COMPLETION_ONSTACK(start);
		u64 t = ktime_get_ns(), maps = 0;

		for (i = 0; i < threads; i++) {
			struct task_struct *task;

			w[i] = (struct worker){ .mapping = mapping, .id = r * 8 + i,
						.base = (pgoff_t)i * wset,
						.start = &start };
			init_completion(&w[i].done);
			task = kthread_create(scale_thread, &w[i], "vpm_bench/%u", i);
			if (IS_ERR(task))
				return PTR_ERR(task);
			kthread_bind(task, cpumask_nth(i, cpu_online_mask));
			wake_up_process(task);
		}
		t = ktime_get_ns();
		complete_all(&start);
		for (i = 0; i < threads; i++) {
			wait_for_completion(&w[i].done);
			maps += w[i].maps;
			if (w[i].err)
				return w[i].err;
		}
		t = ktime_get_ns() - t;
		rate[r] = maps * NSEC_PER_SEC / t;
	}
	snprintf(what, sizeof(what), "scale_maps_per_s threads=%u wset=%u",
		 threads, wset);
	report(what, rate, reps);
	return 0;
}

static int __init vpm_bench_init(void)
{
	struct file *file;
	int err;

	if (!reps || reps > MAX_REPS || !pages || pages > VPMMAXPGS)
		return -EINVAL;
	file = filp_open(path, O_RDONLY | O_LARGEFILE, 0);
	if (IS_ERR(file))
		return PTR_ERR(file);
	if (!strcmp(test, "hit"))
		err = run_hit(file->f_mapping);
	else if (!strcmp(test, "scale"))
		err = run_scale(file->f_mapping);
	else
		err = -EINVAL;
	filp_close(file, NULL);
	if (err)
		pr_err("%s failed: %d\n", test, err);
	return err;
}

static void __exit vpm_bench_exit(void)
{
}

module_init(vpm_bench_init);
module_exit(vpm_bench_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The vpm developers");
MODULE_DESCRIPTION("Benchmarks of the vpm mapping API");
