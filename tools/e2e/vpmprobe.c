// SPDX-License-Identifier: GPL-2.0
/*
 * vpmprobe - send hand-made ioctl arguments to vpm devices (e2e helper).
 *
 *   vpmprobe ioctl [-r] PATH CMD [OFF=VAL]...
 *
 * PATH is opened read-write (read-only with -r).  CMD is a command name
 * from <linux/vpm.h> without its prefix (VERSION, ATTACH, IOC_SYNC...) or
 * a number.  The argument buffer is zeroed, sized by _IOC_SIZE(CMD), and
 * each OFF=VAL stores a 32-bit VAL at byte offset OFF.  VAL may also name
 * a file descriptor to pass: @pipe, @socket, @closed, @PATH (opened
 * read-write, or read-only for a directory) or @ro:PATH.  Prints "OK" and
 * the first 32-bit words of the buffer in hex, or the errno name (ENOTTY,
 * EINVAL...).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/vpm.h>

#include "tools.h"

static const struct {
	const char *name;
	unsigned long cmd;
} cmds[] = {
	{ "VERSION", VPM_CTL_VERSION },
	{ "ATTACH", VPM_CTL_ATTACH },
	{ "DETACH", VPM_CTL_DETACH },
	{ "DETACH_V1", VPM_CTL_DETACH_V1 },
	{ "INFO", VPM_CTL_INFO },
	{ "STATS", VPM_CTL_STATS },
	{ "FREELISTS", VPM_CTL_FREELISTS },
	{ "IOC_INFO", VPM_IOC_INFO },
	{ "IOC_SYNC", VPM_IOC_SYNC },
	{ "IOC_SETSIZE", VPM_IOC_SETSIZE },
	{ "IOC_HASPAGE", VPM_IOC_HASPAGE },
	{ "IOC_GETPAGES", VPM_IOC_GETPAGES },
	{ "IOC_MAPINFO", VPM_IOC_MAPINFO },
	{ "IOC_STATS", VPM_IOC_STATS },
};

static unsigned long parse_cmd(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(s, cmds[i].name))
			return cmds[i].cmd;
	return strtoul(s, NULL, 0);
}

/* A value: a number, or a file descriptor made as @NAME says. */
static uint32_t parse_value(const char *v)
{
	int fds[2];
	int fd;

	if (*v != '@')
		return strtoul(v, NULL, 0);
	v++;
	if (!strcmp(v, "pipe")) {
		if (pipe(fds))
			exit(2);
		return fds[1];
	}
	if (!strcmp(v, "socket"))
		return socket(AF_UNIX, SOCK_STREAM, 0);
	if (!strcmp(v, "closed")) {
		fd = dup(0);
		close(fd);
		return fd;
	}
	if (!strncmp(v, "ro:", 3))
		fd = open(v + 3, O_RDONLY);
	else
		fd = open(v, O_RDWR);
	if (fd < 0 && errno == EISDIR)
		fd = open(v, O_RDONLY);
	if (fd < 0) {
		printf("open:%s\n", strerrorname_np(errno));
		exit(1);
	}
	return fd;
}

int main(int argc, char **argv)
{
	uint64_t words[512];
	unsigned char *buf = (unsigned char *)words;
	int flags = O_RDWR, a = 2;
	unsigned long cmd;
	size_t size, i;
	int fd;

	if (argc > 2 && !strcmp(argv[2], "-r")) {
		flags = O_RDONLY;
		a++;
	}
	if (argc < a + 2 || strcmp(argv[1], "ioctl")) {
		fprintf(stderr,
			"usage: vpmprobe ioctl [-r] PATH CMD [OFF=VAL]...\n");
		return 2;
	}
	fd = open(argv[a], flags | O_CLOEXEC);
	if (fd < 0) {
		printf("open:%s\n", strerrorname_np(errno));
		return 1;
	}
	cmd = parse_cmd(argv[a + 1]);
	size = _IOC_SIZE(cmd);
	memset(words, 0, sizeof(words));
	for (a += 2; a < argc; a++) {
		unsigned long off = strtoul(argv[a], NULL, 0);
		const char *eq = strchr(argv[a], '=');
		uint32_t val;

		if (!eq || off + 4 > sizeof(words)) {
			fprintf(stderr, "vpmprobe: bad OFF=VAL '%s'\n", argv[a]);
			return 2;
		}
		val = parse_value(eq + 1);
		memcpy(buf + off, &val, sizeof(val));
	}
	if (ioctl(fd, cmd, buf) < 0) {
		printf("%s\n", strerrorname_np(errno));
		return 0;
	}
	printf("OK");
	for (i = 0; i + 4 <= size && i < 64; i += 4) {
		uint32_t w;

		memcpy(&w, buf + i, sizeof(w));
		printf(" %x", w);
	}
	printf("\n");
	return 0;
}
