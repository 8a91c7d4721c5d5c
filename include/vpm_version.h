/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place the vpm version is written.  The module (MODULE_VERSION and
 * VPM_CTL_VERSION), vpmctl and the packaging all read it from here.
 */
#ifndef _VPM_VERSION_H
#define _VPM_VERSION_H

#define VPM_VERSION_MAJOR 0
#define VPM_VERSION_MINOR 1
#define VPM_VERSION_PATCH 0

#define __VPM_STR(x) #x
#define __VPM_VERSION(a, b, c) __VPM_STR(a) "." __VPM_STR(b) "." __VPM_STR(c)
#define VPM_VERSION \
	__VPM_VERSION(VPM_VERSION_MAJOR, VPM_VERSION_MINOR, VPM_VERSION_PATCH)

#endif /* _VPM_VERSION_H */
