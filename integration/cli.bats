#!/usr/bin/env bats
# The command-line surface (cli-contract §1-§4, §7.16): help, version, errors, option spellings, logs.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

IMPLEMENTED=(create start run kill delete state list spec features pause resume ps events update exec check)
NOT_IMPLEMENTED=(checkpoint restore)

@test "--help and -h print the command list and exit 0" {
	local flag cmd
	for flag in --help -h help h; do
		run -0 --separate-stderr "$CRUNTIME" $flag
		[ -n "$output" ] || fail "$flag printed nothing"
		[ -z "$stderr" ] || fail "$flag wrote to stderr: $stderr"
		for cmd in create start run kill delete exec pause resume ps events update state list spec features check; do
			grep -qw -- "$cmd" <<<"$output" || fail "$flag does not mention '$cmd'"
		done
	done
}

@test "help CMD and CMD --help describe every command" {
	local cmd
	for cmd in "${IMPLEMENTED[@]}" "${NOT_IMPLEMENTED[@]}"; do
		run -0 --separate-stderr "$CRUNTIME" help "$cmd"
		local help_output="$output"
		grep -qw -- "$cmd" <<<"$help_output" || fail "help $cmd does not name the command"
		[ -z "$stderr" ] || fail "help $cmd wrote to stderr: $stderr"

		run -0 --separate-stderr "$CRUNTIME" "$cmd" --help
		grep -qw -- "$cmd" <<<"$output" || fail "$cmd --help does not name the command"
		[ "$output" = "$help_output" ] || fail "'$cmd --help' differs from 'help $cmd'"

		run -0 --separate-stderr "$CRUNTIME" "$cmd" -h
		[ "$output" = "$help_output" ] || fail "'$cmd -h' differs from 'help $cmd'"
	done
}

@test "help for an unknown command fails" {
	run -1 --separate-stderr "$CRUNTIME" help frobnicate
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *frobnicate* ]]
}

@test "--version prints version, commit, spec and libseccomp lines" {
	run -0 --separate-stderr "$CRUNTIME" --version
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 4 ]
	local project_version
	project_version="$(sed -n 's/^project(cruntime VERSION \([0-9.]*\).*/\1/p' "$INTEGRATION_DIR/../CMakeLists.txt")"
	[ -n "$project_version" ]
	[ "${lines[0]}" = "cruntime version $project_version" ]
	[[ "${lines[1]}" =~ ^commit:\ ([0-9a-f]{7,40}|unknown)$ ]]
	[[ "${lines[2]}" =~ ^spec:\ 1\.[0-9]+\.[0-9]+$ ]]
	[[ "${lines[3]}" =~ ^libseccomp:\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	# The runtime library is the one the build found (same Debian package version).
	if command -v pkg-config >/dev/null && pkg-config --exists libseccomp; then
		[ "${lines[3]}" = "libseccomp: $(pkg-config --modversion libseccomp)" ]
	fi

	local version_output="$output"
	run -0 "$CRUNTIME" -v
	[ "$output" = "$version_output" ]
}

@test "--version's spec line matches features and spec" {
	run -0 "$CRUNTIME" --version
	local spec_version="${lines[2]#spec: }"
	run -0 "$CRUNTIME" features
	[ "$(jq -r .ociVersionMax <<<"$output")" = "$spec_version" ]
	run -0 "$CRUNTIME" spec
	[ "$(jq -r .ociVersion config.json)" = "$spec_version" ]
}

@test "an unknown command exits 1 with one line on stderr" {
	run -1 --separate-stderr cruntime frobnicate
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *frobnicate* ]]
}

@test "unknown flags exit 1 and name the flag" {
	local -a cmdline
	local line
	while IFS= read -r line; do
		read -ra cmdline <<<"$line"
		run -1 --separate-stderr cruntime "${cmdline[@]}"
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "'$line': expected one stderr line, got: $stderr"
		[[ "$stderr" == *bogus* ]] || fail "'$line': error does not name the flag: $stderr"
	done <<-'EOF'
		--bogus list
		list --bogus
		list --bogus=1
		state --bogus x
		spec --bogus
		features --bogus
		list -bogus
	EOF
	# The failing spec call wrote nothing (common_setup made the test dir the cwd).
	[ ! -e config.json ]
}

@test "a global option needs its value" {
	run -1 --separate-stderr "$CRUNTIME" --root
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *root* ]]
}

@test "global --root accepts all three spellings" {
	# An existing empty root lists as []; a missing explicit root is an error, so the value
	# demonstrably reaches the command.
	local missing="$BATS_TEST_TMPDIR/missing"
	run -0 "$CRUNTIME" --root "$TEST_ROOT" list --format json
	[ "$output" = "[]" ]
	run -0 "$CRUNTIME" --root="$TEST_ROOT" list --format json
	[ "$output" = "[]" ]
	run -0 "$CRUNTIME" -root "$TEST_ROOT" list --format json
	[ "$output" = "[]" ]
	run -1 "$CRUNTIME" --root "$missing" list
	run -1 "$CRUNTIME" --root="$missing" list
	run -1 "$CRUNTIME" -root "$missing" list
	[ ! -e "$missing" ]
}

@test "--root / is rejected" {
	run -1 --separate-stderr "$CRUNTIME" --root / list
	[ "${#stderr_lines[@]}" -eq 1 ]
	run -1 --separate-stderr "$CRUNTIME" --root /tmp/.. list
	[ "${#stderr_lines[@]}" -eq 1 ]
}

@test "command options accept all spellings" {
	local dir n=0 spelling
	for spelling in "--bundle D" "--bundle=D" "-bundle D" "-b D"; do
		dir="$BATS_TEST_TMPDIR/bundle$((n += 1))"
		mkdir "$dir"
		# shellcheck disable=SC2086 # split "--bundle D" into two words
		run -0 cruntime spec ${spelling//D/$dir}
		[ -f "$dir/config.json" ] || fail "spec $spelling did not write $dir/config.json"
	done
	for spelling in "--format json" "--format=json" "-format json" "-f json"; do
		# shellcheck disable=SC2086
		run -0 cruntime list $spelling
		[ "$output" = "[]" ] || fail "list $spelling printed: $output"
	done
}

@test "boolean options accept =true and =false" {
	mkdir t f
	run -0 cruntime spec --bundle t --rootless=true
	run -0 cruntime spec --bundle f --rootless=false
	jq -e '[.linux.namespaces[].type] | index("user")' t/config.json
	jq -e '[.linux.namespaces[].type] | index("user") | not' f/config.json
	run -1 cruntime spec --bundle f --rootless=maybe
}

@test "wrong positional counts print usage on stdout and an error on stderr" {
	local -a cmdline
	local line
	while IFS= read -r line; do
		read -ra cmdline <<<"$line"
		run -1 --separate-stderr cruntime "${cmdline[@]}"
		grep -qi usage <<<"$output" || fail "'$line': no usage on stdout: $output"
		grep -qw -- "${cmdline[0]}" <<<"$output" || fail "'$line': usage does not name the command"
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "'$line': expected one stderr line, got: $stderr"
	done <<-'EOF'
		state
		state a b
		list extra
		spec extra
		features extra
	EOF
}

@test "every not-yet-implemented command exits 1 saying so" {
	local cmd
	local -a args
	for cmd in "${NOT_IMPLEMENTED[@]}"; do
		args=(ctr)
		run -1 --separate-stderr cruntime "$cmd" "${args[@]}"
		[ "$stderr" = "cruntime: $cmd: not implemented yet" ] || fail "$cmd said: $stderr"
		[ -z "$output" ] || fail "$cmd wrote to stdout: $output"
	done
	# None of them left anything in the state root.
	[ -z "$(state_entries "$TEST_ROOT")" ]
}

@test "--log-format json writes one valid JSON record for a failing command" {
	local log="$BATS_TEST_TMPDIR/log.json"
	run -1 --separate-stderr "$CRUNTIME" --root "$TEST_ROOT" --log "$log" --log-format json state nosuch
	# The error still reaches stderr in plain text.
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"does not exist"* ]]
	[ -z "$output" ]
	# podman parses the whole file as one object: exactly one record without --debug.
	[ "$(wc -l <"$log")" -eq 1 ]
	[ "$(tail -c1 "$log" | od -An -c | tr -d ' ')" = '\n' ]
	jq -e '.level == "error" and (.msg | type == "string" and contains("does not exist"))' "$log"
	local time
	time="$(jq -r .time "$log")"
	[[ "$time" =~ $RFC3339_RE ]] || fail "time is not RFC 3339: $time"
	# ...and it is the current time, give or take a minute.
	local now logged
	now="$(date +%s)"
	logged="$(date -d "$time" +%s)"
	[ $((now - logged)) -le 60 ] && [ $((logged - now)) -le 60 ] || fail "time $time is not now"
	# mode 0644 (before umask), as runc opens it
	[ "$(stat -c %a "$log")" = "$(printf '%o' $((0644 & ~0$(umask))))" ]
}

@test "--log appends and never truncates" {
	local log="$BATS_TEST_TMPDIR/log.json"
	echo '{"level":"info","msg":"earlier record","time":"2025-01-02T03:04:05Z"}' >"$log"
	run -1 "$CRUNTIME" --root "$TEST_ROOT" --log "$log" --log-format json state nosuch
	run -1 "$CRUNTIME" --root "$TEST_ROOT" --log "$log" --log-format=json state other
	[ "$(wc -l <"$log")" -eq 3 ]
	[ "$(head -n1 "$log" | jq -r .msg)" = "earlier record" ]
	# Every line is a JSON object; containerd takes the msg of the last error record.
	jq -e -s 'length == 3 and all(.[]; type == "object")' "$log"
	[[ "$(jq -r -s 'map(select(.level == "error")) | last | .msg' "$log")" == *other* ]]
}

@test "--log-format json with --debug still writes only JSON lines" {
	local log="$BATS_TEST_TMPDIR/log.json"
	run -1 "$CRUNTIME" --debug --root "$TEST_ROOT" --log "$log" --log-format json state nosuch
	[ "$(wc -l <"$log")" -ge 1 ]
	local line
	while IFS= read -r line; do
		jq -e --arg re "$RFC3339_RE" \
			'(.level | IN("debug", "info", "warning", "error", "fatal")) and (.msg | type == "string") and (.time | test($re))' \
			<<<"$line" >/dev/null || fail "bad log line: $line"
	done <"$log"
	[ "$(tail -n1 "$log" | jq -r .level)" = error ]
}

@test "text --log gets the error too" {
	local log="$BATS_TEST_TMPDIR/log.txt"
	run -1 "$CRUNTIME" --root "$TEST_ROOT" --log "$log" state nosuch
	grep -q 'does not exist' "$log"
	grep -q 'error' "$log"
}

@test "an invalid --log-format is an error" {
	local log="$BATS_TEST_TMPDIR/log"
	run -1 --separate-stderr "$CRUNTIME" --root "$TEST_ROOT" --log "$log" --log-format yaml list
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"invalid log-format"* ]]
	[ -z "$output" ]
	run -1 --separate-stderr "$CRUNTIME" --root "$TEST_ROOT" --log-format= list
	[[ "$stderr" == *"invalid log-format"* ]]
}

@test "informational commands do not create the state root" {
	local missing="$BATS_TEST_TMPDIR/not-here"
	run -0 "$CRUNTIME" --root "$missing" features
	run -0 "$CRUNTIME" --root "$missing" --version
	run -0 "$CRUNTIME" --root "$missing" --help
	run -0 "$CRUNTIME" --root "$missing" spec
	run -1 "$CRUNTIME" --root "$missing" state nosuch
	[ ! -e "$missing" ]
}
