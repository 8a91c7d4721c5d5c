# SPDX-License-Identifier: GPL-2.0
#
# vpm: out-of-tree build and the project's entry points.
#
#   make            build vpm.ko and tools/vpmctl
#   make demo       boot Debian's 6.12 kernel in QEMU and show vpm at work
#   make e2e        the end-to-end checks in QEMU (KVER=6.1: Debian's 6.1)
#   make check      every check: W=1, sparse, checkpatch, KUnit, e2e, stress
#   make stress-kcsan  the races, the fuzzer and fail-nth on a KCSAN kernel
#                   (the last part of make stress)
#   make bench      vpm against the kernel's own paths: bench/results/
#   make htmldocs   Documentation/ as HTML in Documentation/output/html
#   make mutate     plant small bugs one at a time in a private copy and
#                   check that the tests catch each (MUTATIONS=NAME...)
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
	 tools/e2e/vpmbench tools/e2e/vpmfs tools/e2e/logreplay tools/e2e/vpmmap

.PHONY: all module tools setup kunit e2e stress stress-kcsan bench demo check htmldocs mutate clean version help \
	install uninstall dkms-install dkms-remove

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

stress-kcsan:
	tools/e2e/run.sh --suite debug --kcsan-kernel

bench:
	tools/bench.sh

demo:
	tools/demo.sh

check:
	tools/check.sh

htmldocs:
	tools/htmldocs.sh

mutate:
	tools/mutate.sh $(MUTATIONS)

# --- installing ---
# make install: the module for KDIR's kernel, vpmctl and its man page, the
# udev rule; LOAD_AT_BOOT=1 also loads vpm at boot.  make dkms-install: the
# sources into DKMS_SRC, built and installed for DKMS_KVER (the running
# kernel); DKMS rebuilds vpm for every kernel installed later.  DKMS_FLAGS
# passes options to every dkms call (make check uses private trees).
PREFIX ?= /usr/local
KDIR_RELEASE = $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
DESTDIR ?=
DKMS_SRC ?= /usr/src/vpm-$(VPM_VERSION)
DKMS_KVER ?= $(KVER_RUNNING)
DKMS_FLAGS ?=
DKMS := dkms $(DKMS_FLAGS)
KERNEL_FILES := Kbuild Kconfig $(sort $(wildcard vpm/*.[ch] vnode_pager/*.[ch] \
		include/*.h include/uapi/linux/*.h))

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) CONFIG_VPM=m INSTALL_MOD_PATH=$(DESTDIR) \
		modules_install
	depmod $(if $(DESTDIR),-b $(DESTDIR)) -a $(KDIR_RELEASE)
	install -D -m 0755 tools/vpmctl $(DESTDIR)$(PREFIX)/sbin/vpmctl
	install -D -m 0644 tools/vpmctl.8 $(DESTDIR)$(PREFIX)/share/man/man8/vpmctl.8
	install -D -m 0644 tools/udev/60-vpm.rules $(DESTDIR)/etc/udev/rules.d/60-vpm.rules
	if [ "$(LOAD_AT_BOOT)" = 1 ]; then \
	 install -d $(DESTDIR)/etc/modules-load.d; \
	 echo vpm > $(DESTDIR)/etc/modules-load.d/vpm.conf; fi
	@[ -n "$(DESTDIR)" ] || udevadm control --reload 2>/dev/null || true

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/vpmctl \
	      $(DESTDIR)$(PREFIX)/share/man/man8/vpmctl.8 \
	      $(DESTDIR)/etc/udev/rules.d/60-vpm.rules \
	      $(DESTDIR)/etc/modules-load.d/vpm.conf
	rm -f $(DESTDIR)/lib/modules/$(KDIR_RELEASE)/updates/vpm.ko* \
	      $(DESTDIR)/lib/modules/$(KDIR_RELEASE)/extra/vpm.ko*
	depmod $(if $(DESTDIR),-b $(DESTDIR)) -a $(KDIR_RELEASE)
	@[ -n "$(DESTDIR)" ] || udevadm control --reload 2>/dev/null || true

dkms-install: dkms-remove
	mkdir -p $(DKMS_SRC)
	cp --parents $(KERNEL_FILES) $(DKMS_SRC)/
	sed 's/@VERSION@/$(VPM_VERSION)/' dkms.conf.in > $(DKMS_SRC)/dkms.conf
	$(DKMS) add $(DKMS_SRC)
	$(DKMS) install vpm/$(VPM_VERSION) -k $(DKMS_KVER)

dkms-remove:
	if $(DKMS) status vpm/$(VPM_VERSION) 2>/dev/null | grep -q .; then \
	 $(DKMS) remove vpm/$(VPM_VERSION) --all; fi
	rm -rf $(DKMS_SRC)

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
