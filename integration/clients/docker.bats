#!/usr/bin/env bats
# dockerd 20.10 (Debian's docker.io) drives the runtime under test (cruntime by default,
# CLIENT_RUNTIME=runc for Debian's runc) through a private containerd: every scenario runs
# through Debian's docker client and checks the effect from inside the container.

load lib

# Debian's client, never another docker on PATH, and never ~/.docker.
DOCKER_CLI=/usr/bin/docker

docker_() { DOCKER_CONFIG="$CLIENT_DATA/docker-cli" "$DOCKER_CLI" -H "unix://$DOCKER_SOCK" "$@"; }
# On an AppArmor host dockerd gives containers its docker-default profile. The scenarios test the
# client protocol, not confinement (lsm.bats and the system VM do), and ask for none with either
# runtime.
APPARMOR_OPT=""
if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
	APPARMOR_OPT="--security-opt apparmor=unconfined"
fi

# drun ARGS...: `docker run` in the host's network namespace (the daemon has no bridge); the
# tests that need docker's netns prestart hook (libnetwork-setkey) use drun_netns.
drun() { docker_ run $APPARMOR_OPT --network host "$@"; }
drun_netns() { docker_ run $APPARMOR_OPT --network none "$@"; }

# runtime_state ID: the OCI state of container ID as the runtime under test records it
# (dockerd 20.10 gives every runc-like runtime the root <exec-root>/runtime-runc, and the shim
# adds the containerd namespace, "moby").
runtime_state() { "$RUNTIME_BIN" --root "$DOCKER_EXEC/runtime-runc/moby" state "$1"; }

inspect() { docker_ inspect -f "$1" "$2"; }

# start_dockerd: dockerd on our containerd with its own data root, exec root, pidfile and socket,
# no host network changes, cgroups under our own parent; the runtime comes from daemon.json.
start_dockerd() {
	DOCKER_DATA="$CLIENT_DATA/docker"
	DOCKER_EXEC="$CLIENT_RUN/docker"
	DOCKER_SOCK="$CLIENT_RUN/docker.sock"
	DOCKER_LOG="$CLIENT_DATA/dockerd.log"
	# "runc" is a reserved runtime name in dockerd
	DOCKER_RUNTIME="$RUNTIME_NAME"
	[ "$DOCKER_RUNTIME" = runc ] && DOCKER_RUNTIME=runc-under-test
	export DOCKER_DATA DOCKER_EXEC DOCKER_SOCK DOCKER_LOG DOCKER_RUNTIME
	mkdir -p "$DOCKER_DATA" "$CLIENT_DATA/docker-cli"
	# The README's daemon.json snippet with the runtime under test's path (and name, for runc),
	# plus what keeps the daemon off the host's state (deprecated-key-path: dockerd 20.10 would
	# create /etc/docker/key.json).
	readme_snippet docker-daemon.json | jq --arg name "$DOCKER_RUNTIME" --arg path "$RUNTIME_BIN" \
		--arg parent "/$CLIENT_CGROUP" --arg key "$CLIENT_DATA/key.json" '
		if .runtimes.cruntime.path != "/usr/local/bin/cruntime" or ."default-runtime" != "cruntime"
		then error("the README snippet does not name /usr/local/bin/cruntime") else . end
		| .runtimes = {($name): (.runtimes.cruntime | .path = $path)}
		| ."default-runtime" = $name
		| ."cgroup-parent" = $parent
		| ."deprecated-key-path" = $key' >"$CLIENT_DATA/daemon.json" || return 1
	dockerd --config-file "$CLIENT_DATA/daemon.json" \
		--containerd "$CONTAINERD_SOCK" \
		--data-root "$DOCKER_DATA" --exec-root "$DOCKER_EXEC" \
		--pidfile "$CLIENT_RUN/dockerd.pid" -H "unix://$DOCKER_SOCK" \
		--iptables=false --ip6tables=false --ip-masq=false --ip-forward=false --bridge=none \
		--userland-proxy=false --debug >"$DOCKER_LOG" 2>&1 3>&- &
	DOCKERD_PID=$!
	export DOCKERD_PID
	wait_for_daemon dockerd "$DOCKERD_PID" "$DOCKER_LOG" 60 docker_ version
}

stop_dockerd() {
	[ -n "${DOCKERD_PID:-}" ] || return 0
	if pid_alive "$DOCKERD_PID"; then
		local ids
		ids="$(docker_ ps -aq 2>/dev/null)"
		[ -z "$ids" ] || docker_ rm -f $ids >/dev/null 2>&1 || true
	fi
	stop_pid "$DOCKERD_PID" 30
}

setup_file() {
	requires containerd ctr containerd-shim-runc-v2 dockerd "$DOCKER_CLI" jq busybox script ldd || return 0
	clients_setup_file || return 0
	IMAGE=localhost/crt-test/busybox:latest
	export IMAGE
	build_image_rootfs "$CLIENT_DATA/rootfs"
	build_image_archive "$CLIENT_DATA/rootfs" "$CLIENT_DATA/image.tar" "$IMAGE"
	start_containerd
	start_dockerd
	docker_ load -i "$CLIENT_DATA/image.tar" >/dev/null
	[ "$(docker_ info -f '{{.DefaultRuntime}}')" = "$DOCKER_RUNTIME" ]
}

teardown_file() {
	stop_dockerd
	stop_containerd
	clients_teardown_file
}

setup() {
	skip_unless_ready
	NAME="c$BATS_TEST_NUMBER"
	VOL="$BATS_TEST_TMPDIR/vol"
	mkdir -p "$VOL"
}

teardown() {
	[ -z "${CLIENT_SKIP:-}" ] || return 0
	local ids
	ids="$(docker_ ps -aq 2>/dev/null)"
	[ -z "$ids" ] || docker_ rm -f $ids >/dev/null 2>&1 || true
	if [ -n "${BATS_TEST_COMPLETED:-}" ]; then return 0; fi
	echo "--- last output: $output"
	echo "--- dockerd log (tail):"
	tail -n 20 "$DOCKER_LOG"
}

@test "docker run: exit code, output, --rm removes the container" {
	run -3 drun_netns --rm --name "$NAME" "$IMAGE" sh -c 'echo out-$((1+1)); exit 3'
	[ "$output" = out-2 ]
	run docker_ ps -aq --filter "name=^$NAME\$"
	[ -z "$output" ]
}

@test "docker run -d: runs under the runtime under test; docker rm -f removes it everywhere" {
	local id pid
	id="$(drun_netns -d --name "$NAME" "$IMAGE" sleep 1000)"
	local info
	info="$(inspect '{{.State.Running}} {{.HostConfig.Runtime}} {{.State.Pid}}' "$NAME")"
	[ "${info% *}" = "true $DOCKER_RUNTIME" ]
	pid="${info##* }"
	# docker's prestart hook put the container in its own network namespace
	[ "$(readlink "/proc/$pid/ns/net")" != "$(readlink /proc/self/ns/net)" ]
	run runtime_state "$id"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = running ]
	[ "$(jq -r .pid <<<"$output")" = "$pid" ]
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 1000 " ]
	docker_ rm -f "$NAME"
	run ! runtime_state "$id"
	run docker_ ps -aq --filter "name=^$NAME\$"
	[ -z "$output" ]
	pid_gone "$pid"
	local d
	for d in /sys/fs/cgroup/"$CLIENT_CGROUP"/"$id" /sys/fs/cgroup/*/"$CLIENT_CGROUP"/"$id"; do
		[ ! -e "$d" ] || fail "cgroup $d left behind"
	done
}

@test "docker run -t: the process gets a terminal (with and without -i)" {
	run drun --rm -t "$IMAGE" sh -c 'tty; [ -t 0 ] && echo stdin-is-tty'
	[ "$status" -eq 0 ]
	output="$(tr -d '\r' <<<"$output")"
	[[ "$output" =~ ^/dev/pts/[0-9]+ ]]
	[[ "$output" == *stdin-is-tty* ]]
	# -it needs a terminal on the client's stdin: script(1) gives it one
	run script -qec "DOCKER_CONFIG=$CLIENT_DATA/docker-cli $DOCKER_CLI -H unix://$DOCKER_SOCK run $APPARMOR_OPT --rm -it --network none $IMAGE sh -c 'tty; [ -t 0 ] && echo stdin-is-tty'" /dev/null
	[ "$status" -eq 0 ]
	output="$(tr -d '\r' <<<"$output")"
	[[ "$output" =~ /dev/pts/[0-9]+ ]]
	[[ "$output" == *stdin-is-tty* ]]
}

@test "docker run: -e, -u (id and name) and -w reach the process" {
	run drun --rm -e FOO=bar -u 1000:1000 -w /work "$IMAGE" sh -c 'echo "$FOO $(pwd) $(id -u):$(id -g)"'
	[ "$status" -eq 0 ]
	[ "$output" = "bar /work 1000:1000" ]
	run drun --rm -u user "$IMAGE" sh -c 'echo "$(id -u):$(id -g) $HOME"'
	[ "$status" -eq 0 ]
	[ "$output" = "1000:1000 /home/user" ]
}

@test "docker run: a bind volume is read and written through, --read-only makes / read-only" {
	echo from-host >"$VOL/in"
	run drun --rm --read-only -v "$VOL:/vol" "$IMAGE" \
		sh -c 'cat /vol/in; echo from-container >/vol/out; touch /rootfs-write 2>&1 || echo ro-refused'
	[ "$status" -eq 0 ]
	[[ "$output" == *from-host* ]]
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$output" == *ro-refused* ]]
	[ "$(cat "$VOL/out")" = from-container ]
}

@test "docker run: --memory, --pids-limit and --cpus are the container's cgroup limits" {
	run drun --rm --memory 32m --pids-limit 50 --cpus 0.5 "$IMAGE" cgprobe
	[ "$status" -eq 0 ]
	[ "$output" = "memory=33554432 pids=50 cpu=50000/100000" ]
	run drun --rm "$IMAGE" cgprobe
	[ "$status" -eq 0 ]
	[[ "$output" == "memory=max pids=max cpu=max/"* ]]
}

@test "docker run: --cap-drop/--cap-add change CapEff, no-new-privileges sets NoNewPrivs" {
	run drun --rm "$IMAGE" sh -c "$CAP_STATUS_CMD"
	[ "$status" -eq 0 ]
	local base_caps
	base_caps="$(cap_eff)"
	[[ "$output" == *"NoNewPrivs:"$'\t'0* ]]
	run drun --rm --security-opt no-new-privileges --cap-drop NET_RAW --cap-add SYS_ADMIN "$IMAGE" sh -c "$CAP_STATUS_CMD"
	[ "$status" -eq 0 ]
	[[ "$output" == *"NoNewPrivs:"$'\t'1* ]]
	assert_net_raw_swapped_for_sys_admin "$base_caps" "$(cap_eff)"
}

@test "docker exec: exit code, -e, -u, -w, -t" {
	drun -d --name "$NAME" -e FOO=from-run "$IMAGE" sleep 1000 >/dev/null
	run -5 docker_ exec "$NAME" sh -c 'echo "$FOO $(pwd) $(id -u)"; exit 5'
	[ "$output" = "from-run / 0" ]
	run docker_ exec -e FOO=from-exec -u 1000:1000 -w /work "$NAME" sh -c 'echo "$FOO $(pwd) $(id -u):$(id -g)"'
	[ "$status" -eq 0 ]
	[ "$output" = "from-exec /work 1000:1000" ]
	run docker_ exec -t "$NAME" sh -c 'tty; [ -t 0 ] && echo stdin-is-tty'
	[ "$status" -eq 0 ]
	output="$(tr -d '\r' <<<"$output")"
	[[ "$output" =~ ^/dev/pts/[0-9]+ ]]
	[[ "$output" == *stdin-is-tty* ]]
	[ "$(inspect '{{.State.Running}}' "$NAME")" = true ]
}

# runc 1.1.5 (the reference) with docker 20.10 gives exit 126 and
#   OCI runtime exec failed: exec failed: unable to start container process: exec: "/nope":
#   stat /nope: no such file or directory: unknown
#   OCI runtime exec failed: exec failed: unable to start container process: exec:
#   "/noexec": permission denied: unknown
#   OCI runtime exec failed: exec failed: unable to start container process: exec:
#   "nope-not-on-path": executable file not found in $PATH: unknown
# (docker exec maps every runtime exec failure to 126; run maps by the message, below.)
@test "docker exec: a missing binary and a non-executable file fail as with runc" {
	drun -d --name "$NAME" "$IMAGE" sleep 1000 >/dev/null
	run -126 docker_ exec "$NAME" /nope
	[[ "$output" == *"OCI runtime exec failed"* ]]
	[[ "$output" == *"no such file or directory"* ]]
	run -126 docker_ exec "$NAME" /noexec
	[[ "$output" == *"OCI runtime exec failed"* ]]
	[[ "$output" == *"permission denied"* ]]
	run -126 docker_ exec "$NAME" nope-not-on-path
	[[ "$output" == *"OCI runtime exec failed"* ]]
	[[ "$output" == *"executable file not found"* ]]
	run docker_ exec "$NAME" echo still-fine
	[ "$output" = still-fine ]
}

# docker run maps the runtime's create error by its text: "no such file or directory" /
# "executable file not found" -> 127, "permission denied" -> 126.
@test "docker run: a missing binary gives 127, a non-executable file 126, as with runc" {
	run -127 drun --rm "$IMAGE" /nope
	[[ "$output" == *"OCI runtime create failed"* ]]
	[[ "$output" == *"no such file or directory"* ]]
	run -127 drun --rm "$IMAGE" nope-not-on-path
	[[ "$output" == *"executable file not found"* ]]
	run -126 drun --rm "$IMAGE" /noexec
	[[ "$output" == *"OCI runtime create failed"* ]]
	[[ "$output" == *"permission denied"* ]]
}

@test "docker pause/unpause: the container freezes and thaws, exec works after unpause" {
	drun -d --name "$NAME" -v "$VOL:/vol" "$IMAGE" \
		sh -c 'i=0; while :; do i=$((i+1)); echo $i >/vol/count.new; mv /vol/count.new /vol/count; sleep 0.05; done' >/dev/null
	wait_for 30 '[ -s "$VOL/count" ]'
	docker_ pause "$NAME"
	[ "$(inspect '{{.State.Status}}' "$NAME")" = paused ]
	local before
	before="$(cat "$VOL/count")"
	sleep 0.5
	[ "$(cat "$VOL/count")" = "$before" ]
	run ! docker_ exec "$NAME" true
	[[ "$output" == *"is paused"* ]]
	docker_ unpause "$NAME"
	[ "$(inspect '{{.State.Status}}' "$NAME")" = running ]
	wait_for 30 '[ "$(cat "$VOL/count")" -gt "$((before + 2))" ]'
	run docker_ exec "$NAME" cat /vol/count
	[ "$status" -eq 0 ]
	[ "$output" -gt "$before" ]
}

@test "docker restart: same container, new process; --restart on-failure reruns it" {
	# the container's rootfs survives a restart: the second run finds what the first wrote
	drun -d --name "$NAME" -v "$VOL:/vol" "$IMAGE" \
		sh -c 'cat /persist >>/vol/seen 2>/dev/null; echo kept >/persist; exec sleep 1000' >/dev/null
	local fmt='{{.State.Running}} {{.State.Pid}} {{.State.StartedAt}}' before after
	before="$(inspect "$fmt" "$NAME")"
	docker_ restart -t 1 "$NAME"
	after="$(inspect "$fmt" "$NAME")"
	local running pid started
	read -r running pid started <<<"$after"
	[ "$running" = true ]
	[ "$pid" != "$(cut -d' ' -f2 <<<"$before")" ]
	[ "$started" != "$(cut -d' ' -f3 <<<"$before")" ]
	pid_alive "$pid"
	wait_for 30 'file_has "$VOL/seen" kept'
	drun -d --name "$NAME-2" --restart on-failure:2 -v "$VOL:/vol" "$IMAGE" sh -c 'echo run >>/vol/runs; exit 1' >/dev/null
	wait_for 30 '[ "$(inspect "{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}" "$NAME-2")" = "exited 2 1" ]'
	[ "$(wc -l <"$VOL/runs")" -eq 3 ]
}

@test "docker update: the new limits are the container's cgroup limits" {
	drun -d --name "$NAME" --memory 32m --pids-limit 50 --cpus 0.5 "$IMAGE" sleep 1000 >/dev/null
	run docker_ exec "$NAME" cgprobe
	[ "$output" = "memory=33554432 pids=50 cpu=50000/100000" ]
	docker_ update --memory 64m --memory-swap 128m --pids-limit 30 --cpus 0.25 "$NAME"
	run docker_ exec "$NAME" cgprobe
	[ "$status" -eq 0 ]
	[ "$output" = "memory=67108864 pids=30 cpu=25000/100000" ]
}

@test "docker stop: SIGTERM first; a process ignoring it is killed after the timeout" {
	drun -d --name "$NAME" -v "$VOL:/vol" "$IMAGE" \
		sh -c 'trap "echo got-term >/vol/marker; exit 7" TERM; while :; do sleep 0.1; done' >/dev/null
	docker_ stop -t 10 "$NAME"
	grep -q got-term "$VOL/marker"
	[ "$(inspect '{{.State.ExitCode}}' "$NAME")" -eq 7 ]
	drun -d --name "$NAME-2" "$IMAGE" sh -c 'trap "" TERM; while :; do sleep 0.1; done' >/dev/null
	local start=$SECONDS
	docker_ stop -t 2 "$NAME-2"
	((SECONDS - start >= 2))
	((SECONDS - start < 15))
	[ "$(inspect '{{.State.Status}} {{.State.ExitCode}}' "$NAME-2")" = "exited 137" ]
}

@test "docker kill: the signal reaches the process" {
	drun -d --name "$NAME" -v "$VOL:/vol" "$IMAGE" \
		sh -c 'trap "echo got-usr1 >/vol/marker" USR1; while :; do sleep 0.1; done' >/dev/null
	docker_ kill -s USR1 "$NAME"
	wait_for 30 'file_has "$VOL/marker" got-usr1'
	[ "$(inspect '{{.State.Running}}' "$NAME")" = true ]
	docker_ kill "$NAME"
	wait_for 30 '[ "$(inspect "{{.State.Status}} {{.State.ExitCode}}" "$NAME")" = "exited 137" ]'
}

@test "docker top: lists the container's processes" {
	drun -d --name "$NAME" "$IMAGE" sh -c 'sleep 999 & exec sleep 1000' >/dev/null
	wait_for 30 '[ "$(docker_ top "$NAME" | tail -n +2 | wc -l)" -eq 2 ]'
	run docker_ top "$NAME" -o pid,args
	[ "$status" -eq 0 ]
	[[ "$output" == *"$(inspect '{{.State.Pid}}' "$NAME") "*"sleep 1000"* ]]
	[[ "$output" == *"sleep 999"* ]]
}

@test "docker stats --no-stream: shows the container's usage and limit" {
	drun -d --name "$NAME" --memory 64m "$IMAGE" sleep 1000 >/dev/null
	run docker_ stats --no-stream --format '{{.Name}} {{.PIDs}} {{.MemUsage}}' "$NAME"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^$NAME\ 1\ .*/\ 64MiB$ ]]
}

@test "docker logs: stdout and stderr of the container" {
	drun -d --name "$NAME" "$IMAGE" sh -c 'echo to-stdout; echo to-stderr >&2' >/dev/null
	wait_for 30 '[ "$(inspect "{{.State.Status}}" "$NAME")" = exited ]'
	run --separate-stderr docker_ logs "$NAME"
	[ "$status" -eq 0 ]
	[ "$output" = to-stdout ]
	[ "$stderr" = to-stderr ]
}
