# SPDX-License-Identifier: GPL-2.0
# SMP races on a tiny cache: threads read, write, fsync, haspage, getpages
# and map shared objects while another thread attaches and detaches other
# objects; steals and contention are injected.  The final contents must
# match what each thread wrote.
. /e2e/lib.sh
. /e2e/suite/stress.lib

SECONDS_RACE=${STRESS_RACE_SECONDS:-15}
D=/sys/kernel/debug/vpm

modprobe brd rd_nr=4 rd_size=8192
# 32 entries for 2 CPUs: every freelist runs dry over and over.
vpm_load vpm_cache_entries=32

races_keep_every_write() {
	echo 7 > $D/steals_mtbf
	echo 127 > $D/contend_mtbf
	A=$(vpmctl attach /dev/vda) && B=$(vpmctl attach /dev/vdb) || return 1
	vpmstress churn $((2 * SECONDS_RACE)) /dev/ram0 /dev/ram1 /dev/ram2 > /tmp/churn &
	# All of both disks, then 256 KiB of each: threads meet on pages.
	out=$(vpmstress race "$SECONDS_RACE" 6 77 0 "$A" "$B") || { echo "$out"; return 1; }
	figure "$out"
	out=$(vpmstress race "$SECONDS_RACE" 8 78 262144 "$A" "$B") || { echo "$out"; return 1; }
	figure "$out"
	wait
	c=$(cat /tmp/churn)
	figure "$c"
	case "$c" in *" 0 errors") ;; *) echo "$c"; return 1 ;; esac
	s=$(vpmctl stats)
	for f in steals contend flips nofreevpms emptyfreelist uncached skipped_busy hits misses; do
		figure "cache.$f $(echo "$s" | value_of cache.$f)"
	done
	vpmctl detach "$A" && vpmctl detach "$B" || return 1
	# The injected paths were taken, and the freelists ran dry.
	[ "$(echo "$s" | value_of cache.steals)" -gt 0 ] &&
		[ "$(echo "$s" | value_of cache.contend)" -gt 0 ] &&
		[ "$(echo "$s" | value_of cache.flips)" -gt 1000 ] &&
		[ "$(echo "$s" | value_of cache.nofreevpms)" -gt 0 ]
}

check races_keep_every_write races_keep_every_write
vpmctl detach --all 2>/dev/null
vpm_unload
true
