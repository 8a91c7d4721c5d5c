#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a small x86_64 debug kernel (KASAN, lockdep, UBSAN, kmemleak, fault
# injection) out of Debian's linux-source-6.12 unpacked in the cache, for
# QEMU (TCG) with a busybox initramfs and out-of-tree modules.  With --kcsan,
# the data-race detector KCSAN instead of KASAN (the two exclude each other).
#
#   tools/debug-kernel.sh [--kcsan]           build what changed, print the
#                                             two paths
#   tools/debug-kernel.sh [--kcsan] --print   print them only, if the build
#                                             is current
#
# The configuration is 'make tinyconfig' with tools/debug-kernel.config merged
# over it (and tools/debug-kernel-kcsan.config over that for --kcsan); every
# option of the fragments is checked in the final .config, the last fragment
# winning.  The build tree is $VPM_CACHE/dbg-build (kcsan-build), kept
# between runs: a rerun with nothing changed only runs an incremental make.
# A changed fragment reconfigures it, a new source tree starts it over.
#
# Prints the bzImage, then the build tree, which is the KDIR of
# 'make -C KDIR M=DIR modules'.  Boot with:
#   qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m 1G -nographic \
#     -no-reboot -kernel BZIMAGE -initrd INITRD -append 'console=ttyS0 panic=-1'
# 'poweroff -f' in the guest ends QEMU (ACPI).

set -euo pipefail
VPM_TOOL=debug-kernel
. "$(dirname "$0")/lib.sh"

PRINT=0
FRAGS=("$VPM_ROOT/tools/debug-kernel.config")
BUILD=$VPM_CACHE/dbg-build
while [ $# -gt 0 ]; do
	case "$1" in
	--print) PRINT=1 ;;
	--kcsan)
		FRAGS+=("$VPM_ROOT/tools/debug-kernel-kcsan.config")
		BUILD=$VPM_CACHE/kcsan-build
		;;
	-h|--help) sed -n '4,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) vpm_die "usage: $0 [--kcsan] [--print]" ;;
	esac
	shift
done

IMAGE=$BUILD/arch/x86/boot/bzImage
CONFIGURED=$BUILD/.vpm-configured	# state the .config was made for
BUILT=$BUILD/.vpm-built			# state of the last complete build

[ "$PRINT" -eq 1 ] || "$VPM_ROOT/tools/setup.sh"
SRC=$(readlink -f "$VPM_CACHE/linux-src")
[ -f "$SRC/Makefile" ] || vpm_die "no kernel source in $VPM_CACHE/linux-src (run tools/setup.sh)"
STATE="src $SRC
fragment $(cat "${FRAGS[@]}" | sha256sum | cut -d ' ' -f 1)"

print_paths() { echo "$IMAGE"; echo "$BUILD"; }

# Current: the last build was of this source and fragment, and nothing in the
# source tree (but drivers/vpm, which tools/kunit.sh syncs and this kernel
# does not build) or in .config changed since.
is_current() {
	[ -f "$BUILT" ] && [ -f "$IMAGE" ] && [ "$(cat "$BUILT")" = "$STATE" ] &&
		[ -z "$(find "$SRC" "$BUILD/.config" -path "$SRC/drivers/vpm" -prune \
			-o -newer "$BUILT" -print -quit)" ]
}
if [ "$PRINT" -eq 1 ]; then
	is_current || vpm_die "$BUILD is not built or out of date: run $0"
	print_paths
	exit 0
fi

# Every line of the fragments, as KEY=VALUE ('is not set' is VALUE n), must
# be in .config as asked, a later fragment overriding an earlier one: Kconfig
# silently drops what it cannot satisfy.
verify_config() {
	local key want got bad=0
	declare -A asked=()
	while IFS='=' read -r key want; do
		asked[$key]=$want
	done < <(sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*=.*\)$/\1/p' \
		-e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1=n/p' "${FRAGS[@]}")
	for key in "${!asked[@]}"; do
		want=${asked[$key]}
		got=$(sed -n "s/^$key=//p" "$BUILD/.config")
		[ "${got:-n}" = "$want" ] && continue
		vpm_log "$key: asked for $want, .config has ${got:-n}"
		bad=1
	done
	[ "$bad" -eq 0 ] || vpm_die "$BUILD/.config does not match ${FRAGS[*]}"
}

# One build of a tree at a time: the parts of make check that boot it run
# side by side, and the second finds it built.
mkdir -p "$VPM_CACHE"
exec 8> "$BUILD.lock"
flock 8
if is_current; then
	print_paths
	exit 0
fi

# Tarballs keep their mtimes: objects of another source tree could look newer
# than its files, so a new tree (or a half-made configuration) starts over.
if [ ! -f "$CONFIGURED" ] || [ "$(head -n 1 "$CONFIGURED")" != "${STATE%%$'\n'*}" ]; then
	rm -rf "$BUILD"
fi
if [ ! -f "$BUILD/.config" ] || [ "$(cat "$CONFIGURED" 2>/dev/null)" != "$STATE" ]; then
	mkdir -p "$BUILD"
	rm -f "$CONFIGURED" "$BUILT"
	# ARCH=x86_64: plain tinyconfig is 32-bit here, and turning 64BIT on
	# afterwards keeps FRAME_WARN=1024 and leaves the 64-bit-only options
	# (5-level paging, IBT, ...) at their defaults instead of off.
	make -s -C "$SRC" O="$BUILD" ARCH=x86_64 tinyconfig > /dev/null
	# merge_config.sh leaves its temporary files in the current directory.
	(cd "$BUILD" && "$SRC/scripts/kconfig/merge_config.sh" -m -Q \
		-O "$BUILD" "$BUILD/.config" "${FRAGS[@]}" > /dev/null)
	make -s -C "$BUILD" olddefconfig > /dev/null
	echo "$STATE" > "$CONFIGURED"
fi
verify_config

make -s -C "$BUILD" -j"$(nproc)" >&2 || vpm_die "building the debug kernel failed"
[ -f "$IMAGE" ] || vpm_die "no $IMAGE after the build"
echo "$STATE" > "$BUILT"
print_paths
