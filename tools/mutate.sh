#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make mutate: plant one small bug at a time in a private copy of the tree
# and run the checks that should catch it.  A check that keeps passing
# with the bug in place is a hole in the tests.
#
#   tools/mutate.sh [--no-baseline] [--list] [NAME...]
#
#   NAME           mutations to run (file names in tools/mutations/ without
#                  .mut); default: all of them
#   --list         print each mutation with its checks, run nothing
#   --no-baseline  do not run the checks on the unmutated copy first
#
# A mutation is a file tools/mutations/NAME.mut:
#
#   # What the bug is, in one line.
#   file: vpm/ctl.c
#   find: req.id || req.reserved0 ||
#   replace: req.id ||
#   check: e2e tests uapi_attach_and_detach_arguments_are_checked
#   check: kunit vpm_api.sync_inval_*
#
# Each find string (\n and \t stand for a newline and a tab) must occur
# exactly once in the file, else the mutation is STALE: the code moved on
# and the mutation must be refreshed.  Several find/replace pairs apply in
# order.  A check is "kunit GLOB" (tools/kunit.sh GLOB) or "e2e SUITE GLOB"
# (tools/e2e/run.sh --suite SUITE GLOB; SUITE@debug boots the KASAN/lockdep
# kernel of tools/debug-kernel.sh, --debug-kernel); they run in order
# until one fails.
#
# The tree is copied once ($VPM_MUTATE_DIR/base, default
# $VPM_CACHE/mutate), so edits made meanwhile do not mix with the
# mutations; each mutation is applied to a fresh copy of it (src/), built
# into private directories (obj-*, uml-build, a hard-linked copy of the
# kernel tree, results/), never the shared ones.  The baseline runs every
# check once on the unmutated copy: a mutation whose checks fail there is
# UNTESTED.  A mutation that does not build is BROKEN.
#
# Prints one line per mutation, 'caught NAME (by: CHECK)', 'MISSED NAME',
# 'STALE NAME', 'BROKEN NAME' or 'UNTESTED NAME', then the total
# 'mutate: N caught, N missed'.  Exits 1 unless every mutation was caught.
# Logs: $VPM_MUTATE_DIR/logs/NAME.log.

set -uo pipefail
VPM_TOOL=mutate
. "$(dirname "$0")/lib.sh"

BASELINE=1
LIST=0
NAMES=()
while [ $# -gt 0 ]; do
	case "$1" in
	--no-baseline) BASELINE=0; shift ;;
	--list) LIST=1; shift ;;
	-h|--help) sed -n '4,44p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) vpm_die "unknown option '$1'" ;;
	*) NAMES+=("$1"); shift ;;
	esac
done

MUTDIR=$VPM_ROOT/tools/mutations
M=${VPM_MUTATE_DIR:-$VPM_CACHE/mutate}
[ ${#NAMES[@]} -gt 0 ] ||
	mapfile -t NAMES < <(cd "$MUTDIR" && ls -- *.mut | sed 's/\.mut$//')
for n in "${NAMES[@]}"; do
	[ -f "$MUTDIR/$n.mut" ] || vpm_die "no mutation $MUTDIR/$n.mut"
done

# The checks of mutation $1, one per line: "kunit GLOB" or "e2e SUITE GLOB".
checks_of() { sed -n 's/^check: *//p' "$MUTDIR/$1.mut"; }

if [ "$LIST" = 1 ]; then
	for n in "${NAMES[@]}"; do
		printf '%s: %s\n' "$n" "$(sed -n '1s/^# *//p' "$MUTDIR/$n.mut")"
		checks_of "$n" | sed 's/^/    /'
	done
	exit 0
fi

"$VPM_ROOT/tools/setup.sh" || vpm_die "setup failed"
REL=$(vpm_guest_release)
mkdir -p "$M/logs"

# --- private copies ---
# The kernel tree for UML, hard-linked (kbuild only reads it), except what
# tools/kunit.sh writes: drivers/vpm and the two files it hooks vpm into.
if [ ! -d "$M/linux-src" ]; then
	cp -al "$(readlink -f "$VPM_CACHE/linux-src")" "$M/linux-src.tmp" ||
		vpm_die "cannot copy the kernel tree"
	mv "$M/linux-src.tmp" "$M/linux-src"
fi
for f in drivers/Kconfig drivers/Makefile; do
	if [ "$(stat -c %h "$M/linux-src/$f")" -gt 1 ]; then
		cp "$M/linux-src/$f" "$M/linux-src/$f.own" &&
			mv "$M/linux-src/$f.own" "$M/linux-src/$f"
	fi
done
if [ -d "$M/linux-src/drivers/vpm" ] &&
   [ "$(find "$M/linux-src/drivers/vpm" -type f -links +1 | head -n 1)" ]; then
	rm -rf "$M/linux-src/drivers/vpm"
fi

export VPM_OBJ_PREFIX=$M/obj-
export VPM_LINUX_SRC=$M/linux-src
export VPM_UML_BUILD=$M/uml-build
export VPM_KUNIT_IMAGES=$M/kunit-images
export VPM_RESULTS=$M/results
# A mutation that hangs the guest should not take the default 15 minutes.
export VPM_E2E_TIMEOUT=${VPM_E2E_TIMEOUT:-480}
export VPM_KUNIT_TIMEOUT=${VPM_KUNIT_TIMEOUT:-480}

# The snapshot every mutation starts from: sources, not build products.
rsync -a --delete --exclude=/.git/ --exclude='*.o' --exclude='*.ko' \
	--exclude='*.mod' --exclude='*.mod.c' --exclude='.*.cmd' \
	--exclude='*.o.d' --exclude=Module.symvers --exclude=modules.order \
	--exclude=/Documentation/output/ "$VPM_ROOT/" "$M/base/" ||
	vpm_die "cannot copy the tree"
vpm_log "snapshot of $VPM_ROOT in $M/base ($(date +%H:%M:%S))"

fresh_copy() {
	rsync -a --delete "$M/base/" "$M/src/" || vpm_die "cannot copy $M/base"
}

# The copy must build in the private directories, never the shared ones.
grep -q 'VPM_OBJ_PREFIX' "$M/base/tools/lib.sh" &&
	grep -q 'VPM_UML_BUILD' "$M/base/tools/kunit.sh" &&
	grep -q 'VPM_LINUX_SRC' "$M/base/tools/kunit.sh" &&
	grep -q 'VPM_KUNIT_IMAGES' "$M/base/tools/kunit.sh" ||
	vpm_die "tools/lib.sh or tools/kunit.sh lost the private-directory overrides"

# apply NAME: apply the mutation to $M/src; prints why it cannot.
apply() {
	python3 - "$MUTDIR/$1.mut" "$M/src" <<'PY'
import sys
spec, root = sys.argv[1], sys.argv[2]
path, pairs, find = None, [], None
def unesc(s):
    return s.replace("\\n", "\n").replace("\\t", "\t")
for line in open(spec).read().splitlines():
    key, sep, val = line.partition(": ")
    if not sep and line.endswith(":"):
        key, val = line[:-1], ""
    if key == "file":
        path = val.strip()
    elif key == "find":
        find = unesc(val)
    elif key == "replace":
        if find is None:
            sys.exit("replace: without find:")
        pairs.append((find, unesc(val)))
        find = None
if not path or not pairs or find is not None:
    sys.exit("needs file:, then find: and replace: pairs")
try:
    text = open(f"{root}/{path}").read()
except OSError as e:
    sys.exit(f"{path}: {e.strerror}")
for old, new in pairs:
    n = text.count(old)
    if n != 1:
        sys.exit(f"{path}: found {n} times: {old!r}")
    text = text.replace(old, new)
open(f"{root}/{path}", "w").write(text)
PY
}

# run_check "kunit GLOB" | "e2e SUITE GLOB": 0 if the check passes, 1 if
# it fails, 2 if it gave no verdict: a guest that never booted (it is
# tried twice), an unknown kind of check.
run_check() {
	local kind a b try out=$M/logs/run.out
	read -r kind a b <<< "$1"
	case $kind in
	kunit) nice "$M/src/tools/kunit.sh" "$a" < /dev/null ;;
	e2e)
		local kflags=()
		# SUITE@debug: that suite on the KASAN/lockdep kernel.
		case $a in
		*@debug) a=${a%@debug}; kflags=(--debug-kernel) ;;
		esac
		for try in 1 2; do
			nice "$M/src/tools/e2e/run.sh" --suite "$a" "${kflags[@]}" \
				"${b:-*}" < /dev/null > "$out" 2>&1
			local rc=$?
			cat "$out"
			grep -qE '^(PASS|FAIL) guest-finished' "$out" && return $rc
			echo "mutate: no verdict from the guest (try $try)"
		done
		return 2 ;;
	*) echo "unknown check '$1'"; return 2 ;;
	esac
}

# The module of the copy, for the guest kernel: does the mutation build?
build() { (VPM_ROOT=$M/src; vpm_build_module "$REL" > /dev/null); }

# --- baseline: every check passes on the unmutated copy ---
# KUnit: one run of every suite; e2e: one boot of the whole tests suite;
# each case or check a mutation names is judged from their results.  A
# check that cannot be judged so (a splat, a guest that did not finish,
# another suite) runs alone.
declare -A BAD=()

# judge KIND RESULTS CHECK...: prints the checks that passed in RESULTS
# (kunit: the JSON of kunit.py; e2e: the output of run.sh).
judge() {
	python3 - "$@" <<'PY'
import fnmatch, json, re, sys
kind, results, checks = sys.argv[1], sys.argv[2], sys.argv[3:]
status = {}
if kind == "kunit":
    def walk(t, suite):
        for c in t.get("test_cases", []):
            status[f"{suite}.{c['name']}"] = c["status"] == "PASS"
        for g in t.get("sub_groups", []):
            walk(g, g.get("name", suite))
    try:
        walk(json.load(open(results)), "")
    except (OSError, ValueError):
        sys.exit(0)
else:
    for line in open(results, errors="replace"):
        m = re.match(r"(PASS|FAIL) ([^ :\n]+)", line)
        if m:
            status[m.group(2)] = status.get(m.group(2), True) and m.group(1) == "PASS"
    if not all(status.get(h) for h in ("guest-finished", "kernel-log-clean",
                                       "taint-only-out-of-tree")):
        sys.exit(0)
for c in checks:
    glob = c.split()[-1]
    if kind == "kunit" and "." not in glob:
        glob += ".*"
    hits = [ok for name, ok in status.items() if fnmatch.fnmatchcase(name, glob)]
    if hits and all(hits):
        print(c)
PY
}

if [ "$BASELINE" = 1 ]; then
	BL=$M/logs/baseline.log
	fresh_copy
	build > "$BL" 2>&1 ||
		vpm_die "the unmutated copy does not build ($BL)"
	mapfile -t ALL < <(for n in "${NAMES[@]}"; do checks_of "$n"; done | sort -u)
	declare -A GOOD=()
	mapfile -t KCHECKS < <(printf '%s\n' "${ALL[@]}" | grep '^kunit ')
	mapfile -t TCHECKS < <(printf '%s\n' "${ALL[@]}" | grep '^e2e tests ')
	if [ ${#KCHECKS[@]} -gt 0 ]; then
		echo "=== kunit (every suite)" >> "$BL"
		nice "$M/src/tools/kunit.sh" < /dev/null >> "$BL" 2>&1
		if [ ! -s "$VPM_UML_BUILD/splats.log" ]; then
			while read -r c; do GOOD[$c]=1; done < <(judge kunit \
				"$VPM_UML_BUILD/vpm-results.json" "${KCHECKS[@]}")
		fi
	fi
	if [ ${#TCHECKS[@]} -gt 0 ]; then
		echo "=== e2e tests (every check)" >> "$BL"
		nice "$M/src/tools/e2e/run.sh" < /dev/null > "$M/logs/baseline-e2e.log" 2>&1
		cat "$M/logs/baseline-e2e.log" >> "$BL"
		while read -r c; do GOOD[$c]=1; done < <(judge e2e \
			"$M/logs/baseline-e2e.log" "${TCHECKS[@]}")
	fi
	for c in "${ALL[@]}"; do
		if [ -z "${GOOD[$c]:-}" ]; then
			echo "=== $c" >> "$BL"
			run_check "$c" >> "$BL" 2>&1 && GOOD[$c]=1
		fi
		if [ -n "${GOOD[$c]:-}" ]; then
			vpm_log "baseline passes: $c"
		else
			BAD[$c]=1
			vpm_log "baseline FAILS: $c (log: $BL)"
		fi
	done
fi

caught=0 missed=0 stale=0 broken=0 untested=0
TABLE=$M/results/mutate.table
mkdir -p "$M/results"
: > "$TABLE.new"
for n in "${NAMES[@]}"; do
	log=$M/logs/$n.log
	fresh_copy
	if ! why=$(apply "$n" 2>&1); then
		line="STALE $n ($why)"
		stale=$((stale + 1))
	elif ! build > "$log" 2>&1; then
		line="BROKEN $n (does not build, log: $log)"
		broken=$((broken + 1))
	else
		by='' ran=0
		while read -r c; do
			[ -n "$c" ] || continue
			[ -z "${BAD[$c]:-}" ] || continue
			echo "=== $c" >> "$log"
			run_check "$c" >> "$log" 2>&1
			case $? in
			0) ran=1 ;;
			1) ran=1; by=$c; break ;;
			esac
		done < <(checks_of "$n")
		if [ -n "$by" ]; then
			line="caught $n (by: $by)"
			caught=$((caught + 1))
		elif [ "$ran" = 0 ]; then
			line="UNTESTED $n (no check passed on the unmutated tree or gave a verdict)"
			untested=$((untested + 1))
		else
			line="MISSED $n"
			missed=$((missed + 1))
		fi
	fi
	echo "$line"
	echo "$line" >> "$TABLE.new"
done
mv "$TABLE.new" "$TABLE"
others=$((stale + broken + untested))
[ "$others" -eq 0 ] ||
	echo "mutate: $stale stale, $broken broken, $untested untested"
echo "mutate: $caught caught, $missed missed"
[ "$missed" -eq 0 ] && [ "$others" -eq 0 ]
