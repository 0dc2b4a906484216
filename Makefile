# rtprelay: top-level targets. See README.md.
include mk/common.mk

.PHONY: all deps check check-unit check-integ check-parity check-asan check-tsan check-fuzz check-kernel check-offload kmod run bench bench-kernel bench-replay clean style style-check

all:
	$(Q)$(MAKE) --no-print-directory -C lib
	$(Q)$(MAKE) --no-print-directory -C daemon
	$(Q)$(MAKE) --no-print-directory -C utils
ifeq ($(BUILD),.)
	$(Q)$(MAKE) --no-print-directory kmod
endif

# nft_rtprelay.ko, when headers for the running kernel or Debian's
# linux-headers-amd64 are installed (kernel-module/Makefile picks KDIR).
kmod:
	$(Q)kdir=$$($(MAKE) --no-print-directory -s -C kernel-module kdir); \
	if [ -n "$$kdir" ]; then \
		$(MAKE) --no-print-directory -C kernel-module KDIR="$$kdir" RTPRELAY_WERROR=y; \
	else \
		echo "  SKIP    kernel-module/nft_rtprelay.ko: no kernel headers" \
			"(apt-get install linux-headers-amd64, or make -C kernel-module KDIR=...)"; \
	fi

# The module's tests: host unit test of its pure code, then one qemu guest
# boot running the module under Debian's kernel (t/kernel/run.sh).
check-kernel:
	$(Q)t/kernel/run.sh

# The daemon's kernel side against the module, in the same guest: --table=0
# start-up and shutdown, nftables rules, pinned shards, pin failures, the
# module absent, a table in use, media through kernel targets (t/offload/run.sh,
# one boot, ~5-6 min).
check-offload:
	$(Q)t/offload/run.sh

# SDP parity with rtpengine 10.5 (t/parity, ~1 s): every corpus case against
# both daemons; fails on a difference t/parity/expected.json does not list.
check-parity: all
	$(Q)$(MAKE) --no-print-directory -C t parity

deps:
	$(Q)scripts/deps.sh build

run: deps
	$(Q)$(MAKE) --no-print-directory all
	./daemon/rtprelay --config-file=etc/rtprelay.conf --foreground --log-stderr

# Everything that runs on a 2-core machine without network: the formatting
# check, unit tests, the
# integration tests against a real daemon (rtprelay, then the same suite
# against Debian's rtpengine 10.5: t/integ/COMPAT.md), SDP parity with rtpengine 10.5
# (t/parity), both again under ASan+UBSan, and
# the fuzz targets for a bounded number of inputs; the media integration
# tests once more on the epoll backend (the fallback where io_uring is not
# available); the media, lifecycle, reload and SRTP integration tests once
# more under ThreadSanitizer (workers vs control);
# the kernel module in a qemu guest (t/kernel), and the daemon's kernel
# side against it (t/offload);
# the Debian packages installed into a throw-away root; and real calls from
# SIPp through Kamailio and rtprelay in a network namespace.
check:
	$(Q)scripts/deps.sh check
	$(Q)$(MAKE) --no-print-directory style-check
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory -C t unit
	$(Q)$(MAKE) --no-print-directory -C t integ
	$(Q)RTPRELAY_TARGET=rtpengine $(MAKE) --no-print-directory -C t integ
	$(Q)$(MAKE) --no-print-directory check-parity
	$(Q)RTPRELAY_ARGS=--media-io=epoll $(MAKE) --no-print-directory -C t integ \
		INTEG_FILES="$(TOP)/t/integ/test_media.py $(TOP)/t/integ/test_media_io.py \
			$(TOP)/t/integ/test_ice_dualstack.py"
	$(Q)$(MAKE) --no-print-directory BUILD=build/asan SAN=address,undefined OPT=-O1 all
	$(Q)$(MAKE) --no-print-directory BUILD=build/asan SAN=address,undefined OPT=-O1 -C t unit integ fuzz
	$(Q)$(MAKE) --no-print-directory BUILD=build/tsan SAN=thread OPT=-O1 all
	$(Q)$(MAKE) --no-print-directory BUILD=build/tsan SAN=thread OPT=-O1 -C t \
		$(TOP)/build/tsan/t/unit/test_bufferpool_threads $(TOP)/build/tsan/t/unit/test_log
	$(Q)$(TOP)/build/tsan/t/unit/test_bufferpool_threads
	$(Q)$(TOP)/build/tsan/t/unit/test_log
	$(Q)$(MAKE) --no-print-directory BUILD=build/tsan SAN=thread OPT=-O1 -C t integ \
		INTEG_FILES="$(TOP)/t/integ/test_media.py $(TOP)/t/integ/test_media_io.py \
			$(TOP)/t/integ/test_lifecycle.py $(TOP)/t/integ/test_reload.py \
			$(TOP)/t/integ/test_srtp.py $(TOP)/t/integ/test_ice.py $(TOP)/t/integ/test_dtls.py \
			$(TOP)/t/integ/test_ice_dualstack.py"
	$(Q)$(MAKE) --no-print-directory check-kernel
	$(Q)$(MAKE) --no-print-directory check-offload
	$(Q)t/pkg/run.sh
	$(Q)t/e2e/run.sh
	@echo "make check: all tests passed"

# ng, media (with the SRTP and WebRTC bridging rows), ICE and DTLS benchmarks
# against rtpengine (~12 min; they rewrite t/bench/RESULTS.md from this run,
# see t/bench/Makefile), then the kernel's.
bench: all
	$(Q)$(MAKE) --no-print-directory -C t bench
	$(Q)$(MAKE) --no-print-directory bench-kernel
	$(Q)$(MAKE) --no-print-directory bench-replay

# Kernel targets vs a user-space forwarder and rtpengine's kernel module in
# the qemu guest (~9-12 min: every row 3 times; KBENCH_CALLS, KBENCH_DURATION,
# KBENCH_REPEAT: see t/bench/kernel/run.sh); writes t/bench/kernel/RESULTS.md.
bench-kernel:
	$(Q)t/bench/kernel/run.sh

# The field replay of issue 12 in the qemu guest (~40 min: two boots, 64 KiB
# and the default 1 MiB shards, each 11 min of serially forked calls through
# rtprelay --table=0 and 6 min after the load drop; REPLAY_*: see
# t/bench/replay/run.sh); writes t/bench/replay/RESULTS.md and results/.
bench-replay:
	$(Q)t/bench/replay/run.sh

# Formatting (.clang-format): `make style` formats the C files changed since
# STYLE_BASE (default HEAD: uncommitted and untracked files; e.g.
# STYLE_BASE=origin/main for a whole branch); `make style-check` checks
# every tracked C file and fails on any difference (make check runs it).
STYLE_BASE ?= HEAD
STYLE_CHANGED = $(sort $(filter %.c %.h,$(shell git diff --name-only --diff-filter=ACMR $(STYLE_BASE) 2>/dev/null; \
	git ls-files --others --exclude-standard 2>/dev/null)))

style:
	$(if $(STYLE_CHANGED),clang-format -i $(STYLE_CHANGED),@echo "style: no C files changed since $(STYLE_BASE)")

style-check:
	$(Q)clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')
	@echo "style-check: clean"

clean:
	$(Q)$(MAKE) --no-print-directory -C lib clean
	$(Q)$(MAKE) --no-print-directory -C daemon clean
	$(Q)$(MAKE) --no-print-directory -C utils clean
	$(Q)$(MAKE) --no-print-directory -C t clean
	$(Q)$(MAKE) --no-print-directory -C kernel-module clean
	rm -rf build

# deb, deb-lintian, deb-deps, deb-clean (last: it must not set the default goal)
include mk/deb.mk
