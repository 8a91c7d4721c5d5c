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

# Build vpm.ko against the kernel tree KDIR, in $VPM_CACHE/obj-NAME;
# prints the path of the module.  Extra arguments go to make (W=1, C=2).
vpm_build_module_in() {
	local kdir=$1 obj=$VPM_CACHE/obj-$2
	shift 2
	[ -d "$kdir" ] || vpm_die "no kernel tree in $kdir"
	mkdir -p "$obj"
	vpm_sync_sources "$obj"
	make -s -C "$kdir" M="$obj" CONFIG_VPM=m "$@" modules >&2 ||
		vpm_die "building vpm.ko against $kdir failed"
	echo "$obj/vpm.ko"
}

# Build vpm.ko for Debian kernel release REL (its installed headers).
vpm_build_module() {
	local rel=$1
	shift
	vpm_build_module_in "/usr/src/linux-headers-$rel" "$rel" "$@"
}
