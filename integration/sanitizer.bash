# Sanitizer reports in the bats suites (the CRUNTIME_SANITIZE build, `make sanitize`).
# CTest of that build sets CRUNTIME_SANITIZER_REPORTS, the directory every sanitized process
# writes its ASan/LSan/UBSan reports into (log_path in ASAN_OPTIONS and UBSAN_OPTIONS), and checks
# it once more after all tests (tests/sanitizer_reports.sh). Here each test fails on a report that
# appeared while it ran, so the report is shown next to the test that caused it. Without that
# variable (the normal build) every function does nothing.

# sanitizer_mark: remember the start of this test (common_setup calls it).
sanitizer_mark() {
	[ -n "${CRUNTIME_SANITIZER_REPORTS:-}" ] || return 0
	touch "$BATS_TEST_TMPDIR/.sanitizer-mark"
}

# sanitizer_check: fail, printing them, when report files got content since sanitizer_mark
# (common_teardown calls it). A report of a container started by an earlier test that only now
# came is shown here as well: it is a report all the same.
sanitizer_check() {
	local dir="${CRUNTIME_SANITIZER_REPORTS:-}" mark="$BATS_TEST_TMPDIR/.sanitizer-mark" report
	[ -n "$dir" ] && [ -e "$mark" ] || return 0
	local reports=()
	mapfile -t reports < <(find "$dir" -type f -size +0 -newer "$mark" 2>/dev/null | sort)
	[ "${#reports[@]}" -gt 0 ] || return 0
	for report in "${reports[@]}"; do
		echo "sanitizer report $report:" >&2
		bash "$INTEGRATION_DIR/../tests/sanitizer_reports.sh" show "$report" >&2
	done
	fail "${#reports[@]} sanitizer report(s) during this test"
}

# sanitizer_env DIR: the sanitizer variables, as NAME=VALUE words for env(1), with reports going
# to DIR instead: for a command run with a cleared environment as a user who may not reach the
# build directory (rootless.bats). Prints nothing in the normal build.
sanitizer_env() {
	local dir="${CRUNTIME_SANITIZER_REPORTS:-}" var value
	[ -n "$dir" ] || return 0
	for var in ASAN_OPTIONS UBSAN_OPTIONS; do
		value="${!var:-}"
		[ -n "$value" ] && printf '%s=%s\n' "$var" "${value//log_path=$dir\//log_path=$1/}"
	done
	return 0
}

# sanitizer_collect DIR: move the reports written to a sanitizer_env DIR into the report
# directory, where sanitizer_check and the final check see them.
sanitizer_collect() {
	local dir="${CRUNTIME_SANITIZER_REPORTS:-}" report
	[ -n "$dir" ] && [ -d "$1" ] || return 0
	for report in "$1"/*; do
		[ -s "$report" ] && mv -- "$report" "$dir/collected.${report##*/}"
	done
	return 0
}

# skip_if_sanitized REASON: skip a test of what the sanitizer build changes by design (the
# runtime's own memory footprint). `make test` runs it on the normal build.
skip_if_sanitized() {
	[ -z "${CRUNTIME_SANITIZER_REPORTS:-}" ] || skip "sanitizer build: $*"
}
