#!/usr/bin/env bats
# The man pages and the bash completion the build writes from the command table (src/cli/docs):
# each agrees with what `cruntime --help` prints, the pages render without a roff warning, the
# completion works in bash as a user would get it, and `cmake --install` puts both in place.

load helpers

BUILD_DIR="$(realpath -m "${CRUNTIME_BUILD_DIR:-$INTEGRATION_DIR/../build}")"
MAN_DIR="$BUILD_DIR/man"
COMPLETION="$BUILD_DIR/completion/cruntime.bash"

setup() {
	common_setup
	[ -f "$COMPLETION" ] || fail "no $COMPLETION (the build's docs target writes it)"
	[ -f "$MAN_DIR/cruntime.8" ] || fail "no $MAN_DIR/cruntime.8 (the build's docs target writes it)"
}

teardown() { common_teardown; }

# complete_line WORD...: what _cruntime offers for the command line WORD... (the last word is the
# one being completed), one per line: the generated script sourced in a fresh bash, with
# COMP_WORDS and COMP_CWORD set as bash sets them for a <TAB>.
complete_line() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	bash -c 'source "$1" || exit 1; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_cruntime || exit 1
		((${#COMPREPLY[@]} == 0)) || printf "%s\n" "${COMPREPLY[@]}"' complete_line "$COMPLETION" "$@"
}

# help_commands: the command names `cruntime --help` lists (help itself excluded).
help_commands() {
	"$CRUNTIME" --help | awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on && $1 != "help" { print $1 }'
}

# help_flags CMD: every long and short flag `cruntime CMD --help` lists, one per line.
help_flags() {
	"$CRUNTIME" "$1" --help | awk '/^Options:/ { on = 1; next } on' | grep -oE '(^|[ ,])--?[a-z][a-z0-9-]*' |
		tr -d ' ,'
}

# has WORD: $output has WORD as one of its lines.
has() { grep -qxF -- "$1" <<<"$output" || fail "'$1' not in: $(tr '\n' ' ' <<<"$output")"; }
has_not() { ! grep -qxF -- "$1" <<<"$output" || fail "'$1' offered: $(tr '\n' ' ' <<<"$output")"; }

@test "completion: command names, from the first letters and after global options" {
	run -0 complete_line cruntime ex
	[ "$output" = exec ]
	run -0 complete_line cruntime --debug --root /tmp st
	[ "$(sort <<<"$output" | tr '\n' ' ')" = "start state " ]
	run -0 complete_line cruntime ""
	local command commands
	commands="$(help_commands)"
	for command in $commands; do has "$command"; done
	has help
	[ "${#lines[@]}" -eq "$(($(wc -l <<<"$commands") + 1))" ]
	run -0 complete_line cruntime help ru
	[ "$output" = run ]
}

@test "completion: exec's flags, long and short" {
	run -0 complete_line cruntime exec --
	has --tty
	has --cwd
	has --env
	has --help
	has_not -t
	run -0 complete_line cruntime exec -
	has -t
	has --tty
	run -0 complete_line cruntime exec --t
	[ "$output" = --tty ]
}

@test "completion: every flag of every command's --help, and of the global --help" {
	local command flag flags
	for command in $(help_commands); do
		flags="$(help_flags "$command")"
		run -0 complete_line cruntime "$command" -
		for flag in $flags; do has "$flag"; done
		[ "${#lines[@]}" -eq "$(wc -l <<<"$flags")" ] ||
			fail "$command: ${#lines[@]} words offered for the flags $flags"
	done
	run -0 complete_line cruntime -
	for flag in $("$CRUNTIME" --help | awk '/^Global options:/ { on = 1; next } on' |
		grep -oE '(^|[ ,])--?[a-z][a-z0-9-]*' | tr -d ' ,'); do
		has "$flag"
	done
}

@test "completion: a flag's value never completes as a command or a flag" {
	mkdir "$BATS_TEST_TMPDIR/bundle-dir"
	run -0 complete_line cruntime --root ""
	has_not create
	run -0 complete_line cruntime --root "$BATS_TEST_TMPDIR/bundle-d"
	[ "$output" = "$BATS_TEST_TMPDIR/bundle-dir" ]
	# --root=DIR, which bash splits at '=' (COMP_WORDBREAKS)
	run -0 complete_line cruntime --root = "$BATS_TEST_TMPDIR/bundle-d"
	[ "$output" = "$BATS_TEST_TMPDIR/bundle-dir" ]
	run -0 complete_line cruntime --rootless ""
	[ "$(tr '\n' ' ' <<<"$output")" = "true false auto " ]
	run -0 complete_line cruntime create -b "$BATS_TEST_TMPDIR/bundle-d"
	[ "$output" = "$BATS_TEST_TMPDIR/bundle-dir" ]
	run -0 complete_line cruntime exec --env ""
	[ -z "$output" ]
	run -0 complete_line cruntime update --cpu-idle ""
	[ "$(tr '\n' ' ' <<<"$output")" = "0 1 " ]
	# after the value, flags again
	run -0 complete_line cruntime create -b /tmp --no-p
	[ "$output" = --no-pivot ]
}

@test "completion: kill <TAB> offers the ids of the --root given on the line" {
	requires_root
	setup_bundle
	set_args sleep 1000
	rund -0 cr run -d -b "$BUNDLE" docs-ct
	[ "$(status_of docs-ct)" = running ]
	run -0 complete_line "$CRUNTIME" --root "$TEST_ROOT" kill ""
	[ "$output" = docs-ct ]
	run -0 complete_line "$CRUNTIME" --root = "$TEST_ROOT" state do
	[ "$output" = docs-ct ]
	# as a user types it: `cruntime` found on PATH
	mkdir "$BATS_TEST_TMPDIR/bin"
	ln -s "$CRUNTIME" "$BATS_TEST_TMPDIR/bin/cruntime"
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" run -0 complete_line cruntime --root "$TEST_ROOT" delete ""
	[ "$output" = docs-ct ]
	# no id where the command takes none, nor after the id of exec (the process's arguments)
	run -0 complete_line "$CRUNTIME" --root "$TEST_ROOT" list ""
	[ -z "$output" ]
	run -0 complete_line "$CRUNTIME" --root "$TEST_ROOT" exec docs-ct ""
	[ -z "$output" ]
	run -0 complete_line "$CRUNTIME" --root "$TEST_ROOT" exec docs-ct --
	[ -z "$output" ]
	# another root: not this container
	mkdir -m 0700 "$BATS_TEST_TMPDIR/other-root"
	run -0 complete_line "$CRUNTIME" --root "$BATS_TEST_TMPDIR/other-root" kill ""
	[ -z "$output" ]
	rund -0 cr kill docs-ct KILL
}

@test "man pages: cruntime(8) and one page per command of --help, no other" {
	local expected
	expected="$( (echo cruntime.8; help_commands | sed 's/^/cruntime-/; s/$/.8/') | sort)"
	[ "$(cd "$MAN_DIR" && ls -- *.8 | sort)" = "$expected" ]
	[ "$(cd "$MAN_DIR" && ls -- *.8.gz | sed 's/\.gz$//' | sort)" = "$expected" ]
	local page
	for page in "$MAN_DIR"/*.8; do
		cmp -s "$page" <(gzip -dc "$page.gz") || fail "$page.gz is not $page"
	done
}

@test "man pages: every page renders without a roff warning and shows every flag of --help" {
	requires groff
	local command flag text err="$BATS_TEST_TMPDIR/groff.err"
	# render PAGE: the page as plain text (-P-cbou) on a wide line (no flag hyphenated); any roff
	# warning (-ww) fails the test
	render() {
		text="$(groff -man -Tutf8 -ww -rLL=200n -P-cbou "$1" 2>"$err")" || fail "groff failed on $1"
		[ ! -s "$err" ] || fail "$1: $(cat "$err")"
	}
	for command in $(help_commands); do
		render "$MAN_DIR/cruntime-$command.8"
		grep -q "^NAME" <<<"$text" || fail "cruntime-$command.8: no NAME section"
		grep -qF "cruntime-$command - " <<<"$text" || fail "cruntime-$command.8: no name line"
		for flag in $(help_flags "$command"); do
			grep -qE -- "(^|[ ,])$flag([ ,]|$)" <<<"$text" || fail "cruntime-$command.8 does not show $flag"
		done
	done
	render "$MAN_DIR/cruntime.8"
	for command in $(help_commands); do
		grep -qE "^ +$command( |$)" <<<"$text" || fail "cruntime(8) does not list $command"
	done
	grep -qF -- "--root DIR" <<<"$text" || fail "cruntime(8) does not show --root DIR"
}

@test "cmake --install puts the binary, the man pages and the completion in place" {
	requires cmake
	local prefix="$BATS_TEST_TMPDIR/prefix"
	run -0 cmake --install "$BUILD_DIR" --prefix "$prefix"
	[ -x "$prefix/bin/cruntime" ]
	cmp -s "$prefix/share/bash-completion/completions/cruntime" "$COMPLETION"
	local page
	for page in "$MAN_DIR"/*.8; do
		cmp -s "$prefix/share/man/man8/${page##*/}.gz" "$page.gz" || fail "${page##*/}.gz not installed"
	done
	[ "$(find "$prefix/share/man/man8" -type f | wc -l)" -eq "$(ls "$MAN_DIR"/*.8 | wc -l)" ]
}
