# SPDX-License-Identifier: GPL-2.0
# make demo: what vpm does, step by step, in Debian's own kernel.
. /e2e/lib.sh

step() { echo "DEMO"; echo "DEMO == $*"; }
show() {
	echo "DEMO \$ $*"
	"$@" 2>&1 | sed 's/^/DEMO   /'
}
stat_of() { vpmctl stats /dev/vpm0 | value_of "$1"; }

modprobe virtio_blk

step "Load the module into Debian's $(uname -r) kernel"
show insmod $VPM_KO
show sh -c 'dmesg | grep "vpm:"'

step "The control device /dev/vpm and the cache tunables (read-only once loaded)"
show ls -l /dev/vpm
show vpmctl version
show grep -H . /sys/module/vpm/parameters/vpm_cache_percent \
	/sys/module/vpm/parameters/vpm_nfreelist \
	/sys/module/vpm/parameters/vpm_cache_mode

step "Attach the 64 MiB virtio disk /dev/vda; it becomes /dev/vpm0"
show vpmctl attach /dev/vda
show vpmctl list

step "Read all of it through vpm: one bio per contiguous run, read ahead"
show sh -c 'dd if=/dev/vpm0 of=/dev/null bs=1M 2>&1 | tail -n 1'
show sh -c 'vpmctl stats /dev/vpm0 | grep -E "bios_read|vnodepgsin|bio_pages_(32|64|128|256|more)|object"'

step "Read it again: every page is found with its vpm cache entry (hits)"
show sh -c 'dd if=/dev/vpm0 of=/dev/null bs=1M 2>&1 | tail -n 1'
show sh -c 'vpmctl stats | grep -E "^cache\.(entries|hits|misses|cached|flips) "'

step "Write 300 random pieces, fsync: dirty pages go out as clustered write bios"
show vpmpat randwrite /dev/vpm0 5 300 20000 fsync
show sh -c 'vpmctl stats /dev/vpm0 | grep -E "bios_write|vnodepgsout|retries|io_errors"'

step "Read back and compare with what was written"
show vpmpat verify /dev/vpm0 1 5 300 20000

step "Page in 16 pages around 8 MiB after dropping the cache: the requested part waits, the rest reads ahead"
show vpmctl sync /dev/vpm0 --invalidate
show vpmctl getpages /dev/vpm0 8M 16 --behind 4
show vpmctl map /dev/vpm0 8M 8K

step "Detach (writes back and flushes), then unload"
show vpmctl detach /dev/vpm0
show rmmod vpm
show sh -c 'ls /dev/vpm* /sys/kernel/debug/vpm 2>&1; true'

check demo_completed vpm_unloaded_cleanly
host_check demo_disk_has_the_writes vda.img verify 1 5 300 20000
