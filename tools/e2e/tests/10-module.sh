# SPDX-License-Identifier: GPL-2.0
# The module loads, shows its device, parameters and debugfs, and unloads
# without leaving anything behind.
. /e2e/lib.sh

insmod_works() {
	vpm_load || return 1
	vpm_loaded || { echo "/sys/module/vpm missing"; return 1; }
	expect state "$(cat /sys/module/vpm/initstate)" live
}

control_device_exists() {
	[ -c /dev/vpm ] || { echo "/dev/vpm is not a char device"; return 1; }
	expect mode "$(stat -c %a /dev/vpm)" 600 || return 1
	expect major "$(stat -c %t /dev/vpm)" a || return 1
	expect minor "$(stat -c %T /dev/vpm)" \
		"$(printf %x "$(cut -d: -f2 /sys/class/misc/vpm/dev)")"
}

debugfs_directory_exists() {
	[ -d /sys/kernel/debug/vpm ]
}

parameters_have_defaults() {
	p=/sys/module/vpm/parameters
	expect vpm_enable "$(cat $p/vpm_enable)" Y || return 1
	expect vpm_cache_enable "$(cat $p/vpm_cache_enable)" Y || return 1
	expect vpm_cache_percent "$(cat $p/vpm_cache_percent)" 12 || return 1
	expect vpm_nfreelist "$(cat $p/vpm_nfreelist)" 0 || return 1
	expect mode "$(stat -c %a $p/vpm_cache_percent)" 444
}

parameters_are_described() {
	out=$(modinfo -F parm "$VPM_KO") || return 1
	for p in vpm_enable vpm_cache_enable vpm_cache_percent vpm_nfreelist \
		 vpm_cache_mode; do
		echo "$out" | grep -q "^$p:.*default" ||
			{ echo "no description for $p"; return 1; }
	done
}

version_matches() {
	v=$(cat /sys/module/vpm/version) || return 1
	out=$(vpmctl version) || return 1
	expect vpmctl "$(echo "$out" | sed -n 2p)" "module $v api 3" || return 1
	expect tool "$(echo "$out" | sed -n 1p)" "vpmctl $v"
}

unknown_ioctl_is_enotty() {
	expect cmd0x42 "$(vpmprobe ioctl /dev/vpm 0xc020b742)" ENOTTY || return 1
	expect othermagic "$(vpmprobe ioctl /dev/vpm 0xc0205400)" ENOTTY
}

version_ioctl_checks_reserved() {
	expect reserved0 "$(vpmprobe ioctl /dev/vpm VERSION 16=1)" EINVAL || return 1
	expect reserved3 "$(vpmprobe ioctl /dev/vpm VERSION 28=0x80000000)" EINVAL || return 1
	out=$(vpmprobe ioctl /dev/vpm VERSION 0=7)
	expect ok "${out%% *}" OK
}

rmmod_leaves_nothing() {
	vpm_unload || return 1
	[ ! -e /sys/module/vpm ] || { echo "/sys/module/vpm remains"; return 1; }
	[ ! -e /dev/vpm ] || { echo "/dev/vpm remains"; return 1; }
	[ ! -e /sys/kernel/debug/vpm ] || { echo "debugfs vpm remains"; return 1; }
	[ ! -e /sys/class/misc/vpm ] || { echo "misc class entry remains"; return 1; }
}

load_unload_20_times() {
	i=0
	while [ $i -lt 20 ]; do
		vpm_load || { echo "insmod $i failed"; return 1; }
		[ -c /dev/vpm ] || { echo "no /dev/vpm at $i"; return 1; }
		vpm_unload || { echo "rmmod $i failed"; return 1; }
		i=$((i + 1))
	done
	[ ! -e /dev/vpm ]
}

check insmod_works insmod_works
check control_device_exists control_device_exists
check debugfs_directory_exists debugfs_directory_exists
check parameters_have_defaults parameters_have_defaults
check parameters_are_described parameters_are_described
check version_matches version_matches
check unknown_ioctl_is_enotty unknown_ioctl_is_enotty
check version_ioctl_checks_reserved version_ioctl_checks_reserved
check rmmod_leaves_nothing rmmod_leaves_nothing
check load_unload_20_times load_unload_20_times
