#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every check of the project, in one run.
#
#   static   W=1 build with warnings as errors and sparse (C=2), against
#            Debian's 6.12 and 6.1 headers, checkpatch
#            --strict, kernel-doc -Wall -Werror, coccicheck, the UAPI header
#            on its own, the user-space tools with -Werror, the man page
#            renders without warnings, make install/uninstall into a
#            scratch root, DKMS builds and autoinstalls for both kernels,
#            make htmldocs without a Sphinx or kernel-doc warning
#   kunit    tools/kunit.sh: the KUnit suites under UML
#   e2e      tools/e2e/run.sh: the module in Debian's 6.12 kernel under
#            QEMU, then the same checks in Debian's 6.1 kernel
#   stress   tools/stress.sh: faults, power loss, races, fuzzing, memory
#            pressure, and the debug kernels (KASAN, lockdep, fail-nth;
#            KCSAN)
#
#   tools/check.sh [PART...]   the parts named (default: all four)
#
# Runs every part even when one fails, then prints the sum as its last
# line: 'N passed, N failed'.  Exits 1 if anything failed.  Every part must
# report exactly the number of checks tools/expected-counts gives it; one
# that reports another number, or no result, counts as one more failure.

set -uo pipefail
VPM_TOOL=check
. "$(dirname "$0")/lib.sh"

start=$(date +%s)
PARTS=" ${*:-static kunit e2e stress} "
for part in $PARTS; do
	case $part in
	static|kunit|e2e|stress) ;;
	*) vpm_die "unknown part '$part' (static, kunit, e2e, stress)" ;;
	esac
done
want() { [[ "$PARTS" == *" $1 "* ]]; }

"$VPM_ROOT/tools/setup.sh" || vpm_die "setup failed"
rm -f "$VPM_RESULTS"/*.counts

SRC=$(readlink -f "$VPM_CACHE/linux-src")
REL=$(vpm_guest_release)
REL61=$(vpm_guest_release 6.1)
LOGDIR=$VPM_RESULTS/static
mkdir -p "$LOGDIR"
spassed=0
sfailed=0

# static NAME COMMAND...: one check; its output is kept in $LOGDIR/NAME.log.
static() {
	local name=$1
	shift
	if "$@" > "$LOGDIR/$name.log" 2>&1; then
		spassed=$((spassed + 1))
		echo "PASS static/$name"
	else
		sfailed=$((sfailed + 1))
		echo "FAIL static/$name (log: $LOGDIR/$name.log)"
		tail -n 20 "$LOGDIR/$name.log" | sed 's/^/    /'
	fi
}

kernel_sources() {
	(cd "$VPM_ROOT" && git ls-files --cached --others --exclude-standard \
		'vpm/*.[ch]' 'vnode_pager/*.[ch]' 'include/*.h' \
		'include/**/*.h' 'kunit/*.[ch]' | sort -u)
}

c_sources() {
	(cd "$VPM_ROOT" && git ls-files --cached --others --exclude-standard \
		'*.[ch]' | sort -u)
}

# Build in a private copy so W=1 and C=2 rebuild everything.  $1: the
# kernel release whose Debian headers to build against.
build_w1() {
	local obj=$VPM_CACHE/check-w1-$1
	rm -rf "$obj"; mkdir -p "$obj"
	vpm_sync_sources "$obj"
	make -C "/usr/src/linux-headers-$1" M="$obj" CONFIG_VPM=m W=1 \
		KCFLAGS=-Werror modules
}

sparse_clean() {
	local obj=$VPM_CACHE/check-sparse-$1 out
	rm -rf "$obj"; mkdir -p "$obj"
	vpm_sync_sources "$obj"
	out=$(make -C "/usr/src/linux-headers-$1" M="$obj" CONFIG_VPM=m C=2 \
		modules 2>&1) || { echo "$out"; return 1; }
	echo "$out"
	! echo "$out" | grep -E '(warning|error):'
}

checkpatch_strict() {
	local out
	out=$(cd "$VPM_ROOT" && perl "$SRC/scripts/checkpatch.pl" --strict \
		--no-tree --terse -f $(c_sources | grep -v '^include/trace/'))
	# Tracepoint headers are written as the kernel's own are, in a layout
	# (TP_STRUCT__entry( at the end of a line, TRACE_INCLUDE_PATH a/b)
	# that --strict flags in include/trace/events/*.h of the kernel too.
	out+=$'\n'$(cd "$VPM_ROOT" && perl "$SRC/scripts/checkpatch.pl" --strict \
		--no-tree --terse \
		--ignore PARENTHESIS_ALIGNMENT,OPEN_ENDED_LINE,SPACING \
		-f $(c_sources | grep '^include/trace/'))
	echo "$out"
	! echo "$out" | grep -E 'ERROR|WARNING|CHECK'
}

htmldocs() {
	"$VPM_ROOT/tools/htmldocs.sh" "$VPM_CACHE/check-htmldocs"
}

kernel_doc() {
	(cd "$VPM_ROOT" && perl "$SRC/scripts/kernel-doc" -none -Wall -Werror \
		$(kernel_sources))
}

coccicheck() {
	local obj=$VPM_CACHE/check-cocci out
	rm -rf "$obj"; mkdir -p "$obj"
	vpm_sync_sources "$obj"
	out=$(make -C "$SRC" coccicheck MODE=report M="$obj" J="$(nproc)" 2>&1)
	echo "$out"
	! echo "$out" | grep -E "^$obj/.*:[0-9]+:"
}

uapi_standalone() {
	echo '#include <linux/vpm.h>' |
		gcc -x c -fsyntax-only -Wall -Werror -I"$VPM_ROOT/include/uapi" -
}

man_page_renders() {
	local out
	out=$(groff -man -Tutf8 -ww -z "$VPM_ROOT/tools/vpmctl.8" 2>&1)
	echo "$out"
	[ -z "$out" ]
}

# make install and make uninstall into a scratch DESTDIR.
install_uninstall() {
	local d rel files f
	d=$(mktemp -d)
	rel=$REL
	files="usr/local/sbin/vpmctl usr/local/share/man/man8/vpmctl.8
	       etc/udev/rules.d/60-vpm.rules etc/modules-load.d/vpm.conf
	       lib/modules/$rel/updates/vpm.ko.xz"
	make -C "$VPM_ROOT" KDIR="/usr/src/linux-headers-$rel" DESTDIR="$d" \
		LOAD_AT_BOOT=1 install || { rm -rf "$d"; return 1; }
	for f in $files; do
		[ -f "$d/$f" ] || { echo "not installed: $f"; rm -rf "$d"; return 1; }
	done
	modinfo -b "$d" -k "$rel" -F version vpm || { rm -rf "$d"; return 1; }
	make -C "$VPM_ROOT" KDIR="/usr/src/linux-headers-$rel" DESTDIR="$d" \
		uninstall || { rm -rf "$d"; return 1; }
	for f in $files; do
		[ ! -e "$d/$f" ] || { echo "left behind: $f"; rm -rf "$d"; return 1; }
	done
	rm -rf "$d"
}

# DKMS in private trees (nothing of the machine's own DKMS state is
# touched): make dkms-install for 6.12, then 'dkms autoinstall -k' for the
# 6.12 and the 6.1 headers, as a kernel upgrade runs it; both must return 0
# and leave vpm installed; make dkms-remove undoes it all.
dkms_both_kernels() {
	local d k flags st ok=0
	d=$(mktemp -d)
	mkdir -p "$d/src" "$d/tree" "$d/inst/$REL" "$d/inst/$REL61"
	flags="--dkmstree $d/tree --sourcetree $d/src --installtree $d/inst --no-depmod"
	make -C "$VPM_ROOT" DKMS_FLAGS="$flags" DKMS_KVER="$REL" \
		DKMS_SRC="$d/src/vpm-$(make -s -C "$VPM_ROOT" version)" \
		dkms-install || ok=1
	for k in "$REL" "$REL61"; do
		# shellcheck disable=SC2086
		dkms $flags autoinstall -k "$k" || { echo "autoinstall -k $k failed"; ok=1; }
	done
	# shellcheck disable=SC2086
	st=$(dkms $flags status 2>/dev/null)
	echo "$st"
	for k in "$REL" "$REL61"; do
		echo "$st" | grep -q "^vpm/.*, $k, x86_64: installed" ||
			{ echo "not installed for $k"; ok=1; }
		ls "$d/inst/$k/updates/dkms/"vpm.ko* || ok=1
	done
	make -C "$VPM_ROOT" DKMS_FLAGS="$flags" \
		DKMS_SRC="$d/src/vpm-$(make -s -C "$VPM_ROOT" version)" \
		dkms-remove || ok=1
	# shellcheck disable=SC2086
	[ -z "$(dkms $flags status 2>/dev/null)" ] || { echo "dkms-remove left vpm"; ok=1; }
	rm -rf "$d"
	return $ok
}

tools_werror() {
	make -C "$VPM_ROOT" -B tools USER_CFLAGS_EXTRA=-Werror
}

if want static; then
	static build-w1 build_w1 "$REL"
	static sparse sparse_clean "$REL"
	static build-w1-6.1 build_w1 "$REL61"
	static sparse-6.1 sparse_clean "$REL61"
	static checkpatch checkpatch_strict
	static kernel-doc kernel_doc
	static htmldocs htmldocs
	static coccicheck coccicheck
	static uapi-standalone uapi_standalone
	static tools-werror tools_werror
	static man-page man_page_renders
	static make-install install_uninstall
	static dkms-6.12-and-6.1 dkms_both_kernels
	vpm_record static "$spassed" "$sfailed"
fi

results=""
want static && results+=" static"
want kunit && { "$VPM_ROOT/tools/kunit.sh" || true; results+=" kunit"; }
want e2e && { "$VPM_ROOT/tools/e2e/run.sh" || true
	      "$VPM_ROOT/tools/e2e/run.sh" --kver 6.1 || true
	      results+=" e2e e2e-6.1"; }
want stress && { "$VPM_ROOT/tools/stress.sh" || true
		 results+=" stress pressure stress-6.1 pressure-6.1 debug-debug debug-kcsan"; }

# Each part's counts, checked against tools/expected-counts: a part that
# left no result or ran another number of checks fails once more.
# shellcheck disable=SC2086
vpm_check_counts $results
vpm_log "took $(( $(date +%s) - start )) s"
echo "$vpm_passed passed, $vpm_failed failed"
[ "$vpm_failed" -eq 0 ]
