# SPDX-License-Identifier: GPL-2.0
# The user API, field by field: every reserved field and output field of
# every ioctl argument must be zero on input, every unknown flag bit is
# refused, a refused call changes nothing; unknown commands are ENOTTY.
# SETSIZE on a writable file on ext4 (a block device refuses it anyway).
. /e2e/lib.sh

MB=1048576
modprobe virtio_blk 2>/dev/null
modprobe crc32c_generic
modprobe ext4
vpm_loaded || vpm_load

# each_einval PATH CMD "OFF=VAL..." OFF...: CMD with the base arguments is
# refused with EINVAL once each 32-bit word at OFF is set to 1.
each_einval() {
	path=$1 cmd=$2 base=$3
	shift 3
	for off in "$@"; do
		# shellcheck disable=SC2086
		got=$(probe "$path" "$cmd" $base "$off=1")
		expect "$cmd $off=1" "$got" EINVAL || return 1
	done
}

uapi_control_arguments_are_checked() {
	expect version "$(probe /dev/vpm VERSION)" OK || return 1
	each_einval /dev/vpm VERSION "" 16 20 24 28 || return 1
	expect info "$(probe /dev/vpm INFO)" OK || return 1
	each_einval /dev/vpm INFO "" 4 16 20 24 28 || return 1
	expect stats "$(probe /dev/vpm STATS)" OK || return 1
	each_einval /dev/vpm STATS "" 0 4 8 12 16 20 || return 1
	expect freelists "$(probe /dev/vpm FREELISTS)" OK || return 1
	each_einval /dev/vpm FREELISTS "" 4 16 20 24 28 || return 1
	expect unknown_nr "$(probe /dev/vpm 0xc020b706)" ENOTTY || return 1
	# VERSION's number with another size is another command.
	expect wrong_size "$(probe /dev/vpm 0xc010b700)" ENOTTY
}

uapi_attach_and_detach_arguments_are_checked() {
	# Every field but fd must be zero: flags bits, id, reserved0, reserved.
	each_einval /dev/vpm ATTACH "0=@/dev/vdb" 8 12 16 20 24 28 || return 1
	expect flags "$(probe /dev/vpm ATTACH 0=@/dev/vdb 4=2)" EINVAL || return 1
	expect nothing_attached "$(vpmctl list | wc -l)" 1 || return 1
	obj=$(vpmctl attach /dev/vdb) || return 1
	id=${obj#/dev/vpm}
	# An unknown flag bit; the out fields (lost_bytes, dirty_pages, error).
	each_einval /dev/vpm DETACH "0=$id 4=2" 0 || return 1
	each_einval /dev/vpm DETACH "0=$id" 8 12 16 20 || return 1
	[ -c "$obj" ] || { echo "$obj detached by a refused call"; return 1; }
	expect detach "$(probe /dev/vpm DETACH "0=$id")" OK || return 1
	[ ! -e "$obj" ] || { echo "$obj still there"; return 1; }
}

# The detach of API version 2 keeps its rules: no flags (not even FORCE),
# the words after them zero, no reply.  FORCE on an object that can be
# written writes it back all the same and reports nothing lost.
uapi_detach_force_and_the_v1_number() {
	dd if=/dev/zero of=/tmp/uapi-d.bin bs=64k count=16 2>/dev/null || return 1
	obj=$(vpmctl attach /tmp/uapi-d.bin) || return 1
	id=${obj#/dev/vpm}
	each_einval /dev/vpm DETACH_V1 "0=$id" 4 8 12 16 20 || return 1
	[ -c "$obj" ] || { echo "$obj detached by a refused call"; return 1; }
	expect v1 "$(probe /dev/vpm DETACH_V1 "0=$id")" OK || return 1
	[ ! -e "$obj" ] || { echo "$obj still there after DETACH_V1"; return 1; }
	obj=$(vpmctl attach /tmp/uapi-d.bin) || return 1
	id=${obj#/dev/vpm}
	vpmpat fill "$obj" 33 0 $MB nosync > /dev/null || return 1
	expect force "$(vpmprobe ioctl /dev/vpm DETACH "0=$id" 4=1)" \
		"OK $(printf %x "$id") 1 0 0 0 0" || return 1
	[ ! -e "$obj" ] || { echo "$obj still there after FORCE"; return 1; }
	out=$(vpmpat check /tmp/uapi-d.bin 33 0 $MB) || { echo "file: $out"; return 1; }
	rm -f /tmp/uapi-d.bin
}

uapi_object_arguments_are_checked() {
	obj=$(vpmctl attach /dev/vda) || return 1
	expect sync "$(probe "$obj" IOC_SYNC)" OK || return 1
	each_einval "$obj" IOC_SYNC "" 20 24 28 32 36 || return 1
	expect sync_flag "$(probe "$obj" IOC_SYNC 16=0x20)" EINVAL || return 1
	expect haspage "$(probe "$obj" IOC_HASPAGE)" OK || return 1
	each_einval "$obj" IOC_HASPAGE "" 8 12 16 20 24 28 32 36 || return 1
	expect getpages "$(probe "$obj" IOC_GETPAGES 8=1)" OK || return 1
	each_einval "$obj" IOC_GETPAGES "8=1" 16 20 24 28 32 36 || return 1
	expect mapinfo "$(probe "$obj" IOC_MAPINFO 8=4096)" OK || return 1
	# npages, reserved, and the output array (first and last page).
	each_einval "$obj" IOC_MAPINFO "8=4096" 20 24 28 32 36 40 48 52 \
		$((40 + 31 * 16)) $((40 + 31 * 16 + 12)) || return 1
	expect map_flag "$(probe "$obj" IOC_MAPINFO 8=4096 16=2)" EINVAL || return 1
	expect stats "$(probe "$obj" IOC_STATS)" OK || return 1
	each_einval "$obj" IOC_STATS "" 0 4 8 12 16 20 || return 1
	expect unknown_nr "$(probe "$obj" 0xc020b717)" ENOTTY || return 1
	expect ctl_nr "$(probe "$obj" INFO)" ENOTTY || return 1
	vpmctl detach "$obj"
}

# Size of an object from VPM_IOC_INFO (bytes 16-23, below 4 GiB here).
obj_size() { printf '%d' "0x$(probe_words "$1" | cut -d' ' -f6)"; }
probe_words() { vpmprobe ioctl -r "$1" IOC_INFO; }

uapi_setsize_checks_reserved_on_a_writable_file() {
	mkdir -p /mnt/u && mount -t ext4 /dev/vdc /mnt/u || return 1
	dd if=/dev/zero of=/mnt/u/uapi.bin bs=64k count=16 conv=fsync 2>/dev/null ||
		{ umount /mnt/u; return 1; }
	obj=$(vpmctl attach /mnt/u/uapi.bin) || { umount /mnt/u; return 1; }
	ok=0
	(
		vpmctl list | grep -q "^$obj .* bio " || { vpmctl list; exit 1; }
		each_einval "$obj" IOC_SETSIZE "0=4096" 8 12 16 20 24 28 || exit 1
		expect unchanged "$(obj_size "$obj")" $MB || exit 1
		expect file_unchanged "$(stat -c %s /mnt/u/uapi.bin)" $MB || exit 1
		expect efbig "$(probe "$obj" IOC_SETSIZE 4=0x80000000)" EFBIG || exit 1
		expect grow_on_bio "$(probe "$obj" IOC_SETSIZE 0=$((2 * MB)))" \
			EOPNOTSUPP || exit 1
		expect read_only_fd "$(probe -r "$obj" IOC_SETSIZE 0=4096)" \
			EBADF || exit 1
		# The same call with the reserved fields zero shrinks the file.
		expect shrink "$(probe "$obj" IOC_SETSIZE 0=$((MB / 2)))" OK || exit 1
		expect shrunk "$(obj_size "$obj")" $((MB / 2)) || exit 1
		expect file_shrunk "$(stat -c %s /mnt/u/uapi.bin)" \
			$((MB / 2))
	) && ok=1
	vpmctl detach "$obj"
	rm -f /mnt/u/uapi.bin
	umount /mnt/u
	[ $ok = 1 ]
}

check uapi_control_arguments_are_checked uapi_control_arguments_are_checked
check uapi_attach_and_detach_arguments_are_checked uapi_attach_and_detach_arguments_are_checked
check uapi_detach_force_and_the_v1_number uapi_detach_force_and_the_v1_number
check uapi_object_arguments_are_checked uapi_object_arguments_are_checked
check uapi_setsize_checks_reserved_on_a_writable_file uapi_setsize_checks_reserved_on_a_writable_file
vpmctl detach --all 2>/dev/null
vpm_unload
true
