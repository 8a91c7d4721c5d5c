# SPDX-License-Identifier: GPL-2.0
# One stalled user stalls nobody else.  A write(2), a read(2) and a
# VPM_CTL_INFO whose user buffer is a userfaultfd region nobody serves
# (vpmuffd) block in the kernel; meanwhile another object's write+fsync,
# sync(2), vpmctl list, open/close, and attach+detach of a third object
# each finish within 10 s; served, the stalled call finishes with the
# right bytes.  Then a disk that stalls (dm suspended) under one object
# with its writer throttled: another object's writes, fsync and background
# writeback go on (each object has a backing-dev of its own).
. /e2e/lib.sh
. /e2e/suite/stress.lib

modprobe null_blk nr_devices=0 2>/dev/null
modprobe dm-mod 2>/dev/null
vpm_load

LIMIT=10
GO=/tmp/stall.go
UOUT=/tmp/stall.uffd

# bounded SECONDS CMD...: run CMD, and print the milliseconds it took; fail
# when it has not ended after SECONDS (it is left running) or failed.
bounded() {
	limit=$1
	shift
	t0=$(now_ms)
	"$@" > /tmp/stall.cmd 2>&1 &
	pid=$!
	while kill -0 $pid 2>/dev/null; do
		[ $(($(now_ms) - t0)) -lt $((limit * 1000)) ] ||
			{ echo "'$*' still running after $limit s"; return 1; }
		sleep 0.05
	done
	wait $pid || { echo "'$*' failed: $(tail -n 2 /tmp/stall.cmd)"; return 1; }
	echo $(($(now_ms) - t0))
}

# Start vpmuffd ARGS... in the background; wait until its call is stuck.
uffd_start() {
	rm -f "$GO" "$UOUT"
	vpmuffd "$@" "$GO" > "$UOUT" 2>&1 &
	UPID=$!
	i=0
	until grep -q '^stuck' "$UOUT"; do
		kill -0 $UPID 2>/dev/null && [ $i -lt 100 ] ||
			{ echo "vpmuffd $1 never got stuck: $(cat "$UOUT")"; return 1; }
		sleep 0.1
		i=$((i + 1))
	done
}

# Serve the stuck call's fault; it must end within the limit.  Run in the
# shell that started vpmuffd (not in a $(...)), which reaps it: SERVED
# says how long it took.
uffd_finish() {
	t0=$(now_ms)
	touch "$GO"
	while kill -0 $UPID 2>/dev/null; do
		[ $(($(now_ms) - t0)) -lt $((LIMIT * 1000)) ] ||
			{ echo "vpmuffd still stuck $LIMIT s after its fault was served"; return 1; }
		sleep 0.05
	done
	wait $UPID || { echo "vpmuffd: $(cat "$UOUT")"; return 1; }
	SERVED="served in $(($(now_ms) - t0)) ms: $(tail -n 1 "$UOUT")"
}

# The calls every other user makes must not wait for the stuck one.
others_go_on() {
	ms=$(bounded $LIMIT vpmpat fill "$OBJB" 72 0 $((4 * MB))) || { echo "$ms"; return 1; }
	f="write+fsync B ${ms} ms"
	ms=$(bounded $LIMIT sync) || { echo "$ms"; return 1; }
	f="$f, sync ${ms} ms"
	ms=$(bounded $LIMIT vpmctl list) || { echo "$ms"; return 1; }
	f="$f, list ${ms} ms"
	ms=$(bounded $LIMIT dd if="$OBJA" of=/dev/null bs=4096 count=1) ||
		{ echo "$ms"; return 1; }
	f="$f, open+read+close A ${ms} ms"
	# shellcheck disable=SC2016
	ms=$(bounded $LIMIT sh -c 'o=$(vpmctl attach /dev/stc) && vpmctl detach "$o"') ||
		{ echo "$ms"; return 1; }
	echo "$f, attach+detach C ${ms} ms"
}

stall_setup() {
	nullb_make sta 32 || return 1
	nullb_make stb 32 || return 1
	nullb_make stc 8 || return 1
	vpmpat fill /dev/sta 71 0 $((32 * MB)) > /dev/null || return 1
	OBJA=$(vpmctl attach /dev/sta) || return 1
	OBJB=$(vpmctl attach /dev/stb) || return 1
}

stall_teardown() {
	vpmctl detach "$OBJA"
	vpmctl detach "$OBJB"
	nullb_remove sta
	nullb_remove stb
	nullb_remove stc
}

# A write(2) from a stalled buffer over pages already dirty: with their
# locks held across the fault, writeback (sync) would wait for it.
stall_uffd_writer_blocks_nobody() {
	off=$((MB + 512))
	len=$((256 * 1024))
	dd if=/dev/zero of="$OBJA" bs=64k seek=16 count=8 conv=notrunc 2>/dev/null ||
		return 1
	uffd_start write "$OBJA" $off $len 73 || return 1
	f=$(others_go_on) || { echo "$f"; touch "$GO"; return 1; }
	figure "stall: a write(2) stuck on userfaultfd: $f"
	uffd_finish || return 1
	figure "stall: the stuck write $SERVED"
	grep -q "^write $len\$" "$UOUT" || { cat "$UOUT"; return 1; }
	vpmctl sync "$OBJA" || return 1
	out=$(vpmpat check "$OBJA" 73 $off $len) || { echo "A: $out"; return 1; }
	out=$(vpmpat check /dev/sta 73 $off $len) || { echo "disk: $out"; return 1; }
	# Before and after it: the zeros dd wrote, then the old pattern.
	out=$(cmp -n 512 /dev/zero "$OBJA" 0 $MB 2>&1) || { echo "before: $out"; return 1; }
	out=$(vpmpat check "$OBJA" 71 $((3 * MB / 2)) $((MB / 2))) ||
		{ echo "after: $out"; return 1; }
}

# A read(2) into a stalled buffer holds no cache entry while it waits.
stall_uffd_reader_holds_no_cache_entry() {
	uffd_start read "$OBJA" $((4 * MB)) $((256 * 1024)) 71 || return 1
	inuse=$(field /sys/kernel/debug/vpm/cache in_use)
	f=$(others_go_on) || { echo "$f"; touch "$GO"; return 1; }
	figure "stall: a read(2) stuck on userfaultfd holds $inuse cache entries: $f"
	uffd_finish || return 1
	figure "stall: the stuck read $SERVED"
	expect in_use_while_stuck "$inuse" 0
}

# VPM_CTL_INFO into a stalled buffer holds no lock open, close, attach
# and detach need.
stall_uffd_list_blocks_nobody() {
	uffd_start info /dev/vpm || return 1
	f=$(others_go_on) || { echo "$f"; touch "$GO"; return 1; }
	figure "stall: VPM_CTL_INFO stuck on userfaultfd: $f"
	uffd_finish || return 1
	figure "stall: the stuck VPM_CTL_INFO $SERVED"
	grep -q "^info 2\$" "$UOUT" || { cat "$UOUT"; return 1; }
}

field() { value_of "$2" < "$1"; }

stall_setup_failed() { echo "setup: $(cat /tmp/stall.setup)"; return 1; }

UFFD_CHECKS="stall_uffd_writer_blocks_nobody stall_uffd_reader_holds_no_cache_entry
	     stall_uffd_list_blocks_nobody"

# Is any of the checks named selected by the run's glob?
wanted() {
	for c; do
		case "$c" in
		$E2E_GLOB) return 0 ;;
		esac
	done
	return 1
}

stall_uffd() {
	# shellcheck disable=SC2086
	wanted $UFFD_CHECKS || return 0
	# In this shell, not a subshell: the setup sets OBJA and OBJB.
	if ! stall_setup > /tmp/stall.setup 2>&1; then
		for c in $UFFD_CHECKS; do
			check $c stall_setup_failed
		done
		return
	fi
	for c in $UFFD_CHECKS; do
		check $c $c
	done
	stall_teardown
}

# The writeback sysctls: a ratio is back by writing it (0 bytes is refused).
VMS="dirty_ratio dirty_bytes dirty_background_ratio dirty_background_bytes
     dirty_expire_centisecs dirty_writeback_centisecs"

vm_save() {
	for v in $VMS; do
		eval "saved_$v=\$(cat /proc/sys/vm/$v)"
	done
}

vm_restore() {
	if [ "$saved_dirty_bytes" != 0 ]; then
		echo "$saved_dirty_bytes" > /proc/sys/vm/dirty_bytes
	else
		echo "$saved_dirty_ratio" > /proc/sys/vm/dirty_ratio
	fi
	if [ "$saved_dirty_background_bytes" != 0 ]; then
		echo "$saved_dirty_background_bytes" > /proc/sys/vm/dirty_background_bytes
	else
		echo "$saved_dirty_background_ratio" > /proc/sys/vm/dirty_background_ratio
	fi
	echo "$saved_dirty_expire_centisecs" > /proc/sys/vm/dirty_expire_centisecs
	echo "$saved_dirty_writeback_centisecs" > /proc/sys/vm/dirty_writeback_centisecs
}

# Object H's disk stalls (dm suspended) with its writeback in flight and
# its writer throttled over the dirty limit; object A, on another disk,
# writes, fsyncs and is written back in the background all the same.
stall_disk_writeback_isolated() {
	nullb_make sth 64 || return 1
	nullb_make sta 32 || return 1
	dmsetup create stl --table "0 $((64 * 2048)) linear /dev/sth 0" || return 1
	OBJH=$(vpmctl attach /dev/mapper/stl) || return 1
	OBJA=$(vpmctl attach /dev/sta) || return 1
	vm_save
	echo $((16 * MB)) > /proc/sys/vm/dirty_bytes
	echo $((4 * MB)) > /proc/sys/vm/dirty_background_bytes
	echo 100 > /proc/sys/vm/dirty_expire_centisecs
	echo 50 > /proc/sys/vm/dirty_writeback_centisecs
	dmsetup suspend --nolockfs stl || { vm_restore; return 1; }
	dd if=/dev/zero of="$OBJH" bs=1M count=32 2>/dev/null &
	hpid=$!
	rc=0
	i=0
	until [ "$(stat_of "$OBJH" pager.bios_write)" -gt 0 ]; do
		[ $i -lt 100 ] || { echo "H: no writeback started"; rc=1; break; }
		sleep 0.1
		i=$((i + 1))
	done
	if [ $rc = 0 ]; then
		out0=$(stat_of "$OBJA" pager.vnodepgsout)
		if ms=$(bounded $LIMIT dd if=/dev/urandom of="$OBJA" bs=64k count=32); then
			f="A: 2 MiB written in $ms ms"
		else
			f="$ms"
			rc=1
		fi
	fi
	if [ $rc = 0 ]; then
		t0=$(now_ms)
		until [ "$(stat_of "$OBJA" pager.vnodepgsout)" -ge $((out0 + 512)) ]; do
			[ $(($(now_ms) - t0)) -lt $((LIMIT * 1000)) ] ||
				{ f="A: not written back in the background within $LIMIT s"; rc=1; break; }
			sleep 0.05
		done
		[ $rc = 0 ] && f="$f, written back in the background in $(($(now_ms) - t0)) ms"
	fi
	if [ $rc = 0 ]; then
		if ms=$(bounded $LIMIT vpmpat fill "$OBJA" 74 $((4 * MB)) $((4 * MB))); then
			f="$f, 4 MiB write+fsync in $ms ms"
		else
			f="$ms"
			rc=1
		fi
	fi
	kill -0 $hpid 2>/dev/null || { f="$f; H's writer was never throttled"; rc=1; }
	dmsetup resume stl
	vm_restore
	gone_within 30 $hpid || { echo "H's writer stuck after the resume"; return 1; }
	[ $rc = 0 ] || { echo "$f"; return 1; }
	figure "stall: H's disk suspended with its writer throttled; $f"
	[ -d /sys/class/bdi/"${OBJH#/dev/}" ] && [ -d /sys/class/bdi/"${OBJA#/dev/}" ] ||
		{ echo "no backing-dev ${OBJH#/dev/} or ${OBJA#/dev/}: $(ls /sys/class/bdi)"; return 1; }
	vpmctl sync "$OBJH" || return 1
	out=$(vpmpat check "$OBJA" 74 $((4 * MB)) $((4 * MB))) || { echo "A: $out"; return 1; }
	cmp -n $((32 * MB)) /dev/zero "$OBJH" || return 1
	vpmctl detach "$OBJA" || return 1
	vpmctl detach "$OBJH" || return 1
	[ ! -e /sys/class/bdi/"${OBJA#/dev/}" ] && [ ! -e /sys/class/bdi/"${OBJH#/dev/}" ] ||
		{ echo "a backing-dev outlived its object: $(ls /sys/class/bdi)"; return 1; }
	dmsetup remove stl
	nullb_remove sth
	nullb_remove sta
}

stall_uffd
check stall_disk_writeback_isolated stall_disk_writeback_isolated
vpmctl detach --all 2>/dev/null
vpm_unload
true
