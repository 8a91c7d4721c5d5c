// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite vpm_module: what loading vpm sets up.
 *
 * vpm is built into the UML test kernel, so its init has run when the
 * suites run: the debugfs directory and the control device exist, and the
 * tunables hold their defaults (the test kernel sets none).
 */

#include <kunit/test.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>

#include <uapi/linux/vpm.h>

#include "vpm_internal.h"

static void debugfs_directory_is_created(struct kunit *test)
{
	struct dentry *dir;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vpm_debugfs_root);
	dir = debugfs_lookup("vpm", NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dir);
	KUNIT_EXPECT_PTR_EQ(test, dir, vpm_debugfs_root);
	KUNIT_EXPECT_TRUE(test, d_is_dir(dir));
	dput(dir);
}

static void control_device_is_registered(struct kunit *test)
{
	KUNIT_EXPECT_NE(test, vpm_ctl_misc.minor, MISC_DYNAMIC_MINOR);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vpm_ctl_misc.this_device);
	KUNIT_EXPECT_STREQ(test, dev_name(vpm_ctl_misc.this_device), "vpm");
	KUNIT_EXPECT_EQ(test, MAJOR(vpm_ctl_misc.this_device->devt),
			MISC_MAJOR);
	KUNIT_EXPECT_EQ(test, MINOR(vpm_ctl_misc.this_device->devt),
			vpm_ctl_misc.minor);
}

static void control_device_is_root_only(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vpm_ctl_misc.mode, 0600);
}

static void parameters_hold_defaults(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, vpm_enable);
	KUNIT_EXPECT_TRUE(test, vpm_cache_enable);
	KUNIT_EXPECT_EQ(test, vpm_cache_percent, VPM_CACHE_PERCENT_DEFAULT);
	KUNIT_EXPECT_EQ(test, vpm_nfreelist, 0);
}

static void uapi_structs_have_no_holes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct vpm_version), 32);
	KUNIT_EXPECT_EQ(test, _IOC_SIZE(VPM_CTL_VERSION),
			sizeof(struct vpm_version));
	KUNIT_EXPECT_EQ(test, _IOC_TYPE(VPM_CTL_VERSION), VPM_IOCTL_MAGIC);
}

static struct kunit_case vpm_module_cases[] = {
	KUNIT_CASE(debugfs_directory_is_created),
	KUNIT_CASE(control_device_is_registered),
	KUNIT_CASE(control_device_is_root_only),
	KUNIT_CASE(parameters_hold_defaults),
	KUNIT_CASE(uapi_structs_have_no_holes),
	{}
};

static struct kunit_suite vpm_module_suite = {
	.name = "vpm_module",
	.test_cases = vpm_module_cases,
};

kunit_test_suite(vpm_module_suite);
