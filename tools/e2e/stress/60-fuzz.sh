# SPDX-License-Identifier: GPL-2.0
# ioctl fuzzing: at least 200,000 calls over /dev/vpm and two objects from
# four threads; every result is success or a documented errno.
. /e2e/lib.sh
. /e2e/suite/stress.lib

CALLS=${STRESS_FUZZ_CALLS:-200000}
SEED=${STRESS_FUZZ_SEED:-$(date +%s)}

modprobe brd rd_nr=4 rd_size=8192 2>/dev/null
vpm_load

fuzz_returns_only_documented_errnos() {
	vpmctl attach /dev/ram0 > /dev/null || return 1
	vpmctl attach --read-only /dev/ram2 > /dev/null || return 1
	out=$(vpmstress fuzz "$CALLS" 4 "$SEED") || { echo "$out"; return 1; }
	figure "$out"
	vpmctl detach --all
}

check fuzz_returns_only_documented_errnos fuzz_returns_only_documented_errnos
vpm_unload
true
