#!/usr/bin/env bats
# `cruntime list` (cli-contract §7.8): table, -q and json output over a hand-planted state root.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

HEADER="ID PID STATUS BUNDLE CREATED OWNER"
CREATED="2025-01-02T03:04:05.123456789Z"

# squeeze: the table is aligned with spaces; compare it with single spaces.
squeeze() {
	sed -e 's/[[:space:]]\+/ /g' -e 's/ $//'
}

# plant_three: "cre" (created), "run" (running) and "stop" (stopped) containers; sets
# CRE_PID and RUN_PID.
plant_three() {
	start_sleep
	CRE_PID="$SLEEP_PID"
	plant_state cre "$CRE_PID" "$(proc_start_time "$CRE_PID")"
	mkfifo -m 0622 "$TEST_ROOT/cre/exec.fifo"
	start_sleep
	RUN_PID="$SLEEP_PID"
	plant_state run "$RUN_PID" "$(proc_start_time "$RUN_PID")"
	start_sleep
	plant_state stop "$SLEEP_PID" "$(proc_start_time "$SLEEP_PID")"
	kill -KILL "$SLEEP_PID"
	wait "$SLEEP_PID" || true
}

@test "list on an empty root prints only the table header" {
	run -0 --separate-stderr cruntime list
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$(squeeze <<<"$output")" = "$HEADER" ]
}

@test "list -q on an empty root prints nothing" {
	run -0 --separate-stderr cruntime list -q
	[ -z "$output" ]
	[ -z "$stderr" ]
	run -0 cruntime list --quiet
	[ -z "$output" ]
}

@test "list --format json on an empty root prints []" {
	run -0 --separate-stderr cruntime list --format json
	[ "$output" = "[]" ]
	[ -z "$stderr" ]
	run -0 cruntime list --format=json
	[ "$output" = "[]" ]
	run -0 cruntime list -f json
	[ "$output" = "[]" ]
	run -0 cruntime list --format table
	[ "$(squeeze <<<"$output")" = "$HEADER" ]
}

@test "list with a bad --format is an error" {
	local format
	for format in yaml JSON ""; do
		run -1 --separate-stderr cruntime list --format "$format"
		[ -z "$output" ] || fail "--format '$format' printed: $output"
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "--format '$format': expected one stderr line, got: $stderr"
	done
	run -1 cruntime list --format
}

@test "list with a missing explicit --root is an error" {
	run -1 --separate-stderr "$CRUNTIME" --root "$BATS_TEST_TMPDIR/missing" list
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ ! -e "$BATS_TEST_TMPDIR/missing" ]
}

@test "list shows created, running and stopped containers sorted by id" {
	plant_three
	local owner
	owner="$(id -un)"

	run -0 --separate-stderr cruntime list -q
	[ -z "$stderr" ]
	[ "$output" = $'cre\nrun\nstop' ]

	run -0 --separate-stderr cruntime list
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 4 ]
	[ "$(squeeze <<<"${lines[0]}")" = "$HEADER" ]
	[ "$(squeeze <<<"${lines[1]}")" = "cre $CRE_PID created $BATS_TEST_TMPDIR/bundle-cre $CREATED $owner" ]
	[ "$(squeeze <<<"${lines[2]}")" = "run $RUN_PID running $BATS_TEST_TMPDIR/bundle-run $CREATED $owner" ]
	[ "$(squeeze <<<"${lines[3]}")" = "stop 0 stopped $BATS_TEST_TMPDIR/bundle-stop $CREATED $owner" ]
	# Columns are aligned: every STATUS starts at the same offset.
	local col=-1 line
	for line in "${lines[@]}"; do
		[[ "$line" =~ ^([^[:space:]]+[[:space:]]+[^[:space:]]+[[:space:]]+) ]]
		if [ "$col" -lt 0 ]; then col="${#BASH_REMATCH[1]}"; fi
		[ "${#BASH_REMATCH[1]}" -eq "$col" ] || fail "misaligned: $line"
	done
}

@test "list --format json prints one line with every state and its owner" {
	plant_three
	run -0 --separate-stderr cruntime list --format json
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 1 ]
	jq -e --arg owner "$(id -un)" --argjson cre "$CRE_PID" --argjson run "$RUN_PID" --arg tmp "$BATS_TEST_TMPDIR" '
		length == 3
		and ([.[].id] == ["cre", "run", "stop"])
		and ([.[].status] == ["created", "running", "stopped"])
		and ([.[].pid] == [$cre, $run, 0])
		and all(.[]; .owner == $owner and .ociVersion == "1.3.0" and .bundle == ($tmp + "/bundle-" + .id)
			and .rootfs == (.bundle + "/rootfs") and .created == "2025-01-02T03:04:05.123456789Z")' <<<"$output"
}

@test "list agrees with state for every container" {
	plant_three
	run -0 cruntime list --format json
	local listed="$output" id
	for id in cre run stop; do
		run -0 cruntime state "$id"
		# state leaves owner empty (runc); everything else matches.
		jq -e --argjson s "$output" --arg id "$id" \
			'.[] | select(.id == $id) | del(.owner) == ($s | del(.owner))' <<<"$listed"
	done
}

@test "list skips a corrupt state.json with a warning on stderr" {
	plant_three
	mkdir -m 0711 "$TEST_ROOT/broken"
	echo '{"ociVersion": "1.3.0", "id": "broken", ' >"$TEST_ROOT/broken/state.json"

	run -0 --separate-stderr cruntime_nolog list -q
	[ "$output" = $'cre\nrun\nstop' ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *broken* ]]

	run -0 --separate-stderr cruntime_nolog list --format json
	jq -e '[.[].id] == ["cre", "run", "stop"]' <<<"$output"
	[[ "$stderr" == *broken* ]]

	# With --log the warning goes to the log, and stdout stays pure JSON.
	run -0 --separate-stderr cruntime list --format json
	jq -e 'length == 3' <<<"$output"
	grep -q broken "$CRUNTIME_LOG"
}

@test "list skips a directory without state.json" {
	plant_three
	mkdir -m 0711 "$TEST_ROOT/half"
	run -0 --separate-stderr cruntime_nolog list -q
	[ "$output" = $'cre\nrun\nstop' ]
	# A crashed create is reported, so someone can `delete` it.
	[[ "$stderr" == *half* ]]
}

@test "list ignores files and symlinks in the root" {
	start_sleep
	plant_state real "$SLEEP_PID" "$(proc_start_time "$SLEEP_PID")"
	echo junk >"$TEST_ROOT/afile"
	ln -s "$TEST_ROOT/real" "$TEST_ROOT/link"
	run -0 cruntime list -q
	[ "$output" = real ]
	run -0 cruntime list --format json
	jq -e '[.[].id] == ["real"]' <<<"$output"
}

@test "list takes no arguments" {
	run -1 --separate-stderr cruntime list extra
	[ "${#stderr_lines[@]}" -eq 1 ]
}
