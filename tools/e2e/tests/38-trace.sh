# SPDX-License-Identifier: GPL-2.0
# Tracepoints: the vpm:* events, enabled through tracefs, against the
# counters they shadow.  One read (cold, then cached), one write with
# fsync, a page fault and a shrinker scan; every event is counted, its
# fields summed, and each sum must equal the change of its counter.
# On vdb it writes [4 MiB, 4.5 MiB) and [48 MiB, 48 MiB + 8 KiB), which
# no host check looks at.
. /e2e/lib.sh

modprobe virtio_blk 2>/dev/null
vpm_load
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T

# Global counters as "name value", cache.* and pager.*.
counters() { vpmctl stats | sed -n 's/^\(cache\|pager\)\.\([a-z_0-9]*\) /\2 /p'; }

# The change of counter $1 between the snapshots $BEFORE and $AFTER.
delta() {
	echo $(($(echo "$AFTER" | value_of "$1") - $(echo "$BEFORE" | value_of "$1")))
}

# Events EVENT [FILTER]: how many lines of the trace have EVENT (and match
# the extended regular expression FILTER).
events() { grep " $1: " "$TRACE" | grep -cE "${2:-.}"; }

# Sum of field NAME=N over the lines of EVENT.
field_sum() {
	grep " $1: " "$TRACE" | grep -oE " $2=[0-9]+" | cut -d= -f2 |
		awk '{ s += $1 } END { print s + 0 }'
}

trace_a_read_write_fault_and_shrink() {
	obj=$(vpmctl attach /dev/vdb) || return 1
	echo 0 > $T/tracing_on
	echo 8192 > $T/buffer_size_kb
	echo > $T/trace
	echo 1 > $T/events/vpm/enable
	BEFORE=$(counters)
	echo 1 > $T/tracing_on
	dd if="$obj" of=/dev/null bs=64k count=16 2>/dev/null &&
	dd if="$obj" of=/dev/null bs=64k count=16 2>/dev/null &&
	dd if=/dev/zero of="$obj" bs=64k count=8 seek=64 conv=fsync \
		2>/dev/null &&
	vpmmap fault "$obj" normal $((32 << 20)) > /dev/null &&
	vpmmap store "$obj" $((48 << 20)) 8192 5 msync > /dev/null &&
	echo 2 > /proc/sys/vm/drop_caches || { vpmctl detach "$obj"; return 1; }
	echo 0 > $T/tracing_on
	AFTER=$(counters)
	echo 0 > $T/events/vpm/enable
	TRACE=/tmp/vpm.trace
	cat $T/trace > $TRACE
	vpmctl detach "$obj" || return 1
	bad=0
	lost=$(cat $T/per_cpu/cpu*/stats | awk '/^overrun:/ { s += $2 } END { print s + 0 }')
	expect "events lost" "$lost" 0 || bad=1

	# name  events-or-sum  counter  (must be above 0?)
	while read -r what got counter nonzero; do
		want=$(delta "$counter")
		expect "$what (counter $counter)" "$got" "$want" || bad=1
		if [ "$nonzero" = yes ] && [ "$want" -le 0 ]; then
			echo "$what: nothing happened ($counter $want)"
			bad=1
		fi
	done <<-EOF
	vpm_cache_hit $(events vpm_cache_hit) hits yes
	vpm_cache_miss $(events vpm_cache_miss) misses yes
	vpm_cache_steal $(events vpm_cache_steal) steals no
	vpm_cache_flip $(events vpm_cache_flip) flips no
	vpm_cache_wait $(events vpm_cache_wait) nofreevpms no
	vpm_cache_shrink.released $(field_sum vpm_cache_shrink released) shrinker_released yes
	vpm_bio_submit.read $(events vpm_bio_submit ' read ') bios_read yes
	vpm_bio_submit.write $(events vpm_bio_submit ' write ') bios_write yes
	vpm_bio_done.read $(events vpm_bio_done ' read ') bios_read yes
	vpm_bio_done.write $(events vpm_bio_done ' write ') bios_write yes
	vpm_writeback_batch $(events vpm_writeback_batch) vnodeout yes
	vpm_writeback_batch.pages $(field_sum vpm_writeback_batch pages) vnodepgsout yes
	vpm_writeback_retry $(events vpm_writeback_retry) retries no
	vpm_fault $(events vpm_fault) faults yes
	vpm_fault.major $(events vpm_fault 'pages=[1-9]') major_faults yes
	vpm_mkwrite $(events vpm_mkwrite) mkwrites yes
	EOF

	# Inputs: windows of getpages and read-ahead batches, pages and bios.
	ins=$(($(events vpm_getpages) + $(events vpm_readahead)))
	expect "vpm_getpages + vpm_readahead (counter vnodein)" "$ins" \
		"$(delta vnodein)" || bad=1
	pages=$(($(events vpm_getpages) + $(field_sum vpm_getpages behind) +
		 $(field_sum vpm_getpages ahead) +
		 $(field_sum vpm_readahead pages)))
	expect "pages of the inputs (counter vnodepgsin)" "$pages" \
		"$(delta vnodepgsin)" || bad=1
	bios=$(($(field_sum vpm_getpages bios) + $(field_sum vpm_readahead bios)))
	expect "bios of the inputs (counter bios_read)" "$bios" \
		"$(delta bios_read)" || bad=1
	# Bytes: every read bio of a disk moves whole pages.
	bytes=$(grep ' vpm_bio_done: .* read ' "$TRACE" | grep -oE ' bytes=[0-9]+' |
		cut -d= -f2 | awk '{ s += $1 } END { print s + 0 }')
	expect "bytes read (counter vnodepgsin)" "$bytes" \
		$(($(delta vnodepgsin) * 4096)) || bad=1
	sample=$(grep -m1 ' vpm_bio_submit: ' "$TRACE" | sed 's/.*vpm_bio_submit: //')
	case $sample in
	"object=0 read sector="*" index="*" pages="*" bytes="*) ;;
	*) echo "vpm_bio_submit fields: $sample"; bad=1 ;;
	esac
	info "trace: $(grep -c ' vpm_' "$TRACE") events; first bio: $sample" >&9
	return $bad
}

check trace_events_match_the_counters trace_a_read_write_fault_and_shrink
vpm_unload
