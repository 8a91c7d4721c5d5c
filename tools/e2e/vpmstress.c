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
 *	Structured ioctl fuzzing of /dev/vpm and of the objects: every
 *	command with valid arguments mutated (flags, reserved fields, sizes,
 *	offsets, descriptors, argument addresses) and random commands.  Every
 *	result must be success or an errno documented for that command.
 *
 *   vpmstress failnth BACKING
 *	Systematic allocation-failure injection through
 *	/proc/thread-self/fail-nth: for attach, I/O, detach and every ioctl,
 *	fail the 1st, 2nd, ... fault-injection point the call reaches, until
 *	the call reaches no more.  Every injected failure must return an
 *	errno documented for the call and leave nothing attached behind.
 *
 * Every mode exits 1 on a failure and prints one summary line.  The seed
 * makes a run reproducible (up to the order threads interleave).
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
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

/* The errnos a command may return (Documentation/uapi.rst). */
static const struct {
	unsigned long cmd;
	const char *name;
	int errs[12];
} fuzz_cmds[] = {
	{ VPM_CTL_VERSION, "VERSION", { EINVAL, EFAULT } },
	{ VPM_CTL_ATTACH, "ATTACH", { EPERM, EINVAL, EBADF, EBUSY, ENOMEM,
				      EFAULT, EACCES, EROFS, ENXIO } },
	{ VPM_CTL_DETACH, "DETACH", { EPERM, EINVAL, ENXIO, EBUSY, EIO,
				      EAGAIN, EFAULT } },
	{ VPM_CTL_INFO, "INFO", { EINVAL, EFAULT, ENOMEM } },
	{ VPM_CTL_STATS, "STATS", { EINVAL, EFAULT, ENOMEM } },
	{ VPM_CTL_FREELISTS, "FREELISTS", { EINVAL, EFAULT } },
	{ VPM_IOC_INFO, "IOC_INFO", { EFAULT } },
	{ VPM_IOC_SYNC, "IOC_SYNC", { EINVAL, EROFS, EIO, EBUSY, EFAULT } },
	{ VPM_IOC_SETSIZE, "IOC_SETSIZE", { EINVAL, EFBIG, EOPNOTSUPP, EBADF,
					    EROFS, EFAULT, EIO } },
	{ VPM_IOC_HASPAGE, "IOC_HASPAGE", { EINVAL, EFAULT } },
	{ VPM_IOC_GETPAGES, "IOC_GETPAGES", { EINVAL, EIO, ENOMEM, EFAULT } },
	{ VPM_IOC_MAPINFO, "IOC_MAPINFO", { EINVAL, EIO, ENOMEM, EFAULT } },
	{ VPM_IOC_STATS, "IOC_STATS", { EINVAL, EFAULT, ENOMEM } },
};

static int fuzz_fds[16], nfuzz_fds;
static atomic_ulong calls, unexpected, succeeded;
static unsigned long fuzz_total;
static uint8_t *bad_page;	/* mapped PROT_NONE: a faulting address */

static int documented(int cmdi, int err)
{
	size_t i;

	if (cmdi < 0)
		return err == ENOTTY;
	for (i = 0; i < ARRAY_SIZE(fuzz_cmds[cmdi].errs) &&
	     fuzz_cmds[cmdi].errs[i]; i++)
		if (fuzz_cmds[cmdi].errs[i] == err)
			return 1;
	/* A command of the other device, or on a non-vpm descriptor. */
	return err == ENOTTY;
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
			v = fuzz_fds[splitmix(s) % nfuzz_fds];
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

static void *fuzz_thread(void *arg)
{
	uint64_t seed = *(uint64_t *)arg;
	uint64_t words[2048];
	uint8_t *buf = (uint8_t *)words;

	while (atomic_fetch_add(&calls, 1) < fuzz_total) {
		int fd = fuzz_fds[splitmix(&seed) % nfuzz_fds];
		int cmdi = splitmix(&seed) % (ARRAY_SIZE(fuzz_cmds) + 1);
		unsigned long cmd;
		void *argp = buf;
		int ret;

		if (cmdi == (int)ARRAY_SIZE(fuzz_cmds)) {
			cmdi = -1;
			cmd = _IOC(splitmix(&seed) % 4, VPM_IOCTL_MAGIC,
				   0x20 + splitmix(&seed) % 200,
				   splitmix(&seed) % 1024);
		} else {
			cmd = fuzz_cmds[cmdi].cmd;
		}
		fuzz_arg(&seed, buf, _IOC_SIZE(cmd));
		if (splitmix(&seed) % 50 == 0)
			argp = splitmix(&seed) % 2 ? NULL : bad_page;
		if (cmdi >= 0 && cmd == VPM_CTL_INFO && argp == buf) {
			struct vpm_info *info = (struct vpm_info *)buf;

			info->objects = (uintptr_t)(buf + 64);
			info->count %= 8;
		}
		if (cmdi >= 0 && cmd == VPM_CTL_FREELISTS && argp == buf) {
			struct vpm_freelists *fl = (struct vpm_freelists *)buf;

			fl->freelists = (uintptr_t)(buf + 64);
			fl->count %= 64;
		}
		ret = ioctl(fd, cmd, argp);
		if (!ret) {
			atomic_fetch_add(&succeeded, 1);
			/* Attached something: detach it again at once. */
			if (cmdi >= 0 && cmd == VPM_CTL_ATTACH) {
				struct vpm_attach *a = (struct vpm_attach *)buf;

				ctl_detach(fuzz_fds[0], a->id);
			}
			continue;
		}
		if (!documented(cmdi, errno)) {
			fprintf(stderr,
				"vpmstress: fuzz: %s (0x%lx) on fd %d: unexpected %s\n",
				cmdi >= 0 ? fuzz_cmds[cmdi].name : "random", cmd,
				fd, strerror(errno));
			atomic_fetch_add(&unexpected, 1);
		}
	}
	return NULL;
}

static void fuzz_add(int fd)
{
	if (fd >= 0 && nfuzz_fds < (int)ARRAY_SIZE(fuzz_fds))
		fuzz_fds[nfuzz_fds++] = fd;
}

static int cmd_fuzz(char **argv)
{
	uint64_t seed = strtoull(argv[4], NULL, 0), seeds[MAX_THREADS];
	pthread_t tids[MAX_THREADS];
	int n = atoi(argv[3]), i, p[2];
	double start = now();
	char name[32];

	fuzz_total = strtoul(argv[2], NULL, 0);
	if (n < 1 || n > MAX_THREADS)
		return 2;
	bad_page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	fuzz_add(open("/dev/vpm", O_RDWR | O_CLOEXEC));
	if (!nfuzz_fds) {
		report("open", "/dev/vpm", errno);
		return 1;
	}
	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "/dev/vpm%d", i);
		fuzz_add(open(name, O_RDWR | O_CLOEXEC));
		fuzz_add(open(name, O_RDONLY | O_CLOEXEC));
	}
	fuzz_add(open("/dev/null", O_RDWR | O_CLOEXEC));
	/* A scratch disk, so that some attaches succeed. */
	fuzz_add(open("/dev/ram1", O_RDWR | O_CLOEXEC));
	fuzz_add(open("/tmp", O_RDONLY | O_CLOEXEC));
	if (!pipe(p))
		fuzz_add(p[0]);
	fuzz_add(socket(AF_UNIX, SOCK_STREAM, 0));
	for (i = 0; i < n; i++) {
		seeds[i] = seed * 104729 + i;
		pthread_create(&tids[i], NULL, fuzz_thread, &seeds[i]);
	}
	for (i = 0; i < n; i++)
		pthread_join(tids[i], NULL);
	printf("fuzz: %lu ioctls by %d threads over %d descriptors in %.1f s, ",
	       fuzz_total, n, nfuzz_fds, now() - start);
	printf("seed %llu: %lu succeeded, %lu unexpected errnos\n",
	       (unsigned long long)seed, (unsigned long)succeeded,
	       (unsigned long)unexpected);
	return unexpected ? 1 : 0;
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

/* Set up what an operation needs, outside the injection window. */
static int fn_setup(const char *op)
{
	if (!strcmp(op, "attach"))
		return 0;
	if (ctl_attach(fn_ctl, fn_backing, &fn_id))
		return -1;
	if (!strcmp(op, "detach"))
		return 0;
	return fn_open_object();
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
		cmd = VPM_CTL_INFO;
		fd = fn_ctl;
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

static int cmd_failnth(char **argv)
{
	static const char * const ops[] = {
		"attach", "io", "detach", "version", "info", "stats",
		"freelists", "ioc_info", "ioc_sync", "ioc_haspage", "ioc_getpages",
		"ioc_mapinfo", "ioc_stats",
	};
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
	for (o = 0; o < ARRAY_SIZE(ops); o++) {
		const char *op = ops[o];
		unsigned int n, points = 0;

		for (n = 1; n < 5000; n++) {
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
		printf("failnth %s: %u injection points\n", op, points);
		total += points;
	}
	printf("failnth: %lu allocation failures injected over %zu operations, %lu bad results\n",
	       total, ARRAY_SIZE(ops), bad);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 7 && !strcmp(argv[1], "race"))
		return cmd_race(argc, argv);
	if (argc >= 4 && !strcmp(argv[1], "churn"))
		return cmd_churn(argc, argv);
	if (argc == 5 && !strcmp(argv[1], "fuzz"))
		return cmd_fuzz(argv);
	if (argc == 3 && !strcmp(argv[1], "failnth"))
		return cmd_failnth(argv);
	fprintf(stderr, "usage: vpmstress race|churn|fuzz|failnth ...\n");
	return 2;
}
