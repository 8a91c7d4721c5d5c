// SPDX-License-Identifier: GPL-2.0
/*
 * vpm: the control device /dev/vpm.
 *
 * A misc device with a dynamic minor: attach a backing store (making
 * /dev/vpmN), detach it, list the objects, read the counters and the
 * queue lengths of the freelists.  Every ioctl copies its argument in,
 * checks reserved fields and flags before acting and copies the result
 * out; unknown commands get -ENOTTY.  Attach and detach need
 * CAP_SYS_ADMIN; the rest only an open /dev/vpm.  The argument structures
 * need no translation for 32-bit callers, so compat_ptr_ioctl serves them.
 */

#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
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

static long vpm_ctl_attach(struct vpm_attach __user *uarg)
{
	struct vpm_attach req;
	struct file *file;
	long err;
	int id;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if ((req.flags & ~VPM_ATTACH_FLAGS) || req.id || req.reserved0 ||
	    memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	file = fget(req.fd);
	if (!file)
		return -EBADF;
	id = vpm_object_attach(file, req.flags);
	fput(file);
	if (id < 0)
		return id;
	req.id = id;
	if (copy_to_user(uarg, &req, sizeof(req))) {
		struct vpm_detach reply = { };

		/* The caller cannot learn the number: undo the attach. */
		err = vpm_object_detach(id, 0, &reply);
		return err ?: -EFAULT;
	}
	return 0;
}

/*
 * VPM_CTL_DETACH, or with @v1 the VPM_CTL_DETACH_V1 of API version 2: no
 * flags and no reply, the out fields then reserved (zero all the same).
 * The reply is written back whenever an object was found, also when its
 * detach is refused; the argument is written once before anything is
 * done, so that a detach never succeeds unreported for a buffer that
 * cannot be written.
 */
static long vpm_ctl_detach(struct vpm_detach __user *uarg, bool v1)
{
	unsigned int known = v1 ? 0 : VPM_DETACH_FLAGS;
	struct vpm_detach req;
	long err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if ((req.flags & ~known) || req.lost_bytes || req.dirty_pages ||
	    req.error)
		return -EINVAL;
	if (v1)
		return vpm_object_detach(req.id, 0, &req);
	if (copy_to_user(uarg, &req, sizeof(req)))
		return -EFAULT;
	err = vpm_object_detach(req.id, req.flags, &req);
	if (err == -ENXIO || err == -EBUSY)
		return err;
	/* Gone already: a buffer unmapped meanwhile loses only the reply. */
	if (copy_to_user(uarg, &req, sizeof(req)) && err)
		return -EFAULT;
	return err;
}

static long vpm_ctl_info(struct vpm_info __user *uarg)
{
	struct vpm_info req;
	u32 count;
	int err;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.flags || memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	err = vpm_object_list(u64_to_user_ptr(req.objects), req.count, &count);
	if (err)
		return err;
	req.count = count;
	return copy_to_user(uarg, &req, sizeof(req)) ? -EFAULT : 0;
}

static void vpm_fill_cache_stats(struct vpm_stats *st)
{
	struct vpm_cache *cache = vpm_cache;
	unsigned int alloc, rele, want, i;
	int s;

	st->ncache = VPM_CSTAT_NR;
	if (!cache)
		return;
	st->cache[VPM_CSTAT_ENTRIES] = cache->nentries;
	st->cache[VPM_CSTAT_FREELISTS] = cache->nfreelist;
	st->cache[VPM_CSTAT_MODE] = READ_ONCE(cache->mode);
	for (i = 0; i < cache->nfreelist; i++) {
		vpm_cache_count_queues(cache, i, &alloc, &rele, &want);
		st->cache[VPM_CSTAT_FREE_ALLOC] += alloc;
		st->cache[VPM_CSTAT_FREE_RELEASE] += rele;
		st->cache[VPM_CSTAT_WAITERS] += want;
	}
	for (s = 0; s < VPM_STAT_NR_V1; s++)
		st->cache[VPM_CSTAT_HITS + s] = vpm_cache_stat(cache, s);
	st->cache[VPM_CSTAT_ENTRY_BYTES] = VPM_CACHE_ENTRY_BYTES;
	st->cache[VPM_CSTAT_FOOTPRINT_BYTES] = cache->footprint;
	/* Counters added later follow the byte figures. */
	for (s = VPM_STAT_NR_V1; s < VPM_STAT_NR; s++)
		st->cache[VPM_CSTAT_RECLAIMED + s - VPM_STAT_RECLAIMED] =
			vpm_cache_stat(cache, s);
}

static long vpm_ctl_stats(struct vpm_stats __user *uarg)
{
	struct vpm_stats *st;
	long err;

	st = memdup_user(uarg, sizeof(*st));
	if (IS_ERR(st))
		return PTR_ERR(st);
	err = -EINVAL;
	if (st->ncache || st->npager ||
	    memchr_inv(st->reserved, 0, sizeof(st->reserved)))
		goto out_free;
	memset(st, 0, sizeof(*st));
	vpm_fill_cache_stats(st);
	vpm_fill_pager_stats(NULL, st);
	err = copy_to_user(uarg, st, sizeof(*st)) ? -EFAULT : 0;
out_free:
	kfree(st);
	return err;
}

/* The queue lengths of each freelist, as debugfs "freelists" shows them. */
static long vpm_ctl_freelists(struct vpm_freelists __user *uarg)
{
	struct vpm_freelist_info __user *ulist;
	struct vpm_cache *cache = vpm_cache;
	struct vpm_freelist_info fi;
	struct vpm_freelists req;
	u32 n, i;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.flags || memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	ulist = u64_to_user_ptr(req.freelists);
	n = cache ? cache->nfreelist : 0;
	memset(&fi, 0, sizeof(fi));
	for (i = 0; i < min(req.count, n); i++) {
		vpm_cache_count_queues(cache, i, &fi.alloc, &fi.release,
				       &fi.waiters);
		if (copy_to_user(&ulist[i], &fi, sizeof(fi)))
			return -EFAULT;
	}
	req.count = n;
	return copy_to_user(uarg, &req, sizeof(req)) ? -EFAULT : 0;
}

static long vpm_ctl_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VPM_CTL_VERSION:
		return vpm_ctl_version(uarg);
	case VPM_CTL_ATTACH:
		return vpm_ctl_attach(uarg);
	case VPM_CTL_DETACH:
		return vpm_ctl_detach(uarg, false);
	case VPM_CTL_DETACH_V1:
		return vpm_ctl_detach(uarg, true);
	case VPM_CTL_INFO:
		return vpm_ctl_info(uarg);
	case VPM_CTL_STATS:
		return vpm_ctl_stats(uarg);
	case VPM_CTL_FREELISTS:
		return vpm_ctl_freelists(uarg);
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
