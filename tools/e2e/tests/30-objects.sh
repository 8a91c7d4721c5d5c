# SPDX-License-Identifier: GPL-2.0
# Objects: attach, read, write, sync and inspect a disk and files through
# /dev/vpmN and vpmctl; every error path with its errno.
. /e2e/lib.sh

MB=1048576
modprobe virtio_blk 2>/dev/null
modprobe crc32c_generic
modprobe ext4
vpm_load

# vpmctl attach ARGS; sets $OBJ to /dev/vpmN.
attach() { OBJ=$(vpmctl attach "$@") && [ -c "$OBJ" ]; }

attach_prints_the_device() {
	attach /dev/vda || return 1
	expect name "$OBJ" /dev/vpm0 || return 1
	expect mode "$(stat -c %a /dev/vpm0)" 600
}

list_shows_the_object() {
	line=$(vpmctl list | grep '^/dev/vpm0 ')
	set -- $line
	expect backing "$2" /dev/vda || return 1
	expect size "$3" $((64 * MB)) || return 1
	expect path "$4" bio || return 1
	json=$(vpmctl list --json)
	echo "$json" | grep -q '^{"output_version":1,"objects":\[{"object":"/dev/vpm0","id":0,"backing":"/dev/vda","backing_type":"block","size":67108864,"path":"bio"' ||
		{ echo "json: $json"; return 1; }
}

reads_match_the_disk() {
	out=$(vpmpat check /dev/vpm0 1 0 $((64 * MB))) || { echo "$out"; return 1; }
	dd if=/dev/vpm0 bs=1M 2>/dev/null | cmp - /dev/vda ||
		{ echo "dd differs from /dev/vda"; return 1; }
	n=$(vpmctl stats /dev/vpm0 | value_of pager.vnodepgsin)
	[ "$n" -ge 16384 ] || { echo "vnodepgsin $n"; return 1; }
}

seek_and_end_of_device() {
	expect size "$(vpmprobe ioctl /dev/vpm0 IOC_INFO | cut -d' ' -f6)" 4000000 || return 1
	n=$(dd if=/dev/vpm0 bs=4096 skip=16384 count=1 2>/dev/null | wc -c)
	expect read_past_end "$n" 0 || return 1
	out=$(dd if=/dev/zero of=/dev/vpm0 bs=4096 seek=16384 count=1 2>&1)
	echo "$out" | grep -q "No space left on device" ||
		{ echo "write past end: $out"; return 1; }
	n=$(dd if=/dev/vpm0 bs=4096 skip=16383 count=2 2>/dev/null | wc -c)
	expect last_page "$n" 4096
}

random_writes_are_durable_after_fsync() {
	out=$(vpmpat randwrite /dev/vpm0 11 300 20000 fsync) || { echo "$out"; return 1; }
	out=$(vpmpat verify /dev/vpm0 1 11 300 20000) || { echo "$out"; return 1; }
	w=$(vpmctl stats /dev/vpm0 | value_of pager.bios_write)
	[ "$w" -gt 0 ] || { echo "no write bios"; return 1; }
	host_check host_vda_has_every_synced_write vda.img verify 1 11 300 20000
}

stats_show_cache_and_pager() {
	out=$(vpmctl stats) || return 1
	for f in cache.entries cache.hits cache.misses cache.flips pager.bios_read \
		 pager.bio_pages_more; do
		echo "$out" | grep -q "^$f [0-9]*$" || { echo "no $f"; return 1; }
	done
	h=$(echo "$out" | value_of cache.hits)
	[ "$h" -gt 0 ] || { echo "no hits"; return 1; }
	json=$(vpmctl stats /dev/vpm0 --json)
	echo "$json" | grep -q '"output_version":1,"object":{' || { echo "$json"; return 1; }
	n=$(vpmctl stats --watch 1 --count 2 | grep -c '^time ')
	expect samples "$n" 2
}

# Every line of the debugfs statistics, as "vpmctl stats" names it.
debugfs_as_vpmctl_names() {
	d=/sys/kernel/debug/vpm
	sed 's/^mode lru$/mode 0/; s/^mode random$/mode 1/; s/^/cache./' $d/cache
	awk 'NR > 1 { for (i = 2; i <= 4; i++)
		printf "freelist.%s.%s %s\n", $1, i == 2 ? "alloc" : i == 3 ? "release" : "waiters", $i }' \
		$d/freelists
	sed 's/^/pager./' $d/pager
}

# Compare once: every debugfs value with its vpmctl stats line.
debugfs_equals_vpmctl() {
	d=/sys/kernel/debug/vpm
	all=$(vpmctl stats) || return 1
	obj=$(vpmctl stats /dev/vpm0) || return 1
	n=0
	debugfs_as_vpmctl_names > /tmp/dbg
	sed -E 's/^(id|path|size|readonly|block_size|pages_cached) /object.\1 /; t; s/^/pager./' \
		$d/objects/0/stats > /tmp/dbg-obj
	while read -r name val; do
		n=$((n + 1))
		expect "$name" "$(echo "$all" | value_of "$name")" "$val" ||
			{ echo "$all" | grep "^${name%%.*}\." | tr '\n' ' '; return 1; }
	done < /tmp/dbg
	while read -r name val; do
		n=$((n + 1))
		expect "/dev/vpm0 $name" "$(echo "$obj" | value_of "$name")" "$val" || return 1
	done < /tmp/dbg-obj
	[ "$n" -ge 80 ] || { echo "only $n lines compared"; return 1; }
	info "debugfs_is_reachable_through_vpmctl: $n debugfs values equal in vpmctl stats" >&9
}

debugfs_is_reachable_through_vpmctl() {
	d=/sys/kernel/debug/vpm
	for f in cache freelists pager objects/0/stats; do
		expect "mode of $f" "$(stat -c %a $d/$f)" 444 || return 1
	done
	# The object is idle, but the kernel's own writeback or reclaim may
	# move a counter between the two reads: a mismatch is tried again.
	ok=0
	for try in 1 2 3; do
		if out=$(debugfs_equals_vpmctl); then ok=1; break; fi
		sleep 1
	done
	[ "$ok" = 1 ] || { echo "$out"; return 1; }
	json=$(vpmctl stats --json)
	echo "$json" | grep -q '"entry_bytes":[1-9][0-9]*,"footprint_bytes":[1-9][0-9]*,"reclaimed":[0-9]*,"migrated":[0-9]*},"freelists":\[{"alloc":' ||
		{ echo "json: $json"; return 1; }
}

sync_flags_drop_pages() {
	before=$(vpmctl stats /dev/vpm0 | value_of object.pages_cached)
	[ "$before" -gt 0 ] || { echo "nothing cached"; return 1; }
	vpmctl sync /dev/vpm0 || return 1
	vpmctl sync /dev/vpm0 --async --length 1M || return 1
	vpmctl sync /dev/vpm0 --dontneed || return 1
	vpmctl sync /dev/vpm0 --free --offset 0 --length 1M || return 1
	vpmctl sync /dev/vpm0 --invalidate || return 1
	after=$(vpmctl stats /dev/vpm0 | value_of object.pages_cached)
	expect pages_cached "$after" 0
}

getpages_haspage_and_map() {
	expect haspage "$(vpmctl haspage /dev/vpm0 4096)" "present before=1 after=32" || return 1
	expect haspage_end "$(vpmctl haspage /dev/vpm0 64M)" absent || return 1
	vpmctl sync /dev/vpm0 --invalidate || return 1
	expect getpages "$(vpmctl getpages /dev/vpm0 1M 16 --behind 4)" \
		"pages=16 bios=2" || return 1
	expect again "$(vpmctl getpages /dev/vpm0 1M 16)" "pages=0 bios=0" || return 1
	out=$(vpmctl map /dev/vpm0 2M 8K)
	expect lines "$(echo "$out" | wc -l)" 2 || return 1
	echo "$out" | grep -q '^2097152 pfn=0x[0-9a-f]* cached miss$' || { echo "$out"; return 1; }
	out=$(vpmctl map /dev/vpm0 2M 4K)
	echo "$out" | grep -q '^2097152 pfn=0x[0-9a-f]* cached hit$' || { echo "$out"; return 1; }
	out=$(vpmctl map /dev/vpm0 0 4K --json)
	echo "$out" | grep -q '^{"output_version":1,"pages":\[{"offset":0,"pfn":[1-9]' || { echo "$out"; return 1; }
}

detach_and_rmmod_while_open_are_busy() {
	exec 3</dev/vpm0
	out=$(vpmctl detach /dev/vpm0 2>&1)
	expect message "$out" "vpmctl: detach /dev/vpm0: Device or resource busy" || return 1
	if rmmod vpm 2>/dev/null; then echo "rmmod succeeded"; return 1; fi
	exec 3<&-
	vpm_loaded || { echo "module gone"; return 1; }
	vpmctl detach /dev/vpm0 || return 1
	[ ! -e /dev/vpm0 ] || { echo "/dev/vpm0 remains"; return 1; }
	[ ! -e /sys/kernel/debug/vpm/objects/0 ] || { echo "debugfs remains"; return 1; }
}

attach_refuses_what_it_cannot_page() {
	attach /dev/vda || return 1
	expect twice "$(probe /dev/vpm ATTACH 0=@/dev/vda)" EBUSY || return 1
	expect pipe "$(probe /dev/vpm ATTACH 0=@pipe)" EINVAL || return 1
	expect socket "$(probe /dev/vpm ATTACH 0=@socket)" EINVAL || return 1
	expect dir "$(probe /dev/vpm ATTACH 0=@/tmp)" EINVAL || return 1
	expect chardev "$(probe /dev/vpm ATTACH 0=@/dev/null)" EINVAL || return 1
	expect closed "$(probe /dev/vpm ATTACH 0=@closed)" EBADF || return 1
	expect readonly_fd "$(probe /dev/vpm ATTACH 0=@ro:/dev/vdb)" EBADF || return 1
	expect flags "$(probe /dev/vpm ATTACH 0=@/dev/vdb 4=2)" EINVAL || return 1
	expect reserved "$(probe /dev/vpm ATTACH 0=@/dev/vdb 20=1)" EINVAL || return 1
	expect id_in "$(probe /dev/vpm ATTACH 0=@/dev/vdb 8=5)" EINVAL || return 1
	expect detach_none "$(probe /dev/vpm DETACH 0=77)" ENXIO || return 1
	expect detach_flags "$(probe /dev/vpm DETACH 0=0 4=2)" EINVAL || return 1
	expect info_flags "$(probe /dev/vpm INFO 4=1)" EINVAL || return 1
	expect stats_in "$(probe /dev/vpm STATS 0=1)" EINVAL || return 1
	expect unknown "$(probe /dev/vpm 0xc008b7ff)" ENOTTY || return 1
	expect user "$(su -s /bin/sh nobody -c 'vpmprobe ioctl -r /dev/vpm ATTACH 0=@ro:/dev/vdb' 2>&1)" \
		open:EACCES || return 1
	chmod 666 /dev/vpm
	expect eperm "$(su -s /bin/sh nobody -c 'vpmprobe ioctl -r /dev/vpm ATTACH 0=@ro:/tmp' | cut -d' ' -f1)" \
		EPERM || return 1
	chmod 600 /dev/vpm
	# Nothing of the above left an object behind.
	expect objects "$(vpmctl list | wc -l)" 2
}

object_ioctls_check_their_arguments() {
	d=/dev/vpm0
	expect unknown "$(probe $d 0xc008b7ff)" ENOTTY || return 1
	expect ctl_cmd "$(probe $d VERSION)" ENOTTY || return 1
	expect sync_flags "$(probe $d IOC_SYNC 16=0x40)" EINVAL || return 1
	expect sync_reserved "$(probe $d IOC_SYNC 20=1)" EINVAL || return 1
	expect sync_offset "$(probe $d IOC_SYNC 0=0 4=0x10)" EINVAL || return 1
	expect setsize_bdev "$(probe $d IOC_SETSIZE 0=4096)" EINVAL || return 1
	expect setsize_reserved "$(probe $d IOC_SETSIZE 8=1)" EINVAL || return 1
	expect haspage_huge "$(vpmprobe ioctl $d IOC_HASPAGE 4=0x80000000 | cut -d' ' -f1-4)" \
		"OK 0 80000000 0" || return 1
	expect haspage_out "$(probe $d IOC_HASPAGE 8=1)" EINVAL || return 1
	expect getpages_far "$(probe $d IOC_GETPAGES 4=1)" EINVAL || return 1
	expect getpages_ahead "$(probe $d IOC_GETPAGES 12=1000)" EINVAL || return 1
	expect getpages_out "$(probe $d IOC_GETPAGES 16=1)" EINVAL || return 1
	expect map_zero "$(probe $d IOC_MAPINFO)" EINVAL || return 1
	expect map_long "$(probe $d IOC_MAPINFO 8=0x21000)" EINVAL || return 1
	expect map_flags "$(probe $d IOC_MAPINFO 8=4096 16=2)" EINVAL || return 1
	expect map_far "$(probe $d IOC_MAPINFO 4=1 8=4096)" EINVAL || return 1
	expect stats_in "$(probe $d IOC_STATS 4=1)" EINVAL || return 1
	expect info "$(probe -r $d IOC_INFO)" OK
}

read_only_objects_refuse_writes() {
	attach --read-only /dev/vdb || return 1
	ro=$OBJ
	if (: > "$ro") 2>/dev/null; then echo "opened for writing"; return 1; fi
	expect info_flags "$(vpmprobe ioctl -r "$ro" IOC_INFO | cut -d' ' -f3)" 1 || return 1
	expect destroy "$(probe -r "$ro" IOC_SYNC 16=4)" EROFS || return 1
	vpmctl detach "$ro"
}

vpmctl_reports_errors_like_losetup() {
	out=$(vpmctl attach /dev/vda 2>&1)
	rc=$?
	expect rc "$rc" 1 || return 1
	expect message "$out" "vpmctl: attach /dev/vda: Device or resource busy" || return 1
	out=$(vpmctl attach /nonexistent 2>&1)
	expect enoent "$out" "vpmctl: attach /nonexistent: No such file or directory" || return 1
	for c in attach detach list stats sync setsize haspage getpages map version; do
		vpmctl $c --help | grep -q "^Usage: vpmctl $c" || { echo "$c --help"; return 1; }
	done
	if vpmctl frob 2>/dev/null; then echo "unknown command accepted"; return 1; fi
	if vpmctl setsize /dev/vpm0 12Q 2>/dev/null; then echo "bad size accepted"; return 1; fi
	vpmctl detach --all || return 1
	expect none "$(vpmctl list | wc -l)" 1
}

# A regular file on ext4 with 4 KiB blocks: the bio path.
ext4_file_takes_the_bio_path() {
	mkdir -p /mnt/c && mount -t ext4 /dev/vdc /mnt/c || return 1
	out=$(vpmctl attach /dev/vdc 2>&1)
	expect mounted "$out" "vpmctl: attach /dev/vdc: Device or resource busy" || return 1
	attach /mnt/c/data.bin || return 1
	vpmctl list | grep -q "^$OBJ .* bio " || { vpmctl list; return 1; }
	if echo x >> /mnt/c/data.bin 2>/dev/null; then echo "file writable"; return 1; fi
	out=$(vpmpat check "$OBJ" 2 0 $((8 * MB))) || { echo "$out"; return 1; }
	out=$(vpmpat randwrite "$OBJ" 21 200 8192 fsync) || { echo "$out"; return 1; }
	vpmctl detach "$OBJ" || return 1
	out=$(vpmpat verify /mnt/c/data.bin 2 21 200 8192) || { echo "through ext4: $out"; return 1; }
	umount /mnt/c || return 1
	host_check host_ext4_file_has_the_writes vdc.img:/data.bin verify 2 21 200 8192
}

# ext4 with 1 KiB blocks: the small-block path.
ext4_1k_file_takes_the_small_block_path() {
	mkdir -p /mnt/d && mount -t ext4 /dev/vdd /mnt/d || return 1
	attach /mnt/d/small.bin || return 1
	vpmctl list | grep -q "^$OBJ .* small-block " || { vpmctl list; return 1; }
	out=$(vpmpat randwrite "$OBJ" 22 100 5000 fsync) || { echo "$out"; return 1; }
	out=$(vpmpat verify "$OBJ" 3 22 100 5000) || { echo "$out"; return 1; }
	vpmctl stats "$OBJ" | grep -q '^pager.small_block_ops [1-9]' || return 1
	vpmctl detach "$OBJ" || return 1
	umount /mnt/d || return 1
	host_check host_ext4_1k_file_has_the_writes vdd.img:/small.bin verify 3 22 100 5000
}

# tmpfs has no bmap: the old path, and setsize grows and shrinks the file.
tmpfs_file_takes_the_old_path() {
	vpmpat gen 4 $((4 * MB)) > /tmp/t.bin || return 1
	attach /tmp/t.bin || return 1
	vpmctl list | grep -q "^$OBJ .* old " || { vpmctl list; return 1; }
	out=$(vpmpat randwrite "$OBJ" 23 100 9000 fsync) || { echo "$out"; return 1; }
	out=$(vpmpat verify /tmp/t.bin 4 23 100 9000) || { echo "$out"; return 1; }
	vpmctl setsize "$OBJ" 5M || return 1
	expect grown "$(stat -c %s /tmp/t.bin)" $((5 * MB)) || return 1
	vpmctl setsize "$OBJ" 1000000 || return 1
	expect shrunk "$(stat -c %s /tmp/t.bin)" 1000000 || return 1
	expect seek_end "$(vpmprobe ioctl -r "$OBJ" IOC_INFO | cut -d' ' -f6)" f4240 || return 1
	vpmctl detach "$OBJ"
}

# Writes that end inside pages nobody has read keep the rest of the page.
writes_to_uncached_pages_keep_their_neighbours() {
	vpmpat fill /dev/vdb 35 $((16 * MB)) $((16 * MB)) > /dev/null || return 1
	attach /dev/vdb || return 1
	out=$(vpmpat randwrite "$OBJ" 36 200 20000 fsync $((16 * MB)) $((16 * MB))) ||
		{ echo "$out"; return 1; }
	vpmctl detach "$OBJ" || return 1
	out=$(vpmpat verify /dev/vdb 35 36 200 20000 $((16 * MB)) $((16 * MB))) ||
		{ echo "$out"; return 1; }
}

unload_writes_back_attached_objects() {
	attach /dev/vdb || return 1
	# Written, not synced: the unload must write it back.
	vpmpat gen 31 $((4 * MB)) | dd of="$OBJ" bs=64k 2>/dev/null || return 1
	vpm_unload || return 1
	host_check host_unload_wrote_back vdb.img check 31 0 $((4 * MB))
	vpm_load
}

check attach_prints_the_device attach_prints_the_device
check list_shows_the_object list_shows_the_object
check reads_match_the_disk reads_match_the_disk
check seek_and_end_of_device seek_and_end_of_device
check random_writes_are_durable_after_fsync random_writes_are_durable_after_fsync
check stats_show_cache_and_pager stats_show_cache_and_pager
check debugfs_is_reachable_through_vpmctl debugfs_is_reachable_through_vpmctl
check sync_flags_drop_pages sync_flags_drop_pages
check getpages_haspage_and_map getpages_haspage_and_map
check object_ioctls_check_their_arguments object_ioctls_check_their_arguments
check detach_and_rmmod_while_open_are_busy detach_and_rmmod_while_open_are_busy
check attach_refuses_what_it_cannot_page attach_refuses_what_it_cannot_page
check read_only_objects_refuse_writes read_only_objects_refuse_writes
check vpmctl_reports_errors_like_losetup vpmctl_reports_errors_like_losetup
check ext4_file_takes_the_bio_path ext4_file_takes_the_bio_path
check ext4_1k_file_takes_the_small_block_path ext4_1k_file_takes_the_small_block_path
check tmpfs_file_takes_the_old_path tmpfs_file_takes_the_old_path
check writes_to_uncached_pages_keep_their_neighbours writes_to_uncached_pages_keep_their_neighbours
check unload_writes_back_attached_objects unload_writes_back_attached_objects
vpmctl detach --all 2>/dev/null
vpm_unload
true
