// SPDX-License-Identifier: GPL-2.0
/*
 * vpm: module init and exit.
 *
 * vpm.ko brings two classic kernel VM subsystems to Linux: the illumos vpmap
 * cache (temporary kernel mappings of file pages, cached with per-CPU
 * freelists) and a FreeBSD-style pager that moves an object's pages to and
 * from a block device with one bio per contiguous run.  This file only
 * brings the pieces up in order and takes them down in reverse:
 *
 *   debugfs directory -> vpm cache -> pager -> control device /dev/vpm
 *
 * The control device comes last because it is what user space can reach.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>

#include "vnode_pager.h"
#include "vpm_internal.h"
#include "vpm_version.h"

/* The tracepoints of the whole module are defined here, once. */
#define CREATE_TRACE_POINTS
#include "trace/events/vpm.h"

static int __init vpm_init(void)
{
	int err;

	vpm_debugfs_init();

	err = vpm_cache_init();
	if (err)
		goto out_debugfs;

	err = vnode_pager_init();
	if (err)
		goto out_cache;

	err = vpm_ctl_init();
	if (err)
		goto out_pager;

	pr_info("version %s loaded\n", VPM_VERSION);
	return 0;

out_pager:
	vnode_pager_exit();
out_cache:
	vpm_cache_exit();
out_debugfs:
	vpm_debugfs_exit();
	return err;
}

static void __exit vpm_exit(void)
{
	vpm_ctl_exit();
	/* Unload writes back and detaches every object (none is open). */
	vpm_object_detach_all();
	vnode_pager_exit();
	vpm_cache_exit();
	vpm_debugfs_exit();
}

module_init(vpm_init);
module_exit(vpm_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The vpm developers");
MODULE_DESCRIPTION("vpmap cache of file pages and block-backed pager");
MODULE_VERSION(VPM_VERSION);
