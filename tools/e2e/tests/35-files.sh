# SPDX-License-Identifier: GPL-2.0
# Regular files under vpm stay coherent with their file system: the path a
# file takes (bio only for blocks that may be written in place: not shared,
# inline or encrypted), append-only and immutable files, mtime and ctime,
# sync flags from read-only descriptors, fsync errors on every descriptor,
# a frozen file system, attach racing truncate and fallocate, O_SYNC.
# The file systems are made here on brd RAM disks: /dev/ram0 ext4 (4 KiB),
# ram1 ext4 made per check (1 KiB, inline_data, encrypt), ram2 XFS with
# reflink, ram3 a raw disk, ram4 under dm-flakey.
. /e2e/lib.sh

MB=1048576
KB=1024
# mkfs.xfs, xfs_io, xfs_repair and filefrag; dmsetup makes its own nodes.
export PATH=$PATH:/usr/sbin DM_DISABLE_UDEV=1
modprobe crc32c_generic
modprobe ext4
modprobe xfs
modprobe dm-flakey
# fscrypt's ciphers and its HKDF (modules on 6.1, partly built in on 6.12).
for m in xts cts ecb sha512_generic; do modprobe $m 2>/dev/null; done
modprobe brd rd_nr=5 rd_size=65536
vpm_load

# vpmctl attach ARGS; sets $OBJ to /dev/vpmN.
attach() { OBJ=$(vpmctl attach "$@") && [ -c "$OBJ" ]; }

# The path (bio, small-block, old) "vpmctl list" shows for an object.
path_of() { vpmctl list | awk -v o="$1" '$1 == o { print $4 }'; }

mkfs_ext4() { # DEVICE MKE2FS-OPTIONS...
	d=$1
	shift
	mkfs.ext4 -q -F -I 256 -E lazy_itable_init=0,lazy_journal_init=0 \
		"$@" "$d" > /dev/null
}

# mkfs.xfs refuses file systems below 300 MB unless run by fstests.
mkfs_xfs() { TEST_DIR=/tmp TEST_DEV="$1" QA_CHECK_FS=1 mkfs.xfs -q -f -m reflink=1 "$1"; }

mnt() { mkdir -p "$2" && mount -t "$3" "$1" "$2"; }

# A fully allocated file of pattern SEED: FILE SEED BYTES.
mkfile() { vpmpat gen "$2" "$3" > "$1" && sync; }

FLK_SECTORS=$((64 * 2048))
flakey() { # linear | fail: the table of /dev/mapper/vpmflk
	if [ "$1" = fail ]; then
		t="0 $FLK_SECTORS flakey /dev/ram4 0 0 4 1 error_writes"
	else
		t="0 $FLK_SECTORS linear /dev/ram4 0"
	fi
	dmsetup suspend vpmflk && dmsetup load vpmflk --table "$t" &&
		dmsetup resume vpmflk
}

# Run a check, then undo whatever it left behind, passed or not.
cleanup() {
	exec 3>&- 4>&- 5>&- 6>&- 7>&-
	for m in /mnt/f /mnt/g; do fsfreeze --unfreeze "$m" 2>/dev/null; done
	# Background work is killed; a task stuck in the kernel is left alone
	# after 10 s rather than waited for forever.
	for p in $BGPIDS; do
		kill "$p" 2>/dev/null
		gone_within 10 "$p" && wait "$p" 2>/dev/null
	done
	BGPIDS=
	for f in /mnt/f/*.bin; do [ -f "$f" ] && chattr -ia "$f" 2>/dev/null; done
	vpmctl detach --all 2>/dev/null
	for m in /mnt/f /mnt/g; do umount "$m" 2>/dev/null; done
	dmsetup remove vpmflk 2>/dev/null
	[ -z "$WB_CS" ] || echo "$WB_CS" > /proc/sys/vm/dirty_writeback_centisecs
	WB_CS=
	true
}
run() { BGPIDS=; WB_CS=; "$@"; rc=$?; cleanup; return $rc; }

# a. Plain, fully allocated files: bio on 4 KiB blocks (ext4, XFS),
# small-block on 1 KiB ext4; the object reads the file's bytes, read-write
# and read-only.
plain_file_path() { # DEVICE FSTYPE WANT-PATH
	if [ "$2" = xfs ]; then mkfs_xfs "$1"; else mkfs_ext4 "$1" $4; fi || return 1
	mnt "$1" /mnt/f "$2" || return 1
	mkfile /mnt/f/plain.bin 61 $((4 * MB)) || return 1
	for how in "" --read-only; do
		attach $how /mnt/f/plain.bin || return 1
		expect "path ${how:-read-write}" "$(path_of "$OBJ")" "$3" || return 1
		out=$(vpmpat check "$OBJ" 61 0 $((4 * MB))) || { echo "object: $out"; return 1; }
		cmp "$OBJ" /mnt/f/plain.bin || { echo "object differs from the file"; return 1; }
		vpmctl detach "$OBJ" || return 1
	done
}
files_ext4_4k_plain() { plain_file_path /dev/ram0 ext4 bio "-b 4096"; }
files_ext4_1k_plain() { plain_file_path /dev/ram1 ext4 small-block "-b 1024"; }
files_xfs_plain() { plain_file_path /dev/ram2 xfs bio; }

# b. A reflinked (shared) XFS file is never paged by bio: a bio write would
# change its sibling too, and XFS's bmap() does not map shared blocks.
xfs_clone() {
	mkfs_xfs /dev/ram2 || return 1
	mnt /dev/ram2 /mnt/g xfs || return 1
	mkfile /mnt/g/src.bin 62 $((MB)) || return 1
	xfs_io -f -c "reflink /mnt/g/src.bin" /mnt/g/clone.bin > /dev/null || return 1
	filefrag -v /mnt/g/clone.bin | grep -q shared ||
		{ echo "clone has no shared extent"; filefrag -v /mnt/g/clone.bin; return 1; }
	out=$(vpmpat check /mnt/g/clone.bin 62 0 $((MB))) || { echo "clone: $out"; return 1; }
}

files_xfs_reflink_read_only() {
	xfs_clone || return 1
	attach --read-only /mnt/g/clone.bin || return 1
	p=$(path_of "$OBJ")
	out=$(vpmpat check "$OBJ" 62 0 $((MB)))
	r=$?
	vpmctl detach "$OBJ" || return 1
	[ "$r" = 0 ] || { echo "read-only clone reads wrong bytes: $out (path $p)"; return 1; }
	expect "path read-only" "$p" old
}

files_xfs_reflink_write() {
	xfs_clone || return 1
	attach /mnt/g/clone.bin || return 1
	p=$(path_of "$OBJ")
	out=$(vpmpat fill "$OBJ" 63 $((256 * KB)) $((64 * KB))) || { echo "write: $out"; return 1; }
	vpmctl detach "$OBJ" || return 1
	umount /mnt/g && mnt /dev/ram2 /mnt/g xfs || return 1
	bad=
	out=$(vpmpat check /mnt/g/src.bin 62 0 $((MB))) || bad="$bad sibling changed: $out;"
	out=$(vpmpat check /mnt/g/clone.bin 63 $((256 * KB)) $((64 * KB))) ||
		bad="$bad clone lacks the write: $out;"
	out=$(vpmpat check /mnt/g/clone.bin 62 0 $((256 * KB))) || bad="$bad clone head: $out;"
	out=$(vpmpat check /mnt/g/clone.bin 62 $((320 * KB)) $((704 * KB))) ||
		bad="$bad clone tail: $out;"
	umount /mnt/g
	out=$(xfs_repair -n /dev/ram2 2>&1) || bad="$bad xfs_repair -n: $(echo "$out" | tail -n 2)"
	[ -z "$bad" ] || { echo "$bad"; return 1; }
	expect "path read-write" "$p" old
}

# c. ext4 inline data: the bytes live in the inode, no block to map.
INLINE_OLD=inline-data-file-of-forty-bytes-exactly!
INLINE_NEW=written-through-vpm-forty-bytes-exactly!
files_ext4_inline_data() {
	mkfs_ext4 /dev/ram1 -b 4096 -O inline_data || return 1
	mnt /dev/ram1 /mnt/f ext4 || return 1
	f=/mnt/f/tiny.bin
	printf %s "$INLINE_OLD" > $f && sync || return 1
	lsattr $f | grep -q '^[^ ]*N' || { echo "not inline: $(lsattr $f)"; return 1; }
	bad=
	for how in --read-only ""; do
		attach $how $f || return 1
		p=$(path_of "$OBJ")
		[ "$p" = old ] || bad="$bad ${how:-read-write} path $p, want old;"
		# The shell drops NUL bytes: zeros read as ''.
		got=$(cat "$OBJ")
		[ "$got" = "$INLINE_OLD" ] || bad="$bad ${how:-read-write} reads '$got';"
		[ -z "$how" ] && { printf %s "$INLINE_NEW" | vpmfs write "$OBJ" 0 fsync > /dev/null ||
			bad="$bad write failed;"; }
		vpmctl detach "$OBJ" || return 1
	done
	umount /mnt/f && mnt /dev/ram1 /mnt/f ext4 || return 1
	got=$(cat $f)
	[ "$got" = "$INLINE_NEW" ] || bad="$bad file after the write: '$got';"
	n=$(stat -c %s $f)
	[ "$n" = 40 ] || bad="$bad file size $n, want 40;"
	[ -z "$bad" ] || { echo "$bad"; return 1; }
}

# d. An fscrypt (v2 policy) file: never paged by bio, which would write
# plaintext to the disk and read ciphertext.
MARK=vpm-plaintext-marker-3141
files_encrypted_file() {
	mkfs_ext4 /dev/ram1 -b 4096 -O encrypt || return 1
	mnt /dev/ram1 /mnt/f ext4 || return 1
	id=$(vpmfs addkey /mnt/f) || return 1
	mkdir /mnt/f/enc && vpmfs setpolicy /mnt/f/enc "$id" || return 1
	f=/mnt/f/enc/secret.bin
	mkfile $f 64 $((256 * KB)) || return 1
	yes $MARK | head -c $((64 * KB)) > /tmp/mark.bin
	bad=
	if out=$(vpmctl attach --read-only $f 2>&1); then
		p=$(path_of "$out")
		[ "$p" = old ] || bad="$bad read-only path $p, want old;"
		r=$(vpmpat check "$out" 64 0 $((256 * KB))) || bad="$bad read-only object reads $r;"
		vpmctl detach "$out" || return 1
	else
		info "files_encrypted_file: read-only attach refused: $out" >&9
	fi
	if ! out=$(vpmctl attach $f 2>&1); then
		[ -z "$bad" ] || { echo "$bad"; return 1; }
		info "files_encrypted_file: attach refused: $out" >&9
		return 0
	fi
	OBJ=$out
	p=$(path_of "$OBJ")
	[ "$p" = old ] || bad="$bad read-write path $p, want old;"
	out=$(vpmpat check "$OBJ" 64 0 $((256 * KB))) || bad="$bad object reads $out;"
	vpmfs write "$OBJ" 0 fsync < /tmp/mark.bin > /dev/null || bad="$bad write failed;"
	vpmctl detach "$OBJ" || return 1
	umount /mnt/f || return 1
	out=$(vpmfs find /dev/ram1 $MARK) && bad="$bad plaintext on the disk: $out;"
	mnt /dev/ram1 /mnt/f ext4 && vpmfs addkey /mnt/f > /dev/null || return 1
	dd if=$f bs=64k count=1 2>/dev/null | cmp -s - /tmp/mark.bin ||
		bad="$bad the file does not read back what vpm wrote;"
	out=$(vpmpat check $f 64 $((64 * KB)) $((192 * KB))) || bad="$bad rest of the file: $out;"
	[ -z "$bad" ] || { echo "$bad"; return 1; }
}

# e. Append-only and immutable files: no writable object, read-only is fine.
# vpmctl's own open fails; a descriptor the kernel sees must fail too.
files_append_only() {
	mkfs_ext4 /dev/ram0 -b 4096 && mnt /dev/ram0 /mnt/f ext4 || return 1
	f=/mnt/f/append.bin
	mkfile $f 65 $((MB)) && chattr +a $f || return 1
	out=$(vpmctl attach $f 2>&1)
	expect vpmctl "$out" "vpmctl: attach $f: Operation not permitted" || return 1
	expect "O_RDWR|O_APPEND descriptor" "$(vpmfs attach append $f)" EPERM || return 1
	attach --read-only $f || return 1
	out=$(vpmpat check "$OBJ" 65 0 $((MB))) || { echo "read-only: $out"; return 1; }
	vpmctl detach "$OBJ"
}

files_immutable() {
	mkfs_ext4 /dev/ram0 -b 4096 && mnt /dev/ram0 /mnt/f ext4 || return 1
	f=/mnt/f/immutable.bin
	mkfile $f 66 $((MB)) || return 1
	# Opened for writing before the file became immutable.
	exec 7<>$f
	chattr +i $f || return 1
	out=$(vpmctl attach $f 2>&1)
	expect vpmctl "$out" "vpmctl: attach $f: Operation not permitted" || return 1
	expect "descriptor opened before chattr +i" "$(vpmfs attach fd 7)" EPERM || return 1
	exec 7>&-
	attach --read-only $f || return 1
	out=$(vpmpat check "$OBJ" 66 0 $((MB))) || { echo "read-only: $out"; return 1; }
	vpmctl detach "$OBJ"
}

# f. A write through /dev/vpmN is a write of the file: mtime and ctime move.
files_writes_move_mtime_and_ctime() {
	mkfs_ext4 /dev/ram0 -b 4096 && mnt /dev/ram0 /mnt/f ext4 || return 1
	f=/mnt/f/times.bin
	mkfile $f 67 $((MB)) || return 1
	attach $f || return 1
	expect path "$(path_of "$OBJ")" bio || return 1
	set -- $(stat -c '%Y %Z' $f)
	sleep 1
	printf 'a write' | vpmfs write "$OBJ" 4096 fsync > /dev/null || return 1
	set -- "$@" $(stat -c '%Y %Z' $f)
	bad=
	[ "$3" -gt "$1" ] || bad="$bad mtime did not move: $1 -> $3;"
	[ "$4" -gt "$2" ] || bad="$bad ctime did not move: $2 -> $4;"
	vpmctl detach "$OBJ" || return 1
	[ -z "$bad" ] || { echo "$bad"; return 1; }
}

# g. DESTROY, INVAL and FREE drop pages: not from a read-only descriptor,
# which must not throw away a writer's unsynced bytes.
files_readonly_descriptor_cannot_drop_pages() {
	vpmpat fill /dev/ram3 68 0 $((MB)) > /dev/null || return 1
	attach /dev/ram3 || return 1
	exec 3<>"$OBJ"
	vpmpat fill "$OBJ" 69 0 $((64 * KB)) nosync > /dev/null || return 1
	bad=
	for fl in 4:DESTROY 2:INVAL 8:FREE; do
		got=$(probe -r "$OBJ" IOC_SYNC 16=${fl%%:*})
		[ "$got" = EBADF ] || bad="$bad O_RDONLY ${fl#*:}: $got;"
	done
	expect "writer's fsync" "$(vpmfs fsync 3)" OK || return 1
	exec 3>&-
	out=$(vpmpat check "$OBJ" 69 0 $((64 * KB))) || bad="$bad writer's bytes lost: $out;"
	vpmpat gen 69 $((64 * KB)) > /tmp/w.bin
	vpmfs dread /dev/ram3 0 $((64 * KB)) | cmp -s - /tmp/w.bin || bad="$bad not on the disk;"
	[ -z "$bad" ] || { echo "$bad"; return 1; }
	# Read-write descriptors still may.
	for fl in 4 2 8; do
		expect "O_RDWR flags $fl" "$(probe "$OBJ" IOC_SYNC 16=$fl)" OK || return 1
	done
	expect pages_cached "$(vpmctl stats "$OBJ" | value_of object.pages_cached)" 0 || return 1
	out=$(vpmpat check "$OBJ" 69 0 $((64 * KB))) || { echo "after sync flags: $out"; return 1; }
	vpmctl detach "$OBJ"
}

# h. A write error reaches every descriptor open when it happened, once
# each (errseq), whoever synced first; VPM_IOC_SYNC does not swallow it.
files_fsync_error_reaches_every_descriptor() {
	vpmpat fill /dev/ram4 70 0 $((MB)) > /dev/null || return 1
	dmsetup create vpmflk --table "0 $FLK_SECTORS linear /dev/ram4 0" || return 1
	attach /dev/mapper/vpmflk || return 1
	# No periodic writeback.  The pages are dirtied with the device failing
	# already: the object's backing-dev is new, its share of the dirty
	# limit nil, so the flusher may write them back at once, and must meet
	# the failing device then too (the pages stay dirty, the error counts).
	WB_CS=$(cat /proc/sys/vm/dirty_writeback_centisecs)
	echo 0 > /proc/sys/vm/dirty_writeback_centisecs
	exec 3<>"$OBJ" 4<>"$OBJ" 5<>"$OBJ"
	flakey fail || return 1
	vpmpat fill "$OBJ" 71 0 $((256 * KB)) nosync > /dev/null || return 1
	s5=$(vpmfs sync 5 0)
	a3=$(vpmfs fsync 3)
	flakey linear || return 1
	a4=$(vpmfs fsync 4)
	b3=$(vpmfs fsync 3)
	b4=$(vpmfs fsync 4)
	exec 6<>"$OBJ"
	a6=$(vpmfs fsync 6)
	info "files_fsync_error_reaches_every_descriptor: IOC_SYNC on a third descriptor $s5, fd3 $a3 then $b3, fd4 $a4 then $b4, a descriptor opened afterwards $a6" >&9
	exec 3>&- 4>&- 5>&- 6>&-
	expect "fd3 fsync while writes fail" "$a3" EIO || return 1
	expect "fd4 fsync after the device recovered" "$a4" EIO || return 1
	expect "fd3 second fsync" "$b3" OK || return 1
	expect "fd4 second fsync" "$b4" OK || return 1
	vpmctl detach "$OBJ" || return 1
	out=$(vpmpat check /dev/mapper/vpmflk 71 0 $((256 * KB))) || { echo "on disk: $out"; return 1; }
}

# i. A frozen file system takes no writes, vpm's included.
files_fsfreeze_holds_writes() {
	mkfs_ext4 /dev/ram0 -b 4096 && mnt /dev/ram0 /mnt/f ext4 || return 1
	f=/mnt/f/frozen.bin
	mkfile $f 72 $((4 * MB)) || return 1
	attach $f || return 1
	expect path "$(path_of "$OBJ")" bio || return 1
	vpmpat gen 73 $((MB)) > /tmp/frz.bin
	fsfreeze --freeze /mnt/f || return 1
	dd if=/tmp/frz.bin of="$OBJ" bs=64k conv=notrunc,fsync > /tmp/dd.out 2>&1 &
	pid=$!
	BGPIDS=$pid
	sleep 2
	if ! kill -0 $pid 2>/dev/null; then
		fsfreeze --unfreeze /mnt/f
		wait $pid
		echo "the write completed on a frozen file system (dd: $(tail -n 1 /tmp/dd.out))"
		return 1
	fi
	fsfreeze --unfreeze /mnt/f || return 1
	gone_within 20 $pid || { echo "write still blocked 20 s after the thaw"; return 1; }
	wait $pid || { echo "dd failed: $(cat /tmp/dd.out)"; return 1; }
	BGPIDS=
	out=$(vpmpat check "$OBJ" 73 0 $((MB))) || { echo "object: $out"; return 1; }
	vpmctl detach "$OBJ" || return 1
	umount /mnt/f && mnt /dev/ram0 /mnt/f ext4 || return 1
	out=$(vpmpat check $f 73 0 $((MB))) || { echo "file: $out"; return 1; }
}

# j. Attach and detach race truncate, fallocate, hole punching and writes
# of the same file; refusals are fine, a damaged file system is not.
race_attacher() { # END
	n=0
	while [ "$(date +%s)" -lt "$1" ]; do
		o=$(vpmctl attach /mnt/f/race.bin 2>/dev/null) || continue
		n=$((n + 1))
		dd if=/tmp/race.bin of="$o" bs=4k count=4 seek=$((n % 64)) conv=notrunc,fsync 2>/dev/null
		dd if="$o" of=/dev/null bs=64k count=4 2>/dev/null
		vpmctl detach "$o" 2>/dev/null
	done
	echo "attached $n times"
}

race_mutator() { # END
	i=0
	f=/mnt/f/race.bin
	while [ "$(date +%s)" -lt "$1" ]; do
		case $((i % 6)) in
		0) truncate -s $((MB)) $f ;;
		1) fallocate -l $((3 * MB)) $f ;;
		2) xfs_io -c "fpunch $((64 * KB)) $((128 * KB))" $f ;;
		3) dd if=/tmp/race.bin of=$f bs=64k seek=$((i % 32)) count=1 conv=notrunc ;;
		4) truncate -s $((2 * MB)) $f ;;
		5) xfs_io -c "pwrite -q 0 $((2 * MB))" -c fsync $f ;;
		esac
		i=$((i + 1))
	done
	echo "mutated $i times"
}

SPLATS='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|circular locking|inconsistent lock state|sleeping function called'
files_race_attach_truncate_fallocate() {
	mkfs_ext4 /dev/ram0 -b 4096 && mnt /dev/ram0 /mnt/f ext4 || return 1
	mkfile /mnt/f/race.bin 74 $((2 * MB)) || return 1
	vpmpat gen 75 $((64 * KB)) > /tmp/race.bin
	echo "vpm e2e: files race begins" > /dev/kmsg
	end=$(($(date +%s) + 5))
	race_attacher $end > /tmp/race-a.out 2>&1 &
	a=$!
	race_mutator $end > /tmp/race-m.out 2>&1 &
	m=$!
	BGPIDS="$a $m"
	wait $a
	wait $m
	BGPIDS=
	info "files_race_attach_truncate_fallocate: $(tail -n 1 /tmp/race-a.out), $(tail -n 1 /tmp/race-m.out)" >&9
	vpmctl detach --all 2>/dev/null
	umount /mnt/f || return 1
	out=$(e2fsck -fn /dev/ram0 2>&1) || { echo "e2fsck: $out"; return 1; }
	out=$(dmesg | sed -n '/vpm e2e: files race begins/,$p' | grep -E "$SPLATS")
	[ -z "$out" ] || { echo "kernel: $out"; return 1; }
}

# k. O_SYNC, O_DSYNC and fdatasync writes are on the disk when the call
# returns: read back around every cache with O_DIRECT.
files_o_sync_writes_reach_the_disk() {
	attach /dev/ram3 || return 1
	bad=
	for w in sync:0 dsync:$((MB)) fdatasync:$((2 * MB)); do
		off=${w#*:}
		vpmpat gen 76 $((256 * KB)) > /tmp/s.bin
		vpmfs write "$OBJ" "$off" ${w%%:*} < /tmp/s.bin > /dev/null || return 1
		vpmfs dread /dev/ram3 "$off" $((256 * KB)) | cmp -s - /tmp/s.bin ||
			bad="$bad ${w%%:*} write of the disk not on the disk;"
	done
	# The control: a plain write is not on the disk at once.
	vpmpat gen 79 $((256 * KB)) > /tmp/s.bin
	vpmfs write "$OBJ" $((3 * MB)) plain < /tmp/s.bin > /dev/null || return 1
	vpmfs dread /dev/ram3 $((3 * MB)) $((256 * KB)) | cmp -s - /tmp/s.bin &&
		c="is" || c="is not"
	info "files_o_sync_writes_reach_the_disk: a plain write $c on the disk before fsync" >&9
	vpmctl detach "$OBJ" || return 1
	mkfs_ext4 /dev/ram0 -b 4096 && mnt /dev/ram0 /mnt/f ext4 || return 1
	mkfile /mnt/f/sync.bin 77 $((MB)) || return 1
	attach /mnt/f/sync.bin || return 1
	vpmpat gen 78 $((256 * KB)) > /tmp/s.bin
	vpmfs write "$OBJ" 0 dsync < /tmp/s.bin > /dev/null || return 1
	vpmfs dread /mnt/f/sync.bin 0 $((256 * KB)) | cmp -s - /tmp/s.bin ||
		bad="$bad dsync write of a file (path $(path_of "$OBJ")) not on the disk;"
	[ -z "$bad" ] || { echo "$bad"; return 1; }
	vpmctl detach "$OBJ"
}

check files_ext4_4k_plain_file_takes_the_bio_path run files_ext4_4k_plain
check files_ext4_1k_plain_file_takes_the_small_block_path run files_ext4_1k_plain
check files_xfs_plain_file_takes_the_bio_path run files_xfs_plain
check files_xfs_reflink_read_only_takes_the_old_path_and_reads_the_file run files_xfs_reflink_read_only
check files_xfs_reflink_write_keeps_the_sibling run files_xfs_reflink_write
check files_ext4_inline_data_takes_the_old_path run files_ext4_inline_data
check files_encrypted_file_is_never_written_in_plaintext run files_encrypted_file
check files_append_only_refuses_writable_attach run files_append_only
check files_immutable_refuses_writable_attach run files_immutable
check files_writes_move_mtime_and_ctime run files_writes_move_mtime_and_ctime
check files_readonly_descriptor_cannot_drop_pages run files_readonly_descriptor_cannot_drop_pages
check files_fsync_error_reaches_every_descriptor run files_fsync_error_reaches_every_descriptor
check files_fsfreeze_holds_writes run files_fsfreeze_holds_writes
check files_race_attach_truncate_fallocate_keeps_ext4_clean run files_race_attach_truncate_fallocate
check files_o_sync_writes_reach_the_disk run files_o_sync_writes_reach_the_disk
vpmctl detach --all 2>/dev/null
vpm_unload
rmmod brd 2>/dev/null
true
