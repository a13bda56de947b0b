#!/usr/bin/env bats
# config.json `process` (cli-contract §12.1, §8.4, §8.5) checked from inside a busybox container:
# args, env, cwd, user, umask, rlimits, capabilities, noNewPrivileges, oomScoreAdj, hostname,
# sysctl, stdio and the fds the container gets (security.md promise 3); linux.personality and
# linux.memoryPolicy, set in the process as well.

load helpers
load lifecycle_helpers

setup() { lc_setup; }
teardown() { lc_teardown; }

# run_cat_status: run `cat /proc/self/status` in the container; $STATUS_FILE holds the output.
run_cat_status() {
	set_args cat /proc/self/status
	rund -0 cr run -b "$BUNDLE" ct
	STATUS_FILE="$BATS_TEST_TMPDIR/status"
	printf '%s\n' "$output" >"$STATUS_FILE"
}

@test "args: argv is passed exactly (argv[0], spaces, empty strings, globs)" {
	set_args sh -c 'printf "[%s]" "$0" "$@"' name0 "a b" "" "*" '$HOME'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = '[name0][a b][][*][$HOME]' ]

	# argv[0] stays as written, not the resolved path.
	set_args cat /proc/self/cmdline
	rund -0 cr run -b "$BUNDLE" ct
	[ "$(tr '\0' '|' <"$RUND_OUT")" = "cat|/proc/self/cmdline|" ]
}

@test "args[0] is looked up in process.env's PATH inside the container" {
	mkdir -p "$BUNDLE/rootfs/opt/tools"
	printf '#!/bin/sh\necho "custom tool: $*"\n' >"$BUNDLE/rootfs/opt/tools/custom-tool"
	chmod 0755 "$BUNDLE/rootfs/opt/tools/custom-tool"
	update_config '.process.env = ["PATH=/nonexistent:/opt/tools:/bin"]'
	set_args custom-tool x y
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "custom tool: x y" ]

	# `cat` is in the rootfs /bin and on the runtime's PATH, but not on the container's PATH.
	update_config '.process.env = ["PATH=/opt/tools"]'
	set_args cat /etc/passwd
	rund -1 cr run -b "$BUNDLE" ct
	assert_one_error_line 'exec: "cat": executable file not found in $PATH'

	# jq is on the host's /usr/bin, not in the container's.
	update_config '.process.env = ["PATH=/usr/bin:/bin"]'
	set_args jq --version
	rund -1 cr run -b "$BUNDLE" ct
	assert_one_error_line 'exec: "jq": executable file not found in $PATH'
	[ -z "$(cr list -q)" ]
}

@test "env: exactly process.env (last duplicate wins), nothing of the runtime's leaks" {
	update_config '.process.env = ["PATH=/bin", "A=1", "B=two words", "EMPTY=", "A=2", "HOME=/custom"]'
	set_args env
	LISTEN_FDS=3 LC_LEAK_MARKER=1 rund -0 cr run -b "$BUNDLE" ct
	[ "$(sort <<<"$output")" = "$(printf '%s\n' 'A=2' 'B=two words' 'EMPTY=' 'HOME=/custom' 'PATH=/bin')" ] ||
		fail "container env: $output"
}

@test "env: HOME comes from the container's /etc/passwd when process.env lacks it" {
	update_config '.process.env = ["PATH=/bin"]'
	set_args env
	rund -0 cr run -b "$BUNDLE" ct
	[ "$(sort <<<"$output")" = "$(printf '%s\n' 'HOME=/root' 'PATH=/bin')" ]

	update_config '.process.user = {"uid": 65534, "gid": 65534}'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$(sort <<<"$output")" = "$(printf '%s\n' 'HOME=/nonexistent' 'PATH=/bin')" ]
}

@test "cwd: the process starts there; the host sees its cwd and root inside the rootfs" {
	add_shared_dir
	update_config '.process.cwd = "/tmp"'
	set_args sh -c 'pwd >/shared/pwd; exec sleep 1000'
	rund -0 cr run -d -b "$BUNDLE" ct
	wait_for_file "$SHARED/pwd"
	[ "$(cat "$SHARED/pwd")" = /tmp ]
	local pid
	pid="$(pid_of ct)"
	# Same directories (readlink would print them as the container sees them).
	[ "$(stat -L -c %d:%i "/proc/$pid/cwd")" = "$(stat -c %d:%i "$BUNDLE/rootfs/tmp")" ]
	[ "$(stat -L -c %d:%i "/proc/$pid/root")" = "$(stat -c %d:%i "$BUNDLE/rootfs")" ]
}

@test "cwd: a missing cwd is created (0755), also with a read-only root" {
	update_config '.root.readonly = false | .process.cwd = "/new/work dir"'
	set_args pwd
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "/new/work dir" ]
	[ "$(stat -c %a "$BUNDLE/rootfs/new/work dir")" = 755 ]

	# runc creates it before the root is remounted read-only.
	update_config '.root.readonly = true | .process.cwd = "/other/dir"'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "/other/dir" ]
	[ "$(stat -c %a "$BUNDLE/rootfs/other/dir")" = 755 ]
}

@test "user: uid, gid and additionalGids; an empty list clears the runtime's groups" {
	update_config '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [10, 20]}'
	run_cat_status
	[ "$(grep '^Uid:' "$STATUS_FILE" | tr -s '\t ' ' ')" = "Uid: 1000 1000 1000 1000" ]
	[ "$(grep '^Gid:' "$STATUS_FILE" | tr -s '\t ' ' ')" = "Gid: 1001 1001 1001 1001" ]
	[ "$(grep '^Groups:' "$STATUS_FILE" | tr -s '\t ' ' ' | sed 's/ $//')" = "Groups: 10 20" ]

	# The runtime itself has group 0; the container gets exactly the configured (none).
	update_config '.process.user = {"uid": 0, "gid": 0}'
	run_cat_status
	[ "$(grep '^Groups:' "$STATUS_FILE" | tr -d '\t ')" = "Groups:" ]
}

@test "umask: 0022 when unset whatever the caller's umask; the configured one otherwise" {
	set_args sh -c umask
	(
		umask 0027
		rund -0 cr run -b "$BUNDLE" ct
		[ "$output" = 0022 ]
	)
	update_config '.process.user.umask = 63'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = 0077 ]
}

@test "rlimits: the configured soft and hard limits" {
	set_args sh -c 'ulimit -n; ulimit -Hn'
	rund -0 cr run -b "$BUNDLE" ct
	# `cruntime spec` sets RLIMIT_NOFILE 1024/1024.
	[ "$output" = "$(printf '1024\n1024')" ]

	update_config '.process.rlimits = [
		{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 200},
		{"type": "RLIMIT_MSGQUEUE", "soft": 4096, "hard": 8192}]'
	set_args cat /proc/self/limits
	rund -0 cr run -b "$BUNDLE" ct
	[ "$(grep '^Max open files' <<<"$output" | tr -s ' ')" = "Max open files 100 200 files " ]
	[ "$(grep '^Max msgqueue size' <<<"$output" | tr -s ' ')" = "Max msgqueue size 4096 8192 bytes " ]
}

@test "capabilities: a non-root user gets exactly the configured five sets" {
	# uid != 0: after execve, permitted and effective are the ambient set (capabilities(7)).
	update_config '.process.user = {"uid": 1000, "gid": 1000}
		| .process.capabilities = {
			"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"effective": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"inheritable": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"ambient": ["CAP_NET_BIND_SERVICE"]}'
	run_cat_status
	[ "$(status_field "$STATUS_FILE" CapBnd)" = "$(hex_mask 0 5 10)" ]
	[ "$(status_field "$STATUS_FILE" CapInh)" = "$(hex_mask 5 10)" ]
	[ "$(status_field "$STATUS_FILE" CapPrm)" = "$(hex_mask 10)" ]
	[ "$(status_field "$STATUS_FILE" CapEff)" = "$(hex_mask 10)" ]
	[ "$(status_field "$STATUS_FILE" CapAmb)" = "$(hex_mask 10)" ]
}

@test "capabilities: root's sets, with and without noNewPrivileges; cruntime spec's default" {
	update_config '.process.capabilities = {"bounding": ["CAP_CHOWN", "CAP_KILL"],
		"effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}'
	# With no_new_privs, execve never grants more than the permitted set it had (capabilities(7)).
	update_config '.process.noNewPrivileges = true'
	run_cat_status
	[ "$(status_field "$STATUS_FILE" CapBnd)" = "$(hex_mask 0 5)" ]
	[ "$(status_field "$STATUS_FILE" CapPrm)" = "$(hex_mask 5)" ]
	[ "$(status_field "$STATUS_FILE" CapEff)" = "$(hex_mask 5)" ]
	[ "$(status_field "$STATUS_FILE" CapInh)" = "$(hex_mask)" ]
	[ "$(status_field "$STATUS_FILE" CapAmb)" = "$(hex_mask)" ]
	# Without it, execve gives uid 0 the whole bounding set: the bounding set is what limits root.
	update_config '.process.noNewPrivileges = false'
	run_cat_status
	[ "$(status_field "$STATUS_FILE" CapBnd)" = "$(hex_mask 0 5)" ]
	[ "$(status_field "$STATUS_FILE" CapPrm)" = "$(hex_mask 0 5)" ]
	[ "$(status_field "$STATUS_FILE" CapEff)" = "$(hex_mask 0 5)" ]

	# `cruntime spec`: AUDIT_WRITE (29), KILL (5), NET_BIND_SERVICE (10).
	rm "$BUNDLE/config.json"
	setup_bundle
	run_cat_status
	[ "$(status_field "$STATUS_FILE" CapBnd)" = "$(hex_mask 5 10 29)" ]
	[ "$(status_field "$STATUS_FILE" CapEff)" = "$(hex_mask 5 10 29)" ]
}

@test "capabilities: no capabilities object leaves the runtime's sets untouched" {
	update_config 'del(.process.capabilities)'
	run_cat_status
	[ "$(status_field "$STATUS_FILE" CapBnd)" = "$(status_field /proc/self/status CapBnd)" ]
	[ "$(status_field "$STATUS_FILE" CapEff)" = "$(status_field /proc/self/status CapEff)" ]
}

@test "noNewPrivileges: NoNewPrivs 1 when true, 0 when false" {
	update_config '.process.noNewPrivileges = true'
	run_cat_status
	[ "$(status_field "$STATUS_FILE" NoNewPrivs)" = 1 ]
	update_config '.process.noNewPrivileges = false'
	run_cat_status
	[ "$(status_field "$STATUS_FILE" NoNewPrivs)" = 0 ]
}

@test "oomScoreAdj: set when configured (raised here), inherited when unset" {
	# This host lacks CAP_SYS_RESOURCE in the bounding set, so only raising is permitted.
	local current want
	current="$(cat /proc/self/oom_score_adj)"
	want=$((current + 123 > 1000 ? 1000 : current + 123))
	update_config ".process.oomScoreAdj = $want"
	set_args cat /proc/self/oom_score_adj
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "$want" ]

	update_config 'del(.process.oomScoreAdj)'
	want=$((current + 45 > 1000 ? 1000 : current + 45))
	(
		echo "$want" >/proc/self/oom_score_adj
		rund -0 cr run -b "$BUNDLE" ct
		[ "$output" = "$want" ]
	)
}

@test "hostname and domainname in the new UTS namespace; the host's stay" {
	local host_name host_domain
	host_name="$(hostname)"
	host_domain="$(cat /proc/sys/kernel/domainname)"
	update_config '.hostname = "lc-host" | .domainname = "lc.example"'
	set_args sh -c 'hostname; cat /proc/sys/kernel/domainname'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "$(printf 'lc-host\nlc.example')" ]
	[ "$(hostname)" = "$host_name" ]
	[ "$(cat /proc/sys/kernel/domainname)" = "$host_domain" ]
}

@test "sysctl: namespaced net.* and kernel.shm* keys are set inside only" {
	local host_fwd host_shmmax
	host_fwd="$(cat /proc/sys/net/ipv4/ip_forward)"
	host_shmmax="$(cat /proc/sys/kernel/shmmax)"
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmax": "123456789",
		"net/ipv4/tcp_syncookies": "0"}'
	set_args sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax /proc/sys/net/ipv4/tcp_syncookies'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "$(printf '1\n123456789\n0')" ]
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_fwd" ]
	[ "$(cat /proc/sys/kernel/shmmax)" = "$host_shmmax" ]
}

@test "sysctl: a non-namespaced key, or net.* without a network namespace, fails create" {
	local host_pattern
	host_pattern="$(cat /proc/sys/kernel/core_pattern)"
	snapshot_host
	update_config '.linux.sysctl = {"kernel.core_pattern": "|/bin/false"}'
	rund -1 cr create -b "$BUNDLE" ct
	assert_one_error_line "kernel.core_pattern"
	assert_nothing_left
	[ "$(cat /proc/sys/kernel/core_pattern)" = "$host_pattern" ]

	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1"}
		| .linux.namespaces |= map(select(.type != "network"))'
	rund -1 cr create -b "$BUNDLE" ct
	assert_one_error_line "net.ipv4.ip_forward"
	assert_nothing_left
}

@test "terminal false: the caller's stdio reaches the process unchanged" {
	printf 'line one\nline two\n' >"$BATS_TEST_TMPDIR/in"
	set_args sh -c 'cat; echo to-stderr >&2'
	cr create -b "$BUNDLE" ct <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3>&-
	[ ! -s "$BATS_TEST_TMPDIR/out" ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	rund -0 cr start ct
	wait_for_status ct stopped
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "$(printf 'line one\nline two')" ]
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = to-stderr ]
}

@test "fds: only 0, 1, 2 reach the process; fds the caller leaked do not" {
	# `ls` alone, not last (sh would exec it): a pipeline or $(...) would show the shell's pipes.
	set_args sh -c 'ls /proc/$$/fd; true'
	with_leaked_fds() {
		cr run -b "$BUNDLE" ct 5<"$BUNDLE/config.json" 7>"$BATS_TEST_TMPDIR/leak" 9</dev/null
	}
	rund -0 with_leaked_fds
	[ "$output" = "$(printf '0\n1\n2')" ] || fail "fds inside: $output"
}

@test "--preserve-fds N: fds 3..3+N-1 are passed with their numbers, the rest closed" {
	echo three >"$BATS_TEST_TMPDIR/f3"
	echo four >"$BATS_TEST_TMPDIR/f4"
	set_args sh -c 'ls /proc/$$/fd; cat <&3; cat <&4'
	with_fds() {
		cr run --preserve-fds 2 -b "$BUNDLE" ct 3<"$BATS_TEST_TMPDIR/f3" 4<"$BATS_TEST_TMPDIR/f4" \
			5<"$BUNDLE/config.json"
	}
	rund -0 with_fds
	[ "$output" = "$(printf '0\n1\n2\n3\n4\nthree\nfour')" ] || fail "output: $output"
}

@test "LISTEN_FDS: socket-activation fds are passed and LISTEN_FDS/LISTEN_PID=1 set" {
	echo listen >"$BATS_TEST_TMPDIR/f3"
	echo extra >"$BATS_TEST_TMPDIR/f4"
	update_config '.process.env = ["PATH=/bin"]'
	set_args sh -c 'ls /proc/$$/fd; cat <&3; cat <&4; env | grep ^LISTEN_ | sort'
	# LISTEN_PID must be the runtime's own pid: exec keeps the shell's pid.
	activated() {
		LISTEN_FDS=1 LISTEN_FDNAMES=web bash -c 'export LISTEN_PID=$$; exec "$@"' bash \
			"$CRUNTIME" --root "$TEST_ROOT" --log "$CRUNTIME_LOG" run --preserve-fds 1 -b "$BUNDLE" ct \
			3<"$BATS_TEST_TMPDIR/f3" 4<"$BATS_TEST_TMPDIR/f4" 5</dev/null
	}
	rund -0 activated
	[ "$output" = "$(printf '0\n1\n2\n3\n4\nlisten\nextra\nLISTEN_FDS=1\nLISTEN_PID=1')" ] ||
		fail "output: $output"

	# A LISTEN_PID that is not the runtime's: no activation fds, no variables.
	not_for_us() {
		LISTEN_FDS=1 LISTEN_PID=1 "$CRUNTIME" --root "$TEST_ROOT" --log "$CRUNTIME_LOG" \
			run -b "$BUNDLE" ct 3<"$BATS_TEST_TMPDIR/f3"
	}
	set_args sh -c 'ls /proc/$$/fd; env | grep -c ^LISTEN_ || true'
	rund -0 not_for_us
	[ "$output" = "$(printf '0\n1\n2\n0')" ] || fail "output: $output"
}

@test "personality: LINUX32 makes uname -m report a 32-bit machine" {
	# PER_LINUX32 turns the 64-bit machine name into its 32-bit one.
	local want
	case "$(uname -m)" in
	x86_64) want=i686 ;;
	aarch64) want=armv8l ;;
	*) skip "no known 32-bit machine name for $(uname -m)" ;;
	esac
	update_config '.linux.personality = {"domain": "LINUX32"}'
	set_args uname -m
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "$want" ]
	update_config '.linux.personality = {"domain": "LINUX"}'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "$(uname -m)" ]
}

@test "scheduler: SCHED_BATCH with nice 7 is the process' policy (field 41 of stat) and nice" {
	update_config '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 7}'
	# /proc/self/stat: field 19 is nice, field 41 the policy (3 = SCHED_BATCH).
	set_args sh -c 'cut -d" " -f19,41 /proc/self/stat'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "7 3" ]
}

@test "ioPriority: the class and level ionice reports" {
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
	set_args ionice
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "best-effort: prio 6" ]
}

@test "execCPUAffinity: the init runs on the configured cpus" {
	# A cpu the runtime may use (not necessarily 0), the highest so it differs from the default.
	local cpu
	cpu="$(cpu_list_last "$(own_cpus)")"
	update_config '.process.execCPUAffinity = {"final": "'"$cpu"'"}'
	set_args sh -c 'grep Cpus_allowed_list /proc/self/status'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "Cpus_allowed_list:	$cpu" ]
}

# requires_numa: the kernel has NUMA support (a node directory and numa_maps).
requires_numa() {
	[ -e /sys/devices/system/node/node0 ] && [ -e /proc/self/numa_maps ] ||
		skip "this kernel has no NUMA support (no node0 or numa_maps)"
}

@test "memoryPolicy: the init and an exec'd process run under the policy (numa_maps)" {
	requires_numa
	# numa_maps' second field is the policy of each mapping: the task policy for all of them.
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0"}'
	set_args sh -c 'cut -d" " -f2 /proc/self/numa_maps | sort -u'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "bind:0" ] || fail "run: $output"

	update_config '.linux.memoryPolicy = {"mode": "MPOL_INTERLEAVE", "nodes": "0",
		"flags": ["MPOL_F_STATIC_NODES"]}'
	set_args sleep 1000
	rund -0 cr run -d -b "$BUNDLE" ct
	rund -0 cr exec ct sh -c 'cut -d" " -f2 /proc/self/numa_maps | sort -u'
	[ "$output" = "interleave=static:0" ] || fail "exec: $output"
	rund -0 cr delete --force ct

	# Without the field the kernel's default stays.
	update_config 'del(.linux.memoryPolicy)'
	set_args sh -c 'cut -d" " -f2 /proc/self/numa_maps | sort -u'
	rund -0 cr run -b "$BUNDLE" ct
	[ "$output" = "default" ] || fail "no policy: $output"
}

@test "memoryPolicy: a node that is not online, or an invalid mode, is one line and nothing is left" {
	requires_numa
	local online
	online="$(cat /sys/devices/system/node/online)"
	snapshot_host
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "1023"}'
	rund -1 cr run -b "$BUNDLE" ct
	assert_one_error_line \
		"cruntime: linux.memoryPolicy: nodes: node 1023 is not online on this host (online: $online)"
	assert_nothing_left
	update_config '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "1024"}'
	rund -1 cr run -b "$BUNDLE" ct
	assert_one_error_line "node 1024 is too large (at most 1023)"
	assert_nothing_left
	update_config '.linux.memoryPolicy = {"mode": "MPOL_SOMETIMES"}'
	rund -1 cr run -b "$BUNDLE" ct
	assert_one_error_line "linux.memoryPolicy.mode"
	assert_nothing_left
	# The kernel refuses MPOL_F_NUMA_BALANCING with MPOL_INTERLEAVE: the init's error.
	update_config '.linux.memoryPolicy = {"mode": "MPOL_INTERLEAVE", "nodes": "0",
		"flags": ["MPOL_F_NUMA_BALANCING"]}'
	rund -1 cr run -b "$BUNDLE" ct
	assert_one_error_line "linux.memoryPolicy: set_mempolicy: Invalid argument (EINVAL)"
	assert_nothing_left
}

@test "memoryPolicy: every mode and flag that features lists is applied" {
	requires_numa
	local features mode flag want
	features="$(cr features)"
	# numa_maps' name of each mode with node 0 (mm/mempolicy.c policy_modes).
	declare -A shown=([MPOL_DEFAULT]=default [MPOL_LOCAL]=local [MPOL_PREFERRED]=prefer:0
		[MPOL_BIND]=bind:0 [MPOL_INTERLEAVE]=interleave:0 [MPOL_PREFERRED_MANY]="prefer (many):0"
		[MPOL_WEIGHTED_INTERLEAVE]="weighted interleave:0")
	[ "$(jq -c '.linux.memoryPolicy.modes | sort' <<<"$features")" = \
		"$(printf '%s\n' "${!shown[@]}" | jq -Rsc 'split("\n")[:-1] | sort')" ] ||
		fail "features lists other modes: $features"
	set_args head -n1 /proc/self/numa_maps
	for mode in $(jq -r '.linux.memoryPolicy.modes[]' <<<"$features"); do
		case "$mode" in
		MPOL_DEFAULT | MPOL_LOCAL) update_config ".linux.memoryPolicy = {\"mode\": \"$mode\"}" ;;
		*) update_config ".linux.memoryPolicy = {\"mode\": \"$mode\", \"nodes\": \"0\"}" ;;
		esac
		if [ "$mode" = MPOL_WEIGHTED_INTERLEAVE ] && ! kernel_at_least 6 9; then
			rund -1 cr run -b "$BUNDLE" ct # older kernels refuse it (EINVAL)
			continue
		fi
		rund -0 cr run -b "$BUNDLE" ct
		[[ "$output" == *" ${shown[$mode]} "* ]] || fail "$mode: $output"
	done
	declare -A flags=([MPOL_F_STATIC_NODES]="bind=static:0" [MPOL_F_RELATIVE_NODES]="bind=relative:0"
		[MPOL_F_NUMA_BALANCING]="bind=balancing:0")
	for flag in $(jq -r '.linux.memoryPolicy.flags[]' <<<"$features"); do
		want="${flags[$flag]:-}"
		[ -n "$want" ] || fail "features lists an untested flag $flag"
		update_config ".linux.memoryPolicy = {\"mode\": \"MPOL_BIND\", \"nodes\": \"0\", \"flags\": [\"$flag\"]}"
		rund -0 cr run -b "$BUNDLE" ct
		[[ "$output" == *" $want "* ]] || fail "$flag: $output"
	done
}
