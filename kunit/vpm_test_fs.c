// SPDX-License-Identifier: GPL-2.0
/*
 * File systems and block devices for the pager's KUnit suites.
 *
 * tools/kunit.sh makes two ext4 images on the host, one with 4 KiB and one
 * with 1 KiB blocks, and hands them to the UML kernel as ubd devices.  The
 * suites mount them through a device node made on the root file system,
 * create files in them, and open brd and null_blk devices that the kernel
 * command line sets up.
 */

#include <linux/blkdev.h>
#include <linux/device.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/major.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/slab.h>

#include "vpm_test.h"
#include "vpm_test_fs.h"

#define UBD_MAJOR_NR	98
#define UBD_SHIFT	4

static int vpm_test_mknod(const char *name, dev_t dev)
{
	struct dentry *dentry;
	struct path path;
	int err;

	dentry = kern_path_create(AT_FDCWD, name, &path, 0);
	if (IS_ERR(dentry))
		return PTR_ERR(dentry) == -EEXIST ? 0 : PTR_ERR(dentry);
	err = vfs_mknod(mnt_idmap(path.mnt), d_inode(path.dentry), dentry,
			S_IFBLK | 0600, dev);
	done_path_create(&path, dentry);
	return err;
}

/**
 * vpm_test_mount_ubd() - mount the ext4 image of one ubd device
 * @index: the ubd device (0: 4 KiB blocks, 1: 1 KiB blocks)
 *
 * Return: the mount, or an ERR_PTR.
 */
struct vfsmount *vpm_test_mount_ubd(int index)
{
	struct file_system_type *ext4 = get_fs_type("ext4");
	char name[32];
	struct vfsmount *mnt;
	int err;

	if (!ext4)
		return ERR_PTR(-ENODEV);
	snprintf(name, sizeof(name), "/vpm-ubd%d", index);
	err = vpm_test_mknod(name, MKDEV(UBD_MAJOR_NR, index << UBD_SHIFT));
	if (err) {
		put_filesystem(ext4);
		return ERR_PTR(err);
	}
	mnt = vfs_kern_mount(ext4, 0, name, NULL);
	put_filesystem(ext4);
	return mnt;
}

static void vpm_test_fput(void *file)
{
	fput(file);
}

/**
 * vpm_test_create_file() - a new file of @size bytes in @mnt
 * @test: the test; the file is closed when it ends
 * @mnt: the file system
 * @name: its name, unique in the file system
 * @size: bytes of vpm_test_file_pattern() written, then fsynced
 *
 * Return: the file, open for reading and writing; the test fails if it
 * cannot be made.
 */
struct file *vpm_test_create_file(struct kunit *test, struct vfsmount *mnt,
				  const char *name, loff_t size)
{
	struct file *file;

	file = file_open_root_mnt(mnt, name,
				  O_CREAT | O_TRUNC | O_RDWR | O_LARGEFILE,
				  0600);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	vpm_test_defer(test, vpm_test_fput, file);
	if (size)
		KUNIT_ASSERT_EQ(test, vpm_test_fill(test, file, 0, size), 0);
	return file;
}

/**
 * vpm_test_stop_writing() - close a file made by vpm_test_create_file()
 * @test: the test
 * @mnt: its file system
 * @name: its name
 * @file: the file, open for writing; closed now, for good
 *
 * An attached file may only change its size while nobody else has it open
 * for writing, as after vpmctl attach has exited.
 *
 * Return: the same file open read-only, closed when the test ends.
 */
struct file *vpm_test_stop_writing(struct kunit *test, struct vfsmount *mnt,
				   const char *name, struct file *file)
{
	struct file *ro = file_open_root_mnt(mnt, name, O_RDONLY | O_LARGEFILE,
					     0);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ro);
	vpm_test_defer(test, vpm_test_fput, ro);
	kunit_release_action(test, vpm_test_fput, file);
	/* A kthread's last fput is deferred: the writer goes now. */
	flush_delayed_fput();
	return ro;
}

/**
 * vpm_test_fill() - write the pattern over a range of a file and fsync
 * @test: the test
 * @file: the file
 * @pos: first byte
 * @len: bytes
 *
 * Return: 0 or a negative errno.
 */
int vpm_test_fill(struct kunit *test, struct file *file, loff_t pos,
		  loff_t len)
{
	u8 *buf = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	loff_t end = pos + len;

	if (!buf)
		return -ENOMEM;
	while (pos < end) {
		size_t n = min_t(loff_t, PAGE_SIZE, end - pos);
		loff_t p = pos;
		size_t i;
		ssize_t done;

		for (i = 0; i < n; i++)
			buf[i] = vpm_test_file_pattern(pos + i);
		done = kernel_write(file, buf, n, &p);
		if (done != n)
			return done < 0 ? done : -EIO;
		pos += n;
	}
	return vfs_fsync(file, 0);
}

/**
 * vpm_test_open_bdev() - open a block device as user space would
 * @test: the test; the device is closed when it ends
 * @dev: the device number
 *
 * Return: the device file, open for reading and writing, not exclusive.
 */
struct file *vpm_test_open_bdev(struct kunit *test, dev_t dev)
{
	struct file *file;

	file = bdev_file_open_by_dev(dev, BLK_OPEN_READ | BLK_OPEN_WRITE,
				     NULL, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	vpm_test_defer(test, vpm_test_fput, file);
	return file;
}

/**
 * vpm_test_disk_devt() - the device number of a disk, by name
 * @name: the disk's name, such as "nullb0"
 *
 * Return: the device number, or 0 if there is no such disk.
 */
dev_t vpm_test_disk_devt(const char *name)
{
	struct device *dev = class_find_device_by_name(&block_class, name);
	dev_t devt;

	if (!dev)
		return 0;
	devt = dev->devt;
	put_device(dev);
	return devt;
}
