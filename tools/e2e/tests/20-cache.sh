# SPDX-License-Identifier: GPL-2.0
# The vpm cache: sizing from the tunables, debugfs files, live knobs.
. /e2e/lib.sh

D=/sys/kernel/debug/vpm

# Value of one "name value" line of a debugfs file.
field() { sed -n "s/^$2 //p" "$1"; }

possible_cpus() {
	n=0
	for c in $(tr ',' ' ' < /sys/devices/system/cpu/possible); do
		case $c in
		*-*) n=$((n + ${c#*-} - ${c%-*} + 1)) ;;
		*) n=$((n + 1)) ;;
		esac
	done
	echo $n
}

pow2_at_least() {
	p=1
	while [ $p -lt "$1" ]; do p=$((p * 2)); done
	echo $p
}

# Entries for PERCENT of RAM, clamped to 64 MiB..256 GiB of 4 KiB pages.
expected_entries() {
	pages=$(($(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo) / 4))
	e=$((pages * $1 / 100))
	[ $e -lt 16384 ] && e=16384
	echo $e
}

cache_is_sized_from_ram() {
	vpm_load || return 1
	expect entries "$(field $D/cache entries)" "$(expected_entries 12)" || return 1
	expect freelists "$(field $D/cache freelists)" \
		"$(pow2_at_least "$(possible_cpus)")" || return 1
	expect free "$(($(field $D/cache free_alloc) + $(field $D/cache free_release)))" \
		"$(field $D/cache entries)" || return 1
	expect cached "$(field $D/cache cached)" 0
}

cache_file_has_every_counter() {
	for f in entries freelists mode entry_bytes footprint_bytes free_alloc free_release waiters hits \
		 misses steals contend prevpagelocked getpagefailed zerostart \
		 emptyfreelist nofreevpms flips skipped_busy uncached released \
		 shrinker_released cached in_use reclaimed migrated; do
		grep -q "^$f [0-9a-z]*$" $D/cache || { echo "no $f"; return 1; }
	done
	expect mode "$(stat -c %a $D/cache)" 444
}

freelists_file_lists_each_freelist() {
	n=$(field $D/cache freelists)
	expect header "$(head -n 1 $D/freelists)" "freelist alloc release waiters" || return 1
	expect lines "$(($(wc -l < $D/freelists) - 1))" "$n" || return 1
	sum=$(awk 'NR > 1 { s += $2 + $3 } END { print s }' $D/freelists)
	expect total "$sum" "$(field $D/cache entries)"
}

cache_mode_changes_live() {
	p=/sys/module/vpm/parameters/vpm_cache_mode
	expect default "$(cat $p)" lru || return 1
	echo random > $p || return 1
	expect param "$(cat $p)" random || return 1
	expect debugfs "$(field $D/cache mode)" random || return 1
	if echo bogus > $p 2>/dev/null; then echo "bogus accepted"; return 1; fi
	echo lru > $p
	expect back "$(field $D/cache mode)" lru
}

mtbf_knobs_take_powers_of_two_minus_one() {
	echo 7 > $D/steals_mtbf || return 1
	expect steals "$(cat $D/steals_mtbf)" 7 || return 1
	if echo 5 > $D/contend_mtbf 2>/dev/null; then echo "5 accepted"; return 1; fi
	echo 0 > $D/steals_mtbf
	expect off "$(cat $D/steals_mtbf)" 0 || return 1
	vpm_unload
}

nfreelist_is_rounded_up() {
	vpm_load vpm_nfreelist=3 || return 1
	n=$(field $D/cache freelists)
	vpm_unload
	expect freelists "$n" "$(pow2_at_least 3)"
}

bad_nfreelist_is_clamped_with_a_warning() {
	max=$((2 * $(possible_cpus)))
	vpm_load vpm_nfreelist=1000 || return 1
	n=$(field $D/cache freelists)
	vpm_unload
	expect freelists "$n" "$(pow2_at_least $max)" || return 1
	dmesg | grep -q "vpm_nfreelist 1000 is out of range 0..$max, using $n" ||
		{ echo "no warning in dmesg"; return 1; }
}

huge_percent_is_clamped_with_a_warning() {
	vpm_load vpm_cache_percent=150 || return 1
	e=$(field $D/cache entries)
	vpm_unload
	expect entries "$e" "$(expected_entries 100)" || return 1
	dmesg | grep -q "vpm_cache_percent 150 is above 100, using 100" ||
		{ echo "no warning in dmesg"; return 1; }
}

tiny_percent_is_clamped_to_64_mib() {
	vpm_load vpm_cache_percent=0 || return 1
	e=$(field $D/cache entries)
	vpm_unload
	expect entries "$e" 16384
}

disabled_cache_has_no_statistics() {
	vpm_load vpm_cache_enable=0 || return 1
	ok=1
	[ -e $D/cache ] && ok=0
	[ -c /dev/vpm ] || ok=0
	vpm_unload
	[ $ok = 1 ] || { echo "cache file present or no /dev/vpm"; return 1; }
	dmesg | grep -q "vpm cache disabled" || { echo "no message"; return 1; }
}

bad_parameter_type_fails_the_load() {
	if vpm_load vpm_nfreelist=abc 2>/dev/null; then
		vpm_unload
		echo "loaded with vpm_nfreelist=abc"
		return 1
	fi
	! vpm_loaded
}

# An object over a tmpfs file of SIZE bytes, pattern SEED: sets $OBJ.
tmpfs_object() {
	vpmpat gen "$2" "$1" > /tmp/cache-obj.bin || return 1
	OBJ=$(vpmctl attach /tmp/cache-obj.bin)
}

# The object's own counters: 16 pages read the first time are 16 misses,
# read again 16 hits; 4 of them written over are 4 hits more.
object_counts_its_own_hits_and_misses() {
	vpm_load || return 1
	tmpfs_object 1048576 6 || { vpm_unload; return 1; }
	(
		dd if="$OBJ" of=/dev/null bs=64k count=1 2>/dev/null || exit 1
		s=$(vpmctl stats "$OBJ")
		expect misses "$(echo "$s" | value_of object.misses)" 16 || exit 1
		expect hits "$(echo "$s" | value_of object.hits)" 0 || exit 1
		dd if="$OBJ" of=/dev/null bs=64k count=1 2>/dev/null || exit 1
		s=$(vpmctl stats "$OBJ")
		expect misses_again "$(echo "$s" | value_of object.misses)" 16 || exit 1
		expect hits_again "$(echo "$s" | value_of object.hits)" 16 || exit 1
		dd if=/dev/zero of="$OBJ" bs=16k count=1 conv=notrunc 2>/dev/null || exit 1
		s=$(vpmctl stats "$OBJ")
		expect write_misses "$(echo "$s" | value_of object.misses)" 16 || exit 1
		expect write_hits "$(echo "$s" | value_of object.hits)" 20
	)
	rc=$?
	vpmctl detach "$OBJ"
	vpm_unload
	return $rc
}

# Shrinking an object releases the cache entries of the pages cut off
# before they leave the page cache: none keeps a page nobody can reach.
setsize_releases_the_entries_it_cuts_off() {
	vpm_load || return 1
	tmpfs_object 1048576 7 || { vpm_unload; return 1; }
	(
		dd if="$OBJ" of=/dev/null bs=64k 2>/dev/null || exit 1
		expect cached "$(field $D/cache cached)" 256 || exit 1
		r=$(field $D/cache released)
		vpmctl setsize "$OBJ" 4096 || exit 1
		expect cached_after "$(field $D/cache cached)" 1 || exit 1
		expect released "$(field $D/cache released)" $((r + 255)) || exit 1
		expect pages_cached "$(vpmctl stats "$OBJ" | value_of object.pages_cached)" 1
	)
	rc=$?
	vpmctl detach "$OBJ"
	expect cached_detached "$(field $D/cache cached)" 0 || rc=1
	vpm_unload
	return $rc
}

# One round of hits_under_steals_keep_every_write, seeds from $1.
steal_round() {
	tmpfs_object 16384 8 || return 1
	for r in 1 2; do
		vpmbench read "$OBJ" 4096 100000M > /dev/null 2>&1 &
	done
	for w in 0 1; do
		vpmpat randwrite "$OBJ" $(($1 + w)) 40000 300 nosync \
			$((w * 4096)) 4096 > /dev/null 2>&1 &
	done
	wait %3 %4
	kill %1 %2
	wait
	rc=0
	for w in 0 1; do
		out=$(vpmpat verify "$OBJ" 8 $(($1 + w)) 40000 300 \
			$((w * 4096)) 4096) || { echo "page $w: $out"; rc=1; }
	done
	out=$(vpmpat check "$OBJ" 8 8192 8192) || { echo "pages 2-3: $out"; rc=1; }
	vpmctl detach "$OBJ" || rc=1
	return $rc
}

# Writes that hit while other threads take the only entry over and over:
# an entry found through the page index must be checked again under its
# lock (same page, same mapping, same index), or a write that raced with
# a steal lands in the page the entry was given meanwhile.  Two writers,
# one page each, and two readers of all four pages; the last two pages
# are never written, so a write that went astray there stays.  The race
# needs both CPUs at once: four rounds.
hits_under_steals_keep_every_write() {
	vpm_load vpm_cache_entries=1 vpm_nfreelist=1 || return 1
	rc=0
	for round in 1 2 3 4; do
		steal_round $((10 * round)) || { rc=1; echo "round $round"; break; }
	done
	s=$(vpmctl stats)
	info "hits_under_steals_keep_every_write: hits $(echo "$s" | value_of cache.hits) misses $(echo "$s" | value_of cache.misses)" >&9
	vpmctl detach --all 2>/dev/null
	vpm_unload
	return $rc
}

check cache_is_sized_from_ram cache_is_sized_from_ram
check cache_file_has_every_counter cache_file_has_every_counter
check freelists_file_lists_each_freelist freelists_file_lists_each_freelist
check cache_mode_changes_live cache_mode_changes_live
check mtbf_knobs_take_powers_of_two_minus_one mtbf_knobs_take_powers_of_two_minus_one
vpm_loaded && vpm_unload
check nfreelist_is_rounded_up nfreelist_is_rounded_up
check bad_nfreelist_is_clamped_with_a_warning bad_nfreelist_is_clamped_with_a_warning
check huge_percent_is_clamped_with_a_warning huge_percent_is_clamped_with_a_warning
check tiny_percent_is_clamped_to_64_mib tiny_percent_is_clamped_to_64_mib
check disabled_cache_has_no_statistics disabled_cache_has_no_statistics
check bad_parameter_type_fails_the_load bad_parameter_type_fails_the_load
check object_counts_its_own_hits_and_misses object_counts_its_own_hits_and_misses
check setsize_releases_the_entries_it_cuts_off setsize_releases_the_entries_it_cuts_off
check hits_under_steals_keep_every_write hits_under_steals_keep_every_write
vpm_loaded && vpm_unload
true
