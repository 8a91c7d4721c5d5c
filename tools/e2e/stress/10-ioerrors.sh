# SPDX-License-Identifier: GPL-2.0
# I/O errors: null_blk bad blocks and dm-flakey.  Reads of bad sectors
# fail with EIO while their neighbours read; failed writes make fsync fail,
# are retried page by page and stay dirty; once the fault is gone a second
# fsync succeeds and the data is all there.
. /e2e/lib.sh
. /e2e/suite/stress.lib

modprobe null_blk nr_devices=0
modprobe dm-flakey
vpm_load

badblocks_fail_reads_and_writes_without_loss() {
	nullb_make bad 64 || return 1
	vpmpat fill /dev/bad 41 0 $((64 * MB)) > /dev/null || return 1
	# Sectors 2056-2059: inside the page at 1 MiB + 4 KiB.
	echo "+2056-2059" > /sys/kernel/config/nullb/bad/badblocks
	OBJ=$(vpmctl attach /dev/bad) || return 1
	if dd if="$OBJ" of=/dev/null bs=4096 skip=257 count=1 2>/dev/null; then
		echo "bad sector read fine"; return 1
	fi
	out=$(vpmpat check "$OBJ" 41 $((MB)) 4096) || { echo "neighbour: $out"; return 1; }
	out=$(vpmpat check "$OBJ" 41 $((MB + 8192)) 4096) || { echo "neighbour: $out"; return 1; }
	# Writes over the bad page fail at fsync, are retried, and stay dirty.
	if out=$(vpmpat fill "$OBJ" 42 $((MB)) 16384 2>&1); then
		echo "fsync succeeded: $out"; return 1
	fi
	r=$(stat_of "$OBJ" pager.retries)
	e=$(stat_of "$OBJ" pager.io_errors)
	[ "$r" -ge 1 ] && [ "$e" -ge 1 ] || { echo "retries $r errors $e"; return 1; }
	figure "badblocks: fsync failed as it must, $r single-page retries, $e page errors"
	echo "-2056-2059" > /sys/kernel/config/nullb/bad/badblocks
	vpmctl sync "$OBJ" || { echo "second fsync failed"; return 1; }
	vpmctl detach "$OBJ" || return 1
	out=$(vpmpat check /dev/bad 42 $((MB)) 16384) || { echo "after: $out"; return 1; }
	out=$(vpmpat check /dev/bad 41 0 $((MB))) || { echo "before it: $out"; return 1; }
	figure "badblocks: data verified after the fault cleared, 0 bytes lost"
	nullb_remove bad
}

flakey_errors_then_recovery() {
	nullb_make fl 32 || return 1
	vpmpat fill /dev/fl 43 0 $((32 * MB)) > /dev/null || return 1
	sz=$((32 * 2048))
	# Up 0 s, down 4 s: every I/O fails while down.
	dmsetup create flk --table "0 $sz flakey /dev/fl 0 0 4 1 error_writes" || return 1
	OBJ=$(vpmctl attach /dev/mapper/flk) || return 1
	out=$(vpmpat randwrite "$OBJ" 44 50 20000 nosync 2>&1) ||
		{ echo "writes failed before fsync: $out"; return 1; }
	if out=$(vpmctl sync "$OBJ" 2>&1); then
		echo "fsync succeeded while writes fail: $out"; return 1
	fi
	d=$(vpmctl stats "$OBJ" | value_of object.pages_cached)
	dmsetup suspend flk && dmsetup load flk --table "0 $sz linear /dev/fl 0" &&
		dmsetup resume flk || return 1
	vpmctl sync "$OBJ" || { echo "fsync after recovery failed"; return 1; }
	out=$(vpmpat verify "$OBJ" 43 44 50 20000) || { echo "$out"; return 1; }
	vpmctl detach "$OBJ" || return 1
	out=$(vpmpat verify /dev/mapper/flk 43 44 50 20000) || { echo "on disk: $out"; return 1; }
	figure "dm-flakey error_writes: fsync EIO, then after recovery all 50 writes on disk ($d pages cached)"
	dmsetup remove flk
	nullb_remove fl
}

flakey_read_errors_are_eio() {
	nullb_make flr 16 || return 1
	vpmpat fill /dev/flr 45 0 $((16 * MB)) > /dev/null || return 1
	dmsetup create flkr --table "0 $((16 * 2048)) flakey /dev/flr 0 0 4" || return 1
	OBJ=$(vpmctl attach /dev/mapper/flkr) || return 1
	out=$(dd if="$OBJ" of=/dev/null bs=64k 2>&1)
	echo "$out" | grep -q "Input/output error" || { echo "read: $out"; return 1; }
	dmsetup suspend flkr && dmsetup load flkr --table "0 $((16 * 2048)) linear /dev/flr 0" &&
		dmsetup resume flkr || return 1
	out=$(vpmpat check "$OBJ" 45 0 $((16 * MB))) || { echo "after: $out"; return 1; }
	vpmctl detach "$OBJ"
	dmsetup remove flkr
	nullb_remove flr
}

drop_writes_loss_is_detected() {
	nullb_make drop 16 || return 1
	vpmpat fill /dev/drop 46 0 $((16 * MB)) > /dev/null || return 1
	dmsetup create fld --table "0 $((16 * 2048)) flakey /dev/drop 0 0 4 1 drop_writes" || return 1
	OBJ=$(vpmctl attach /dev/mapper/fld) || return 1
	vpmpat randwrite "$OBJ" 47 20 20000 fsync > /dev/null || return 1
	vpmctl detach "$OBJ" || return 1
	dmsetup remove fld
	# The device lied; the verification must say so.
	if out=$(vpmpat verify /dev/drop 46 47 20 20000); then
		echo "dropped writes not detected: $out"; return 1
	fi
	figure "dm-flakey drop_writes: loss detected by verification ($out)"
	nullb_remove drop
}

check badblocks_fail_reads_and_writes_without_loss badblocks_fail_reads_and_writes_without_loss
check flakey_errors_then_recovery flakey_errors_then_recovery
check flakey_read_errors_are_eio flakey_read_errors_are_eio
check drop_writes_loss_is_detected drop_writes_loss_is_detected
vpmctl detach --all 2>/dev/null
vpm_unload
true
