# SPDX-License-Identifier: GPL-2.0
# Memory pressure: a 256 MiB guest moves 384 MiB through vpm.  The cache's
# shrinker gives entries back, nothing is killed, the data is intact.
# And through mappings: a 1 GiB object (null_blk, not memory backed: it
# moves no data, a page reads what it held) read twice through one
# read-only mapping, and all of the 512 MiB disk stored through a shared
# mapping and msync'ed: nothing is killed, the faults read around, the
# memory comes back, the objects detach, the stored data is on the disk.
# (PRESSURE_WRITE_MB, PRESSURE_READ_MB and PRESSURE_STORE_MB set the three
# sizes.)
. /e2e/lib.sh

MB=1048576
# Less on the KASAN kernel (tools/lib.sh): its shadow takes an eighth of
# the guest and its kernel more, so about 80 MiB are available there, and
# every page costs it 6 to 8 times as much.  Each size stays at least
# twice what is available: the pressure, the shrinker and reclaim of
# mapped pages are the same, at a third of the time.
SIZE=$((${PRESSURE_WRITE_MB:-384} * MB))
RSIZE=$((${PRESSURE_READ_MB:-1024} * MB))	# the null_blk object, read
MSIZE=$((${PRESSURE_STORE_MB:-512} * MB))	# of the disk vde, stored
modprobe virtio_blk 2>/dev/null
vpm_load

meminfo() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	sed -n "s/^$1: *\([0-9]*\) kB/\1/p" /proc/meminfo
}

figure() { echo "E2E INFO $*" >&9; }

# Pager counters of an object, one "name value" pair each.
pager_figures() {
	s=$(vpmctl stats "$1")
	for f in faults major_faults mkwrites vnodepgsin vnodepgsout bios_read bios_write; do
		printf ' %s %s' "$f" "$(echo "$s" | value_of pager.$f)"
	done
}

# A null_blk disk of SIZE MiB that stores nothing, made through configfs
# (mounted by /init; null_blk is built into the debug kernels).
NULLB=/sys/kernel/config/nullb/pressure
read_disk() {
	modprobe null_blk nr_devices=0 2>/dev/null
	mkdir -p $NULLB && echo "$1" > $NULLB/size && echo 1 > $NULLB/power
}

pressure_mmap_1g() {
	read_disk $((RSIZE / MB)) || { echo "no null_blk disk of $((RSIZE / MB)) MiB"; return 1; }
	n=$(blockdev --getsize64 /dev/pressure)
	[ "$n" -eq $RSIZE ] || { echo "/dev/pressure: $n bytes"; return 1; }
	a0=$(meminfo MemAvailable)
	f0=$(meminfo MemFree)
	OBJ=$(vpmctl attach --read-only /dev/pressure) || return 1
	out=$(vpmstress mapread "$OBJ" 2) || { echo "$out"; return 1; }
	pages=$(echo "$out" | sed -n 's/^mapread: \([0-9]*\) pages.*/\1/p')
	s=$(vpmctl stats "$OBJ")
	in=$(echo "$s" | value_of pager.vnodepgsin)
	bios=$(echo "$s" | value_of pager.bios_read)
	figure "pressure: $((n / MB)) MiB object read twice through one mapping in a 256 MiB guest: $out;$(pager_figures "$OBJ")"
	a1=$(meminfo MemAvailable)
	vpmctl detach "$OBJ" || return 1
	a2=$(meminfo MemAvailable)
	f2=$(meminfo MemFree)
	figure "pressure: MemAvailable $a0 kB before the mapping, $a1 kB unmapped, $a2 kB detached; MemFree $f0 kB before, $f2 kB detached"
	[ "$pages" = $((n / 4096)) ] || { echo "$pages pages read, want $((n / 4096))"; return 1; }
	# Twice the object through a fourth of it: the second pass pages in again.
	[ "$in" -ge $((2 * pages - pages / 4)) ] ||
		{ echo "$in pages paged in for 2 passes of $pages"; return 1; }
	# Read around the faults: a bio carries many pages.
	[ "$bios" -le $((in / 8)) ] ||
		{ echo "$bios read bios for $in pages"; return 1; }
	# Pages leaked with a reference still count as available (they stay
	# on the LRU), not as free: both must come back, within 16 MiB.
	if [ $((a0 - a2)) -ge 16384 ] || [ $((f0 - f2)) -ge 16384 ]; then
		echo "after detach: MemAvailable $a0 -> $a2 kB, MemFree $f0 -> $f2 kB"
		return 1
	fi
}

# The disk the mapping stores to: vde, or its first MSIZE bytes through
# dm-linear when that is less.
store_disk() {
	[ "$MSIZE" -lt "$(blockdev --getsize64 /dev/vde)" ] || { echo /dev/vde; return; }
	modprobe dm-mod 2>/dev/null
	out=$(DM_DISABLE_UDEV=1 dmsetup create pstore --table "0 $((MSIZE / 512)) linear /dev/vde 0" 2>&1) ||
		{ echo "dmsetup: $out" >&2; return 1; }
	[ -b /dev/mapper/pstore ] || { echo "no /dev/mapper/pstore: $(ls /dev/mapper)" >&2; return 1; }
	echo /dev/mapper/pstore
}

# Before pressure_releases_entries_and_keeps_data, which writes over the
# first PRESSURE_WRITE_MB: the host checks the rest.
pressure_mmap_write_512m() {
	a0=$(meminfo MemAvailable)
	f0=$(meminfo MemFree)
	disk=$(store_disk) || return 1
	OBJ=$(vpmctl attach "$disk") || return 1
	out=$(vpmstress mapstore "$OBJ" - 71:0:$MSIZE:msync) || { echo "$out"; return 1; }
	figure "pressure: $((MSIZE / MB)) MiB stored through a shared mapping and msync'ed in a 256 MiB guest:$(pager_figures "$OBJ")"
	out=$(vpmpat check "$OBJ" 71 0 $MSIZE) || { echo "read: $out"; return 1; }
	out=$(vpmstress mapread "$OBJ" 1 71) || { echo "$out"; return 1; }
	vpmctl detach "$OBJ" || return 1
	a1=$(meminfo MemAvailable)
	f1=$(meminfo MemFree)
	figure "pressure: MemAvailable $a0 kB before the mapping, $a1 kB detached; MemFree $f0 kB before, $f1 kB detached"
	if [ $((a0 - a1)) -ge 16384 ] || [ $((f0 - f1)) -ge 16384 ]; then
		echo "after detach: MemAvailable $a0 -> $a1 kB, MemFree $f0 -> $f1 kB"
		return 1
	fi
	host_check pressure_mmap_write_512m_on_the_image vde.img check 71 \
		$SIZE $((MSIZE - SIZE))
}

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

check pressure_mmap_1g pressure_mmap_1g
vpmctl detach --all 2>/dev/null
echo 0 > $NULLB/power 2>/dev/null
rmdir $NULLB 2>/dev/null
rmmod null_blk 2>/dev/null
check pressure_mmap_write_512m pressure_mmap_write_512m
vpmctl detach --all 2>/dev/null
DM_DISABLE_UDEV=1 dmsetup remove pstore 2>/dev/null
check pressure_releases_entries_and_keeps_data pressure_releases_entries_and_keeps_data
vpm_unload
true
