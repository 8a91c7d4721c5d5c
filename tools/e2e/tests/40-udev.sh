# SPDX-License-Identifier: GPL-2.0
# The udev rule of 'make install' (tools/udev/60-vpm.rules) under Debian's
# own udevd: /dev/vpm and /dev/vpmN are root:disk 0660, so a user in group
# disk lists and reads objects without root, and other users cannot.
. /e2e/lib.sh

modprobe virtio_blk 2>/dev/null

mode_of() { stat -c '%U:%G %a' "$1"; }

udev_rule_opens_vpm_to_group_disk() {
	mkdir -p /run && mount -t tmpfs tmpfs /run || return 1
	/lib/systemd/systemd-udevd --daemon || return 1
	vpm_load || return 1
	udevadm settle -t 20
	expect "/dev/vpm" "$(mode_of /dev/vpm)" "root:disk 660" || return 1
	obj=$(vpmctl attach --read-only /dev/vda) || return 1
	udevadm settle -t 20
	expect "$obj" "$(mode_of "$obj")" "root:disk 660" || return 1
	# vpmuser's group is disk; nobody's is not.
	out=$(su -s /bin/sh vpmuser -c 'vpmctl list' 2>&1) || {
		echo "vpmctl list as vpmuser: $out"; return 1; }
	echo "$out" | grep -q "/dev/vda" || { echo "list: $out"; return 1; }
	got=$(su -s /bin/sh vpmuser -c "dd if=$obj bs=64k count=16 2>/dev/null | wc -c")
	expect "bytes read as vpmuser" "$got" 1048576 || return 1
	out=$(su -s /bin/sh nobody -c 'vpmctl list' 2>&1) && {
		echo "nobody may list: $out"; return 1; }
	echo "$out" | grep -q "Permission denied" || { echo "nobody: $out"; return 1; }
	vpmctl detach "$obj" || return 1
	udevadm control --exit
	umount /run
	vpm_unload
}

check udev_rule_opens_vpm_to_group_disk udev_rule_opens_vpm_to_group_disk
true
