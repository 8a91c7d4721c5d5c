// SPDX-License-Identifier: GPL-2.0
/*
 * vpmctl - control vpm objects through /dev/vpm and /dev/vpmN.
 *
 * Like losetup: one subcommand per verb, each with its own --help; results
 * go to stdout, one line per result (--json where the output is a table);
 * errors go to stderr as "vpmctl: VERB OBJECT: reason" and the exit status
 * is 1.  Sizes and offsets take K, M, G and T suffixes (powers of 1024).
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <linux/vpm.h>

#include "tools.h"
#include "vpm_version.h"

#define VPM_CTL_PATH	"/dev/vpm"
#define JSON_VERSION	1

struct command {
	const char *name;
	const char *args;
	const char *summary;
	const char *help;
	int (*run)(int argc, char **argv);
};

static const struct command *current;

static void die(const char *object, int err)
{
	fprintf(stderr, "vpmctl: %s %s: %s\n", current->name, object,
		strerror(err));
	exit(1);
}

static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vpmctl: ");
	if (current)
		fprintf(stderr, "%s: ", current->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (current)
		fprintf(stderr, "\nTry 'vpmctl %s --help'.\n", current->name);
	else
		fprintf(stderr, "\nTry 'vpmctl --help'.\n");
	exit(1);
}

static void print_command_help(const struct command *cmd)
{
	printf("Usage: vpmctl %s %s\n\n%s\n", cmd->name, cmd->args,
	       cmd->summary);
	if (cmd->help)
		printf("\n%s", cmd->help);
}

/* --- parsing --- */

/* A size or offset: decimal or 0x hex, with an optional K/M/G/T suffix. */
static uint64_t parse_size(const char *what, const char *s)
{
	unsigned int shift = 0;
	char *end;
	uint64_t v;

	errno = 0;
	if (*s == '-')
		usage_error("%s '%s' is negative", what, s);
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		usage_error("%s '%s' is not a number", what, s);
	switch (*end) {
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	case 't': case 'T':
		shift = 40;
		break;
	case '\0':
		return v;
	default:
		usage_error("%s '%s' has an unknown suffix", what, s);
	}
	if (end[1] && strcmp(end + 1, "iB") && strcmp(end + 1, "B"))
		usage_error("%s '%s' has an unknown suffix", what, s);
	if (shift && v > (UINT64_MAX >> shift))
		usage_error("%s '%s' is too large", what, s);
	return v << shift;
}

/* An object: /dev/vpmN, vpmN or N.  Returns N. */
static unsigned int parse_object(const char *s)
{
	const char *p = s;
	char *end;
	unsigned long n;

	if (!strncmp(p, "/dev/", 5))
		p += 5;
	if (!strncmp(p, "vpm", 3))
		p += 3;
	errno = 0;
	n = strtoul(p, &end, 10);
	if (!*p || *end || errno || n > UINT32_MAX)
		usage_error("'%s' is not an object (/dev/vpmN, vpmN or N)", s);
	return n;
}

static int open_ctl(int flags)
{
	int fd = open(VPM_CTL_PATH, flags | O_CLOEXEC);

	if (fd < 0)
		die(VPM_CTL_PATH, errno);
	return fd;
}

static int open_object(const char *arg, int flags, char *path, size_t len)
{
	int fd;

	snprintf(path, len, "/dev/vpm%u", parse_object(arg));
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		die(path, errno);
	return fd;
}

/*
 * getopt_long over @opts, which must end with --help; returns optind.  Each
 * option's val is also its short form (-j for --json), as --help shows.
 */
static int parse_options(int argc, char **argv, const struct option *opts,
			 int (*take)(int c, const char *arg))
{
	const struct option *o;
	char shorts[32];
	size_t n = 0;
	int c;

	for (o = opts; o->name && n + 3 < sizeof(shorts); o++) {
		shorts[n++] = o->val;
		if (o->has_arg == required_argument)
			shorts[n++] = ':';
	}
	shorts[n] = '\0';
	while ((c = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
		if (c == 'h') {
			print_command_help(current);
			exit(0);
		}
		if (c == '?' || !take || take(c, optarg))
			usage_error("bad option");
	}
	return optind;
}

static const struct option help_only[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void need_operands(int argc, int first, int want)
{
	if (argc - first != want)
		usage_error("takes %d operand%s", want, want == 1 ? "" : "s");
}

/* --- output helpers --- */

static const char * const path_names[] = { "bio", "small-block", "old" };

static const char *path_name(unsigned int path)
{
	return path < ARRAY_SIZE(path_names) ? path_names[path] : "?";
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

/* --- version --- */

static int cmd_version(int argc, char **argv)
{
	struct vpm_version ver;
	int fd;

	need_operands(argc, parse_options(argc, argv, help_only, NULL), 0);
	printf("vpmctl %s\n", VPM_VERSION);
	fd = open(VPM_CTL_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			printf("module not loaded\n");
			return 0;
		}
		die(VPM_CTL_PATH, errno);
	}
	memset(&ver, 0, sizeof(ver));
	if (ioctl(fd, VPM_CTL_VERSION, &ver) < 0)
		die(VPM_CTL_PATH, errno);
	close(fd);
	printf("module %u.%u.%u api %u\n", ver.major, ver.minor, ver.patch,
	       ver.api);
	return 0;
}

/* --- attach and detach --- */

static unsigned int attach_flags;

static int take_attach(int c, const char *arg)
{
	(void)arg;
	if (c != 'r')
		return -1;
	attach_flags |= VPM_ATTACH_READONLY;
	return 0;
}

static int cmd_attach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "read-only", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int first = parse_options(argc, argv, opts, take_attach);
	struct vpm_attach req;
	const char *path;
	int ctl, fd;

	need_operands(argc, first, 1);
	path = argv[first];
	fd = open(path, (attach_flags & VPM_ATTACH_READONLY ? O_RDONLY :
			 O_RDWR) | O_CLOEXEC | O_LARGEFILE);
	if (fd < 0)
		die(path, errno);
	ctl = open_ctl(O_RDWR);
	memset(&req, 0, sizeof(req));
	req.fd = fd;
	req.flags = attach_flags;
	if (ioctl(ctl, VPM_CTL_ATTACH, &req) < 0)
		die(path, errno);
	printf("/dev/vpm%u\n", req.id);
	return 0;
}

static int list_objects(struct vpm_object_info **out);

static unsigned int detach_flags;

/*
 * Detach object ID: a refusal says how many pages could not be written;
 * a detach that dropped pages (--force, or a disk that is gone) prints the
 * bytes lost, --force always; a final flush that failed is a warning.  A
 * module of API version 2 knows only VPM_CTL_DETACH_V1: no flags, no reply.
 */
static void detach_one(int ctl, unsigned int id)
{
	struct vpm_detach req;
	char name[32];
	int err;

	snprintf(name, sizeof(name), "/dev/vpm%u", id);
	memset(&req, 0, sizeof(req));
	req.id = id;
	req.flags = detach_flags;
	err = ioctl(ctl, VPM_CTL_DETACH, &req) < 0 ? errno : 0;
	if (err == ENOTTY && detach_flags) {
		fprintf(stderr,
			"vpmctl: detach %s: --force needs a module of API version 3 or later\n",
			name);
		exit(1);
	}
	if (err == ENOTTY)
		err = ioctl(ctl, VPM_CTL_DETACH_V1, &req) < 0 ? errno : 0;
	if (err && req.dirty_pages) {
		fprintf(stderr,
			"vpmctl: detach %s: %s: %u dirty pages could not be written (--force drops them)\n",
			name, strerror(err), req.dirty_pages);
		exit(1);
	}
	if (err)
		die(name, err);
	if (req.lost_bytes && req.error)
		printf("%s: %llu dirty bytes lost (%s)\n", name,
		       (unsigned long long)req.lost_bytes, strerror(req.error));
	else if (req.lost_bytes || (detach_flags & VPM_DETACH_FORCE))
		printf("%s: %llu dirty bytes lost\n", name,
		       (unsigned long long)req.lost_bytes);
	if (!req.lost_bytes && req.error)
		fprintf(stderr,
			"vpmctl: detach %s: detached, but the final cache flush failed: %s\n",
			name, strerror(req.error));
}

static int detach_all;

static int take_detach(int c, const char *arg)
{
	(void)arg;
	if (c == 'f') {
		detach_flags |= VPM_DETACH_FORCE;
		return 0;
	}
	if (c != 'a')
		return -1;
	detach_all = 1;
	return 0;
}

static int cmd_detach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int first = parse_options(argc, argv, opts, take_detach);
	struct vpm_object_info *objs;
	int ctl, n, i;

	need_operands(argc, first, detach_all ? 0 : 1);
	ctl = open_ctl(O_RDWR);
	if (!detach_all) {
		detach_one(ctl, parse_object(argv[first]));
		return 0;
	}
	n = list_objects(&objs);
	for (i = 0; i < n; i++)
		detach_one(ctl, objs[i].id);
	free(objs);
	return 0;
}

/* --- list --- */

/* Every object, in a malloc'ed array; returns how many. */
static int list_objects(struct vpm_object_info **out)
{
	struct vpm_info req;
	unsigned int room = 16;
	int ctl = open_ctl(O_RDONLY);

	for (;;) {
		*out = calloc(room, sizeof(**out));
		if (!*out)
			die(VPM_CTL_PATH, ENOMEM);
		memset(&req, 0, sizeof(req));
		req.count = room;
		req.objects = (uintptr_t)*out;
		if (ioctl(ctl, VPM_CTL_INFO, &req) < 0)
			die(VPM_CTL_PATH, errno);
		if (req.count <= room)
			break;
		free(*out);
		room = req.count + 16;
	}
	close(ctl);
	return req.count;
}

static int json_out;

static int take_json(int c, const char *arg)
{
	(void)arg;
	if (c != 'j')
		return -1;
	json_out = 1;
	return 0;
}

static void print_object_json(const struct vpm_object_info *o)
{
	printf("{\"object\":\"/dev/vpm%u\",\"id\":%u,\"backing\":", o->id,
	       o->id);
	json_string((const char *)o->backing_path);
	printf(",\"backing_type\":\"%s\"",
	       o->backing_type == VPM_BACKING_BLOCK ? "block" : "file");
	printf(",\"size\":%llu", (unsigned long long)o->size);
	printf(",\"path\":\"%s\"", path_name(o->path));
	printf(",\"block_size\":%u", o->block_size);
	printf(",\"read_only\":%s",
	       o->flags & VPM_ATTACH_READONLY ? "true" : "false");
	printf(",\"open\":%u", o->open_count);
	printf(",\"pages_cached\":%llu", (unsigned long long)o->pages_cached);
	printf(",\"hits\":%llu", (unsigned long long)o->hits);
	printf(",\"misses\":%llu}", (unsigned long long)o->misses);
}

static int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vpm_object_info *objs;
	int n, i;

	need_operands(argc, parse_options(argc, argv, opts, take_json), 0);
	n = list_objects(&objs);
	if (json_out) {
		printf("{\"output_version\":%d,\"objects\":[", JSON_VERSION);
		for (i = 0; i < n; i++) {
			if (i)
				putchar(',');
			print_object_json(&objs[i]);
		}
		printf("]}\n");
	} else {
		printf("%-11s %-24s %14s %-11s %4s %10s %10s %10s\n", "OBJECT",
		       "BACKING", "SIZE", "PATH", "RO", "CACHED", "HITS",
		       "MISSES");
		for (i = 0; i < n; i++) {
			const struct vpm_object_info *o = &objs[i];
			char name[16];

			snprintf(name, sizeof(name), "/dev/vpm%u", o->id);
			printf("%-11s %-24s %14llu %-11s %4s %10llu %10llu %10llu\n",
			       name,
			       (const char *)o->backing_path, (unsigned long long)o->size,
			       path_name(o->path),
			       o->flags & VPM_ATTACH_READONLY ? "yes" : "no",
			       (unsigned long long)o->pages_cached, (unsigned long long)o->hits,
			       (unsigned long long)o->misses);
		}
	}
	free(objs);
	return 0;
}

/* --- stats --- */

static const char * const cache_names[VPM_CSTAT_NR] = {
	"entries", "freelists", "mode", "free_alloc", "free_release",
	"waiters", "hits", "misses", "steals", "contend", "prevpagelocked",
	"getpagefailed", "zerostart", "emptyfreelist", "nofreevpms", "flips",
	"skipped_busy", "uncached", "released", "shrinker_released", "cached",
	"in_use", "entry_bytes", "footprint_bytes", "reclaimed", "migrated",
};

static const char * const pager_names[VPM_PSTAT_NR] = {
	"vnodein", "vnodepgsin", "vnodeout", "vnodepgsout", "bios_read",
	"bios_write", "readahead_pages", "old_ops", "small_block_ops",
	"hole_blocks", "io_errors", "retries", "bad_pages", "bio_pages_1",
	"bio_pages_2", "bio_pages_4", "bio_pages_8", "bio_pages_16",
	"bio_pages_32", "bio_pages_64", "bio_pages_128", "bio_pages_256",
	"bio_pages_more", "faults", "major_faults", "mkwrites",
};

static unsigned int watch_seconds, watch_count, rate_seconds;

/* Seconds between two samples: 1 to INT_MAX. */
static unsigned int parse_seconds(const char *what, const char *arg)
{
	uint64_t v = parse_size(what, arg);

	if (!v || v > INT_MAX)
		usage_error("%s '%s' must be 1..%d seconds", what, arg, INT_MAX);
	return v;
}

static int take_stats(int c, const char *arg)
{
	switch (c) {
	case 'j':
		json_out = 1;
		return 0;
	case 'w':
		watch_seconds = parse_size("interval", arg);
		return watch_seconds ? 0 : -1;
	case 'i':
		rate_seconds = parse_seconds("interval", arg);
		return 0;
	case 'c':
		watch_count = parse_size("count", arg);
		return 0;
	default:
		return -1;
	}
}

/* One value: a "group.name value" line, or a member of a JSON object. */
static void print_value(const char *group, const char *name,
			unsigned long long val, int first)
{
	if (json_out)
		printf("%s\"%s\":%llu", first ? "" : ",", name, val);
	else
		printf("%s.%s %llu\n", group, name, val);
}

/* Opens a JSON object for a group; close_group() closes it. */
static void open_group(const char *group, int *first)
{
	if (json_out)
		printf("%s\"%s\":{", *first ? "" : ",", group);
	*first = 0;
}

static void close_group(void)
{
	if (json_out)
		putchar('}');
}

/* The first n counters of a group, n clipped to the names the tool has. */
static void print_counters(const char *group, const char * const *names,
			   unsigned int nnames, const __u64 *vals,
			   unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n && i < nnames; i++)
		print_value(group, names[i], vals[i], !i);
}

/*
 * The freelists of the cache, in a malloc'ed array; returns how many, or
 * -1 if the module has no VPM_CTL_FREELISTS (before API version 2).
 */
static int get_freelists(int ctl, struct vpm_freelist_info **out)
{
	struct vpm_freelists req;
	unsigned int room = 0;

	for (*out = NULL;; room = req.count) {
		free(*out);
		*out = calloc(room ? room : 1, sizeof(**out));
		if (!*out)
			die(VPM_CTL_PATH, ENOMEM);
		memset(&req, 0, sizeof(req));
		req.count = room;
		req.freelists = (uintptr_t)*out;
		if (ioctl(ctl, VPM_CTL_FREELISTS, &req) < 0) {
			if (errno != ENOTTY)
				die(VPM_CTL_PATH, errno);
			free(*out);
			*out = NULL;
			return -1;
		}
		if (req.count <= room)
			return req.count;
	}
}

static void print_freelists(int ctl, int *first)
{
	struct vpm_freelist_info *fl;
	char group[32];
	int n, i;

	n = get_freelists(ctl, &fl);
	if (n < 0)
		return;
	if (json_out)
		printf("%s\"freelists\":[", *first ? "" : ",");
	*first = 0;
	for (i = 0; i < n; i++) {
		if (json_out)
			printf("%s{", i ? "," : "");
		snprintf(group, sizeof(group), "freelist.%d", i);
		print_value(group, "alloc", fl[i].alloc, 1);
		print_value(group, "release", fl[i].release, 0);
		print_value(group, "waiters", fl[i].waiters, 0);
		close_group();
	}
	if (json_out)
		putchar(']');
	free(fl);
}

/* The object: its vpm cache counters and what debugfs objects/N/stats shows. */
static void print_object(const struct vpm_object_info *info)
{
	printf("object.hits %llu\n", (unsigned long long)info->hits);
	printf("object.misses %llu\n", (unsigned long long)info->misses);
	printf("object.pages_cached %llu\n",
	       (unsigned long long)info->pages_cached);
	printf("object.id %u\n", info->id);
	printf("object.path %s\n", path_name(info->path));
	printf("object.size %llu\n", (unsigned long long)info->size);
	printf("object.readonly %d\n", !!(info->flags & VPM_ATTACH_READONLY));
	printf("object.block_size %u\n", info->block_size);
}

static void print_stats(int fd, const char *object)
{
	struct vpm_stats st;
	struct vpm_object_info info;
	struct vpm_info objs;
	int first = 1;

	memset(&st, 0, sizeof(st));
	if (ioctl(fd, object ? VPM_IOC_STATS : VPM_CTL_STATS, &st) < 0)
		die(object ? object : VPM_CTL_PATH, errno);
	memset(&objs, 0, sizeof(objs));
	if (!object && ioctl(fd, VPM_CTL_INFO, &objs) < 0)
		die(VPM_CTL_PATH, errno);
	if (json_out)
		printf("{\"output_version\":%d,", JSON_VERSION);
	if (object) {
		if (ioctl(fd, VPM_IOC_INFO, &info) < 0)
			die(object, errno);
		if (json_out) {
			printf("\"object\":");
			print_object_json(&info);
			first = 0;
		} else {
			print_object(&info);
		}
	}
	if (st.ncache) {
		open_group("cache", &first);
		print_counters("cache", cache_names, VPM_CSTAT_NR, st.cache,
			       st.ncache);
		close_group();
		print_freelists(fd, &first);
	}
	open_group("pager", &first);
	print_counters("pager", pager_names, VPM_PSTAT_NR, st.pager,
		       st.npager);
	if (!object)
		print_value("pager", "objects", objs.count, !st.npager);
	close_group();
	if (json_out)
		printf("}\n");
	fflush(stdout);
}

/* --- stats --interval: rates per second, one line per interval --- */

/* What a rate is taken of, in the order of the columns. */
enum rate_counter {
	RATE_HITS,
	RATE_MISSES,
	RATE_STEALS,
	RATE_BIOS_READ,
	RATE_BIOS_WRITE,
	RATE_PGSIN,
	RATE_PGSOUT,
	RATE_NR,
};

/* Their names in JSON (those of the stats output) and column headers. */
static const char * const rate_names[RATE_NR] = {
	"hits", "misses", "steals", "bios_read", "bios_write", "vnodepgsin",
	"vnodepgsout",
};

static const char * const rate_headers[RATE_NR] = {
	"hits/s", "misses/s", "steals/s", "rbios/s", "wbios/s", "pgsin/s",
	"pgsout/s",
};

/* A screenful: the header is printed again every so many lines on a tty. */
#define RATE_HEADER_EVERY	20

struct rate_sample {
	struct timespec when;		/* CLOCK_MONOTONIC */
	uint64_t val[RATE_NR];
};

/* Counter @i of the @n a module filled, or 0 if it has none such. */
static uint64_t counter(const __u64 *vals, unsigned int n, unsigned int i)
{
	return i < n ? vals[i] : 0;
}

/*
 * The counters now: the global cache and pager ones, or one object's (its
 * cache hits and misses; the cache does not count steals per object).
 */
static void take_sample(int fd, const char *object, struct rate_sample *s)
{
	struct vpm_object_info info;
	struct vpm_stats st;

	memset(&st, 0, sizeof(st));
	if (ioctl(fd, object ? VPM_IOC_STATS : VPM_CTL_STATS, &st) < 0)
		die(object ? object : VPM_CTL_PATH, errno);
	clock_gettime(CLOCK_MONOTONIC, &s->when);
	if (object) {
		memset(&info, 0, sizeof(info));
		if (ioctl(fd, VPM_IOC_INFO, &info) < 0)
			die(object, errno);
		s->val[RATE_HITS] = info.hits;
		s->val[RATE_MISSES] = info.misses;
		s->val[RATE_STEALS] = 0;
	} else {
		s->val[RATE_HITS] = counter(st.cache, st.ncache, VPM_CSTAT_HITS);
		s->val[RATE_MISSES] = counter(st.cache, st.ncache,
					      VPM_CSTAT_MISSES);
		s->val[RATE_STEALS] = counter(st.cache, st.ncache,
					      VPM_CSTAT_STEALS);
	}
	s->val[RATE_BIOS_READ] = counter(st.pager, st.npager,
					 VPM_PSTAT_BIOS_READ);
	s->val[RATE_BIOS_WRITE] = counter(st.pager, st.npager,
					  VPM_PSTAT_BIOS_WRITE);
	s->val[RATE_PGSIN] = counter(st.pager, st.npager, VPM_PSTAT_VNODEPGSIN);
	s->val[RATE_PGSOUT] = counter(st.pager, st.npager,
				      VPM_PSTAT_VNODEPGSOUT);
}

static void print_rate_header(void)
{
	unsigned int i;

	for (i = 0; i < RATE_NR; i++)
		printf("%s%9s", i ? " " : "", rate_headers[i]);
	printf(" %9s %9s\n", "MB/s_in", "MB/s_out");
	fflush(stdout);
}

/* One line: the rates between two samples; MB are 2^20 bytes. */
static void print_rates(const char *object, const struct rate_sample *a,
			const struct rate_sample *b)
{
	double secs = (b->when.tv_sec - a->when.tv_sec) +
		      (b->when.tv_nsec - a->when.tv_nsec) / 1e9;
	double mb = sysconf(_SC_PAGESIZE) / 1048576.0 / secs;
	double rate[RATE_NR];
	unsigned int i;

	for (i = 0; i < RATE_NR; i++)
		rate[i] = (b->val[i] - a->val[i]) / secs;
	if (json_out) {
		printf("{\"output_version\":%d", JSON_VERSION);
		if (object)
			printf(",\"object\":\"%s\"", object);
		printf(",\"time\":%lld,\"seconds\":%.3f", (long long)time(NULL),
		       secs);
		for (i = 0; i < RATE_NR; i++)
			if (!object || i != RATE_STEALS)
				printf(",\"%s\":%.1f", rate_names[i], rate[i]);
		printf(",\"mb_in\":%.2f,\"mb_out\":%.2f}\n",
		       (b->val[RATE_PGSIN] - a->val[RATE_PGSIN]) * mb,
		       (b->val[RATE_PGSOUT] - a->val[RATE_PGSOUT]) * mb);
	} else {
		for (i = 0; i < RATE_NR; i++) {
			if (object && i == RATE_STEALS)
				printf(" %9s", "-");
			else
				printf("%s%9.1f", i ? " " : "", rate[i]);
		}
		printf(" %9.2f %9.2f\n",
		       (b->val[RATE_PGSIN] - a->val[RATE_PGSIN]) * mb,
		       (b->val[RATE_PGSOUT] - a->val[RATE_PGSOUT]) * mb);
	}
	fflush(stdout);
}

/*
 * Like vmstat: a sample now, then one line every rate_seconds with the rates
 * since the sample before, until interrupted or watch_count lines.  The
 * samples keep to a fixed schedule; each rate is over the time measured.
 */
static void print_stats_rates(int fd, const char *object)
{
	struct rate_sample prev, cur;
	struct timespec next;
	int tty = isatty(STDOUT_FILENO);
	unsigned int n;

	take_sample(fd, object, &prev);
	next = prev.when;
	for (n = 0; !watch_count || n < watch_count; n++) {
		if (!json_out && (!n || (tty && !(n % RATE_HEADER_EVERY))))
			print_rate_header();
		next.tv_sec += rate_seconds;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
				       NULL) == EINTR)
			continue;
		take_sample(fd, object, &cur);
		print_rates(object, &prev, &cur);
		prev = cur;
	}
}

static int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "watch", required_argument, NULL, 'w' },
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int first = parse_options(argc, argv, opts, take_stats);
	char path[32];
	const char *object = NULL;
	unsigned int n;
	int fd;

	if (argc - first > 1)
		usage_error("takes at most one operand");
	if (watch_seconds && rate_seconds)
		usage_error("--watch and --interval do not go together");
	if (argc - first == 1) {
		fd = open_object(argv[first], O_RDONLY, path, sizeof(path));
		object = path;
	} else {
		fd = open_ctl(O_RDONLY);
	}
	if (rate_seconds) {
		print_stats_rates(fd, object);
		return 0;
	}
	for (n = 1;; n++) {
		if (watch_seconds && !json_out) {
			time_t now = time(NULL);

			printf("time %lld\n", (long long)now);
		}
		print_stats(fd, object);
		if (!watch_seconds || (watch_count && n >= watch_count))
			break;
		sleep(watch_seconds);
	}
	return 0;
}

/* --- sync, setsize, haspage, getpages, map --- */

static struct vpm_sync sync_req;

static int take_sync(int c, const char *arg)
{
	switch (c) {
	case 'o':
		sync_req.offset = parse_size("offset", arg);
		return 0;
	case 'l':
		sync_req.length = parse_size("length", arg);
		return 0;
	case 'a':
		sync_req.flags |= VPM_SYNC_ASYNC;
		return 0;
	case 'i':
		sync_req.flags |= VPM_SYNC_INVAL;
		return 0;
	case 'f':
		sync_req.flags |= VPM_SYNC_FREE;
		return 0;
	case 'n':
		sync_req.flags |= VPM_SYNC_DONTNEED;
		return 0;
	case 'd':
		sync_req.flags |= VPM_SYNC_DESTROY;
		return 0;
	default:
		return -1;
	}
}

static int cmd_sync(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "offset", required_argument, NULL, 'o' },
		{ "length", required_argument, NULL, 'l' },
		{ "async", no_argument, NULL, 'a' },
		{ "invalidate", no_argument, NULL, 'i' },
		{ "free", no_argument, NULL, 'f' },
		{ "dontneed", no_argument, NULL, 'n' },
		{ "destroy", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int first = parse_options(argc, argv, opts, take_sync);
	char path[32];
	int fd;

	need_operands(argc, first, 1);
	/*
	 * Dropping pages of a writable object takes a descriptor open for
	 * writing; a read-only object cannot be opened so, nor needs it.
	 */
	if (sync_req.flags & (VPM_SYNC_INVAL | VPM_SYNC_FREE | VPM_SYNC_DESTROY)) {
		snprintf(path, sizeof(path), "/dev/vpm%u", parse_object(argv[first]));
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0 && errno == EROFS)
			fd = open_object(argv[first], O_RDONLY, path, sizeof(path));
		else if (fd < 0)
			die(path, errno);
	} else {
		fd = open_object(argv[first], O_RDONLY, path, sizeof(path));
	}
	if (ioctl(fd, VPM_IOC_SYNC, &sync_req) < 0)
		die(path, errno);
	return 0;
}

static int cmd_setsize(int argc, char **argv)
{
	int first = parse_options(argc, argv, help_only, NULL);
	struct vpm_setsize req;
	char path[32];
	int fd;

	need_operands(argc, first, 2);
	memset(&req, 0, sizeof(req));
	req.size = parse_size("size", argv[first + 1]);
	fd = open_object(argv[first], O_RDWR, path, sizeof(path));
	if (ioctl(fd, VPM_IOC_SETSIZE, &req) < 0)
		die(path, errno);
	return 0;
}

static int cmd_haspage(int argc, char **argv)
{
	int first = parse_options(argc, argv, help_only, NULL);
	struct vpm_haspage req;
	char path[32];
	int fd;

	need_operands(argc, first, 2);
	memset(&req, 0, sizeof(req));
	req.offset = parse_size("offset", argv[first + 1]);
	fd = open_object(argv[first], O_RDONLY, path, sizeof(path));
	if (ioctl(fd, VPM_IOC_HASPAGE, &req) < 0)
		die(path, errno);
	if (req.present)
		printf("present before=%u after=%u\n", req.before, req.after);
	else
		printf("absent\n");
	return 0;
}

static unsigned int getpages_behind;

static int take_getpages(int c, const char *arg)
{
	if (c != 'b')
		return -1;
	getpages_behind = parse_size("behind", arg);
	return 0;
}

static int cmd_getpages(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "behind", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int first = parse_options(argc, argv, opts, take_getpages);
	struct vpm_getpages req;
	uint64_t count;
	char path[32];
	int fd;

	need_operands(argc, first, 3);
	memset(&req, 0, sizeof(req));
	req.offset = parse_size("offset", argv[first + 1]);
	count = parse_size("count", argv[first + 2]);
	if (!count || count > VPM_GETPAGES_MAX + 1U ||
	    getpages_behind >= count)
		usage_error("COUNT must be 1..%d and more than --behind",
			    VPM_GETPAGES_MAX + 1);
	req.behind = getpages_behind;
	req.ahead = count - 1 - getpages_behind;
	fd = open_object(argv[first], O_RDONLY, path, sizeof(path));
	if (ioctl(fd, VPM_IOC_GETPAGES, &req) < 0)
		die(path, errno);
	printf("pages=%u bios=%u\n", req.pages, req.bios);
	return 0;
}

static int map_create;

static int take_map(int c, const char *arg)
{
	(void)arg;
	if (c == 'c')
		map_create = 1;
	else if (c == 'j')
		json_out = 1;
	else
		return -1;
	return 0;
}

static int cmd_map(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "create", no_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int first = parse_options(argc, argv, opts, take_map);
	struct vpm_mapinfo req;
	char path[32];
	unsigned int i;
	int fd;

	need_operands(argc, first, 3);
	memset(&req, 0, sizeof(req));
	req.offset = parse_size("offset", argv[first + 1]);
	req.length = parse_size("length", argv[first + 2]);
	req.flags = map_create ? VPM_MAPINFO_CREATE : 0;
	fd = open_object(argv[first], O_RDONLY, path, sizeof(path));
	if (ioctl(fd, VPM_IOC_MAPINFO, &req) < 0)
		die(path, errno);
	if (json_out)
		printf("{\"output_version\":%d,\"pages\":[", JSON_VERSION);
	for (i = 0; i < req.npages; i++) {
		const struct vpm_mapinfo_page *p = &req.pages[i];
		unsigned long long off = (req.offset & ~4095ULL) + i * 4096ULL;

		if (json_out) {
			printf("%s{\"offset\":%llu,\"pfn\":%llu", i ? "," : "",
			       off, (unsigned long long)p->pfn);
			printf(",\"cached\":%s,\"hit\":%s,\"new\":%s}",
			       p->flags & VPM_MAP_CACHED ? "true" : "false",
			       p->flags & VPM_MAP_HIT ? "true" : "false",
			       p->flags & VPM_MAP_NEW ? "true" : "false");
			continue;
		}
		printf("%llu pfn=0x%llx %s %s%s\n", off,
		       (unsigned long long)p->pfn,
		       p->flags & VPM_MAP_CACHED ? "cached" : "uncached",
		       p->flags & VPM_MAP_HIT ? "hit" : "miss",
		       p->flags & VPM_MAP_NEW ? " new" : "");
	}
	if (json_out)
		printf("]}\n");
	return 0;
}

static const struct command commands[] = {
	{ "attach", "[--read-only] PATH",
	  "Attach a block device or a regular file; print its /dev/vpmN.",
	  "  -r, --read-only  never write the backing store\n", cmd_attach },
	{ "detach", "[--force] DEV | --all",
	  "Write an object back and remove it (or every object).",
	  "  -a, --all    detach every object\n"
	  "  -f, --force  remove it even if dirty pages cannot be written:\n"
	  "               drop them, print the bytes lost\n", cmd_detach },
	{ "list", "[--json]",
	  "List the objects: backing store, size, path, pages cached, hits, misses.",
	  "  -j, --json  one JSON document\n", cmd_list },
	{ "stats",
	  "[DEV] [--json] [--watch SECONDS | --interval SECONDS] [--count N]",
	  "Print the cache, freelist and pager counters, or one object's.",
	  "  -j, --json              one JSON document per sample (per line)\n"
	  "  -w, --watch SECONDS     print the totals again every SECONDS\n"
	  "  -i, --interval SECONDS  print rates per second instead, one line\n"
	  "                          every SECONDS: cache hits, misses, steals,\n"
	  "                          pager read and write bios, pages in and\n"
	  "                          out, MB/s in and out (MB = 2^20 bytes)\n"
	  "  -c, --count N           stop after N samples (or lines)\n",
	  cmd_stats },
	{ "sync", "DEV [--offset O] [--length L] [FLAGS]",
	  "Write back (and wait, and flush) a range, or free or drop its pages.",
	  "  -o, --offset O   first byte (default 0)\n"
	  "  -l, --length L   bytes (default 0: to the end)\n"
	  "  -a, --async      start writeback, do not wait\n"
	  "  -i, --invalidate then drop the pages\n"
	  "  -f, --free       then free the clean pages\n"
	  "  -n, --dontneed   then release their vpm cache entries\n"
	  "  -d, --destroy    drop the pages without writing them\n",
	  cmd_sync },
	{ "setsize", "DEV SIZE",
	  "Change the size of an object over a regular file.", NULL,
	  cmd_setsize },
	{ "haspage", "DEV OFFSET",
	  "Say whether the backing store holds a page, and its neighbours on disk.",
	  NULL, cmd_haspage },
	{ "getpages", "DEV OFFSET COUNT [--behind N]",
	  "Page in COUNT pages around OFFSET; print the pages read and bios used.",
	  "  -b, --behind N  of the COUNT pages, N before OFFSET (default 0)\n",
	  cmd_getpages },
	{ "map", "DEV OFFSET LENGTH [--create] [--json]",
	  "Map a range through the vpm cache; print each page's pfn, hit or miss.",
	  "  -c, --create  create missing pages instead of reading them\n"
	  "  -j, --json    one JSON document\n", cmd_map },
	{ "version", "", "Print the versions of vpmctl and of the loaded module.",
	  NULL, cmd_version },
};

static void print_help(FILE *out)
{
	size_t i;

	fprintf(out, "Usage: vpmctl COMMAND [OPTIONS] [ARGS]\n\n"
		"Control vpm, the vpmap cache and block-backed pager.\n\n"
		"Commands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out, "\nSizes take K, M, G, T suffixes (powers of 1024).\n"
		"'vpmctl COMMAND --help' describes one command.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		print_help(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		print_help(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version"))
		argv[1] = "version";
	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		if (!strcmp(argv[1], commands[i].name)) {
			current = &commands[i];
			return current->run(argc - 1, argv + 1);
		}
	}
	usage_error("unknown command '%s'", argv[1]);
	return 1;
}
