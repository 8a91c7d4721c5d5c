// SPDX-License-Identifier: GPL-2.0
/*
 * vpmbench - timed sequential I/O for the vpm benchmarks (bench helper).
 *
 *   vpmbench read FILE BUFSIZE TOTAL [direct]
 *	read TOTAL bytes from offset 0 with BUFSIZE reads (wrapping at the
 *	end of FILE), with O_DIRECT if asked
 *   vpmbench write FILE BUFSIZE TOTAL
 *	write TOTAL bytes from offset 0, then fsync
 *   vpmbench interleave FILEA FILEB BLOCKS
 *	append 4 KiB to A, fsync, 4 KiB to B, fsync, BLOCKS times: the two
 *	files end up in many extents
 *
 * read and write print "mbps VALUE seconds VALUE"; sizes take K and M.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static unsigned long long size_arg(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	if (*end == 'K' || *end == 'k')
		v <<= 10;
	else if (*end == 'M' || *end == 'm')
		v <<= 20;
	return v;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fail(const char *what, const char *path)
{
	fprintf(stderr, "vpmbench: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

static int run(const char *path, size_t bs, unsigned long long total,
	       int write, int direct)
{
	int fd = open(path, (write ? O_RDWR : O_RDONLY) |
		      (direct ? O_DIRECT : 0) | O_CLOEXEC);
	unsigned long long done = 0;
	off_t end, pos = 0;
	double t;
	void *buf;

	if (fd < 0)
		fail("open", path);
	if (posix_memalign(&buf, 4096, bs))
		fail("malloc", path);
	memset(buf, 0x5a, bs);
	end = lseek(fd, 0, SEEK_END);
	t = now();
	while (done < total) {
		ssize_t n;

		if (pos + (off_t)bs > end)
			pos = 0;
		n = write ? pwrite(fd, buf, bs, pos) : pread(fd, buf, bs, pos);
		if (n <= 0)
			fail(write ? "pwrite" : "pread", path);
		pos += n;
		done += n;
	}
	if (write && fsync(fd))
		fail("fsync", path);
	t = now() - t;
	printf("mbps %.1f seconds %.3f\n", done / t / 1048576, t);
	close(fd);
	free(buf);
	return 0;
}

static int interleave(const char *a, const char *b, unsigned int blocks)
{
	int fa = open(a, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int fb = open(b, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	char buf[4096];
	unsigned int i;

	if (fa < 0 || fb < 0)
		fail("open", a);
	for (i = 0; i < blocks; i++) {
		memset(buf, i, sizeof(buf));
		if (write(fa, buf, sizeof(buf)) != sizeof(buf) || fsync(fa) ||
		    write(fb, buf, sizeof(buf)) != sizeof(buf) || fsync(fb))
			fail("write", a);
	}
	close(fa);
	close(fb);
	return 0;
}

int main(int argc, char **argv)
{
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "read"))
		return run(argv[2], size_arg(argv[3]), size_arg(argv[4]), 0,
			   argc == 6);
	if (argc == 5 && !strcmp(argv[1], "write"))
		return run(argv[2], size_arg(argv[3]), size_arg(argv[4]), 1, 0);
	if (argc == 5 && !strcmp(argv[1], "interleave"))
		return interleave(argv[2], argv[3], atoi(argv[4]));
	fprintf(stderr, "usage: vpmbench read|write|interleave ...\n");
	return 2;
}
