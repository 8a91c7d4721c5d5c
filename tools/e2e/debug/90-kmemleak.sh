# SPDX-License-Identifier: GPL-2.0
# Last of the debug suite: whatever ran before (the races, the fuzzer,
# fail-nth, and on the KASAN kernel the stress parts run there too) left
# nothing of vpm's behind that kmemleak can find.
. /e2e/lib.sh
. /e2e/suite/debug.lib

vpm_loaded && { vpmctl detach --all > /dev/null 2>&1; vpm_unload; }
check kmemleak_finds_no_vpm_leak_at_the_end kmemleak_no_vpm_leak "end of the suite"
true
