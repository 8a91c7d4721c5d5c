# SPDX-License-Identifier: GPL-2.0
# NBD as a backing store, served in the guest by Debian's nbdkit (memory
# plugin, on a Unix socket) and connected with nbd-client -t.  Data goes
# there and back; a stopped server (SIGSTOP) fails a read within the nbd
# timeout plus 10 s; a killed one (SIGKILL) fails reads and fsync, its
# dirty pages stay dirty and keep a plain detach from removing the object
# (it says how many) until detach --force drops them and reports their
# bytes; an object with nothing dirty detaches even though its final flush
# fails; rmmod removes an object on the dead disk.  An object on a healthy
# null_blk keeps working throughout.  Nothing may wait without bound.
. /e2e/lib.sh
. /e2e/suite/stress.lib

export PATH=$PATH:/usr/sbin
NBD_TIMEOUT=5		# nbd-client -t: a request to a silent server fails then
BOUND=$((NBD_TIMEOUT + 10))
HEALTHY_LOG=/tmp/nbd-healthy.log

modprobe nbd nbds_max=2
modprobe null_blk nr_devices=0 2>/dev/null
vpm_load

# nbd_serve SOCKET DEVICE: a 64 MiB nbdkit memory export on SOCKET,
# connected to DEVICE; prints nbdkit's pid.  nbdkit runs as a daemon (it
# returns once the socket listens): one in the foreground would quit with
# the subshell that started it.
nbd_serve() {
	rm -f "$1" "$1.pid"
	nbdkit -P "$1.pid" -U "$1" memory 64M > /dev/null 2>&1 || return 1
	cat "$1.pid"
	nbd-client -unix "$1" "$2" -t $NBD_TIMEOUT -b 4096 > /dev/null 2>&1
}

# bounded SECONDS OUT COMMAND...: COMMAND's status, its output in file
# OUT; fails (leaving it running) if it takes longer than SECONDS.
bounded() {
	secs=$1 out=$2
	shift 2
	"$@" > "$out" 2>&1 &
	pid=$!
	gone_within "$secs" $pid ||
		{ echo "$*: still running after $secs s"; return 2; }
	wait $pid
}

# One write, fsync and read back on the healthy object, logged as STAGE.
healthy_round() {
	seed=$((60 + $(wc -l < $HEALTHY_LOG)))
	if bounded 20 /tmp/nbd-h.out vpmpat fill "$HOBJ" $seed 0 $MB &&
	   vpmctl sync "$HOBJ" --invalidate &&
	   bounded 20 /tmp/nbd-h.out vpmpat check "$HOBJ" $seed 0 $MB; then
		echo "$1 ok" >> $HEALTHY_LOG
	else
		echo "$1 failed: $(cat /tmp/nbd-h.out)" >> $HEALTHY_LOG
	fi
}

: > $HEALTHY_LOG
SRV=$(nbd_serve /tmp/nbd0.sock /dev/nbd0)
SRV1=$(nbd_serve /tmp/nbd1.sock /dev/nbd1)
OBJ=$(vpmctl attach /dev/nbd0)
OBJ1=$(vpmctl attach /dev/nbd1)
nullb_make healthy 64
HOBJ=$(vpmctl attach /dev/healthy)

nbd_data_reaches_the_server_and_back() {
	[ -c "$OBJ" ] && [ -c "$OBJ1" ] && [ -c "$HOBJ" ] ||
		{ echo "setup: objects '$OBJ' '$OBJ1' '$HOBJ'"; return 1; }
	vpmpat fill "$OBJ" 51 0 $((4 * MB)) > /dev/null || return 1
	vpmpat fill "$OBJ1" 52 0 $MB > /dev/null || return 1
	vpmctl sync "$OBJ" --invalidate || return 1
	out=$(vpmpat check "$OBJ" 51 0 $((4 * MB))) || { echo "vpm: $out"; return 1; }
	# On the server: nbd0's own page cache was dropped at attach.
	out=$(vpmpat check /dev/nbd0 51 0 $((4 * MB))) || { echo "nbd0: $out"; return 1; }
	healthy_round round-trip
}

nbd_stopped_server_fails_a_read_in_time() {
	kill -STOP "$SRV" || return 1
	t0=$(now_ms)
	# A page nobody read yet.
	bounded $BOUND /tmp/nbd-r.out dd if="$OBJ" of=/dev/null bs=4096 \
		skip=$((8192 + 100)) count=1
	rc=$?
	ms=$(($(now_ms) - t0))
	figure "nbd: a read with the server stopped failed after $ms ms (nbd timeout ${NBD_TIMEOUT} s)"
	[ $rc -ne 2 ] || return 1
	grep -q "Input/output error" /tmp/nbd-r.out ||
		{ echo "read: rc $rc: $(cat /tmp/nbd-r.out)"; return 1; }
	healthy_round stopped
}

nbd_dead_server_keeps_dirty_pages_until_forced() {
	kill -KILL "$SRV" || return 1
	bounded $BOUND /tmp/nbd-r.out dd if="$OBJ" of=/dev/null bs=4096 \
		skip=$((8192 + 200)) count=1
	[ $? -ne 2 ] || return 1
	grep -q "Input/output error" /tmp/nbd-r.out ||
		{ echo "read: $(cat /tmp/nbd-r.out)"; return 1; }
	# Five whole pages are written without a read: they are only dirty.
	bounded $BOUND /tmp/nbd-w.out dd if=/dev/zero of="$OBJ" bs=4096 \
		seek=$((10240)) count=5 || { cat /tmp/nbd-w.out; return 1; }
	if bounded $BOUND /tmp/nbd-s.out vpmpat sync "$OBJ"; then
		echo "fsync succeeded on a dead server"
		return 1
	fi
	grep -q "Input/output error" /tmp/nbd-s.out ||
		{ echo "fsync: $(cat /tmp/nbd-s.out)"; return 1; }
	healthy_round dead
	# A plain detach keeps them, and says so.
	if bounded $BOUND /tmp/nbd-d.out vpmctl detach "$OBJ"; then
		echo "plain detach removed an object with dirty pages"
		return 1
	fi
	grep -q "Input/output error: 5 dirty pages could not be written" \
		/tmp/nbd-d.out || { echo "detach: $(cat /tmp/nbd-d.out)"; return 1; }
	[ -c "$OBJ" ] || { echo "$OBJ gone after a refused detach"; return 1; }
	id=${OBJ#/dev/vpm}
	dmesg | grep -q "object $id: detach refused: -5, 5 dirty pages" ||
		{ echo "no refusal in the kernel log"; return 1; }
	bounded $BOUND /tmp/nbd-d.out vpmctl detach --force "$OBJ" ||
		{ echo "detach --force: $(cat /tmp/nbd-d.out)"; return 1; }
	expect "detach --force" "$(cat /tmp/nbd-d.out)" \
		"$OBJ: 20480 dirty bytes lost (Input/output error)" || return 1
	[ ! -e "$OBJ" ] || { echo "$OBJ still there"; return 1; }
	dmesg | grep -q "object $id: forced detach: 20480 dirty bytes lost (-5)" ||
		{ echo "no loss in the kernel log"; return 1; }
}

# Everything fsync'ed, then the server dies: the final flush fails, and the
# object goes all the same, with a warning.
nbd_clean_object_detaches_from_a_dead_server() {
	kill -KILL "$SRV1" || return 1
	bounded $BOUND /tmp/nbd-r.out dd if="$OBJ1" of=/dev/null bs=4096 \
		skip=1000 count=1
	[ $? -ne 2 ] || return 1
	grep -q "Input/output error" /tmp/nbd-r.out ||
		{ echo "read: $(cat /tmp/nbd-r.out)"; return 1; }
	bounded $BOUND /tmp/nbd-d.out vpmctl detach "$OBJ1" ||
		{ echo "detach: $(cat /tmp/nbd-d.out)"; return 1; }
	grep -q "detached, but the final cache flush failed: Input/output error" \
		/tmp/nbd-d.out || { echo "detach: '$(cat /tmp/nbd-d.out)'"; return 1; }
	[ ! -e "$OBJ1" ] || { echo "$OBJ1 still there"; return 1; }
	dmesg | grep -q "object ${OBJ1#/dev/vpm}: detach: the final cache flush failed (-5)" ||
		{ echo "no flush error in the kernel log"; return 1; }
}

nbd_healthy_object_keeps_working() {
	healthy_round last
	cat $HEALTHY_LOG
	! grep -q failed $HEALTHY_LOG || return 1
	grep -q "^last ok" $HEALTHY_LOG || return 1
	bounded 20 /tmp/nbd-d.out vpmctl detach "$HOBJ" ||
		{ cat /tmp/nbd-d.out; return 1; }
}

# Unload removes an object with dirty pages on the dead disk, in time.
nbd_rmmod_removes_an_object_on_a_dead_disk() {
	kill -KILL "$SRV" 2> /dev/null
	obj=$(vpmctl attach /dev/nbd0) || return 1
	bounded $BOUND /tmp/nbd-w.out dd if=/dev/zero of="$obj" bs=4096 count=3 ||
		{ cat /tmp/nbd-w.out; return 1; }
	bounded $BOUND /tmp/nbd-u.out rmmod vpm || { cat /tmp/nbd-u.out; return 1; }
	vpm_unloaded_cleanly || { echo "vpm still loaded"; return 1; }
	dmesg | grep -q "object ${obj#/dev/vpm}: unload: 12288 dirty bytes lost" ||
		{ echo "no loss in the kernel log"; return 1; }
}

check nbd_data_reaches_the_server_and_back nbd_data_reaches_the_server_and_back
check nbd_stopped_server_fails_a_read_in_time nbd_stopped_server_fails_a_read_in_time
check nbd_dead_server_keeps_dirty_pages_until_forced nbd_dead_server_keeps_dirty_pages_until_forced
check nbd_clean_object_detaches_from_a_dead_server nbd_clean_object_detaches_from_a_dead_server
check nbd_healthy_object_keeps_working nbd_healthy_object_keeps_working
check nbd_rmmod_removes_an_object_on_a_dead_disk nbd_rmmod_removes_an_object_on_a_dead_disk
kill -KILL "$SRV" "$SRV1" 2> /dev/null
vpm_loaded && { vpmctl detach --all --force > /dev/null 2>&1; vpm_unload; }
nbd-client -d /dev/nbd0 > /dev/null 2>&1
nbd-client -d /dev/nbd1 > /dev/null 2>&1
nullb_remove healthy
true
