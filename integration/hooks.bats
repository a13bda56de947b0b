#!/usr/bin/env bats
# OCI hooks (cli-contract §10.1, §13.2-13.5): order, state on stdin, namespaces, args/env, cwd,
# timeout, and what a failure at each stage does.

load helpers
load lifecycle_helpers

setup() {
	lc_setup
	add_shared_dir
	set_args sh -c 'echo ran >/shared/marker; exec sleep 1000'
}
teardown() { lc_teardown; }

# hook NAME [DIR] [EXTRA-SHELL]: a hook object running /bin/sh that saves its stdin to
# DIR/NAME.json, its network namespace inode to DIR/NAME.netns, appends NAME to DIR/hooks.log,
# then runs EXTRA-SHELL. DIR defaults to $SHARED; startContainer hooks run after pivot_root and
# use /shared, the same directory seen from inside.
hook() {
	local name="$1" dir="${2:-$SHARED}" extra="${3:-}"
	local script='/bin/cat >"'"$dir"'/$0.json"; /bin/stat -L -c %i /proc/self/ns/net >"'"$dir"'/$0.netns"
		echo "$0" >>"'"$dir"'/hooks.log"; '"$extra"
	jq -cn --arg script "$script" --arg name "$name" '{path: "/bin/sh", args: ["sh", "-c", $script, $name]}'
}

# set_hooks JQ-OBJECT: .hooks = the object.
set_hooks() {
	update_config ".hooks = $1"
}

hooks_log() {
	cat "$SHARED/hooks.log" 2>/dev/null | tr '\n' ' '
}

@test "all six hooks run in order, listed order within a stage" {
	set_hooks '{"prestart": ['"$(hook prestart1),$(hook prestart2)"'],
		"createRuntime": ['"$(hook createRuntime)"'], "createContainer": ['"$(hook createContainer)"'],
		"startContainer": ['"$(hook startContainer /shared)"'], "poststart": ['"$(hook poststart)"'],
		"poststop": ['"$(hook poststop1),$(hook poststop2)"']}'
	rund -0 cr create -b "$BUNDLE" ct
	[ "$(hooks_log)" = "prestart1 prestart2 createRuntime createContainer " ]
	[ ! -e "$SHARED/marker" ]
	rund -0 cr start ct
	[ "$(hooks_log)" = "prestart1 prestart2 createRuntime createContainer startContainer poststart " ]
	wait_for_file "$SHARED/marker"
	rund -0 cr kill ct KILL
	wait_for_status ct stopped
	rund -0 cr delete ct
	[ "$(hooks_log)" = "prestart1 prestart2 createRuntime createContainer startContainer poststart poststop1 poststop2 " ]
}

@test "hooks get the state on stdin: id, bundle, status, pid, annotations, ociVersion" {
	update_config '.annotations = {"org.lc.key": "v1"}'
	set_hooks '{"prestart": ['"$(hook prestart)"'], "createRuntime": ['"$(hook createRuntime)"'],
		"createContainer": ['"$(hook createContainer)"'],
		"startContainer": ['"$(hook startContainer /shared)"'], "poststart": ['"$(hook poststart)"'],
		"poststop": ['"$(hook poststop)"']}'
	rund -0 cr create -b "$BUNDLE" ct
	local state pid version
	state="$(cr state ct)"
	pid="$(jq -r .pid <<<"$state")"
	version="$(jq -r .ociVersion <<<"$state")"
	rund -0 cr start ct
	rund -0 cr delete --force ct

	local name json
	for name in prestart createRuntime createContainer startContainer poststart poststop; do
		json="$(cat "$SHARED/$name.json")"
		[ "$(jq -r .id <<<"$json")" = ct ] || fail "$name: $json"
		[ "$(jq -r .bundle <<<"$json")" = "$BUNDLE" ] || fail "$name: $json"
		[ "$(jq -r .ociVersion <<<"$json")" = "$version" ] || fail "$name: $json"
		[ "$(jq -c .annotations <<<"$json")" = '{"org.lc.key":"v1"}' ] || fail "$name: $json"
	done
	# runtime namespaces: the init's host pid; container namespaces: its pid there (1).
	[ "$(jq -c '[.status, .pid]' "$SHARED/prestart.json")" = "[\"created\",$pid]" ]
	[ "$(jq -c '[.status, .pid]' "$SHARED/createRuntime.json")" = "[\"created\",$pid]" ]
	[ "$(jq -c '[.status, .pid]' "$SHARED/createContainer.json")" = '["created",1]' ]
	[ "$(jq -c '[.status, .pid]' "$SHARED/startContainer.json")" = '["created",1]' ]
	[ "$(jq -c '[.status, .pid]' "$SHARED/poststart.json")" = "[\"running\",$pid]" ]
	[ "$(jq -c '[.status, has("pid")]' "$SHARED/poststop.json")" = '["stopped",false]' ]
}

@test "createContainer and startContainer run in the container's namespaces, the others not" {
	set_hooks '{"prestart": ['"$(hook prestart)"'], "createContainer": ['"$(hook createContainer)"'],
		"startContainer": ['"$(hook startContainer /shared)"'], "poststart": ['"$(hook poststart)"']}'
	set_args sh -c 'stat -L -c %i /proc/self/ns/net >/shared/container.netns; exec sleep 1000'
	rund -0 cr run -d -b "$BUNDLE" ct
	wait_for_file "$SHARED/container.netns"
	local host container
	host="$(ns_inode $$ net)"
	container="$(cat "$SHARED/container.netns")"
	[ "$container" != "$host" ]
	[ "$(cat "$SHARED/prestart.netns")" = "$host" ]
	[ "$(cat "$SHARED/poststart.netns")" = "$host" ]
	[ "$(cat "$SHARED/createContainer.netns")" = "$container" ] ||
		fail "createContainer netns $(cat "$SHARED/createContainer.netns"), container $container, host $host"
	[ "$(cat "$SHARED/startContainer.netns")" = "$container" ]
}

@test "hook args and env are passed exactly; no env means the runtime's; cwd is the bundle" {
	local d="$SHARED"
	local exact given
	exact="$(jq -cn --arg d "$d" '{path: "/bin/sh",
		args: ["sh", "-c", "/bin/cat /proc/$$/cmdline >\($d)/argv; /bin/cat /proc/$$/environ >\($d)/env
			pwd >\($d)/cwd", "n0", "a b", ""],
		env: ["FOO=bar", "X=y z"]}')"
	given="$(jq -cn --arg d "$d" '{path: "/bin/sh",
		args: ["sh", "-c", "/bin/tr \"\\0\" \"\\n\" </proc/$$/environ >\($d)/runtime-env"]}')"
	set_hooks "{\"prestart\": [$exact, $given]}"
	rund -0 cr create -b "$BUNDLE" ct

	# Byte for byte: every argument NUL-terminated, the empty one included.
	jq -j '.args[] + "\u0000"' <<<"$exact" >"$BATS_TEST_TMPDIR/argv.expected"
	cmp "$BATS_TEST_TMPDIR/argv.expected" "$d/argv" || fail "argv: $(tr '\0' '|' <"$d/argv")"
	printf 'FOO=bar\0X=y z\0' >"$BATS_TEST_TMPDIR/env.expected"
	cmp "$BATS_TEST_TMPDIR/env.expected" "$d/env" || fail "env: $(tr '\0' '|' <"$d/env")"
	[ "$(cat "$d/cwd")" = "$BUNDLE" ]
	grep -qx "LC_TAG=$LC_TAG" "$d/runtime-env"
}

@test "a hook that outlives its timeout is killed and fails create; nothing is left" {
	snapshot_host
	set_hooks '{"prestart": [{"path": "/bin/sh", "timeout": 1,
		"args": ["sh", "-c", "echo $$ >'"$SHARED"'/hook.pid; exec /bin/sleep 30"]}]}'
	SECONDS=0
	rund -1 cr create -b "$BUNDLE" ct
	[ "$SECONDS" -lt 15 ] || fail "create took $SECONDS s with a 1 s hook timeout"
	assert_one_error_line "prestart"
	assert_nothing_left
	local hook_pid
	hook_pid="$(cat "$SHARED/hook.pid")"
	wait_for_exit "$hook_pid" || fail "the timed-out hook $hook_pid is still running"
	[ ! -e "$SHARED/marker" ]
}

@test "a failing prestart, createRuntime or createContainer hook fails create; nothing is left" {
	local stage fail_hook
	for stage in prestart createRuntime createContainer; do
		snapshot_host
		rm -f "$SHARED/hooks.log"
		fail_hook="$(hook "$stage" "$SHARED" 'echo "broken-$0" >&2; exit 3')"
		set_hooks "{\"$stage\": [$fail_hook], \"poststop\": [$(hook poststop)]}"
		rund -1 cr create -b "$BUNDLE" ct
		assert_one_error_line "broken-$stage"
		assert_nothing_left
		# runtime.md: a failed create-time hook continues the lifecycle at delete: poststop runs.
		[ "$(hooks_log)" = "$stage poststop " ] || fail "$stage: hooks ran: $(hooks_log)"
	done
	[ ! -e "$SHARED/marker" ]
}

@test "a failing startContainer hook fails start; the process never runs" {
	set_hooks '{"startContainer": ['"$(hook startContainer /shared 'echo broken-start >&2; exit 3')"']}'
	rund -0 cr create -b "$BUNDLE" ct
	rund -1 cr start ct
	assert_one_error_line "broken-start"
	wait_for_status ct stopped
	[ ! -e "$SHARED/marker" ] || fail "the process ran after its startContainer hook failed"
}

@test "a failing poststart hook fails start and kills the container" {
	set_hooks '{"poststart": ['"$(hook poststart "$SHARED" 'echo broken-poststart >&2; exit 3')"']}'
	rund -0 cr create -b "$BUNDLE" ct
	rund -1 cr start ct
	assert_one_error_line "broken-poststart"
	wait_for_status ct stopped
}

@test "a failing poststop hook: delete still succeeds with a warning; later hooks run" {
	set_hooks '{"poststop": ['"$(hook poststop1 "$SHARED" 'echo broken-poststop >&2; exit 3'),$(hook poststop2)"']}'
	rund -0 cr run -d -b "$BUNDLE" ct
	rund -0 cr kill ct KILL
	wait_for_status ct stopped
	rund -0 cr delete ct
	[ ! -e "$TEST_ROOT/ct" ]
	[ "$(hooks_log)" = "poststop1 poststop2 " ]
	grep -q 'level=warning.*poststop' "$CRUNTIME_LOG" || fail "no poststop warning in the log: $(cat "$CRUNTIME_LOG")"
}

@test "invalid hooks are refused at create: relative path, timeout <= 0" {
	snapshot_host
	set_hooks '{"prestart": [{"path": "bin/true"}]}'
	rund -1 cr create -b "$BUNDLE" ct
	assert_one_error_line "bin/true"
	assert_nothing_left
	local t
	for t in 0 -1; do
		set_hooks '{"prestart": [{"path": "/bin/true", "timeout": '"$t"'}]}'
		rund -1 cr create -b "$BUNDLE" ct
		assert_one_error_line "timeout"
		assert_nothing_left
	done
	set_hooks '{"prestart": [{"path": "/nonexistent/hook"}]}'
	rund -1 cr create -b "$BUNDLE" ct
	assert_one_error_line "/nonexistent/hook"
	assert_nothing_left
}
