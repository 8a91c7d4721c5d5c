# SPDX-License-Identifier: GPL-2.0
# Mappings of /dev/vpmN under power loss and races.
#
#   powerloss_msync  each cycle stores three regions of a null_blk object
#                    (volatile cache, discarded first) through one
#                    MAP_SHARED mapping: the first synced by msync(MS_SYNC)
#                    (even cycles) or fsync (odd ones), the second written
#                    back without a flush (VPM_SYNC_ASYNC), the third left
#                    dirty; then the power goes with the object attached and
#                    the mapping still in place.  The synced region must be
#                    exact; the other two must be lost, never garbage: the
#                    written-back one is the control that shows the rig
#                    would see a sync that does not flush.
#   mmap_race        on 2 CPUs and a tiny cache (steals and contention
#                    injected), a thread stores the even pages of a virtio
#                    disk's object through a mapping while another
#                    pwrite()s the odd ones, a third fsyncs and a fourth
#                    checks what read() returns, pass after pass; then every
#                    page must hold its last version through read(), a fresh
#                    mapping, on the disk, and after its pages are dropped.
. /e2e/lib.sh
. /e2e/suite/stress.lib

CYCLES=${STRESS_MSYNC_CYCLES:-12}
RACE=${STRESS_MMAP_RACE_SECONDS:-4}	# each of three rounds
R=$((4 * MB))				# each region
D=/sys/kernel/debug/vpm

modprobe null_blk nr_devices=0 2>/dev/null
# 64 entries for 2 CPUs: the copies of read() and pwrite() steal entries
# all the time while the mapping faults its pages in.
vpm_load vpm_cache_entries=64

# The N of field NAME in "new N old N garbage N".
field() { echo "$2" | sed -n "s/.*$1 \([0-9]*\).*/\1/p"; }

# Stop the process holding the mapping, PID.  (The shell reports the job
# it killed: not a result.)
unmap() {
	{ kill "$1"; wait "$1"; } 2>/dev/null
}

# The power cut of a cycle, with the mapping of process PID in place.
msync_cut() {
	i=0
	while [ ! -f /tmp/mapped ] && kill -0 "$1" 2>/dev/null && [ $i -lt 1200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -f /tmp/mapped ] || { echo "mapstore: $(tr '\n' ' ' < /tmp/mapstore)"; return 1; }
	idle /dev/pm || return 1
	w1=$(written /dev/pm)
	# The synced region and the control reached the device.
	if [ $(((w1 - w0) * 512)) -lt $((len + R)) ]; then
		echo "only $(((w1 - w0) * 512)) bytes written, want $((len + R))"
		return 1
	fi
	# The power goes with the object attached and mapped.
	nullb_power pm 0
}

# One cycle; prints "ok CONTROL DIRTY" (sectors of the written-back and of
# the dirty region that survived) or what went wrong.
msync_cycle() {
	c=$1
	how=msync
	[ $((c % 2)) = 1 ] && how=fsync
	# Unaligned at both ends, a little different each cycle.
	off=$((c * 4096 + 1234))
	len=$((R - off - 777))
	rm -f /tmp/mapped
	blkdiscard /dev/pm || return 1
	OBJ=$(vpmctl attach /dev/pm) || return 1
	w0=$(written /dev/pm)
	vpmstress mapstore "$OBJ" /tmp/mapped $((100 + c)):$off:$len:$how \
		$((200 + c)):$R:$R:async $((300 + c)):$((2 * R)):$R:none \
		> /tmp/mapstore 2>&1 &
	pid=$!
	msync_cut $pid
	rc=$?
	unmap $pid
	vpmctl detach "$OBJ" > /dev/null 2>&1	# lost bytes reported: the disk was gone
	nullb_power pm 1 || return 1
	[ $rc = 0 ] || return 1
	out=$(vpmpat check /dev/pm $((100 + c)) $off $len) ||
		{ echo "$how: $out"; return 1; }
	ctl=$(vpmpat sectors /dev/pm /dev/zero $((200 + c)) $R $R) ||
		{ echo "written back: $ctl"; return 1; }
	dirty=$(vpmpat sectors /dev/pm /dev/zero $((300 + c)) $((2 * R)) $R) ||
		{ echo "dirty: $dirty"; return 1; }
	echo "ok $(field new "$ctl") $(field new "$dirty")"
}

powerloss_msync() {
	nullb_make pm 16 cache_size=16 discard=1 || return 1
	bad=0
	ctl=0
	dirty=0
	c=0
	while [ $c -lt "$CYCLES" ]; do
		out=$(msync_cycle $c 2>&1)
		case $out in
		"ok "*)
			# shellcheck disable=SC2086
			set -- $out
			ctl=$((ctl + $2))
			dirty=$((dirty + $3))
			;;
		*)
			echo "cycle $c: $out"
			bad=$((bad + 1))
			vpmctl detach --all 2>/dev/null
			;;
		esac
		c=$((c + 1))
	done
	figure "power loss with a mapping: $CYCLES cycles (msync, fsync in turn) cut with the object attached and mapped, $bad with lost synced bytes or garbage; $ctl sectors written back but never flushed survived, $dirty of pages left dirty in the mapping (both must be 0)"
	nullb_remove pm
	[ $bad -eq 0 ] && [ $ctl -eq 0 ] && [ $dirty -eq 0 ]
}

mmap_race() {
	steals=$(cat $D/steals_mtbf)
	contend=$(cat $D/contend_mtbf)
	echo 7 > $D/steals_mtbf
	echo 127 > $D/contend_mtbf
	OBJ=$(vpmctl attach /dev/vdb) || return 1
	f0=$(stat_of "$OBJ" pager.faults)
	m0=$(stat_of "$OBJ" pager.mkwrites)
	rc=0
	# 8 MiB, then 256 KiB (the threads meet on a few pages), then all.
	for round in "81 $((8 * MB))" "82 262144" "83 0"; do
		# shellcheck disable=SC2086
		set -- $round
		if out=$(vpmstress mmaprace "$RACE" "$1" "$2" "$OBJ" /dev/vdb 2>&1); then
			figure "$out"
		else
			echo "$out"
			rc=1
		fi
	done
	f1=$(stat_of "$OBJ" pager.faults)
	m1=$(stat_of "$OBJ" pager.mkwrites)
	echo "$steals" > $D/steals_mtbf
	echo "$contend" > $D/contend_mtbf
	figure "mmap race: pager.faults $((f1 - f0)), pager.mkwrites $((m1 - m0)), cache.steals $(stat_of cache.steals), cache.contend $(stat_of cache.contend)"
	vpmctl detach "$OBJ" || return 1
	[ $rc = 0 ] || return 1
	if [ $((f1 - f0)) -le 0 ] || [ $((m1 - m0)) -le 0 ]; then
		echo "faults $((f1 - f0)), mkwrites $((m1 - m0)): none counted"
		return 1
	fi
}

check powerloss_msync powerloss_msync
check mmap_race mmap_race
vpmctl detach --all 2>/dev/null
vpm_unload
true
