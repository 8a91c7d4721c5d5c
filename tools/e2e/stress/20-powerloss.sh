# SPDX-License-Identifier: GPL-2.0
# Power loss: null_blk keeps written sectors in a volatile cache until a
# flush, and loses the cache when powered off.  (It writes over sectors its
# store already holds directly, so every cycle discards the device first:
# then every write goes through the cache.)  Each cycle attaches the
# device, writes a synced region (fsync) and an unsynced one, writes part of
# the unsynced one back without a flush, and cuts the power with the object
# still attached.  After the power comes back the synced region must be
# exact, the unsynced one old or new per sector, never garbage; and the part
# written back but never flushed must be lost: that control shows the test
# would see a missing flush.
. /e2e/lib.sh
. /e2e/suite/stress.lib

CYCLES=${STRESS_POWER_CYCLES:-60}
R=$((4 * MB))		# each region

modprobe null_blk nr_devices=0 2>/dev/null
vpm_load

# One cycle; prints "control NEW" (sectors of the written-back, unflushed
# part that survived) or what went wrong.
power_cycle() {
	c=$1
	back=$((c % 4 * MB))
	blkdiscard /dev/pl || return 1
	OBJ=$(vpmctl attach /dev/pl) || return 1
	vpmpat randwrite "$OBJ" $((1000 + c)) 20 16384 fsync 0 $R > /dev/null ||
		return 1
	vpmpat fill "$OBJ" $((5000 + c)) $R $R nosync > /dev/null || return 1
	# Written back to the device's cache, never flushed.
	vpmctl sync "$OBJ" --async --offset $R --length $back || return 1
	# The power goes with the object attached and pages still dirty.
	nullb_power pl 0 || return 1
	# The disk was gone: the report of the unflushed bytes lost is expected.
	vpmctl detach "$OBJ" > /dev/null 2>&1
	nullb_power pl 1 || return 1
	out=$(vpmpat verify /dev/pl /dev/zero $((1000 + c)) 20 16384 0 $R) ||
		{ echo "synced: $out"; return 1; }
	out=$(vpmpat sectors /dev/pl /dev/zero $((5000 + c)) $R $R) ||
		{ echo "unsynced: $out"; return 1; }
	[ $back -eq 0 ] && { echo "control 0"; return 0; }
	out=$(vpmpat sectors /dev/pl /dev/zero $((5000 + c)) $R $back) ||
		{ echo "written back: $out"; return 1; }
	# shellcheck disable=SC2086
	set -- $out
	echo "control $2"
}

power_cycles_lose_nothing_synced() {
	nullb_make pl 16 cache_size=16 discard=1 || return 1
	bad=0
	survived=0
	c=0
	while [ $c -lt "$CYCLES" ]; do
		out=$(power_cycle $c 2>&1)
		case $out in
		"control "*) survived=$((survived + ${out#control })) ;;
		*) echo "cycle $c: $out"; bad=$((bad + 1)); vpmctl detach --all 2>/dev/null ;;
		esac
		c=$((c + 1))
	done
	figure "power loss: $CYCLES cycles cut with the object attached, $bad with lost synced bytes or garbage; $survived sectors written back but never flushed survived (must be 0)"
	nullb_remove pl
	[ $bad -eq 0 ] && [ $survived -eq 0 ]
}

check power_cycles_lose_nothing_synced power_cycles_lose_nothing_synced
vpmctl detach --all 2>/dev/null
vpm_unload
true
