/* SPDX-License-Identifier: GPL-2.0 */
/* File systems and block devices for the pager's KUnit suites. */
#ifndef _VPM_TEST_FS_H
#define _VPM_TEST_FS_H

#include <kunit/test.h>
#include <linux/fs.h>

/* The byte a file made by vpm_test_create_file() holds at @pos. */
static inline u8 vpm_test_file_pattern(loff_t pos)
{
	return (u8)(pos * 13 + (pos >> 10) * 7 + 5);
}

struct vfsmount *vpm_test_mount_ubd(int index);
struct file *vpm_test_create_file(struct kunit *test, struct vfsmount *mnt,
				  const char *name, loff_t size);
struct file *vpm_test_stop_writing(struct kunit *test, struct vfsmount *mnt,
				   const char *name, struct file *file);
int vpm_test_fill(struct kunit *test, struct file *file, loff_t pos,
		  loff_t len);
struct file *vpm_test_open_bdev(struct kunit *test, dev_t dev);
dev_t vpm_test_disk_devt(const char *name);

#endif /* _VPM_TEST_FS_H */
