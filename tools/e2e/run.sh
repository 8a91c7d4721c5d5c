#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot Debian's own 6.12 kernel (or 6.1) in QEMU (TCG) with vpm.ko and run a
# suite of guest-side checks; the host reads the verdicts and the guest's
# kernel log.
#
#   tools/e2e/run.sh [--suite NAME] [--kver 6.12|6.1] [--mem SIZE]
#                    [--append ARGS] [--debug-kernel] [--keep] [GLOB]
#
#   --kver VER       Debian's 6.12 (default) or 6.1 kernel, vpm.ko built
#                    against its headers (make e2e KVER=6.1); results are
#                    recorded as SUITE-6.1
#   --suite NAME     directory under tools/e2e/ holding the guest scripts
#                    (default: tests; the demo uses demo, make stress uses
#                    stress and pressure)
#   --mem SIZE       guest memory (default 1G)
#   --append ARGS    more kernel command line arguments
#   --debug-kernel   boot the KASAN/lockdep kernel of tools/debug-kernel.sh
#                    instead of Debian's (its drivers are built in)
#   --kcsan-kernel   boot its KCSAN variant (tools/debug-kernel.sh --kcsan):
#                    a data race reported in vpm fails the run, the
#                    kernel's own are counted
#   GLOB             run only checks whose name matches (shell glob)
#   --keep           keep the work directory (initramfs, disks, console log)
#
# VPM_E2E_KO=PATH boots that vpm.ko (.ko, .ko.xz, .ko.gz or .ko.zst: the
# one DKMS installed, say) instead of building one; it must be built for
# the guest's kernel (Debian's, not a debug kernel's).
#
# A check passes when the guest prints 'E2E PASS name'.  The run also fails
# on a guest that does not finish, on a kernel log with BUG, WARNING, Oops,
# KASAN, lockdep or a general protection fault, and on a taint other than
# out-of-tree (O) and unsigned (E) module.
#
# Prints one line per check, then 'e2e: N passed, N failed'.

set -euo pipefail
VPM_TOOL=e2e
. "$(dirname "$0")/../lib.sh"

SUITE=tests
KEEP=0
GLOB='*'
MEM=${VPM_E2E_MEM:-}
APPEND=
DEBUG_KERNEL=		# debug (KASAN) or kcsan: the kernel and its obj dir
KVER=${KVER:-6.12}
while [ $# -gt 0 ]; do
	case "$1" in
	--suite) SUITE=$2; shift 2 ;;
	--kver) KVER=$2; shift 2 ;;
	--mem) MEM=$2; shift 2 ;;
	--append) APPEND=$2; shift 2 ;;
	--debug-kernel) DEBUG_KERNEL=debug; shift ;;
	--kcsan-kernel) DEBUG_KERNEL=kcsan; shift ;;
	--keep) KEEP=1; shift ;;
	-h|--help) sed -n '4,36p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) GLOB=$1; shift ;;
	esac
done

# A guest that does not finish in this time fails (a hang that the guest
# kernel's own detectors did not report).  The stress suite on the KASAN
# kernel takes 12 minutes beside another part, and more beside another
# KASAN guest: twice the time there.
TIMEOUT=${VPM_E2E_TIMEOUT:-900}
[ -z "$DEBUG_KERNEL" ] || TIMEOUT=${VPM_E2E_TIMEOUT:-1800}
SMP=${VPM_E2E_SMP:-2}
# QEMU's "max" CPU without ERMS: with it the guest kernel copies and clears
# pages with "rep movsb"/"rep stosb", which TCG runs one byte per pass
# through a translation block; without it "rep movsq"/"rep stosq" copy 8
# bytes a pass.  Copying through tmpfs is 2.5 times faster so, vpm's own
# code is the same.  The benchmarks keep the CPU their report was measured
# on.
CPU=${VPM_E2E_CPU:-max,-erms}
[ "$SUITE" = bench ] && CPU=${VPM_E2E_CPU:-max}
# The stock kernel's own nets against use-after-free and slab corruption.
# With them the ACPI interpreter takes 11 s of the boot routing the
# interrupts of the virtio disks (it allocates, and slub_debug records a
# stack trace per allocation): route them without it.
NETS='kfence.sample_interval=1 slub_debug=FZPU page_poison=1 init_on_free=1 pci=noacpi'
# Benchmarks measure the kernel as users run it.
[ "$SUITE" = bench ] && NETS=''
# The stress suite takes a memory block of a movable zone offline
# (stress/55-citizen.sh).  What the kernel reserves at boot (KFENCE's pool,
# the initramfs) comes from the top of RAM down and makes a block there
# refuse: half the guest is movable, four blocks to choose from.  On the
# KASAN kernel the shadow memory would cover even that: there the guest
# gets 2 GiB and a movable gigabyte.
if [ "$SUITE/$DEBUG_KERNEL" = stress/debug ]; then
	APPEND="movablecore=1G $APPEND"
	MEM=${MEM:-2G}
elif [ "$SUITE" = stress ]; then
	APPEND="movablecore=512M $APPEND"
fi
MEM=${MEM:-1G}

"$VPM_ROOT/tools/setup.sh"
case $KVER in
6.12|6.1) ;;
*) vpm_die "--kver: 6.12 or 6.1, not '$KVER'" ;;
esac
GUEST=$(vpm_guest_dir "$KVER")
REL=$(vpm_guest_release "$KVER")
KO_GIVEN=${VPM_E2E_KO:-}
if [ -n "$KO_GIVEN" ]; then
	[ -z "$DEBUG_KERNEL" ] && [ "$SUITE" != bench ] ||
		vpm_die "VPM_E2E_KO: only for Debian's kernel, not with --*-kernel or the bench suite"
	[ -f "$KO_GIVEN" ] || vpm_die "VPM_E2E_KO: no file $KO_GIVEN"
	magic=$(modinfo -F vermagic "$KO_GIVEN") || vpm_die "VPM_E2E_KO: $KO_GIVEN is not a module"
	[ "${magic%% *}" = "$REL" ] ||
		vpm_die "VPM_E2E_KO: $KO_GIVEN is built for ${magic%% *}, the guest runs $REL"
	KERNEL=$GUEST/boot/vmlinuz-$REL
	KO=$KO_GIVEN
	vpm_log "booting $KO (VPM_E2E_KO)"
elif [ -n "$DEBUG_KERNEL" ]; then
	# KASAN and kmemleak watch the slab there; the stock nets would only
	# slow the kernel down.  Under KASAN the ACPI interpreter times out
	# routing the interrupts of five virtio disks: route them without it.
	# (ACPI stays in: without its MADT, SeaBIOS's MP table lists one CPU.)
	NETS="pci=noacpi"
	DBG_FLAGS=()
	[ "$DEBUG_KERNEL" = kcsan ] && DBG_FLAGS=(--kcsan)
	{ read -r KERNEL; read -r DBG_KDIR; } < <("$VPM_ROOT/tools/debug-kernel.sh" "${DBG_FLAGS[@]}")
	KO=$(vpm_build_module_in "$DBG_KDIR" "$DEBUG_KERNEL")
else
	KERNEL=$GUEST/boot/vmlinuz-$REL
	KO=$(vpm_build_module "$REL")
fi
vpm_make_tools

WORK=$(mktemp -d "${TMPDIR:-/tmp}/vpm-e2e.XXXXXX")
cleanup() { [ "$KEEP" -eq 1 ] && vpm_log "work directory: $WORK" || rm -rf "$WORK"; }
trap cleanup EXIT

# --- initramfs: busybox, vpm.ko, tools, guest scripts, needed modules ---
ROOT=$WORK/root
mkdir -p "$ROOT"/{bin,dev,proc,sys,tmp,mnt,vpm,e2e,lib/modules/"$REL"}
cp /bin/busybox "$ROOT/bin/busybox"
case $KO in
*.xz) xz -dc "$KO" > "$ROOT/vpm/vpm.ko" ;;
*.gz) gzip -dc "$KO" > "$ROOT/vpm/vpm.ko" ;;
*.zst) zstd -qdc "$KO" > "$ROOT/vpm/vpm.ko" ;;
*) cp "$KO" "$ROOT/vpm/vpm.ko" ;;
esac
cp "$VPM_ROOT/tools/vpmctl" "$VPM_ROOT/tools/e2e/vpmprobe" \
	"$VPM_ROOT/tools/e2e/vpmpat" "$VPM_ROOT/tools/e2e/vpmstress" \
	"$VPM_ROOT/tools/e2e/vpmbench" "$VPM_ROOT/tools/e2e/vpmfs" \
	"$VPM_ROOT/tools/e2e/logreplay" "$VPM_ROOT/tools/e2e/vpmmap" \
	"$VPM_ROOT/tools/e2e/vpmuffd" "$ROOT/bin/"
if [ "$SUITE" = bench ]; then
	# The benchmark module, built against vpm.ko's symbols.
	make -s -C "/usr/src/linux-headers-$REL" M="$VPM_ROOT/bench/module" \
		KBUILD_EXTRA_SYMBOLS="$(dirname "$KO")/Module.symvers" modules >&2 ||
		vpm_die "building vpm_bench.ko failed"
	cp "$VPM_ROOT/bench/module/vpm_bench.ko" "$ROOT/vpm/"
fi
# Debian's own tools the checks run in the guest, dynamic, with the
# libraries they need: dmsetup (dm-flakey, dm-log-writes), udevd (the udev
# rule), the ext4 and XFS tools (file systems under vpm, chattr, e2fsck),
# fio (its mmap engine with verify, in tests/37-mmap.sh).
GUEST_BINS="/sbin/dmsetup /bin/udevadm /sbin/mke2fs /sbin/e2fsck /sbin/tune2fs
	    /usr/bin/chattr /usr/bin/lsattr /usr/sbin/mkfs.xfs /usr/sbin/xfs_io
	    /usr/sbin/xfs_repair /usr/sbin/filefrag"
# fio's libraries (Ceph, Gluster, ICU...) take 70 MiB: only the suite that
# runs it gets them, a 256 MiB guest could not unpack them.
[ "$SUITE" = tests ] && GUEST_BINS="$GUEST_BINS /usr/bin/fio"
# NBD served in the guest (stress/57-nbd.sh): nbdkit with its memory
# plugin (loaded from the path it was built with) and nbd-client, 5 MiB
# with their libraries, for the suite that uses them.
NBDKIT_PLUGINS=/usr/lib/x86_64-linux-gnu/nbdkit/plugins
case $SUITE/$DEBUG_KERNEL in
stress/|stress/debug) GUEST_BINS="$GUEST_BINS /usr/bin/nbdkit
	$NBDKIT_PLUGINS/nbdkit-memory-plugin.so /usr/sbin/nbd-client" ;;
esac
# shellcheck disable=SC2086
for lib in $GUEST_BINS \
	   $(for b in $GUEST_BINS; do ldd "$b"; done |
	     grep -o '/[^ ]*' | sort -u); do
	mkdir -p "$ROOT$(dirname "$lib")"
	cp -L "$lib" "$ROOT$lib"
done
ln -sf mke2fs "$ROOT/sbin/mkfs.ext4"
mkdir -p "$ROOT/lib/systemd" "$ROOT/etc/udev/rules.d"
ln -s /bin/udevadm "$ROOT/lib/systemd/systemd-udevd"
cp "$VPM_ROOT/tools/udev/60-vpm.rules" "$ROOT/etc/udev/rules.d/"
cp "$VPM_ROOT/tools/e2e/init" "$ROOT/init"
cp "$VPM_ROOT/tools/e2e/lib.sh" "$ROOT/e2e/lib.sh"
cp -r "$VPM_ROOT/tools/e2e/$SUITE" "$ROOT/e2e/suite"
# On the KASAN/kmemleak kernel the stress suite runs the debug suite's
# fail-nth too, after its own checks (its own races and fuzzer stand for the
# debug suite's), and ends with its kmemleak scan: nothing any part did left a
# leak of vpm's.  One boot instead of two.
if [ "$SUITE/$DEBUG_KERNEL" = stress/debug ]; then
	cp "$VPM_ROOT/tools/e2e/debug/debug.lib" \
		"$VPM_ROOT/tools/e2e/debug/90-kmemleak.sh" "$ROOT/e2e/suite/"
	cp "$VPM_ROOT/tools/e2e/debug/10-debug.sh" "$ROOT/e2e/suite/65-debug.sh"
fi
chmod +x "$ROOT/init"

MODULES="virtio_pci virtio_blk brd null_blk loop ext4 xfs dm-mod dm-flakey dm-log-writes crc32c_generic xts cts ecb sha512_generic"
[ "$SUITE" = stress ] && MODULES="$MODULES nbd"
if [ -z "$DEBUG_KERNEL" ]; then
	modprobe -d "$GUEST" -S "$REL" -a --show-depends $MODULES |
		awk '$1 == "insmod" { print $2 }' | sort -u |
		while read -r m; do
			rel=${m#*/lib/modules/$REL/}
			mkdir -p "$ROOT/lib/modules/$REL/$(dirname "$rel")"
			case $m in
			*.xz) xz -dc "$m" > "$ROOT/lib/modules/$REL/${rel%.xz}" ;;
			*) cp "$m" "$ROOT/lib/modules/$REL/$rel" ;;
			esac
		done
	cp "$GUEST/lib/modules/$REL"/modules.{builtin,builtin.modinfo,order} \
		"$ROOT/lib/modules/$REL/"
	depmod -b "$ROOT" "$REL"
fi
(cd "$ROOT" && find . | cpio -o -H newc --quiet | gzip -1) > "$WORK/initramfs.gz"

# --- disks: contents the checks know (see mkdisks.sh) ---
"$VPM_ROOT/tools/e2e/mkdisks.sh" "$WORK"
# cache=writeback: the guest sees a volatile write cache and QEMU honours
# its flushes (cache=unsafe would drop them).  The host checks the images
# after a clean power-off, so they prove what was written, not what was
# flushed: the flush itself is proven on null_blk's volatile cache
# (stress/20-powerloss.sh, stress/25-crash.sh).
DRIVES=()
for d in vda vdb vdc vdd vde; do
	DRIVES+=(-drive "file=$WORK/$d.img,if=virtio,format=raw,cache=writeback")
done

# --- boot ---
LOG=$WORK/console.log
CMDLINE="console=ttyS0 quiet panic=-1 oops=panic $NETS $APPEND"
CMDLINE="$CMDLINE vpmtest.suite=$SUITE vpmtest.glob=$GLOB"
rc=0
timeout --foreground -k 10 "$TIMEOUT" qemu-system-x86_64 \
	-accel tcg,thread=multi -cpu "$CPU" -smp "$SMP" -m "$MEM" \
	-nographic -no-reboot -monitor none -serial stdio \
	-kernel "$KERNEL" -initrd "$WORK/initramfs.gz" \
	-append "$CMDLINE" \
	"${DRIVES[@]}" \
	< /dev/null > "$LOG" 2>&1 || rc=$?
[ "$rc" -eq 124 ] && vpm_log "guest timed out after ${TIMEOUT}s"

tr -d '\r' < "$LOG" > "$LOG.txt"

# Checks of the disks after the guest powered off, as the guest asked:
#   E2E HOSTCHECK NAME IMAGE[:/FILE] VPMPAT-COMMAND ARGS...
# runs "vpmpat COMMAND IMAGE ARGS" on the image, or on FILE dumped from the
# ext4 file system in it.
sed -n 's/^E2E HOSTCHECK //p' "$LOG.txt" | while read -r name spec cmd args; do
	img=$WORK/${spec%%:*}
	target=$img
	if [ "$spec" != "${spec#*:}" ]; then
		target=$WORK/dump.bin
		rm -f "$target"
		debugfs -R "dump ${spec#*:} $target" "$img" > /dev/null 2>&1
	fi
	# shellcheck disable=SC2086
	if out=$("$VPM_ROOT/tools/e2e/vpmpat" "$cmd" "$target" $args 2>&1); then
		echo "E2E PASS $name"
	else
		echo "E2E FAIL $name: $out"
	fi
done >> "$LOG.txt"
passed=$(grep -c '^E2E PASS ' "$LOG.txt" || true)
failed=$(grep -c '^E2E FAIL ' "$LOG.txt" || true)
if [ "$SUITE" = demo ]; then
	sed -n 's/^DEMO \{0,1\}//p' "$LOG.txt"
	echo
fi
# A guest that never ran a check prints none: the verdicts below say so.
grep -E '^E2E (PASS|FAIL|INFO|BENCH) ' "$LOG.txt" | sed 's/^E2E //' || true

verdict() { # NAME OK? DETAIL
	if [ "$2" = 1 ]; then
		passed=$((passed + 1)); echo "PASS $1"
	else
		failed=$((failed + 1)); echo "FAIL $1: $3"
	fi
}

grep -q '^E2E DONE' "$LOG.txt" && ok=1 || ok=0
verdict guest-finished "$ok" "no E2E DONE (exit $rc); see the console log"

# The console holds the guest's kernel log twice (as printed, and dmesg at
# the end).  kmemleak logs only a count of suspects, the kernel's own
# included: the debug suite reads its reports from debugfs and fails when
# kmemleak is off, so 'unreferenced object' (logged with kmemleak.verbose
# only) is a backstop.  A kmemleak that turned itself off is a splat.
SPLATS='BUG:|BUG [a-z]|WARNING:|Oops|general protection|KASAN|UBSAN|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|sleeping function called|Kernel panic|kernel BUG|list_add corruption|list_del corruption|refcount_t:|Poison overwritten|Redzone|Object padding|hung_task|blocked for more than|[Oo]ut of memory|invoked oom-killer|oom-kill|oom_reaper|soft lockup|rcu: INFO|detected stall|self-detected stall|rcu_(sched|preempt) kthread (starved|timer wakeup)|unreferenced object|kmemleak: Cannot|memory leak detector disabled'
# A KCSAN kernel's data-race reports are judged below, not as splats.
if grep -E "$SPLATS" "$LOG.txt" | grep -v 'BUG: KCSAN: data-race' > "$WORK/splats.txt"; then
	verdict kernel-log-clean 0 "$(head -n 3 "$WORK/splats.txt" | tr '\n' ' ')"
	KEEP=1
else
	verdict kernel-log-clean 1
fi

if [ "$DEBUG_KERNEL" = kcsan ]; then
	# A report is vpm's when one of the two racing functions it names,
	# "data-race in A [module] / B [module]", is in the module.  (The log
	# may hold a report twice: from the console and from dmesg.)
	sed -n 's/.*BUG: KCSAN: //p' "$LOG.txt" | sort -u > "$WORK/races"
	grep -F '[vpm]' "$WORK/races" > "$WORK/races-vpm" || true
	n=$(grep -cvF '[vpm]' "$WORK/races" || true)
	echo "INFO kcsan: $n data races reported in the kernel outside vpm: $(grep -vF '[vpm]' "$WORK/races" | tr '\n' ';')"
	n=$(wc -l < "$WORK/races-vpm")
	[ "$n" -eq 0 ] && ok=1 || { ok=0; KEEP=1; }
	verdict no-data-race-in-vpm "$ok" "$n: $(tr '\n' ';' < "$WORK/races-vpm")"
fi

taint=$(sed -n 's/^E2E TAINT //p' "$LOG.txt" | tail -n 1)
# Allowed: O (out-of-tree module, 1 << 12) and E (unsigned module, 1 << 13).
if [ -n "$taint" ] && [ $((taint & ~(4096 | 8192))) -eq 0 ]; then
	verdict taint-only-out-of-tree 1
else
	verdict taint-only-out-of-tree 0 "tainted '${taint:-unknown}'"
fi

# What the results are recorded as: e2e, e2e-6.1, stress, debug-kcsan...
TAG=$([ "$SUITE" = tests ] && echo e2e || echo "$SUITE")
[ -z "$DEBUG_KERNEL" ] || TAG=$TAG-$DEBUG_KERNEL
[ "$KVER" = 6.12 ] || TAG=$TAG-$KVER
[ "$failed" -eq 0 ] || KEEP=1
if [ "$KEEP" -eq 1 ]; then
	mkdir -p "$VPM_RESULTS"
	cp "$LOG.txt" "$VPM_RESULTS/$TAG-console.log"
	vpm_log "console log: $VPM_RESULTS/$TAG-console.log"
fi
[ "$SUITE" = demo ] || vpm_record "$TAG" "$passed" "$failed"
echo "e2e $SUITE ($REL): $passed passed, $failed failed"
[ "$failed" -eq 0 ]
