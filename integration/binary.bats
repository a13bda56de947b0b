#!/usr/bin/env bats
# What every command maps besides its own code (issue 14, bench/PROFILE.md §9): peak RSS follows
# the size of the mapped files, so the libraries the binary needs are pinned here, and a change
# that brings back libm (std::ceil at -Os), libstdc++.so or the C++ demangler fails a test
# instead of a benchmark. Also what the terminate handler that replaced the demangling one prints.

load helpers

setup() {
	requires readelf nm
	common_setup
	mapfile -t NEEDED < <(readelf -d "$CRUNTIME" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
	# The sanitizer build (and CRUNTIME_STATIC_CXX=OFF) links the shared C++ runtime on purpose.
	local lib
	for lib in "${NEEDED[@]}"; do
		case "$lib" in
		libasan* | libubsan* | libstdc++*) skip "$CRUNTIME links $lib (sanitizer build or CRUNTIME_STATIC_CXX=OFF)" ;;
		esac
	done
}

teardown() { common_teardown; }

@test "the binary needs only libc, the loader, libcap and libseccomp" {
	local lib
	for lib in "${NEEDED[@]}"; do
		case "$lib" in
		libc.so.6 | libcap.so.2 | libseccomp.so.2 | ld-linux*.so.*) ;;
		*) fail "NEEDED $lib (all: ${NEEDED[*]}): every command would map it" ;;
		esac
	done
	printf '%s\n' "${NEEDED[@]}" | grep -qx 'libc.so.6' || fail "no libc.so.6 in NEEDED: ${NEEDED[*]}"
}

@test "no C++ demangler in the binary (src/cli/terminate_handler.cpp replaces the verbose handler)" {
	local symbols
	symbols="$(nm "$CRUNTIME" 2>/dev/null)" || true
	[ -n "$symbols" ] || skip "$CRUNTIME is stripped: no symbol table to look in"
	# The handler is defined by cruntime itself, so the archive's copy (and its demangler) stays out.
	grep -q ' T _ZN9__gnu_cxx27__verbose_terminate_handlerEv$' <<<"$symbols" ||
		fail "__gnu_cxx::__verbose_terminate_handler is not defined by cruntime"
	! grep -q ' __cxa_demangle$' <<<"$symbols" || fail "__cxa_demangle is linked in"
}

@test "an uncaught C++ exception prints one line and aborts (std::bad_alloc under ulimit -v)" {
	# A 2 MB config whose DOM cannot be built in a 12 MB address space: std::bad_alloc, which no
	# project code catches (style rule 12), reaches the terminate handler.
	mkdir bundle
	jq -n '{ociVersion: "1.0.2", annotations: ([range(20000)] |
		map({key: "k\(.)", value: ("v" * 100)}) | from_entries)}' >bundle/config.json
	run --separate-stderr bash -c 'ulimit -v 12000 && exec "$0" --root "$1" create --bundle bundle big' \
		"$CRUNTIME" "$TEST_ROOT"
	[ "$status" -eq 134 ] || fail "status $status (want SIGABRT, 134): $stderr"
	[ "$stderr" = "cruntime: internal error: std::bad_alloc" ] || fail "stderr: $stderr"
	[ -z "$(ls -A "$TEST_ROOT")" ] || fail "left in the state root: $(ls -A "$TEST_ROOT")"
}
