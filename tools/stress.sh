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
#               shorter loops (VPM_SHORT in tools/lib.sh): 25 power cuts,
#               10 s races, 10 msync power cuts, 3 s mapping races, 20
#               load/unload cycles, 50,000 fuzzed ioctls, 256 MiB through a
#               memory cgroup.  The long loops hunt rare interleavings on
#               6.12; on 6.1 the checks prove the same code paths against
#               the other kernel's APIs.
#   stress-debug
#               all of stress, with the short loops and 128 MiB through
#               the cgroup, on a KASAN/lockdep/UBSAN/kmemleak kernel
#               (tools/debug-kernel.sh), then a kmemleak scan
#   pressure-debug
#               pressure on that kernel, 192 MiB written instead of 384
#   debug       on that kernel: the races with injected steals, the
#               fuzzer, fail-nth allocation failures, kmemleak
#   kcsan       the same on its KCSAN variant (make stress-kcsan): a data
#               race in vpm fails it
#
# The parts run side by side, one per CPU (VPM_JOBS=N sets how many; see
# vpm_run_parts in tools/lib.sh); each part's output is printed when it
# ends.  Every part prints its figures (lines "INFO ...") and its checks;
# the run ends with 'stress: N passed, N failed' and fails on any failed
# check, lost byte, hang or kernel splat, on a part that left no result or
# reported another number of checks than tools/expected-counts, and when
# tools/debug-kernel.sh is missing.

set -uo pipefail
VPM_TOOL=stress
. "$(dirname "$0")/lib.sh"

PARTS=$VPM_STRESS_PARTS
# A part that does not run now must not pass on an older run's result.
for part in $PARTS; do
	rm -f "$VPM_RESULTS/$part.counts"
done

"$VPM_ROOT/tools/setup.sh" || vpm_die "setup failed"
rc=0
# shellcheck disable=SC2086
vpm_parts_to_run $PARTS || rc=1
# shellcheck disable=SC2086
vpm_run_parts $vpm_run || rc=1

# shellcheck disable=SC2086
vpm_check_counts $PARTS
[ "$vpm_failed" -eq 0 ] || rc=1
echo "stress: $vpm_passed passed, $vpm_failed failed"
exit $rc
