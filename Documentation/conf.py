# SPDX-License-Identifier: GPL-2.0
#
# Sphinx configuration of vpm's documentation (make htmldocs).  The
# kernel-doc comments of the sources are pulled in by the kernel's own
# Sphinx extension and scripts/kernel-doc, from the kernel tree that
# tools/setup.sh unpacks: VPM_KERNEL_SRC names it.

import os
import sys

srctree = os.environ.get("VPM_KERNEL_SRC")
if not srctree:
    sys.exit("conf.py: set VPM_KERNEL_SRC to a kernel source tree "
             "(make htmldocs does)")
sys.path.insert(0, os.path.join(srctree, "Documentation", "sphinx"))

project = "vpm"
author = "The vpm developers"
copyright = "The vpm developers; GPL-2.0"
version = release = os.environ.get("VPM_VERSION", "")

extensions = ["kerneldoc"]
kerneldoc_bin = os.path.join(srctree, "scripts", "kernel-doc")
kerneldoc_srctree = os.path.abspath(os.path.join(os.path.dirname(__file__),
                                                 ".."))

# The C domain must skip the kernel's annotations in declarations.
c_id_attributes = ["__user", "__percpu", "__rcu", "__iomem", "__must_check",
                   "__init", "__exit", "__always_inline", "__printf",
                   "__acquires", "__releases", "__cold", "noinline"]
c_paren_attributes = ["__printf", "__acquires", "__releases", "__aligned"]

primary_domain = "c"
highlight_language = "none"
master_doc = "index"
exclude_patterns = ["output"]
html_theme = "alabaster"
html_title = "vpm"
html_show_sourcelink = False
