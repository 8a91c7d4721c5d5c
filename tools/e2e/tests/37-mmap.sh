# SPDX-License-Identifier: GPL-2.0
# mmap(2) of /dev/vpmN and the calls around it: shared and private
# mappings, SIGBUS past the end and after a shrink, EACCES, detach and
# rmmod while mapped, coherence with read/write, the read-around of a fault
# counted page by page, the I/O of a sequential read against a mapping of
# the block device, sendfile, splice, copy_file_range, fadvise and madvise,
# I/O errors under a mapping, and fio's mmap engine with verification.
# vpmmap (tools/e2e/vpmmap.c) makes the calls busybox lacks.  Disks: vda
# (read only here), vdb from 40 MiB on (nobody else writes there), brd RAM
# disks ram0 (ext4, made per check), ram1 (under dm-flakey), ram2, ram3.
. /e2e/lib.sh

MB=1048576
KB=1024
PG=4096
export PATH=$PATH:/usr/sbin DM_DISABLE_UDEV=1
modprobe virtio_blk 2>/dev/null
modprobe crc32c_generic
modprobe ext4
modprobe dm-flakey
modprobe brd rd_nr=4 rd_size=65536
vpm_load

# vpmctl attach ARGS; sets $OBJ to /dev/vpmN.
attach() { OBJ=$(vpmctl attach "$@") && [ -c "$OBJ" ]; }

# The counters a check of faults looks at, from debugfs objects/N/stats.
FAULT_STATS="vnodein vnodepgsin readahead_pages faults major_faults mkwrites vnodeout io_errors pages_cached"

# counters OBJ: one "name value" line per counter of FAULT_STATS.
counters() {
	f=/sys/kernel/debug/vpm/objects/${1#/dev/vpm}/stats
	for s in $FAULT_STATS; do
		v=$(sed -n "s/^$s //p" "$f")
		[ -n "$v" ] || { echo "no counter $s in $f"; return 1; }
		echo "$s $v"
	done
}

# delta NAME BEFORE AFTER: how much counter NAME moved.
delta() {
	echo $(($(echo "$3" | value_of "$1") - $(echo "$2" | value_of "$1")))
}

# deltas BEFORE AFTER: every counter's move, on one line.
deltas() {
	for s in $FAULT_STATS; do printf '%s%+d ' "$s" "$(delta "$s" "$1" "$2")"; done
}

# expect_deltas BEFORE AFTER NAME=MOVE...: each counter moved exactly so.
expect_deltas() {
	b=$1 a=$2
	shift 2
	bad=
	for kv in "$@"; do
		g=$(delta "${kv%%=*}" "$b" "$a")
		[ "$g" = "${kv#*=}" ] || bad="$bad ${kv%%=*} moved $g, want ${kv#*=};"
	done
	[ -z "$bad" ] || { echo "$bad (all: $(deltas "$b" "$a"))"; return 1; }
}

# cached OBJ PAGE: yes if page PAGE was in memory (GETPAGES read nothing),
# no if it had to be read (it is now).
cached() {
	case $(vpmctl getpages "$1" $(($2 * PG)) 1) in
	"pages=0 "*) echo yes ;;
	"pages=1 "*) echo no ;;
	*) echo "getpages failed" ;;
	esac
}

# window_is OBJ FIRST LAST: pages FIRST..LAST are in memory, their
# neighbours are not (asked last: asking reads them).
window_is() {
	expect "page $2 cached" "$(cached "$1" "$2")" yes || return 1
	expect "page $3 cached" "$(cached "$1" "$3")" yes || return 1
	if [ "$2" -gt 0 ]; then
		expect "page $(($2 - 1)) cached" "$(cached "$1" $(($2 - 1)))" no || return 1
	fi
	expect "page $(($3 + 1)) cached" "$(cached "$1" $(($3 + 1)))" no
}

# stat_of OBJ NAME: one line of debugfs objects/N/stats.
stat_of() { sed -n "s/^$2 //p" "/sys/kernel/debug/vpm/objects/${1#/dev/vpm}/stats"; }

# wait_cached OBJ N: up to 10 s for N pages of OBJ to be in memory.
wait_cached() {
	i=0
	while [ "$(stat_of "$1" pages_cached)" -lt "$2" ] && [ $i -lt 50 ]; do
		sleep 0.2
		i=$((i + 1))
	done
}

# wait_for FILE LINE: up to 10 s for LINE to appear in FILE.
wait_for() {
	i=0
	while ! grep -qx "$2" "$1" 2>/dev/null; do
		[ $i -lt 50 ] || { echo "no '$2' in $1: $(cat "$1" 2>/dev/null)"; return 1; }
		sleep 0.2
		i=$((i + 1))
	done
}

# Reads completed by a disk: the first field of /sys/block/DISK/stat.
disk_reads() { awk '{ print $1 }' "/sys/block/$1/stat"; }

FLK_SECTORS=$((64 * 2048))
flakey() { # linear | fail (every I/O fails) | fail_writes: table of vpmmflk
	case $1 in
	fail) t="0 $FLK_SECTORS flakey /dev/ram1 0 0 4" ;;
	fail_writes) t="0 $FLK_SECTORS flakey /dev/ram1 0 0 4 1 error_writes" ;;
	*) t="0 $FLK_SECTORS linear /dev/ram1 0" ;;
	esac
	dmsetup suspend vpmmflk && dmsetup load vpmmflk --table "$t" &&
		dmsetup resume vpmmflk
}

# Run a check, then undo whatever it left behind, passed or not.
cleanup() {
	for p in $BGPIDS; do
		kill "$p" 2>/dev/null
		gone_within 10 "$p" && wait "$p" 2>/dev/null
	done
	BGPIDS=
	vpm_loaded || vpm_load
	# A failing table would fail the write-back of the detach.
	dmsetup info vpmmflk > /dev/null 2>&1 && flakey linear
	vpmctl detach --all 2>/dev/null
	dmsetup remove vpmmflk 2>/dev/null
	umount /mnt/m 2>/dev/null
	true
}
run() { BGPIDS=; "$@"; rc=$?; cleanup; return $rc; }

# 1. The whole of vda mapped read-only reads what read() and the disk read.
mmap_whole_disk() {
	attach --read-only /dev/vda || return 1
	b=$(counters "$OBJ") || return 1
	out=$(vpmmap cmp "$OBJ") || { echo "mapping vs read(): $out"; return 1; }
	expect "mapping vs read()" "$out" "ok $((64 * MB))" || return 1
	a=$(counters "$OBJ") || return 1
	out=$(vpmmap cmp "$OBJ" /dev/vda) || { echo "mapping vs /dev/vda: $out"; return 1; }
	[ "$(delta major_faults "$b" "$a")" -gt 0 ] ||
		{ echo "no major fault: $(deltas "$b" "$a")"; return 1; }
	info "mmap_whole_disk_reads_like_read_and_the_disk: $(deltas "$b" "$a")" >&9
	vpmctl detach "$OBJ"
}

# 2. A MAP_SHARED store is on the disk when msync(MS_SYNC) returns; one
# without msync is only required there once the object is detached.
mmap_shared_store() {
	attach /dev/vdb || return 1
	b=$(counters "$OBJ") || return 1
	out=$(vpmmap store "$OBJ" $((40 * MB + 1000)) $((MB)) 81 msync)
	expect msync "$out" OK || return 1
	a=$(counters "$OBJ") || return 1
	out=$(vpmmap dcheck /dev/vdb $((40 * MB + 1000)) $((MB)) 81) ||
		{ echo "not on the disk after msync: $out"; return 1; }
	# 1 MiB at an unaligned offset spans 257 pages, each written once.
	m=$(delta mkwrites "$b" "$a")
	[ "$m" -ge 257 ] || { echo "mkwrites +$m, want 257 or more ($(deltas "$b" "$a"))"; return 1; }
	[ "$(delta vnodeout "$b" "$a")" -gt 0 ] || { echo "msync wrote nothing: $(deltas "$b" "$a")"; return 1; }
	# The control: no msync.
	out=$(vpmmap store "$OBJ" $((44 * MB)) $((MB)) 82 nosync)
	expect "store without msync" "$out" OK || return 1
	vpmmap dcheck /dev/vdb $((44 * MB)) $((MB)) 82 > /dev/null && c=is || c="is not"
	info "mmap_shared_store_is_on_the_disk_after_msync: $(deltas "$b" "$a"); a store without msync $c on the disk before detach" >&9
	vpmctl detach "$OBJ" || return 1
	out=$(vpmmap dcheck /dev/vdb $((44 * MB)) $((MB)) 82) ||
		{ echo "detach did not write back the store without msync: $out"; return 1; }
	host_check mmap_host_vdb_has_the_msynced_store vdb.img check 81 $((40 * MB + 1000)) $((MB))
}

# 3. MAP_PRIVATE stores are copied on write: read() and the disk keep the
# old bytes, on a writable and on a read-only object.
mmap_private() {
	vpmpat fill /dev/ram2 83 0 $((4 * MB)) > /dev/null || return 1
	for how in "" --read-only; do
		attach $how /dev/ram2 || return 1
		b=$(counters "$OBJ") || return 1
		out=$(vpmmap private "$OBJ" $((MB + 500)) $((64 * KB)) 84) ||
			{ echo "${how:-read-write}: $out"; return 1; }
		out=$(vpmpat check "$OBJ" 83 0 $((4 * MB))) ||
			{ echo "${how:-read-write} object after the private store: $out"; return 1; }
		[ -n "$how" ] || vpmctl sync "$OBJ" || return 1
		a=$(counters "$OBJ") || return 1
		expect_deltas "$b" "$a" mkwrites=0 vnodeout=0 || return 1
		vpmctl detach "$OBJ" || return 1
	done
	out=$(vpmmap dcheck /dev/ram2 0 $((4 * MB)) 83) || { echo "disk: $out"; return 1; }
}

# ext4 with 4 KiB blocks on ram0, a file of SIZE bytes of pattern SEED
# whose last block held more of the pattern before it was truncated.
tail_file() { # NAME SEED SIZE
	mkfs.ext4 -q -F -b 4096 -E lazy_itable_init=0,lazy_journal_init=0 /dev/ram0 > /dev/null &&
		mkdir -p /mnt/m && mount -t ext4 /dev/ram0 /mnt/m || return 1
	vpmpat gen "$2" $(($3 + 2 * PG)) > "/mnt/m/$1" &&
		truncate -s "$3" "/mnt/m/$1" && sync
}

# 4. Past the end of a file of 1 MiB + 100 bytes: the rest of the last page
# reads zero, the page after it is SIGBUS.
mmap_past_the_end() {
	tail_file tail.bin 85 $((MB + 100)) || return 1
	attach /mnt/m/tail.bin || return 1
	vpmctl list | grep -q "^$OBJ .* bio " || { vpmctl list; return 1; }
	expect "whole mapping" "$(vpmmap cmp "$OBJ")" "ok $((MB + 100))" || return 1
	out=$(vpmpat check "$OBJ" 85 0 $((MB + 100))) || { echo "read(): $out"; return 1; }
	expect "rest of the last page" "$(vpmmap peek "$OBJ" $((MB + 100)) $((PG - 100)))" zero || return 1
	expect "page after the end" "$(vpmmap peek "$OBJ" $((MB + PG)) 1)" SIGBUS || return 1
	expect "two pages after" "$(vpmmap peek "$OBJ" $((MB + 2 * PG + 5)) 1)" SIGBUS || return 1
	vpmctl detach "$OBJ"
}

# 5. SETSIZE shrinks a mapped object: the cut pages are unmapped (SIGBUS),
# the new last page's tail reads zero, the rest keeps its bytes.
mmap_setsize_shrink() {
	tail_file shrink.bin 86 $((4 * MB)) || return 1
	attach /mnt/m/shrink.bin || return 1
	new=$((256 * KB + 10))
	out=$(vpmmap shrink "$OBJ" $new | tr '\n' ' ')
	expect shrink "$out" "size $new kept ok tail zero cut SIGBUS last SIGBUS " || return 1
	expect "read() past the new end" "$(dd if="$OBJ" bs=4096 skip=$((new / PG + 1)) count=1 2>/dev/null | wc -c)" 0 || return 1
	expect "after the shrink" "$(vpmmap peek "$OBJ" $((MB)) 1)" SIGBUS || return 1
	vpmctl detach "$OBJ" || return 1
	expect "file size" "$(stat -c %s /mnt/m/shrink.bin)" $new || return 1
	out=$(vpmpat check /mnt/m/shrink.bin 86 0 $new) || { echo "file: $out"; return 1; }
}

# 6. PROT_WRITE on MAP_SHARED needs a descriptor open for writing, which a
# read-only object never gives; MAP_PRIVATE does not.
mmap_needs_writable() {
	attach /dev/ram3 || return 1
	bad=
	for t in "r shared rw:EACCES" "r shared r2rw:mprotect:EACCES" "r shared r:OK" \
		 "r private rw:OK" "rw shared rw:OK" "rw private rw:OK"; do
		got=$(vpmmap try "$OBJ" ${t%%:*})
		[ "$got" = "${t#*:}" ] || bad="$bad read-write object, ${t%%:*}: $got, want ${t#*:};"
	done
	vpmctl detach "$OBJ" || return 1
	attach --read-only /dev/ram3 || return 1
	for t in "rw shared rw:open:EROFS" "r shared rw:EACCES" "r shared r2rw:mprotect:EACCES" \
		 "r shared r:OK" "r private rw:OK"; do
		got=$(vpmmap try "$OBJ" ${t%%:*})
		[ "$got" = "${t#*:}" ] || bad="$bad read-only object, ${t%%:*}: $got, want ${t#*:};"
	done
	[ -z "$bad" ] || { echo "$bad"; return 1; }
	vpmctl detach "$OBJ"
}

# 7. A mapping keeps the object busy after its descriptor is closed:
# detach is EBUSY and rmmod refused until munmap.
mmap_busy_while_mapped() {
	attach /dev/ram3 || return 1
	vpmmap hold "$OBJ" > /tmp/hold.out 2>&1 &
	pid=$!
	BGPIDS=$pid
	wait_for /tmp/hold.out mapped || return 1
	out=$(vpmctl detach "$OBJ" 2>&1)
	expect "detach while mapped" "$out" "vpmctl: detach $OBJ: Device or resource busy" || return 1
	if rmmod vpm 2>/dev/null; then echo "rmmod succeeded while mapped"; return 1; fi
	vpm_loaded || { echo "module gone"; return 1; }
	expect "object listed" "$(vpmctl list | grep -c "^$OBJ ")" 1 || return 1
	kill -USR1 $pid
	wait_for /tmp/hold.out unmapped || return 1
	# The process lives on, with nothing mapped and nothing open.
	vpmctl detach "$OBJ" || { echo "detach after munmap failed"; return 1; }
	[ ! -e "$OBJ" ] || { echo "$OBJ remains"; return 1; }
	kill -0 $pid || { echo "vpmmap hold died: $(cat /tmp/hold.out)"; return 1; }
}

# 8. A store through a mapping is seen by read() and another mapping at
# once, a write() by the mappings.
mmap_coherent() {
	attach /dev/ram3 || return 1
	out=$(vpmmap coherent "$OBJ" $((3 * MB)) 87) || { echo "$out"; return 1; }
	out=$(vpmmap coherent "$OBJ" $((5 * MB + 2 * PG)) 88) || { echo "second run: $out"; return 1; }
	vpmctl detach "$OBJ"
}

# write_returns MODE OFFSET SEED WHAT: "vpmmap MODE" on a fresh object
# must end within 20 s (a deadlock leaves the writer in D state for good,
# a livelock never returns), and succeed.
write_returns() {
	attach /dev/ram3 || return 1
	vpmmap "$1" "$OBJ" "$2" "$3" > "/tmp/$1.out" 2>&1 &
	pid=$!
	if ! gone_within 20 $pid; then
		echo "$4: $(cat /proc/$pid/wchan)"
		return 1
	fi
	wait $pid || { cat "/tmp/$1.out"; return 1; }
	vpmctl detach "$OBJ"
}

# 8b. write(2) from a mapping of the very pages it writes: the copy faults
# on pages the write holds locked.  It must finish with the bytes right.
mmap_selfwrite() {
	write_returns selfwrite $((7 * MB)) 89 "write from its own mapping hangs"
}

# 8c. write(2) of a page from a buffer readable for 100 bytes only: a
# short write of those, in bounded time, never a loop that faults the good
# part in again and again.
mmap_halfbad() {
	write_returns halfbad $((9 * MB)) 90 \
		"write of a half-readable buffer does not return"
}

# 9-12. The read-around of a fault (FreeBSD's vm_fault_readahead), on a
# fresh object where nothing is in memory.
cold_object() {
	attach --read-only /dev/ram2 || return 1
	expect "pages cached at attach" "$(stat_of "$OBJ" pages_cached)" 0
}

# A fault at page 100, not where the mapping reads next: the aligned
# cluster of 16 pages 96..111.  Then a page in memory stops a cluster.
mmap_random_fault() {
	cold_object || return 1
	b=$(counters "$OBJ") || return 1
	out=$(vpmmap fault "$OBJ" normal $((100 * PG))) || { echo "$out"; return 1; }
	a=$(counters "$OBJ") || return 1
	info "mmap_random_fault_reads_an_aligned_cluster_of_16: $(deltas "$b" "$a")" >&9
	expect_deltas "$b" "$a" vnodein=1 vnodepgsin=16 major_faults=1 \
		readahead_pages=11 pages_cached=16 || return 1
	window_is "$OBJ" 96 111 || return 1
	# Page 130 in memory: the cluster of page 133 (128..143) stops there.
	expect "page 130" "$(cached "$OBJ" 130)" no || return 1
	b=$(counters "$OBJ") || return 1
	out=$(vpmmap fault "$OBJ" normal $((133 * PG))) || { echo "$out"; return 1; }
	a=$(counters "$OBJ") || return 1
	expect_deltas "$b" "$a" vnodein=1 vnodepgsin=13 major_faults=1 \
		readahead_pages=10 pages_cached=13 || return 1
	for p in 131:yes 143:yes 129:no 144:no; do
		expect "page ${p%:*} cached" "$(cached "$OBJ" ${p%:*})" ${p#*:} || return 1
	done
}

# MADV_RANDOM: only the faulting page.
mmap_madv_random() {
	cold_object || return 1
	b=$(counters "$OBJ") || return 1
	out=$(vpmmap fault "$OBJ" random $((200 * PG))) || { echo "$out"; return 1; }
	a=$(counters "$OBJ") || return 1
	info "mmap_madv_random_fault_reads_one_page: $(deltas "$b" "$a")" >&9
	expect_deltas "$b" "$a" vnodein=1 vnodepgsin=1 major_faults=1 \
		readahead_pages=0 pages_cached=1 || return 1
	window_is "$OBJ" 200 200
}

# MADV_SEQUENTIAL: 255 pages ahead from the first fault.
mmap_madv_sequential() {
	cold_object || return 1
	b=$(counters "$OBJ") || return 1
	out=$(vpmmap fault "$OBJ" sequential $((1000 * PG))) || { echo "$out"; return 1; }
	a=$(counters "$OBJ") || return 1
	info "mmap_madv_sequential_fault_reads_256_pages: $(deltas "$b" "$a")" >&9
	expect_deltas "$b" "$a" vnodein=1 vnodepgsin=256 major_faults=1 \
		readahead_pages=255 pages_cached=256 || return 1
	window_is "$OBJ" 1000 1255
}

# Faults where the mapping reads next: windows of 8, 16, then 24 pages.
mmap_sequential_window() {
	cold_object || return 1
	b=$(counters "$OBJ") || return 1
	out=$(vpmmap fault "$OBJ" normal 0 $((8 * PG)) $((24 * PG))) || { echo "$out"; return 1; }
	a=$(counters "$OBJ") || return 1
	info "mmap_sequential_faults_grow_the_window_by_8_pages: $(deltas "$b" "$a")" >&9
	expect_deltas "$b" "$a" vnodein=3 vnodepgsin=48 major_faults=3 \
		readahead_pages=45 pages_cached=48 || return 1
	window_is "$OBJ" 0 47
}

# 13. Reading a 64 MiB mapping page by page in order: vpm's read-around
# against the kernel's own for a mapping of the block device, counted at
# the disk.
mmap_sequential_io() {
	echo 3 > /proc/sys/vm/drop_caches
	attach --read-only /dev/vda || return 1
	b=$(counters "$OBJ") || return 1
	r0=$(disk_reads vda)
	out=$(vpmmap seq "$OBJ") || { echo "vpm: $out"; return 1; }
	r1=$(disk_reads vda)
	a=$(counters "$OBJ") || return 1
	vpmctl detach "$OBJ" || return 1
	echo 3 > /proc/sys/vm/drop_caches
	r2=$(disk_reads vda)
	out=$(vpmmap seq /dev/vda) || { echo "block device: $out"; return 1; }
	r3=$(disk_reads vda)
	v=$((r1 - r0))
	k=$((r3 - r2))
	info "mmap_sequential_read_takes_no_more_io_than_the_block_device: 64 MiB read through a mapping, vda reads: vpm $v ($(deltas "$b" "$a")), block device mapping $k" >&9
	expect "pages read" "$(delta vnodepgsin "$b" "$a")" 16384 || return 1
	[ "$v" -gt 0 ] && [ "$v" -le "$k" ] || { echo "vpm $v reads, block device $k"; return 1; }
}

# 14. sendfile to a file, a pipe and a socket, and splice to a pipe, give
# the object's bytes.
mmap_sendfile_splice() {
	vpmpat fill /dev/ram2 89 0 $((4 * MB)) > /dev/null || return 1
	attach --read-only /dev/ram2 || return 1
	off=3000
	vpmpat gen 89 $((off + MB)) | tail -c $((MB)) > /tmp/want.bin
	vpmmap sendfile "$OBJ" $off $((MB)) > /tmp/sf.bin || return 1
	cmp /tmp/sf.bin /tmp/want.bin || { echo "sendfile to a file"; return 1; }
	vpmmap sendfile "$OBJ" $off $((MB)) | cat > /tmp/sf.bin || return 1
	cmp /tmp/sf.bin /tmp/want.bin || { echo "sendfile to a pipe"; return 1; }
	vpmmap sendfile "$OBJ" $off $((MB)) socket > /tmp/sf.bin || return 1
	cmp /tmp/sf.bin /tmp/want.bin || { echo "sendfile to a socket"; return 1; }
	vpmmap splice "$OBJ" $off $((MB)) | cat > /tmp/sf.bin || return 1
	cmp /tmp/sf.bin /tmp/want.bin || { echo "splice to a pipe"; return 1; }
	vpmctl detach "$OBJ"
}

# 15. splice from a pipe into the object writes it.
mmap_splice_in() {
	attach /dev/ram3 || return 1
	off=$((2 * MB + 512))
	# stdin is a pipe: splice(2) takes it as it is.
	out=$(vpmpat gen 90 $((off + MB)) | tail -c $((MB)) | vpmmap splicein "$OBJ" $off)
	expect splice "$out" "spliced $((MB))" || return 1
	out=$(vpmpat check "$OBJ" 90 $off $((MB))) || { echo "read(): $out"; return 1; }
	out=$(vpmmap dcheck /dev/ram3 $off $((MB)) 90) || { echo "disk after fsync: $out"; return 1; }
	vpmctl detach "$OBJ"
}

# 16. copy_file_range between a character device and anything is refused
# by the VFS itself.
mmap_copy_file_range() {
	attach /dev/ram3 || return 1
	a=$OBJ
	attach --read-only /dev/ram2 || return 1
	vpmpat gen 91 $((64 * KB)) > /tmp/cfr-src.bin
	bad=
	for t in "$a /tmp/cfr-dst.bin" "/tmp/cfr-src.bin $a" "$OBJ $a" "$a $a"; do
		got=$(vpmmap cfr $t $((64 * KB)))
		[ "$got" = EINVAL ] || bad="$bad $t: $got;"
	done
	[ -z "$bad" ] || { echo "$bad"; return 1; }
	vpmctl detach "$OBJ" && vpmctl detach "$a"
}

# 17. fadvise WILLNEED reads the range ahead, DONTNEED drops its clean
# pages and writes back its dirty ones.
mmap_fadvise() {
	vpmpat fill /dev/ram2 92 0 $((8 * MB)) > /dev/null || return 1
	attach /dev/ram2 || return 1
	b=$(counters "$OBJ") || return 1
	expect willneed "$(vpmmap fadvise "$OBJ" $((MB)) $((MB)) willneed)" OK || return 1
	wait_cached "$OBJ" 256
	a=$(counters "$OBJ") || return 1
	info "mmap_fadvise_willneed_reads_ahead_and_dontneed_drops: WILLNEED of 256 pages: $(deltas "$b" "$a")" >&9
	expect "pages cached" "$(delta pages_cached "$b" "$a")" 256 || { deltas "$b" "$a"; return 1; }
	[ "$(delta readahead_pages "$b" "$a")" -gt 0 ] || { echo "no read-ahead: $(deltas "$b" "$a")"; return 1; }
	window_is "$OBJ" 256 511 || return 1
	expect dontneed "$(vpmmap fadvise "$OBJ" $((MB)) $((MB)) dontneed)" OK || return 1
	# Pages 255 and 512, read by window_is, stay.
	expect "pages cached after DONTNEED" "$(stat_of "$OBJ" pages_cached)" 2 || return 1
	out=$(vpmpat check "$OBJ" 92 0 $((8 * MB))) || { echo "read(): $out"; return 1; }
	# Dirty pages: written back (soon), never lost.
	vpmpat fill "$OBJ" 93 $((4 * MB)) $((64 * KB)) nosync > /dev/null || return 1
	expect "dontneed of dirty pages" "$(vpmmap fadvise "$OBJ" $((4 * MB)) $((64 * KB)) dontneed)" OK || return 1
	i=0
	until vpmmap dcheck /dev/ram2 $((4 * MB)) $((64 * KB)) 93 > /dev/null; do
		[ $i -lt 25 ] || { echo "dirty pages not written back 5 s after DONTNEED"; return 1; }
		sleep 0.2
		i=$((i + 1))
	done
	out=$(vpmpat check "$OBJ" 93 $((4 * MB)) $((64 * KB))) || { echo "dirty range: $out"; return 1; }
	vpmctl detach "$OBJ"
}

# 18. madvise WILLNEED of a mapping does what fadvise WILLNEED does.
mmap_madvise_willneed() {
	cold_object || return 1
	b=$(counters "$OBJ") || return 1
	expect madvise "$(vpmmap madvise "$OBJ" $((8 * MB)) $((MB)) willneed)" OK || return 1
	wait_cached "$OBJ" 256
	a=$(counters "$OBJ") || return 1
	info "mmap_madvise_willneed_reads_ahead: $(deltas "$b" "$a")" >&9
	expect "pages cached" "$(delta pages_cached "$b" "$a")" 256 || { deltas "$b" "$a"; return 1; }
	[ "$(delta readahead_pages "$b" "$a")" -gt 0 ] || { echo "no read-ahead: $(deltas "$b" "$a")"; return 1; }
	window_is "$OBJ" 2048 2303
}

# 19. I/O errors under a mapping: a fault that cannot read is SIGBUS, a
# store that cannot be written back is EIO at msync and stays dirty.
mmap_io_errors() {
	vpmpat fill /dev/ram1 94 0 $((16 * MB)) > /dev/null || return 1
	dmsetup create vpmmflk --table "0 $FLK_SECTORS linear /dev/ram1 0" || return 1
	attach /dev/mapper/vpmmflk || return 1
	flakey fail || return 1
	b=$(counters "$OBJ") || return 1
	expect "read fault" "$(vpmmap peek "$OBJ" $((MB)) $PG)" SIGBUS || return 1
	expect "write fault" "$(vpmmap store "$OBJ" $((8 * MB)) 100 95 msync)" SIGBUS || return 1
	flakey fail_writes || return 1
	out=$(vpmmap store "$OBJ" $((4 * MB + 100)) $((64 * KB)) 96 msync)
	a=$(counters "$OBJ") || return 1
	flakey linear || return 1
	info "mmap_io_errors_are_sigbus_and_eio: $(deltas "$b" "$a")" >&9
	expect "msync of a failed write" "$out" EIO || return 1
	[ "$(delta io_errors "$b" "$a")" -gt 0 ] || { echo "no io_errors: $(deltas "$b" "$a")"; return 1; }
	# The store stayed dirty: a later fsync writes it.
	vpmpat sync "$OBJ" || { echo "fsync after the recovery failed"; return 1; }
	out=$(vpmmap dcheck /dev/mapper/vpmmflk $((4 * MB + 100)) $((64 * KB)) 96) ||
		{ echo "the store was lost: $out"; return 1; }
	expect "read fault after the recovery" "$(vpmmap peek "$OBJ" $((MB)) $PG)" data || return 1
	out=$(vpmpat check "$OBJ" 94 0 $((4 * MB))) || { echo "read(): $out"; return 1; }
	vpmctl detach "$OBJ"
}

# 20. fio's mmap engine, random reads and writes verified by crc32c, one
# job on each of two objects at once.
mmap_fio() {
	attach /dev/ram2 || return 1
	a=$OBJ
	attach /dev/ram3 || return 1
	b0=$(counters "$a") || return 1
	out=$(cd /tmp && fio --ioengine=mmap --rw=randrw --verify=crc32c --size=32m \
		--bs=4k --name=a --filename="$a" --name=b --filename="$OBJ" 2>&1)
	rc=$?
	a0=$(counters "$a") || return 1
	info "mmap_fio_randrw_verify_passes: fio exit $rc, first object $(deltas "$b0" "$a0")" >&9
	[ $rc = 0 ] || { echo "fio exit $rc: $out"; return 1; }
	bad=$(echo "$out" | grep -iE 'verify:|verify fail|bad magic|crc32c|err= *[1-9]')
	[ -z "$bad" ] || { echo "fio: $bad"; return 1; }
	expect "jobs without error" "$(echo "$out" | grep -c 'err= 0')" 2 || { echo "$out"; return 1; }
	[ "$(delta mkwrites "$b0" "$a0")" -gt 0 ] || { echo "no mkwrite: $(deltas "$b0" "$a0")"; return 1; }
	vpmctl detach "$OBJ" && vpmctl detach "$a"
}

check mmap_whole_disk_reads_like_read_and_the_disk run mmap_whole_disk
check mmap_shared_store_is_on_the_disk_after_msync run mmap_shared_store
check mmap_private_stores_never_reach_the_object run mmap_private
check mmap_past_the_end_of_a_file_is_zero_then_sigbus run mmap_past_the_end
check mmap_setsize_shrink_unmaps_the_cut_pages run mmap_setsize_shrink
check mmap_shared_write_needs_a_writable_descriptor run mmap_needs_writable
check mmap_detach_and_rmmod_while_mapped_are_busy run mmap_busy_while_mapped
check mmap_mapping_and_read_write_are_coherent run mmap_coherent
check mmap_write_from_a_mapping_of_the_same_pages_finishes run mmap_selfwrite
check mmap_write_from_a_partly_unreadable_buffer_is_short run mmap_halfbad
check mmap_random_fault_reads_an_aligned_cluster_of_16 run mmap_random_fault
check mmap_madv_random_fault_reads_one_page run mmap_madv_random
check mmap_madv_sequential_fault_reads_256_pages run mmap_madv_sequential
check mmap_sequential_faults_grow_the_window_by_8_pages run mmap_sequential_window
check mmap_sequential_read_takes_no_more_io_than_the_block_device run mmap_sequential_io
check mmap_sendfile_and_splice_give_the_objects_bytes run mmap_sendfile_splice
check mmap_splice_into_the_object_writes_it run mmap_splice_in
check mmap_copy_file_range_is_einval run mmap_copy_file_range
check mmap_fadvise_willneed_reads_ahead_and_dontneed_drops run mmap_fadvise
check mmap_madvise_willneed_reads_ahead run mmap_madvise_willneed
check mmap_io_errors_are_sigbus_and_eio run mmap_io_errors
check mmap_fio_randrw_verify_passes run mmap_fio
vpmctl detach --all 2>/dev/null
vpm_unload
rmmod brd 2>/dev/null
true
