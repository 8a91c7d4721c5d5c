#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make htmldocs: Documentation/*.rst to HTML with Debian's Sphinx, the
# kernel-doc comments of the sources pulled in by the kernel's own
# kerneldoc extension and scripts/kernel-doc (from the kernel tree that
# tools/setup.sh unpacks).  Any Sphinx or kernel-doc warning fails it.
#
#   tools/htmldocs.sh [OUTDIR]    default: Documentation/output/html

set -euo pipefail
VPM_TOOL=htmldocs
. "$(dirname "$0")/lib.sh"

OUT=${1:-$VPM_ROOT/Documentation/output/html}
"$VPM_ROOT/tools/setup.sh"
command -v sphinx-build > /dev/null || vpm_die "sphinx-build missing (python3-sphinx)"
export VPM_KERNEL_SRC
VPM_KERNEL_SRC=$(readlink -f "$VPM_CACHE/linux-src")
export VPM_VERSION
VPM_VERSION=$(make -s -C "$VPM_ROOT" version)
rm -rf "$OUT"
sphinx-build -q -W --keep-going -b html -d "$OUT/.doctrees" \
	"$VPM_ROOT/Documentation" "$OUT"
vpm_log "HTML in $OUT/index.html"
