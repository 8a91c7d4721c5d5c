// SPDX-License-Identifier: GPL-2.0
/*
 * vpmfs - file-system side of the e2e checks of files under vpm: what
 * busybox cannot do from the shell.
 *
 *   vpmfs attach rw|ro|append PATH  attach PATH opened read-write,
 *                                   read-only (VPM_ATTACH_READONLY) or
 *                                   read-write with O_APPEND
 *   vpmfs attach fd N               attach inherited descriptor N (read-only
 *                                   if it is open read-only)
 *   vpmfs fsync N | fdatasync N     fsync(2) / fdatasync(2) of descriptor N
 *   vpmfs sync N FLAGS              VPM_IOC_SYNC of the whole object on
 *                                   descriptor N with FLAGS (VPM_SYNC_*)
 *   vpmfs write PATH OFFSET MODE    copy stdin to PATH at OFFSET; PATH is
 *                                   opened O_WRONLY, with O_SYNC (MODE sync)
 *                                   or O_DSYNC (dsync), or plain (plain,
 *                                   fsync, fdatasync: that call at the end)
 *   vpmfs dread PATH OFFSET LENGTH  read with O_DIRECT to stdout
 *   vpmfs find PATH STRING          read PATH with O_DIRECT and look for
 *                                   STRING: "found N first OFFSET" (exit 0)
 *                                   or "absent" (exit 1)
 *   vpmfs addkey MOUNTPOINT         FS_IOC_ADD_ENCRYPTION_KEY of the fixed
 *                                   test key; prints its identifier (hex)
 *   vpmfs setpolicy DIR IDENTIFIER  FS_IOC_SET_ENCRYPTION_POLICY, v2,
 *                                   AES-256-XTS/CTS, on the empty DIR
 *
 * attach, fsync, fdatasync and sync print "OK" (attach: "/dev/vpmN") or
 * the errno name (EIO, EPERM...) and exit 0 either way; other failures
 * print "vpmfs: ..." to stderr and exit 2.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/fscrypt.h>
#include <linux/vpm.h>

#include "tools.h"

#define CHUNK		(1024 * 1024)
#define KEY_SIZE	64

static void fail(const char *what, const char *arg)
{
	fprintf(stderr, "vpmfs: %s %s: %s\n", what, arg, strerror(errno));
	exit(2);
}

static uint64_t num(const char *s)
{
	return strtoull(s, NULL, 0);
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

static int cmd_attach(const char *mode, const char *arg)
{
	struct vpm_attach req;
	int fd, ctl, acc;

	memset(&req, 0, sizeof(req));
	if (!strcmp(mode, "fd")) {
		fd = num(arg);
		acc = fcntl(fd, F_GETFL);
		if (acc < 0)
			fail("fcntl", arg);
		if ((acc & O_ACCMODE) == O_RDONLY)
			req.flags = VPM_ATTACH_READONLY;
	} else {
		if (!strcmp(mode, "ro")) {
			acc = O_RDONLY;
			req.flags = VPM_ATTACH_READONLY;
		} else if (!strcmp(mode, "rw")) {
			acc = O_RDWR;
		} else if (!strcmp(mode, "append")) {
			acc = O_RDWR | O_APPEND;
		} else {
			errno = EINVAL;
			fail("attach mode", mode);
		}
		fd = open(arg, acc | O_CLOEXEC | O_LARGEFILE);
		if (fd < 0) {
			printf("open:%s\n", strerrorname_np(errno));
			return 0;
		}
	}
	ctl = open("/dev/vpm", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		fail("open", "/dev/vpm");
	req.fd = fd;
	if (ioctl(ctl, VPM_CTL_ATTACH, &req) < 0)
		return outcome(-1);
	printf("/dev/vpm%u\n", req.id);
	return 0;
}

static int cmd_sync(int fd, unsigned int flags)
{
	struct vpm_sync req;

	memset(&req, 0, sizeof(req));
	req.flags = flags;
	return outcome(ioctl(fd, VPM_IOC_SYNC, &req));
}

static int cmd_write(const char *path, uint64_t off, const char *mode)
{
	static char buf[CHUNK];
	int flags = O_WRONLY, fd;
	uint64_t total = 0;
	ssize_t n;

	if (!strcmp(mode, "sync"))
		flags |= O_SYNC;
	else if (!strcmp(mode, "dsync"))
		flags |= O_DSYNC;
	fd = open(path, flags | O_CLOEXEC | O_LARGEFILE);
	if (fd < 0)
		fail("open", path);
	while ((n = read(0, buf, sizeof(buf))) > 0) {
		if (pwrite(fd, buf, n, off + total) != n)
			fail("pwrite", path);
		total += n;
	}
	if (n < 0)
		fail("read", "stdin");
	if (!strcmp(mode, "fsync") && fsync(fd))
		fail("fsync", path);
	if (!strcmp(mode, "fdatasync") && fdatasync(fd))
		fail("fdatasync", path);
	printf("wrote %llu\n", (unsigned long long)total);
	return 0;
}

static void *direct_buffer(void)
{
	void *buf;

	if (posix_memalign(&buf, 4096, CHUNK))
		fail("posix_memalign", "");
	return buf;
}

static int cmd_dread(const char *path, uint64_t off, uint64_t len)
{
	int fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC | O_LARGEFILE);
	char *buf = direct_buffer();
	uint64_t done;

	if (fd < 0)
		fail("open", path);
	for (done = 0; done < len; ) {
		size_t want = len - done < CHUNK ? len - done : CHUNK;
		/* O_DIRECT reads whole sectors; the tail is cut below. */
		size_t aligned = (want + 4095) & ~(size_t)4095;
		ssize_t n = pread(fd, buf, aligned, off + done);

		if (n < 0)
			fail("pread", path);
		if (!n)
			break;
		if ((size_t)n > want)
			n = want;
		if (fwrite(buf, 1, n, stdout) != (size_t)n)
			fail("write", "stdout");
		done += n;
	}
	return 0;
}

static int cmd_find(const char *path, const char *needle)
{
	int fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC | O_LARGEFILE);
	size_t nlen = strlen(needle), keep = 0;
	uint64_t off = 0, found = 0, first = 0;
	char *buf = direct_buffer();
	char *win;
	ssize_t n;

	if (fd < 0)
		fail("open", path);
	if (!nlen || nlen > 4096) {
		errno = EINVAL;
		fail("find", needle);
	}
	/* The window keeps the last nlen - 1 bytes of the previous chunk. */
	win = malloc(CHUNK + nlen);
	if (!win)
		fail("malloc", path);
	while ((n = pread(fd, buf, CHUNK, off)) > 0) {
		size_t len = keep + n, i;

		memcpy(win + keep, buf, n);
		for (i = 0; i + nlen <= len; i++) {
			if (memcmp(win + i, needle, nlen))
				continue;
			if (!found++)
				first = off - keep + i;
		}
		keep = nlen - 1 < len ? nlen - 1 : len;
		memmove(win, win + len - keep, keep);
		off += n;
	}
	if (n < 0)
		fail("pread", path);
	if (!found) {
		printf("absent\n");
		return 1;
	}
	printf("found %llu first %llu\n", (unsigned long long)found,
	       (unsigned long long)first);
	return 0;
}

static int cmd_addkey(const char *mnt)
{
	struct fscrypt_add_key_arg *arg = calloc(1, sizeof(*arg) + KEY_SIZE);
	int fd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int i;

	if (fd < 0)
		fail("open", mnt);
	if (!arg)
		fail("calloc", mnt);
	arg->key_spec.type = FSCRYPT_KEY_SPEC_TYPE_IDENTIFIER;
	arg->raw_size = KEY_SIZE;
	/* A fixed key: the same identifier after every mount. */
	for (i = 0; i < KEY_SIZE; i++)
		arg->raw[i] = 7 * i + 1;
	if (ioctl(fd, FS_IOC_ADD_ENCRYPTION_KEY, arg))
		fail("FS_IOC_ADD_ENCRYPTION_KEY", mnt);
	for (i = 0; i < FSCRYPT_KEY_IDENTIFIER_SIZE; i++)
		printf("%02x", arg->key_spec.u.identifier[i]);
	printf("\n");
	return 0;
}

static int cmd_setpolicy(const char *dir, const char *id)
{
	struct fscrypt_policy_v2 pol;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int i;

	if (fd < 0)
		fail("open", dir);
	if (strlen(id) != 2 * FSCRYPT_KEY_IDENTIFIER_SIZE) {
		errno = EINVAL;
		fail("identifier", id);
	}
	memset(&pol, 0, sizeof(pol));
	pol.version = FSCRYPT_POLICY_V2;
	pol.contents_encryption_mode = FSCRYPT_MODE_AES_256_XTS;
	pol.filenames_encryption_mode = FSCRYPT_MODE_AES_256_CTS;
	pol.flags = FSCRYPT_POLICY_FLAGS_PAD_32;
	for (i = 0; i < FSCRYPT_KEY_IDENTIFIER_SIZE; i++) {
		char hex[3] = { id[2 * i], id[2 * i + 1], 0 };

		pol.master_key_identifier[i] = strtoul(hex, NULL, 16);
	}
	if (ioctl(fd, FS_IOC_SET_ENCRYPTION_POLICY, &pol))
		fail("FS_IOC_SET_ENCRYPTION_POLICY", dir);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (argc == 4 && !strcmp(cmd, "attach"))
		return cmd_attach(argv[2], argv[3]);
	if (argc == 3 && !strcmp(cmd, "fsync"))
		return outcome(fsync(num(argv[2])));
	if (argc == 3 && !strcmp(cmd, "fdatasync"))
		return outcome(fdatasync(num(argv[2])));
	if (argc == 4 && !strcmp(cmd, "sync"))
		return cmd_sync(num(argv[2]), num(argv[3]));
	if (argc == 5 && !strcmp(cmd, "write"))
		return cmd_write(argv[2], num(argv[3]), argv[4]);
	if (argc == 5 && !strcmp(cmd, "dread"))
		return cmd_dread(argv[2], num(argv[3]), num(argv[4]));
	if (argc == 4 && !strcmp(cmd, "find"))
		return cmd_find(argv[2], argv[3]);
	if (argc == 3 && !strcmp(cmd, "addkey"))
		return cmd_addkey(argv[2]);
	if (argc == 4 && !strcmp(cmd, "setpolicy"))
		return cmd_setpolicy(argv[2], argv[3]);
	fprintf(stderr,
		"usage: vpmfs attach|fsync|fdatasync|sync|write|dread|find|addkey|setpolicy ...\n");
	return 2;
}
