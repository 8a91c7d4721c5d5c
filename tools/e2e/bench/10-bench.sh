# SPDX-License-Identifier: GPL-2.0
# make bench: vpm against the kernel's own paths, in one boot.  Prints
# "E2E BENCH NAME VALUE" lines (one per run) that tools/bench.sh turns
# into bench/results/.  Runs on any machine with /dev/$BENCH_SMALL (64 MiB
# or more), /dev/$BENCH_BIG (256 MiB or more) and an ext4 file system on
# /dev/$BENCH_EXT4; their contents are overwritten.  On a host (tools/bench.sh
# --host), E2E_DIR, VPM_KO, BENCH_KO and BENCH_REPS say where things are.
# Only the checks whose name matches $E2E_GLOB run (tools/bench.sh passes
# VPM_BENCH_ONLY as it).
. "${E2E_DIR:-/e2e}/lib.sh"

REPS=${BENCH_REPS:-$(sed -n "s/.*vpmbench\.reps=\([0-9]*\).*/\1/p" /proc/cmdline)}
REPS=${REPS:-5}
BENCH_KO=${BENCH_KO:-/vpm/vpm_bench.ko}
WHERE=${BENCH_WHERE:-qemu}
SMALL=${BENCH_SMALL:-vdb}
BIG=${BENCH_BIG:-vde}
EXT4=${BENCH_EXT4:-vdc}
MB=1048576
D=/sys/kernel/debug/vpm

bench() { echo "E2E BENCH $*" >&9; }
modprobe virtio_blk 2>/dev/null
modprobe crc32c_generic 2>/dev/null
modprobe ext4 2>/dev/null

# Fields of /sys/block/DEV/stat: read I/Os, read sectors, write I/Os.
ios() { set -- $(cat /sys/class/block/$1/stat); echo "$1 $3 $5 $7"; }
mbps() { sed -n 's/^mbps \([0-9.]*\) .*/\1/p'; }
drop() { sync; echo 3 > /proc/sys/vm/drop_caches; }

bench env "where=$WHERE kernel=$(uname -r) cpus=$(nproc) mem_kb=$(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo)"

# Results of vpm_bench.ko: "RESULT what key=val median=M ..." in dmesg.
kbench() {
	dmesg -c > /dev/null
	insmod "$BENCH_KO" "$@" || return 1
	rmmod vpm_bench
	dmesg | sed -n 's/.*vpm_bench: RESULT \([a-z_0-9]*\) \(.*\) median=\([0-9]*\) min=\([0-9]*\) max=\([0-9]*\).*/\1 \2 \3 \4 \5/p'
}

# With the cache, and with vpm_cache_enable=0 (pages mapped without
# entries) to show what the cache itself costs.
in_kernel_hit_path() {
	for cache in 1 0; do
		vpm_load vpm_cache_enable=$cache || return 1
		for p in 1 32; do
			kbench path=/dev/$SMALL test=hit pages=$p reps=$REPS |
			while read -r what key med min max; do
				bench "$what cache=$cache $key median=$med min=$min max=$max"
			done
		done
		vpm_unload
	done
}

freelist_scaling() {
	for nf in 0 1; do
		# 1024 entries: 64 pages a thread hit, 8192 miss every time.
		vpm_load vpm_cache_entries=1024 vpm_nfreelist=$nf || return 1
		n=$(sed -n 's/^freelists //p' $D/cache)
		for ws in 64 8192; do
			for t in 1 2; do
				kbench path=/dev/$SMALL test=scale threads=$t wset=$ws reps=$REPS msecs=1500 |
				while read -r what key key2 med min max; do
					bench "$what freelists=$n $key $key2 median=$med min=$min max=$max"
				done
			done
		done
		vpm_unload
	done
}

cached_reads() {
	vpm_load || return 1
	OBJ=$(vpmctl attach /dev/$SMALL) || return 1
	vpmbench read "$OBJ" 1M 64M > /dev/null
	vpmbench read /dev/$SMALL 1M 64M > /dev/null
	for bs in 4K 64K 1M; do
		r=0
		while [ $r -lt "$REPS" ]; do
			bench "cached_read_mbps path=vpm bs=$bs $(vpmbench read "$OBJ" $bs 128M | mbps)"
			bench "cached_read_mbps path=bdev bs=$bs $(vpmbench read /dev/$SMALL $bs 128M | mbps)"
			r=$((r + 1))
		done
	done
	vpmctl detach "$OBJ"
	vpm_unload
}

# One cold read or write of 256 MiB: prints "MBPS IOS SECTORS".
cold() { # PATH-FILE direct|- read|write
	drop
	blockdev --flushbufs /dev/$BIG
	set -- "$@" $(ios $BIG)
	if [ "$3" = write ]; then
		m=$(vpmbench write "$1" 1M 256M | mbps)
	elif [ "$2" = direct ]; then
		m=$(vpmbench read "$1" 1M 256M direct | mbps)
	else
		m=$(vpmbench read "$1" 1M 256M | mbps)
	fi
	set -- "$@" $(ios $BIG)
	if [ "$3" = write ]; then
		echo "$m $((${10} - $6)) $((${11} - $7))"
	else
		echo "$m $(($8 - $4)) $(($9 - $5))"
	fi
}

cold_sequential_read_and_write() {
	vpm_load || return 1
	# A round not counted: the guest's memory is touched for the first
	# time (slow under TCG) by whichever path runs first.
	OBJ=$(vpmctl attach /dev/$BIG) || return 1
	cold "$OBJ" - read > /dev/null
	cold "$OBJ" - write > /dev/null
	vpmctl detach "$OBJ"
	cold /dev/$BIG - read > /dev/null
	cold /dev/$BIG - write > /dev/null
	r=0
	while [ $r -lt "$REPS" ]; do
		OBJ=$(vpmctl attach /dev/$BIG) || return 1
		b0=$(vpmctl stats "$OBJ" | value_of pager.bios_read)
		set -- $(cold "$OBJ" - read)
		b1=$(vpmctl stats "$OBJ" | value_of pager.bios_read)
		p=$(vpmctl stats "$OBJ" | value_of pager.vnodepgsin)
		[ $r -eq 0 ] && vpmctl stats "$OBJ" |
			sed -n 's/^pager\.bio_pages_\([a-z0-9]*\) \([0-9]*\)$/\1 \2/p' |
			while read -r b c; do bench "read_bio_pages bucket=$b count=$c"; done
		vpmctl detach "$OBJ"
		bench "cold_read path=vpm mbps=$1 ios=$2 sectors=$3 bios=$((b1 - b0)) pages=$p"
		set -- $(cold /dev/$BIG - read)
		bench "cold_read path=bdev mbps=$1 ios=$2 sectors=$3"
		set -- $(cold /dev/$BIG direct read)
		bench "cold_read path=direct mbps=$1 ios=$2 sectors=$3"
		OBJ=$(vpmctl attach /dev/$BIG) || return 1
		set -- $(cold "$OBJ" - write)
		w=$(vpmctl stats "$OBJ" | value_of pager.bios_write)
		vpmctl detach "$OBJ"
		bench "write_fsync path=vpm mbps=$1 ios=$2 sectors=$3 bios=$w"
		set -- $(cold /dev/$BIG - write)
		bench "write_fsync path=bdev mbps=$1 ios=$2 sectors=$3"
		r=$((r + 1))
	done
	vpm_unload
}

fragmented_file() {
	mkdir -p /mnt/b && mount -t ext4 /dev/$EXT4 /mnt/b || return 1
	vpmbench interleave /mnt/b/a.bin /mnt/b/b.bin 512 || return 1
	vpm_load || return 1
	r=0
	while [ $r -lt "$REPS" ]; do
		drop
		set -- $(ios $EXT4)
		cat /mnt/b/a.bin > /dev/null
		set -- "$@" $(ios $EXT4)
		bench "fragmented_read path=ext4 ios=$(($5 - $1)) sectors=$(($6 - $2))"
		OBJ=$(vpmctl attach --read-only /mnt/b/a.bin) || return 1
		set -- $(ios $EXT4)
		vpmbench read "$OBJ" 1M 2M > /dev/null
		set -- "$@" $(ios $EXT4)
		b=$(vpmctl stats "$OBJ" | value_of pager.bios_read)
		vpmctl detach "$OBJ"
		bench "fragmented_read path=vpm ios=$(($5 - $1)) sectors=$(($6 - $2)) bios=$b"
		r=$((r + 1))
	done
	vpm_unload
	umount /mnt/b
}

memory_footprint() {
	vpm_load || return 1
	bench "memory entries=$(sed -n 's/^entries //p' $D/cache) entry_bytes=$(sed -n 's/^entry_bytes //p' $D/cache) footprint_bytes=$(sed -n 's/^footprint_bytes //p' $D/cache) ram_kb=$(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo)"
	vpm_unload
}

# Page faults on a shared read-only mapping of 256 MiB, cold: /dev/vpmN
# (vpm's fault handler and read-around) against a mapping of the block
# device itself (filemap_fault() and the kernel's read-around), same disk,
# same pages.  One run prints "MBPS IOS SECTORS MAJFLT MINFLT SUM"; the
# sums of the data read must be equal on both paths.
NFAULTS=4096
SEED=12345
mfault() { # FILE seq|rand
	drop
	blockdev --flushbufs /dev/$BIG
	set -- "$@" $(ios $BIG)
	if [ "$2" = seq ]; then
		o=$(vpmbench mseq "$1" 256M)
	else
		o=$(vpmbench mrand "$1" 256M $NFAULTS $SEED)
	fi
	set -- "$@" $(ios $BIG)
	echo "$(echo "$o" | sed -n 's/^mbps \([0-9.]*\) .* majflt \([0-9]*\) minflt \([0-9]*\) sum \([0-9a-f]*\)$/\1 IOS \2 \3 \4/p' |
		sed "s/IOS/$(($7 - $3)) $(($8 - $4))/")"
}

# The object's counters after a run of mfault: "faults=N major=N ...".
fault_counters() { # OBJ
	st=$(vpmctl stats "$1")
	for k in faults major_faults bios_read vnodein vnodepgsin readahead_pages; do
		printf '%s=%s ' $k "$(echo "$st" | value_of pager.$k)"
	done
}

mmap_faults() { # seq|rand
	kind=$1
	pages=$((256 * MB / 4096))
	[ $kind = seq ] || pages=$NFAULTS
	vpm_load || return 1
	# Data that differs from page to page, so that the two paths' sums
	# say they read the same bytes.
	vpmpat fill /dev/$BIG 7 0 $((256 * MB)) nosync > /dev/null || return 1
	ra=$(cat /sys/class/block/$BIG/queue/read_ahead_kb)
	# One round of each not counted, as for the cold read.
	OBJ=$(vpmctl attach /dev/$BIG) || return 1
	mfault "$OBJ" $kind > /dev/null
	vpmctl detach "$OBJ"
	mfault /dev/$BIG $kind > /dev/null
	r=0
	while [ $r -lt "$REPS" ]; do
		OBJ=$(vpmctl attach /dev/$BIG) || return 1
		set -- $(mfault "$OBJ" $kind)
		[ $# -eq 6 ] || { echo "vpm $kind: no result"; return 1; }
		c=$(fault_counters "$OBJ")
		vpmctl detach "$OBJ"
		bench "mmap_$kind path=vpm pages=$pages mbps=$1 ios=$2 sectors=$3 majflt=$4 minflt=$5 $c"
		sum=$6
		set -- $(mfault /dev/$BIG $kind)
		[ $# -eq 6 ] || { echo "bdev $kind: no result"; return 1; }
		bench "mmap_$kind path=bdev pages=$pages mbps=$1 ios=$2 sectors=$3 majflt=$4 minflt=$5 ra_kb=$ra"
		expect "mmap $kind: sum of the data read, vpm against bdev" "$sum" "$6" || return 1
		r=$((r + 1))
	done
	vpm_unload
}

check in_kernel_hit_path in_kernel_hit_path
check freelist_scaling freelist_scaling
check cached_reads cached_reads
check cold_sequential_read_and_write cold_sequential_read_and_write
check fragmented_file fragmented_file
check memory_footprint memory_footprint
check mmap_sequential mmap_faults seq
check mmap_random mmap_faults rand
true
