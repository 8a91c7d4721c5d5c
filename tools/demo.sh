#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: set up, build, boot Debian's 6.12 kernel in QEMU and show, step
# by step, what vpm does.  The guest side is tools/e2e/demo/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
echo "vpm demo: booting Debian's kernel in QEMU (TCG); this takes a few seconds." >&2
exec "$VPM_ROOT/tools/e2e/run.sh" --suite demo
