// SPDX-License-Identifier: GPL-2.0
/*
 * vpmstress - race, churn and fuzz vpm from several threads (stress helper).
 *
 *   vpmstress race SECONDS THREADS SEED SPAN DEV...
 *	Each thread does random pread, pwrite, fsync, HASPAGE, GETPAGES and
 *	MAPINFO on every object DEV, within its first SPAN bytes (0: all of
 *	it; a small span makes threads meet on the same pages).  Thread i
 *	writes only its own slice and keeps a copy of what it wrote; at the
 *	end every slice is read back and compared.
 *
 *   vpmstress churn SECONDS PATH...
 *	Attach each PATH, write and read a little, detach, again and again.
 *
 *   vpmstress fuzz CALLS THREADS SEED
 *	First a deterministic pass over every command of /dev/vpm and
 *	/dev/vpmN, on two files in /tmp it attaches itself: with a valid
 *	argument the call succeeds; with any one reserved field non-zero it
 *	fails with EINVAL; sent to the other device, or with the size or the
 *	direction of its number changed, it fails with ENOTTY.  Then CALLS
 *	structured random ioctls over the control device, the objects and
 *	non-vpm descriptors: every command with valid arguments mutated
 *	(flags, reserved fields, sizes, offsets, descriptors, argument
 *	addresses) and unknown numbers.  Every result must be success or an
 *	errno documented for the command on that descriptor; ENOTTY only for
 *	a number the descriptor does not know.  Thread i makes CALLS/THREADS
 *	calls from a generator seeded by SEED and i alone.
 *
 *   vpmstress failnth BACKING
 *	Systematic allocation-failure injection through
 *	/proc/thread-self/fail-nth: for attach, I/O, detach and every ioctl,
 *	fail the 1st, 2nd, ... fault-injection point the call reaches, until
 *	the call reaches no more.  Every injected failure must return an
 *	errno documented for the call and leave nothing attached behind, and
 *	every operation must reach at least one injection point, except
 *	those listed as allocation-free, which must reach none.
 *
 *   vpmstress mapstore OBJ READY SEED:OFFSET:LENGTH:SYNC...
 *	Through one MAP_SHARED mapping of the whole object, store pattern
 *	SEED (vpmpat's) at OFFSET for each step, then sync it: msync
 *	(MS_SYNC), fsync, async (VPM_IOC_SYNC with VPM_SYNC_ASYNC: written
 *	back, not flushed) or none.  With READY a path, write "ready" there
 *	and wait to be killed with the mapping in place (a power cut with
 *	the object mapped); with READY "-", unmap and exit.
 *
 *   vpmstress mapread OBJ PASSES [SEED]
 *	Touch one byte of each page of a read-only MAP_SHARED mapping of the
 *	whole object, in order, PASSES times; with SEED, compare every page
 *	with vpmpat's pattern SEED.
 *
 *   vpmstress mmaprace SECONDS SEED SPAN OBJ [BACKING]
 *	Over the first SPAN bytes of OBJ (0: all of it), one thread stores
 *	the even pages through a MAP_SHARED mapping (msync, MADV_DONTNEED
 *	now and then), one pwrite()s the odd pages, pass after pass with a
 *	new pattern per pass, one fsyncs every 20 to 200 ms, and one
 *	pread()s runs of pages: each byte read must come from a version of
 *	its page between the last finished before the read and the last
 *	started after it.  At the end each page must hold its last version
 *	through read(), a fresh mapping, on the device BACKING (O_DIRECT)
 *	if given, and after its pages were dropped.
 *
 * Every mode exits 1 on a failure and prints its summary lines.  The seed
 * makes a run reproducible (up to the order threads interleave).
 */

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/vpm.h>

#include "tools.h"

#define MAX_DEVS	8
#define MAX_THREADS	16
#define CHUNK		(64 * 1024)

static uint64_t splitmix(uint64_t *s)
{
	uint64_t x = (*s += 0x9e3779b97f4a7c15ULL);

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --- race --- */

struct dev {
	const char *path;
	int fd;
	uint64_t size;	/* the span used, at most the object's size */
};

static struct dev devs[MAX_DEVS];
static int ndevs, nthreads;
static double deadline;
static atomic_ulong ops, errors, mismatches;

struct worker {
	int id;
	uint64_t seed;
	uint8_t *model[MAX_DEVS];	/* what this thread wrote to its slice */
	uint64_t slice;			/* bytes of each object it owns */
};

static void report(const char *what, const char *path, int err)
{
	fprintf(stderr, "vpmstress: %s %s: %s\n", what, path, strerror(err));
	atomic_fetch_add(&errors, 1);
}

static void race_one(struct worker *w, struct dev *d, int di, uint8_t *buf)
{
	uint64_t r = splitmix(&w->seed);
	uint64_t base = w->id * w->slice;
	uint64_t len = 1 + splitmix(&w->seed) % CHUNK;
	uint64_t off;

	switch (r % 10) {
	case 0: case 1: case 2: {	/* read anywhere */
		off = splitmix(&w->seed) % d->size;
		if (pread(d->fd, buf, len, off) < 0)
			report("pread", d->path, errno);
		break;
	}
	case 3: case 4: case 5: {	/* write in our slice */
		uint64_t i;

		if (len > w->slice)
			len = w->slice;
		off = base + splitmix(&w->seed) % (w->slice - len + 1);
		for (i = 0; i < len; i++)
			buf[i] = splitmix(&w->seed);
		if (pwrite(d->fd, buf, len, off) != (ssize_t)len) {
			report("pwrite", d->path, errno);
			break;
		}
		memcpy(w->model[di] + (off - base), buf, len);
		break;
	}
	case 6:
		if (fsync(d->fd))
			report("fsync", d->path, errno);
		break;
	case 7: {
		struct vpm_haspage h = { .offset = splitmix(&w->seed) % d->size };

		if (ioctl(d->fd, VPM_IOC_HASPAGE, &h))
			report("haspage", d->path, errno);
		break;
	}
	case 8: {
		struct vpm_getpages g = {
			.offset = splitmix(&w->seed) % d->size,
			.behind = splitmix(&w->seed) % 8,
			.ahead = splitmix(&w->seed) % 32,
		};

		if (ioctl(d->fd, VPM_IOC_GETPAGES, &g))
			report("getpages", d->path, errno);
		break;
	}
	default: {
		struct vpm_mapinfo m;

		memset(&m, 0, sizeof(m));
		m.offset = splitmix(&w->seed) % d->size;
		m.length = 1 + splitmix(&w->seed) % (VPM_MAPINFO_PAGES * 4096);
		if (ioctl(d->fd, VPM_IOC_MAPINFO, &m))
			report("mapinfo", d->path, errno);
		break;
	}
	}
}

static void *race_thread(void *arg)
{
	struct worker *w = arg;
	uint8_t *buf = malloc(CHUNK);

	if (!buf)
		return NULL;
	while (now() < deadline) {
		int di = splitmix(&w->seed) % ndevs;

		race_one(w, &devs[di], di, buf);
		atomic_fetch_add(&ops, 1);
	}
	free(buf);
	return NULL;
}

/* Every slice must hold what its thread wrote last, or the old data. */
static void race_verify(struct worker *w)
{
	uint8_t *buf = malloc(w->slice);
	uint64_t base = w->id * w->slice;
	int di;

	if (!buf)
		return;
	for (di = 0; di < ndevs; di++) {
		uint64_t i;

		if (pread(devs[di].fd, buf, w->slice, base) !=
		    (ssize_t)w->slice) {
			report("verify", devs[di].path, errno);
			continue;
		}
		if (!memcmp(buf, w->model[di], w->slice))
			continue;
		for (i = 0; i < w->slice; i++)
			if (buf[i] != w->model[di][i])
				atomic_fetch_add(&mismatches, 1);
	}
	free(buf);
}

static int cmd_race(int argc, char **argv)
{
	struct worker workers[MAX_THREADS];
	pthread_t tids[MAX_THREADS];
	uint8_t *before[MAX_DEVS];
	double seconds = atof(argv[2]), start;
	uint64_t seed = strtoull(argv[4], NULL, 0);
	uint64_t span = strtoull(argv[5], NULL, 0);
	int i, di;

	nthreads = atoi(argv[3]);
	if (nthreads < 1 || nthreads > MAX_THREADS || argc - 6 > MAX_DEVS ||
	    argc < 7)
		return 2;
	for (ndevs = 0; ndevs < argc - 6; ndevs++) {
		struct dev *d = &devs[ndevs];

		d->path = argv[6 + ndevs];
		d->fd = open(d->path, O_RDWR | O_CLOEXEC);
		if (d->fd < 0) {
			report("open", d->path, errno);
			return 1;
		}
		d->size = lseek(d->fd, 0, SEEK_END);
		if (span && span < d->size)
			d->size = span;
		/* What the slices held before: unwritten bytes keep it. */
		before[ndevs] = malloc(d->size);
		if (!before[ndevs] ||
		    pread(d->fd, before[ndevs], d->size, 0) != (ssize_t)d->size)
			return 1;
	}
	for (i = 0; i < nthreads; i++) {
		workers[i].id = i;
		workers[i].seed = seed * 7919 + i;
		workers[i].slice = UINT64_MAX;
		for (di = 0; di < ndevs; di++) {
			uint64_t slice = devs[di].size / nthreads;

			if (slice < workers[i].slice)
				workers[i].slice = slice;
		}
		for (di = 0; di < ndevs; di++) {
			uint64_t base = i * workers[i].slice;

			workers[i].model[di] = malloc(workers[i].slice);
			if (!workers[i].model[di])
				return 1;
			/* Start from what is there: the model is the truth. */
			memcpy(workers[i].model[di], before[di] + base,
			       workers[i].slice);
		}
	}
	start = now();
	deadline = start + seconds;
	for (i = 0; i < nthreads; i++)
		pthread_create(&tids[i], NULL, race_thread, &workers[i]);
	for (i = 0; i < nthreads; i++)
		pthread_join(tids[i], NULL);
	for (di = 0; di < ndevs; di++)
		if (fsync(devs[di].fd))
			report("fsync", devs[di].path, errno);
	for (i = 0; i < nthreads; i++)
		race_verify(&workers[i]);
	printf("race: %lu ops in %.1f s by %d threads on %d objects, ",
	       (unsigned long)ops, now() - start, nthreads, ndevs);
	printf("%lu errors, %lu mismatched bytes\n", (unsigned long)errors,
	       (unsigned long)mismatches);
	return errors || mismatches ? 1 : 0;
}

/* --- churn --- */

static int ctl_attach(int ctl, const char *path, unsigned int *id)
{
	struct vpm_attach a;
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	memset(&a, 0, sizeof(a));
	a.fd = fd;
	if (ioctl(ctl, VPM_CTL_ATTACH, &a)) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	*id = a.id;
	return 0;
}

static int ctl_detach(int ctl, unsigned int id)
{
	struct vpm_detach d;

	memset(&d, 0, sizeof(d));
	d.id = id;
	return ioctl(ctl, VPM_CTL_DETACH, &d) ? -errno : 0;
}

static int cmd_churn(int argc, char **argv)
{
	double end = now() + atof(argv[2]);
	unsigned long cycles = 0;
	char buf[4096], name[32];
	int ctl = open("/dev/vpm", O_RDWR | O_CLOEXEC);
	int i;

	if (ctl < 0) {
		report("open", "/dev/vpm", errno);
		return 1;
	}
	memset(buf, 0x5a, sizeof(buf));
	while (now() < end) {
		for (i = 3; i < argc; i++) {
			unsigned int id = 0;
			int err = ctl_attach(ctl, argv[i], &id), fd;

			if (err) {
				report("attach", argv[i], -err);
				continue;
			}
			snprintf(name, sizeof(name), "/dev/vpm%u", id);
			fd = open(name, O_RDWR | O_CLOEXEC);
			if (fd < 0 || pwrite(fd, buf, sizeof(buf), 4096 * cycles % 65536) < 0 ||
			    pread(fd, buf, sizeof(buf), 0) < 0)
				report("io", name, errno);
			if (fd >= 0)
				close(fd);
			err = ctl_detach(ctl, id);
			if (err)
				report("detach", name, -err);
		}
		cycles++;
	}
	printf("churn: %lu attach/detach cycles of %d backing stores, %lu errors\n",
	       cycles, argc - 3, (unsigned long)errors);
	return errors ? 1 : 0;
}

/* --- fuzz --- */

/* What a descriptor is, for the errnos a command may return on it. */
enum fuzz_dev { FUZZ_CTL, FUZZ_OBJ, FUZZ_OTHER };

/*
 * Reserved words of SIZE bytes, STRIDE bytes apart over SPAN bytes, at OFF
 * in an argument: one field, an array, or field MEMBER of every element of
 * the array NAME.
 */
struct rsv_field {
	const char *name, *member;
	size_t off, size, span, stride;
};

/* An argument of TYPE at address 0, where a member's address is its offset. */
#define AT0(type) ((type *)0)
/* The reserved field lv, AT0(type)->field, or array of them. */
#define RSV(name, lv) \
	{ name, NULL, (size_t)&(lv), sizeof(lv), sizeof(lv), sizeof(lv) }
#define RSV_ARRAY(name, lv) \
	{ name, NULL, (size_t)&(lv), sizeof(lv[0]), sizeof(lv), sizeof(lv[0]) }
/* Field elv, AT0(type)->array[0].member, of every element of array. */
#define RSV_EACH(name, member, array, elv) \
	{ name, member, (size_t)&(elv), sizeof(elv), sizeof(array), \
	  sizeof(array[0]) }
#define RSV_END { NULL, NULL, 0, 0, 0, 0 }

static size_t rsv_count(const struct rsv_field *f)
{
	return f->span / f->stride;
}

/* The name of word I of F: reserved0, reserved[1], pages[3].reserved. */
static const char *rsv_name(char *buf, size_t len, const struct rsv_field *f,
			    size_t i)
{
	if (f->member)
		snprintf(buf, len, "%s[%zu].%s", f->name, i, f->member);
	else if (rsv_count(f) > 1)
		snprintf(buf, len, "%s[%zu]", f->name, i);
	else
		snprintf(buf, len, "%s", f->name);
	return buf;
}

/* The reserved pass's objects: a file object, and a file to attach. */
struct rsv_ctx {
	int ctl, obj, spare;
	uint64_t obj_size;
	struct vpm_object_info objs[4];
	struct vpm_freelist_info lists[64];
};

static const struct rsv_field rsv_version[] = {
	RSV_ARRAY("reserved", AT0(struct vpm_version)->reserved), RSV_END };
static const struct rsv_field rsv_attach[] = {
	RSV("reserved0", AT0(struct vpm_attach)->reserved0),
	RSV_ARRAY("reserved", AT0(struct vpm_attach)->reserved), RSV_END };
/* The out fields of a detach must be zero on input; reserved in V1. */
static const struct rsv_field rsv_detach[] = {
	RSV("lost_bytes", AT0(struct vpm_detach)->lost_bytes),
	RSV("dirty_pages", AT0(struct vpm_detach)->dirty_pages),
	RSV("error", AT0(struct vpm_detach)->error), RSV_END };
static const struct rsv_field rsv_detach_v1[] = {
	RSV("flags", AT0(struct vpm_detach)->flags),
	RSV("lost_bytes", AT0(struct vpm_detach)->lost_bytes),
	RSV("dirty_pages", AT0(struct vpm_detach)->dirty_pages),
	RSV("error", AT0(struct vpm_detach)->error), RSV_END };
static const struct rsv_field rsv_info[] = {
	RSV_ARRAY("reserved", AT0(struct vpm_info)->reserved), RSV_END };
static const struct rsv_field rsv_stats[] = {
	RSV_ARRAY("reserved", AT0(struct vpm_stats)->reserved), RSV_END };
static const struct rsv_field rsv_freelists[] = {
	RSV_ARRAY("reserved", AT0(struct vpm_freelists)->reserved), RSV_END };
static const struct rsv_field rsv_none[] = { RSV_END };
static const struct rsv_field rsv_sync[] = {
	RSV("reserved0", AT0(struct vpm_sync)->reserved0),
	RSV_ARRAY("reserved", AT0(struct vpm_sync)->reserved), RSV_END };
static const struct rsv_field rsv_setsize[] = {
	RSV_ARRAY("reserved", AT0(struct vpm_setsize)->reserved), RSV_END };
static const struct rsv_field rsv_haspage[] = {
	RSV("reserved0", AT0(struct vpm_haspage)->reserved0),
	RSV_ARRAY("reserved", AT0(struct vpm_haspage)->reserved), RSV_END };
static const struct rsv_field rsv_getpages[] = {
	RSV_ARRAY("reserved", AT0(struct vpm_getpages)->reserved), RSV_END };
static const struct rsv_field rsv_mapinfo[] = {
	RSV_ARRAY("reserved", AT0(struct vpm_mapinfo)->reserved),
	RSV_EACH("pages", "reserved", AT0(struct vpm_mapinfo)->pages,
		 AT0(struct vpm_mapinfo)->pages[0].reserved),
	RSV_END };
/* Output only: filled in by the kernel, always zero. */
static const struct rsv_field rsv_object_info_out[] = {
	RSV_ARRAY("reserved", AT0(struct vpm_object_info)->reserved), RSV_END };
static const struct rsv_field rsv_freelist_info_out[] = {
	RSV("reserved0", AT0(struct vpm_freelist_info)->reserved0),
	RSV_ARRAY("reserved", AT0(struct vpm_freelist_info)->reserved), RSV_END };

/* Attach the open backing store FD through CTL: 0 or -1 (errno set). */
static int attach_fd(int ctl, int fd, unsigned int *id)
{
	struct vpm_attach a;

	memset(&a, 0, sizeof(a));
	a.fd = fd;
	if (ioctl(ctl, VPM_CTL_ATTACH, &a))
		return -1;
	*id = a.id;
	return 0;
}

static void prep_attach(struct rsv_ctx *c, void *arg)
{
	((struct vpm_attach *)arg)->fd = c->spare;
}

static void fin_attach(struct rsv_ctx *c, void *arg, int ok)
{
	if (ok)
		ctl_detach(c->ctl, ((struct vpm_attach *)arg)->id);
}

/* A detach needs an object: the spare file, attached for each call. */
static void prep_detach(struct rsv_ctx *c, void *arg)
{
	struct vpm_detach *d = arg;

	if (attach_fd(c->ctl, c->spare, &d->id)) {
		report("attach", "/tmp/vpmstress-fuzz", errno);
		d->id = UINT32_MAX;
	}
}

static void fin_detach(struct rsv_ctx *c, void *arg, int ok)
{
	if (!ok)
		ctl_detach(c->ctl, ((struct vpm_detach *)arg)->id);
}

static void prep_info(struct rsv_ctx *c, void *arg)
{
	struct vpm_info *i = arg;

	memset(c->objs, 0xa5, sizeof(c->objs));
	i->objects = (uintptr_t)c->objs;
	i->count = ARRAY_SIZE(c->objs);
}

static void prep_freelists(struct rsv_ctx *c, void *arg)
{
	struct vpm_freelists *f = arg;

	memset(c->lists, 0xa5, sizeof(c->lists));
	f->freelists = (uintptr_t)c->lists;
	f->count = ARRAY_SIZE(c->lists);
}

/* _IOR: the kernel reads nothing, so garbage in must not come back out. */
static void prep_ioc_info(struct rsv_ctx *c, void *arg)
{
	(void)c;
	memset(arg, 0xa5, sizeof(struct vpm_object_info));
}

static void prep_setsize(struct rsv_ctx *c, void *arg)
{
	((struct vpm_setsize *)arg)->size = c->obj_size;
}

static void prep_getpages(struct rsv_ctx *c, void *arg)
{
	(void)c;
	((struct vpm_getpages *)arg)->ahead = 1;
}

static void prep_mapinfo(struct rsv_ctx *c, void *arg)
{
	(void)c;
	((struct vpm_mapinfo *)arg)->length = 4096;
}

/* Every word of FIELDS in the N elements at BASE, STRIDE apart, is zero. */
static int out_fields_zero(const char *cmd, const void *base, size_t n,
			   size_t stride, const struct rsv_field *fields)
{
	const struct rsv_field *f;
	int checked = 0;
	char name[48];
	size_t e, i;

	for (e = 0; e < n; e++)
		for (f = fields; f->name; f++)
			for (i = 0; i < rsv_count(f); i++) {
				const uint8_t *p = (const uint8_t *)base +
					e * stride + f->off + i * f->stride;
				size_t b;

				for (b = 0; b < f->size; b++)
					if (p[b]) {
						fprintf(stderr,
							"vpmstress: fuzz: reserved: %s output %s of element %zu not zero\n",
							cmd, rsv_name(name, sizeof(name), f, i), e);
						return -1;
					}
				checked++;
			}
	return checked;
}

static int out_info(struct rsv_ctx *c, const void *arg)
{
	const struct vpm_info *i = arg;
	size_t n = i->count < ARRAY_SIZE(c->objs) ? i->count : ARRAY_SIZE(c->objs);

	return out_fields_zero("INFO", c->objs, n, sizeof(c->objs[0]),
			       rsv_object_info_out);
}

static int out_freelists(struct rsv_ctx *c, const void *arg)
{
	const struct vpm_freelists *f = arg;
	size_t n = f->count < ARRAY_SIZE(c->lists) ? f->count : ARRAY_SIZE(c->lists);

	return out_fields_zero("FREELISTS", c->lists, n, sizeof(c->lists[0]),
			       rsv_freelist_info_out);
}

static int out_ioc_info(struct rsv_ctx *c, const void *arg)
{
	(void)c;
	return out_fields_zero("IOC_INFO", arg, 1, 0, rsv_object_info_out);
}

/*
 * Every command of /dev/vpm and /dev/vpmN (include/uapi/linux/vpm.h): the
 * errnos it may return on its own device (Documentation/uapi.rst; on any
 * other descriptor, and for a number no device knows, the only answer is
 * ENOTTY), and for the reserved pass the fields of its argument that must
 * be zero and how to make a valid argument.
 */
static const struct fuzz_cmd {
	unsigned long cmd;
	const char *name;
	enum fuzz_dev dev;
	int errs[12];
	/* Input fields that must be zero: a non-zero one gets EINVAL. */
	const struct rsv_field *in;
	/* Fill the (zeroed) argument with a valid one. */
	void (*prepare)(struct rsv_ctx *c, void *arg);
	/* Undo what the call did, or what prepare did if the call failed. */
	void (*finish)(struct rsv_ctx *c, void *arg, int ok);
	/* After a valid call: output reserved fields are zero (or -1). */
	int (*out_zero)(struct rsv_ctx *c, const void *arg);
} fuzz_cmds[] = {
	{ VPM_CTL_VERSION, "VERSION", FUZZ_CTL, { EINVAL, EFAULT },
	  .in = rsv_version },
	{ VPM_CTL_ATTACH, "ATTACH", FUZZ_CTL, { EPERM, EINVAL, EBADF, EBUSY,
						EINTR, EIO, ENOMEM, EFAULT,
						EACCES, EROFS, ENXIO },
	  .in = rsv_attach, .prepare = prep_attach, .finish = fin_attach },
	{ VPM_CTL_DETACH, "DETACH", FUZZ_CTL, { EPERM, EINVAL, ENXIO, EBUSY,
						EIO, EAGAIN, EFAULT },
	  .in = rsv_detach, .prepare = prep_detach, .finish = fin_detach },
	{ VPM_CTL_DETACH_V1, "DETACH_V1", FUZZ_CTL, { EPERM, EINVAL, ENXIO,
						      EBUSY, EIO, EAGAIN,
						      EFAULT },
	  .in = rsv_detach_v1, .prepare = prep_detach, .finish = fin_detach },
	{ VPM_CTL_INFO, "INFO", FUZZ_CTL, { EINVAL, EFAULT, ENOMEM },
	  .in = rsv_info, .prepare = prep_info, .out_zero = out_info },
	{ VPM_CTL_STATS, "STATS", FUZZ_CTL, { EINVAL, EFAULT, ENOMEM },
	  .in = rsv_stats },
	{ VPM_CTL_FREELISTS, "FREELISTS", FUZZ_CTL, { EINVAL, EFAULT },
	  .in = rsv_freelists, .prepare = prep_freelists,
	  .out_zero = out_freelists },
	{ VPM_IOC_INFO, "IOC_INFO", FUZZ_OBJ, { EFAULT },
	  .in = rsv_none, .prepare = prep_ioc_info, .out_zero = out_ioc_info },
	{ VPM_IOC_SYNC, "IOC_SYNC", FUZZ_OBJ, { EINVAL, EROFS, EIO, EBUSY,
						EBADF, EFAULT },
	  .in = rsv_sync },
	{ VPM_IOC_SETSIZE, "IOC_SETSIZE", FUZZ_OBJ, { EINVAL, EFBIG,
						      EOPNOTSUPP, ETXTBSY,
						      EBADF, EROFS, EFAULT,
						      EIO },
	  .in = rsv_setsize, .prepare = prep_setsize },
	{ VPM_IOC_HASPAGE, "IOC_HASPAGE", FUZZ_OBJ, { EINVAL, EFAULT },
	  .in = rsv_haspage },
	{ VPM_IOC_GETPAGES, "IOC_GETPAGES", FUZZ_OBJ, { EINVAL, EIO, ENOMEM,
							EFAULT },
	  .in = rsv_getpages, .prepare = prep_getpages },
	{ VPM_IOC_MAPINFO, "IOC_MAPINFO", FUZZ_OBJ, { EINVAL, EIO, ENOMEM,
						      EFAULT },
	  .in = rsv_mapinfo, .prepare = prep_mapinfo },
	{ VPM_IOC_STATS, "IOC_STATS", FUZZ_OBJ, { EINVAL, EFAULT, ENOMEM },
	  .in = rsv_stats },
};

static struct {
	int fd;
	enum fuzz_dev dev;
} fuzz_fds[24];
static int nfuzz_fds;
static atomic_ulong unexpected, succeeded;
static unsigned long fuzz_total;
static uint8_t *bad_page;	/* mapped PROT_NONE: a faulting address */

static int fuzz_lookup(unsigned long cmd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fuzz_cmds); i++)
		if (fuzz_cmds[i].cmd == cmd)
			return i;
	return -1;
}

/* May command CMDI (-1: a number no device knows) fail with ERR on DEV? */
static int documented(int cmdi, enum fuzz_dev dev, int err)
{
	size_t i;

	if (cmdi < 0 || fuzz_cmds[cmdi].dev != dev)
		return err == ENOTTY;
	for (i = 0; i < ARRAY_SIZE(fuzz_cmds[cmdi].errs) &&
	     fuzz_cmds[cmdi].errs[i]; i++)
		if (fuzz_cmds[cmdi].errs[i] == err)
			return 1;
	return 0;
}

/* Mutate a valid argument: mostly zero with a few chosen words set. */
static void fuzz_arg(uint64_t *s, uint8_t *buf, size_t size)
{
	unsigned int n = splitmix(s) % 4, i;

	memset(buf, 0, size);
	for (i = 0; i < n && size >= 4; i++) {
		size_t off = (splitmix(s) % (size / 4)) * 4;
		uint32_t v;

		switch (splitmix(s) % 6) {
		case 0:
			v = 0;
			break;
		case 1:
			v = 1;
			break;
		case 2:
			v = 0xffffffff;
			break;
		case 3:
			v = fuzz_fds[splitmix(s) % nfuzz_fds].fd;
			break;
		case 4:
			v = 4096 * (splitmix(s) % 64);
			break;
		default:
			v = splitmix(s);
			break;
		}
		memcpy(buf + off, &v, sizeof(v));
	}
}

/*
 * A command of the table, or (one call in 14) any number of vpm's magic:
 * the known numbers with another size or direction, and unknown ones.
 */
static unsigned long fuzz_pick(uint64_t *s)
{
	unsigned int i = splitmix(s) % (ARRAY_SIZE(fuzz_cmds) + 1);

	if (i < ARRAY_SIZE(fuzz_cmds))
		return fuzz_cmds[i].cmd;
	return _IOC(splitmix(s) % 4, VPM_IOCTL_MAGIC, splitmix(s) % 0x40,
		    splitmix(s) % 1024);
}

struct fuzz_worker {
	uint64_t seed;
	unsigned long calls;
	uint64_t digest;	/* of the calls made, before the kernel saw them */
};

/* FNV-1a over N bytes at P, from H. */
static uint64_t fuzz_fold(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return h;
}

/* Thread i makes its calls from its own generator, seeded by seed and i. */
static void *fuzz_thread(void *arg)
{
	struct fuzz_worker *w = arg;
	uint64_t words[2048];
	uint8_t *buf = (uint8_t *)words;
	unsigned long c;

	for (c = 0; c < w->calls; c++) {
		int fdi = splitmix(&w->seed) % nfuzz_fds;
		int fd = fuzz_fds[fdi].fd;
		unsigned long cmd = fuzz_pick(&w->seed);
		int cmdi = fuzz_lookup(cmd);
		void *argp = buf;
		uint8_t kind;
		int ret;

		fuzz_arg(&w->seed, buf, _IOC_SIZE(cmd));
		if (splitmix(&w->seed) % 50 == 0)
			argp = splitmix(&w->seed) % 2 ? NULL : bad_page;
		/* What a replay of the seed calls again (before addresses). */
		kind = argp == buf ? 0 : argp ? 1 : 2;
		w->digest = fuzz_fold(w->digest, &fdi, sizeof(fdi));
		w->digest = fuzz_fold(w->digest, &cmd, sizeof(cmd));
		w->digest = fuzz_fold(w->digest, &kind, sizeof(kind));
		w->digest = fuzz_fold(w->digest, buf, kind ? 0 : _IOC_SIZE(cmd));
		if (cmd == VPM_CTL_INFO && argp == buf) {
			struct vpm_info *info = (struct vpm_info *)buf;

			info->objects = (uintptr_t)(buf + 64);
			info->count %= 8;
		}
		if (cmd == VPM_CTL_FREELISTS && argp == buf) {
			struct vpm_freelists *fl = (struct vpm_freelists *)buf;

			fl->freelists = (uintptr_t)(buf + 64);
			fl->count %= 64;
		}
		ret = ioctl(fd, cmd, argp);
		if (!ret) {
			atomic_fetch_add(&succeeded, 1);
			/* Attached something: detach it again at once. */
			if (cmd == VPM_CTL_ATTACH && fuzz_fds[fdi].dev == FUZZ_CTL) {
				struct vpm_attach *a = (struct vpm_attach *)buf;

				ctl_detach(fuzz_fds[0].fd, a->id);
			}
			continue;
		}
		if (!documented(cmdi, fuzz_fds[fdi].dev, errno)) {
			fprintf(stderr,
				"vpmstress: fuzz: %s (0x%lx) on fd %d: unexpected %s\n",
				cmdi >= 0 ? fuzz_cmds[cmdi].name : "unknown", cmd,
				fd, strerror(errno));
			atomic_fetch_add(&unexpected, 1);
		}
	}
	return NULL;
}

static void fuzz_add(int fd, enum fuzz_dev dev)
{
	if (fd >= 0 && nfuzz_fds < (int)ARRAY_SIZE(fuzz_fds)) {
		fuzz_fds[nfuzz_fds].fd = fd;
		fuzz_fds[nfuzz_fds++].dev = dev;
	}
}

/* --- fuzz: the reserved pass --- */

/* Room for the largest argument, and more for a changed size. */
#define RSV_ARG_BYTES	4096
static_assert(sizeof(struct vpm_stats) + 8 <= RSV_ARG_BYTES &&
	      sizeof(struct vpm_mapinfo) + 8 <= RSV_ARG_BYTES,
	      "RSV_ARG_BYTES holds every argument");

static unsigned long rsv_fields, rsv_refused, rsv_calls, rsv_out, rsv_enotty,
		     rsv_bad;

/*
 * Command number CMD on FD with R's valid argument in ARG, word I of F (if
 * any) set to V; undoes what the call did.  Returns 0 or the errno.
 */
static int rsv_call(struct rsv_ctx *c, const struct fuzz_cmd *r,
		    unsigned long cmd, int fd, uint64_t *arg,
		    const struct rsv_field *f, size_t i, uint64_t v)
{
	int ret, err;

	memset(arg, 0, RSV_ARG_BYTES);
	if (r->prepare)
		r->prepare(c, arg);
	if (f)
		memcpy((uint8_t *)arg + f->off + i * f->stride, &v, f->size);
	ret = ioctl(fd, cmd, arg);
	err = ret ? errno : 0;
	if (r->finish)
		r->finish(c, arg, !ret);
	return err;
}

static void rsv_fail(const char *name, const char *what, int err, int want)
{
	fprintf(stderr, "vpmstress: fuzz: reserved: %s %s: %s, want %s\n", name,
		what, err ? strerror(err) : "succeeded",
		want ? strerror(want) : "success");
	rsv_bad++;
}

/*
 * Command R with a valid argument must succeed; then with each reserved
 * word non-zero, once its lowest and once its highest bit, it must fail
 * with EINVAL.  A command sent to the other device, or with the size or
 * the direction of its number changed, must fail with ENOTTY (unless the
 * new number is a command of its own: DETACH and DETACH_V1).
 */
static void rsv_command(struct rsv_ctx *c, const struct fuzz_cmd *r)
{
	int fd = r->dev == FUZZ_CTL ? c->ctl : c->obj;
	int other = r->dev == FUZZ_CTL ? c->obj : c->ctl;
	unsigned int dir = _IOC_DIR(r->cmd), size = _IOC_SIZE(r->cmd), d;
	uint64_t arg[RSV_ARG_BYTES / 8];
	const struct rsv_field *f;
	char what[96], name[48];
	size_t i, b;
	int err, n;

	err = rsv_call(c, r, r->cmd, fd, arg, NULL, 0, 0);
	if (err) {
		rsv_fail(r->name, "with a valid argument", err, 0);
		return;
	}
	if (r->out_zero) {
		n = r->out_zero(c, arg);
		if (n < 0)
			rsv_bad++;
		else
			rsv_out += n;
	}
	for (f = r->in; f->name; f++)
		for (i = 0; i < rsv_count(f); i++) {
			int refused = 1;

			for (b = 0; b < 2; b++) {
				uint64_t v = b ? 1ULL << (f->size * 8 - 1) : 1;

				snprintf(what, sizeof(what), "%s=0x%llx",
					 rsv_name(name, sizeof(name), f, i),
					 (unsigned long long)v);
				err = rsv_call(c, r, r->cmd, fd, arg, f, i, v);
				rsv_calls++;
				if (err != EINVAL) {
					rsv_fail(r->name, what, err, EINVAL);
					refused = 0;
				}
			}
			rsv_fields++;
			rsv_refused += refused;
		}
	err = rsv_call(c, r, r->cmd, other, arg, NULL, 0, 0);
	rsv_enotty++;
	if (err != ENOTTY)
		rsv_fail(r->name, "on the other device", err, ENOTTY);
	for (d = 0; d < 4; d++) {
		if (d == dir ||
		    fuzz_lookup(_IOC(d, VPM_IOCTL_MAGIC, _IOC_NR(r->cmd), size)) >= 0)
			continue;
		snprintf(what, sizeof(what), "with direction %u", d);
		err = rsv_call(c, r, _IOC(d, VPM_IOCTL_MAGIC, _IOC_NR(r->cmd), size),
			       fd, arg, NULL, 0, 0);
		rsv_enotty++;
		if (err != ENOTTY)
			rsv_fail(r->name, what, err, ENOTTY);
	}
	for (d = 0; d < 2; d++) {
		snprintf(what, sizeof(what), "with size %u", d ? size + 8 : size - 8);
		err = rsv_call(c, r, _IOC(dir, VPM_IOCTL_MAGIC, _IOC_NR(r->cmd),
					  d ? size + 8 : size - 8), fd, arg,
			       NULL, 0, 0);
		rsv_enotty++;
		if (err != ENOTTY)
			rsv_fail(r->name, what, err, ENOTTY);
	}
}

/* A regular file of SIZE bytes in /tmp, removed at once: its descriptor. */
static int rsv_file(uint64_t size)
{
	char path[] = "/tmp/vpmstress-fuzz.XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	unlink(path);
	if (ftruncate(fd, size)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The deterministic pass, before the random calls: every command of
 * /dev/vpm and /dev/vpmN against every reserved field of its argument, on
 * objects of its own (two 1 MiB files in /tmp).  Returns 0 if the kernel
 * refused every one as it must.
 */
static int fuzz_reserved(int ctl)
{
	struct rsv_ctx c = { .ctl = ctl, .obj = -1, .obj_size = 1 << 20 };
	unsigned int id;
	char name[32];
	int backing;
	size_t i;

	backing = rsv_file(c.obj_size);
	c.spare = rsv_file(c.obj_size);
	if (backing < 0 || c.spare < 0) {
		report("create", "/tmp/vpmstress-fuzz", errno);
		return 1;
	}
	if (attach_fd(ctl, backing, &id)) {
		report("attach", "/tmp/vpmstress-fuzz", errno);
		return 1;
	}
	snprintf(name, sizeof(name), "/dev/vpm%u", id);
	c.obj = open(name, O_RDWR | O_CLOEXEC);
	if (c.obj < 0) {
		report("open", name, errno);
		ctl_detach(ctl, id);
		return 1;
	}
	for (i = 0; i < ARRAY_SIZE(fuzz_cmds); i++)
		rsv_command(&c, &fuzz_cmds[i]);
	close(c.obj);
	if (ctl_detach(ctl, id))
		report("detach", name, errno);
	close(backing);
	close(c.spare);
	printf("fuzz: reserved pass over %zu commands: ", ARRAY_SIZE(fuzz_cmds));
	printf("%lu of %lu reserved fields refused with EINVAL (%lu calls), ",
	       rsv_refused, rsv_fields, rsv_calls);
	printf("%lu output reserved fields zero, ", rsv_out);
	printf("%lu foreign or misnumbered commands refused with ENOTTY, ",
	       rsv_enotty);
	printf("%lu bad\n", rsv_bad);
	return rsv_bad ? 1 : 0;
}

static int cmd_fuzz(char **argv)
{
	uint64_t seed = strtoull(argv[4], NULL, 0);
	struct fuzz_worker workers[MAX_THREADS];
	pthread_t tids[MAX_THREADS];
	int fuzz_threads = atoi(argv[3]), i, p[2], bad;
	uint64_t digest = 0xcbf29ce484222325ULL;
	double start;
	char name[32];

	fuzz_total = strtoul(argv[2], NULL, 0);
	if (fuzz_threads < 1 || fuzz_threads > MAX_THREADS)
		return 2;
	printf("fuzz: seed %llu\n", (unsigned long long)seed);
	fflush(stdout);
	bad_page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	fuzz_add(open("/dev/vpm", O_RDWR | O_CLOEXEC), FUZZ_CTL);
	if (!nfuzz_fds) {
		report("open", "/dev/vpm", errno);
		return 1;
	}
	bad = fuzz_reserved(fuzz_fds[0].fd);
	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "/dev/vpm%d", i);
		fuzz_add(open(name, O_RDWR | O_CLOEXEC), FUZZ_OBJ);
		fuzz_add(open(name, O_RDONLY | O_CLOEXEC), FUZZ_OBJ);
	}
	fuzz_add(open("/dev/null", O_RDWR | O_CLOEXEC), FUZZ_OTHER);
	/* A scratch disk, so that some attaches succeed. */
	fuzz_add(open("/dev/ram1", O_RDWR | O_CLOEXEC), FUZZ_OTHER);
	fuzz_add(open("/tmp", O_RDONLY | O_CLOEXEC), FUZZ_OTHER);
	if (!pipe(p))
		fuzz_add(p[0], FUZZ_OTHER);
	fuzz_add(socket(AF_UNIX, SOCK_STREAM, 0), FUZZ_OTHER);
	/* The calls of each thread depend on the seed and its number only. */
	start = now();
	for (i = 0; i < fuzz_threads; i++) {
		workers[i].seed = seed * 104729 + i;
		workers[i].digest = digest;
		workers[i].calls = fuzz_total / fuzz_threads +
				   ((unsigned long)i < fuzz_total % fuzz_threads);
		pthread_create(&tids[i], NULL, fuzz_thread, &workers[i]);
	}
	for (i = 0; i < fuzz_threads; i++) {
		pthread_join(tids[i], NULL);
		digest = fuzz_fold(digest, &workers[i].digest, sizeof(digest));
	}
	printf("fuzz: %lu ioctls by %d threads over %d descriptors in %.1f s, ",
	       fuzz_total, fuzz_threads, nfuzz_fds, now() - start);
	printf("seed %llu (calls %016llx): %lu succeeded, %lu unexpected errnos\n",
	       (unsigned long long)seed, (unsigned long long)digest,
	       (unsigned long)succeeded, (unsigned long)unexpected);
	return bad || unexpected ? 1 : 0;
}

/* --- failnth --- */

static const char *fn_backing;
static int fn_ctl, fn_obj, fn_bfd;
static unsigned int fn_id;

static int count_objects(void)
{
	struct vpm_info info;

	memset(&info, 0, sizeof(info));
	if (ioctl(fn_ctl, VPM_CTL_INFO, &info))
		return -1;
	return info.count;
}

static int fn_open_object(void)
{
	char name[32];

	snprintf(name, sizeof(name), "/dev/vpm%u", fn_id);
	fn_obj = open(name, O_RDWR | O_CLOEXEC);
	return fn_obj < 0 ? -1 : 0;
}

/*
 * Set up what an operation needs, outside the injection window.  The sync
 * gets dirty pages, so that it has writeback to do.
 */
static int fn_setup(const char *op)
{
	static char dirty[65536];

	if (!strcmp(op, "attach"))
		return 0;
	if (ctl_attach(fn_ctl, fn_backing, &fn_id))
		return -1;
	if (!strcmp(op, "detach"))
		return 0;
	if (fn_open_object())
		return -1;
	if (!strcmp(op, "ioc_sync") &&
	    pwrite(fn_obj, dirty, sizeof(dirty), 0) != sizeof(dirty))
		return -1;
	return 0;
}

static void fn_cleanup(const char *op)
{
	if (fn_obj >= 0)
		close(fn_obj);
	fn_obj = -1;
	if (strcmp(op, "attach") && strcmp(op, "detach"))
		ctl_detach(fn_ctl, fn_id);
	/* Whatever is left (an attach that succeeded, a failed detach). */
	while (count_objects() > 0) {
		struct vpm_object_info info;
		struct vpm_info req;

		memset(&req, 0, sizeof(req));
		req.count = 1;
		req.objects = (uintptr_t)&info;
		if (ioctl(fn_ctl, VPM_CTL_INFO, &req) || ctl_detach(fn_ctl, info.id))
			break;
	}
}

/* The operation itself: returns 0 or an errno. */
static int fn_run(const char *op)
{
	static char buf[8192];
	union {
		struct vpm_version v;
		struct vpm_info i;
		struct vpm_stats st;
		struct vpm_freelists fl;
		struct vpm_object_info oi;
		struct vpm_sync sy;
		struct vpm_haspage h;
		struct vpm_getpages g;
		struct vpm_mapinfo m;
	} a;
	unsigned long cmd = 0;
	int fd = fn_obj;

	memset(&a, 0, sizeof(a));
	if (!strcmp(op, "attach")) {
		struct vpm_attach at;

		/* The backing store is open already: only the ioctl runs. */
		memset(&at, 0, sizeof(at));
		at.fd = fn_bfd;
		if (ioctl(fn_ctl, VPM_CTL_ATTACH, &at))
			return errno;
		fn_id = at.id;
		return 0;
	}
	if (!strcmp(op, "detach"))
		return -ctl_detach(fn_ctl, fn_id);
	if (!strcmp(op, "io")) {
		if (pwrite(fn_obj, buf, sizeof(buf), 12288) < 0 ||
		    fsync(fn_obj) || pread(fn_obj, buf, sizeof(buf), 65536) < 0)
			return errno;
		return 0;
	}
	if (!strcmp(op, "version")) {
		cmd = VPM_CTL_VERSION;
		fd = fn_ctl;
	} else if (!strcmp(op, "info")) {
		/* Room for the object: the list is taken into a buffer. */
		cmd = VPM_CTL_INFO;
		fd = fn_ctl;
		a.i.objects = (uintptr_t)buf;
		a.i.count = sizeof(buf) / sizeof(struct vpm_object_info);
	} else if (!strcmp(op, "stats")) {
		cmd = VPM_CTL_STATS;
		fd = fn_ctl;
	} else if (!strcmp(op, "freelists")) {
		cmd = VPM_CTL_FREELISTS;
		fd = fn_ctl;
		a.fl.freelists = (uintptr_t)buf;
		a.fl.count = sizeof(buf) / sizeof(struct vpm_freelist_info);
	} else if (!strcmp(op, "ioc_info")) {
		cmd = VPM_IOC_INFO;
	} else if (!strcmp(op, "ioc_sync")) {
		cmd = VPM_IOC_SYNC;
		a.sy.flags = VPM_SYNC_INVAL;
	} else if (!strcmp(op, "ioc_haspage")) {
		cmd = VPM_IOC_HASPAGE;
	} else if (!strcmp(op, "ioc_getpages")) {
		cmd = VPM_IOC_GETPAGES;
		a.g.offset = 1 << 20;
		a.g.ahead = 31;
	} else if (!strcmp(op, "ioc_mapinfo")) {
		cmd = VPM_IOC_MAPINFO;
		a.m.offset = 2 << 20;
		a.m.length = 32 * 4096;
	} else if (!strcmp(op, "ioc_stats")) {
		cmd = VPM_IOC_STATS;
	}
	return ioctl(fd, cmd, &a) ? errno : 0;
}

static int fn_acceptable(const char *op, int err)
{
	if (err == ENOMEM || err == EAGAIN)
		return 1;
	/* Reads and writeback report a failed page allocation as EIO. */
	return err == EIO && (!strcmp(op, "io") || !strncmp(op, "ioc_", 4) ||
			      !strcmp(op, "detach"));
}

/* More injection points than any operation reaches. */
#define FN_MAX_POINTS	5000

/*
 * The operations walked.  Each must reach at least one injection point,
 * or it tests nothing; those that allocate nothing say why, and must reach
 * none (an allocation added there needs its failure handled, and tested).
 */
static const struct {
	const char *op;
	const char *no_alloc;
} fn_ops[] = {
	{ "attach", NULL },
	{ "io", NULL },
	{ "detach", NULL },
	{ "version", "fills a structure on the stack" },
	{ "info", NULL },
	{ "stats", NULL },
	{ "freelists", "copies queue lengths out from a structure on the stack" },
	{ "ioc_info", "describes the object from memory, on the stack" },
	{ "ioc_sync", NULL },
	{ "ioc_haspage", "reads the block map made at attach" },
	{ "ioc_getpages", NULL },
	{ "ioc_mapinfo", NULL },
	{ "ioc_stats", NULL },
};

static int cmd_failnth(char **argv)
{
	unsigned long total = 0, bad = 0;
	size_t o;

	fn_backing = argv[2];
	fn_obj = -1;
	fn_ctl = open("/dev/vpm", O_RDWR | O_CLOEXEC);
	fn_bfd = open(fn_backing, O_RDWR | O_CLOEXEC);
	if (fn_ctl < 0 || fn_bfd < 0) {
		report("open", fn_backing, errno);
		return 1;
	}
	for (o = 0; o < ARRAY_SIZE(fn_ops); o++) {
		const char *op = fn_ops[o].op, *why = fn_ops[o].no_alloc;
		unsigned int n, points = 0;

		for (n = 1; n < FN_MAX_POINTS; n++) {
			char val[16];
			int fnfd, err;
			ssize_t len;

			if (fn_setup(op)) {
				report("setup", op, errno);
				return 1;
			}
			fnfd = open("/proc/thread-self/fail-nth", O_RDWR);
			if (fnfd < 0) {
				report("open", "fail-nth", errno);
				return 1;
			}
			len = snprintf(val, sizeof(val), "%u", n);
			if (write(fnfd, val, len) != len)
				report("write", "fail-nth", errno);
			err = fn_run(op);
			len = pread(fnfd, val, sizeof(val) - 1, 0);
			/* Nothing more to fail: reset the counter. */
			if (write(fnfd, "0", 1) != 1)
				report("write", "fail-nth", errno);
			close(fnfd);
			val[len > 0 ? len : 0] = 0;
			if (atoi(val) != 0) {
				fn_cleanup(op);
				break;
			}
			points++;
			if (err && !fn_acceptable(op, err)) {
				fprintf(stderr, "vpmstress: failnth %s at %u: %s\n",
					op, n, strerror(err));
				bad++;
			}
			if (!strcmp(op, "attach") && err && count_objects() != 0) {
				fprintf(stderr, "vpmstress: failnth attach at %u left an object\n",
					n);
				bad++;
			}
			fn_cleanup(op);
		}
		printf("failnth %s: %u injection points%s%s%s\n", op, points,
		       why ? " (none expected: " : "", why ? why : "",
		       why ? ")" : "");
		if (why ? points != 0 : points == 0) {
			fprintf(stderr, "vpmstress: failnth %s: %u injection points, want %s\n",
				op, points, why ? "none" : "at least one");
			bad++;
		}
		if (n == FN_MAX_POINTS) {
			fprintf(stderr, "vpmstress: failnth %s: still injecting after %u points\n",
				op, n);
			bad++;
		}
		total += points;
	}
	printf("failnth: %lu allocation failures injected over %zu operations, %lu bad results\n",
	       total, ARRAY_SIZE(fn_ops), bad);
	return bad ? 1 : 0;
}

/* --- mmap --- */

/*
 * The pattern of vpmpat (tools/e2e/vpmpat.c), so that "vpmpat check" reads
 * back what was stored through a mapping: the byte at offset O for seed S.
 * Keep the two in step.
 */
static size_t page_size;

/* A fault the mapping could not serve: say where, and fail. */
static void sigbus_handler(int sig, siginfo_t *si, void *uc)
{
	char msg[96];
	int n;

	(void)uc;
	n = snprintf(msg, sizeof(msg), "vpmstress: %s at %p\n",
		     sig == SIGBUS ? "SIGBUS" : "SIGSEGV", si->si_addr);
	if (write(2, msg, n) != n)
		n = 0;
	_exit(1);
}

static void catch_faults(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sigbus_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
}

/* Open an object and map all of it; the size in *size. */
static uint8_t *map_object(const char *path, int flags, int prot, int *fdp,
			   uint64_t *size)
{
	int fd = open(path, flags | O_CLOEXEC);
	void *p;
	off_t end;

	if (fd < 0) {
		report("open", path, errno);
		return NULL;
	}
	end = lseek(fd, 0, SEEK_END);
	if (end <= 0) {
		report("lseek", path, end < 0 ? errno : EINVAL);
		close(fd);
		return NULL;
	}
	p = mmap(NULL, end, prot, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		report("mmap", path, errno);
		close(fd);
		return NULL;
	}
	*fdp = fd;
	*size = end;
	return p;
}

/*
 * mapstore: each STEP "SEED:OFFSET:LENGTH:SYNC" stores pattern SEED at
 * OFFSET through one MAP_SHARED mapping of the whole object, then syncs:
 * msync (MS_SYNC over the pages of the range), fsync (of the descriptor),
 * async (VPM_IOC_SYNC with VPM_SYNC_ASYNC: written back, not waited for,
 * not flushed) or none.  Then, with READY a path, writes "ready" there and
 * waits to be killed with the mapping still in place; with READY "-"
 * unmaps and exits.
 */
static int mapstore_step(const char *path, int fd, uint8_t *map, uint64_t size,
			 const char *step)
{
	unsigned long long seed, off, len;
	uint64_t start, end, done;
	char sync[16];
	uint8_t *buf;

	if (sscanf(step, "%llu:%llu:%llu:%15s", &seed, &off, &len, sync) != 4 ||
	    !len || off + len > size) {
		fprintf(stderr, "vpmstress: mapstore: bad step '%s'\n", step);
		return 2;
	}
	buf = malloc(CHUNK);
	if (!buf)
		return 1;
	for (done = 0; done < len; done += CHUNK) {
		size_t n = len - done < CHUNK ? len - done : CHUNK;

		vpm_pattern(seed, off + done, buf, n);
		memcpy(map + off + done, buf, n);
	}
	free(buf);
	start = off & ~(uint64_t)(page_size - 1);
	end = off + len;
	if (!strcmp(sync, "msync")) {
		if (msync(map + start, end - start, MS_SYNC))
			report("msync", path, errno);
	} else if (!strcmp(sync, "fsync")) {
		if (fsync(fd))
			report("fsync", path, errno);
	} else if (!strcmp(sync, "async")) {
		struct vpm_sync s;

		memset(&s, 0, sizeof(s));
		s.offset = start;
		s.length = end - start;
		s.flags = VPM_SYNC_ASYNC;
		if (ioctl(fd, VPM_IOC_SYNC, &s))
			report("sync --async", path, errno);
	} else if (strcmp(sync, "none")) {
		fprintf(stderr, "vpmstress: mapstore: bad sync '%s'\n", sync);
		return 2;
	}
	printf("mapstore: seed %llu at %llu, %llu bytes, %s\n", seed, off, len,
	       sync);
	return errors ? 1 : 0;
}

static int cmd_mapstore(int argc, char **argv)
{
	const char *path = argv[2], *ready = argv[3];
	uint64_t size;
	uint8_t *map;
	int fd, i, ret;

	map = map_object(path, O_RDWR, PROT_READ | PROT_WRITE, &fd, &size);
	if (!map)
		return 1;
	for (i = 4; i < argc; i++) {
		ret = mapstore_step(path, fd, map, size, argv[i]);
		if (ret)
			return ret;
	}
	fflush(stdout);
	if (strcmp(ready, "-")) {
		FILE *f = fopen(ready, "w");

		if (!f || fprintf(f, "ready\n") < 0 || fclose(f)) {
			report("create", ready, errno);
			return 1;
		}
		for (;;)
			pause();
	}
	if (munmap(map, size))
		report("munmap", path, errno);
	close(fd);
	return errors ? 1 : 0;
}

/*
 * mapread: touch one byte of every page of a read-only MAP_SHARED mapping
 * of the whole object, in order, PASSES times over the same mapping; with
 * SEED, compare every page with pattern SEED instead.
 */
static int cmd_mapread(int argc, char **argv)
{
	const char *path = argv[2];
	int passes = atoi(argv[3]), check = argc > 4, fd, p;
	uint64_t seed = check ? strtoull(argv[4], NULL, 0) : 0;
	uint64_t size, off, sum = 0, bad = 0, first = 0;
	uint8_t *map, *want = malloc(page_size);
	double start = now();

	map = map_object(path, O_RDONLY, PROT_READ, &fd, &size);
	if (!map || !want || passes < 1)
		return 1;
	for (p = 0; p < passes; p++) {
		for (off = 0; off < size; off += page_size) {
			size_t n = size - off < page_size ? size - off : page_size;

			if (!check) {
				sum += __atomic_load_n(map + off,
						       __ATOMIC_RELAXED);
				continue;
			}
			vpm_pattern(seed, off, want, n);
			if (memcmp(map + off, want, n)) {
				if (!bad)
					first = off;
				bad++;
			}
		}
	}
	if (munmap(map, size))
		report("munmap", path, errno);
	close(fd);
	printf("mapread: %llu pages, %d passes in %.1f s, ",
	       (unsigned long long)((size + page_size - 1) / page_size), passes,
	       now() - start);
	if (check)
		printf("%llu mismatched pages (first at %llu)\n",
		       (unsigned long long)bad, (unsigned long long)first);
	else
		printf("byte sum %llu\n", (unsigned long long)sum);
	return errors || bad ? 1 : 0;
}

/*
 * mmaprace: a mapper thread stores the even pages of the span through a
 * MAP_SHARED mapping (with msync and MADV_DONTNEED now and then), a writer
 * thread pwrite()s the odd pages (whole, or in two pieces), pass after
 * pass, each page a new pattern per pass, a syncer thread fsyncs the
 * object every 20 to 200 ms, and a reader thread pread()s runs of pages
 * and checks every byte: it must be from a version of its page between the
 * last one finished before the read and the last one started after it (a
 * torn page is fine, an older or foreign byte is not).  At the end, after
 * msync and fsync, every page must hold its last version through read(),
 * through a fresh mapping, on the backing device if given (O_DIRECT, the
 * mapping still in place) and, unmapped, after its pages were dropped
 * (read from the disk again).
 */
#define MR_INIT		(-1)	/* version: what the span held at the start */

struct mmaprace {
	const char *path, *backing;
	int fd;
	uint8_t *map, *init;
	uint64_t seed, span, npages;
	atomic_int *writing, *done;	/* per page: last version started, finished */
	atomic_ulong stores, pwrites, syncs, fsyncs, drops, reads, torn,
		     unchecked, bad_reads;
	atomic_int passes[2];
	/* Seconds in the writes of each writer, the longest; in syncs. */
	double write_time[2], write_max[2], sync_time[2];
};

static struct mmaprace mr;

/* Version V of page I (MR_INIT: the old contents). */
static void mr_version(uint64_t i, int v, uint8_t *buf)
{
	if (v == MR_INIT)
		memcpy(buf, mr.init + i * page_size, page_size);
	else
		vpm_pattern(mr.seed * 1000 + v, i * page_size, buf, page_size);
}

static void mr_shuffle(uint64_t *order, uint64_t n, uint64_t *rng)
{
	uint64_t i;

	for (i = n - 1; i > 0; i--) {
		uint64_t j = splitmix(rng) % (i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
}

/* The pages of one parity, in a new order each pass, until the deadline. */
static void *mr_writer(void *arg)
{
	int parity = (int)(intptr_t)arg;
	uint64_t rng = mr.seed * 31 + parity, n = 0, i, k, pages, side;
	uint64_t *order = malloc((mr.npages / 2 + 1) * sizeof(*order));
	uint8_t *buf = malloc(page_size);
	double t;
	int pass;

	if (!order || !buf)
		return NULL;
	for (i = parity; i < mr.npages; i += 2)
		order[n++] = i;
	for (pass = 0; now() < deadline; pass++) {
		mr_shuffle(order, n, &rng);
		for (k = 0; k < n && now() < deadline; k++) {
			uint64_t pg = order[k], off = pg * page_size;
			uint64_t r = splitmix(&rng);

			mr_version(pg, pass, buf);
			atomic_store(&mr.writing[pg], pass);
			t = now();
			if (!parity) {
				memcpy(mr.map + off, buf, page_size);
				atomic_fetch_add(&mr.stores, 1);
			} else {
				/* Whole, or in two pieces at a random split. */
				size_t cut = r % 4 ? page_size : 1 + r % (page_size - 1);

				if (pwrite(mr.fd, buf, cut, off) != (ssize_t)cut ||
				    (cut < page_size &&
				     pwrite(mr.fd, buf + cut, page_size - cut, off + cut) !=
				     (ssize_t)(page_size - cut)))
					report("pwrite", mr.path, errno);
				atomic_fetch_add(&mr.pwrites, 1);
			}
			t = now() - t;
			mr.write_time[parity] += t;
			if (t > mr.write_max[parity])
				mr.write_max[parity] = t;
			atomic_store(&mr.done[pg], pass);
			/*
			 * The mapper, now and then: writes back a few pages under
			 * the stores (msync, 1 in 256), or zaps their PTEs (3 in
			 * 256).
			 */
			r = splitmix(&rng);
			side = (r >> 32) % 512;
			if (parity || side >= 8)
				continue;
			i = r % mr.npages;
			pages = 1 + (r >> 16) % 64;
			if (i + pages > mr.npages)
				pages = mr.npages - i;
			t = now();
			if (side < 2) {
				if (msync(mr.map + i * page_size, pages * page_size,
					  side ? MS_SYNC : MS_ASYNC))
					report("msync", mr.path, errno);
				atomic_fetch_add(&mr.syncs, 1);
			} else {
				if (madvise(mr.map + i * page_size, pages * page_size,
					    MADV_DONTNEED))
					report("madvise", mr.path, errno);
				atomic_fetch_add(&mr.drops, 1);
			}
			mr.sync_time[0] += now() - t;
		}
		if (k == n)
			atomic_fetch_add(&mr.passes[parity], 1);
	}
	free(order);
	free(buf);
	return NULL;
}

/* fsync of the whole object every 20 to 200 ms, under the writers. */
static void *mr_syncer(void *arg)
{
	uint64_t rng = mr.seed * 41 + 3;
	double t;

	(void)arg;
	while ((t = now()) < deadline) {
		if (fsync(mr.fd))
			report("fsync", mr.path, errno);
		atomic_fetch_add(&mr.fsyncs, 1);
		mr.sync_time[1] += now() - t;
		usleep(20000 + splitmix(&rng) % 180000);
	}
	return NULL;
}

/* The most versions of a page one read is checked against. */
#define MR_VERSIONS	8

/*
 * Does every byte of GOT come from a version of page PG in [LO, HI]?  WANT
 * has room for MR_VERSIONS pages.
 */
static int mr_check_page(uint64_t pg, const uint8_t *got, int lo, int hi,
			 uint8_t *want)
{
	size_t i, first = SIZE_MAX;
	int v, torn = 0;

	mr_version(pg, lo, want);
	if (!memcmp(got, want, page_size))
		return 0;
	for (v = lo + 1; v <= hi; v++)
		mr_version(pg, v, want + (v - lo) * page_size);
	for (i = 0; i < page_size; i++) {
		if (got[i] == want[i])
			continue;
		for (v = lo + 1; v <= hi; v++)
			if (got[i] == want[(v - lo) * page_size + i])
				break;
		if (v <= hi)
			torn = 1;
		else if (first == SIZE_MAX)
			first = i;
	}
	if (first != SIZE_MAX) {
		if (atomic_fetch_add(&mr.bad_reads, 1) < 5)
			fprintf(stderr,
				"vpmstress: mmaprace: read of page %llu byte %zu: 0x%02x from no version %d..%d\n",
				(unsigned long long)pg, first, got[first], lo, hi);
		return 1;
	}
	if (torn)
		atomic_fetch_add(&mr.torn, 1);
	return 0;
}

#define MR_READ_PAGES	16

static void *mr_reader(void *arg)
{
	uint64_t rng = mr.seed * 37 + 2, k, n;
	uint8_t *buf = malloc(MR_READ_PAGES * page_size);
	uint8_t *want = malloc(MR_VERSIONS * page_size);
	int lo[MR_READ_PAGES], hi[MR_READ_PAGES];

	(void)arg;
	if (!buf || !want)
		return NULL;
	while (now() < deadline) {
		uint64_t pg = splitmix(&rng) % mr.npages;

		n = 1 + splitmix(&rng) % MR_READ_PAGES;
		if (pg + n > mr.npages)
			n = mr.npages - pg;
		for (k = 0; k < n; k++)
			lo[k] = atomic_load(&mr.done[pg + k]);
		if (pread(mr.fd, buf, n * page_size, pg * page_size) !=
		    (ssize_t)(n * page_size)) {
			report("pread", mr.path, errno);
			continue;
		}
		atomic_thread_fence(memory_order_seq_cst);
		for (k = 0; k < n; k++) {
			hi[k] = atomic_load(&mr.writing[pg + k]);
			/* A page rewritten over and over during one read. */
			if (hi[k] - lo[k] >= MR_VERSIONS) {
				atomic_fetch_add(&mr.unchecked, 1);
				continue;
			}
			mr_check_page(pg + k, buf + k * page_size, lo[k], hi[k],
				      want);
		}
		atomic_fetch_add(&mr.reads, 1);
	}
	free(buf);
	free(want);
	return NULL;
}

/* Pages of BUF (the span from page 0) that are not their last version. */
static uint64_t mr_compare(const char *what, const uint8_t *buf)
{
	uint8_t *want = malloc(page_size);
	uint64_t pg, bad = 0;

	if (!want)
		return mr.npages;
	for (pg = 0; pg < mr.npages; pg++) {
		int v = atomic_load(&mr.done[pg]);

		mr_version(pg, v, want);
		if (memcmp(buf + pg * page_size, want, page_size) && !bad++)
			fprintf(stderr,
				"vpmstress: mmaprace: %s: page %llu is not version %d\n",
				what, (unsigned long long)pg, v);
	}
	free(want);
	return bad;
}

static uint64_t mr_compare_pread(const char *what, int fd, uint8_t *buf)
{
	if (pread(fd, buf, mr.span, 0) != (ssize_t)mr.span) {
		report("pread", what, errno);
		return mr.npages;
	}
	return mr_compare(what, buf);
}

static int cmd_mmaprace(int argc, char **argv)
{
	double seconds = atof(argv[2]), start;
	uint64_t size, span = strtoull(argv[4], NULL, 0), pg;
	uint64_t bad_read, bad_map, bad_drop, bad_disk = 0;
	pthread_t tids[4];
	struct vpm_sync s;
	uint8_t *buf, *map2;
	int i, fd2;

	memset(&mr, 0, sizeof(mr));
	mr.seed = strtoull(argv[3], NULL, 0);
	mr.path = argv[5];
	mr.backing = argc > 6 ? argv[6] : NULL;
	mr.map = map_object(mr.path, O_RDWR, PROT_READ | PROT_WRITE, &mr.fd,
			    &size);
	if (!mr.map)
		return 1;
	if (!span || span > size)
		span = size;
	mr.npages = span / page_size;
	mr.span = mr.npages * page_size;
	if (mr.npages < 4) {
		fprintf(stderr, "vpmstress: mmaprace: a span of 4 pages at least\n");
		return 2;
	}
	mr.init = malloc(mr.span);
	buf = malloc(mr.span);
	mr.writing = calloc(mr.npages, sizeof(*mr.writing));
	mr.done = calloc(mr.npages, sizeof(*mr.done));
	if (!mr.init || !buf || !mr.writing || !mr.done)
		return 1;
	if (pread(mr.fd, mr.init, mr.span, 0) != (ssize_t)mr.span) {
		report("pread", mr.path, errno);
		return 1;
	}
	for (pg = 0; pg < mr.npages; pg++) {
		atomic_init(&mr.writing[pg], MR_INIT);
		atomic_init(&mr.done[pg], MR_INIT);
	}
	start = now();
	deadline = start + seconds;
	pthread_create(&tids[0], NULL, mr_writer, (void *)(intptr_t)0);
	pthread_create(&tids[1], NULL, mr_writer, (void *)(intptr_t)1);
	pthread_create(&tids[2], NULL, mr_reader, NULL);
	pthread_create(&tids[3], NULL, mr_syncer, NULL);
	for (i = 0; i < 4; i++)
		pthread_join(tids[i], NULL);

	/*
	 * Everything written back, then read every way there is: read(), a
	 * fresh mapping, the disk under the mapping (O_DIRECT on the backing
	 * device); then, the mapping gone, with the pages dropped and read
	 * from the disk again.
	 */
	if (msync(mr.map, mr.span, MS_SYNC))
		report("msync", mr.path, errno);
	if (fsync(mr.fd))
		report("fsync", mr.path, errno);
	bad_read = mr_compare_pread("read", mr.fd, buf);
	bad_map = mr.npages;
	fd2 = open(mr.path, O_RDONLY | O_CLOEXEC);
	map2 = fd2 < 0 ? MAP_FAILED :
	       mmap(NULL, mr.span, PROT_READ, MAP_SHARED, fd2, 0);
	if (map2 == MAP_FAILED) {
		report("mmap again", mr.path, errno);
	} else {
		bad_map = mr_compare("fresh mapping", map2);
		munmap(map2, mr.span);
	}
	if (fd2 >= 0)
		close(fd2);
	if (mr.backing) {
		int bfd = open(mr.backing, O_RDONLY | O_DIRECT | O_CLOEXEC);
		void *dbuf;

		bad_disk = mr.npages;
		if (bfd < 0 || posix_memalign(&dbuf, page_size, mr.span)) {
			report("open", mr.backing, errno);
		} else {
			bad_disk = mr_compare_pread("disk", bfd, dbuf);
			free(dbuf);
		}
		if (bfd >= 0)
			close(bfd);
	}
	if (munmap(mr.map, size))
		report("munmap", mr.path, errno);
	memset(&s, 0, sizeof(s));
	s.length = mr.span;
	s.flags = VPM_SYNC_INVAL;
	if (ioctl(mr.fd, VPM_IOC_SYNC, &s))
		report("sync --inval", mr.path, errno);
	bad_drop = mr_compare_pread("read after the drop", mr.fd, buf);
	close(mr.fd);
	printf("mmaprace: %llu pages for %.1f s: %lu stores by mapping (%d passes), ",
	       (unsigned long long)mr.npages, now() - start,
	       (unsigned long)mr.stores, atomic_load(&mr.passes[0]));
	printf("%lu by pwrite (%d passes), %lu msyncs, %lu PTE drops, %lu fsyncs; ",
	       (unsigned long)mr.pwrites, atomic_load(&mr.passes[1]),
	       (unsigned long)mr.syncs, (unsigned long)mr.drops,
	       (unsigned long)mr.fsyncs);
	printf("time in stores %.1f s (longest %.0f ms), ", mr.write_time[0],
	       mr.write_max[0] * 1000);
	printf("in pwrites %.1f s (longest %.0f ms), ", mr.write_time[1],
	       mr.write_max[1] * 1000);
	printf("in msync/madvise %.1f s, in fsyncs %.1f s; ", mr.sync_time[0],
	       mr.sync_time[1]);
	printf("%lu reads checked (%lu torn pages, %lu unchecked, %lu bad); ",
	       (unsigned long)mr.reads, (unsigned long)mr.torn,
	       (unsigned long)mr.unchecked, (unsigned long)mr.bad_reads);
	printf("pages not the last version: read %llu, mapping %llu",
	       (unsigned long long)bad_read, (unsigned long long)bad_map);
	if (mr.backing)
		printf(", disk %llu", (unsigned long long)bad_disk);
	printf(", after a drop %llu; %lu errors\n", (unsigned long long)bad_drop,
	       (unsigned long)errors);
	return errors || mr.bad_reads || bad_read || bad_map || bad_drop ||
	       bad_disk ? 1 : 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	page_size = sysconf(_SC_PAGESIZE);
	catch_faults();
	if (argc >= 7 && !strcmp(argv[1], "race"))
		return cmd_race(argc, argv);
	if (argc >= 4 && !strcmp(argv[1], "churn"))
		return cmd_churn(argc, argv);
	if (argc == 5 && !strcmp(argv[1], "fuzz"))
		return cmd_fuzz(argv);
	if (argc == 3 && !strcmp(argv[1], "failnth"))
		return cmd_failnth(argv);
	if (argc >= 5 && !strcmp(argv[1], "mapstore"))
		return cmd_mapstore(argc, argv);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "mapread"))
		return cmd_mapread(argc, argv);
	if ((argc == 6 || argc == 7) && !strcmp(argv[1], "mmaprace"))
		return cmd_mmaprace(argc, argv);
	fprintf(stderr, "usage: vpmstress race|churn|fuzz|failnth|mapstore|mapread|mmaprace ...\n");
	return 2;
}
