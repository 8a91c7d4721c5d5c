# SPDX-License-Identifier: GPL-2.0
# make demo: what vpm does, step by step, in Debian's own kernel.
. /e2e/lib.sh

step() { echo "DEMO"; echo "DEMO == $*"; }
show() {
	echo "DEMO \$ $*"
	"$@" 2>&1 | sed 's/^/DEMO   /'
}

step "Load the module into Debian's $(uname -r) kernel"
show insmod $VPM_KO
show sh -c 'dmesg | grep "vpm:"'

step "The control device /dev/vpm (misc device, dynamic minor) appears"
show ls -l /dev/vpm
show vpmctl version

step "The vpm cache tunables, read-only once loaded"
show grep -H . /sys/module/vpm/parameters/vpm_enable \
	/sys/module/vpm/parameters/vpm_cache_enable \
	/sys/module/vpm/parameters/vpm_cache_percent \
	/sys/module/vpm/parameters/vpm_nfreelist

step "Statistics live under /sys/kernel/debug/vpm"
show ls -la /sys/kernel/debug/vpm

step "Unload: the device and the debugfs directory go away"
show rmmod vpm
show sh -c 'ls /dev/vpm /sys/kernel/debug/vpm 2>&1; true'

check demo_completed vpm_unloaded_cleanly
