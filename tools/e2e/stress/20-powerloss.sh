# SPDX-License-Identifier: GPL-2.0
# Power loss: null_blk keeps data in a volatile cache until flushed, and
# loses the cache when powered off.  Each cycle writes a synced region and
# an unsynced one, drops vpm's dirty pages (the RAM lost with the power),
# powers the device off and on, and reads back: the synced region must be
# exact, the unsynced one old or new per sector, never garbage.
. /e2e/lib.sh
. /e2e/suite/stress.lib

CYCLES=${STRESS_POWER_CYCLES:-100}
R=$((4 * MB))		# each region

modprobe null_blk nr_devices=0 2>/dev/null
vpm_load

power_cycles_lose_nothing_synced() {
	nullb_make pl 16 cache_size=2 || return 1
	vpmpat fill /dev/pl 50 0 $((16 * MB)) > /dev/null || return 1
	bad=0
	c=0
	while [ $c -lt "$CYCLES" ]; do
		OBJ=$(vpmctl attach /dev/pl) || return 1
		dd if="$OBJ" of=/tmp/sync.old bs=64k count=$((R / 65536)) 2>/dev/null
		dd if="$OBJ" of=/tmp/unsync.old bs=64k skip=$((R / 65536)) \
			count=$((R / 65536)) 2>/dev/null
		vpmpat randwrite "$OBJ" $((1000 + c)) 20 16384 fsync 0 $R > /dev/null ||
			return 1
		vpmpat fill "$OBJ" $((5000 + c)) $R $R nosync > /dev/null || return 1
		# Some of it reaches the device's cache, unflushed.
		vpmctl sync "$OBJ" --async --offset $R --length $((c % 4 * MB)) || return 1
		vpmctl sync "$OBJ" --destroy || return 1
		vpmctl detach "$OBJ" || return 1
		nullb_power pl 0 && nullb_power pl 1 || return 1
		out=$(vpmpat verify /dev/pl /tmp/sync.old $((1000 + c)) 20 16384 0 $R) || {
			echo "cycle $c synced: $out"; bad=$((bad + 1)); }
		out=$(vpmpat sectors /dev/pl /tmp/unsync.old $((5000 + c)) $R $R) || {
			echo "cycle $c unsynced: $out"; bad=$((bad + 1)); }
		c=$((c + 1))
	done
	figure "power loss: $CYCLES cycles, $bad with lost synced bytes or garbage (last unsynced region: $out)"
	nullb_remove pl
	[ $bad -eq 0 ]
}

check power_cycles_lose_nothing_synced power_cycles_lose_nothing_synced
vpmctl detach --all 2>/dev/null
vpm_unload
true
