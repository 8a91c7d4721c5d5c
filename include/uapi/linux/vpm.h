/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vpm: user API of the control device /dev/vpm.
 *
 * Every argument is a fixed-size structure of __u32/__u64 with explicit
 * padding.  Reserved fields and unknown flag bits must be zero, or the
 * ioctl fails with EINVAL; unknown commands fail with ENOTTY.
 */
#ifndef _UAPI_LINUX_VPM_H
#define _UAPI_LINUX_VPM_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define VPM_IOCTL_MAGIC		0xB7

/**
 * struct vpm_version - version of the loaded module and of its user API
 * @major: major version of the module
 * @minor: minor version of the module
 * @patch: patch level of the module
 * @api: version of this user API; grows when a command is added
 * @reserved: must be zero on input, zero on output
 */
struct vpm_version {
	__u32 major;
	__u32 minor;
	__u32 patch;
	__u32 api;
	__u64 reserved[2];
};

#define VPM_API_VERSION		1

/*
 * Flags of a sync request (the seed's SM_* flags).  With none, the range is
 * written back and waited for.
 */
#define VPM_SYNC_ASYNC		0x01	/* start writeback, do not wait */
#define VPM_SYNC_INVAL		0x02	/* then drop the clean pages */
#define VPM_SYNC_DESTROY	0x04	/* drop the pages without writing */
#define VPM_SYNC_FREE		0x08	/* then free the pages, best effort */
#define VPM_SYNC_DONTNEED	0x10	/* then release their cache entries */
#define VPM_SYNC_FLAGS		0x1f

/* Fill in struct vpm_version.  Errors: EFAULT, EINVAL (reserved != 0). */
#define VPM_CTL_VERSION		_IOWR(VPM_IOCTL_MAGIC, 0x00, struct vpm_version)

#endif /* _UAPI_LINUX_VPM_H */
