/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the vpm user-space tools. */
#ifndef _VPM_TOOLS_H
#define _VPM_TOOLS_H

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* _VPM_TOOLS_H */
