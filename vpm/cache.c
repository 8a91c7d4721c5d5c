// SPDX-License-Identifier: GPL-2.0
/*
 * vpm: the vpmap cache.
 *
 * The tunables of the cache, as the illumos seed sets them in /etc/system.
 * They are read once, when the module is loaded.
 */

#include <linux/moduleparam.h>

#include "vpm_internal.h"

bool vpm_enable = true;
module_param(vpm_enable, bool, 0444);
MODULE_PARM_DESC(vpm_enable, "Map pages through vpm (default: Y)");

bool vpm_cache_enable = true;
module_param(vpm_cache_enable, bool, 0444);
MODULE_PARM_DESC(vpm_cache_enable,
		 "Cache page mappings in vpmap entries; N maps pages directly (default: Y)");

unsigned int vpm_cache_percent = VPM_CACHE_PERCENT_DEFAULT;
module_param(vpm_cache_percent, uint, 0444);
MODULE_PARM_DESC(vpm_cache_percent,
		 "Size of the vpm cache in percent of RAM, clamped to 64 MiB..256 GiB (default: 12)");

int vpm_nfreelist;
module_param(vpm_nfreelist, int, 0444);
MODULE_PARM_DESC(vpm_nfreelist,
		 "Number of freelists, rounded up to a power of two; 0 = one per possible CPU (default: 0)");
