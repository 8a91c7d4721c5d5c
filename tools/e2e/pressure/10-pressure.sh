# SPDX-License-Identifier: GPL-2.0
# Memory pressure: a 256 MiB guest moves 384 MiB through vpm.  The cache's
# shrinker gives entries back, nothing is killed, the data is intact.
. /e2e/lib.sh

MB=1048576
SIZE=$((384 * MB))
modprobe virtio_blk 2>/dev/null
vpm_load

pressure_releases_entries_and_keeps_data() {
	OBJ=$(vpmctl attach /dev/vde) || return 1
	vpmpat fill "$OBJ" 70 0 $SIZE > /dev/null || return 1
	out=$(vpmpat check "$OBJ" 70 0 $SIZE) || { echo "$out"; return 1; }
	out=$(vpmpat check "$OBJ" 70 0 $SIZE) || { echo "$out"; return 1; }
	s=$(vpmctl stats)
	r=$(echo "$s" | value_of cache.shrinker_released)
	echo "E2E INFO pressure: 256 MiB guest, $((SIZE / MB)) MiB written and read twice, cache of $(echo "$s" | value_of cache.entries) entries, shrinker released $r" >&9
	vpmctl detach "$OBJ" || return 1
	[ "$r" -gt 0 ] || { echo "the shrinker released nothing"; return 1; }
	host_check host_pressure_data vde.img check 70 0 $SIZE
}

check pressure_releases_entries_and_keeps_data pressure_releases_entries_and_keeps_data
vpm_unload
true
