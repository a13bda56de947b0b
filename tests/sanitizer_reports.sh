#!/usr/bin/env bash
# The sanitizer build's report directory, where every sanitized process (the runtime, the
# container inits and exec children it clones, the unit tests) writes its ASan/LSan/UBSan reports
# (log_path in ASAN_OPTIONS and UBSAN_OPTIONS, set by CTest; see CMakeLists.txt).
#   sanitizer_reports.sh reset DIR   before the tests: empty DIR; mode 1777, as the tests run
#                                    the runtime as other users too (rootless, setpriv)
#   sanitizer_reports.sh check DIR   after them: print every report and fail if there is one
#   sanitizer_reports.sh show FILE   print one report (integration/sanitizer.bash uses it)
# A process that cloned a child opened its report file up front (base/sanitizer.hpp), so empty
# files are normal: only a non-empty one is a report.
set -euo pipefail

usage() {
	echo "usage: sanitizer_reports.sh reset|check DIR | show FILE" >&2
	exit 2
}

# show FILE: the report, with "in FUNCTION FILE:LINE" added to the frames the process could not
# symbolize itself: a container init reports after pivot_root, where no llvm-symbolizer exists.
show() {
	local line frame where
	while IFS= read -r line; do
		if [[ "$line" =~ ^(.*#[0-9]+\ 0x[0-9a-f]+)\ +\(([^+\)]+)\+(0x[0-9a-f]+)\) ]] &&
			command -v llvm-symbolizer >/dev/null; then
			frame="${BASH_REMATCH[1]}"
			where="$(llvm-symbolizer --obj="${BASH_REMATCH[2]}" --no-inlines "${BASH_REMATCH[3]}" 2>/dev/null |
				head -n 2 | paste -sd ' ')" || where=""
			if [ -n "$where" ] && [[ "$where" != "??"* ]]; then
				printf '%s in %s\n' "$frame" "$where"
				continue
			fi
		fi
		printf '%s\n' "$line"
	done <"$1"
}

[ $# -eq 2 ] || usage
case "$1" in
reset)
	rm -rf -- "$2"
	mkdir -p -- "$2"
	chmod 1777 -- "$2"
	;;
check)
	[ -d "$2" ] || { echo "sanitizer: no report directory $2 (sanitizer.reset did not run)"; exit 1; }
	mapfile -t reports < <(find "$2" -type f -size +0 | sort)
	for report in "${reports[@]}"; do
		echo "==== $report"
		show "$report"
	done
	if [ "${#reports[@]}" -gt 0 ]; then
		echo "sanitizer: ${#reports[@]} report(s) in $2"
		exit 1
	fi
	echo "sanitizer: no report (and $(find "$2" -type f | wc -l) empty files of processes that cloned)"
	;;
show) show "$2" ;;
*) usage ;;
esac
