#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the vpm KUnit suites under UML (kunit.py run --arch=um).
#
#   tools/kunit.sh [GLOB]      GLOB selects suites or cases: 'vpm_cache',
#                              'vpm_cache.*flip*'; default: every suite.
#
# The project's kernel sources are copied (same files, mtimes kept) into
# drivers/vpm of Debian's linux-source-6.12 unpacked in the cache, and built
# into a UML kernel whose build directory stays in the cache, so a rerun
# only rebuilds what changed.  A failed case, a kernel splat in the log
# (KASAN, UBSAN, lockdep, WARNING, BUG, an RCU stall, a hung task, a soft
# lockup, the OOM killer, kmemleak) or a crash fails the run.
#
# Prints the kunit.py summary, then 'kunit: N passed, N failed'.
#
# VPM_LINUX_SRC, VPM_UML_BUILD and VPM_KUNIT_IMAGES replace the kernel tree,
# the build directory and the image directory of the cache (tools/mutate.sh
# runs a private copy in its own).

set -euo pipefail
VPM_TOOL=kunit
. "$(dirname "$0")/lib.sh"

GLOB=${1:-${VPM_KUNIT_GLOB:-}}
TIMEOUT=${VPM_KUNIT_TIMEOUT:-900}

"$VPM_ROOT/tools/setup.sh"

SRC=$(readlink -f "${VPM_LINUX_SRC:-$VPM_CACHE/linux-src}")
BUILD=${VPM_UML_BUILD:-$VPM_CACHE/uml-build}
mkdir -p "$BUILD"

vpm_sync_sources "$SRC/drivers/vpm"

grep -q 'drivers/vpm/Kconfig' "$SRC/drivers/Kconfig" ||
	sed -i '$ s|^endmenu$|source "drivers/vpm/Kconfig"\n\nendmenu|' \
		"$SRC/drivers/Kconfig"
grep -q 'drivers/vpm/Kconfig' "$SRC/drivers/Kconfig" ||
	vpm_die "could not hook drivers/vpm into $SRC/drivers/Kconfig"
grep -q '^obj-$(CONFIG_VPM)' "$SRC/drivers/Makefile" ||
	echo 'obj-$(CONFIG_VPM)		+= vpm/' >> "$SRC/drivers/Makefile"

# The file systems the pager suites use, fresh for every run: ubd0 is ext4
# with 4 KiB blocks, ubd1 ext4 with 1 KiB blocks.  null_blk keeps its data.
IMAGES=${VPM_KUNIT_IMAGES:-$VPM_CACHE/kunit-images}
mkdir -p "$IMAGES"
for spec in 4k:4096:32M 1k:1024:16M; do
	IFS=: read -r name bs size <<< "$spec"
	rm -f "$IMAGES/ext4-$name.img"
	mkfs.ext4 -q -F -b "$bs" -E lazy_itable_init=0,lazy_journal_init=0 \
		"$IMAGES/ext4-$name.img" "$size"
done
KARGS=(--kernel_args "ubd0=$IMAGES/ext4-4k.img"
       --kernel_args "ubd1=$IMAGES/ext4-1k.img"
       --kernel_args null_blk.memory_backed=1)

JSON=$BUILD/vpm-results.json
rm -f "$JSON" "$BUILD/test.log"
rc=0
(cd "$SRC" && python3 tools/testing/kunit/kunit.py run --arch=um \
	--kunitconfig="$VPM_ROOT/kunit/.kunitconfig" \
	--build_dir="$BUILD" --jobs="$(nproc)" --timeout="$TIMEOUT" \
	--json="$JSON" "${KARGS[@]}" ${GLOB:+"$GLOB"}) || rc=$?

counts=$(python3 - "$JSON" <<'PY' || echo "0 1"
import json, sys
def walk(t, acc):
    for c in t.get("test_cases", []):
        acc[0 if c["status"] == "PASS" else 1] += 1
    for s in t.get("sub_groups", []):
        walk(s, acc)
acc = [0, 0]
with open(sys.argv[1]) as f:
    walk(json.load(f), acc)
print(acc[0], acc[1])
PY
)
read -r passed failed <<< "$counts"

# A case passes only if the kernel stayed quiet while it ran: crashes and
# warnings, the memory checkers, lockdep, RCU stalls, hung tasks, soft
# lockups, the OOM killer and kmemleak.  (The nets that are not in
# kunit/.kunitconfig never print; their patterns cost nothing.)
SPLATS=(
	'BUG:' 'kernel BUG' 'WARNING:' 'Oops' 'general protection' 'Kernel panic'
	'KASAN' 'UBSAN' 'list_add corruption' 'list_del corruption' 'refcount_t:'
	'possible circular locking' 'possible recursive locking'
	'inconsistent lock state' 'suspicious RCU usage' 'lock held when returning'
	'DEBUG_LOCKS_WARN_ON' 'sleeping function called'
	'rcu: INFO' 'detected stall' 'self-detected stall'
	'rcu_(sched|preempt) kthread (starved|timer wakeup)'
	'blocked for more than' 'hung_task' 'soft lockup'
	'[Oo]ut of memory' 'invoked oom-killer' 'oom-kill:' 'oom_reaper'
	'unreferenced object' 'kmemleak:'
)
# kmemleak's lines that are not reports.
QUIET='kmemleak: (Kernel memory leak detector initialized|Automatic memory scanning thread (started|ended))'
SPLAT_RE=$(IFS='|'; echo "${SPLATS[*]}")
if [ ! -s "$BUILD/test.log" ]; then
	vpm_log "no kernel log in $BUILD/test.log"
	failed=$((failed + 1))
elif grep -E "$SPLAT_RE" "$BUILD/test.log" | grep -vE "$QUIET" > "$BUILD/splats.log"; then
	vpm_log "kernel splats in the UML log (also in $BUILD/splats.log):"
	head -n 40 "$BUILD/splats.log" >&2
	failed=$((failed + 1))
fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	vpm_log "kunit.py failed (exit $rc) without a failed case"
	failed=1
fi

vpm_record kunit "$passed" "$failed"
echo "kunit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
