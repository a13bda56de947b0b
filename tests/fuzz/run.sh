#!/usr/bin/env bash
# Runs libFuzzer targets one after the other (`make fuzz`): each for SECONDS, seeded with the
# committed corpus (tests/fuzz/corpus/<name>) and growing a work corpus in the build directory.
# Fails when any target crashes, leaks, times out or breaks an invariant; the input that did it
# is in <build>/fuzz/artifacts/ (add it to the committed corpus once fixed, as regress-<what>).
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS [NAME...]   (default: every target)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:?usage: run.sh BUILD_DIR SECONDS [NAME...]}"
seconds="${2:?usage: run.sh BUILD_DIR SECONDS [NAME...]}"
shift 2
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for source in "$here"/*_fuzz.cpp; do
		name="$(basename "$source" _fuzz.cpp)"
		names+=("$name")
	done
fi

# Per target: the dictionary and the largest input worth trying. The JSON documents may be up to
# 4 MiB (kMaxConfigBytes), but mutations beyond 64 KiB only repeat what smaller ones find, slower.
options_of() {
	case "$1" in
	config | process | resources | state | seccomp) echo "-dict=$here/oci.dict -max_len=65536" ;;
	mount_options) echo "-dict=$here/mount.dict -max_len=4096" ;;
	cli) echo "-dict=$here/cli.dict -max_len=4096" ;;
	*) echo "-max_len=16384" ;;
	esac
}

out="$build/fuzz"
mkdir -p "$out/artifacts" "$out/tmp"
# The targets that read files make their private directory under $TMPDIR; one that crashes
# cannot remove it, so it stays in the build directory rather than in /tmp.
export TMPDIR="$out/tmp"
failed=()
for name in "${names[@]}"; do
	binary="$build/tests/fuzz/${name}_fuzz"
	if [ ! -x "$binary" ]; then
		echo "fuzz: $binary is missing (configure $build with -DCRUNTIME_FUZZ=ON and build it)" >&2
		exit 1
	fi
	mkdir -p "$out/corpus/$name"
	log="$out/$name.log"
	start=$(date +%s)
	# shellcheck disable=SC2046  # options_of gives separate words
	"$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
		$(options_of "$name") -print_final_stats=1 -artifact_prefix="$out/artifacts/$name-" \
		"$out/corpus/$name" "$here/corpus/$name" >"$log" 2>&1
	status=$?
	execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
	echo "fuzz: $name: exit $status, ${execs:-?} executions in $(($(date +%s) - start)) s (log: $log)"
	if [ "$status" -ne 0 ]; then
		failed+=("$name")
		grep -E -A30 '^==[0-9]+==|runtime error|fuzz invariant broken|Test unit written' "$log" | head -60
	fi
done
if [ ${#failed[@]} -ne 0 ]; then
	echo "fuzz: findings in: ${failed[*]} (inputs in $out/artifacts)" >&2
	exit 1
fi
