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
 *   vpmbench mseq FILE TOTAL
 *	map [0, TOTAL) of FILE shared and read-only, then read the first 8
 *	bytes of every page in order: the page faults read the file
 *   vpmbench mrand FILE TOTAL COUNT SEED
 *	map [0, TOTAL) likewise, then read 8 bytes of COUNT pages chosen at
 *	random (xorshift64 from SEED: the same pages in the same order for
 *	the same seed)
 *
 * read and write print "mbps VALUE seconds VALUE"; sizes take K and M.
 * mseq and mrand print "mbps VALUE seconds VALUE pages N faults_per_s
 * VALUE majflt N minflt N": mbps counts 4 KiB per page touched, majflt
 * and minflt are the process's major and minor faults (getrusage) while
 * touching; the mapping is set up and torn down outside the timing.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
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

/* xorshift64: the same sequence for the same seed, on every path. */
static uint64_t next_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/*
 * Touch pages of a shared read-only mapping of [0, total): all of them in
 * order (count == 0), or count pages at random.
 */
static int fault_pages(const char *path, unsigned long long total,
		       unsigned long count, unsigned long long seed)
{
	long psz = sysconf(_SC_PAGESIZE);
	unsigned long npages = total / psz, i, touched;
	uint64_t x = seed ? seed : 1, sum = 0;
	struct rusage r0, r1;
	const char *map;
	double t;
	int fd;

	if (!npages) {
		errno = EINVAL;
		fail("size", path);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail("open", path);
	map = mmap(NULL, npages * psz, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		fail("mmap", path);
	touched = count ? count : npages;
	getrusage(RUSAGE_SELF, &r0);
	t = now();
	for (i = 0; i < touched; i++) {
		unsigned long pg = count ? next_rand(&x) % npages : i;

		/* Printed below: the loads cannot be left out. */
		sum += *(const uint64_t *)(map + pg * psz);
	}
	t = now() - t;
	getrusage(RUSAGE_SELF, &r1);
	printf("mbps %.1f seconds %.3f pages %lu faults_per_s %.0f ",
	       (double)touched * psz / t / 1048576, t, touched, touched / t);
	printf("majflt %ld minflt %ld sum %llx\n",
	       r1.ru_majflt - r0.ru_majflt, r1.ru_minflt - r0.ru_minflt,
	       (unsigned long long)sum);
	munmap((void *)map, npages * psz);
	close(fd);
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
	if (argc == 4 && !strcmp(argv[1], "mseq"))
		return fault_pages(argv[2], size_arg(argv[3]), 0, 0);
	if (argc == 6 && !strcmp(argv[1], "mrand"))
		return fault_pages(argv[2], size_arg(argv[3]),
				   strtoul(argv[4], NULL, 0),
				   strtoull(argv[5], NULL, 0));
	fprintf(stderr, "usage: vpmbench read|write|interleave|mseq|mrand ...\n");
	return 2;
}
