# SPDX-License-Identifier: GPL-2.0
# Shared by the vpm scripts: where things are.  Source it, do not run it.

VPM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VPM_CACHE=${VPM_CACHE:-$HOME/.cache/vpm}
# Results of the last runs, read by tools/check.sh.
VPM_RESULTS=${VPM_RESULTS:-$VPM_CACHE/results}
export VPM_CACHE VPM_RESULTS

vpm_log() { printf '%s: %s\n' "${VPM_TOOL:-vpm}" "$*" >&2; }
vpm_die() { vpm_log "$*"; exit 1; }

# The unpacked guest kernel (tools/setup.sh): vmlinuz and modules.
vpm_guest_dir() { readlink -f "$VPM_CACHE/guest-${1:-6.12}"; }

vpm_guest_release() {
	local d
	d=$(vpm_guest_dir "$@")
	ls "$d/lib/modules" | head -n 1
}

# Debian's headers for the guest kernel: the module e2e loads is built here.
vpm_guest_kdir() { echo "/usr/src/linux-headers-$(vpm_guest_release "$@")"; }

# Record the counts of one harness for tools/check.sh.
vpm_record() {
	mkdir -p "$VPM_RESULTS"
	echo "$2 $3" > "$VPM_RESULTS/$1.counts"
}

# How many checks each part must report: 'PART COUNT' lines.
VPM_EXPECTED=${VPM_EXPECTED:-$VPM_ROOT/tools/expected-counts}

# The number of checks PART must report, or nothing if it has no line.
vpm_expected_count() {
	[ -r "$VPM_EXPECTED" ] || return 0
	awk -v part="$1" '$1 == part { print $2; exit }' "$VPM_EXPECTED"
}

# vpm_check_counts PART...: sum the recorded results of the parts into
# $vpm_passed and $vpm_failed, printing one line per part.  A part fails
# once more when it left no result, or reported another number of checks
# (passed + failed) than tools/expected-counts gives it: a check that
# silently stopped running is a failure.
vpm_check_counts() {
	local part f p fl want line name=${VPM_EXPECTED#"$VPM_ROOT"/}
	vpm_passed=0
	vpm_failed=0
	for part in "$@"; do
		f=$VPM_RESULTS/$part.counts
		line=
		[ -f "$f" ] && read -r line < "$f"
		want=$(vpm_expected_count "$part")
		if ! [[ "$line" =~ ^([0-9]+)\ ([0-9]+)$ ]]; then
			p=0
			fl=1
			if [ -f "$f" ]; then
				echo "FAIL counts/$part: unreadable result '$line' in $f"
			else
				echo "FAIL counts/$part: left no result ($f)"
			fi
		else
			p=${BASH_REMATCH[1]}
			fl=${BASH_REMATCH[2]}
			if [ -z "$want" ]; then
				echo "FAIL counts/$part: no expected count in $name"
				fl=$((fl + 1))
			elif [ $((p + fl)) -ne "$want" ]; then
				echo "FAIL counts/$part: reported $((p + fl)) checks, expected $want ($name)"
				fl=$((fl + 1))
			fi
		fi
		printf '%-12s %4d passed, %d failed\n' "$part" "$p" "$fl"
		vpm_passed=$((vpm_passed + p))
		vpm_failed=$((vpm_failed + fl))
	done
}

# Copy the project's kernel sources (Kbuild, Kconfig, *.c, *.h of the kernel
# directories) to DEST; only files whose content changed are copied.  Not
# the vpm.mod.c of a build in the source tree: it is modpost's output for
# that kernel, and its newer mtime would keep another kernel's from being
# made.
vpm_sync_sources() {
	# By content, and a copied file gets the current time: kbuild then
	# rebuilds what changed even when the source is older than the object
	# (a checkout of an older commit, an edit restored from a backup).
	rsync -rl --checksum --delete --prune-empty-dirs --exclude='*.mod.c' \
		--include='/Kbuild' --include='/Kconfig' \
		--include='/vpm/' --include='/vnode_pager/' --include='/include/' \
		--include='/include/**/' --include='/kunit/' \
		--include='*.c' --include='*.h' --include='/kunit/.kunitconfig' \
		--exclude='*' "$VPM_ROOT/" "$1/"
}

# Build vpm.ko against the kernel tree KDIR, in $VPM_CACHE/obj-NAME (or
# ${VPM_OBJ_PREFIX}NAME: tools/mutate.sh builds in a private directory);
# prints the path of the module.  Extra arguments go to make (W=1, C=2).
vpm_build_module_in() {
	local kdir=$1 obj=${VPM_OBJ_PREFIX:-$VPM_CACHE/obj-}$2 lockfd
	shift 2
	[ -d "$kdir" ] || vpm_die "no kernel tree in $kdir"
	mkdir -p "$obj"
	# Parts of make check run side by side: one build of a directory at
	# a time (the second finds it built).
	exec {lockfd}> "$obj.lock"
	flock "$lockfd"
	vpm_sync_sources "$obj"
	make -s -j"$(nproc)" -C "$kdir" M="$obj" CONFIG_VPM=m "$@" modules >&2 ||
		vpm_die "building vpm.ko against $kdir failed"
	exec {lockfd}>&-
	echo "$obj/vpm.ko"
}

# The user-space tools the guests run, built once at a time.
vpm_make_tools() {
	flock "$VPM_CACHE/.tools.lock" make -s -C "$VPM_ROOT" tools >&2
}

# Build vpm.ko for Debian kernel release REL (its installed headers).
vpm_build_module() {
	local rel=$1
	shift
	vpm_build_module_in "/usr/src/linux-headers-$rel" "$rel" "$@"
}

# The parts of make check that boot a guest, by the tag they record their
# results as (tools/expected-counts): vpm_part TAG runs one.  The 6.1
# kernel and the KASAN kernel run stress with shorter loops: the long
# loops hunt rare interleavings on 6.12, the short ones prove the same
# code paths against the other kernel's APIs and under the checkers.
VPM_SHORT="STRESS_POWER_CYCLES=25 STRESS_RACE_SECONDS=10 STRESS_MSYNC_CYCLES=10"
VPM_SHORT+=" STRESS_MMAP_RACE_SECONDS=3 STRESS_LIFECYCLE_CYCLES=20"
VPM_SHORT+=" STRESS_FUZZ_CALLS=50000"
# Shorter still on the KASAN kernel, where every access is checked: the
# same code paths, fewer rounds of them (KASAN sees a bad access the first
# time a path makes it).  5 power cuts still meet each of the 4 lengths of
# write-back (20-powerloss.sh), 3 msync cuts both msync and fsync.
VPM_DEBUG_SHORT="STRESS_POWER_CYCLES=5 STRESS_RACE_SECONDS=10 STRESS_MSYNC_CYCLES=3"
VPM_DEBUG_SHORT+=" STRESS_MMAP_RACE_SECONDS=3 STRESS_LIFECYCLE_CYCLES=10"
VPM_DEBUG_SHORT+=" STRESS_FUZZ_CALLS=20000 STRESS_CITIZEN_MB=128 CRASH_WRITES=10"
VPM_DEBUG_SHORT+=" CRASH_REPLAY_ROUNDS=1"
# And smaller objects under pressure there, each still twice the 80 MiB
# the KASAN guest has available (tools/e2e/pressure/10-pressure.sh).
VPM_DEBUG_PRESSURE="PRESSURE_WRITE_MB=160 PRESSURE_READ_MB=160 PRESSURE_STORE_MB=160"
vpm_part() {
	local run=$VPM_ROOT/tools/e2e/run.sh
	case $1 in
	e2e)		"$run" ;;
	e2e-6.1)	"$run" --kver 6.1 ;;
	stress)		"$run" --suite stress ;;
	pressure)	"$run" --suite pressure --mem 256M ;;
	stress-6.1)	"$run" --suite stress --kver 6.1 \
				--append "$VPM_SHORT STRESS_CITIZEN_MB=256" ;;
	pressure-6.1)	"$run" --suite pressure --mem 256M --kver 6.1 ;;
	stress-debug)	"$run" --suite stress --debug-kernel \
				--append "$VPM_DEBUG_SHORT" ;;
	pressure-debug)	"$run" --suite pressure --mem 256M --debug-kernel \
				--append "$VPM_DEBUG_PRESSURE" ;;
	debug-kcsan)	"$run" --suite debug --kcsan-kernel ;;
	kunit)		"$VPM_ROOT/tools/kunit.sh" ;;
	*)
		# A tool's own parts (check.sh's static).
		declare -F vpm_part_local > /dev/null || vpm_die "no part '$1'"
		vpm_part_local "$1"
		;;
	esac
}

# The parts of make stress, in the order their counts are reported.
VPM_STRESS_PARTS="stress pressure stress-6.1 pressure-6.1 stress-debug pressure-debug"
VPM_STRESS_PARTS+=" debug-kcsan"
# Every part in the order vpm_run_parts starts them: longest first, but
# the two that build a kernel the first time (the KCSAN one, UML for
# KUnit) early, so that their builds overlap the guests.
VPM_PART_ORDER="stress-debug stress debug-kcsan stress-6.1 pressure-debug kunit"
VPM_PART_ORDER+=" e2e e2e-6.1 static pressure-6.1 pressure"

# vpm_parts_to_run TAG...: set $vpm_run to the parts given, in
# VPM_PART_ORDER.  Without an executable tools/debug-kernel.sh the parts
# of the debug kernels are left out with a FAIL line (they then leave no
# result, and fail in vpm_check_counts) and it returns 1.
vpm_parts_to_run() {
	local part rc=0
	vpm_run=
	for part in $VPM_PART_ORDER; do
		[[ " $* " == *" $part "* ]] || continue
		if [[ $part == *-debug || $part == debug-kcsan ]] &&
		   [ ! -x "$VPM_ROOT/tools/debug-kernel.sh" ]; then
			rc=1
			continue
		fi
		vpm_run+=" $part"
	done
	[ "$rc" -eq 0 ] ||
		echo "FAIL stress/debug-kernel: $VPM_ROOT/tools/debug-kernel.sh is missing or not executable"
	return $rc
}

# vpm_run_parts TAG...: run the parts, $VPM_JOBS at a time (default: one
# per CPU, and at most one per 3 GiB of available memory), in the order
# given (vpm_parts_to_run: longest first keeps the CPUs busy to the end).
# A part's output is printed whole when it ends, after a line with its
# name and time; its results are in $VPM_RESULTS.  Returns 1 if any part
# failed.  The parts share only what is built once under a lock: the
# module of one kernel, the debug kernels, the tools (built here, before
# they start).
vpm_run_parts() {
	local jobs=${VPM_JOBS:-} tag pid rc=0 st logs
	declare -A tag_of=() start_of=()
	if [ -z "$jobs" ]; then
		jobs=$(( $(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo) / (3 * 1048576) ))
		[ "$jobs" -le "$(nproc)" ] || jobs=$(nproc)
		[ "$jobs" -ge 1 ] || jobs=1
	fi
	vpm_make_tools || return 1
	logs=$(mktemp -d "${TMPDIR:-/tmp}/vpm-parts.XXXXXX")
	vpm_log "running $#: $*, $jobs at a time"
	while [ $# -gt 0 ] || [ ${#tag_of[@]} -gt 0 ]; do
		if [ $# -gt 0 ] && [ ${#tag_of[@]} -lt "$jobs" ]; then
			vpm_part "$1" > "$logs/$1" 2>&1 &
			tag_of[$!]=$1
			start_of[$!]=$SECONDS
			shift
			continue
		fi
		st=0
		wait -n -p pid "${!tag_of[@]}" || st=$?
		tag=${tag_of[$pid]}
		echo "=== $tag: exit $st after $((SECONDS - start_of[$pid])) s ==="
		cat "$logs/$tag"
		[ "$st" -eq 0 ] || rc=1
		unset "tag_of[$pid]" "start_of[$pid]"
	done
	rm -rf "$logs"
	return $rc
}
