// SPDX-License-Identifier: GPL-2.0
/*
 * vpm: the control device /dev/vpm.
 *
 * A misc device with a dynamic minor.  Every ioctl copies its argument in,
 * checks reserved fields and flags before acting and copies the result out;
 * unknown commands get -ENOTTY.  The argument structures need no
 * translation for 32-bit callers, so compat_ptr_ioctl serves them.
 */

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <uapi/linux/vpm.h>

#include "vpm_internal.h"
#include "vpm_version.h"

static long vpm_ctl_version(struct vpm_version __user *uarg)
{
	struct vpm_version ver;

	if (copy_from_user(&ver, uarg, sizeof(ver)))
		return -EFAULT;
	if (memchr_inv(ver.reserved, 0, sizeof(ver.reserved)))
		return -EINVAL;

	ver.major = VPM_VERSION_MAJOR;
	ver.minor = VPM_VERSION_MINOR;
	ver.patch = VPM_VERSION_PATCH;
	ver.api = VPM_API_VERSION;

	if (copy_to_user(uarg, &ver, sizeof(ver)))
		return -EFAULT;
	return 0;
}

static long vpm_ctl_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VPM_CTL_VERSION:
		return vpm_ctl_version(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations vpm_ctl_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= vpm_ctl_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

struct miscdevice vpm_ctl_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "vpm",
	.fops	= &vpm_ctl_fops,
	.mode	= 0600,
};

int vpm_ctl_init(void)
{
	return misc_register(&vpm_ctl_misc);
}

void vpm_ctl_exit(void)
{
	misc_deregister(&vpm_ctl_misc);
}
