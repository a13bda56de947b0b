# Wrapper around CMake/CTest. `make deps` installs every build and test dependency (Debian 12).
BUILD ?= build
PREFIX ?= /usr/local
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

DEB_BUILD_DEPS = build-essential cmake pkg-config git libseccomp-dev libcap-dev \
  nlohmann-json3-dev libfmt-dev catch2
# sd-bus (libsystemd) for the systemd cgroup driver, as crun uses it
DEB_BUILD_DEPS += libsystemd-dev
DEB_TEST_DEPS = bats busybox-static jq procps util-linux iproute2
# fault.bats (and the VM's cgroup2.bats): strace's fault injection kills cruntime at each step
DEB_TEST_DEPS += strace
DEB_TEST_DEPS += qemu-system-x86 cpio
# rootless.bats: newuidmap/newgidmap (setuid helpers) for multi-range user namespace maps
DEB_TEST_DEPS += uidmap
# the system VM (integration/sysvm/): mmdebstrap builds its Debian root file system, mkfs.ext4
# (e2fsprogs) writes it into a disk image without mounting anything
DEB_TEST_DEPS += mmdebstrap e2fsprogs
# the client tests (integration/clients/): containerd 1.6 + runc (the reference runtime),
# dockerd 20.10 (its client is /usr/bin/docker; iptables is a dependency of dockerd even with
# --iptables=false), podman 4.3 with conmon; script(1) comes from bsdutils (essential).
DEB_CLIENT_DEPS = containerd runc docker.io iptables podman conmon
# The sanitizer build (make sanitize, make fuzz): clang with its ASan/UBSan/libFuzzer runtimes
# (libclang-rt-14-dev, only a recommendation of clang, which --no-install-recommends skips) and
# llvm-symbolizer (llvm), which puts function and file:line into the reports.
DEB_SANITIZE_DEPS = clang libclang-rt-14-dev llvm
# `make deb` (packaging/): CPack runs dpkg-shlibdeps (dpkg-dev) for Depends, lintian checks the
# package; integration/docs.bats renders every man page with groff (groff-base).
DEB_PACKAGE_DEPS = dpkg-dev lintian groff-base

# The sanitizer build directory: clang++, ASan+UBSan on the project code, the libFuzzer targets.
# One directory serves `make sanitize` and `make fuzz`, so `make test` builds it once.
BUILD_SAN ?= build-san
# Seconds each fuzz target runs in `make fuzz` (`make fuzz-ci`, in CI: 10).
FUZZ_SECONDS ?= 60

# `make bench` (bench/): hyperfine times the commands, GNU time measures peak RSS, crun and runc
# are compared with cruntime, podman's default seccomp profile (package
# golang-github-containers-common) makes the docker-like config
DEB_BENCH_DEPS = hyperfine time crun runc golang-github-containers-common
# The benchmark's own build: Release, as distributions ship it.
BUILD_RELEASE ?= build-release

.PHONY: all deps build test unit root integration sanitize san-build install deb demo bench clean \
  linecount fuzz fuzz-build fuzz-ci

all: build

# Debian's postinst scripts start containerd and dockerd (invoke-rc.d / deb-systemd-invoke) unless
# /usr/sbin/policy-rc.d exits 101. The tests start private daemons, so the packaged ones stay
# stopped: a temporary policy-rc.d is put in place, only when there is none, and removed after.
POLICY_RC = /usr/sbin/policy-rc.d

deps:
	apt-get update
	@created=; \
	if [ ! -e $(POLICY_RC) ]; then \
	  printf '#!/bin/sh\n# temporary, from cruntime make deps: start no services\nexit 101\n' >$(POLICY_RC) && \
	  chmod 0755 $(POLICY_RC) && created=1; \
	fi; \
	trap '[ -z "$$created" ] || rm -f $(POLICY_RC)' EXIT; \
	set -x; DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
	  $(DEB_BUILD_DEPS) $(DEB_TEST_DEPS) $(DEB_CLIENT_DEPS) $(DEB_SANITIZE_DEPS) $(DEB_BENCH_DEPS) \
	  $(DEB_PACKAGE_DEPS)

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# Every test, as CI runs them: the whole suite on the normal build, then the sanitizer build's
# suites (`make sanitize`) and a short run of every fuzz target (`make fuzz-ci`).
test: build linecount
	ctest --test-dir $(BUILD) --output-on-failure
	$(MAKE) --no-print-directory sanitize
	$(MAKE) --no-print-directory fuzz-ci

unit: build
	ctest --test-dir $(BUILD) --output-on-failure -L unit

# The [root] unit tests (mounts, namespaces, cgroups); with CI set they fail rather than skip.
root: build
	ctest --test-dir $(BUILD) --output-on-failure -L root

integration: build
	ctest --test-dir $(BUILD) --output-on-failure -L integration

# -O1 -gline-tables-only: what ASan is meant to run with, and file:line in every report without
# full debug info (faster to build).
$(BUILD_SAN)/CMakeCache.txt:
	cmake -S . -B $(BUILD_SAN) -DCMAKE_INSTALL_PREFIX=$(PREFIX) -DCMAKE_CXX_COMPILER=clang++ \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO='-O1 -gline-tables-only' \
	  -DCRUNTIME_SANITIZE=ON -DCRUNTIME_FUZZ=ON $(CMAKE_FLAGS)

san-build: $(BUILD_SAN)/CMakeCache.txt
	cmake --build $(BUILD_SAN) -j $(JOBS)

# The tests that exercise the runtime's own code, against the sanitizer build: the unit tests, the
# [root] ones and the host integration suites (integration/*.bats), but for those in SAN_SKIP,
# which run on the normal build only, to keep CI within its time: the client suites (containerd,
# docker, podman) and the two VM suites (they take the longest and drive the same
# create/start/exec paths through other callers), bad_input.bats (config parsing errors: the fuzz
# targets run those parsers under the same sanitizers) and fault.bats (it SIGKILLs the runtime,
# where no sanitizer can report). `make sanitize SAN_SKIP='clients_|vm_'` runs those two as well.
# load.bats runs SAN_LOAD_CYCLES cycles instead of 1000 (ASan makes every call slower).
# Any sanitizer report, in any process, fails the run (see tests/sanitizer_reports.sh).
SAN_SKIP ?= clients_|vm_|bad_input$$|fault$$
SAN_LOAD_CYCLES ?= 100
sanitize: san-build
	LOAD_CYCLES=$(SAN_LOAD_CYCLES) ctest --test-dir $(BUILD_SAN) --output-on-failure \
	  -L '^(unit|root|integration)$$' -E '^integration\.($(SAN_SKIP))'

fuzz-build: $(BUILD_SAN)/CMakeCache.txt
	cmake --build $(BUILD_SAN) -j $(JOBS) --target fuzz_targets

# Every fuzz target for FUZZ_SECONDS, one after the other (tests/fuzz/run.sh), then the
# committed corpus replayed as regression tests (ctest -L fuzz). Fails on any finding.
fuzz: fuzz-build
	bash tests/fuzz/run.sh $(BUILD_SAN) $(FUZZ_SECONDS)
	ctest --test-dir $(BUILD_SAN) --output-on-failure -L fuzz

# The short run CI makes on every submission.
fuzz-ci:
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=10

# The binary, the man pages (share/man/man8) and the bash completion
# (share/bash-completion/completions/cruntime), all generated by the build.
install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

# $(BUILD)/cruntime_<version>_<arch>.deb from the built tree (CPack, packaging/deb.cmake); lintian
# must find no error in it.
deb: build
	cd $(BUILD) && cpack -G DEB
	lintian --fail-on error $(BUILD)/cruntime_*.deb

demo: build
	bash integration/demo.sh $(BUILD)/cruntime

# cruntime side by side with crun, runc and the unshare+chroot floor: run, create/start/delete,
# exec, peak RSS, binary size, list/state with 10..1000 containers (root; writes bench/results/).
# The Release build with the project's flags (-Os, CMakeLists.txt; bench/PROFILE.md §9).
bench:
	cmake -S . -B $(BUILD_RELEASE) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)
	cmake --build $(BUILD_RELEASE) -j$(JOBS) --target cruntime
	bash bench/bench.sh $(BUILD_RELEASE)/cruntime

# Files over 600 lines fail the build of `make test`; over 500 warn.
linecount:
	@find src spec include -name '*.[ch]pp' | xargs wc -l | awk '$$2 != "total" { \
	  if ($$1 > 600) { print "linecount: " $$2 " has " $$1 " lines (max 600)"; bad = 1 } \
	  else if ($$1 > 500) print "linecount: warning: " $$2 " has " $$1 " lines"; } \
	  END { exit bad }'

clean:
	rm -rf $(BUILD) $(BUILD_RELEASE) $(BUILD_SAN)
