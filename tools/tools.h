/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the vpm user-space tools. */
#ifndef _VPM_TOOLS_H
#define _VPM_TOOLS_H

#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* splitmix64's finalizer: the bits of the data pattern. */
static inline uint64_t vpm_pattern_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * The data pattern of the e2e checks (vpmpat, vpmmap, vpmstress and the
 * host checks): byte @off of pattern @seed depends on both, so a block
 * written to the wrong place is caught.  Fills @len bytes from @off.
 */
static inline void vpm_pattern(uint64_t seed, uint64_t off, uint8_t *buf,
			       size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		uint64_t o = off + i;

		buf[i] = vpm_pattern_mix(seed * 0x100000001b3ULL + (o >> 3)) >>
			 ((o & 7) * 8);
	}
}

#endif /* _VPM_TOOLS_H */
