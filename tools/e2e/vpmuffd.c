// SPDX-License-Identifier: GPL-2.0
/*
 * vpmuffd - a vpm call whose user buffer stalls (e2e helper).
 *
 *   vpmuffd write DEV OFF LEN SEED GO   pwrite() LEN bytes at OFF of DEV
 *   vpmuffd read DEV OFF LEN SEED GO    pread() them, check pattern SEED
 *   vpmuffd info CTL GO                 VPM_CTL_INFO of the control device
 *
 * The buffer of the call is an anonymous mapping registered with
 * userfaultfd (missing pages), which nobody serves at first: the call
 * blocks in the kernel on its first fault.  When the fault has arrived,
 * "stuck" is printed; when the file GO appears, the whole buffer is
 * filled with UFFDIO_COPY (pattern SEED from OFF for write, zeros else),
 * which wakes the call, and "served" is printed.  Then the result:
 * "write N", "read N" (after every byte was checked against the pattern)
 * or "info N" (objects listed).  Exit status 0 when the call moved all it
 * was asked to, 1 otherwise, 2 when userfaultfd is not available.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <linux/userfaultfd.h>
#include <linux/vpm.h>

#include "tools.h"

/* How long the call may take to reach its fault. */
#define STUCK_TIMEOUT_MS	10000
#define INFO_ROOM		64

enum mode { MODE_WRITE, MODE_READ, MODE_INFO };

struct call {
	enum mode mode;
	int fd;
	off_t off;
	size_t len;
	uint8_t *buf;		/* the userfaultfd region */
	ssize_t ret;
	int err;
};

static void *run_call(void *arg)
{
	struct call *c = arg;
	struct vpm_info req = { .count = INFO_ROOM };

	switch (c->mode) {
	case MODE_WRITE:
		c->ret = pwrite(c->fd, c->buf, c->len, c->off);
		break;
	case MODE_READ:
		c->ret = pread(c->fd, c->buf, c->len, c->off);
		break;
	case MODE_INFO:
		req.objects = (uintptr_t)c->buf;
		c->ret = ioctl(c->fd, VPM_CTL_INFO, &req);
		if (!c->ret)
			c->ret = req.count;
		break;
	}
	c->err = errno;
	return NULL;
}

static int uffd_open(uint8_t *buf, size_t len)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)buf, .len = len },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	int uffd;

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0) {
		perror("vpmuffd: userfaultfd");
		exit(2);
	}
	if (ioctl(uffd, UFFDIO_API, &api) || ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		perror("vpmuffd: UFFDIO_API/REGISTER");
		exit(2);
	}
	return uffd;
}

/* Wait for the call's first fault on the region: it is blocked now. */
static int wait_fault(int uffd)
{
	struct pollfd p = { .fd = uffd, .events = POLLIN };
	struct uffd_msg msg;

	if (poll(&p, 1, STUCK_TIMEOUT_MS) != 1) {
		fprintf(stderr, "vpmuffd: no fault within %d ms\n",
			STUCK_TIMEOUT_MS);
		return -1;
	}
	if (read(uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT) {
		fprintf(stderr, "vpmuffd: unexpected userfaultfd message\n");
		return -1;
	}
	return 0;
}

static void wait_file(const char *path)
{
	while (access(path, F_OK))
		usleep(20000);
}

/* Fill the whole region at once: the faulting thread is woken. */
static int serve(int uffd, uint8_t *buf, const uint8_t *src, size_t len)
{
	struct uffdio_copy copy = {
		.dst = (uintptr_t)buf, .src = (uintptr_t)src, .len = len,
	};

	if (ioctl(uffd, UFFDIO_COPY, &copy) || copy.copy != (ssize_t)len) {
		perror("vpmuffd: UFFDIO_COPY");
		return -1;
	}
	return 0;
}

static int bad_args(void)
{
	fprintf(stderr, "usage: vpmuffd write|read DEV OFF LEN SEED GO\n"
			"       vpmuffd info CTL GO\n");
	return 1;
}

int main(int argc, char **argv)
{
	struct call c = { 0 };
	const char *go;
	uint64_t seed = 0;
	uint8_t *src;
	pthread_t t;
	int uffd, rc = 0;
	long pg = sysconf(_SC_PAGESIZE);

	if (argc == 4 && !strcmp(argv[1], "info")) {
		c.mode = MODE_INFO;
		c.len = INFO_ROOM * sizeof(struct vpm_object_info);
		go = argv[3];
	} else if (argc == 7 && (!strcmp(argv[1], "write") ||
				 !strcmp(argv[1], "read"))) {
		c.mode = !strcmp(argv[1], "write") ? MODE_WRITE : MODE_READ;
		c.off = strtoll(argv[3], NULL, 0);
		c.len = strtoull(argv[4], NULL, 0);
		seed = strtoull(argv[5], NULL, 0);
		go = argv[6];
	} else {
		return bad_args();
	}
	if (!c.len)
		return bad_args();
	c.fd = open(argv[2], c.mode == MODE_READ ? O_RDONLY : O_RDWR);
	if (c.fd < 0) {
		perror(argv[2]);
		return 1;
	}
	c.len = (c.len + pg - 1) / pg * pg;
	c.buf = mmap(NULL, c.len, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	src = calloc(1, c.len);
	if (c.buf == MAP_FAILED || !src) {
		perror("vpmuffd: memory");
		return 1;
	}
	if (c.mode == MODE_WRITE)
		vpm_pattern(seed, c.off, src, c.len);
	uffd = uffd_open(c.buf, c.len);

	if (pthread_create(&t, NULL, run_call, &c)) {
		perror("vpmuffd: pthread_create");
		return 1;
	}
	if (wait_fault(uffd))
		return 1;
	printf("stuck\n");
	fflush(stdout);
	wait_file(go);
	if (serve(uffd, c.buf, src, c.len))
		return 1;
	printf("served\n");
	fflush(stdout);
	pthread_join(t, NULL);

	if (c.ret < 0) {
		fprintf(stderr, "vpmuffd: %s: %s\n", argv[1], strerror(c.err));
		return 1;
	}
	if (c.mode == MODE_READ) {
		vpm_pattern(seed, c.off, src, c.len);
		if ((size_t)c.ret != c.len || memcmp(c.buf, src, c.len)) {
			fprintf(stderr, "vpmuffd: read %zd bytes, not pattern %llu\n",
				c.ret, (unsigned long long)seed);
			rc = 1;
		}
	} else if (c.mode == MODE_WRITE && (size_t)c.ret != c.len) {
		fprintf(stderr, "vpmuffd: wrote %zd of %zu bytes\n", c.ret, c.len);
		rc = 1;
	}
	printf("%s %zd\n", argv[1], c.ret);
	return rc;
}
