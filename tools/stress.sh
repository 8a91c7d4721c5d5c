#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make stress: vpm under faults, races and hostile input, bounded in time.
#
#   stress      Debian's kernel, 2 CPUs, 1 GiB: I/O errors (null_blk bad
#               blocks, dm-flakey), 100 power-loss cycles, device removal
#               under I/O, SMP races on a tiny cache, 50 load/unload
#               cycles, 200,000 fuzzed ioctls, stalled users, a memory
#               cgroup, a memory block offline, an NBD server that dies
#   pressure    Debian's kernel in 256 MiB: the shrinker gives memory back
#   stress-6.1, pressure-6.1
#               the same two on Debian's 6.1 kernel, every check, with
#               shorter loops (SHORT below): 25 power cuts, 10 s races,
#               10 msync power cuts, 3 s mapping races, 20 load/unload
#               cycles, 50,000 fuzzed ioctls, 256 MiB through a memory
#               cgroup.  The long loops hunt rare
#               interleavings on 6.12; on 6.1 the checks prove the same
#               code paths against the other kernel's APIs.
#   debug       a KASAN/lockdep/fault-injection kernel (tools/debug-kernel.sh):
#               the races, the fuzzer, fail-nth allocation failures, and
#               the stall, cgroup/migration and NBD parts of stress
#   kcsan       the races, the fuzzer and fail-nth on its KCSAN variant
#               (make stress-kcsan): a data race in vpm fails it
#
# Every part prints its figures (lines "INFO ...") and its checks; the run
# ends with 'stress: N passed, N failed' and fails on any failed check,
# lost byte, hang or kernel splat, on a part that left no result or
# reported another number of checks than tools/expected-counts, and when
# tools/debug-kernel.sh is missing.

set -uo pipefail
VPM_TOOL=stress
. "$(dirname "$0")/lib.sh"

PARTS="stress pressure stress-6.1 pressure-6.1 debug-debug debug-kcsan"
# A part that does not run now must not pass on an older run's result.
for part in $PARTS; do
	rm -f "$VPM_RESULTS/$part.counts"
done

rc=0
"$VPM_ROOT/tools/e2e/run.sh" --suite stress || rc=1
"$VPM_ROOT/tools/e2e/run.sh" --suite pressure --mem 256M || rc=1
SHORT="STRESS_POWER_CYCLES=25 STRESS_RACE_SECONDS=10 STRESS_MSYNC_CYCLES=10"
SHORT+=" STRESS_MMAP_RACE_SECONDS=3 STRESS_LIFECYCLE_CYCLES=20"
SHORT+=" STRESS_FUZZ_CALLS=50000 STRESS_CITIZEN_MB=256"
"$VPM_ROOT/tools/e2e/run.sh" --suite stress --kver 6.1 --append "$SHORT" || rc=1
"$VPM_ROOT/tools/e2e/run.sh" --suite pressure --mem 256M --kver 6.1 || rc=1
if [ -x "$VPM_ROOT/tools/debug-kernel.sh" ]; then
	# The KASAN kernel streams 128 MiB through its memory cgroup, not 512.
	"$VPM_ROOT/tools/e2e/run.sh" --suite debug --debug-kernel \
		--append "STRESS_CITIZEN_MB=128" || rc=1
	"$VPM_ROOT/tools/e2e/run.sh" --suite debug --kcsan-kernel || rc=1
else
	# The debug parts then leave no result, and fail below.
	echo "FAIL stress/debug-kernel: $VPM_ROOT/tools/debug-kernel.sh is missing or not executable"
	rc=1
fi

# shellcheck disable=SC2086
vpm_check_counts $PARTS
[ "$vpm_failed" -eq 0 ] || rc=1
echo "stress: $vpm_passed passed, $vpm_failed failed"
exit $rc
