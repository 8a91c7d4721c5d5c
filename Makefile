# SPDX-License-Identifier: GPL-2.0
#
# vpm: out-of-tree build and the project's entry points.
#
#   make            build vpm.ko and tools/vpmctl
#   make demo       boot Debian's 6.12 kernel in QEMU and show vpm at work
#   make e2e        the end-to-end checks in QEMU (KVER=6.1: Debian's 6.1)
#   make check      every check: W=1, sparse, checkpatch, KUnit, e2e, stress
#   make stress-kcsan  the races and the fuzzer on a KCSAN kernel
#                   (one part of make stress)
#   make bench      vpm against the kernel's own paths: bench/results/
#   make htmldocs   Documentation/ as HTML in Documentation/output/html
#   make mutate     plant small bugs one at a time in a private copy and
#                   check that the tests catch each (MUTATIONS=NAME...)
#   make deb        the Debian packages vpm-dkms and vpm-utils in dist/
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
	 tools/e2e/vpmbench tools/e2e/vpmfs tools/e2e/logreplay tools/e2e/vpmmap \
	 tools/e2e/vpmuffd

.PHONY: all module tools setup kunit e2e stress stress-kcsan bench demo check htmldocs mutate clean version help \
	install uninstall dkms-src dkms-install dkms-remove deb

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
# udev rule, bash completion; LOAD_AT_BOOT=1 also loads vpm at boot.  make dkms-install: the
# sources into DKMS_SRC, built and installed for DKMS_KVER (the running
# kernel); DKMS rebuilds vpm for every kernel installed later.  DKMS_FLAGS
# passes options to every dkms call.  make dkms-src: only the sources and
# dkms.conf (DKMS_CONF, default in DKMS_SRC), as the vpm-dkms package
# ships them.
PREFIX ?= /usr/local
KDIR_RELEASE = $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
DESTDIR ?=
DKMS_SRC ?= /usr/src/vpm-$(VPM_VERSION)
DKMS_KVER ?= $(KVER_RUNNING)
DKMS_FLAGS ?=
DKMS := dkms $(DKMS_FLAGS)
KERNEL_FILES := Kbuild Kconfig $(sort $(filter-out %.mod.c,$(shell find vpm \
		vnode_pager include -name '*.[ch]')))
DKMS_CONF ?= $(DKMS_SRC)/dkms.conf
COMPLETION_DIR = $(PREFIX)/share/bash-completion/completions

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) CONFIG_VPM=m INSTALL_MOD_PATH=$(DESTDIR) \
		modules_install
	depmod $(if $(DESTDIR),-b $(DESTDIR)) -a $(KDIR_RELEASE)
	install -D -m 0755 tools/vpmctl $(DESTDIR)$(PREFIX)/sbin/vpmctl
	install -D -m 0644 tools/vpmctl.8 $(DESTDIR)$(PREFIX)/share/man/man8/vpmctl.8
	install -D -m 0644 tools/udev/60-vpm.rules $(DESTDIR)/etc/udev/rules.d/60-vpm.rules
	install -D -m 0644 tools/vpmctl.bash-completion \
		$(DESTDIR)$(COMPLETION_DIR)/vpmctl
	if [ "$(LOAD_AT_BOOT)" = 1 ]; then \
	 install -d $(DESTDIR)/etc/modules-load.d; \
	 echo vpm > $(DESTDIR)/etc/modules-load.d/vpm.conf; fi
	@[ -n "$(DESTDIR)" ] || udevadm control --reload 2>/dev/null || true

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/vpmctl \
	      $(DESTDIR)$(PREFIX)/share/man/man8/vpmctl.8 \
	      $(DESTDIR)$(COMPLETION_DIR)/vpmctl \
	      $(DESTDIR)/etc/udev/rules.d/60-vpm.rules \
	      $(DESTDIR)/etc/modules-load.d/vpm.conf
	rm -f $(DESTDIR)/lib/modules/$(KDIR_RELEASE)/updates/vpm.ko* \
	      $(DESTDIR)/lib/modules/$(KDIR_RELEASE)/extra/vpm.ko*
	depmod $(if $(DESTDIR),-b $(DESTDIR)) -a $(KDIR_RELEASE)
	@[ -n "$(DESTDIR)" ] || udevadm control --reload 2>/dev/null || true

dkms-src:
	mkdir -p $(DKMS_SRC)
	cp --parents $(KERNEL_FILES) $(DKMS_SRC)/
	sed 's/@VERSION@/$(VPM_VERSION)/' dkms.conf.in > $(DKMS_CONF)

dkms-install: dkms-remove
	$(MAKE) --no-print-directory dkms-src DKMS_SRC=$(DKMS_SRC) \
		DKMS_CONF=$(DKMS_SRC)/dkms.conf
	$(DKMS) add $(DKMS_SRC)
	$(DKMS) install vpm/$(VPM_VERSION) -k $(DKMS_KVER)

dkms-remove:
	if $(DKMS) status vpm/$(VPM_VERSION) 2>/dev/null | grep -q .; then \
	 $(DKMS) remove vpm/$(VPM_VERSION) --all; fi
	rm -rf $(DKMS_SRC)

# --- Debian packages ---
# make deb: dpkg-buildpackage in a scratch copy of the files the packages
# are built from (dist/build), then the source package, both .debs, the
# .buildinfo and the .changes in dist/.  debian/changelog must be at the
# version of include/vpm_version.h.
DIST := $(CURDIR)/dist
DEB_VERSION = $(shell dpkg-parsechangelog -l debian/changelog -S Version)
DEB_FILES = Makefile Kbuild Kconfig dkms.conf.in $(KERNEL_FILES) \
	    tools/vpmctl.c tools/tools.h tools/vpmctl.8 \
	    tools/vpmctl.bash-completion tools/udev/60-vpm.rules \
	    debian/changelog debian/control debian/copyright debian/rules \
	    debian/source/format $(wildcard debian/*.install debian/*.manpages \
	    debian/*.lintian-overrides debian/source/lintian-overrides)

deb:
	@if [ "$(firstword $(subst -, ,$(DEB_VERSION)))" != "$(VPM_VERSION)" ]; then \
	 echo "debian/changelog is at $(DEB_VERSION), include/vpm_version.h at $(VPM_VERSION):" \
	      "add a changelog entry (dch -v $(VPM_VERSION))" >&2; exit 1; fi
	rm -rf $(DIST)/build
	mkdir -p $(DIST)/build/vpm-$(VPM_VERSION)
	cp --parents $(DEB_FILES) $(DIST)/build/vpm-$(VPM_VERSION)/
	cd $(DIST)/build/vpm-$(VPM_VERSION) && dpkg-buildpackage -us -uc
	rm -f $(DIST)/vpm_* $(DIST)/vpm-*_*
	mv $(DIST)/build/vpm*_* $(DIST)/
	rm -rf $(DIST)/build
	@ls $(DIST)

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
