/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpm: declarations shared by the files of vpm.ko and its KUnit suites.
 * Nothing here is exported to other modules.
 */
#ifndef _VPM_INTERNAL_H
#define _VPM_INTERNAL_H

#include <linux/miscdevice.h>
#include <linux/types.h>

struct dentry;

/* Tunables of the vpm cache (vpm/cache.c), fixed once the module is loaded. */
extern bool vpm_enable;
extern bool vpm_cache_enable;
extern unsigned int vpm_cache_percent;
extern int vpm_nfreelist;

#define VPM_CACHE_PERCENT_DEFAULT	12

/* vpm/debugfs.c: /sys/kernel/debug/vpm; NULL or an error pointer without it. */
extern struct dentry *vpm_debugfs_root;
void vpm_debugfs_init(void);
void vpm_debugfs_exit(void);

/* vpm/ctl.c: the control device /dev/vpm. */
extern struct miscdevice vpm_ctl_misc;
int vpm_ctl_init(void);
void vpm_ctl_exit(void);

#endif /* _VPM_INTERNAL_H */
