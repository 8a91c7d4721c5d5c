#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every check of the project, in one run.
#
#   static   W=1 build with warnings as errors and sparse (C=2), against
#            Debian's 6.12 and 6.1 headers, checkpatch
#            --strict, kernel-doc -Wall -Werror, coccicheck, the UAPI header
#            on its own, the user-space tools with -Werror, the man page
#            renders without warnings, vpmctl's options documented and
#            completed by its bash completion, make install/uninstall into
#            a scratch root, make htmldocs without a Sphinx or kernel-doc
#            warning, the Debian packages lintian-clean, installed on this
#            machine (DKMS builds for both kernels), the module DKMS built
#            booted in QEMU, and purged without a trace
#   kunit    tools/kunit.sh: the KUnit suites under UML
#   e2e      tools/e2e/run.sh: the module in Debian's 6.12 kernel under
#            QEMU, then the same checks in Debian's 6.1 kernel
#   stress   the parts of tools/stress.sh: faults, power loss, races,
#            fuzzing, memory pressure, on both kernels and on the debug
#            kernels (all of it on KASAN/lockdep; fail-nth; KCSAN)
#
#   tools/check.sh [PART...]   the parts named (default: all four)
#
# The parts run side by side, one per CPU (vpm_run_parts in tools/lib.sh;
# VPM_JOBS=N), each part's output printed when it ends.  Runs every part
# even when one fails, then prints the sum as its last line: 'N passed, N
# failed'.  Exits 1 if anything failed.  Every part must report exactly
# the number of checks tools/expected-counts gives it; one that reports
# another number, or no result, counts as one more failure.

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
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
mkdir -p "$LOGDIR"
spassed=0
sfailed=0

# static NAME COMMAND...: one check; its output is kept in $LOGDIR/NAME.log.
static() {
	local name=$1 t0=$SECONDS
	shift
	if "$@" > "$LOGDIR/$name.log" 2>&1; then
		spassed=$((spassed + 1))
		echo "PASS static/$name"
	else
		sfailed=$((sfailed + 1))
		echo "FAIL static/$name (log: $LOGDIR/$name.log)"
		tail -n 20 "$LOGDIR/$name.log" | sed 's/^/    /'
	fi
	# Where the time goes, as the guests' checks say it.
	[ $((SECONDS - t0)) -lt 5 ] || echo "INFO time static/$name: $((SECONDS - t0)) s"
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
	make -j"$(nproc)" -C "/usr/src/linux-headers-$1" M="$obj" CONFIG_VPM=m W=1 \
		KCFLAGS=-Werror modules
}

sparse_clean() {
	local obj=$VPM_CACHE/check-sparse-$1 out
	rm -rf "$obj"; mkdir -p "$obj"
	vpm_sync_sources "$obj"
	out=$(make -j"$(nproc)" -C "/usr/src/linux-headers-$1" M="$obj" CONFIG_VPM=m C=2 \
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

# What tools/vpmctl.bash-completion offers for the words "$@" (the last
# one being completed), in a bash without any startup file.
complete_vpmctl() {
	# shellcheck disable=SC2016
	bash --norc --noprofile -c 'source "$1"; shift; COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1)); _vpmctl; echo "${COMPREPLY[*]}"' _ \
		"$VPM_ROOT/tools/vpmctl.bash-completion" "$@"
}

# The subcommands vpmctl --help lists.
vpmctl_commands() {
	"$VPM_ROOT/tools/vpmctl" --help |
		awk '/^Commands:/ { on = 1; next } on && !NF { exit } on { print $1 }'
}

# The bash completion loads and completes every subcommand vpmctl --help
# lists and every option each subcommand's --help lists, files for attach.
bash_completion() {
	local vpmctl=$VPM_ROOT/tools/vpmctl cmd opt got ok=0
	got=$(complete_vpmctl vpmctl at)
	echo "vpmctl at -> $got"
	[ "$got" = attach ] || ok=1
	got=" $(complete_vpmctl vpmctl '') "
	for cmd in $(vpmctl_commands); do
		[[ $got == *" $cmd "* ]] || { echo "not completed: vpmctl $cmd"; ok=1; }
		for opt in $("$vpmctl" "$cmd" --help | grep -o -- '--[a-z-]*' | sort -u); do
			[[ " $(complete_vpmctl vpmctl "$cmd" "${opt:0:4}") " == *" $opt "* ]] ||
				{ echo "not completed: vpmctl $cmd $opt"; ok=1; }
		done
	done
	got=$(cd "$VPM_ROOT" && complete_vpmctl vpmctl attach --read-only tools/vpmctl.b)
	echo "vpmctl attach --read-only tools/vpmctl.b -> $got"
	[ "$got" = tools/vpmctl.bash-completion ] || ok=1
	return $ok
}

# The man page names every subcommand and option vpmctl --help lists;
# short options work; stats --interval refuses what it cannot do.
vpmctl_options() {
	local vpmctl=$VPM_ROOT/tools/vpmctl man cmd opt out ok=0
	man=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' "$VPM_ROOT/tools/vpmctl.8")
	for cmd in $(vpmctl_commands); do
		grep -q "^\.B vpmctl $cmd\b" <<< "$man" ||
			{ echo "vpmctl.8: no synopsis of $cmd"; ok=1; }
		for opt in $("$vpmctl" "$cmd" --help | grep -o -- '--[a-z-]*' | sort -u); do
			grep -qw -- "$opt" <<< "$man" ||
				{ echo "vpmctl.8: no $opt ($cmd)"; ok=1; }
		done
	done
	# stats: usage errors (exit 1, a hint) before any device is opened.
	for args in "--interval 0" "--interval 1s" "--interval 1 --watch 1" \
		    "-i 1 vpm0 vpm1"; do
		# shellcheck disable=SC2086
		out=$("$vpmctl" stats $args 2>&1) && { echo "stats $args: exit 0"; ok=1; }
		echo "stats $args: $out"
		grep -q "Try 'vpmctl stats --help'" <<< "$out" || ok=1
	done
	# A short option is taken (the failure is the missing device, if any).
	out=$("$vpmctl" list -j 2>&1)
	echo "list -j: $out"
	! grep -q 'bad option' <<< "$out" || ok=1
	return $ok
}

# make install and make uninstall into a scratch DESTDIR.
install_uninstall() {
	local d rel files f
	d=$(mktemp -d)
	rel=$REL
	files="usr/local/sbin/vpmctl usr/local/share/man/man8/vpmctl.8
	       usr/local/share/bash-completion/completions/vpmctl
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

# make deb into a scratch directory ($DEB_DIST, for deb_install), then
# lintian on the .changes: the source package and both .debs, no error and
# no warning (an override only with its reason, in debian/).
DEB_DIST=
deb_lintian() {
	local out rc=0
	DEB_DIST=$(mktemp -d "${TMPDIR:-/tmp}/vpm-deb.XXXXXX")
	chmod 755 "$DEB_DIST"	# apt reads the .debs as user _apt
	make -C "$VPM_ROOT" DIST="$DEB_DIST" deb || return 1
	out=$(lintian --info --fail-on error,warning "$DEB_DIST"/vpm_*.changes) || rc=1
	echo "$out"
	[ "$rc" -eq 0 ] && ! echo "$out" | grep -E '^[EW]: '
}

# The files the packages could leave behind, one path a line.  DKMS's
# module signing key (/var/lib/dkms/mok.*), made by the first DKMS build
# on a machine, is kept on purpose: keys of enrolled MOKs must survive.
deb_files() {
	local dirs=(/usr /etc /var/lib/dkms)
	[ -L /lib ] || dirs+=(/lib/modules)
	find "${dirs[@]}" -xdev 2>/dev/null |
		grep -vxE '/var/lib/dkms/mok\.(key|pub)' | LC_ALL=C sort
}

# deb_took STEP: how long STEP took, since the last call, in the log.
deb_t0=0
deb_took() {
	echo "time: $1 took $((SECONDS - deb_t0)) s"
	deb_t0=$SECONDS
}

# What deb_install checks while the packages are installed.
deb_installed() {
	local ver=$1 work=$2 k st ko got
	# Debian's dkms postinst builds for the running kernel and the newest,
	# or, when the running kernel is not installed (a container, CI), for
	# every kernel in /lib/modules.  A kernel it left out gets the module
	# as installing its headers would: dkms autoinstall.
	st=$(dkms status vpm/"$ver")
	for k in "$REL" "$REL61"; do
		echo "$st" | grep -q "^vpm/$ver, $k, x86_64: installed" && continue
		echo "the postinst did not build for $k; dkms autoinstall -k $k"
		$SUDO dkms autoinstall -k "$k" || return 1
	done
	# A kernel upgrade's path: autoinstall puts the module back.
	$SUDO dkms uninstall vpm/"$ver" -k "$REL61" || return 1
	$SUDO dkms autoinstall -k "$REL61" || return 1
	st=$(dkms status vpm/"$ver")
	echo "$st"
	for k in "$REL" "$REL61"; do
		echo "$st" | grep -q "^vpm/$ver, $k, x86_64: installed" ||
			{ echo "dkms status: not installed for $k"; return 1; }
		ko=$(ls /lib/modules/"$k"/updates/dkms/vpm.ko*) || return 1
		got=$(modinfo -F version "$ko")
		[ "$got" = "$ver" ] || { echo "$ko: version '$got'"; return 1; }
	done
	got=$(/usr/sbin/vpmctl version | head -n 1)
	[ "$got" = "vpmctl $ver" ] || { echo "vpmctl version: '$got'"; return 1; }
	[ -f /usr/share/man/man8/vpmctl.8.gz ] || { echo "no man page"; return 1; }
	cmp /lib/udev/rules.d/60-vpm.rules "$VPM_ROOT/tools/udev/60-vpm.rules" ||
		return 1
	# shellcheck disable=SC2016
	got=$(bash --norc --noprofile -c 'source "$1"; COMP_WORDS=(vpmctl at)
		COMP_CWORD=1; _vpmctl; echo "${COMPREPLY[*]}"' _ \
		/usr/share/bash-completion/completions/vpmctl)
	[ "$got" = attach ] || { echo "completion of 'vpmctl at': '$got'"; return 1; }
	deb_took "checking the installed files"
	# The module DKMS installed for 6.12 is the one the guest loads.
	ko=$(ls /lib/modules/"$REL"/updates/dkms/vpm.ko*)
	VPM_E2E_KO=$ko VPM_RESULTS=$work/results \
		"$VPM_ROOT/tools/e2e/run.sh" --suite demo > "$work/demo.log" 2>&1
	st=$?
	deb_took "the demo in QEMU"
	grep -E '^(e2e: booting|PASS|FAIL|e2e demo)' "$work/demo.log"
	[ "$st" -eq 0 ] && grep -qxF "e2e: booting $ko (VPM_E2E_KO)" "$work/demo.log"
}

# The packages as users install them: apt-get install of both .debs runs
# DKMS for the 6.12 and the 6.1 headers (dkms status: installed), the
# 6.12 module DKMS installed passes the demo in QEMU, vpmctl, its man page,
# the udev rule and the completion are in place, and apt-get purge leaves
# no file behind in /usr (/lib/modules), /etc and /var/lib/dkms.  It
# covers what DKMS in private trees used to (both kernels, autoinstall),
# through the package's own maintainer scripts.
#
# This cannot be made private: the postinst runs dkms on the machine's
# own tree (/var/lib/dkms, /usr/src, /lib/modules/*/updates/dkms) and dpkg
# keeps its database in /var/lib/dpkg; neither can be pointed elsewhere.
# So it installs on this machine: it refuses when vpm is in DKMS already
# (make dkms-install), purges packages an interrupted run left, purges
# again even when a step fails, takes a lock against a concurrent run,
# and deletes the module indexes depmod wrote for a kernel that had none
# (the 6.1 headers come without modules).
deb_install() {
	(
		flock -w 1800 8 || { echo "another run holds $VPM_DEB_LOCK"; exit 1; }
		deb_install_locked
	) 8> "$VPM_DEB_LOCK"
}

VPM_DEB_LOCK=/run/lock/vpm-check-deb.lock
deb_install_locked() {
	local ver work rc=0 before after idx diff
	ver=$(make -s -C "$VPM_ROOT" version)
	ls "$DEB_DIST"/vpm-dkms_"$ver"_all.deb "$DEB_DIST"/vpm-utils_"$ver"_*.deb ||
		{ echo "no packages (see static/deb-lintian)"; return 1; }
	if dpkg-query -W -f='${db:Status-Abbrev}\n' vpm-dkms vpm-utils 2>/dev/null |
			grep -q '^[^u]'; then
		echo "purging vpm packages an earlier run left"
		$SUDO env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q \
			-o DPkg::Lock::Timeout=600 vpm-dkms vpm-utils || rc=1
	fi
	if [ -n "$(dkms status vpm 2>/dev/null)" ] || [ -e "/usr/src/vpm-$ver" ]; then
		echo "vpm is in the machine's DKMS tree or /usr/src (make dkms-install?):"
		echo "remove it first (sudo make dkms-remove)"
		return 1
	fi
	work=$(mktemp -d)
	deb_t0=$SECONDS
	before=$(deb_files)
	deb_took "listing the files"
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		-o DPkg::Lock::Timeout=600 --no-install-recommends \
		"$DEB_DIST"/vpm-dkms_"$ver"_all.deb \
		"$DEB_DIST"/vpm-utils_"$ver"_*.deb &&
		deb_took "apt-get install (DKMS for both kernels)" &&
		deb_installed "$ver" "$work" || rc=1
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q \
		-o DPkg::Lock::Timeout=600 vpm-dkms vpm-utils || rc=1
	deb_took "apt-get purge"
	[ -z "$(dkms status vpm 2>/dev/null)" ] || { echo "purge left vpm in DKMS"; rc=1; }
	after=$(deb_files)
	deb_took "listing the files again"
	idx=$(LC_ALL=C comm -13 <(echo "$before") <(echo "$after") |
		grep -E '^(/usr)?/lib/modules/[^/]+/modules\.[a-z.]+$')
	if [ -n "$idx" ]; then
		echo "removing the indexes depmod made for a kernel that had none:"
		echo "$idx"
		echo "$idx" | xargs -d '\n' $SUDO rm -f
		after=$(LC_ALL=C comm -23 <(echo "$after") <(echo "$idx"))
	fi
	diff=$(LC_ALL=C comm -3 <(echo "$before") <(echo "$after"))
	if [ -n "$diff" ]; then
		echo "apt-get purge did not restore the file tree (< gone, > left behind):"
		echo "$diff" | sed 's/^\t/> /; t; s/^/< /'
		rc=1
	fi
	rm -rf "$work" "$DEB_DIST"
	return $rc
}

# The tools with -Werror, built in a copy: the guests of the parts running
# beside this one copy the tools of the tree.
tools_werror() {
	local d rc=0
	d=$(mktemp -d)
	(cd "$VPM_ROOT" && git ls-files --cached --others --exclude-standard \
		Makefile include tools | cpio -pdm --quiet "$d") &&
		make -C "$d" -B tools USER_CFLAGS_EXTRA=-Werror || rc=1
	rm -rf "$d"
	return $rc
}

static_part() {
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
	static vpmctl-options vpmctl_options
	static bash-completion bash_completion
	static make-install install_uninstall
	static deb-lintian deb_lintian
	static deb-install deb_install
	vpm_record static "$spassed" "$sfailed"
}

# vpm_run_parts runs the parts of lib.sh; this one is check.sh's own.
vpm_part_local() {
	case $1 in
	static) static_part ;;
	*) vpm_die "no part '$1'" ;;
	esac
}

# The result tags of the parts asked for, in the order they are reported.
counted=""
want static && counted+=" static"
want kunit && counted+=" kunit"
want e2e && counted+=" e2e e2e-6.1"
want stress && counted+=" $VPM_STRESS_PARTS"
# shellcheck disable=SC2086
vpm_parts_to_run $counted
# shellcheck disable=SC2086
vpm_run_parts $vpm_run

# Each part's counts, checked against tools/expected-counts: a part that
# left no result or ran another number of checks fails once more.
# shellcheck disable=SC2086
vpm_check_counts $counted
vpm_log "took $(( $(date +%s) - start )) s"
echo "$vpm_passed passed, $vpm_failed failed"
[ "$vpm_failed" -eq 0 ]
