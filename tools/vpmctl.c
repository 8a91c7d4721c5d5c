// SPDX-License-Identifier: GPL-2.0
/*
 * vpmctl - control vpm objects through /dev/vpm.
 *
 * One subcommand per verb, each with its own --help.  Results go to stdout,
 * one line per result; errors go to stderr as "vpmctl: VERB OBJECT: reason"
 * and the exit status is 1.
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vpm.h>

#include "tools.h"

#include "vpm_version.h"

#define VPM_CTL_PATH	"/dev/vpm"

struct command {
	const char *name;
	const char *args;
	const char *summary;
	int (*run)(int argc, char **argv);
};

static const struct command *current;

static void die_errno(int err, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vpmctl: %s ", current ? current->name : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err));
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
}

/*
 * Parse the options every subcommand shares (--help); return the index of
 * the first operand.  A subcommand with options of its own parses them with
 * getopt_long itself.
 */
static int parse_no_options(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			print_command_help(current);
			exit(0);
		}
		usage_error("unknown option");
	}
	return optind;
}

static int cmd_version(int argc, char **argv)
{
	struct vpm_version ver;
	int fd;

	if (parse_no_options(argc, argv) != argc)
		usage_error("takes no operands");

	printf("vpmctl %s\n", VPM_VERSION);
	fd = open(VPM_CTL_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			printf("module not loaded\n");
			return 0;
		}
		die_errno(errno, "%s", VPM_CTL_PATH);
	}
	memset(&ver, 0, sizeof(ver));
	if (ioctl(fd, VPM_CTL_VERSION, &ver) < 0)
		die_errno(errno, "%s", VPM_CTL_PATH);
	close(fd);
	printf("module %u.%u.%u api %u\n", ver.major, ver.minor, ver.patch,
	       ver.api);
	return 0;
}

static const struct command commands[] = {
	{ "version", "", "Print the versions of vpmctl and of the loaded module.",
	  cmd_version },
};

#define NCOMMANDS ARRAY_SIZE(commands)

static void print_help(FILE *out)
{
	size_t i;

	fprintf(out, "Usage: vpmctl COMMAND [OPTIONS] [ARGS]\n\n"
		"Control vpm, the vpmap cache and block-backed pager.\n\n"
		"Commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out, "\n'vpmctl COMMAND --help' describes one command.\n");
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

	for (i = 0; i < NCOMMANDS; i++) {
		if (!strcmp(argv[1], commands[i].name)) {
			current = &commands[i];
			return current->run(argc - 1, argv + 1);
		}
	}
	usage_error("unknown command '%s'", argv[1]);
	return 1;
}
