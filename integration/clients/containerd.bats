#!/usr/bin/env bats
# containerd 1.6 with the runc v2 shim drives the runtime under test (cruntime by default,
# CLIENT_RUNTIME=runc for Debian's runc): every scenario runs through `ctr` against a private
# containerd and checks the effect from inside the container.

load lib

# ctr against our daemon, in our namespace.
ctr_() { ctr --address "$CONTAINERD_SOCK" -n "$CTR_NS" "$@"; }

# ctr_run ARGS...: `ctr run` with the runc v2 shim told to exec the runtime under test (the
# BinaryName runtime option) with its state root in our run dir.
ctr_run() {
	ctr_ run --runtime io.containerd.runc.v2 --runc-binary "$RUNTIME_BIN" \
		--runc-root "$CLIENT_RUN/runc" --fifo-dir "$CLIENT_RUN/fifo" "$@"
}

# ctr_exec ARGS...: `ctr task exec` with our fifo dir.
ctr_exec() { ctr_ task exec --fifo-dir "$CLIENT_RUN/fifo" "$@"; }

# runtime_state ID: the OCI state of ID as the runtime under test itself records it.
runtime_state() { "$RUNTIME_BIN" --root "$CLIENT_RUN/runc/$CTR_NS" state "$1"; }

# task_status ID: RUNNING / PAUSED / STOPPED as containerd reports it.
task_status() { ctr_ task ls | awk -v id="$1" '$1 == id { print $3 }'; }

# start_detached ID ARGS...: run -d and wait until the task runs.
start_detached() {
	local id=$1
	shift
	ctr_run -d "$@" "$IMAGE" "$id" "${CMD[@]}"
	wait_for 30 '[ "$(task_status "$id")" = RUNNING ]'
}

setup_file() {
	requires containerd ctr containerd-shim-runc-v2 jq busybox script ldd || return 0
	clients_setup_file || return 0
	CTR_NS="$CLIENT_CGROUP" # ctr's default cgroup path is /<namespace>/<id>: ours is unique
	IMAGE=localhost/crt-test/busybox:latest
	IMAGE_USER=localhost/crt-test/busybox-user:latest
	export CTR_NS IMAGE IMAGE_USER
	build_image_rootfs "$CLIENT_DATA/rootfs"
	build_image_archive "$CLIENT_DATA/rootfs" "$CLIENT_DATA/image.tar" "$IMAGE" "$IMAGE_USER=1000:1000"
	mkdir -p "$CLIENT_RUN/fifo" "$CLIENT_RUN/runc"
	start_containerd
	ctr_ images import "$CLIENT_DATA/image.tar" >/dev/null
}

teardown_file() {
	stop_containerd
	clients_teardown_file
}

setup() {
	skip_unless_ready
	ID="c$BATS_TEST_NUMBER"
	VOL="$BATS_TEST_TMPDIR/vol"
	mkdir -p "$VOL"
	CMD=(sleep 1000)
}

teardown() {
	[ -z "${CLIENT_SKIP:-}" ] || return 0
	containerd_clean_namespace "$CTR_NS"
	if [ -n "${BATS_TEST_COMPLETED:-}" ]; then return 0; fi
	echo "--- last output: $output"
	[ ! -e "$VOL/log" ] || { echo "--- $VOL/log:"; cat "$VOL/log"; }
	echo "--- containerd log (tail):"
	tail -n 20 "$CONTAINERD_LOG"
}

@test "ctr run: the container's exit code is ctr's, --rm removes the container and its state" {
	run -3 ctr_run --rm "$IMAGE" "$ID" sh -c 'echo out-$((1+1)); exit 3'
	[ "$output" = out-2 ]
	run ctr_ container ls -q
	[[ "$output" != *"$ID"* ]]
	run ! runtime_state "$ID"
	[ ! -e "/sys/fs/cgroup/memory/$CTR_NS/$ID" ] && [ ! -e "/sys/fs/cgroup/$CTR_NS/$ID" ]
}

@test "ctr run -d: the task runs under the runtime under test, delete removes it" {
	start_detached "$ID"
	local pid
	pid="$(ctr_ task ls | awk -v id="$ID" '$1 == id { print $2 }')"
	run runtime_state "$ID"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = running ]
	[ "$(jq -r .pid <<<"$output")" = "$pid" ]
	[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 1000 " ]
	ctr_ task kill -s SIGKILL "$ID"
	wait_for 30 '[ "$(task_status "$ID")" = STOPPED ]'
	ctr_ task delete "$ID"
	ctr_ container delete "$ID"
	run ! runtime_state "$ID"
	run ctr_ container ls -q
	[[ "$output" != *"$ID"* ]]
	pid_gone "$pid"
}

@test "ctr run -t: the process gets a terminal" {
	run script -qec "ctr --address $CONTAINERD_SOCK -n $CTR_NS run --rm -t --runtime io.containerd.runc.v2 --runc-binary $RUNTIME_BIN --runc-root $CLIENT_RUN/runc --fifo-dir $CLIENT_RUN/fifo $IMAGE $ID sh -c 'tty; [ -t 0 ] && echo stdin-is-tty; stty size >/dev/null && echo has-size'" /dev/null
	[ "$status" -eq 0 ]
	output="$(tr -d '\r' <<<"$output")"
	[[ "$output" =~ /dev/pts/[0-9]+ ]]
	[[ "$output" == *stdin-is-tty* ]]
	[[ "$output" == *has-size* ]]
}

@test "ctr run: --env, --cwd and the image's user reach the process" {
	run ctr_run --rm --env FOO=bar --cwd /work "$IMAGE" "$ID" sh -c 'echo "$FOO $(pwd) $(id -u):$(id -g)"'
	[ "$status" -eq 0 ]
	[ "$output" = "bar /work 0:0" ]
	run ctr_run --rm "$IMAGE_USER" "$ID" sh -c 'echo "$(id -u):$(id -g) $HOME"'
	[ "$status" -eq 0 ]
	[ "$output" = "1000:1000 /" ] || [ "$output" = "1000:1000 /home/user" ]
}

@test "ctr run: a bind mount is read and written through, --read-only makes / read-only" {
	echo from-host >"$VOL/in"
	run ctr_run --rm --read-only --mount "type=bind,src=$VOL,dst=/vol,options=rbind:rw" "$IMAGE" "$ID" \
		sh -c 'cat /vol/in; echo from-container >/vol/out; touch /rootfs-write 2>&1 || echo ro-refused'
	[ "$status" -eq 0 ]
	[[ "$output" == *from-host* ]]
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$output" == *ro-refused* ]]
	[ "$(cat "$VOL/out")" = from-container ]
}

# containerd's default spec has no cgroup mount (CRI and docker add one): add it as they do.
CGROUP_MOUNT="type=cgroup,src=cgroup,dst=/sys/fs/cgroup,options=ro:nosuid:noexec:nodev"

@test "ctr run: --memory-limit and --cpus are the container's cgroup limits" {
	run ctr_run --rm --mount "$CGROUP_MOUNT" --memory-limit 33554432 --cpus 0.5 "$IMAGE" "$ID" cgprobe
	[ "$status" -eq 0 ]
	[[ "$output" == *"memory=33554432 "* ]]
	[[ "$output" == *" cpu=50000/100000"* ]]
	run ctr_run --rm --mount "$CGROUP_MOUNT" "$IMAGE" "$ID" cgprobe
	[ "$status" -eq 0 ]
	[[ "$output" == *"memory=max "* ]]
	[[ "$output" == *" cpu=max/"* ]]
}

@test "ctr run: --cap-drop/--cap-add change CapEff, NoNewPrivs is set unless --allow-new-privs" {
	run ctr_run --rm "$IMAGE" "$ID" sh -c "$CAP_STATUS_CMD"
	[ "$status" -eq 0 ]
	local base_caps
	base_caps="$(cap_eff)"
	[[ "$output" == *"NoNewPrivs:"$'\t'1* ]]
	run ctr_run --rm --allow-new-privs --cap-drop CAP_NET_RAW --cap-add CAP_SYS_ADMIN "$IMAGE" "$ID" sh -c "$CAP_STATUS_CMD"
	[ "$status" -eq 0 ]
	[[ "$output" == *"NoNewPrivs:"$'\t'0* ]]
	assert_net_raw_swapped_for_sys_admin "$base_caps" "$(cap_eff)"
}

@test "ctr task exec: exit code, environment, --user, --cwd, -t" {
	start_detached "$ID" --env FOO=from-run
	run -5 ctr_exec --exec-id e1 "$ID" sh -c 'echo "$FOO $(pwd) $(id -u)"; exit 5'
	[ "$output" = "from-run / 0" ]
	run ctr_exec --exec-id e2 --user 1000 --cwd /work "$ID" sh -c 'echo "$(id -u) $(pwd)"'
	[ "$status" -eq 0 ]
	[ "$output" = "1000 /work" ]
	run script -qec "ctr --address $CONTAINERD_SOCK -n $CTR_NS task exec --fifo-dir $CLIENT_RUN/fifo -t --exec-id e3 $ID tty" /dev/null
	[ "$status" -eq 0 ]
	# ctr may add "resize pty ... stopped container" when tty exits before its resize: harmless
	# script(1) may echo a control character (^@) before the output
	tr -d '\r' <<<"$output" | grep -Eq '(^|\^@)/dev/pts/[0-9]+$'
	# the container's init is untouched by the execs
	[ "$(task_status "$ID")" = RUNNING ]
}

# runc 1.1.5 (the reference) gives, with exit status 1:
#   ctr: OCI runtime exec failed: exec failed: unable to start container process: exec: "/nope":
#   stat /nope: no such file or directory: unknown
#   ctr: OCI runtime exec failed: exec failed: unable to start container process: exec:
#   "/noexec": permission denied: unknown
#   ctr: OCI runtime exec failed: exec failed: unable to start container process: exec:
#   "nope-not-on-path": executable file not found in $PATH: unknown
# containerd and docker classify errors by these texts, so cruntime must give them too.
@test "ctr task exec: a missing binary and a non-executable file fail as with runc" {
	start_detached "$ID"
	run -1 ctr_exec --exec-id e1 "$ID" /nope
	[[ "$output" == *"OCI runtime exec failed"* ]]
	[[ "$output" == *"no such file or directory"* ]]
	run -1 ctr_exec --exec-id e2 "$ID" /noexec
	[[ "$output" == *"OCI runtime exec failed"* ]]
	[[ "$output" == *"permission denied"* ]]
	run -1 ctr_exec --exec-id e4 "$ID" nope-not-on-path
	[[ "$output" == *"OCI runtime exec failed"* ]]
	[[ "$output" == *"executable file not found"* ]]
	[ "$(task_status "$ID")" = RUNNING ]
	run ctr_exec --exec-id e3 "$ID" echo still-fine
	[ "$output" = still-fine ]
}

# runc: "ctr: failed to create shim task: OCI runtime create failed: runc create failed: unable to
# start container process: exec: "/nope": stat /nope: no such file or directory: unknown", 1.
@test "ctr run: a missing binary and a non-executable file fail at create as with runc" {
	run -1 ctr_run --rm "$IMAGE" "$ID" /nope
	[[ "$output" == *"OCI runtime create failed"* ]]
	[[ "$output" == *"no such file or directory"* ]]
	run -1 ctr_run --rm "$IMAGE" "$ID-2" /noexec
	[[ "$output" == *"OCI runtime create failed"* ]]
	[[ "$output" == *"permission denied"* ]]
}

@test "ctr task pause/resume: the container freezes and thaws, exec works after resume" {
	CMD=(sh -c 'i=0; while :; do i=$((i+1)); echo $i >/vol/count.new; mv /vol/count.new /vol/count; sleep 0.05; done')
	start_detached "$ID" --mount "type=bind,src=$VOL,dst=/vol,options=rbind:rw"
	wait_for 30 '[ -s "$VOL/count" ]'
	ctr_ task pause "$ID"
	[ "$(task_status "$ID")" = PAUSED ]
	[ "$(runtime_state "$ID" | jq -r .status)" = paused ]
	local before
	before="$(cat "$VOL/count")"
	sleep 0.5
	[ "$(cat "$VOL/count")" = "$before" ]
	ctr_ task resume "$ID"
	[ "$(task_status "$ID")" = RUNNING ]
	wait_for 30 '[ "$(cat "$VOL/count")" -gt "$((before + 2))" ]'
	run ctr_exec --exec-id e1 "$ID" cat /vol/count
	[ "$status" -eq 0 ]
	[ "$output" -gt "$before" ]
}

@test "ctr task kill: the signal reaches the process" {
	CMD=(sh -c 'trap "echo got-usr1 >/vol/marker" USR1; trap "echo got-term >/vol/marker; exit 7" TERM; while :; do sleep 0.1; done')
	start_detached "$ID" --mount "type=bind,src=$VOL,dst=/vol,options=rbind:rw"
	ctr_ task kill -s SIGUSR1 "$ID"
	wait_for 30 'file_has "$VOL/marker" got-usr1'
	[ "$(task_status "$ID")" = RUNNING ]
	ctr_ task kill -s SIGTERM "$ID"
	wait_for 30 'file_has "$VOL/marker" got-term'
	wait_for 30 '[ "$(task_status "$ID")" = STOPPED ]'
	run ctr_ task delete "$ID"
	[[ "$output" == *"exited with status 7"* ]] || [[ "$output" == *" 7"* ]]
}

@test "ctr task ps: lists the container's processes" {
	CMD=(sh -c 'sleep 999 & exec sleep 1000')
	start_detached "$ID"
	wait_for 30 '[ "$(ctr_ task ps "$ID" | tail -n +2 | wc -l)" -eq 2 ]'
	local pid
	for pid in $(ctr_ task ps "$ID" | awk 'NR > 1 { print $1 }'); do
		[[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" =~ ^sleep\ (1000|999)\ $ ]]
	done
}

@test "ctr task metrics: the shim reads the container's cgroup" {
	start_detached "$ID" --memory-limit 67108864
	run ctr_ task metrics --format json "$ID"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.pids.current' <<<"$output")" -ge 1 ]
	# v1: memory.usage.limit; v2: memory.usage_limit
	[ "$(jq -r '.memory.usage.limit // .memory.usage_limit' <<<"$output")" = 67108864 ]
}

@test "ctr run --log-uri: the container's output reaches the log file" {
	# The task stays up a second after writing: twice (of many runs, with cruntime's fast start)
	# containerd 1.6's shim logged "error copying stderr" and lost the stderr line of a task that
	# exited at once. This scenario is about the log URI, not exit timing (see the issue note).
	CMD=(sh -c 'echo to-stdout; echo to-stderr >&2; sleep 1')
	ctr_run -d --log-uri "file://$VOL/log" "$IMAGE" "$ID" "${CMD[@]}"
	wait_for 30 'file_has "$VOL/log" to-stderr'
	grep -q to-stdout "$VOL/log"
}

@test "the README's CRI config: containerd reads the cruntime handler with its BinaryName" {
	# No kubelet runs here, so the CRI plugin stays off in our daemon: containerd itself parses
	# the README's config.toml (runtime path replaced) into its CRI runtimes, as it would at start.
	local config="$BATS_TEST_TMPDIR/config.toml" cri='plugins."io.containerd.grpc.v1.cri".containerd'
	readme_snippet containerd-cri.toml >"$config"
	grep -qF 'BinaryName = "/usr/local/bin/cruntime"' "$config"
	sed -i "s|/usr/local/bin/cruntime|$RUNTIME_BIN|" "$config"
	run -0 --separate-stderr containerd --config "$config" config dump
	grep -qxF "      default_runtime_name = \"cruntime\"" <<<"$output"
	# the handler's table, its runc options and the binary in them
	sed -n "/^ *\[$cri\.runtimes\.cruntime\]$/,/^ *\[$cri\.[a-z_]*\]$/p" <<<"$output" >"$BATS_TEST_TMPDIR/handler"
	grep -qxF '          runtime_type = "io.containerd.runc.v2"' "$BATS_TEST_TMPDIR/handler"
	grep -qF "[$cri.runtimes.cruntime.options]" "$BATS_TEST_TMPDIR/handler"
	grep -qxF "            BinaryName = \"$RUNTIME_BIN\"" "$BATS_TEST_TMPDIR/handler"
}
