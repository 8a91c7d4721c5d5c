# SPDX-License-Identifier: GPL-2.0
# vpmctl stats --interval: per-second rates that add up to the totals.
. /e2e/lib.sh
modprobe virtio_blk 2>/dev/null
vpm_load
OBJ=$(vpmctl attach /dev/vda)

# The header is printed once the first sample is taken: the reads start
# after it, and end well before the last of 4 one-second lines.
stats_interval_rates() {
	vpmctl sync "$OBJ" --invalidate || return 1
	pg0=$(vpmctl stats "$OBJ" | value_of pager.vnodepgsin)
	vpmctl stats "$OBJ" --interval 1 --count 4 > /tmp/rates.txt &
	pid=$!
	while [ ! -s /tmp/rates.txt ]; do sleep 0.1; done
	dd if="$OBJ" of=/dev/null bs=1M count=16 2>/dev/null || return 1
	wait $pid || return 1
	pg1=$(vpmctl stats "$OBJ" | value_of pager.vnodepgsin)
	cat /tmp/rates.txt
	expect header "$(head -n 1 /tmp/rates.txt | awk '{ print $1, $3, $6, $8 }')" \
		"hits/s steals/s pgsin/s MB/s_in" || return 1
	expect lines "$(wc -l < /tmp/rates.txt)" 5 || return 1
	# No steals per object; pgsin/s summed over 1 s lines: the pages read,
	# within the rounding of each line and the measured seconds (5%: TCG
	# timers stretch a second under load).
	expect steals "$(awk 'NR > 1 { print $3 }' /tmp/rates.txt | sort -u)" - || return 1
	awk -v want=$((pg1 - pg0)) 'NR > 1 { s += $6; mb += $8 }
		END { print "pgsin", s, "want", want, "MB", mb
		      exit !(want >= 4096 && s > want * 0.95 && s < want * 1.05 &&
			     mb > want / 256 * 0.95 && mb < want / 256 * 1.05) }' /tmp/rates.txt
}

# --json: one object per line, output_version first, rates over "seconds".
stats_interval_json() {
	vpmctl stats --interval 1 --count 2 --json > /tmp/rates.json || return 1
	cat /tmp/rates.json
	expect lines "$(wc -l < /tmp/rates.json)" 2 || return 1
	expect first "$(grep -c '^{"output_version":1,"time":[0-9]*,"seconds":[0-9.]*,"hits":' /tmp/rates.json)" 2 || return 1
	for f in misses steals bios_read bios_write vnodepgsin vnodepgsout mb_in mb_out; do
		expect "$f" "$(grep -c "\"$f\":[0-9.]*[,}]" /tmp/rates.json)" 2 || return 1
	done
}

check stats_interval_rates stats_interval_rates
check stats_interval_json stats_interval_json
vpmctl detach "$OBJ"
vpm_unload
