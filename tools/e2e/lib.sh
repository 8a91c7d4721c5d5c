# SPDX-License-Identifier: GPL-2.0
# Helpers for the guest-side e2e scripts (busybox sh).  Source it.
#
#   check NAME FUNCTION [ARGS]   run FUNCTION; PASS if it returns 0, else
#                                FAIL with what it printed.  Only names
#                                matching $E2E_GLOB run.  One that takes
#                                5 s or more ($E2E_TIME_MIN) says how
#                                long ("INFO time").
#   expect WHAT GOT WANT         fail the current check unless GOT = WANT.
#   gone_within SECONDS PID      wait, bounded, for a process to end.

VPM_KO=${VPM_KO:-/vpm/vpm.ko}
# The console, for lines that must not be captured by check's $(...).
exec 9>&1

check() {
	name=$1
	shift
	case "$name" in
	$E2E_GLOB) ;;
	*) return 0 ;;
	esac
	t0=$(date +%s)
	if out=$("$@" 2>&1); then
		echo "E2E PASS $name"
	else
		echo "E2E FAIL $name: $(echo "$out" | tail -n 5 | tr '\n' ' ')"
	fi
	# Where the time of a run goes: the checks that take 5 s or more.
	t=$(($(date +%s) - t0))
	[ $t -lt "${E2E_TIME_MIN:-5}" ] || echo "E2E INFO time $name: $t s"
}

expect() {
	if [ "$2" != "$3" ]; then
		echo "$1: got '$2', want '$3'"
		return 1
	fi
}

info() { echo "E2E INFO $*"; }

# Load and unload vpm; arguments go to insmod as module parameters.
vpm_load() { insmod "$VPM_KO" "$@"; }
vpm_unload() { rmmod vpm; }
vpm_loaded() { [ -d /sys/module/vpm ]; }
vpm_unloaded_cleanly() {
	[ ! -e /sys/module/vpm ] && [ ! -e /dev/vpm ] &&
		[ ! -e /sys/kernel/debug/vpm ]
}

# Ask the host to check a disk image after the guest powers off:
#   host_check NAME IMAGE[:/FILE] VPMPAT-COMMAND ARGS...
host_check() {
	case "$1" in
	$E2E_GLOB) echo "E2E HOSTCHECK $*" >&9 ;;
	esac
}

# gone_within SECONDS PID: wait up to SECONDS for process PID to end;
# false if it still runs (stuck in the kernel, say) when they are over.
gone_within() {
	local waited=0
	while kill -0 "$2" 2>/dev/null; do
		[ $waited -lt "$1" ] || return 1
		sleep 1
		waited=$((waited + 1))
	done
}

# Field VALUE of "name value" lines on stdin.
value_of() { sed -n "s/^$1 //p"; }

# The errno name an ioctl returns, through vpmprobe.
probe() { vpmprobe ioctl "$@" | cut -d' ' -f1; }
