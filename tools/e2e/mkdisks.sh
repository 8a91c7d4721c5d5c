#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make the guest's virtio disks in DIR (the e2e checks know their contents):
#   vda.img  64 MiB, vpmpat pattern seed 1
#   vdb.img  64 MiB of zeros (scratch)
#   vdc.img  64 MiB ext4, 4 KiB blocks, /data.bin: 8 MiB, pattern seed 2
#   vdd.img  32 MiB ext4, 1 KiB blocks, /small.bin: 2 MiB, pattern seed 3
#   vde.img  512 MiB of zeros, sparse (memory pressure)
set -euo pipefail
dir=$1
pat=$(dirname "$0")/vpmpat

"$pat" gen 1 $((64 << 20)) > "$dir/vda.img"
truncate -s 64M "$dir/vdb.img"
truncate -s 512M "$dir/vde.img"

mkext4() { # IMAGE SIZE BLOCK FILE SEED BYTES
	local src=$dir/src-$4
	rm -rf "$src"
	mkdir -p "$src"
	"$pat" gen "$5" "$6" > "$src/$4"
	rm -f "$1"
	mkfs.ext4 -q -F -b "$3" -d "$src" \
		-E lazy_itable_init=0,lazy_journal_init=0 "$1" "$2"
	rm -rf "$src"
}
mkext4 "$dir/vdc.img" 64M 4096 data.bin 2 $((8 << 20))
mkext4 "$dir/vdd.img" 32M 1024 small.bin 3 $((2 << 20))
