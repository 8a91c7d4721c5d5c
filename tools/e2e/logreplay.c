// SPDX-License-Identifier: GPL-2.0
/*
 * logreplay - list and replay a dm-log-writes log (crash-consistency checks).
 *
 *   logreplay --log DEV --list-marks    one "ENTRY NAME" line per mark
 *   logreplay --log DEV --list          one line per entry: index, sector,
 *                                       sectors, flags (and a mark's name)
 *   logreplay --log DEV --replay DEV [--start-entry N | --start-mark NAME]
 *             [--end-mark NAME | --end-entry N] [--discard zero|skip]
 *
 * The replay writes the logged entries, in log order, onto the replay
 * device, which must hold what the logged device held when the log-writes
 * target was created (it logs every write from then on).  It starts at
 * entry 0, or after --start-mark (or at --start-entry) to continue an
 * earlier replay, and stops after the entry --end-mark names (its first
 * occurrence) or entry --end-entry, else at the end of the log.  A
 * discard is replayed as zeros (BLKZEROOUT, or written zeros), or skipped
 * with --discard skip.  The replay device is fsync()ed at the end.
 * The entries' data is read and written with O_DIRECT where the devices
 * take it (an I/O they refuse as unaligned goes through the page cache):
 * through the page cache every byte was copied four times, which made a
 * replay of 22 MiB take 6.5 s on the KASAN kernel under TCG.
 *
 * The log (Documentation/admin-guide/device-mapper/log-writes.rst): a
 * super block in the first sector, then per entry one sector of header
 * (a mark's name follows the header in that sector) and, unless it is a
 * discard, the entry's data; all little endian, in units of the logged
 * device's logical block size, which the super block records.  Writes
 * are logged at the flush that made them durable, so a replay up to a
 * mark is the device as a power cut at that mark would leave it.
 *
 * Prints "replayed N entries: W writes (B bytes), D discards, F flushes,
 * M marks; next entry E" and exits 0, or 1 with a message on an error.
 */

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/fs.h>

#include "tools.h"

#define LW_MAGIC	0x6a736677736872ULL
#define LW_VERSION	1
#define LW_FLUSH	0x01
#define LW_FUA		0x02
#define LW_DISCARD	0x04
#define LW_MARK		0x08
#define LW_METADATA	0x10
#define LW_HDR_BYTES	32	/* sector, nr_sectors, flags, data_len */
#define CHUNK		(1024 * 1024)

/* A device opened twice: through the page cache and, if it can be, not. */
struct dev_fds {
	int fd;
	int dfd;		/* O_DIRECT, or -1 */
	const char *path;
};

struct lw_log {
	struct dev_fds dev;
	uint64_t size;		/* bytes of the log device */
	uint64_t nr_entries;
	uint32_t sectorsize;
	uint64_t pos;		/* byte offset of the next entry's header */
	uint64_t index;		/* its number */
	uint8_t *hdr;		/* one sector */
};

struct lw_entry {
	uint64_t sector;
	uint64_t nr_sectors;
	uint64_t flags;
	uint64_t data_len;
	uint64_t data_pos;	/* byte offset of the data in the log */
	const char *mark;	/* a mark's name, in the log's header buffer */
};

/* CHUNK bytes aligned for O_DIRECT: to a page, more than any block size. */
static uint8_t *buf;

static void die(const char *fmt, const char *arg)
{
	fprintf(stderr, "logreplay: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

static void die_errno(const char *what, const char *arg)
{
	fprintf(stderr, "logreplay: %s %s: %s\n", what, arg, strerror(errno));
	exit(1);
}

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

static uint32_t get_le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static uint64_t dev_size(int fd, const char *path)
{
	struct stat st;
	uint64_t bytes;

	if (fstat(fd, &st))
		die_errno("stat", path);
	if (!S_ISBLK(st.st_mode))
		return st.st_size;
	if (ioctl(fd, BLKGETSIZE64, &bytes))
		die_errno("BLKGETSIZE64", path);
	return bytes;
}

static void read_exact(int fd, const char *path, void *p, size_t len,
		       uint64_t off)
{
	ssize_t r = pread(fd, p, len, off);

	if (r < 0)
		die_errno("read", path);
	if ((size_t)r != len)
		die("%s: short read (log truncated?)", path);
}

static void write_exact(int fd, const char *path, const void *p, size_t len,
			uint64_t off)
{
	ssize_t r = pwrite(fd, p, len, off);

	if (r < 0)
		die_errno("write", path);
	if ((size_t)r != len)
		die("%s: short write", path);
}

static void dev_open(struct dev_fds *d, const char *path, int flags)
{
	d->path = path;
	d->fd = open(path, flags | O_CLOEXEC);
	if (d->fd < 0)
		die_errno("open", path);
	d->dfd = open(path, flags | O_CLOEXEC | O_DIRECT);
}

static void dev_close(struct dev_fds *d)
{
	if (d->dfd >= 0)
		close(d->dfd);
	close(d->fd);
}

/*
 * O_DIRECT first; EINVAL (an offset, a length or a device it does not
 * suit) sends the I/O through the page cache, which the kernel keeps
 * coherent with the direct I/O around it.
 */
static void dev_read(struct dev_fds *d, void *p, size_t len, uint64_t off)
{
	if (d->dfd >= 0) {
		ssize_t r = pread(d->dfd, p, len, off);

		if (r == (ssize_t)len)
			return;
		if (r >= 0)
			die("%s: short read (log truncated?)", d->path);
		if (errno != EINVAL)
			die_errno("read", d->path);
	}
	read_exact(d->fd, d->path, p, len, off);
}

static void dev_write(struct dev_fds *d, const void *p, size_t len,
		      uint64_t off)
{
	if (d->dfd >= 0) {
		ssize_t r = pwrite(d->dfd, p, len, off);

		if (r == (ssize_t)len)
			return;
		if (r >= 0)
			die("%s: short write", d->path);
		if (errno != EINVAL)
			die_errno("write", d->path);
	}
	write_exact(d->fd, d->path, p, len, off);
}

static void log_open(struct lw_log *log, const char *path)
{
	uint8_t super[512];
	uint64_t magic, version;

	dev_open(&log->dev, path, O_RDONLY);
	log->size = dev_size(log->dev.fd, path);
	read_exact(log->dev.fd, path, super, sizeof(super), 0);
	magic = get_le64(super);
	version = get_le64(super + 8);
	log->nr_entries = get_le64(super + 16);
	log->sectorsize = get_le32(super + 24);
	if (magic != LW_MAGIC)
		die("%s: not a dm-log-writes log (bad magic)", path);
	if (version != LW_VERSION)
		die("%s: unknown log version", path);
	if (log->sectorsize < 512 || log->sectorsize > 65536 ||
	    (log->sectorsize & (log->sectorsize - 1)))
		die("%s: bad sector size in the super block", path);
	log->hdr = malloc(log->sectorsize + 1);
	if (!log->hdr)
		die_errno("malloc", path);
	log->pos = log->sectorsize;
	log->index = 0;
}

/* Read the next entry's header; false at the end of the log. */
static int log_next(struct lw_log *log, struct lw_entry *e)
{
	uint64_t len;

	if (log->index >= log->nr_entries)
		return 0;
	if (log->pos + log->sectorsize > log->size)
		die("%s: entry beyond the end of the log device", log->dev.path);
	read_exact(log->dev.fd, log->dev.path, log->hdr, log->sectorsize, log->pos);
	e->sector = get_le64(log->hdr);
	e->nr_sectors = get_le64(log->hdr + 8);
	e->flags = get_le64(log->hdr + 16);
	e->data_len = get_le64(log->hdr + 24);
	e->data_pos = log->pos + log->sectorsize;
	e->mark = "";
	if (e->flags & LW_MARK) {
		len = e->data_len;
		if (len > log->sectorsize - LW_HDR_BYTES)
			die("%s: mark name longer than its sector", log->dev.path);
		log->hdr[LW_HDR_BYTES + len] = '\0';
		e->mark = (const char *)log->hdr + LW_HDR_BYTES;
	} else if (e->data_len) {
		die("%s: entry with inline data (not written by this kernel)",
		    log->dev.path);
	}
	if (e->nr_sectors > (log->size - e->data_pos) / log->sectorsize &&
	    !(e->flags & LW_DISCARD))
		die("%s: entry data beyond the end of the log device",
		    log->dev.path);
	log->pos = e->data_pos;
	if (!(e->flags & LW_DISCARD))
		log->pos += e->nr_sectors * log->sectorsize;
	log->index++;
	return 1;
}

static const char *flag_names(uint64_t flags)
{
	static const char * const names[] = { "flush", "fua", "discard",
					      "mark", "metadata" };
	static char s[64];
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (flags & (1ULL << i))
			n += snprintf(s + n, sizeof(s) - n, "%s%s",
				      n ? "," : "", names[i]);
	if (!n)
		snprintf(s, sizeof(s), "write");
	return s;
}

static int cmd_list(struct lw_log *log, int marks_only)
{
	struct lw_entry e;

	while (log_next(log, &e)) {
		uint64_t i = log->index - 1;

		if (marks_only) {
			if (e.flags & LW_MARK)
				printf("%llu %s\n", (unsigned long long)i,
				       e.mark);
			continue;
		}
		printf("%llu %llu %llu %s%s%s\n", (unsigned long long)i,
		       (unsigned long long)e.sector,
		       (unsigned long long)e.nr_sectors, flag_names(e.flags),
		       e.mark[0] ? " " : "", e.mark);
	}
	return 0;
}

/* Zero [off, off + len) of the replay device. */
static void zero_range(struct dev_fds *d, uint64_t off, uint64_t len)
{
	uint64_t range[2] = { off, len };
	uint64_t done;

	if (!ioctl(d->fd, BLKZEROOUT, range))
		return;
	memset(buf, 0, CHUNK);
	for (done = 0; done < len; done += CHUNK) {
		size_t n = len - done < CHUNK ? len - done : CHUNK;

		dev_write(d, buf, n, off + done);
	}
}

static void copy_data(struct lw_log *log, const struct lw_entry *e,
		      struct dev_fds *d)
{
	uint64_t len = e->nr_sectors * log->sectorsize;
	uint64_t off = e->sector * log->sectorsize;
	uint64_t done;

	for (done = 0; done < len; done += CHUNK) {
		size_t n = len - done < CHUNK ? len - done : CHUNK;

		dev_read(&log->dev, buf, n, e->data_pos + done);
		dev_write(d, buf, n, off + done);
	}
}

struct replay_opts {
	const char *dev;
	const char *start_mark;
	const char *end_mark;
	int64_t start_entry;
	int64_t end_entry;
	int skip_discards;
};

/* Before writing anything: are the marks and entries named in the log? */
static void check_ends(struct lw_log *log, const struct replay_opts *o)
{
	uint64_t pos = log->pos, index = log->index;
	int start = !o->start_mark, end = !o->end_mark;
	struct lw_entry e;

	while (log_next(log, &e)) {
		if (!(e.flags & LW_MARK))
			continue;
		if (!start && !strcmp(e.mark, o->start_mark))
			start = 1;
		else if (start && !end && !strcmp(e.mark, o->end_mark))
			end = 1;
	}
	if (!start)
		die("start mark '%s' not in the log", o->start_mark);
	if (!end)
		die("end mark '%s' not in the log (after the start)",
		    o->end_mark);
	if (o->end_entry >= 0 && (uint64_t)o->end_entry >= log->nr_entries)
		die("%s: the end entry is beyond the end of the log",
		    log->dev.path);
	log->pos = pos;
	log->index = index;
}

static int cmd_replay(struct lw_log *log, const struct replay_opts *o)
{
	uint64_t writes = 0, bytes = 0, discards = 0, flushes = 0, marks = 0;
	uint64_t n = 0, size;
	struct lw_entry e;
	struct dev_fds d;
	int started = !o->start_mark, done = 0;

	check_ends(log, o);
	dev_open(&d, o->dev, O_RDWR);
	size = dev_size(d.fd, o->dev);
	while (!done && log_next(log, &e)) {
		uint64_t i = log->index - 1;
		uint64_t end = (e.sector + e.nr_sectors) * log->sectorsize;

		if (!started) {
			if ((e.flags & LW_MARK) && !strcmp(e.mark, o->start_mark))
				started = 1;
			continue;
		}
		if (o->start_entry >= 0 && i < (uint64_t)o->start_entry)
			continue;
		if ((o->end_mark && (e.flags & LW_MARK) &&
		     !strcmp(e.mark, o->end_mark)) ||
		    (o->end_entry >= 0 && i >= (uint64_t)o->end_entry))
			done = 1;
		n++;
		if (e.flags & LW_MARK)
			marks++;
		if (e.flags & LW_FLUSH)
			flushes++;
		if (!e.nr_sectors)
			continue;
		if (end > size)
			die("%s: entry beyond the end of the replay device",
			    o->dev);
		if (e.flags & LW_DISCARD) {
			discards++;
			if (!o->skip_discards)
				zero_range(&d,
					   e.sector * log->sectorsize,
					   e.nr_sectors * log->sectorsize);
			continue;
		}
		copy_data(log, &e, &d);
		writes++;
		bytes += e.nr_sectors * log->sectorsize;
	}
	if (fsync(d.fd))
		die_errno("fsync", o->dev);
	dev_close(&d);
	printf("replayed %llu entries: %llu writes (%llu bytes), ",
	       (unsigned long long)n, (unsigned long long)writes,
	       (unsigned long long)bytes);
	printf("%llu discards, %llu flushes, %llu marks; next entry %llu\n",
	       (unsigned long long)discards, (unsigned long long)flushes,
	       (unsigned long long)marks, (unsigned long long)log->index);
	return 0;
}

static void bad_usage(void)
{
	fprintf(stderr,
		"usage: logreplay --log DEV --list-marks | --list\n"
		"       logreplay --log DEV --replay DEV [--start-entry N | --start-mark NAME]\n"
		"                 [--end-mark NAME | --end-entry N] [--discard zero|skip]\n");
	exit(2);
}

static int64_t entry_number(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno || *end || v < 0)
		die("bad entry number '%s'", s);
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "replay", required_argument, NULL, 'r' },
		{ "list-marks", no_argument, NULL, 'm' },
		{ "list", no_argument, NULL, 'L' },
		{ "start-mark", required_argument, NULL, 's' },
		{ "start-entry", required_argument, NULL, 'S' },
		{ "end-mark", required_argument, NULL, 'e' },
		{ "end-entry", required_argument, NULL, 'E' },
		{ "discard", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct replay_opts o = { .start_entry = -1, .end_entry = -1 };
	const char *logdev = NULL;
	int list = 0, marks = 0, c;
	struct lw_log log;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			logdev = optarg;
			break;
		case 'r':
			o.dev = optarg;
			break;
		case 'm':
			marks = 1;
			break;
		case 'L':
			list = 1;
			break;
		case 's':
			o.start_mark = optarg;
			break;
		case 'S':
			o.start_entry = entry_number(optarg);
			break;
		case 'e':
			o.end_mark = optarg;
			break;
		case 'E':
			o.end_entry = entry_number(optarg);
			break;
		case 'd':
			if (!strcmp(optarg, "skip"))
				o.skip_discards = 1;
			else if (strcmp(optarg, "zero"))
				bad_usage();
			break;
		default:
			bad_usage();
		}
	}
	if (optind != argc || !logdev || (list + marks + !!o.dev) != 1 ||
	    (o.start_mark && o.start_entry >= 0) ||
	    (o.end_mark && o.end_entry >= 0))
		bad_usage();
	buf = aligned_alloc(4096, CHUNK);
	if (!buf)
		die("%s", "out of memory");
	log_open(&log, logdev);
	if (list || marks)
		return cmd_list(&log, marks);
	return cmd_replay(&log, &o);
}
