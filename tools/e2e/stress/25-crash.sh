# SPDX-License-Identifier: GPL-2.0
# Crash consistency: what fsync on /dev/vpmN acknowledged survives a power
# cut, for a regular file on ext4 and XFS and for a block device.
#
# The file system sits on dm-log-writes, which logs the writes that reached
# the disk in the order the flushes made them durable.  A mark
# ("dmsetup message lw 0 mark NAME") right after an fsync returns names that
# point; logreplay replays the log up to it onto a zeroed device (the log
# holds everything from mkfs on), which is the disk as a power cut at the
# mark leaves it, and mounting that runs the journal recovery.  Per file
# system:
#   committed_file     a file written and synced through the file system,
#                      attached, random writes through vpm, fsync, mark:
#                      every byte there
#   unflushed_control  the same writes written back but not flushed before a
#                      mark ahead of the fsync: the replay must miss them, or
#                      the rig could not see a missing flush
#   delalloc_file      a file written through the file system just before
#                      attach (no sync: its blocks are allocated at attach
#                      and not committed in the journal), then writes
#                      through vpm, fsync, mark: every byte there
#   setsize_unaligned  SETSIZE shrink to an unaligned size, fsync, mark: the
#                      file has the new size and its bytes
#   replay_end         the whole log, after detach and umount: the replay
#                      tool's own check
# Each replayed file system must also pass e2fsck -n or xfs_repair -n.
# And a power cut under an attached block device (null_blk with a volatile
# cache powered off without detach): what fsync, fdatasync and O_DSYNC
# acknowledged is on the disk; data written back but never flushed is lost
# (the control), and so is data still dirty in vpm's cache, never garbage.
. /e2e/lib.sh
. /e2e/suite/stress.lib

modprobe null_blk nr_devices=0 2>/dev/null
modprobe dm-log-writes 2>/dev/null
# xfs before its sysctl is set (crash_run).
modprobe xfs 2>/dev/null
vpm_load
PATH=$PATH:/usr/sbin		# mkfs.xfs

CR=/tmp/crash
NW=${CRASH_WRITES:-40}		# writes per batch
ML=65536			# longest write
FSZ=$((8 * MB))			# the delalloc file, f
GSZ=$((4 * MB))			# the committed file, g
NSZ=$((GSZ - 3 * 4096 - 1234))	# g after the shrink
HSZ=$((1 * MB))			# the sparse file, h (the old path)
HGROW=$((3 * MB + 777))		# h after the growth
mkdir -p $CR

mark() { dmsetup message lw 0 mark "$1"; }

# Results of case CASE of file system $FS, one line each; FAIL lines fail.
note() { echo "$2" >> "$CR/$FS.$1"; }
bad() { echo "FAIL $2" >> "$CR/$FS.$1"; }

# compare FILE SIZE BASE [SEED N]: FILE is SIZE bytes of file BASE with the
# writes of "randwrite SEED N $ML" on top?  Prints "ok BYTES", "mismatch
# BYTES first OFFSET", "missing" or "N bytes, not SIZE".
compare() {
	[ -f "$1" ] || { echo "missing"; return 1; }
	got=$(stat -c %s "$1")
	[ "$got" = "$2" ] || { echo "$got bytes, not $2"; return 1; }
	vpmpat verify "$1" "$3" "${4:-0}" "${5:-0}" $ML 2>&1
}

bytes_of() { echo "$1" | sed -n 's/^ok //p; s/^mismatch \([0-9]*\) .*/\1/p'; }

# ext4 with 1 KiB blocks: the small-block path, whose extent map is read
# block by block (XFS, with blocks of a page, is mapped the swapon way), so
# the crash cases cover both ways of reading a file's extents.  Inode
# tables and journal zeroed by mkfs: ext4's lazy init thread would zero
# them after the mount and flush the disk whenever it is done, making
# durable the writes unflushed_control left unflushed.  No discard, with
# either file system: the disk and every replay device start as zeros
# from null_blk, and a discard of the whole disk logged by mkfs cost each
# replay 1.7 s on the KASAN kernel.
mkfs_ext4() {
	mkfs.ext4 -q -F -b 1024 \
		-E lazy_itable_init=0,lazy_journal_init=0,nodiscard "$1"
}
# A long commit interval: nothing but an fsync commits the journal.
mount_ext4() { mount -t ext4 -o commit=300 "$1" /mnt; }
# mkfs.xfs makes file systems under 300 MB for test suites only.
mkfs_xfs() { TEST_DIR=1 TEST_DEV=1 QA_CHECK_FS=1 mkfs.xfs -q -f -K "$1"; }
mount_xfs() { mount -t xfs "$1" /mnt; }

# replay MARK: the log up to MARK on a fresh device, mounted on /mnt.
replay() {
	nullb_make cr 64 discard=1 "blocksize=$BS" || return 1
	if ! out=$(logreplay --log /dev/cl --replay /dev/cr --end-mark "$1" 2>&1); then
		echo "replay: $out"
		nullb_remove cr
		return 1
	fi
	REPLAYS=$((REPLAYS + 1))
	LAST=$out
	if ! out=$(mount -t "$FS" /dev/cr /mnt 2>&1); then
		echo "mount: $out"
		nullb_remove cr
		return 1
	fi
}

fsck_ext4() { e2fsck -fn "$1"; }
fsck_xfs() { xfs_repair -n "$1"; }

# unreplay CASE MARK: unmount, and the file system must be consistent.
unreplay() {
	umount /mnt || { bad "$1" "$2: umount failed"; return 1; }
	FSCKS=$((FSCKS + 1))
	if ! out=$("fsck_$FS" /dev/cr 2>&1); then
		bad "$1" "$2: fsck: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
	fi
	nullb_remove cr
}

# The writes, marks and fsyncs of one file system's run.
write_phase() {
	nullb_make cd 64 discard=1 "blocksize=$BS" && nullb_make cl 512 || return 1
	dmsetup create lw --table "0 $((64 * 2048)) log-writes /dev/cd /dev/cl" ||
		return 1
	out=$("mkfs_$FS" /dev/mapper/lw 2>&1) || { echo "mkfs: $out"; return 1; }
	"mount_$FS" /dev/mapper/lw || return 1
	mark mkfs || return 1
	# g: on disk and committed before it is attached.
	: > /mnt/g && vpmpat fill /mnt/g 8 0 $GSZ > /dev/null && sync || return 1
	# f: written just before attach, its blocks delayed.
	: > /mnt/f && vpmpat fill /mnt/f 7 0 $FSZ nosync > /dev/null || return 1
	F=$(vpmctl attach /mnt/f) || return 1
	figure "crash $FS: /mnt/f attached as $F, path $(stat_of "$F" object.path)"
	k=1
	while [ $k -le 3 ]; do
		vpmpat randwrite "$F" $((700 + k)) "$NW" $ML nosync > /dev/null &&
			vpmpat sync "$F" && mark "a$k" || return 1
		k=$((k + 1))
	done
	G=$(vpmctl attach /mnt/g) || return 1
	figure "crash $FS: /mnt/g attached as $G, path $(stat_of "$G" object.path)"
	k=1
	while [ $k -le 2 ]; do
		vpmpat randwrite "$G" $((800 + k)) "$NW" $ML nosync > /dev/null ||
			return 1
		# On the disk (its cache), not flushed, when the mark is set.
		w0=$(written /dev/mapper/lw)
		vpmctl sync "$G" --async && idle /dev/mapper/lw || return 1
		w1=$(written /dev/mapper/lw)
		note unflushed_control \
			"c-pre$k: $(((w1 - w0) * 512)) bytes written back, unflushed, before the mark"
		mark "c-pre$k" && vpmpat sync "$G" && mark "c$k" || return 1
		k=$((k + 1))
	done
	vpmctl setsize "$G" $NSZ || { echo "setsize $NSZ failed"; return 1; }
	vpmpat sync "$G" && mark b1 || return 1
	# h: sparse, so attached for writing it takes the old path, which
	# can grow it; the new tail is written and the whole made durable.
	: > /mnt/h && truncate -s $HSZ /mnt/h &&
		vpmpat fill /mnt/h 9 0 $((HSZ / 2)) nosync > /dev/null || return 1
	H=$(vpmctl attach /mnt/h) || return 1
	figure "crash $FS: /mnt/h attached as $H, path $(stat_of "$H" object.path)"
	vpmctl setsize "$H" $HGROW || { echo "setsize $HGROW failed"; return 1; }
	vpmpat fill "$H" 10 $HSZ $((HGROW - HSZ)) nosync > /dev/null &&
		vpmpat sync "$H" && mark g1 || return 1
	vpmctl detach "$F" && vpmctl detach "$G" && vpmctl detach "$H" &&
		umount /mnt || return 1
	figure "crash $FS: log-writes status $(dmsetup status lw)"
	dmsetup remove lw
}

# The same writes on the reference files in /tmp.
references() {
	vpmpat gen 7 $FSZ > $CR/f.0 && vpmpat gen 8 $GSZ > $CR/g.0 || return 1
	k=1
	while [ $k -le 3 ]; do
		cp $CR/f.$((k - 1)) $CR/f.$k &&
			vpmpat randwrite $CR/f.$k $((700 + k)) "$NW" $ML nosync > /dev/null ||
			return 1
		k=$((k + 1))
	done
	k=1
	while [ $k -le 2 ]; do
		cp $CR/g.$((k - 1)) $CR/g.$k &&
			vpmpat randwrite $CR/g.$k $((800 + k)) "$NW" $ML nosync > /dev/null ||
			return 1
		k=$((k + 1))
	done
	cp $CR/g.2 $CR/g.b && truncate -s $NSZ $CR/g.b || return 1
	rm -f $CR/h.g && truncate -s $HGROW $CR/h.g &&
		vpmpat fill $CR/h.g 9 0 $((HSZ / 2)) nosync > /dev/null &&
		vpmpat fill $CR/h.g 10 $HSZ $((HGROW - HSZ)) nosync > /dev/null
}

# check_mark CASE MARK FILE SIZE BASE [SEED N]: the replayed FILE must hold it.
check_mark() {
	c=$1 m=$2
	shift 2
	if r=$(compare "$@"); then
		note "$c" "$m: $1 $r"
		COMPARED=$((COMPARED + $(bytes_of "$r")))
	else
		bad "$c" "$m: $1 $r"
	fi
}

# at_mark CASE MARK FILE SIZE BASE [SEED N]: replay to MARK, check FILE.
at_mark() {
	c=$1 m=$2
	shift 2
	if replay "$m" > $CR/out 2>&1; then
		check_mark "$c" "$m" "$@"
		unreplay "$c" "$m"
	else
		bad "$c" "$m: $(cat $CR/out)"
	fi
}

# The rounds of the delalloc (3) and committed (2) writes whose marks are
# replayed: CRASH_REPLAY_ROUNDS=1 (the KASAN kernel's run) replays the
# first of each, the round right after attach, and the marks after them.
RA=${CRASH_REPLAY_ROUNDS:-3}
RC=${CRASH_REPLAY_ROUNDS:-2}
[ "$RA" -le 3 ] || RA=3
[ "$RC" -le 2 ] || RC=2

replay_phase() {
	note replay_end "marks: $(logreplay --log /dev/cl --list-marks | tr '\n' ' ')"
	k=1
	while [ $k -le $RA ]; do
		at_mark delalloc_file "a$k" /mnt/f $FSZ $CR/f.$((k - 1)) \
			$((700 + k)) "$NW"
		k=$((k + 1))
	done
	k=1
	while [ $k -le $RC ]; do
		if replay "c-pre$k" > $CR/out 2>&1; then
			# What the previous fsync acknowledged is all there: every
			# sector holds it, or what the batch not yet synced wrote
			# over it (a flush the file system sent may have come
			# before the mark)...
			if r=$(vpmpat sectors /mnt/g $CR/g.$((k - 1)) $CR/g.$k 0 $GSZ 2>&1); then
				note committed_file "c-pre$k: /mnt/g $r"
			else
				bad committed_file "c-pre$k: /mnt/g $r"
			fi
			# ... and the writes after it are not.
			if r=$(compare /mnt/g $GSZ $CR/g.$((k - 1)) $((800 + k)) "$NW"); then
				bad unflushed_control "c-pre$k: the unflushed writes are all there ($r)"
			else
				note unflushed_control "c-pre$k: $r (bytes of the batch lost)"
			fi
			unreplay unflushed_control "c-pre$k"
		else
			bad unflushed_control "c-pre$k: $(cat $CR/out)"
		fi
		at_mark committed_file "c$k" /mnt/g $GSZ $CR/g.$((k - 1)) \
			$((800 + k)) "$NW"
		k=$((k + 1))
	done
	at_mark setsize_unaligned b1 /mnt/g $NSZ $CR/g.b
	at_mark setsize_grow g1 /mnt/h $HGROW $CR/h.g
	if replay dm-log-writes-end > $CR/out 2>&1; then
		note replay_end "$LAST"
		check_mark replay_end end /mnt/f $FSZ $CR/f.3
		check_mark replay_end end /mnt/g $NSZ $CR/g.b
		check_mark replay_end end /mnt/h $HGROW $CR/h.g
		unreplay replay_end dm-log-writes-end
	else
		bad replay_end "end: $(cat $CR/out)"
	fi
}

CASES="committed_file unflushed_control delalloc_file setsize_unaligned setsize_grow replay_end"

# One file system's run, whose results the checks below read.
crash_run() {
	FS=$1
	BS=$2
	REPLAYS=0
	COMPARED=0
	FSCKS=0
	for c in $CASES; do
		rm -f "$CR/$FS.$c"
	done
	# No periodic log force: nothing but an fsync commits the log.
	[ "$FS" = xfs ] && echo 720000 > /proc/sys/fs/xfs/xfssyncd_centisecs
	if out=$(references 2>&1) && out=$(write_phase 2>&1); then
		replay_phase
		figure "crash $FS: $REPLAYS marks replayed, $COMPARED bytes compared, $FSCKS fsck runs"
	else
		for c in $CASES; do
			bad "$c" "setting up: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
		done
	fi
	[ "$FS" = xfs ] && echo 3000 > /proc/sys/fs/xfs/xfssyncd_centisecs
	vpmctl detach --all 2>/dev/null
	umount /mnt 2>/dev/null
	dmsetup remove lw 2>/dev/null
	for d in cd cl cr; do
		nullb_remove $d 2>/dev/null
	done
	rm -f $CR/f.* $CR/g.* $CR/h.*
	touch "$CR/$FS.done"
}

# A check: the lines of the case, after the run of its file system.
judge() {
	[ -f "$CR/$1.done" ] || crash_run "$1" "$3" > /dev/null 2>&1
	f=$CR/$1.$2
	[ -s "$f" ] || { echo "no result"; return 1; }
	grep -v '^FAIL' "$f" | while read -r line; do
		figure "crash $1 $2: $line"
	done
	! grep '^FAIL' "$f"
}

for c in $CASES; do
	check "crash_ext4_$c" judge ext4 "$c" 1024
done
for c in $CASES; do
	check "crash_xfs_$c" judge xfs "$c" 512
done

# --- a power cut with the object attached ---

# null_blk writes over sectors it stores in place, past its cache: only
# sectors never written before are held in the cache until a flush, so the
# device starts empty (zeros) and each region is written once.
PC=$CR/powercut
powercut_run() {
	: > $PC
	nullb_make pc 64 cache_size=32 || return 1
	OBJ=$(vpmctl attach /dev/pc) || return 1
	# Acknowledged: fsync, O_DSYNC writes, fdatasync.
	vpmpat randwrite "$OBJ" 91 "$NW" $ML fsync 0 $((4 * MB)) > /dev/null &&
		vpmpat fill "$OBJ" 92 $((4 * MB)) $((4 * MB)) odsync &&
		vpmpat fill "$OBJ" 93 $((8 * MB)) $((4 * MB)) fdatasync || return 1
	# The control: written back to the disk's volatile cache, never flushed.
	vpmpat fill "$OBJ" 94 $((16 * MB)) $((8 * MB)) nosync || return 1
	w0=$(written /dev/pc)
	vpmctl sync "$OBJ" --async --offset $((16 * MB)) --length $((8 * MB)) &&
		idle /dev/pc || return 1
	w1=$(written /dev/pc)
	echo "control $(((w1 - w0) * 512)) bytes written back unflushed" >> $PC
	# And some only dirty in vpm's cache when the power goes.
	vpmpat fill "$OBJ" 95 $((28 * MB)) $((4 * MB)) nosync || return 1
	# The power goes with the object attached.
	nullb_power pc 0 || return 1
	nullb_power pc 1 || return 1
	if out=$(vpmctl detach "$OBJ" 2>&1); then
		echo "detach after the power cut: ok" >> $PC
	else
		echo "detach after the power cut: $out" >> $PC
	fi
	vpmctl detach --all 2>/dev/null
	for r in "fsync $(vpmpat verify /dev/pc /dev/zero 91 "$NW" $ML 0 $((4 * MB)) 2>&1)" \
		 "odsync $(vpmpat check /dev/pc 92 $((4 * MB)) $((4 * MB)) 2>&1)" \
		 "fdatasync $(vpmpat check /dev/pc 93 $((8 * MB)) $((4 * MB)) 2>&1)"; do
		echo "synced $r" >> $PC
	done
	echo "sectors $(vpmpat sectors /dev/pc /dev/zero 94 $((16 * MB)) $((8 * MB)) 2>&1)" >> $PC
	echo "dirty $(vpmpat sectors /dev/pc /dev/zero 95 $((28 * MB)) $((4 * MB)) 2>&1)" >> $PC
}

# The "new N old N garbage N" of a line of the power cut's results.
counts_of() {
	sed -n "s/^$1 new \([0-9]*\) old \([0-9]*\) garbage \([0-9]*\)$/\1 \2 \3/p" $PC
}

judge_powercut() {
	if [ ! -f $PC.done ]; then
		out=$(powercut_run 2>&1) || echo "FAIL setting up: $out" >> $PC
		nullb_remove pc 2>/dev/null
		touch $PC.done
		while read -r line; do
			figure "crash powercut: $line"
		done < $PC
	fi
	grep -q '^FAIL' $PC && { grep '^FAIL' $PC; return 1; }
	case $1 in
	synced)
		n=$(grep -c '^synced [a-z]* ok ' $PC)
		[ "$n" = 3 ] || { grep '^synced' $PC; return 1; }
		;;
	control)
		# Some sectors must have their old bytes (lost), none garbage.
		# shellcheck disable=SC2046
		set -- $(counts_of sectors)
		[ $# = 3 ] || { grep '^sectors' $PC; return 1; }
		if [ "$2" -eq 0 ]; then
			echo "the unflushed control survived the power cut: new $1 old $2"
			return 1
		fi
		[ "$3" = 0 ] || { echo "garbage in $3 sectors of the control"; return 1; }
		# shellcheck disable=SC2046
		set -- $(counts_of dirty)
		[ $# = 3 ] || { grep '^dirty' $PC; return 1; }
		if [ "$1" != 0 ] || [ "$3" != 0 ]; then
			echo "pages dirty at the power cut: $(grep '^dirty' $PC)"
			return 1
		fi
		;;
	esac
}

check crash_powercut_attached_synced judge_powercut synced
check crash_powercut_attached_control judge_powercut control

vpmctl detach --all 2>/dev/null
vpm_unload
true
