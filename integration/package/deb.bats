#!/usr/bin/env bats
# The Debian package (`make deb`, packaging/deb.cmake): CPack builds it from this build tree into
# a temporary directory; its control fields and Depends are checked against the binary's real
# libraries, lintian must find no error, and dpkg installs it into a throwaway root, where the
# installed copy runs (--version, features, a container) and the man pages and the completion
# are at their paths. Nothing is left behind: every file is under the test's temp directories.

load ../helpers

BUILD_DIR="$(realpath -m "${CRUNTIME_BUILD_DIR:-$INTEGRATION_DIR/../build}")"

setup_file() {
	command -v cpack >/dev/null && command -v dpkg-deb >/dev/null || return 0
	# cpack builds the package's installed tree from the build (already built: quick)
	cpack -G DEB --config "$BUILD_DIR/CPackConfig.cmake" -B "$BATS_FILE_TMPDIR/cpack" \
		>"$BATS_FILE_TMPDIR/cpack.log" 2>&1 || {
		cat "$BATS_FILE_TMPDIR/cpack.log" >&2
		return 1
	}
}

setup() {
	common_setup
	requires cpack dpkg-deb dpkg
	VERSION="$("$CRUNTIME" --version | awk 'NR == 1 { print $3 }')"
	ARCH="$(dpkg --print-architecture)"
	DEB="$BATS_FILE_TMPDIR/cpack/cruntime_${VERSION}_${ARCH}.deb"
	[ -f "$DEB" ] || fail "no $DEB: $(ls "$BATS_FILE_TMPDIR/cpack")"
}

teardown() { common_teardown; }

# depends_names: the package names of the Depends field, one per line.
depends_names() {
	dpkg-deb -f "$DEB" Depends | tr ',' '\n' | sed -e 's/(.*)//' -e 's/[[:space:]]//g'
}

@test "deb: cruntime_<version>_<arch>.deb with its control fields" {
	[ "$(dpkg-deb -f "$DEB" Package)" = cruntime ]
	[ "$(dpkg-deb -f "$DEB" Version)" = "$VERSION" ]
	[ "$(dpkg-deb -f "$DEB" Architecture)" = "$ARCH" ]
	[ "$(dpkg-deb -f "$DEB" Section)" = admin ]
	[ "$(dpkg-deb -f "$DEB" Recommends)" = libsystemd0 ]
	run -0 depends_names
	local name
	# libstdc++, libgcc and fmt are linked into the binary (CMakeLists.txt CRUNTIME_STATIC_CXX):
	# the next test checks Depends against what the binary really links.
	for name in libc6 libcap2 libseccomp2; do
		grep -qxF "$name" <<<"$output" || fail "Depends has no $name: $(dpkg-deb -f "$DEB" Depends)"
	done
}

@test "deb: Depends names the package of every library the binary links" {
	requires readelf ldd
	local root="$BATS_TEST_TMPDIR/x" lib path owner ldd_out query=() owners
	dpkg-deb -x "$DEB" "$root"
	run -0 depends_names
	local depends="$output"
	# The DT_NEEDED entries, each resolved as the loader does, to the package that holds it. With
	# merged /usr, dpkg may know a library by its /lib path: both spellings are asked.
	ldd_out="$(ldd "$root/usr/bin/cruntime")"
	local -a libs
	mapfile -t libs < <(readelf -d "$root/usr/bin/cruntime" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
	[ "${#libs[@]}" -ge 3 ] || fail "NEEDED: ${libs[*]}"
	for lib in "${libs[@]}"; do
		# "libc.so.6 => /lib/.../libc.so.6 (0x...)"; the loader itself (NEEDED when the static
		# C++ runtime uses __tls_get_addr) is listed by its path: "/lib64/ld-linux-x86-64.so.2 (0x...)".
		path="$(awk -v lib="$lib" '$1 == lib { print $3 } $1 ~ ("/" lib "$") { print $1 }' <<<"$ldd_out")"
		[ -n "$path" ] || fail "ldd does not resolve $lib"
		path="$(realpath "$path")"
		query+=("$path" "${path#/usr}")
	done
	# "libfmt9:amd64: /usr/lib/x86_64-linux-gnu/libfmt.so.9.1.0"; the spellings dpkg does not
	# know go to stderr
	run --separate-stderr dpkg -S "${query[@]}"
	owners="$output"
	for lib in "${libs[@]}"; do
		owner="$(grep -m1 -F "/$lib" <<<"$owners" | sed 's/[:,].*//')"
		[ -n "$owner" ] || fail "no package holds $lib: $owners"
		grep -qxF "$owner" <<<"$depends" || fail "$lib is in $owner, not in Depends: $depends"
	done
	# libsystemd is loaded at run time only (cgroup/sd_bus_api.cpp): not linked
	! readelf -d "$root/usr/bin/cruntime" | grep -q 'NEEDED.*libsystemd'
}

@test "deb: lintian reports no error" {
	requires lintian
	run -0 --separate-stderr lintian --fail-on error "$DEB"
	# warnings are printed for the log, errors fail the test
	echo "$output"
	! grep -q '^E:' <<<"$output"
}

@test "deb: dpkg installs it into a throwaway root, where it runs and has its pages and completion" {
	requires_root
	local root="$BATS_TEST_TMPDIR/root-fs" page
	mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
	: >"$root/var/lib/dpkg/status"
	: >"$root/var/lib/dpkg/available"
	# the libraries are the host's: this root holds no other package
	run -0 dpkg --root="$root" --force-depends --install "$DEB"
	run -0 dpkg --root="$root" --status cruntime
	grep -qx 'Status: install ok installed' <<<"$output"

	local bin="$root/usr/bin/cruntime"
	run -0 "$bin" --version
	[ "${lines[0]}" = "cruntime version $VERSION" ]
	run -0 --separate-stderr "$bin" features
	jq -e '.ociVersionMax and (.linux.namespaces | length > 0)' <<<"$output" >/dev/null
	# the man pages: one per page the build wrote, gzipped, readable by man
	for page in "$BUILD_DIR"/man/*.8; do
		cmp -s <(gzip -dc "$root/usr/share/man/man8/${page##*/}.gz") "$page" ||
			fail "${page##*/}.gz is not installed in usr/share/man/man8"
	done
	[ "$(gzip -dc "$root/usr/share/man/man8/cruntime-exec.8.gz" | groff -man -Tutf8 -P-cbou 2>&1 |
		grep -c -- '--tty')" -ge 1 ]
	cmp -s "$root/usr/share/bash-completion/completions/cruntime" "$BUILD_DIR/completion/cruntime.bash"
	[ -s "$root/usr/share/doc/cruntime/copyright" ]
	gzip -t "$root/usr/share/doc/cruntime/changelog.gz"
	run -0 dpkg --root="$root" --listfiles cruntime
	grep -qx /usr/bin/cruntime <<<"$output"

	# the installed copy runs a container
	CRUNTIME="$bin"
	setup_bundle
	run_sh -0 'echo from-the-package'
	[ "$output" = from-the-package ]

	# and purging it leaves no file of it
	run -0 dpkg --root="$root" --purge cruntime
	[ -z "$(find "$root/usr" -type f)" ]
}
