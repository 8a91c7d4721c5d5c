# SPDX-License-Identifier: GPL-2.0
# Device removal under I/O: null_blk powered off while readers and writers
# run.  Their I/O fails with EIO within 5 seconds, nothing hangs, and
# detach and unload stay clean; a detach reports the dirty bytes the gone
# disk took with it.
. /e2e/lib.sh
. /e2e/suite/stress.lib

modprobe null_blk nr_devices=0 2>/dev/null
vpm_load

removal_under_io_fails_fast() {
	nullb_make gone 64 || return 1
	OBJ=$(vpmctl attach /dev/gone) || return 1
	( while dd if="$OBJ" of=/dev/null bs=64k 2>/dev/null; do :; done
	  echo reader-stopped > /tmp/reader ) &
	( while dd if=/dev/zero of="$OBJ" bs=64k count=256 conv=fsync 2>/dev/null; do :; done
	  echo writer-stopped > /tmp/writer ) &
	sleep 2
	nullb_power gone 0
	t=0
	while [ $t -lt 50 ] && { [ ! -e /tmp/reader ] || [ ! -e /tmp/writer ]; }; do
		sleep 0.1
		t=$((t + 1))
	done
	[ -e /tmp/reader ] && [ -e /tmp/writer ] ||
		{ echo "I/O still running 5 s after removal"; return 1; }
	figure "device removal: readers and writers stopped $((t * 100)) ms after power off"
	wait
	out=$(dd if="$OBJ" of=/dev/null bs=4096 count=1 2>&1)
	echo "$out" | grep -q "Input/output error" || { echo "read: $out"; return 1; }
	vpmctl detach "$OBJ" || return 1
	dmesg | grep -q "detach: [0-9]* dirty bytes lost" ||
		echo "(no dirty pages were left)"
	nullb_remove gone
	vpm_unload && vpm_load
}

# Pages written and never synced, then the disk goes: they can never be
# written, so a plain detach removes the object and reports their bytes.
removal_detach_reports_the_lost_bytes() {
	nullb_make lost 16 || return 1
	OBJ=$(vpmctl attach /dev/lost) || return 1
	dd if=/dev/zero of="$OBJ" bs=4096 count=4 2>/dev/null || return 1
	nullb_power lost 0
	out=$(vpmctl detach "$OBJ") || { echo "detach: $out"; return 1; }
	expect detach "$out" "$OBJ: 16384 dirty bytes lost (Input/output error)" ||
		return 1
	[ ! -e "$OBJ" ] || { echo "$OBJ still there"; return 1; }
	dmesg | grep -q "object ${OBJ#/dev/vpm}: detach: 16384 dirty bytes lost" ||
		{ echo "no loss in the kernel log"; return 1; }
	nullb_remove lost
}

check removal_under_io_fails_fast removal_under_io_fails_fast
check removal_detach_reports_the_lost_bytes removal_detach_reports_the_lost_bytes
vpmctl detach --all 2>/dev/null
vpm_unload
true
