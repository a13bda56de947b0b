#!/usr/bin/env bats
# podman 4.3 (Debian 12) with the runtime under test as its OCI runtime, through conmon: every
# scenario asserts the effect from inside the container (or on the kernel objects podman and the
# runtime made). podman gets its own storage, state, config and cgroup parent, and no network
# (podman_helpers.bash). Run with CLIENT_RUNTIME=runc to check the test against runc.

load podman_helpers

setup_file() {
	podman_setup_file
}

teardown_file() {
	podman_teardown_file
}

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
}

# Containers of a failed test must not collide with the next test's names.
teardown() {
	pm rm --all --force --time 0 >/dev/null 2>&1 || true
}

@test "podman run: the container's output and exit code, as PID 1 of its own PID namespace" {
	run pm_run --rm "$PODMAN_IMAGE" sh -c 'echo "pid $$ $(cat /proc/1/comm)"; exit 3'
	[ "$status" -eq 3 ] || fail "exit code $status, output: $output"
	[ "$output" = "pid 1 sh" ] || fail "output: $output"

	run pm_run --rm "$PODMAN_IMAGE" true
	[ "$status" -eq 0 ] || fail "exit code $status, output: $output"
}

@test "podman run: a missing command exits 127, a non-executable one 126 (podman's error mapping)" {
	check_exec_errors json pm_run --rm "$PODMAN_IMAGE"
	check_exec_errors text pm_run --rm "$PODMAN_IMAGE"
}

@test "podman run --rm: the container is gone from podman and from the runtime" {
	pm_run --rm --name rm1 --cidfile "$BATS_TEST_TMPDIR/cid" "$PODMAN_IMAGE" true
	run pm container exists rm1
	[ "$status" -eq 1 ] || fail "podman still has rm1"
	run "$PODMAN_RUNTIME" state "$(cat "$BATS_TEST_TMPDIR/cid")"
	[ "$status" -ne 0 ] && [[ "$output" == *"does not exist"* ]] || fail "runtime state: $output"

	# Without --rm it stays, exited, with its code.
	run pm_run --name keep1 "$PODMAN_IMAGE" sh -c 'exit 4'
	[ "$status" -eq 4 ]
	run pm inspect --format '{{.State.Status}} {{.State.ExitCode}}' keep1
	[ "$output" = "exited 4" ] || fail "inspect: $output"
	pm rm keep1
}

@test "podman run -d: detached container runs the command, visible to podman and the runtime" {
	local id pid
	id="$(pm_run -d --name det "$PODMAN_IMAGE" sh -c 'echo started; exec sleep 1000')"
	pm_wait_running det
	pid="$(pm inspect --format '{{.State.Pid}}' det)"
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 1000 " ] || fail "pid $pid is not the container's sleep"
	run "$PODMAN_RUNTIME" state "$id"
	[ "$status" -eq 0 ] || fail "runtime state: $output"
	[ "$(jq -r .status <<<"$output")" = running ] && [ "$(jq -r .pid <<<"$output")" = "$pid" ] ||
		fail "runtime state: $output"
	wait_log det started
	pm rm --force --time 0 det
}

@test "podman run -t: the container gets a terminal" {
	run pm_run --rm -t "$PODMAN_IMAGE" sh -c '[ -t 0 ] && [ -t 1 ] && tty' </dev/null
	[ "$status" -eq 0 ] || fail "exit code $status, output: $output"
	# The terminal turns \n into \r\n.
	[[ "$output" =~ ^/dev/pts/[0-9]+$'\r'?$ ]] || fail "output: $output"
}

@test "podman run -e/-u/-w: environment, user and working directory" {
	run pm_run --rm -e FOO=bar -u 1000:1000 -w /home/user "$PODMAN_IMAGE" \
		sh -c 'echo "$FOO $(id -u):$(id -g) $(pwd)"'
	[ "$status" -eq 0 ] || fail "exit code $status, output: $output"
	[ "$output" = "bar 1000:1000 /home/user" ] || fail "output: $output"

	# A user name is resolved in the image's /etc/passwd.
	run pm_run --rm -u user "$PODMAN_IMAGE" sh -c 'echo "$(id -un) $(id -u) $HOME"'
	[ "$output" = "user 1000 /home/user" ] || fail "output: $output"
}

@test "podman run -v/--read-only: a bind volume is read and written; the rootfs is read-only" {
	local vol="$BATS_TEST_TMPDIR/vol"
	mkdir "$vol"
	echo host-data >"$vol/in"
	run pm_run --rm --read-only -v "$vol:/data" -v "$vol:/ro:ro" "$PODMAN_IMAGE" sh -c '
		cat /data/in; echo ctr-data >/data/out
		touch /etc/x 2>&1 || echo "rootfs read-only"
		touch /ro/x 2>&1 || echo "ro volume read-only"'
	[ "$status" -eq 0 ] || fail "exit code $status, output: $output"
	[ "${lines[0]}" = host-data ] || fail "output: $output"
	[[ "$output" == *"rootfs read-only"* ]] && [[ "$output" == *"ro volume read-only"* ]] ||
		fail "output: $output"
	[[ "$output" == *"Read-only file system"* ]] || fail "output: $output"
	[ "$(cat "$vol/out")" = ctr-data ] || fail "the container's write did not reach the host"
	[ ! -e "$vol/x" ]
}

@test "podman run -m/--pids-limit/--cpus: limits in the container's own cgroup files" {
	run pm_run --rm -m 64m --pids-limit 50 --cpus 0.5 "$PODMAN_IMAGE" sh -c "$CGROUP_FILES_SH"
	[ "$status" -eq 0 ] || fail "exit code $status, output: $output"
	[ "$output" = "mem=67108864 pids=50 cpu=50000 100000" ] || fail "output: $output"
}

@test "podman run --cap-drop/--cap-add: the effective capability set" {
	run pm_run --rm --cap-drop all "$PODMAN_IMAGE" sh -c 'grep ^CapEff /proc/self/status'
	[ "$output" = "CapEff:	0000000000000000" ] || fail "output: $output"

	run pm_run --rm --cap-drop all --cap-add NET_BIND_SERVICE,KILL "$PODMAN_IMAGE" \
		sh -c 'grep ^CapEff /proc/self/status'
	# CAP_KILL = 5, CAP_NET_BIND_SERVICE = 10.
	[ "$output" = "CapEff:	0000000000000420" ] || fail "output: $output"

	# Dropping one from podman's default set and adding one outside it.
	local eff
	eff="$(pm_run --rm --cap-drop CHOWN --cap-add SYS_ADMIN "$PODMAN_IMAGE" \
		sh -c 'grep ^CapEff /proc/self/status' | awk '{ print $2 }')"
	(((0x$eff & 1) == 0)) || fail "CAP_CHOWN still there: $eff"
	(((0x$eff >> 21) & 1)) || fail "CAP_SYS_ADMIN missing: $eff"
	(((0x$eff >> 5) & 1)) || fail "CAP_KILL (default set) missing: $eff"
}

@test "podman run --security-opt no-new-privileges" {
	run pm_run --rm --security-opt no-new-privileges "$PODMAN_IMAGE" sh -c 'grep ^NoNewPrivs /proc/self/status'
	[ "$output" = "NoNewPrivs:	1" ] || fail "output: $output"
	run pm_run --rm "$PODMAN_IMAGE" sh -c 'grep ^NoNewPrivs /proc/self/status'
	[ "$output" = "NoNewPrivs:	0" ] || fail "output: $output"
}

@test "podman exec: plain, -t, -u, -w, -e, exit code, and 127/126 with podman's messages" {
	pm_run -d --name ex "$PODMAN_IMAGE" sleep 1000 >/dev/null
	pm_wait_running ex

	# The process joins the container: it sees the container's PID 1.
	run pm exec ex sh -c 'echo "$(cat /proc/1/cmdline | tr "\0" " ")"'
	[ "$status" -eq 0 ] && [ "$output" = "sleep 1000 " ] || fail "exit code $status, output: $output"

	run pm exec -t ex sh -c '[ -t 0 ] && [ -t 1 ] && tty' </dev/null
	[ "$status" -eq 0 ] || fail "exec -t: exit code $status, output: $output"
	[[ "$output" =~ ^/dev/pts/[0-9]+$'\r'?$ ]] || fail "exec -t: output: $output"

	run pm exec -u 1000:1000 ex sh -c 'echo "$(id -u):$(id -g)"'
	[ "$output" = "1000:1000" ] || fail "exec -u 1000: $output"
	run pm exec -u user ex id -un
	[ "$output" = user ] || fail "exec -u user: $output"

	run pm exec -w /home/user ex pwd
	[ "$output" = /home/user ] || fail "exec -w: $output"

	run pm exec -e FOO=bar -e BAZ=qux ex sh -c 'echo "$FOO $BAZ"'
	[ "$output" = "bar qux" ] || fail "exec -e: $output"

	run pm exec ex sh -c 'exit 7'
	[ "$status" -eq 7 ] || fail "exec exit code: $status, output: $output"

	check_exec_errors json pm exec ex
	check_exec_errors text pm exec ex

	# A failed exec leaves the container running.
	run pm exec ex true
	[ "$status" -eq 0 ] || fail "exec after failures: $output"
}

@test "podman pause/unpause: the cgroup is frozen, exec is refused, then works again" {
	local id freezer
	id="$(pm_run -d --name pz "$PODMAN_IMAGE" sh -c 'i=0; while :; do i=$((i + 1)); echo $i >/tmp/tick.new; mv /tmp/tick.new /tmp/tick; usleep 100000; done')"
	pm_wait_running pz
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		freezer="$(pm_cgroup_file pz "" cgroup.freeze)"
	else
		freezer="$(pm_cgroup_file pz freezer freezer.state)"
	fi

	pm pause pz
	run pm inspect --format '{{.State.Status}}' pz
	[ "$output" = paused ] || fail "podman says $output"
	[ "$("$PODMAN_RUNTIME" state "$id" | jq -r .status)" = paused ] || fail "runtime does not say paused"
	case "$(cat "$freezer")" in
	FROZEN | 1) ;;
	*) fail "$freezer: $(cat "$freezer")" ;;
	esac
	run pm exec pz true
	[ "$status" -ne 0 ] || fail "exec into a paused container succeeded"

	pm unpause pz
	run pm inspect --format '{{.State.Status}}' pz
	[ "$output" = running ] || fail "podman says $output"
	case "$(cat "$freezer")" in
	THAWED | 0) ;;
	*) fail "$freezer: $(cat "$freezer")" ;;
	esac
	# The loop runs again (the counter file is replaced by rename, so a read never sees it empty).
	local t1 t2
	t1="$(pm exec pz cat /tmp/tick)"
	sleep 0.5
	t2="$(pm exec pz cat /tmp/tick)"
	[ "$t2" -gt "$t1" ] || fail "the container does not run after unpause ($t1 -> $t2)"
}

@test "podman restart: the command runs again in a new process" {
	local vol="$BATS_TEST_TMPDIR/vol" pid1 pid2
	mkdir "$vol"
	pm_run -d --name rs -v "$vol:/data" "$PODMAN_IMAGE" sh -c 'echo start >>/data/starts; exec sleep 1000' >/dev/null
	pm_wait_running rs
	pid1="$(pm inspect --format '{{.State.Pid}}' rs)"
	pm restart --time 0 rs
	pm_wait_running rs
	pid2="$(pm inspect --format '{{.State.Pid}}' rs)"
	[ "$pid1" != "$pid2" ] || fail "same pid $pid1 after restart"
	[ "$(tr '\0' ' ' <"/proc/$pid2/cmdline")" = "sleep 1000 " ] || fail "pid $pid2 is not the new sleep"
	[ "$(grep -c start "$vol/starts")" -eq 2 ] || fail "starts: $(cat "$vol/starts")"
	run pm exec rs true
	[ "$status" -eq 0 ] || fail "exec after restart: $output"
}

@test "podman update: a new memory limit is visible inside the container" {
	pm_run -d --name up -m 64m "$PODMAN_IMAGE" sleep 1000 >/dev/null
	pm_wait_running up
	run pm exec up sh -c "$CGROUP_FILES_SH"
	[[ "$output" == "mem=67108864 "* ]] || fail "before update: $output"
	pm update --memory 128m --cpu-quota 20000 --cpu-period 100000 up
	run pm exec up sh -c "$CGROUP_FILES_SH"
	[[ "$output" == "mem=134217728 "* ]] || fail "after update: $output"
	[[ "$output" == *" cpu=20000 100000" ]] || fail "after update: $output"
}

@test "podman stop -t N: SIGTERM first; a process ignoring it is killed after N seconds" {
	local start elapsed
	# Handles SIGTERM: exits at once with the trap's code.
	pm_run -d --name st1 "$PODMAN_IMAGE" sh -c 'trap "exit 42" TERM; echo ready; while :; do usleep 100000; done' >/dev/null
	wait_log st1 ready
	start="$(date +%s%N)"
	pm stop --time 20 st1
	elapsed=$((($(date +%s%N) - start) / 1000000))
	[ "$elapsed" -lt 10000 ] || fail "stop of a SIGTERM-handling container took ${elapsed} ms"
	run pm inspect --format '{{.State.ExitCode}}' st1
	[ "$output" = 42 ] || fail "exit code $output, the trap did not run"

	# Ignores SIGTERM: SIGKILL after 2 s.
	pm_run -d --name st2 "$PODMAN_IMAGE" sh -c 'trap "" TERM; echo ready; while :; do usleep 100000; done' >/dev/null
	wait_log st2 ready
	start="$(date +%s%N)"
	pm stop --time 2 st2
	elapsed=$((($(date +%s%N) - start) / 1000000))
	[ "$elapsed" -ge 2000 ] && [ "$elapsed" -lt 12000 ] || fail "stop -t 2 took ${elapsed} ms"
	run pm inspect --format '{{.State.ExitCode}}' st2
	[ "$output" = 137 ] || fail "exit code $output, want 137 (SIGKILL)"
}

@test "podman kill -s: the signal reaches a trap in the container" {
	pm_run -d --name kl "$PODMAN_IMAGE" sh -c 'trap "echo got-usr1; exit 5" USR1; echo ready; while :; do usleep 100000; done' >/dev/null
	wait_log kl ready
	pm kill --signal USR1 kl
	run pm wait kl
	[ "$output" = 5 ] || fail "wait: $output"
	run pm logs kl
	[[ "$output" == *got-usr1* ]] || fail "logs: $output"

	# Default signal: SIGKILL.
	pm_run -d --name kl2 "$PODMAN_IMAGE" sleep 1000 >/dev/null
	pm_wait_running kl2
	pm kill kl2
	run pm wait kl2
	[ "$output" = 137 ] || fail "wait: $output"
}

@test "podman top: the container's processes" {
	pm_run -d --name tp "$PODMAN_IMAGE" sh -c 'sleep 1000 & exec sleep 1001' >/dev/null
	pm_wait_running tp
	run pm top tp pid args
	[ "$status" -eq 0 ] || fail "top: $output"
	[[ "$output" == *"sleep 1001"* ]] && [[ "$output" == *"sleep 1000"* ]] || fail "top: $output"
}

@test "podman stats --no-stream: pids and memory of the container's cgroup" {
	pm_run -d --name sx -m 64m "$PODMAN_IMAGE" sh -c 'sleep 1000 & exec sleep 1001' >/dev/null
	pm_wait_running sx
	run pm stats --no-stream --format '{{.PIDs}} {{.MemUsage}}' sx
	[ "$status" -eq 0 ] || fail "stats: $output"
	[[ "$output" =~ ^2\ [0-9.]+[kMG]?B\ /\ 67.11MB$ ]] || fail "stats: $output"
}

@test "podman logs: stdout and stderr of a detached container" {
	pm_run -d --name lg "$PODMAN_IMAGE" sh -c 'echo to-stdout; echo to-stderr >&2' >/dev/null
	run pm wait lg
	[ "$output" = 0 ] || fail "wait: $output"
	run pm logs lg
	[[ "$output" == *to-stdout* ]] && [[ "$output" == *to-stderr* ]] || fail "logs: $output"
}

@test "podman rm: refused while running; -f removes it, its runtime state and its cgroup" {
	local id cgroup
	id="$(pm_run -d --name rmx "$PODMAN_IMAGE" sleep 1000)"
	pm_wait_running rmx
	cgroup="$(dirname "$(pm_cgroup_file rmx pids pids.max)")"
	[ -d "$cgroup" ] || fail "no cgroup $cgroup"
	run pm rm rmx
	[ "$status" -ne 0 ] || fail "rm of a running container succeeded"
	pm rm --force --time 0 rmx
	run pm container exists rmx
	[ "$status" -eq 1 ] || fail "podman still has rmx"
	run "$PODMAN_RUNTIME" state "$id"
	[ "$status" -ne 0 ] && [[ "$output" == *"does not exist"* ]] || fail "runtime state: $output"
	[ ! -d "$cgroup" ] || fail "cgroup $cgroup left behind"
}

# Keep last: everything podman and the runtime made for this file is gone after podman rm.
@test "the README's containers.conf: podman runs the runtime it names, without --runtime" {
	PODMAN_CONF=containers-readme.conf PODMAN_BY_NAME=1 run -0 pm info \
		--format '{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Path}}'
	[ "$output" = "cruntime $PODMAN_RUNTIME" ]
	PODMAN_CONF=containers-readme.conf PODMAN_BY_NAME=1 run -0 pm_run --rm "$PODMAN_IMAGE" \
		echo from-the-readme-config
	[ "$output" = from-the-readme-config ]
}

@test "cleanup: no container, conmon, mount or cgroup of this file survives" {
	pm_run -d --name last "$PODMAN_IMAGE" sleep 1000 >/dev/null
	pm_run --name last2 "$PODMAN_IMAGE" true
	local ids
	ids="$(pm ps --all --quiet --no-trunc)"
	podman_cleanup || fail "cleanup had to force something (see above)"
	[ -z "$(podman_conmon_pids)" ] || fail "conmon left: $(podman_conmon_pids)"
	[ -z "$(mounts_under "$PODMAN_DIR")" ] || fail "mounts left: $(mounts_under "$PODMAN_DIR")"
	[ -z "$(podman_cgroups)" ] || fail "cgroups left: $(podman_cgroups)"
	[ "$(podman_links)" = "$(cat "$PODMAN_DIR/links.before")" ] || fail "new links: $(podman_links)"
	local netconf
	netconf="$(find "$PODMAN_DIR/net" -name '*.conf*')"
	[ -z "$netconf" ] || fail "network config written: $netconf"
	local id
	for id in $ids; do
		[ ! -e "$PODMAN_RUNTIME_ROOT/$id" ] || fail "runtime state left: $PODMAN_RUNTIME_ROOT/$id"
	done
}
