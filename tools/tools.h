/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the vpm user-space tools. */
#ifndef _VPM_TOOLS_H
#define _VPM_TOOLS_H

#include <endian.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* splitmix64's finalizer: the bits of the data pattern. */
static inline uint64_t vpm_pattern_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Word @w (bytes 8w to 8w + 7, lowest first) of pattern @seed. */
static inline uint64_t vpm_pattern_word(uint64_t seed, uint64_t w)
{
	return vpm_pattern_mix(seed * 0x100000001b3ULL + w);
}

/* Byte @o of pattern @seed, alone. */
static inline uint8_t vpm_pattern_byte(uint64_t seed, uint64_t o)
{
	return vpm_pattern_word(seed, o >> 3) >> ((o & 7) * 8);
}

/*
 * The data pattern of the e2e checks (vpmpat, vpmmap, vpmstress and the
 * host checks): byte @off of pattern @seed depends on both, so a block
 * written to the wrong place is caught.  Fills @len bytes from @off.
 *
 * The 8 bytes of an aligned word are the mix of its number, lowest byte
 * first: one mix per word, not one per byte, for the same bytes.  In a
 * TCG guest generating and checking patterns was much of the checks' time.
 */
static inline void vpm_pattern(uint64_t seed, uint64_t off, uint8_t *buf,
			       size_t len)
{
	size_t i = 0;

	for (; i < len && ((off + i) & 7); i++)
		buf[i] = vpm_pattern_byte(seed, off + i);
	for (; len - i >= 8; i += 8) {
		uint64_t x = htole64(vpm_pattern_word(seed, (off + i) >> 3));

		memcpy(buf + i, &x, sizeof(x));
	}
	for (; i < len; i++)
		buf[i] = vpm_pattern_byte(seed, off + i);
}

#endif /* _VPM_TOOLS_H */
