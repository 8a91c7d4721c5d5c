# SPDX-License-Identifier: GPL-2.0
# ioctl fuzzing: first every reserved field of every command, then at least
# 100,000 random calls over /dev/vpm and two objects from four threads;
# every result is success or a documented errno.  The seed is printed
# before the run; the kernel command line argument STRESS_FUZZ_SEED=N
# (tools/e2e/run.sh --append) replays it, STRESS_FUZZ_CALLS=N sets the count.
. /e2e/lib.sh
. /e2e/suite/stress.lib

CALLS=${STRESS_FUZZ_CALLS:-100000}
SEED=${STRESS_FUZZ_SEED:-$(date +%s)}

modprobe brd rd_nr=4 rd_size=8192 2>/dev/null
vpm_load

fuzz_returns_only_documented_errnos() {
	figure "fuzz seed $SEED (replay: tools/e2e/run.sh --suite stress --append STRESS_FUZZ_SEED=$SEED 'fuzz*')"
	vpmctl attach /dev/ram0 > /dev/null || return 1
	vpmctl attach --read-only /dev/ram2 > /dev/null || return 1
	out=$(vpmstress fuzz "$CALLS" 4 "$SEED" 2>&1)
	rc=$?
	# The summaries, then the first complaints (one line each).
	{ echo "$out" | grep -v '^vpmstress:'; echo "$out" | grep '^vpmstress:' | head -n 20; } |
		while read -r line; do figure "$line"; done
	[ "$rc" -eq 0 ] || { echo "$out" | grep '^vpmstress:' | head -n 5; return 1; }
	vpmctl detach --all
}

check fuzz_returns_only_documented_errnos fuzz_returns_only_documented_errnos
vpm_unload
true
