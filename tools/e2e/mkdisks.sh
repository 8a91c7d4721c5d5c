#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Make the guest's virtio disks in DIR: vda.img and vdb.img, 64 MiB each,
# sparse and zeroed.  Suites that need contents write them in the guest.
set -euo pipefail
dir=$1
truncate -s 64M "$dir/vda.img" "$dir/vdb.img"
