#!/usr/bin/env bats
# `cruntime state` (cli-contract §5, §7.7): live status derived from a hand-planted state dir.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

# plant_live ID [JQ-EDIT]: start a sleep, plant <root>/ID pointing at it; sets SLEEP_PID.
plant_live() {
	start_sleep
	plant_state "$1" "$SLEEP_PID" "$(proc_start_time "$SLEEP_PID")" "${2:-.}"
}

@test "state of a missing container: exit 1, one line saying it does not exist" {
	run -1 --separate-stderr cruntime state nosuch
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"does not exist"* ]]
	[[ "$stderr" == *nosuch* ]]
}

@test "state rejects bad container ids before touching the filesystem" {
	local long
	long="$(printf 'a%.0s' {1..1025})"
	# A valid state one level up: `state ..` must not read it.
	plant_state_at_parent() {
		jq -n --argjson pid "$1" --argjson start "$2" '{ociVersion: "1.3.0", id: "..", initPid: $pid,
			initStartTime: $start, bundle: "/", created: "2025-01-02T03:04:05Z"}' >"$BATS_TEST_TMPDIR/state.json"
	}
	start_sleep
	plant_state_at_parent "$SLEEP_PID" "$(proc_start_time "$SLEEP_PID")"

	local id
	for id in "" . .. a/b ../root "$long" 'a b' 'x;y' $'a\nb' 'é'; do
		run -1 --separate-stderr cruntime state "$id"
		[ -z "$output" ] || fail "state '$id' printed: $output"
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "state '$id': expected one stderr line, got: $stderr"
		[[ "$stderr" != *"does not exist"* ]] || fail "state '$id' was looked up: $stderr"
	done
	run -1 --separate-stderr cruntime state ""
	[[ "$stderr" == *"empty"* ]]
	run -1 --separate-stderr cruntime state ..
	[[ "$stderr" == *"invalid container ID format"* ]]
}

@test "state accepts every id character class" {
	local id
	for id in a Z9 a_b a+b a.b a-b ...x "$(printf 'a%.0s' {1..255})"; do
		run -1 --separate-stderr cruntime state "$id"
		[[ "$stderr" == *"does not exist"* ]] || fail "id '$id' was rejected: $stderr"
	done
}

@test "planted state: fifo present → created, fifo removed → running, init killed → stopped" {
	plant_live c1 '.annotations = {"org.example.key": "value"}'
	mkfifo -m 0622 "$TEST_ROOT/c1/exec.fifo"

	run -0 --separate-stderr cruntime state c1
	# go-runc decodes stdout+stderr combined: nothing may reach stderr on success.
	[ -z "$stderr" ]
	jq -e --argjson pid "$SLEEP_PID" --arg bundle "$BATS_TEST_TMPDIR/bundle-c1" '
		.ociVersion == "1.3.0" and .id == "c1" and .pid == $pid and .status == "created"
		and .bundle == $bundle and .rootfs == ($bundle + "/rootfs")
		and .created == "2025-01-02T03:04:05.123456789Z"
		and .annotations == {"org.example.key": "value"} and .owner == ""' <<<"$output"
	# runc's key order
	[ "$(jq -c keys_unsorted <<<"$output")" = '["ociVersion","id","pid","status","bundle","rootfs","created","annotations","owner"]' ]

	rm "$TEST_ROOT/c1/exec.fifo"
	run -0 cruntime state c1
	jq -e --argjson pid "$SLEEP_PID" '.status == "running" and .pid == $pid' <<<"$output"

	kill -KILL "$SLEEP_PID"
	wait "$SLEEP_PID" || true
	run -0 cruntime state c1
	jq -e '.status == "stopped" and .pid == 0' <<<"$output"
	# Status is derived, never stored: state.json is unchanged by reading it.
	jq -e --argjson pid "$SLEEP_PID" '.initPid == $pid' "$TEST_ROOT/c1/state.json"
}

@test "planted state: a zombie init is stopped" {
	start_sleep_unreaped
	plant_state z "$SLEEP_PID" "$(proc_start_time "$SLEEP_PID")"
	kill -KILL "$SLEEP_PID"
	# Not reaped yet: wait until the kernel shows it as a zombie.
	local i
	for i in $(seq 50); do
		[ "$(awk '{print $3}' "/proc/$SLEEP_PID/stat" 2>/dev/null)" = Z ] && break
		sleep 0.1
	done
	[ "$(awk '{print $3}' "/proc/$SLEEP_PID/stat")" = Z ]
	run -0 cruntime state z
	jq -e '.status == "stopped" and .pid == 0' <<<"$output"
}

@test "planted state: a reused pid (different start time) is stopped" {
	start_sleep
	plant_state reused "$SLEEP_PID" "$(($(proc_start_time "$SLEEP_PID") + 1))"
	run -0 cruntime state reused
	jq -e '.status == "stopped" and .pid == 0' <<<"$output"
	# The unrelated process is untouched.
	kill -0 "$SLEEP_PID"
}

@test "planted state: omitted annotations are omitted from the output" {
	plant_live plain 'del(.annotations)'
	run -0 cruntime state plain
	jq -e 'has("annotations") | not' <<<"$output"
	jq -e '.status == "running"' <<<"$output"
}

@test "a directory without state.json does not exist" {
	mkdir -m 0711 "$TEST_ROOT/half"
	run -1 --separate-stderr cruntime state half
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"does not exist"* ]]
}

@test "a corrupt state.json is a clear one-line error" {
	local content
	while IFS= read -r content; do
		rm -rf "${TEST_ROOT:?}/bad"
		mkdir -m 0711 "$TEST_ROOT/bad"
		printf '%s' "$content" >"$TEST_ROOT/bad/state.json"
		run -1 --separate-stderr cruntime state bad
		[ -z "$output" ] || fail "'$content': printed $output"
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "'$content': expected one stderr line, got: $stderr"
		[[ "$stderr" == *state.json* ]] || fail "'$content': error does not name state.json: $stderr"
		[[ "$stderr" == *bad* ]] || fail "'$content': error does not name the container: $stderr"
	done <<-'EOF'
		{"ociVersion": "1.3.0", "id": "bad", "initPid": 
		not json at all
		[]
		{"ociVersion": "1.3.0", "id": "bad", "initPid": "12", "initStartTime": 1, "bundle": "/b", "created": "x"}
		{"ociVersion": "1.3.0", "id": "bad", "initPid": -5, "initStartTime": 1, "bundle": "/b", "created": "x"}
		{"ociVersion": "1.3.0", "id": "bad", "initStartTime": 1, "bundle": "/b", "created": "x"}
	EOF
	# An empty file too (a crash between create and write would leave one without atomic writes).
	: >"$TEST_ROOT/bad/state.json"
	run -1 --separate-stderr cruntime state bad
	[ "${#stderr_lines[@]}" -eq 1 ]
}

@test "a symlinked container directory is refused" {
	# A complete, live container planted outside the root, linked into it.
	start_sleep
	mkdir "$BATS_TEST_TMPDIR/outside"
	PLANT_ROOT="$BATS_TEST_TMPDIR/outside" plant_state evil "$SLEEP_PID" "$(proc_start_time "$SLEEP_PID")"
	ln -s "$BATS_TEST_TMPDIR/outside/evil" "$TEST_ROOT/evil"

	run -1 --separate-stderr cruntime state evil
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	run -0 cruntime list -q
	[ -z "$output" ]
	# Nothing followed the link to delete or rewrite the target.
	[ -f "$BATS_TEST_TMPDIR/outside/evil/state.json" ]
	rm "$TEST_ROOT/evil"
}

@test "a symlinked state root is refused" {
	plant_live real
	ln -s "$TEST_ROOT" "$BATS_TEST_TMPDIR/root-link"
	run -1 --separate-stderr "$CRUNTIME" --root "$BATS_TEST_TMPDIR/root-link" state real
	[ "${#stderr_lines[@]}" -eq 1 ]
}

@test "state takes exactly one id" {
	run -1 --separate-stderr cruntime state
	[ "${#stderr_lines[@]}" -eq 1 ]
	run -1 --separate-stderr cruntime state a b
	[ "${#stderr_lines[@]}" -eq 1 ]
}
