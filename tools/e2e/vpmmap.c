// SPDX-License-Identifier: GPL-2.0
/*
 * vpmmap - mmap, splice and fadvise side of the e2e checks of /dev/vpmN:
 * what busybox cannot do from the shell.  DEV is an object /dev/vpmN (or
 * any file or block device that can be mapped).
 *
 *   vpmmap cmp DEV [REF]            map the whole object read-only and
 *                                   compare it with pread() of DEV (or of
 *                                   REF); the bytes past the end in the
 *                                   last page must be zero
 *   vpmmap dcheck PATH OFF LEN SEED compare [OFF, OFF + LEN) of PATH, read
 *                                   with O_DIRECT around every cache, with
 *                                   the pattern SEED: "ok LEN" or
 *                                   "mismatch BYTES first OFFSET"
 *   vpmmap store DEV OFF LEN SEED msync|fsync|nosync
 *                                   store vpmpat's pattern SEED at [OFF,
 *                                   OFF + LEN) through a MAP_SHARED mapping,
 *                                   then msync(MS_SYNC) (or fsync, or
 *                                   nothing): prints OK or the errno name
 *                                   (SIGBUS if the store faulted)
 *   vpmmap private DEV OFF LEN SEED store the pattern through a MAP_PRIVATE
 *                                   mapping of an O_RDONLY descriptor: the
 *                                   mapping holds it, pread() the old bytes
 *   vpmmap peek DEV OFF LEN         read [OFF, OFF + LEN) through a mapping
 *                                   of the object (and of the range if it
 *                                   ends further): zero, data or SIGBUS
 *   vpmmap shrink DEV SIZE          map and fault in the whole object, then
 *                                   VPM_IOC_SETSIZE to SIZE: prints the new
 *                                   size, whether the bytes kept are
 *                                   unchanged, the new last page's tail and
 *                                   whether the cut pages fault (SIGBUS)
 *   vpmmap try DEV r|rw shared|private r|rw|r2rw
 *                                   open, map one page (r2rw: PROT_READ,
 *                                   then mprotect to read-write) and touch
 *                                   it: OK, or the errno name of the step
 *                                   that failed (open:EROFS, mprotect:...)
 *   vpmmap hold DEV                 map the object, touch it, close the
 *                                   descriptor and print "mapped"; SIGUSR1
 *                                   unmaps ("unmapped"), SIGTERM exits
 *   vpmmap fault DEV normal|random|sequential OFF...
 *                                   map the whole object, madvise it, then
 *                                   read one byte at each OFF in order
 *   vpmmap seq DEV [LEN]            map [0, LEN) (default: all) and read one
 *                                   byte of every page in order
 *   vpmmap coherent DEV OFF SEED    a store through a mapping is seen by
 *                                   pread() and by a second mapping at once,
 *                                   a pwrite() by the mappings
 *   vpmmap selfwrite DEV OFF SEED   write(2) two pages at OFF from a new
 *                                   mapping of the pages at OFF + 4096 on:
 *                                   the copy faults on pages the write
 *                                   locks; "ok" when it ends with the bytes
 *                                   right
 *   vpmmap halfbad DEV OFF SEED     write(2) a page at OFF from a buffer
 *                                   readable for 100 bytes only: those are
 *                                   written and 100 returned
 *   vpmmap sendfile DEV OFF LEN [socket]
 *                                   sendfile(2) [OFF, OFF + LEN) to stdout
 *                                   (a file or a pipe), or through a
 *                                   socketpair whose other end is copied to
 *                                   stdout
 *   vpmmap splice DEV OFF LEN       splice(2) [OFF, OFF + LEN) into stdout,
 *                                   which must be a pipe
 *   vpmmap splicein DEV OFF         splice(2) stdin, a pipe, into DEV at
 *                                   OFF, then fsync: "spliced BYTES"
 *   vpmmap cfr IN OUT LEN           copy_file_range(2): "OK BYTES" or the
 *                                   errno name
 *   vpmmap fadvise DEV OFF LEN willneed|dontneed|normal|random|sequential
 *                                   posix_fadvise(2): OK or the errno name
 *   vpmmap madvise DEV OFF LEN willneed|dontneed|normal|random|sequential
 *                                   madvise(2) of a mapping of the range
 *
 * The pattern is vpmpat's: the byte at offset O for seed S depends on
 * both, so what a store left can be checked with "vpmpat check".  Other
 * failures print "vpmmap: ..." to stderr and exit 2; a check that finds
 * wrong bytes prints what it found and exits 1.
 */

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/vpm.h>

#include "tools.h"

#define CHUNK	(1024 * 1024)

static size_t page_size;

static void fail(const char *what, const char *arg)
{
	fprintf(stderr, "vpmmap: %s %s: %s\n", what, arg, strerror(errno));
	exit(2);
}

static uint64_t num(const char *s)
{
	return strtoull(s, NULL, 0);
}

static uint64_t round_up(uint64_t x)
{
	return (x + page_size - 1) & ~((uint64_t)page_size - 1);
}

static uint64_t round_down(uint64_t x)
{
	return x & ~((uint64_t)page_size - 1);
}

static void *alloc(size_t len)
{
	void *p = malloc(len ? len : 1);

	if (!p)
		fail("malloc", "");
	return p;
}

static int open_file(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC | O_LARGEFILE);

	if (fd < 0)
		fail("open", path);
	return fd;
}

/* The size of an object or a block device: where SEEK_END lands. */
static uint64_t file_size(int fd, const char *path)
{
	off_t end = lseek(fd, 0, SEEK_END);

	if (end < 0 || lseek(fd, 0, SEEK_SET) < 0)
		fail("lseek", path);
	return end;
}

static uint8_t *map(int fd, const char *path, uint64_t off, uint64_t len,
		    int prot, int flags)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);

	if (p == MAP_FAILED)
		fail("mmap", path);
	return p;
}

/* Print the outcome of a call that may fail by design: OK or ENAME. */
static int outcome(int ret)
{
	if (ret < 0)
		printf("%s\n", strerrorname_np(errno));
	else
		printf("OK\n");
	return 0;
}

/* A full pread() of [off, off + len), or exit. */
static void pread_all(int fd, const char *path, void *buf, size_t len,
		      uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (uint8_t *)buf + done, len - done,
				  off + done);

		if (n <= 0) {
			if (!n)
				errno = EIO;
			fail("pread", path);
		}
		done += n;
	}
}

/* --- touching a mapping: a SIGBUS is a result, not a crash --- */

static sigjmp_buf bus_env;
static int bus_armed;	/* bus_env is set: a SIGBUS jumps back there */

static void arm(int on)
{
	__atomic_store_n(&bus_armed, on, __ATOMIC_SEQ_CST);
}

static void on_sigbus(int sig)
{
	(void)sig;
	if (__atomic_load_n(&bus_armed, __ATOMIC_SEQ_CST))
		siglongjmp(bus_env, 1);
	_exit(3);
}

static void catch_sigbus(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL))
		fail("sigaction", "SIGBUS");
}

/* memcpy() where @dst or @src is mapped: -1 if it took a SIGBUS. */
static int guarded_copy(void *dst, const void *src, size_t len)
{
	if (sigsetjmp(bus_env, 1)) {
		arm(0);
		return -1;
	}
	arm(1);
	memcpy(dst, src, len);
	arm(0);
	return 0;
}

/* Read the byte at @p: -1 on SIGBUS, else the byte. */
static int guarded_peek(const uint8_t *p)
{
	int v;

	if (sigsetjmp(bus_env, 1)) {
		arm(0);
		return -1;
	}
	arm(1);
	/* A load the compiler must make. */
	v = __atomic_load_n(p, __ATOMIC_RELAXED);
	arm(0);
	return v;
}

/* Rewrite the byte at @p with its own value: -1 on SIGBUS. */
static int guarded_poke(uint8_t *p)
{
	if (sigsetjmp(bus_env, 1)) {
		arm(0);
		return -1;
	}
	arm(1);
	__atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED),
			 __ATOMIC_RELAXED);
	arm(0);
	return 0;
}

static int all_zero(const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i])
			return 0;
	return 1;
}

/* --- the commands --- */

/* A comparison's verdict, as vpmpat prints it. */
static int report(uint64_t bad, uint64_t first, uint64_t len)
{
	if (bad) {
		printf("mismatch %llu first %llu\n", (unsigned long long)bad,
		       (unsigned long long)first);
		return 1;
	}
	printf("ok %llu\n", (unsigned long long)len);
	return 0;
}

static int cmd_cmp(const char *path, const char *ref)
{
	int fd = open_file(path, O_RDONLY);
	int rfd = ref ? open_file(ref, O_RDONLY) : fd;
	uint64_t size = file_size(fd, path), len = round_up(size);
	uint64_t off, bad = 0, first = 0;
	uint8_t *got = alloc(CHUNK), *want = alloc(CHUNK), *p;

	if (!len) {
		printf("ok 0\n");
		return 0;
	}
	p = map(fd, path, 0, len, PROT_READ, MAP_SHARED);
	for (off = 0; off < len; off += CHUNK) {
		size_t n = len - off < CHUNK ? len - off : CHUNK;
		size_t valid = size - off < n ? size - off : n;
		size_t i;

		if (guarded_copy(got, p + off, n)) {
			printf("SIGBUS in [%llu, %llu)\n",
			       (unsigned long long)off,
			       (unsigned long long)(off + n));
			return 1;
		}
		pread_all(rfd, ref ? ref : path, want, valid, off);
		/* The end of the last page, past the end: zeros. */
		memset(want + valid, 0, n - valid);
		if (!memcmp(got, want, n))
			continue;
		for (i = 0; i < n; i++) {
			if (got[i] == want[i])
				continue;
			if (!bad++)
				first = off + i;
		}
	}
	munmap(p, len);
	close(fd);
	return report(bad, first, size);
}

#define DIRECT_ALIGN	4096

static int cmd_dcheck(const char *path, uint64_t off, uint64_t len,
		      uint64_t seed)
{
	int fd = open_file(path, O_RDONLY | O_DIRECT);
	uint64_t pos = off & ~(uint64_t)(DIRECT_ALIGN - 1);
	uint64_t end = off + len, bad = 0, first = 0;
	uint8_t *want = alloc(CHUNK), *buf;

	if (posix_memalign((void **)&buf, DIRECT_ALIGN, CHUNK))
		fail("posix_memalign", path);
	while (pos < end) {
		uint64_t from = pos < off ? off : pos;
		uint64_t to = pos + CHUNK < end ? pos + CHUNK : end;
		size_t n = (to - pos + DIRECT_ALIGN - 1) & ~(DIRECT_ALIGN - 1);
		ssize_t r = pread(fd, buf, n, pos);
		uint64_t i;

		if (r < (ssize_t)(to - pos)) {
			if (r >= 0)
				errno = EIO;
			fail("pread", path);
		}
		vpm_pattern(seed, from, want, to - from);
		if (!memcmp(buf + (from - pos), want, to - from)) {
			pos += n;
			continue;
		}
		for (i = 0; i < to - from; i++) {
			if (buf[from - pos + i] == want[i])
				continue;
			if (!bad++)
				first = from + i;
		}
		pos += n;
	}
	close(fd);
	return report(bad, first, len);
}

enum store_sync { STORE_MSYNC, STORE_FSYNC, STORE_NOSYNC };

static int cmd_store(const char *path, uint64_t off, size_t len,
		     uint64_t seed, int sync)
{
	int fd = open_file(path, O_RDWR);
	uint64_t start = round_down(off), span = round_up(off + len) - start;
	uint8_t *buf = alloc(len), *p;
	int ret = 0;

	p = map(fd, path, start, span, PROT_READ | PROT_WRITE, MAP_SHARED);
	vpm_pattern(seed, off, buf, len);
	if (guarded_copy(p + (off - start), buf, len)) {
		printf("SIGBUS\n");
		return 0;
	}
	if (sync == STORE_MSYNC)
		ret = msync(p, span, MS_SYNC);
	else if (sync == STORE_FSYNC)
		ret = fsync(fd);
	outcome(ret);
	munmap(p, span);
	close(fd);
	free(buf);
	return 0;
}

static int cmd_private(const char *path, uint64_t off, size_t len,
		       uint64_t seed)
{
	int fd = open_file(path, O_RDONLY);
	uint64_t start = round_down(off), span = round_up(off + len) - start;
	uint8_t *old = alloc(len), *buf = alloc(len), *got = alloc(len), *p;
	const char *bad = NULL;

	p = map(fd, path, start, span, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	/* Fault the object's pages in first, then copy them on write. */
	if (guarded_copy(old, p + (off - start), len)) {
		printf("SIGBUS reading\n");
		return 1;
	}
	vpm_pattern(seed, off, buf, len);
	if (guarded_copy(p + (off - start), buf, len)) {
		printf("SIGBUS storing\n");
		return 1;
	}
	if (memcmp(p + (off - start), buf, len))
		bad = "the private mapping does not hold the store";
	pread_all(fd, path, got, len, off);
	if (!bad && memcmp(got, old, len))
		bad = "read() sees the private store";
	if (!bad && msync(p, span, MS_SYNC))
		fail("msync", path);
	munmap(p, span);
	pread_all(fd, path, got, len, off);
	if (!bad && memcmp(got, old, len))
		bad = "read() after munmap sees the private store";
	close(fd);
	if (bad) {
		printf("%s\n", bad);
		return 1;
	}
	printf("ok %zu\n", len);
	return 0;
}

static int cmd_peek(const char *path, uint64_t off, size_t len)
{
	int fd = open_file(path, O_RDONLY);
	uint64_t size = file_size(fd, path);
	uint64_t maplen = round_up(off + len > size ? off + len : size);
	uint8_t *buf = alloc(len), *p;

	p = map(fd, path, 0, maplen, PROT_READ, MAP_SHARED);
	if (guarded_copy(buf, p + off, len))
		printf("SIGBUS\n");
	else
		printf("%s\n", all_zero(buf, len) ? "zero" : "data");
	munmap(p, maplen);
	close(fd);
	return 0;
}

static int cmd_shrink(const char *path, uint64_t newsize)
{
	int fd = open_file(path, O_RDWR);
	uint64_t size = file_size(fd, path), maplen = round_up(size);
	uint64_t newlen = round_up(newsize);
	uint8_t *old = alloc(maplen), *got = alloc(maplen), *p;
	struct vpm_setsize req;
	int r;

	if (newsize >= size) {
		errno = EINVAL;
		fail("shrink: new size not below", path);
	}
	p = map(fd, path, 0, maplen, PROT_READ, MAP_SHARED);
	/* Every page mapped: SETSIZE must unmap the ones it cuts. */
	if (guarded_copy(old, p, maplen)) {
		printf("SIGBUS before the shrink\n");
		return 1;
	}
	memset(&req, 0, sizeof(req));
	req.size = newsize;
	if (ioctl(fd, VPM_IOC_SETSIZE, &req)) {
		printf("setsize %s\n", strerrorname_np(errno));
		return 1;
	}
	printf("size %llu\n", (unsigned long long)file_size(fd, path));
	if (guarded_copy(got, p, newsize))
		printf("kept SIGBUS\n");
	else
		printf("kept %s\n", memcmp(got, old, newsize) ? "changed" : "ok");
	if (newlen > newsize) {
		if (guarded_copy(got, p + newsize, newlen - newsize))
			printf("tail SIGBUS\n");
		else
			printf("tail %s\n", all_zero(got, newlen - newsize) ?
			       "zero" : "data");
	}
	if (newlen < maplen) {
		r = guarded_peek(p + newlen);
		printf("cut %s\n", r < 0 ? "SIGBUS" : "OK");
		r = guarded_peek(p + maplen - 1);
		printf("last %s\n", r < 0 ? "SIGBUS" : "OK");
	}
	munmap(p, maplen);
	close(fd);
	return 0;
}

static int cmd_try(const char *path, const char *acc, const char *type,
		   const char *prot)
{
	int rw = !strcmp(prot, "rw"), r2rw = !strcmp(prot, "r2rw");
	int fd = open(path, (!strcmp(acc, "rw") ? O_RDWR : O_RDONLY) |
		      O_CLOEXEC);
	uint8_t *p;

	if (fd < 0) {
		printf("open:%s\n", strerrorname_np(errno));
		return 0;
	}
	p = mmap(NULL, page_size, PROT_READ | (rw ? PROT_WRITE : 0),
		 !strcmp(type, "shared") ? MAP_SHARED : MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		printf("%s\n", strerrorname_np(errno));
		return 0;
	}
	if (r2rw && mprotect(p, page_size, PROT_READ | PROT_WRITE)) {
		printf("mprotect:%s\n", strerrorname_np(errno));
		return 0;
	}
	if (guarded_peek(p) < 0 || ((rw || r2rw) && guarded_poke(p))) {
		printf("SIGBUS\n");
		return 0;
	}
	printf("OK\n");
	munmap(p, page_size);
	close(fd);
	return 0;
}

static int cmd_hold(const char *path)
{
	int fd = open_file(path, O_RDONLY);
	uint64_t len = round_up(file_size(fd, path));
	sigset_t set;
	uint8_t *p;
	int mapped = 1, sig = 0;

	/* Taken by sigwait() below, never delivered. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		fail("sigprocmask", path);
	p = map(fd, path, 0, len, PROT_READ, MAP_SHARED);
	if (guarded_peek(p) < 0) {
		printf("SIGBUS\n");
		return 1;
	}
	/* Only the mapping keeps the object open now. */
	close(fd);
	printf("mapped\n");
	fflush(stdout);
	while (sig != SIGTERM) {
		if (sigwait(&set, &sig))
			fail("sigwait", path);
		if (sig == SIGUSR1 && mapped) {
			if (munmap(p, len))
				fail("munmap", path);
			mapped = 0;
			printf("unmapped\n");
			fflush(stdout);
		}
	}
	return 0;
}

static int advice_of(const char *s)
{
	if (!strcmp(s, "normal"))
		return MADV_NORMAL;
	if (!strcmp(s, "random"))
		return MADV_RANDOM;
	if (!strcmp(s, "sequential"))
		return MADV_SEQUENTIAL;
	if (!strcmp(s, "willneed"))
		return MADV_WILLNEED;
	if (!strcmp(s, "dontneed"))
		return MADV_DONTNEED;
	errno = EINVAL;
	fail("advice", s);
	return -1;
}

static int fadvice_of(const char *s)
{
	if (!strcmp(s, "normal"))
		return POSIX_FADV_NORMAL;
	if (!strcmp(s, "random"))
		return POSIX_FADV_RANDOM;
	if (!strcmp(s, "sequential"))
		return POSIX_FADV_SEQUENTIAL;
	if (!strcmp(s, "willneed"))
		return POSIX_FADV_WILLNEED;
	if (!strcmp(s, "dontneed"))
		return POSIX_FADV_DONTNEED;
	errno = EINVAL;
	fail("advice", s);
	return -1;
}

static int cmd_fault(const char *path, const char *advice, int n,
		     char **offs)
{
	int fd = open_file(path, O_RDONLY);
	uint64_t size = file_size(fd, path), len = round_up(size);
	uint8_t *p = map(fd, path, 0, len, PROT_READ, MAP_SHARED);
	int i;

	if (madvise(p, len, advice_of(advice)))
		fail("madvise", advice);
	for (i = 0; i < n; i++) {
		uint64_t off = num(offs[i]);

		if (off >= len) {
			errno = EINVAL;
			fail("offset beyond the mapping", offs[i]);
		}
		if (guarded_peek(p + off) < 0) {
			printf("SIGBUS at %llu\n", (unsigned long long)off);
			return 1;
		}
	}
	printf("touched %d\n", n);
	munmap(p, len);
	close(fd);
	return 0;
}

static int cmd_seq(const char *path, uint64_t len)
{
	int fd = open_file(path, O_RDONLY);
	uint64_t size = file_size(fd, path), maplen, off;
	uint8_t *p;
	int v;

	if (!len || len > size)
		len = size;
	maplen = round_up(len);
	p = map(fd, path, 0, maplen, PROT_READ, MAP_SHARED);
	for (off = 0; off < maplen; off += page_size) {
		v = guarded_peek(p + off);
		if (v < 0) {
			printf("SIGBUS at %llu\n", (unsigned long long)off);
			return 1;
		}
	}
	printf("touched %llu pages\n", (unsigned long long)(maplen / page_size));
	munmap(p, maplen);
	close(fd);
	return 0;
}

#define COHERENT_PAGES	2

static int cmd_coherent(const char *path, uint64_t off, uint64_t seed)
{
	size_t len = COHERENT_PAGES * page_size, wlen = page_size + 904;
	size_t woff = 100;
	int fd = open_file(path, O_RDWR), fd2 = open_file(path, O_RDONLY);
	uint8_t *want = alloc(len), *got = alloc(len), *p, *q;
	const char *bad = NULL;

	off = round_down(off);
	p = map(fd, path, off, len, PROT_READ | PROT_WRITE, MAP_SHARED);
	q = map(fd2, path, off, len, PROT_READ, MAP_SHARED);
	/* Map the second mapping's pages before the store. */
	if (guarded_copy(got, q, len)) {
		printf("SIGBUS\n");
		return 1;
	}
	vpm_pattern(seed, off, want, len);
	if (guarded_copy(p, want, len)) {
		printf("SIGBUS storing\n");
		return 1;
	}
	pread_all(fd, path, got, len, off);
	if (memcmp(got, want, len))
		bad = "read() does not see the store through the mapping";
	else if (memcmp(q, want, len))
		bad = "a second mapping does not see the store";
	/* A write() in the middle of the two pages, across their border. */
	vpm_pattern(seed + 1, off + woff, want + woff, wlen);
	if (!bad && pwrite(fd, want + woff, wlen, off + woff) != (ssize_t)wlen)
		fail("pwrite", path);
	if (!bad && memcmp(p, want, len))
		bad = "the mapping does not see write()";
	else if (!bad && memcmp(q, want, len))
		bad = "the second mapping does not see write()";
	if (!bad && msync(p, len, MS_SYNC))
		fail("msync", path);
	munmap(p, len);
	munmap(q, len);
	pread_all(fd2, path, got, len, off);
	if (!bad && memcmp(got, want, len))
		bad = "read() after munmap differs";
	close(fd);
	close(fd2);
	if (bad) {
		printf("%s\n", bad);
		return 1;
	}
	printf("ok\n");
	return 0;
}

/*
 * write(2) into pages of the object from a mapping of the same pages,
 * never touched before: the copy faults on pages the write itself locks.
 * Writes pages OFF..OFF+1 from mapped pages OFF+1..OFF+2 (pattern SEED
 * stored with pwrite() first); they must end up as pages 1, 2, 2.
 */
static int cmd_selfwrite(const char *path, uint64_t off, uint64_t seed)
{
	size_t len = 3 * page_size;
	int fd = open_file(path, O_RDWR);
	uint8_t *want = alloc(len), *got = alloc(len), *p;
	ssize_t n;

	off = round_down(off);
	vpm_pattern(seed, off, want, len);
	if (pwrite(fd, want, len, off) != (ssize_t)len)
		fail("pwrite", path);
	p = map(fd, path, off, len, PROT_READ, MAP_SHARED);
	n = pwrite(fd, p + page_size, 2 * page_size, off);
	if (n != (ssize_t)(2 * page_size)) {
		printf("write from the mapping: %zd\n", n);
		return 1;
	}
	memmove(want, want + page_size, 2 * page_size);
	pread_all(fd, path, got, len, off);
	munmap(p, len);
	close(fd);
	if (memcmp(got, want, len)) {
		printf("the pages do not hold what was written\n");
		return 1;
	}
	printf("ok\n");
	return 0;
}

/*
 * write(2) a whole page at OFF from a buffer that can be read for its
 * first 100 bytes only (the page after them is PROT_NONE), into a page
 * not in memory: those 100 are written and returned, the rest of the page
 * keeps its bytes.
 */
#define HALFBAD_GOOD	100

static int cmd_halfbad(const char *path, uint64_t off, uint64_t seed)
{
	int fd = open_file(path, O_RDWR);
	uint8_t *old = alloc(page_size), *got = alloc(page_size), *buf, *src;
	ssize_t n;

	off = round_down(off);
	buf = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		fail("mmap", "anonymous");
	src = buf + page_size - HALFBAD_GOOD;
	vpm_pattern(seed, off, src, HALFBAD_GOOD);
	if (mprotect(buf + page_size, page_size, PROT_NONE))
		fail("mprotect", "anonymous");
	pread_all(fd, path, old, page_size, off);
	/* The page must be new to the write: drop it. */
	if (posix_fadvise(fd, off, page_size, POSIX_FADV_DONTNEED))
		fail("posix_fadvise", path);
	n = pwrite(fd, src, page_size, off);
	if (n != HALFBAD_GOOD) {
		printf("write of a partly readable buffer: %zd (%s), want %d\n",
		       n, n < 0 ? strerror(errno) : "short", HALFBAD_GOOD);
		return 1;
	}
	pread_all(fd, path, got, page_size, off);
	memcpy(old, src, HALFBAD_GOOD);
	if (memcmp(got, old, page_size)) {
		printf("the page does not hold the 100 bytes and its old rest\n");
		return 1;
	}
	printf("ok\n");
	return 0;
}

/* Copy @fd to stdout until its end. */
static void drain(int fd)
{
	static char buf[CHUNK];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		ssize_t done = 0;

		while (done < n) {
			ssize_t w = write(1, buf + done, n - done);

			if (w <= 0)
				fail("write", "stdout");
			done += w;
		}
	}
	if (n < 0)
		fail("read", "socket");
}

/* sendfile(2) [off, off + len) of @in to @out; -1 with errno on error. */
static int send_all(int out, int in, uint64_t off, uint64_t len)
{
	off_t pos = off;

	while (len) {
		ssize_t n = sendfile(out, in, &pos, len < CHUNK ? len : CHUNK);

		if (n < 0)
			return -1;
		if (!n) {
			errno = ENODATA;
			return -1;
		}
		len -= n;
	}
	return 0;
}

static int cmd_sendfile(const char *path, uint64_t off, uint64_t len,
			int socket)
{
	int fd = open_file(path, O_RDONLY), sv[2], status;
	pid_t pid;

	if (!socket) {
		if (send_all(1, fd, off, len))
			fail("sendfile", path);
		return 0;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		fail("socketpair", path);
	pid = fork();
	if (pid < 0)
		fail("fork", path);
	if (!pid) {
		close(sv[0]);
		if (send_all(sv[1], fd, off, len))
			fail("sendfile to a socket", path);
		_exit(0);
	}
	close(sv[1]);
	drain(sv[0]);
	if (waitpid(pid, &status, 0) != pid)
		fail("waitpid", path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}

static int cmd_splice(const char *path, uint64_t off, uint64_t len)
{
	int fd = open_file(path, O_RDONLY);
	loff_t pos = off;

	while (len) {
		ssize_t n = splice(fd, &pos, 1, NULL, len < CHUNK ? len : CHUNK,
				   SPLICE_F_MOVE);

		if (n < 0)
			fail("splice to stdout", path);
		if (!n) {
			errno = ENODATA;
			fail("splice to stdout", path);
		}
		len -= n;
	}
	return 0;
}

static int cmd_splicein(const char *path, uint64_t off)
{
	int fd = open_file(path, O_WRONLY);
	loff_t pos = off;
	uint64_t total = 0;
	ssize_t n;

	while ((n = splice(0, NULL, fd, &pos, CHUNK, SPLICE_F_MOVE)) > 0)
		total += n;
	if (n < 0) {
		printf("splice:%s\n", strerrorname_np(errno));
		return 0;
	}
	if (fsync(fd)) {
		printf("fsync:%s\n", strerrorname_np(errno));
		return 0;
	}
	printf("spliced %llu\n", (unsigned long long)total);
	close(fd);
	return 0;
}

static int cmd_cfr(const char *in, const char *out, uint64_t len)
{
	int fdin = open_file(in, O_RDONLY);
	int fdout = open_file(out, O_WRONLY | O_CREAT);
	ssize_t n = copy_file_range(fdin, NULL, fdout, NULL, len, 0);

	if (n < 0)
		printf("%s\n", strerrorname_np(errno));
	else
		printf("OK %zd\n", n);
	return 0;
}

static int cmd_fadvise(const char *path, uint64_t off, uint64_t len,
		       const char *advice)
{
	int fd = open_file(path, O_RDONLY);
	int err = posix_fadvise(fd, off, len, fadvice_of(advice));

	errno = err;
	return outcome(err ? -1 : 0);
}

static int cmd_madvise(const char *path, uint64_t off, uint64_t len,
		       const char *advice)
{
	int fd = open_file(path, O_RDONLY);
	uint64_t start = round_down(off), span = round_up(off + len) - start;
	uint8_t *p = map(fd, path, start, span, PROT_READ, MAP_SHARED);

	return outcome(madvise(p, span, advice_of(advice)));
}

static int store_mode(const char *s)
{
	if (!strcmp(s, "msync"))
		return STORE_MSYNC;
	if (!strcmp(s, "fsync"))
		return STORE_FSYNC;
	if (!strcmp(s, "nosync"))
		return STORE_NOSYNC;
	return -1;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	page_size = sysconf(_SC_PAGESIZE);
	catch_sigbus();
	if ((argc == 3 || argc == 4) && !strcmp(cmd, "cmp"))
		return cmd_cmp(argv[2], argc == 4 ? argv[3] : NULL);
	if (argc == 6 && !strcmp(cmd, "dcheck"))
		return cmd_dcheck(argv[2], num(argv[3]), num(argv[4]),
				  num(argv[5]));
	if (argc == 7 && !strcmp(cmd, "store") && store_mode(argv[6]) >= 0)
		return cmd_store(argv[2], num(argv[3]), num(argv[4]),
				 num(argv[5]), store_mode(argv[6]));
	if (argc == 6 && !strcmp(cmd, "private"))
		return cmd_private(argv[2], num(argv[3]), num(argv[4]),
				   num(argv[5]));
	if (argc == 5 && !strcmp(cmd, "peek"))
		return cmd_peek(argv[2], num(argv[3]), num(argv[4]));
	if (argc == 4 && !strcmp(cmd, "shrink"))
		return cmd_shrink(argv[2], num(argv[3]));
	if (argc == 6 && !strcmp(cmd, "try"))
		return cmd_try(argv[2], argv[3], argv[4], argv[5]);
	if (argc == 3 && !strcmp(cmd, "hold"))
		return cmd_hold(argv[2]);
	if (argc >= 5 && !strcmp(cmd, "fault"))
		return cmd_fault(argv[2], argv[3], argc - 4, argv + 4);
	if ((argc == 3 || argc == 4) && !strcmp(cmd, "seq"))
		return cmd_seq(argv[2], argc == 4 ? num(argv[3]) : 0);
	if (argc == 5 && !strcmp(cmd, "coherent"))
		return cmd_coherent(argv[2], num(argv[3]), num(argv[4]));
	if (argc == 5 && !strcmp(cmd, "halfbad"))
		return cmd_halfbad(argv[2], num(argv[3]), num(argv[4]));
	if (argc == 5 && !strcmp(cmd, "selfwrite"))
		return cmd_selfwrite(argv[2], num(argv[3]), num(argv[4]));
	if ((argc == 5 || (argc == 6 && !strcmp(argv[5], "socket"))) &&
	    !strcmp(cmd, "sendfile"))
		return cmd_sendfile(argv[2], num(argv[3]), num(argv[4]),
				    argc == 6);
	if (argc == 5 && !strcmp(cmd, "splice"))
		return cmd_splice(argv[2], num(argv[3]), num(argv[4]));
	if (argc == 4 && !strcmp(cmd, "splicein"))
		return cmd_splicein(argv[2], num(argv[3]));
	if (argc == 5 && !strcmp(cmd, "cfr"))
		return cmd_cfr(argv[2], argv[3], num(argv[4]));
	if (argc == 6 && !strcmp(cmd, "fadvise"))
		return cmd_fadvise(argv[2], num(argv[3]), num(argv[4]), argv[5]);
	if (argc == 6 && !strcmp(cmd, "madvise"))
		return cmd_madvise(argv[2], num(argv[3]), num(argv[4]), argv[5]);
	fprintf(stderr,
		"usage: vpmmap cmp|dcheck|store|private|peek|shrink|try|hold|fault|seq|coherent|selfwrite|halfbad|sendfile|splice|splicein|cfr|fadvise|madvise ...\n");
	return 2;
}
