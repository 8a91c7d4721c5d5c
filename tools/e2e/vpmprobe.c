// SPDX-License-Identifier: GPL-2.0
/*
 * vpmprobe - send hand-made ioctl arguments to vpm devices (e2e helper).
 *
 *   vpmprobe ioctl PATH CMD [OFF=VAL]...
 *
 * CMD is a command name from <linux/vpm.h> without its prefix (VERSION) or
 * a number.  The argument buffer is zeroed, sized by _IOC_SIZE(CMD), and
 * each OFF=VAL stores a 32-bit VAL at byte offset OFF.  Prints "OK" and the
 * buffer as 32-bit words in hex, or the errno name (ENOTTY, EINVAL...).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vpm.h>

#include "tools.h"

static const struct {
	const char *name;
	unsigned long cmd;
} cmds[] = {
	{ "VERSION", VPM_CTL_VERSION },
};

static unsigned long parse_cmd(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (!strcmp(s, cmds[i].name))
			return cmds[i].cmd;
	return strtoul(s, NULL, 0);
}

int main(int argc, char **argv)
{
	uint64_t words[512];
	unsigned char *buf = (unsigned char *)words;
	unsigned long cmd;
	size_t size, i;
	int fd, a;

	if (argc < 4 || strcmp(argv[1], "ioctl")) {
		fprintf(stderr, "usage: vpmprobe ioctl PATH CMD [OFF=VAL]...\n");
		return 2;
	}
	cmd = parse_cmd(argv[3]);
	size = _IOC_SIZE(cmd);
	memset(words, 0, sizeof(words));
	for (a = 4; a < argc; a++) {
		unsigned long off = strtoul(argv[a], NULL, 0);
		const char *eq = strchr(argv[a], '=');
		uint32_t val;

		if (!eq || off + 4 > sizeof(words)) {
			fprintf(stderr, "vpmprobe: bad OFF=VAL '%s'\n", argv[a]);
			return 2;
		}
		val = strtoul(eq + 1, NULL, 0);
		memcpy(buf + off, &val, sizeof(val));
	}
	fd = open(argv[2], O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("open:%s\n", strerrorname_np(errno));
		return 1;
	}
	if (ioctl(fd, cmd, buf) < 0) {
		printf("%s\n", strerrorname_np(errno));
		return 0;
	}
	printf("OK");
	for (i = 0; i + 4 <= size; i += 4) {
		uint32_t w;

		memcpy(&w, buf + i, sizeof(w));
		printf(" %x", w);
	}
	printf("\n");
	return 0;
}
