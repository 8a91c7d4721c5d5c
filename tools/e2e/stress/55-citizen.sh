# SPDX-License-Identifier: GPL-2.0
# vpm among other users of the machine's memory.
#
# A memory cgroup with memory.max=64M streams the 512 MiB disk through
# /dev/vpmN three times (STRESS_CITIZEN_MB of it: the 6.1 and the debug
# kernels' runs read less): reclaim in the group takes the pages the cache's
# idle entries hold (vpm_release_folio), so nothing is killed and the data
# is right; the same with vpm_cache_enable=0 is the control.
#
# Cached pages migrate: with the object's pages cached, compaction runs
# and a memory block of the movable zone (movablecore= on the command
# line, tools/e2e/run.sh) that holds cached pages is taken offline.  The
# offline succeeds, the entries moved with their pages (the next read of
# the object is all hits), and the data is right.  The KASAN/lockdep
# kernel runs this part too (tools/e2e/run.sh).
. /e2e/lib.sh
. /e2e/suite/stress.lib

CG=/sys/fs/cgroup
SEED=55
SIZE=$((${STRESS_CITIZEN_MB:-512} * MB))
ORIG_SIZE=$(blockdev --getsize64 /dev/vde)

mount -t cgroup2 none $CG 2>/dev/null
echo +memory > $CG/cgroup.subtree_control

# Read the object in a group of at most 64 MiB, three times; prints
# "kills N max M steal P" from the group's files.
stream_in_group() { # OBJ
	g=$CG/vpm-stream
	rmdir $g 2>/dev/null
	mkdir $g || return 1
	echo 64M > $g/memory.max
	for pass in 1 2 3; do
		sh -c "echo \$\$ > $g/cgroup.procs && exec vpmpat check $1 $SEED 0 $SIZE > /dev/null" ||
			{ echo "pass $pass: vpmpat check exited $?"; return 1; }
	done
	kills=$(value_of oom_kill < $g/memory.events)
	max=$(value_of max < $g/memory.events)
	steal=$(value_of pgsteal < $g/memory.stat)
	echo "kills $kills max $max steal $steal"
	rmdir $g
}

# The disk with pattern SEED, SIZE of it: written once, outside any group.
fill_vde() {
	[ "$ORIG_SIZE" -ge "$SIZE" ] || { echo "/dev/vde: $ORIG_SIZE bytes"; return 1; }
	OBJ=$(vpmctl attach /dev/vde) || return 1
	vpmpat fill "$OBJ" $SEED 0 $SIZE > /dev/null || return 1
	vpmctl detach "$OBJ"
}

cgroup_stream_in_64m() {
	fill_vde || return 1
	OBJ=$(vpmctl attach --read-only /dev/vde) || return 1
	entries=$(stat_of cache.entries)
	out=$(stream_in_group "$OBJ" 2>&1) || { echo "$out"; return 1; }
	reclaimed=$(stat_of cache.reclaimed)
	shrunk=$(stat_of cache.shrinker_released)
	vpmctl detach "$OBJ" || return 1
	figure "cgroup: $((SIZE / MB)) MiB read 3 times in memory.max=64M with a cache of $((entries / 256)) MiB: $out; entries released by reclaim $reclaimed, by the shrinker $shrunk"
	set -- $out
	expect "OOM kills in the group" "$2" 0 || return 1
	[ "$6" -gt 0 ] || { echo "no reclaim in the group: $out"; return 1; }
	# The group's own reclaim, not the global shrinker, freed the pages.
	[ "$reclaimed" -gt $((entries / 2)) ] ||
		{ echo "reclaim released $reclaimed entries of $entries"; return 1; }
}

cgroup_stream_without_the_cache() {
	vpm_unload && vpm_load vpm_cache_enable=0 || return 1
	OBJ=$(vpmctl attach --read-only /dev/vde) || return 1
	out=$(stream_in_group "$OBJ" 2>&1) || { echo "$out"; return 1; }
	vpmctl detach "$OBJ" || return 1
	vpm_unload && vpm_load || return 1
	figure "cgroup control, vpm_cache_enable=0: $out"
	set -- $out
	expect "OOM kills in the group" "$2" 0
}

# The memory block a page frame is in, without a process per frame: on the
# KASAN kernel the 1,024 frames sampled took a minute at two a frame.
block_of() { echo $(($1 / BLOCK_PAGES)); }

migrate_cached_pages() {
	[ -e /sys/devices/system/memory/block_size_bytes ] ||
		{ echo "no memory hotplug in this kernel"; return 1; }
	BLOCK_PAGES=$((0x$(cat /sys/devices/system/memory/block_size_bytes) / 4096))
	# A disk of its own (the virtio disks belong to other checks and to
	# the host's checks of them), with a pattern.
	modprobe null_blk nr_devices=0 2>/dev/null
	nullb_make citizen 64 || return 1
	OBJ=$(vpmctl attach /dev/citizen) || return 1
	vpmpat fill "$OBJ" 56 0 $((64 * MB)) > /dev/null || return 1
	out=$(vpmpat check "$OBJ" 56 0 $((64 * MB))) || { echo "$out"; return 1; }
	cached0=$(stat_of cache.cached)
	# Where the cached pages are: 32 pages every 2 MiB of the object.
	off=0
	: > /tmp/blocks
	while [ $off -lt $((64 * MB)) ]; do
		vpmctl map "$OBJ" $off 131072 |
			sed -n 's/.* pfn=\(0x[0-9a-f]*\) cached hit.*/\1/p' |
			while read -r pfn; do block_of $((pfn)); done >> /tmp/blocks
		off=$((off + 2 * MB))
	done
	sampled=$(wc -l < /tmp/blocks)
	[ "$sampled" -ge 512 ] || { echo "$sampled pages sampled cached"; return 1; }
	# The movable blocks, those holding the most of them first.  The
	# kernel refuses some at once, before it moves anything: one with a
	# hole (firmware tables at the top of RAM) with EINVAL, one holding
	# memory reserved at boot with EBUSY; the next is tried.  A cached
	# page that cannot move makes the offline retry until the timeout.
	m0=$(stat_of cache.migrated)
	echo 1 > /proc/sys/vm/compact_memory
	m1=$(stat_of cache.migrated)
	best=
	tried=
	for b in $(sort -n /tmp/blocks | uniq -c | sort -rn | awk '{ print $2 }'); do
		d=/sys/devices/system/memory/memory$b
		grep -qw Movable $d/valid_zones 2>/dev/null || continue
		[ "$(cat $d/state)" = online ] || continue
		# EBUSY may be passing: a page in transit.  Twice more.
		for try in 1 2 3; do
			err=$(timeout 30 sh -c "echo offline > $d/state" 2>&1)
			rc=$?
			case "$err" in
			*"resource busy"*) sleep 1 ;;
			*) break ;;
			esac
		done
		tried="$tried memory$b:$rc${err:+ (${err##*: })}"
		[ $rc -eq 0 ] && { best=$b; break; }
		case "$err" in
		*"Invalid argument"*|*"resource busy"*) continue ;;
		esac
		echo "memory$b: offline failed (exit $rc: $err; $(cat $d/state))"
		return 1
	done
	[ -n "$best" ] || { echo "no movable block with cached pages went offline:$tried; $(sort -n /tmp/blocks | uniq -c | tr '\n' ' ')"; return 1; }
	held=$(grep -cx "$best" /tmp/blocks)
	m2=$(stat_of cache.migrated)
	cached1=$(stat_of cache.cached)
	h0=$(stat_of cache.hits)
	mi0=$(stat_of cache.misses)
	out=$(vpmpat check "$OBJ" 56 0 $((64 * MB))) || { echo "after the moves: $out"; return 1; }
	h1=$(stat_of cache.hits)
	mi1=$(stat_of cache.misses)
	echo online_movable > /sys/devices/system/memory/memory$best/state ||
		echo online > /sys/devices/system/memory/memory$best/state
	vpmctl detach "$OBJ" || return 1
	nullb_remove citizen
	figure "migration: compaction moved $((m1 - m0)) cached pages; memory$best (holding $held of $sampled sampled cached pages) went offline moving $((m2 - m1)) (tried:$tried); cached entries $cached0 before, $cached1 after; the next read: $((h1 - h0)) hits, $((mi1 - mi0)) misses"
	[ $((m2 - m1)) -ge "$held" ] ||
		{ echo "offline moved $((m2 - m1)) entries, the block held $held sampled"; return 1; }
	expect "cached entries after the moves" "$cached1" "$cached0" || return 1
	expect "misses reading back" $((mi1 - mi0)) 0
}

vpm_load
check cgroup_stream_in_64m_keeps_its_data_and_is_not_killed cgroup_stream_in_64m
check cgroup_stream_without_the_cache_control cgroup_stream_without_the_cache
check cached_pages_migrate_with_their_entries migrate_cached_pages
vpmctl detach --all 2>/dev/null
vpm_unload
true
