#!/usr/bin/env bats
# linux.seccomp (cli-contract §12.3, §8.8): errno actions, default action with an allow list,
# kill, argument conditions, the notify listener, with and without noNewPrivileges, and ENOSYS
# for syscalls newer than the profile (issue 9 §3).

load helpers
load lifecycle_helpers

# A static program that makes raw syscalls and prints "<syscall>=<errno>" (integration/tools).
SYSCALL_PROBE="${SYSCALL_PROBE:-$BUILD_DIR/integration/syscall-probe}"

setup() {
	lc_setup
	add_tmpfs /tmp
}
teardown() { lc_teardown; }

# What a static busybox shell running a few applets needs (strace'd), plus what the runtime
# may still do between loading the filter and execve.
ALLOWED='["arch_prctl", "brk", "clone", "clone3", "fork", "vfork", "execve", "execveat", "exit",
	"exit_group", "getpid", "getppid", "gettid", "getrandom", "getuid", "geteuid", "getgid",
	"getegid", "ioctl", "kill", "tgkill", "mmap", "munmap", "mprotect", "mremap", "newfstatat",
	"fstat", "stat", "lstat", "statx", "prctl", "prlimit64", "readlink", "readlinkat", "rseq",
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigsuspend", "sigaltstack",
	"set_robust_list", "set_tid_address", "wait4", "waitid", "read", "write", "writev", "readv",
	"close", "close_range", "open", "openat", "openat2", "fcntl", "dup", "dup2", "dup3", "pipe",
	"pipe2", "poll", "ppoll", "lseek", "getcwd", "chdir", "access", "faccessat", "faccessat2",
	"futex", "madvise", "sched_yield", "nanosleep", "clock_nanosleep", "clock_gettime",
	"gettimeofday", "setpgid", "getpgid", "getpgrp", "setsid", "getdents64", "umask", "uname",
	"mkdir", "mkdirat"]'

# ALLOWED without mkdir/mkdirat, for tests that give those a rule of their own.
allowed_but_mkdir() { jq -c 'map(select(. != "mkdir" and . != "mkdirat"))' <<<"$ALLOWED"; }

# add_probe: syscall-probe at /bin/syscall-probe in the rootfs.
add_probe() {
	[ -x "$SYSCALL_PROBE" ] || fail "syscall-probe not built: $SYSCALL_PROBE" || return 1
	cp "$SYSCALL_PROBE" "$BUNDLE/rootfs/bin/syscall-probe"
}

# seccomp_rule NAMES-JSON ACTION [EXTRA-JQ]: linux.seccomp = default allow + one rule.
seccomp_rule() {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": '"$1"', "action": "'"$2"'"} '"${3:-}"']}'
}

@test "SCMP_ACT_ERRNO with errnoRet: the denied syscall fails with that errno" {
	set_args sh -c 'mkdir /tmp/denied; echo rc=$?; [ -d /tmp/denied ] || echo absent'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "$(printf 'rc=0')" ]

	seccomp_rule '["mkdir", "mkdirat"]' SCMP_ACT_ERRNO '| .errnoRet = 18'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "$(printf 'rc=1\nabsent')" ]
	[ "$stderr" = "mkdir: can't create directory '/tmp/denied': Invalid cross-device link" ]
}

@test "defaultAction SCMP_ACT_ERRNO with defaultErrnoRet and an allow list" {
	local allowed
	allowed="$(allowed_but_mkdir)"
	# EPROTO (71): an errno nothing else here could produce.
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 71,
		"syscalls": [{"names": '"$allowed"', "action": "SCMP_ACT_ALLOW"}]}'
	set_args sh -c 'echo before; mkdir /tmp/d; echo rc=$?'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "$(printf 'before\nrc=1')" ] || fail "stdout: $output; stderr: $stderr"
	[ "$stderr" = "mkdir: can't create directory '/tmp/d': Protocol error" ]
}

@test "SCMP_ACT_KILL and SCMP_ACT_KILL_PROCESS: the process dies of SIGSYS (exit 159)" {
	set_args mkdir /tmp/x
	seccomp_rule '["mkdir", "mkdirat"]' SCMP_ACT_KILL
	rund -159 cr run -b "$BUNDLE" ct
	[ -z "$(cr list -q)" ]
	requires_seccomp_action kill_process
	seccomp_rule '["mkdir", "mkdirat"]' SCMP_ACT_KILL_PROCESS
	rund -159 cr run -b "$BUNDLE" ct
	[ -z "$(cr list -q)" ]
}

@test "argument conditions: only kill(pid, SIGUSR1) is denied" {
	seccomp_rule '["kill"]' SCMP_ACT_ERRNO \
		'| .errnoRet = 18 | .args = [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}]'
	set_args sh -c 'trap "echo got-USR1" USR1; trap "echo got-USR2" USR2
		kill -USR1 $$; echo rc1=$?; kill -USR2 $$; echo rc2=$?'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "$(printf 'rc1=1\ngot-USR2\nrc2=0')" ]
	[[ "$stderr" == *"Invalid cross-device link"* ]]
}

@test "noNewPrivileges true and false both load the filter, also for a non-root user" {
	seccomp_rule '["mkdir", "mkdirat"]' SCMP_ACT_ERRNO '| .errnoRet = 18'
	set_args sh -c 'mkdir /tmp/d; grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status | tr -s "\t" " "'
	local nnp uid
	for uid in 0 1000; do
		for nnp in true false; do
			update_config ".process.noNewPrivileges = $nnp | .process.user = {\"uid\": $uid, \"gid\": $uid}"
			rund -0 cr run -b "$BUNDLE" ct
			[ "$stderr" = "mkdir: can't create directory '/tmp/d': Invalid cross-device link" ] ||
				fail "uid $uid nnp $nnp: $stderr"
			[ "$output" = "$(printf 'NoNewPrivs: %s\nSeccomp: 2' "$([ "$nnp" = true ] && echo 1 || echo 0)")" ] ||
				fail "uid $uid nnp $nnp: $output"
		done
	done
}

@test "SCMP_ACT_NOTIFY: the listener gets the state and the fd, and answers the syscalls" {
	requires_seccomp_action user_notif
	local sock="$BATS_TEST_TMPDIR/seccomp.sock" state="$BATS_TEST_TMPDIR/listener.json"
	start_bg "$BATS_TEST_TMPDIR/listener.out" "$SECCOMP_LISTENER" --state "$state" --errno 18 --timeout 60 "$sock"
	local listener="$BG_PID"
	wait_for_socket "$sock"
	seccomp_rule '["mkdir", "mkdirat"]' SCMP_ACT_NOTIFY
	update_config '.linux.seccomp.listenerPath = "'"$sock"'" | .linux.seccomp.listenerMetadata = "meta-lc"'
	set_args sh -c 'mkdir /tmp/notified; echo rc=$?'

	rund -0 cr create -b "$BUNDLE" ct
	wait_for_file "$state"
	[ "$(cat "$state.fds")" = "cmsgs=1 fds=1 eof=1" ]
	local json
	json="$(cat "$state")"
	[ "$(jq -r .ociVersion <<<"$json")" = "$(cr state ct | jq -r .ociVersion)" ]
	[ "$(jq -c .fds <<<"$json")" = '["seccompFd"]' ]
	[ "$(jq -r .pid <<<"$json")" = "$(pid_of ct)" ]
	[ "$(jq -r .metadata <<<"$json")" = meta-lc ]
	[ "$(jq -r .state.id <<<"$json")" = ct ]
	[ "$(jq -r .state.bundle <<<"$json")" = "$BUNDLE" ]
	[ "$(jq -r .state.status <<<"$json")" = creating ]

	cr start ct >"$BATS_TEST_TMPDIR/start.out" 2>&1 </dev/null 3>&-
	wait_for_status ct stopped
	[ "$(cat "$RUND_OUT")" = "rc=1" ]
	[ "$(cat "$RUND_ERR")" = "mkdir: can't create directory '/tmp/notified': Invalid cross-device link" ]
	# The listener saw the call (mkdir or mkdirat; their numbers are per architecture), and ends
	# once no process uses the filter any more.
	local numbers
	case "$(uname -m)" in
	x86_64) numbers='(83|258)' ;;
	aarch64) numbers='34' ;;
	*) numbers='[0-9]+' ;;
	esac
	grep -Eq "^syscall=$numbers pid=" "$BATS_TEST_TMPDIR/listener.out" ||
		fail "listener saw: $(cat "$BATS_TEST_TMPDIR/listener.out")"
	local rc=0
	wait "$listener" || rc=$?
	[ "$rc" -eq 0 ] || fail "listener exited $rc: $(cat "$BATS_TEST_TMPDIR/listener.out")"
}

@test "SCMP_ACT_NOTIFY without a listening socket: create fails, nothing left" {
	requires_seccomp_action user_notif
	snapshot_host
	seccomp_rule '["mkdir", "mkdirat"]' SCMP_ACT_NOTIFY
	update_config '.linux.seccomp.listenerPath = "'"$BATS_TEST_TMPDIR"'/nobody-listens.sock"'
	rund -1 cr create -b "$BUNDLE" ct
	assert_one_error_line "nobody-listens.sock"
	assert_nothing_left
}

@test "bad seccomp configs fail create cleanly: unknown action, errnoRet on a kill action" {
	snapshot_host
	seccomp_rule '["mkdir"]' SCMP_ACT_BOGUS
	rund -1 cr create -b "$BUNDLE" ct
	assert_one_error_line "SCMP_ACT_BOGUS"
	assert_nothing_left

	seccomp_rule '["mkdir"]' SCMP_ACT_KILL '| .errnoRet = 1'
	rund -1 cr create -b "$BUNDLE" ct
	assert_one_error_line "errnoRet"
	assert_nothing_left

	seccomp_rule '["kill"]' SCMP_ACT_ERRNO '| .args = [{"index": 1, "value": 10, "op": "SCMP_CMP_BOGUS"}]'
	rund -1 cr create -b "$BUNDLE" ct
	assert_one_error_line "SCMP_CMP_BOGUS"
	assert_nothing_left
}

@test "exec: the process gets the container's filter with the ENOSYS stub in front of it" {
	add_probe
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO",
		"syscalls": [{"names": '"$(allowed_but_mkdir)"', "action": "SCMP_ACT_ALLOW"},
			{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]}'
	set_args sleep 1000
	rund -0 cr run -d -b "$BUNDLE" ct
	rund -0 cr exec ct syscall-probe 1000 set_mempolicy_home_node getcpu mkdirat
	[ "$output" = "$(printf '1000=38\nset_mempolicy_home_node=38\ngetcpu=1\nmkdirat=18')" ] ||
		fail "stdout: $output; stderr: $stderr"
}

# The highest syscall ALLOWED names is faccessat2 (439 on every arch); set_mempolicy_home_node
# (450, Linux 5.17) is a real syscall above it, 1000 is no syscall anywhere, getcpu is below it.
@test "ENOSYS for syscalls above the profile's highest; named ones keep their action" {
	add_probe
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO",
		"syscalls": [{"names": '"$(allowed_but_mkdir)"', "action": "SCMP_ACT_ALLOW"},
			{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]}'
	set_args syscall-probe 1000 set_mempolicy_home_node getcpu mkdirat
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "$(printf '1000=38\nset_mempolicy_home_node=38\ngetcpu=1\nmkdirat=18')" ] ||
		fail "stdout: $output; stderr: $stderr"

	# defaultErrnoRet still answers below the highest named syscall.
	update_config '.linux.seccomp.defaultErrnoRet = 71'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "$(printf '1000=38\nset_mempolicy_home_node=38\ngetcpu=71\nmkdirat=18')" ] ||
		fail "stdout: $output; stderr: $stderr"
}

@test "ENOSYS stub under a SCMP_ACT_KILL_PROCESS default: unknown syscalls fail, named ones kill" {
	add_probe
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_KILL_PROCESS",
		"syscalls": [{"names": '"$ALLOWED"', "action": "SCMP_ACT_ALLOW"}]}'
	set_args syscall-probe 1000 set_mempolicy_home_node
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "$(printf '1000=38\nset_mempolicy_home_node=38')" ] || fail "stdout: $output; stderr: $stderr"
	set_args syscall-probe getcpu
	rund -159 cr run -b "$BUNDLE" ct
	[ -z "$output" ]
}

@test "no ENOSYS stub under an allow default: explicit rules above every other name apply" {
	add_probe
	seccomp_rule '["set_mempolicy_home_node"]' SCMP_ACT_ERRNO '| .errnoRet = 18'
	set_args syscall-probe set_mempolicy_home_node 1000
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "$(printf 'set_mempolicy_home_node=18\n1000=38')" ] || fail "stdout: $output; stderr: $stderr"
}

@test "a containerd default profile: ENOSYS above it, its clone3 rule and default below" {
	add_probe
	local profile
	profile="$(jq -c .linux.seccomp "$BATS_TEST_DIRNAME/../tests/data/spec/good/containerd-cri.json")"
	update_config ".linux.seccomp = $profile"
	set_args sh -c 'syscall-probe 1000 clone3 getcpu && echo shell-ok'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "$(printf '1000=38\nclone3=38\ngetcpu=1\nshell-ok')" ] || fail "stdout: $output; stderr: $stderr"
}

@test "SCMP_ACT_NOTIFY under an ERRNO default: the listener gets the fd, unknown syscalls ENOSYS" {
	add_probe
	local sock="$BATS_TEST_TMPDIR/seccomp.sock" state="$BATS_TEST_TMPDIR/listener.json"
	start_bg "$BATS_TEST_TMPDIR/listener.out" "$SECCOMP_LISTENER" --state "$state" --errno 18 --timeout 60 "$sock"
	local listener="$BG_PID"
	wait_for_socket "$sock"
	# With a listener the init loads the filter before it switches credentials, and hands the fd
	# over the sync socket.
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO", "listenerPath": "'"$sock"'",
		"flags": ["SECCOMP_FILTER_FLAG_TSYNC"],
		"syscalls": [{"names": '"$(allowed_but_mkdir)"', "action": "SCMP_ACT_ALLOW"},
			{"names": ["sendmsg", "recvmsg", "setgroups", "setresuid", "setresgid", "capget",
				"capset"], "action": "SCMP_ACT_ALLOW"},
			{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}'
	set_args sh -c 'mkdir /tmp/notified; echo rc=$?; syscall-probe 1000 getcpu'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "$(printf 'rc=1\n1000=38\ngetcpu=1')" ] || fail "stdout: $output; stderr: $stderr"
	[ "$stderr" = "mkdir: can't create directory '/tmp/notified': Invalid cross-device link" ]
	grep -Eq '^syscall=(83|258) pid=' "$BATS_TEST_TMPDIR/listener.out"
	local rc=0
	wait "$listener" || rc=$?
	[ "$rc" -eq 0 ] || fail "listener exited $rc: $(cat "$BATS_TEST_TMPDIR/listener.out")"
}

# issue 14: the runtime compiles a profile once; later creates and execs load the stored program.
@test "the compiled program is cached under the state root, reused by run and exec, rebuilt when damaged" {
	add_probe
	local profile cache files want
	profile="$(jq -c .linux.seccomp "$BATS_TEST_DIRNAME/../tests/data/spec/good/containerd-cri.json")"
	update_config ".linux.seccomp = $profile"
	set_args sh -c 'syscall-probe 1000 clone3 getcpu'
	want="$(printf '1000=38\nclone3=38\ngetcpu=1')"
	cache="$TEST_ROOT/@seccomp-cache"

	CRUNTIME_DEBUG=1 rund -0 cr run -b "$BUNDLE" first
	[ "$output" = "$want" ] || fail "stdout: $output; stderr: $stderr"
	files=("$cache"/*)
	[ "${#files[@]}" -eq 1 ] || fail "cache holds: ${files[*]}"
	[ "$(stat -c %a "$cache")" = 700 ]
	[ "$(stat -c %a "${files[0]}")" = 600 ]
	! grep -q 'program from @seccomp-cache' "$CRUNTIME_LOG" || fail "first run read a cache"
	# The cache directory is not a container.
	rund -0 cr list -q
	[ -z "$output" ]

	# A second run and an exec load the stored program: same effect inside.
	: >"$CRUNTIME_LOG"
	CRUNTIME_DEBUG=1 rund -0 cr run -b "$BUNDLE" second
	[ "$output" = "$want" ] || fail "stdout: $output; stderr: $stderr"
	grep -q 'program from @seccomp-cache' "$CRUNTIME_LOG" || fail "not read from the cache: $(cat "$CRUNTIME_LOG")"
	set_args sleep 1000
	rund -0 cr run -d -b "$BUNDLE" ct
	: >"$CRUNTIME_LOG"
	CRUNTIME_DEBUG=1 rund -0 cr exec ct syscall-probe 1000 clone3 getcpu
	[ "$output" = "$want" ] || fail "exec stdout: $output; stderr: $stderr"
	grep -q 'program from @seccomp-cache' "$CRUNTIME_LOG" || fail "exec compiled again: $(cat "$CRUNTIME_LOG")"
	rund -0 cr delete --force ct

	# A damaged (torn) file is not loaded: compiled again, the same effect, the file replaced.
	truncate -s 100 "${files[0]}"
	set_args sh -c 'syscall-probe 1000 clone3 getcpu'
	: >"$CRUNTIME_LOG"
	CRUNTIME_DEBUG=1 rund -0 cr run -b "$BUNDLE" third
	[ "$output" = "$want" ] || fail "stdout: $output; stderr: $stderr"
	! grep -q 'program from @seccomp-cache' "$CRUNTIME_LOG" || fail "a torn file was used"
	[ "$(stat -c %s "${files[0]}")" -gt 100 ] || fail "the torn file was not replaced"
}
