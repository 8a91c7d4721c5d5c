# SPDX-License-Identifier: GPL-2.0
# Module lifecycle: 30 load, attach, I/O, detach, unload cycles; memory
# and slab come back to where they started.
. /e2e/lib.sh
. /e2e/suite/stress.lib

CYCLES=${STRESS_LIFECYCLE_CYCLES:-30}

meminfo() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	sed -n "s/^$1: *\([0-9]*\) kB/\1/p" /proc/meminfo
}

cycles_leave_no_memory_behind() {
	vpm_load && vpm_unload || return 1
	avail0=$(meminfo MemAvailable)
	slab0=$(meminfo Slab)
	c=0
	while [ $c -lt "$CYCLES" ]; do
		vpm_load || return 1
		OBJ=$(vpmctl attach /dev/vdb) || return 1
		vpmpat fill "$OBJ" $((60 + c)) $((c * 65536)) 65536 > /dev/null || return 1
		vpmpat check "$OBJ" $((60 + c)) $((c * 65536)) 65536 > /dev/null || return 1
		vpmctl detach "$OBJ" || return 1
		vpm_unload || return 1
		c=$((c + 1))
	done
	avail1=$(meminfo MemAvailable)
	slab1=$(meminfo Slab)
	figure "lifecycle: $CYCLES cycles, MemAvailable $avail0 -> $avail1 kB, Slab $slab0 -> $slab1 kB"
	# Tolerance: 4 MiB of slab, 16 MiB of available memory.
	[ $((slab1 - slab0)) -lt 4096 ] && [ $((avail0 - avail1)) -lt 16384 ] ||
		{ echo "slab $slab0 -> $slab1, available $avail0 -> $avail1"; return 1; }
	host_check host_lifecycle_writes vdb.img check $((60 + CYCLES - 1)) \
		$(((CYCLES - 1) * 65536)) 65536
}

rmmod_with_closed_objects_detaches_them() {
	vpm_load || return 1
	OBJ=$(vpmctl attach /dev/vdb) || return 1
	exec 5<"$OBJ"
	if rmmod vpm 2>/dev/null; then echo "rmmod with an open object"; return 1; fi
	exec 5<&-
	vpm_unload || return 1
	[ ! -e "$OBJ" ]
}

check cycles_leave_no_memory_behind cycles_leave_no_memory_behind
check rmmod_with_closed_objects_detaches_them rmmod_with_closed_objects_detaches_them
true
