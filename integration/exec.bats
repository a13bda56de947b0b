#!/usr/bin/env bats
# `cruntime exec` (cli-contract §7.4, §8.2-8.7, §6): the process joins the container (every
# namespace, its cgroup, its security context), each flag's effect seen from inside, the status
# matrix, exit statuses, and what the joining process must never expose (security.md 3-5).

load helpers
load lifecycle_helpers

setup() {
	lc_setup
	SOCK="$BATS_TEST_TMPDIR/console.sock"
	INFO="$BATS_TEST_TMPDIR/recvtty.info"
	TTY_OUT="$BATS_TEST_TMPDIR/recvtty.out"
}
teardown() { lc_teardown; }

# field TEXT KEY: the value of "KEY:\tvalue" in /proc/<pid>/status text.
field() {
	awk -v k="$2:" '$1 == k { print $2 }' <<<"$1"
}

# requires_freezer: pause needs a freezer (v1 hierarchy, or cgroup v2).
requires_freezer() {
	[ -d /sys/fs/cgroup/freezer ] || [ -e /sys/fs/cgroup/cgroup.freeze ] ||
		[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] || skip "no cgroup freezer on this host"
}

# start_ct [JQ-EDIT]: a running container "ct" whose init sleeps, with a writable /tmp (the
# root is read-only); INIT = its host pid.
start_ct() {
	add_tmpfs /tmp
	[ -z "${1:-}" ] || update_config "$1"
	set_args sleep 1000
	rund -0 cr run -d -b "$BUNDLE" ct
	INIT="$(pid_of ct)"
	[ "$INIT" -gt 0 ]
}

# ex [-N] ARGS...: `cruntime exec ARGS...` through rund (stdio in files).
ex() {
	local expect=()
	if [[ "${1:-}" =~ ^-[0-9]+$ ]]; then
		expect=("$1")
		shift
	fi
	rund "${expect[@]}" cr exec "$@"
}

# no_exec_left: no process of the container but its init (the exec'd ones are gone).
no_exec_left() {
	local pids
	pids="$(cr ps -f json ct | jq -c .)"
	[ "$pids" = "[$INIT]" ] || fail "container processes: $pids (init $INIT)"
}

@test "exec runs a command inside and exits with its status" {
	start_ct
	ex -0 ct echo hello
	[ "$output" = hello ]
	ex -7 ct sh -c 'exit 7'
	# Killed by a signal: 128 + signo, as a shell reports it.
	ex -143 ct sh -c 'kill -TERM $$'
	no_exec_left
}

@test "exec joins every namespace of the init, user and time included, and its cgroup" {
	add_userns
	# The time namespace only where the host has them; every other namespace is checked anyway.
	local namespaces=(user mnt pid net ipc uts cgroup)
	if host_has_timens; then
		update_config '.linux.namespaces += [{"type": "time"}]'
		namespaces+=(time)
	fi
	start_ct
	local ns want got
	for ns in "${namespaces[@]}"; do
		want="$(readlink "/proc/$INIT/ns/$ns")"
		ex -0 ct readlink "/proc/self/ns/$ns"
		[ "$output" = "$want" ] || fail "$ns: exec'd process in $output, init in $want"
	done
	# The same cgroup in every hierarchy, as the host sees both processes.
	ex -0 -d --pid-file "$BATS_TEST_TMPDIR/p.pid" ct sleep 100
	got="$(cat "/proc/$(cat "$BATS_TEST_TMPDIR/p.pid")/cgroup")"
	[ "$got" = "$(cat "/proc/$INIT/cgroup")" ] || fail "cgroups differ: $got"
	# pid 1 inside is the init: the process is in the container's pid namespace.
	ex -0 ct sh -c 'cat /proc/1/cmdline | tr "\0" " "'
	[ "$output" = "sleep 1000 " ]
}

@test "exec sees the container's root and mounts, not the host's" {
	start_ct
	ex -0 ct cat /etc/passwd
	[ "$output" = "$(cat "$BUNDLE/rootfs/etc/passwd")" ]
	ex -0 ct sh -c 'grep -c " / " /proc/self/mountinfo'
	[ "$output" -ge 1 ]
	ex -0 ct hostname
	[ "$output" = "$(jq -r .hostname "$BUNDLE/config.json")" ]
}

@test "exec works in a created container, before start" {
	set_args sleep 1000
	rund -0 cr create -b "$BUNDLE" ct
	ex -0 ct echo in-created
	[ "$output" = in-created ]
	[ "$(status_of ct)" = created ]
}

@test "exec -e adds to the config's env, --cwd sets the directory, HOME comes from /etc/passwd" {
	start_ct
	ex -0 -e FOO=bar -e PATH=/bin ct sh -c 'echo "$FOO $PATH $HOME $TERM"'
	[ "$output" = "bar /bin /root xterm" ]
	ex -0 --cwd /tmp ct pwd
	[ "$output" = /tmp ]
	# A uid without a passwd entry gets HOME=/ (runc).
	ex -0 -u 4242 ct sh -c 'echo $HOME'
	[ "$output" = / ]
	ex -255 --cwd /nonexistent ct true
	assert_one_error_line "process.cwd"
}

@test "exec -u UID:GID and -g set the ids and groups" {
	start_ct
	ex -0 -u 1000:1001 -g 10 -g 20 ct id
	[ "$output" = "uid=1000 gid=1001 groups=10,20" ] || fail "id: $output"
	ex -0 -u 1000 ct id -g
	[ "$output" = 0 ]  # the config's gid stays when only a uid is given
}

@test "exec -u is parsed strictly: never uid 0 for a bad value" {
	start_ct
	local bad
	for bad in 4294967296 -1 abc 1: 1:x :1 4294967295 " 1" 0x10; do
		ex -255 -u "$bad" ct id -u
		[ "$output" = "" ] || fail "-u '$bad' ran: $output"
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "-u '$bad': $stderr"
		[[ "$stderr" == "cruntime: --user: "* ]] || fail "-u '$bad': $stderr"
	done
	ex -255 -g -5 ct id
	assert_one_error_line "--additional-gids"
	no_exec_left
}

@test "exec --cap adds to bounding, effective and permitted only; never inheritable or ambient" {
	start_ct '.process.capabilities.inheritable = ["CAP_KILL"] | .process.capabilities.ambient = []'
	ex -0 --cap CAP_SYS_ADMIN ct grep ^Cap /proc/self/status
	local bit=$((1 << 21))
	for set in CapBnd CapEff CapPrm; do
		(( 0x$(field "$output" "$set") & bit )) || fail "$set lacks CAP_SYS_ADMIN: $output"
	done
	(( ! (0x$(field "$output" CapInh) & bit) )) || fail "inheritable grew: $output"
	[ "$(field "$output" CapAmb)" = 0000000000000000 ] || fail "ambient grew: $output"
	# Without --cap the process has exactly the config's sets.
	ex -0 ct grep ^CapEff /proc/self/status
	(( ! (0x$(field "$output" CapEff) & bit) ))
	ex -255 --cap CAP_NOT_A_CAP ct true
	assert_one_error_line 'unknown capability "CAP_NOT_A_CAP"'
}

@test "exec --no-new-privs sets no_new_privs; the config's value otherwise" {
	start_ct '.process.noNewPrivileges = false'
	ex -0 ct grep ^NoNewPrivs /proc/self/status
	[ "$(field "$output" NoNewPrivs)" = 0 ]
	ex -0 --no-new-privs ct grep ^NoNewPrivs /proc/self/status
	[ "$(field "$output" NoNewPrivs)" = 1 ]
}

@test "exec applies the config's rlimits, umask and seccomp filter" {
	start_ct '.process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": 777, "soft": 555}]
		| .process.user.umask = 23
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
			"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}'
	ex -0 ct sh -c 'ulimit -n; ulimit -Hn; umask'
	[ "$output" = "$(printf '555\n777\n0027')" ] || fail "$output"
	ex -1 ct mkdir /tmp/blocked
	[[ "$stderr" == *"Permission denied"* ]] || fail "mkdir: $stderr"
}

@test "exec -p runs an OCI process object as it is; its errors name the field" {
	start_ct
	jq -n '{terminal: false, user: {uid: 1000, gid: 1000}, args: ["sh", "-c", "id -u; pwd; echo $X"],
		env: ["PATH=/bin", "X=from-file"], cwd: "/tmp"}' >"$BATS_TEST_TMPDIR/p.json"
	# Per-field flags are ignored with -p (runc).
	ex -0 -p "$BATS_TEST_TMPDIR/p.json" -u 0 ct
	[ "$output" = "$(printf '1000\n/tmp\nfrom-file')" ] || fail "$output"
	jq -n '{user: {uid: "x", gid: 0}, args: ["true"], cwd: "/"}' >"$BATS_TEST_TMPDIR/bad.json"
	ex -255 -p "$BATS_TEST_TMPDIR/bad.json" ct
	assert_one_error_line "process.user.uid: expected"
	jq -n '{user: {uid: 0, gid: 0}, args: ["true"], cwd: "relative"}' >"$BATS_TEST_TMPDIR/bad.json"
	ex -255 -p "$BATS_TEST_TMPDIR/bad.json" ct
	assert_one_error_line "process.cwd: must be an absolute path"
	ex -255 -p "$BATS_TEST_TMPDIR/missing.json" ct
	assert_one_error_line "missing.json"
	no_exec_left
}

@test "exec without a command is an error" {
	start_ct
	ex -255 ct
	assert_one_error_line "exec args cannot be empty"
}

@test "a missing or non-executable binary: podman's phrases, exit 255, nothing left" {
	start_ct
	ex -255 ct nosuchcmd
	assert_one_error_line 'exec: "nosuchcmd": executable file not found in $PATH'
	ex -255 ct /no/such/file
	assert_one_error_line 'exec: "/no/such/file": no such file or directory'
	ex -255 ct /etc/passwd
	assert_one_error_line 'exec: "/etc/passwd": permission denied'
	# The error reaches the --log file as the last JSON-able error record too.
	grep -q 'permission denied' "$CRUNTIME_LOG"
	no_exec_left
}

@test "exec in a paused container is refused unless --ignore-paused; stopped is refused" {
	requires_freezer
	start_ct
	rund -0 cr pause ct
	ex -255 ct true
	assert_one_error_line "cannot exec in a paused container"
	# --ignore-paused: the process starts once the container is resumed.
	cr exec --ignore-paused -d ct sh -c 'echo resumed >/tmp/marker' </dev/null >/dev/null 2>&1 3>&- &
	local bg=$!
	sleep 0.5
	rund -0 cr resume ct
	wait "$bg"
	ex -0 ct cat /tmp/marker
	[ "$output" = resumed ]
	rund -0 cr kill ct KILL
	wait_for_status ct stopped
	ex -255 ct true
	assert_one_error_line "cannot exec in a stopped container"
	ex -255 nosuch true
	assert_one_error_line "does not exist"
}

@test "exec -d returns at once; --pid-file holds the process's host pid, written atomically" {
	start_ct
	ex -0 -d --pid-file "exec.pid" ct sleep 77
	local pid
	pid="$(cat "$BATS_TEST_TMPDIR/exec.pid")"
	[[ "$pid" =~ ^[0-9]+$ ]] || fail "pid file: '$pid'"
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 77 " ]
	# No temporary file is left next to it.
	[ "$(ls "$BATS_TEST_TMPDIR" | grep -c exec.pid)" = 1 ]
	# ps and kill --all see it; delete --force leaves none.
	cr ps -f json ct | jq -e --argjson p "$pid" 'index($p) != null'
	rund -0 cr kill --all ct KILL
	wait_for_status ct stopped
	[ ! -e "/proc/$pid" ] || [ "$(awk '{print $3}' "/proc/$pid/stat")" = Z ]
}

@test "foreground exec relays signals to the process" {
	start_ct
	# Started directly (not through cr/timeout), so the signal goes to cruntime itself.
	"$CRUNTIME" --root "$TEST_ROOT" --log "$CRUNTIME_LOG" exec ct \
		sh -c 'trap "echo got-term; exit 42" TERM; echo ready >/tmp/ready; while :; do sleep 0.1; done' \
		</dev/null >"$BATS_TEST_TMPDIR/fg.out" 2>&1 3>&- &
	local bg=$! rc=0
	local tries=100
	until cr exec ct test -s /tmp/ready 2>/dev/null || [ "$tries" -eq 0 ]; do
		sleep 0.1
		tries=$((tries - 1))
	done
	kill -TERM "$bg"
	wait "$bg" || rc=$?
	[ "$rc" = 42 ] || fail "exit $rc: $(cat "$BATS_TEST_TMPDIR/fg.out")"
	grep -qx got-term "$BATS_TEST_TMPDIR/fg.out"
}

# Without a pid namespace an orphan of the exec'd process is reparented to the nearest subreaper:
# the foreground exec (runc's default), or not it with --no-subreaper.
@test "foreground exec is the subreaper of the process's orphans unless --no-subreaper" {
	start_ct '.linux.namespaces = [.linux.namespaces[] | select(.type != "pid")]'
	local script='(sleep 30 & echo $! >/tmp/orphan); sleep 1
		echo "$(awk "\$1 == \"PPid:\" {print \$2}" /proc/$(cat /tmp/orphan)/status) $(awk "\$1 == \"PPid:\" {print \$2}" /proc/$$/status)"
		kill $(cat /tmp/orphan)'
	ex -0 ct sh -c "$script"
	read -r orphan_parent exec_parent <<<"$output"
	[ "$orphan_parent" = "$exec_parent" ] || fail "orphan's parent $orphan_parent, cruntime exec $exec_parent"
	ex -0 --no-subreaper ct sh -c "$script"
	read -r orphan_parent exec_parent <<<"$output"
	[ "$orphan_parent" != "$exec_parent" ] || fail "--no-subreaper: cruntime exec $exec_parent still adopted the orphan"
}

@test "exec -t in the foreground relays a pty owned by the process's uid, group tty (under script(1))" {
	requires script
	start_ct
	local cmd out
	printf -v cmd '%q ' "$CRUNTIME" --root "$TEST_ROOT" --log "$CRUNTIME_LOG" exec -t -u 1000:1000 ct \
		sh -c 'tty; stat -c %u:%g "$(tty)"; [ -t 0 ] && echo stdin-tty; exit 3'
	rund -3 timeout 60 script -qec "$cmd" /dev/null
	out="$(tr -d '\r' <"$RUND_OUT" | sed 's/\^@//g')"
	grep -q '^/dev/pts/[0-9]*$' <<<"$out" || fail "output: $out"
	# devpts' gid=5 (tty) of the default config stays the group; the owner is the process.
	grep -qx '1000:5' <<<"$out" || fail "output: $out"
	grep -qx stdin-tty <<<"$out" || fail "output: $out"
	# The init's /dev/console is not touched by an exec'd terminal.
	ex -0 ct sh -c 'ls /dev/pts'
}

@test "exec -t -d sends the pty master to --console-socket; misuse of the socket is refused" {
	start_ct
	start_bg "$TTY_OUT" "$RECVTTY" --info "$INFO" --timeout 30 "$SOCK"
	local recv=$BG_PID
	wait_for_socket "$SOCK"
	ex -0 -t -d --console-socket "$SOCK" ct sh -c 'tty; echo via-socket'
	wait "$recv"
	[ "$(awk -F= '$1 == "pty_master" {print $2}' "$INFO")" = 1 ]
	grep -q via-socket "$TTY_OUT"
	ex -255 -d --console-socket "$SOCK" ct true
	assert_one_error_line "--console-socket"
	ex -255 -t -d ct true
	assert_one_error_line "--console-socket"
}

@test "exec --pidfd-socket sends one pidfd named \"setns\"" {
	start_ct
	start_bg "$TTY_OUT" "$RECVTTY" --info "$INFO" --timeout 30 "$SOCK"
	local recv=$BG_PID
	wait_for_socket "$SOCK"
	ex -0 -d --pidfd-socket "$SOCK" ct sleep 5
	wait_for_file "$INFO"
	[ "$(awk -F= '$1 == "name" {print $2}' "$INFO")" = setns ]
	[ "$(awk -F= '$1 == "fds" {print $2}' "$INFO")" = 1 ]
	kill "$recv" 2>/dev/null || true
	wait "$recv" || true
}

@test "exec --preserve-fds passes fds 3.., and no other host fd reaches the process" {
	start_ct
	echo preserved >"$BATS_TEST_TMPDIR/f3"
	# fd 3 is preserved; fd 5 is a host fd the caller leaked without --preserve-fds.
	cr exec --preserve-fds 1 ct sh -c 'cat /proc/self/fd/3; ls /proc/self/fd | sort -n | tr "\n" " "' \
		3<"$BATS_TEST_TMPDIR/f3" 5<"$BATS_TEST_TMPDIR/f3" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1
	run cat "$BATS_TEST_TMPDIR/out"
	[ "${lines[0]}" = preserved ]
	# 0-2, the preserved 3, and ls's own directory fd; never 5.
	[[ "${lines[1]}" != *" 5 "* ]] || fail "fd 5 leaked: ${lines[1]}"
	ex -255 --preserve-fds 40 ct true
	assert_one_error_line "--preserve-fds"
}

@test "exec: the process's cwd and root are inside the container, never a host directory" {
	start_ct
	# The caller's cwd is a host directory; the process must not inherit it (CVE-2024-21626).
	ex -0 ct sh -c 'readlink /proc/self/cwd; readlink /proc/self/root; ls /proc/self/fd | wc -l'
	[ "${output%%$'\n'*}" = / ]
	[ "$(sed -n 2p <<<"$output")" = / ]
}

@test "exec --cgroup joins an existing sub-cgroup of the container" {
	start_ct
	local line ctrl path dir
	# The pids hierarchy on v1 (or the unified one on v2) as the host sees the init.
	if line="$(grep -E '^[0-9]+:pids:' "/proc/$INIT/cgroup")"; then
		ctrl=pids
		path="${line#*:pids:}"
		dir="/sys/fs/cgroup/pids$path"
	elif line="$(grep -E '^0::' "/proc/$INIT/cgroup")" && [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
		ctrl=""
		path="${line#0::}"
		dir="/sys/fs/cgroup$path"
	else
		skip "neither a v1 pids hierarchy nor a cgroup v2 host"
	fi
	mkdir "$dir/sub"
	local arg="sub"
	[ -z "$ctrl" ] || arg="pids:sub"
	ex -0 -d --pid-file "$BATS_TEST_TMPDIR/p.pid" --cgroup "$arg" ct sleep 100
	grep -q "$path/sub\$" "/proc/$(cat "$BATS_TEST_TMPDIR/p.pid")/cgroup"
	ex -255 --cgroup "${ctrl:+$ctrl:}../escape" ct true
	assert_one_error_line "--cgroup"
	ex -255 --cgroup "${ctrl:+$ctrl:}nosuch" ct true
	[ "${#stderr_lines[@]}" -eq 1 ]
}

# CVE-2019-5736 class: a runtime process inside the container (the init before `start`, a process
# `exec` is starting) runs the host's cruntime binary. The container's root must not reach it
# through /proc/<pid>/exe: both are non-dumpable, so readlink and open fail, and the binary's
# hash stays the same. The tests run a copy of the binary, so a failure cannot damage the build.
# Root with DAC_OVERRIDE, but not CAP_SYS_PTRACE (which overrides dumpability by design).
cve_2019_5736_setup() {
	BIN="$BATS_TEST_TMPDIR/cruntime-copy"
	cp "$CRUNTIME" "$BIN"
	BIN_HASH="$(sha256sum <"$BIN")"
	COPY=(env "LC_TAG=$LC_TAG" "$BIN" --root "$TEST_ROOT" --log "$CRUNTIME_LOG")
	add_shared_dir
	update_config '.process.capabilities.bounding += ["CAP_DAC_OVERRIDE"]
		| .process.capabilities.effective += ["CAP_DAC_OVERRIDE"]
		| .process.capabilities.permitted += ["CAP_DAC_OVERRIDE"]'
}

@test "the init waiting in created is not dumpable: an exec'd process cannot reach the host binary" {
	cve_2019_5736_setup
	set_args sleep 1000
	rund -0 "${COPY[@]}" create -b "$BUNDLE" ct
	grep -q '^Name:.*cruntime' "/proc/$(pid_of ct)/status" || fail "the init is not the runtime any more"
	rund -0 "${COPY[@]}" exec ct sh -c 'readlink /proc/1/exe && echo REACHED; (echo pwned >>/proc/1/exe) && echo WROTE; true'
	[[ "$output" != *REACHED* ]] || fail "readlink /proc/1/exe: $output"
	[[ "$output" != *WROTE* ]] || fail "wrote /proc/1/exe"
	[ "$(sha256sum <"$BIN")" = "$BIN_HASH" ]
}

# The joining process is held inside the container by a seccomp listener that answers its
# capset(2) only after a second (noNewPrivileges false: the filter is loaded before the
# capabilities are set), so the container's scan finds it every time.
@test "the joining process is not dumpable: during a loop of execs the container cannot reach the host binary" {
	requires_seccomp_action user_notif
	cve_2019_5736_setup
	local sock="$BATS_TEST_TMPDIR/seccomp.sock" state="$BATS_TEST_TMPDIR/listener"
	update_config '.process.noNewPrivileges = false
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "'"$sock"'",
			"syscalls": [{"names": ["capset"], "action": "SCMP_ACT_NOTIFY"}]}'
	set_args sh -c 'while :; do
		for d in /proc/[0-9]*; do
			grep -q "^Name:.*cruntime" $d/status 2>/dev/null || continue
			echo seen >>/shared/seen
			if t=$(readlink $d/exe 2>/dev/null); then
				# Raced with its execve: it is the payload (busybox) now, no longer the runtime.
				case "$t" in *busybox) continue ;; esac
				echo "readlink $d: $t" >>/shared/reached
			fi
			if (echo pwned >>$d/exe) 2>/dev/null; then echo "wrote $d" >>/shared/reached; fi
		done
	done'
	# The init's own filter fd goes to a first listener, which lets its capset through.
	start_bg "$BATS_TEST_TMPDIR/first.out" "$SECCOMP_LISTENER" --state "$state.init" --errno 0 --timeout 60 "$sock"
	local first=$BG_PID
	wait_for_socket "$sock"
	rund -0 "${COPY[@]}" run -d -b "$BUNDLE" ct
	kill "$first"
	wait "$first" || true
	local i second
	for i in 1 2 3; do
		rm -f "$sock"
		start_bg "$BATS_TEST_TMPDIR/listener.$i.out" "$SECCOMP_LISTENER" --state "$state.$i" --errno 0 \
			--delay-ms 1000 --timeout 60 "$sock"
		second=$BG_PID
		wait_for_socket "$sock"
		rund -0 "${COPY[@]}" exec ct true
		kill "$second" 2>/dev/null || true
		wait "$second" || true
	done
	[ -s "$SHARED/seen" ] || fail "the container never saw a joining process"
	[ ! -e "$SHARED/reached" ] || fail "reached the runtime binary: $(cat "$SHARED/reached")"
	[ "$(sha256sum <"$BIN")" = "$BIN_HASH" ]
}

# security.md promise 3: the init waiting in `created` holds the exec fifo and nothing else of
# the host (not the --log file, the state root or the host's /).
@test "the init waiting in created holds no host file or directory but the exec fifo" {
	set_args sleep 1000
	rund -0 cr create -b "$BUNDLE" ct
	local pid fd target mnt others=()
	pid="$(pid_of ct)"
	for fd in /proc/"$pid"/fd/*; do
		target="$(readlink "$fd")"
		case "${fd##*/}" in 0 | 1 | 2) continue ;; esac
		[[ "$target" == *"/exec.fifo" ]] && continue
		# The init may keep a handle on the container's own /proc (to reopen the fifo): a mount
		# of its mount namespace, not of the host's.
		mnt="$(awk '$1 == "mnt_id:" {print $2}' "/proc/$pid/fdinfo/${fd##*/}")"
		if [ "$target" = /proc ] && awk -v m="$mnt" '$1 == m && $5 == "/proc"' "/proc/$pid/mountinfo" | grep -q . &&
			! awk -v m="$mnt" '$1 == m' /proc/self/mountinfo | grep -q .; then
			continue
		fi
		others+=("${fd##*/} -> $target (mount $mnt)")
	done
	[ "${#others[@]}" -eq 0 ] || fail "init holds: ${others[*]}"
	# Its cwd and root are the container's.
	[ "$(readlink "/proc/$pid/root")" = "$BUNDLE/rootfs" ] || [ "$(readlink "/proc/$pid/root")" = / ]
}

@test "exec under a notify filter: the listener gets the exec'd process's fd and answers for it" {
	requires_seccomp_action user_notif
	local sock="$BATS_TEST_TMPDIR/seccomp.sock" state="$BATS_TEST_TMPDIR/listener"
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "'"$sock"'",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
	# The init's connection goes to a first listener, which stays busy with the init's fd.
	start_bg "$BATS_TEST_TMPDIR/first.out" "$SECCOMP_LISTENER" --state "$state.init" --timeout 60 "$sock"
	local first=$BG_PID
	wait_for_socket "$sock"
	start_ct
	wait_for_file "$state.init"
	kill "$first"
	wait "$first" || true
	rm -f "$sock"
	start_bg "$BATS_TEST_TMPDIR/second.out" "$SECCOMP_LISTENER" --state "$state.exec" --errno 18 --timeout 60 "$sock"
	local second=$BG_PID
	wait_for_socket "$sock"
	ex -1 ct mkdir /tmp/notified
	[[ "$stderr" == *"Invalid cross-device link"* ]] || fail "mkdir: $stderr"
	wait_for_file "$state.exec"
	[ "$(jq -r .state.status "$state.exec")" = running ]
	[ "$(jq -r .state.id "$state.exec")" = ct ]
	[ "$(jq -r .pid "$state.exec")" != "$INIT" ]
	grep -Eq '^syscall=(83|258) pid=' "$BATS_TEST_TMPDIR/second.out"
	wait "$second"
}
