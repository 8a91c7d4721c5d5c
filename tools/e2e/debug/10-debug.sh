# SPDX-License-Identifier: GPL-2.0
# On the debug kernel (KASAN, lockdep, kmemleak, fault injection; drivers
# built in): the SMP races, the ioctl fuzzer, and systematic allocation
# failures through fail-nth.  Any splat fails the run (the host reads the
# log); leaks of vpm's allocations are reported by kmemleak.
. /e2e/lib.sh

D=/sys/kernel/debug
figure() { echo "E2E INFO $*" >&9; }

# fail-nth must reach sleeping allocations and single pages too.
for f in failslab fail_page_alloc; do
	echo N > $D/$f/ignore-gfp-wait
	echo 0 > $D/$f/verbose
done
echo N > $D/fail_page_alloc/ignore-gfp-highmem
echo 0 > $D/fail_page_alloc/min-order

debug_kernel_races() {
	vpm_load vpm_cache_entries=32 || return 1
	echo 7 > $D/vpm/steals_mtbf
	echo 127 > $D/vpm/contend_mtbf
	A=$(vpmctl attach /dev/vda) && B=$(vpmctl attach /dev/vdb) || return 1
	vpmstress churn 20 /dev/ram0 /dev/ram1 > /tmp/churn &
	out=$(vpmstress race 10 6 91 0 "$A" "$B") || { echo "$out"; return 1; }
	figure "debug kernel $out"
	out=$(vpmstress race 10 8 92 262144 "$A" "$B") || { echo "$out"; return 1; }
	figure "debug kernel $out"
	wait
	figure "debug kernel $(cat /tmp/churn)"
	grep -q " 0 errors" /tmp/churn || return 1
	vpmctl detach --all && vpm_unload
}

debug_kernel_fuzz() {
	vpm_load || return 1
	vpmctl attach /dev/ram2 > /dev/null && vpmctl attach --read-only /dev/ram3 > /dev/null || return 1
	out=$(vpmstress fuzz 200000 4 "$(date +%s)") || { echo "$out"; return 1; }
	figure "debug kernel $out"
	vpmctl detach --all && vpm_unload
}

allocation_failures_are_clean() {
	vpm_load || return 1
	out=$(vpmstress failnth /dev/ram4) || { echo "$out"; return 1; }
	echo "$out" | while read -r line; do figure "$line"; done
	vpm_unload || return 1
	# What vpm allocated is all freed: kmemleak finds none of it.
	echo scan > $D/kmemleak
	sleep 1
	echo scan > $D/kmemleak
	cat $D/kmemleak > /tmp/leaks
	n=$(grep -c "unreferenced object" /tmp/leaks)
	v=$(grep -cE "vpm|vnode_pager|vnp_" /tmp/leaks)
	figure "kmemleak: $n suspected leaks in the kernel, $v in vpm"
	[ "$v" -eq 0 ] || { grep -B2 -A12 -E "vpm|vnode_pager|vnp_" /tmp/leaks | head -30; return 1; }
}

check debug_kernel_races debug_kernel_races
check debug_kernel_fuzz debug_kernel_fuzz
check allocation_failures_are_clean allocation_failures_are_clean
vpm_loaded && vpm_unload
true
