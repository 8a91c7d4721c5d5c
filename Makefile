# SPDX-License-Identifier: GPL-2.0
#
# vpm: out-of-tree build and the project's entry points.
#
#   make            build vpm.ko and tools/vpmctl
#   make demo       boot Debian's 6.12 kernel in QEMU and show vpm at work
#   make e2e        the end-to-end checks in QEMU (KVER=6.1: Debian's 6.1)
#   make check      every check: W=1, sparse, checkpatch, KUnit, e2e, stress
#   make bench      vpm against the kernel's own paths: bench/results/
#
# KDIR defaults to the running kernel's build tree, else the installed
# Debian 6.12 headers.  Everything that needs packages calls tools/setup.sh.

KVER_RUNNING := $(shell uname -r)
KDIR_DEBIAN := $(lastword $(sort $(wildcard /usr/src/linux-headers-6.12.*-amd64)))
ifneq ($(wildcard /lib/modules/$(KVER_RUNNING)/build),)
KDIR ?= /lib/modules/$(KVER_RUNNING)/build
else
KDIR ?= $(KDIR_DEBIAN)
endif

CC_USER ?= gcc
USER_CFLAGS := -static -O2 -g -Wall -Wextra -Werror=implicit-function-declaration \
	       -Iinclude/uapi -D_GNU_SOURCE
VPM_VERSION := $(shell sed -n 's/^.define VPM_VERSION_[A-Z]* //p' \
		 include/vpm_version.h | paste -sd.)

TOOLS := tools/vpmctl tools/e2e/vpmprobe tools/e2e/vpmpat tools/e2e/vpmstress \
	 tools/e2e/vpmbench

.PHONY: all module tools setup kunit e2e stress bench demo check clean version help

all: module tools

module:
	@if [ -z "$(KDIR)" ] || [ ! -d "$(KDIR)" ]; then tools/setup.sh; \
	 $(MAKE) --no-print-directory module; \
	 else $(MAKE) -C $(KDIR) M=$(CURDIR) CONFIG_VPM=m modules; fi

tools: $(TOOLS)

tools/%: tools/%.c tools/tools.h include/uapi/linux/vpm.h include/vpm_version.h
	$(CC_USER) $(USER_CFLAGS) -Iinclude -Itools $(USER_CFLAGS_EXTRA) -o $@ $<

setup:
	tools/setup.sh

kunit:
	tools/kunit.sh

e2e:
	tools/e2e/run.sh $(if $(KVER),--kver $(KVER))

stress:
	tools/stress.sh

bench:
	tools/bench.sh

demo:
	tools/demo.sh

check:
	tools/check.sh

clean:
	@if [ -n "$(KDIR)" ] && [ -d "$(KDIR)" ]; then \
	 $(MAKE) -C $(KDIR) M=$(CURDIR) CONFIG_VPM=m clean; fi
	rm -f $(TOOLS)
	@if [ -n "$(KDIR)" ] && [ -d "$(KDIR)" ]; then \
	 $(MAKE) -C $(KDIR) M=$(CURDIR)/bench/module clean; fi

version:
	@echo $(VPM_VERSION)

help:
	@awk 'NR > 2 && !/^#/ { exit } NR > 2 { sub(/^# ?/, ""); print }' Makefile
