#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare a Debian 12 machine for building and testing vpm.  Idempotent: a
# second run only checks what is there and prints where the caches are.
#
#   - installs the Debian packages vpm needs (apt, no recommends), among
#     them Debian's packaging tools for make deb;
#   - unpacks Debian's linux-source-6.12 into the cache (UML KUnit builds,
#     checkpatch, kernel-doc, sparse of the project against the real tree);
#   - downloads the linux-image package that matches linux-source-6.12 and
#     unpacks it into the cache (never installs it): it is the QEMU guest;
#   - installs the newest linux-headers-6.1.0-*-amd64 (headers only, for
#     building and DKMS) and unpacks its linux-image the same way: the 6.1
#     guest of 'make e2e KVER=6.1'.
#
# The cache lives outside the repository: $VPM_CACHE, default ~/.cache/vpm.
# Prints nothing but the final summary unless something has to be done.

set -euo pipefail

VPM_CACHE=${VPM_CACHE:-$HOME/.cache/vpm}
PKGS=(linux-headers-6.12-amd64 linux-source-6.12 qemu-system-x86
      busybox-static flex bison bc libelf-dev libssl-dev cpio python3
      sparse coccinelle dwarves xz-utils gcc make perl e2fsprogs
      kmod dmsetup rsync git groff-base dkms python3-sphinx udev
      xfsprogs fio debhelper dh-dkms lintian nbdkit nbd-client)

log() { printf 'setup: %s\n' "$*" >&2; }

# relink TARGET LINK: point LINK at TARGET, replacing it in one step, and
# only when it points elsewhere: the parts of make check run side by side
# and read the links while another part's setup runs.
relink() {
	[ "$(readlink "$2" 2>/dev/null)" = "$1" ] && return 0
	ln -sfn "$1" "$2.new.$$"
	mv -T "$2.new.$$" "$2"
}

missing_pkgs() {
	local p
	for p in "${PKGS[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

install_pkgs() {
	local miss
	miss=$(missing_pkgs)
	[ -z "$miss" ] && return 0
	log "installing:" $miss
	local sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	export DEBIAN_FRONTEND=noninteractive
	# The package lists may be missing or stale on a fresh machine.
	$sudo apt-get update -qq >&2 || log "apt-get update failed; trying the lists we have"
	# shellcheck disable=SC2086
	$sudo apt-get install -y -qq --no-install-recommends $miss >&2
}

# linux-headers-6.12-amd64 depends on linux-headers-<abi>-amd64 (= <version>);
# the guest kernel is linux-image-<abi>-amd64 of the same version.
headers_pkg() {
	dpkg-query -W -f='${Depends}\n' linux-headers-6.12-amd64 |
		tr ',' '\n' | sed -n 's/^ *\(linux-headers-6\.12[^ ]*-amd64\).*/\1/p' |
		head -n 1
}

unpack_source() {
	local ver dir tarball
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
	dir=$VPM_CACHE/linux-source-$ver
	if [ ! -f "$dir/.unpacked" ]; then
		tarball=$(ls /usr/src/linux-source-6.12.tar.* | head -n 1)
		log "unpacking $tarball into $dir"
		rm -rf "$dir"
		mkdir -p "$dir"
		tar -C "$dir" --strip-components=1 -xf "$tarball"
		touch "$dir/.unpacked"
	fi
	relink "$dir" "$VPM_CACHE/linux-src"
}

# The newest Debian 6.1 ABI the archive has: linux-headers-6.1.0-N-amd64.
headers_61_pkg() {
	apt-cache search --names-only '^linux-headers-6\.1\.0-[0-9]+-amd64$' |
		cut -d ' ' -f 1 | sort -V | tail -n 1
}

install_headers_61() {
	local hdr sudo=
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	hdr=$(headers_61_pkg)
	if [ -z "$hdr" ]; then
		$sudo apt-get update -qq >&2
		hdr=$(headers_61_pkg)
	fi
	[ -n "$hdr" ] || { log "no linux-headers-6.1.0-*-amd64 in the archive"; exit 1; }
	if ! dpkg-query -W -f='${Status}\n' "$hdr" 2>/dev/null |
			grep -q '^install ok installed$'; then
		log "installing $hdr (headers only)"
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
			--no-install-recommends "$hdr" >&2
	fi
	echo "$hdr"
}

# unpack_image HEADERS-PACKAGE LINK: the linux-image of the same ABI and
# version, unpacked into the cache and linked as $VPM_CACHE/LINK.
unpack_image() {
	local hdr=$1 link=$2 img ver dir tmp
	img=${hdr/linux-headers-/linux-image-}
	ver=$(dpkg-query -W -f='${Version}' "$hdr")
	dir=$VPM_CACHE/$img-$ver
	if [ ! -f "$dir/.unpacked" ]; then
		log "downloading $img ($ver) into $dir"
		rm -rf "$dir"
		tmp=$(mktemp -d)
		(cd "$tmp" && chmod 755 . && apt-get download -qq "$img=$ver" >&2)
		dpkg -x "$tmp"/*.deb "$dir"
		rm -rf "$tmp"
		touch "$dir/.unpacked"
	fi
	# The guest's module index, made once (run.sh copies from it).
	[ -n "$(ls "$dir"/lib/modules/*/modules.dep 2>/dev/null)" ] ||
		depmod -b "$dir" "$(ls "$dir/lib/modules" | head -n 1)"
	relink "$dir" "$VPM_CACHE/$link"
}

mkdir -p "$VPM_CACHE"
# One setup at a time (apt and the unpacking are not for two).
exec 8> "$VPM_CACHE/.setup.lock"
flock 8
install_pkgs
unpack_source
unpack_image "$(headers_pkg)" guest-6.12
unpack_image "$(install_headers_61)" guest-6.1
echo "setup: ready (cache $VPM_CACHE)" >&2
