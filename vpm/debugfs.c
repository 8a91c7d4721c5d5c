// SPDX-License-Identifier: GPL-2.0
/*
 * vpm: the debugfs directory /sys/kernel/debug/vpm.
 *
 * Statistics files hang off this directory.  debugfs is a debugging aid:
 * when it is missing or fails, vpm works the same, without the files.
 */

#include <linux/debugfs.h>

#include "vpm_internal.h"

struct dentry *vpm_debugfs_root;

void vpm_debugfs_init(void)
{
	vpm_debugfs_root = debugfs_create_dir("vpm", NULL);
}

void vpm_debugfs_exit(void)
{
	debugfs_remove(vpm_debugfs_root);
	vpm_debugfs_root = NULL;
}
