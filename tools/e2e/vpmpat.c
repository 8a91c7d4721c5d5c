// SPDX-License-Identifier: GPL-2.0
/*
 * vpmpat - deterministic data patterns for the vpm end-to-end checks.
 *
 *   vpmpat gen SEED LENGTH              pattern to stdout (host images)
 *   vpmpat fill FILE SEED OFFSET LENGTH [nosync|fdatasync|osync|odsync]
 *                                       write the pattern at OFFSET, fsync
 *                                       (or fdatasync, or none; or open
 *                                       with O_SYNC or O_DSYNC, no fsync)
 *   vpmpat sync FILE [fsync|fdatasync]  only fsync (fdatasync) the file
 *   vpmpat check FILE SEED OFFSET LENGTH compare FILE with the pattern
 *   vpmpat randwrite FILE SEED N MAXLEN [fsync|nosync [OFFSET LENGTH]]
 *                                       N pwrite()s of 1..MAXLEN bytes at
 *                                       random offsets (of the region),
 *                                       fsync at the end if asked
 *   vpmpat verify FILE BASE SEED N MAXLEN [OFFSET LENGTH]
 *                                       the file (region) must be BASE with
 *                                       the writes of "randwrite SEED N
 *                                       MAXLEN" on top; BASE is a pattern
 *                                       seed, or a file (starting with /)
 *                                       holding the region's old bytes
 *   vpmpat sectors FILE OLD NEW OFFSET LENGTH
 *                                       each 512-byte sector of the region
 *                                       must hold its bytes of OLD or of
 *                                       NEW, not garbage; each is a pattern
 *                                       seed or a file, as BASE is
 *
 * The pattern byte at offset O for seed S depends on both, so a block
 * written to the wrong place is caught.  check and verify print "ok BYTES"
 * or "mismatch BYTES first OFFSET" and exit 1 on a mismatch.  The same
 * binary runs in the guest and on the host.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools.h"

#define CHUNK	(1024 * 1024)

static void fail(const char *what, const char *arg)
{
	fprintf(stderr, "vpmpat: %s %s: %s\n", what, arg, strerror(errno));
	exit(2);
}

static uint64_t num(const char *s)
{
	return strtoull(s, NULL, 0);
}

static int open_file(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		fail("open", path);
	return fd;
}

static uint64_t file_size(int fd, const char *path)
{
	off_t end = lseek(fd, 0, SEEK_END);

	if (end < 0)
		fail("lseek", path);
	return end;
}

/* One write of randwrite: where, how long, with which seed. */
struct rw {
	uint64_t off;
	size_t len;
	uint64_t seed;
};

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* The i-th write of a run over [@base, @base + @size). */
static struct rw nth_write(uint64_t base, uint64_t size, uint64_t seed,
			   unsigned int i, size_t maxlen)
{
	struct rw w;

	w.len = 1 + rng() % maxlen;
	if (w.len > size)
		w.len = size;
	w.off = base + rng() % (size - w.len + 1);
	w.seed = seed * 1000003 + i + 1;
	return w;
}

static int cmd_gen(uint64_t seed, uint64_t len)
{
	static uint8_t buf[CHUNK];
	uint64_t off;

	for (off = 0; off < len; off += CHUNK) {
		size_t n = len - off < CHUNK ? len - off : CHUNK;

		vpm_pattern(seed, off, buf, n);
		if (fwrite(buf, 1, n, stdout) != n)
			fail("write", "stdout");
	}
	return 0;
}

/* How fill makes its writes durable. */
enum fill_sync { FILL_FSYNC, FILL_NOSYNC, FILL_FDATASYNC, FILL_OSYNC,
		 FILL_ODSYNC };

static int fill_mode(const char *s)
{
	static const char * const names[] = { "fsync", "nosync", "fdatasync",
					      "osync", "odsync" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

static int cmd_fill(const char *path, uint64_t seed, uint64_t off,
		    uint64_t len, int sync)
{
	static uint8_t buf[CHUNK];
	int fd = open_file(path, O_WRONLY | (sync == FILL_OSYNC ? O_SYNC : 0) |
			   (sync == FILL_ODSYNC ? O_DSYNC : 0));
	uint64_t done;

	for (done = 0; done < len; done += CHUNK) {
		size_t n = len - done < CHUNK ? len - done : CHUNK;

		vpm_pattern(seed, off + done, buf, n);
		if (pwrite(fd, buf, n, off + done) != (ssize_t)n)
			fail("pwrite", path);
	}
	if (sync == FILL_FSYNC && fsync(fd))
		fail("fsync", path);
	if (sync == FILL_FDATASYNC && fdatasync(fd))
		fail("fdatasync", path);
	close(fd);
	return 0;
}

static int cmd_sync(const char *path, int data)
{
	int fd = open_file(path, O_WRONLY);

	if (data ? fdatasync(fd) : fsync(fd))
		fail(data ? "fdatasync" : "fsync", path);
	close(fd);
	return 0;
}

/* Compare [off, off + len) of @fd with @expect (NULL: pattern @seed). */
static int compare(const char *path, int fd, uint64_t seed, uint64_t off,
		   uint64_t len, const uint8_t *expect)
{
	static uint8_t got[CHUNK], want[CHUNK];
	uint64_t done, bad = 0, first = 0;

	for (done = 0; done < len; done += CHUNK) {
		size_t n = len - done < CHUNK ? len - done : CHUNK;
		ssize_t r = pread(fd, got, n, off + done);
		size_t i;

		if (r != (ssize_t)n) {
			if (r >= 0)
				errno = EIO;
			fail("pread", path);
		}
		if (expect)
			memcpy(want, expect + off + done, n);
		else
			vpm_pattern(seed, off + done, want, n);
		if (!memcmp(got, want, n))
			continue;
		for (i = 0; i < n; i++) {
			if (got[i] == want[i])
				continue;
			if (!bad++)
				first = off + done + i;
		}
	}
	if (bad) {
		printf("mismatch %llu first %llu\n", (unsigned long long)bad,
		       (unsigned long long)first);
		return 1;
	}
	printf("ok %llu\n", (unsigned long long)len);
	return 0;
}

static int cmd_check(const char *path, uint64_t seed, uint64_t off,
		     uint64_t len)
{
	int fd = open_file(path, O_RDONLY);

	return compare(path, fd, seed, off, len, NULL);
}

static int cmd_randwrite(const char *path, uint64_t seed, unsigned int n,
			 size_t maxlen, int sync, uint64_t base, uint64_t size)
{
	int fd = open_file(path, O_RDWR);
	uint8_t *buf = malloc(maxlen);
	unsigned int i;

	if (!size)
		size = file_size(fd, path) - base;
	if (!buf)
		fail("malloc", path);
	rng_state = seed | 1;
	for (i = 0; i < n; i++) {
		struct rw w = nth_write(base, size, seed, i, maxlen);

		vpm_pattern(w.seed, w.off, buf, w.len);
		if (pwrite(fd, buf, w.len, w.off) != (ssize_t)w.len)
			fail("pwrite", path);
	}
	if (sync && fsync(fd))
		fail("fsync", path);
	close(fd);
	free(buf);
	printf("wrote %u\n", n);
	return 0;
}

/* The old bytes of a region: pattern @base, or the file named @base. */
static void load_base(const char *base, uint8_t *buf, uint64_t off,
		      uint64_t len)
{
	int fd;

	if (*base != '/') {
		vpm_pattern(num(base), off, buf, len);
		return;
	}
	fd = open_file(base, O_RDONLY);
	if (pread(fd, buf, len, 0) != (ssize_t)len)
		fail("pread", base);
	close(fd);
}

static int cmd_verify(const char *path, const char *base, uint64_t seed,
		      unsigned int n, size_t maxlen, uint64_t off,
		      uint64_t size)
{
	int fd = open_file(path, O_RDONLY);
	uint8_t *expect;
	unsigned int i;

	if (!size)
		size = file_size(fd, path) - off;
	expect = malloc(size);
	if (!expect)
		fail("malloc", path);
	load_base(base, expect, off, size);
	rng_state = seed | 1;
	for (i = 0; i < n; i++) {
		struct rw w = nth_write(off, size, seed, i, maxlen);

		vpm_pattern(w.seed, w.off, expect + (w.off - off), w.len);
	}
	return compare(path, fd, 0, off, size, expect - off);
}

static int cmd_sectors(const char *path, const char *old, const char *now,
		       uint64_t off, uint64_t len)
{
	int fd = open_file(path, O_RDONLY);
	uint8_t *got = malloc(len), *was = malloc(len), *new = malloc(len);
	uint64_t s, nnew = 0, nold = 0, garbage = 0;

	if (!got || !was || !new)
		fail("malloc", path);
	if (pread(fd, got, len, off) != (ssize_t)len)
		fail("pread", path);
	load_base(old, was, off, len);
	load_base(now, new, off, len);
	for (s = 0; s < len; s += 512) {
		size_t n = len - s < 512 ? len - s : 512;

		if (!memcmp(got + s, new + s, n))
			nnew++;
		else if (!memcmp(got + s, was + s, n))
			nold++;
		else
			garbage++;
	}
	printf("new %llu old %llu garbage %llu\n", (unsigned long long)nnew,
	       (unsigned long long)nold, (unsigned long long)garbage);
	return garbage ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (argc == 4 && !strcmp(cmd, "gen"))
		return cmd_gen(num(argv[2]), num(argv[3]));
	if (argc == 6 && !strcmp(cmd, "fill"))
		return cmd_fill(argv[2], num(argv[3]), num(argv[4]),
				num(argv[5]), FILL_FSYNC);
	if (argc == 7 && !strcmp(cmd, "fill") && fill_mode(argv[6]) >= 0)
		return cmd_fill(argv[2], num(argv[3]), num(argv[4]),
				num(argv[5]), fill_mode(argv[6]));
	if (argc == 3 && !strcmp(cmd, "sync"))
		return cmd_sync(argv[2], 0);
	if (argc == 4 && !strcmp(cmd, "sync") &&
	    (!strcmp(argv[3], "fsync") || !strcmp(argv[3], "fdatasync")))
		return cmd_sync(argv[2], !strcmp(argv[3], "fdatasync"));
	if (argc == 6 && !strcmp(cmd, "check"))
		return cmd_check(argv[2], num(argv[3]), num(argv[4]),
				 num(argv[5]));
	if ((argc == 6 || argc == 7 || argc == 9) && !strcmp(cmd, "randwrite"))
		return cmd_randwrite(argv[2], num(argv[3]), num(argv[4]),
				     num(argv[5]),
				     argc > 6 && !strcmp(argv[6], "fsync"),
				     argc == 9 ? num(argv[7]) : 0,
				     argc == 9 ? num(argv[8]) : 0);
	if ((argc == 7 || argc == 9) && !strcmp(cmd, "verify"))
		return cmd_verify(argv[2], argv[3], num(argv[4]), num(argv[5]),
				  num(argv[6]), argc == 9 ? num(argv[7]) : 0,
				  argc == 9 ? num(argv[8]) : 0);
	if (argc == 7 && !strcmp(cmd, "sectors"))
		return cmd_sectors(argv[2], argv[3], argv[4], num(argv[5]),
				   num(argv[6]));
	fprintf(stderr, "usage: vpmpat gen|fill|sync|check|randwrite|verify|sectors ...\n");
	return 2;
}
