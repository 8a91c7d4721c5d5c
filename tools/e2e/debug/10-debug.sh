# SPDX-License-Identifier: GPL-2.0
# On the debug kernels (KASAN or KCSAN, lockdep, kmemleak, fault
# injection; drivers built in): the SMP races, the ioctl fuzzer, and on
# the KASAN kernel systematic allocation failures through fail-nth.  Any
# splat fails the run (the host reads the log).  kmemleak is read from
# debugfs after fail-nth and again at the end of the suite: a leak of
# vpm's, or kmemleak not running, fails the check.  The stress suite on
# the KASAN kernel runs this script too, for fail-nth (tools/e2e/run.sh).
. /e2e/lib.sh
. /e2e/suite/debug.lib

# run_figures PREFIX COMMAND...: COMMAND's summary lines become figures,
# then its first complaints (lines "vpmstress: ..."); fails with the first
# five when COMMAND fails.
run_figures() {
	prefix=$1
	shift
	out=$("$@" 2>&1)
	rc=$?
	{ echo "$out" | grep -v '^vpmstress:'; echo "$out" | grep '^vpmstress:' | head -n 20; } |
		while read -r line; do figure "$prefix$line"; done
	[ "$rc" -eq 0 ] || { echo "$out" | grep '^vpmstress:' | head -n 5; return 1; }
}

# fail-nth must reach sleeping allocations and single pages too.
for f in failslab fail_page_alloc; do
	echo N > $D/$f/ignore-gfp-wait
	echo 0 > $D/$f/verbose
done
echo N > $D/fail_page_alloc/ignore-gfp-highmem
echo 0 > $D/fail_page_alloc/min-order

# Load vpm afresh, whatever a check before left loaded or attached: one
# failure must not fail the checks after it.
vpm_reload() {
	if vpm_loaded; then
		vpmctl detach --all > /dev/null 2>&1
		vpm_unload
	fi
	vpm_load "$@"
}

debug_kernel_races() {
	vpm_reload vpm_cache_entries=32 || return 1
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
	seed=${STRESS_FUZZ_SEED:-$(date +%s)}
	figure "debug kernel fuzz seed $seed (replay: tools/e2e/run.sh --suite debug --debug-kernel --append STRESS_FUZZ_SEED=$seed 'debug_kernel_fuzz')"
	vpm_reload || return 1
	vpmctl attach /dev/ram2 > /dev/null && vpmctl attach --read-only /dev/ram3 > /dev/null || return 1
	run_figures "debug kernel " vpmstress fuzz "${STRESS_FUZZ_CALLS:-100000}" 4 "$seed" || return 1
	vpmctl detach --all && vpm_unload
}

allocation_failures_are_clean() {
	vpm_reload || return 1
	run_figures "" vpmstress failnth /dev/ram4 || return 1
	vpm_unload || return 1
	# What vpm allocated is all freed: kmemleak finds none of it.  In the
	# stress suite the scan that ends the suite, right after, finds it.
	[ "$E2E_SUITE" = stress ] || kmemleak_no_vpm_leak "after fail-nth"
}

# Run by the stress suite on the KASAN kernel too (tools/e2e/run.sh copies
# it there), after that suite's own races (races_keep_every_write: the
# same tools, steals and contention, with its counters checked) and
# fuzzer: there only fail-nth is new.
if [ "$E2E_SUITE" != stress ]; then
	check debug_kernel_races debug_kernel_races
	check debug_kernel_fuzz debug_kernel_fuzz
fi
# Not on the KCSAN kernel: fail-nth injects into one thread's calls, one
# at a time, and a data race takes two; the KASAN kernel, which sees what
# an error path does wrong with memory, runs it.
[ -e $D/kcsan ] || check allocation_failures_are_clean allocation_failures_are_clean
vpm_loaded && { vpmctl detach --all > /dev/null 2>&1; vpm_unload; }
true
