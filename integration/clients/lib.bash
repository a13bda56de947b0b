# Shared bats library of the client tests (containerd/ctr, docker, podman): which runtime binary
# the client is told to use, a busybox image built locally (no registry is reachable), polling
# helpers, and the bookkeeping that starts a private daemon and removes everything it left.
# Usage in a .bats file under integration/clients/:
#   load lib
#   setup_file() { requires CMD... || return 0; clients_setup_file || return 0; ...start the
#                  client's daemon...; }
#   teardown_file() { ...stop it...; clients_teardown_file; }
#   setup() { skip_unless_ready; ...; }

# `run -N` and `run --separate-stderr` need bats >= 1.5 (Debian 12 ships 1.8.2).
bats_require_minimum_version 1.5.0

CLIENTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The project's bats helpers (the busybox rootfs builders); the definitions below come after.
source "$CLIENTS_DIR/../helpers.bash"

fail() {
	echo "FAIL: $*" >&2
	return 1
}

# requires CMD...: every command is on PATH, or cannot_run.
requires() {
	local cmd
	for cmd in "$@"; do
		command -v "$cmd" >/dev/null 2>&1 || cannot_run "needs $cmd (make deps installs it)" || return 1
	done
}

# --- the runtime under test -------------------------------------------------------------------

# select_client_runtime: sets RUNTIME_BIN (absolute path) and RUNTIME_NAME from CLIENT_RUNTIME:
#   unset or "cruntime" -> $CRUNTIME (CTest passes the built binary; default ../../build/cruntime)
#   "runc"              -> the runc on PATH (Debian's), to prove the tests check the client's
#                          contract and not cruntime's quirks
#   a path              -> that binary, named after its file name.
select_client_runtime() {
	case "${CLIENT_RUNTIME:-cruntime}" in
	cruntime)
		RUNTIME_BIN="$(realpath -m "${CRUNTIME:-$CLIENTS_DIR/../../build/cruntime}")"
		RUNTIME_NAME=cruntime
		;;
	runc)
		RUNTIME_BIN="$(command -v runc)" || cannot_run "CLIENT_RUNTIME=runc but runc is not installed" || return 1
		RUNTIME_NAME=runc
		;;
	*)
		RUNTIME_BIN="$(realpath -m "$CLIENT_RUNTIME")"
		RUNTIME_NAME="$(basename "$RUNTIME_BIN")"
		;;
	esac
	[ -x "$RUNTIME_BIN" ] || fail "runtime binary not found at $RUNTIME_BIN (build first, or set CRUNTIME/CLIENT_RUNTIME)"
	export RUNTIME_BIN RUNTIME_NAME
}

# --- polling ------------------------------------------------------------------------------------

# wait_for SECONDS 'CONDITION': eval the shell text CONDITION every 0.1s until it succeeds;
# fail after SECONDS. CONDITION is one quoted string so that substitutions in it, e.g.
# '[ "$(state "$ID")" = running ]', are evaluated afresh on every try.
wait_for() {
	local deadline=$((SECONDS + $1))
	until eval "$2" >/dev/null 2>&1; do
		((SECONDS < deadline)) || fail "timed out after ${1}s waiting for: $2"
		sleep 0.1
	done
}

# pid_alive PID: the process exists and is not a zombie.
pid_alive() {
	local state
	state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
	[ -n "$state" ] && [ "$state" != Z ]
}

# pid_gone PID: the opposite of pid_alive (for wait_for).
pid_gone() { ! pid_alive "$1"; }

# wait_for_daemon NAME PID LOG SECONDS CMD...: poll CMD until it succeeds (the daemon answers);
# fail with the log's tail if PID dies or SECONDS pass first.
wait_for_daemon() {
	local name="$1" pid="$2" log="$3" deadline=$((SECONDS + $4))
	shift 4
	until "$@" >/dev/null 2>&1; do
		if ! pid_alive "$pid" || ((SECONDS >= deadline)); then
			tail -n 30 "$log" >&2
			fail "$name did not come up"
			return 1
		fi
		sleep 0.1
	done
}

# --- what the clients' containers report ---------------------------------------------------------

# The /proc/self/status lines the capability tests compare.
CAP_STATUS_CMD='grep -E "^(CapEff|NoNewPrivs):" /proc/self/status'

# cap_eff: the CapEff hex mask in $output (from CAP_STATUS_CMD).
cap_eff() { awk '$1 == "CapEff:" { print $2 }' <<<"$output"; }

# assert_net_raw_swapped_for_sys_admin BASE CAPS: CAPS is BASE without CAP_NET_RAW (13) and
# with CAP_SYS_ADMIN (21), and nothing else changed (the clients' --cap-drop/--cap-add test).
assert_net_raw_swapped_for_sys_admin() {
	local base="$1" caps="$2"
	((0x$base & (1 << 13))) || fail "CAP_NET_RAW is not in the default set $base"
	(((0x$base ^ 0x$caps) == ((1 << 13) | (1 << 21)))) || fail "CapEff $base -> $caps"
	((0x$caps & (1 << 21))) || fail "CAP_SYS_ADMIN is not in $caps"
}

# file_has FILE TEXT: FILE exists and contains TEXT (for wait_for).
file_has() { grep -qF -- "$2" "$1" 2>/dev/null; }

# stop_pid PID [SECONDS]: SIGTERM the process we started, SIGKILL it after SECONDS (default 20),
# wait until it is gone and reap it when it is our child.
stop_pid() {
	local pid=$1 grace=${2:-20}
	[ -n "$pid" ] || return 0
	if pid_alive "$pid"; then
		kill -TERM "$pid" 2>/dev/null || true
		local deadline=$((SECONDS + grace))
		while pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
		if pid_alive "$pid"; then
			echo "# pid $pid ignored SIGTERM for ${grace}s: SIGKILL" >&3
			kill -KILL "$pid" 2>/dev/null || true
			wait_for 10 'pid_gone "$pid"'
		fi
	fi
	wait "$pid" 2>/dev/null || true
}

# pids_with_cmdline TEXT: pids of processes whose command line contains TEXT (not this shell).
pids_with_cmdline() {
	local f pid cmd
	for f in /proc/[0-9]*/cmdline; do
		pid="${f#/proc/}"
		pid="${pid%/cmdline}"
		# no grep here: its own command line would contain TEXT
		cmd="$(tr '\0' ' ' 2>/dev/null <"$f")" || continue
		if [[ "$cmd" == *"$1"* ]]; then echo "$pid"; fi
	done
	return 0
}

# --- the file's private state -------------------------------------------------------------------

# Host directories the daemons create whatever their configured roots are (deepest first):
# containerd 1.6 puts shim sockets in /run/containerd/s and ctr's default fifos in
# /run/containerd/fifo; dockerd 20.10 looks for plugin sockets in /run/docker/plugins. A test file
# may add its client's. The teardown removes those that did not exist before, if empty.
CLIENT_SHARED_DIRS=(/run/containerd/s /run/containerd/fifo /run/containerd /run/docker/plugins /run/docker)

# clients_setup_file: root check (else cannot_run), runtime selection, two private directories:
#   CLIENT_DATA  (under $BATS_FILE_TMPDIR): daemon roots, image store, volumes;
#   CLIENT_RUN   (/run/crt-clients.XXXXXX): sockets and state, short enough for AF_UNIX paths.
# Records which shared paths existed, so the teardown removes only what this file created.
clients_setup_file() {
	[ "$(id -u)" -eq 0 ] || cannot_run "needs root" || return 1
	select_client_runtime || return 1
	CLIENT_DATA="$BATS_FILE_TMPDIR/data"
	mkdir -p "$CLIENT_DATA"
	CLIENT_RUN="$(mktemp -d /run/crt-clients.XXXXXX)"
	CLIENT_CGROUP="crt-clients-${CLIENT_RUN##*.}"
	local d
	CLIENT_CREATED_SHARED=""
	for d in "${CLIENT_SHARED_DIRS[@]}"; do
		[ -e "$d" ] || CLIENT_CREATED_SHARED+="$d "
	done
	export CLIENT_DATA CLIENT_RUN CLIENT_CGROUP CLIENT_CREATED_SHARED
}

# remove_cgroups NAME: rmdir the (empty) cgroup NAME and its subgroups in every hierarchy; the
# daemons create their parent cgroup (docker's --cgroup-parent) but never remove it.
remove_cgroups() {
	local name=$1 top
	[ -n "$name" ] || return 0
	for top in /sys/fs/cgroup /sys/fs/cgroup/*/; do
		[ -d "${top%/}/$name" ] || continue
		find "${top%/}/$name" -depth -type d -exec rmdir {} + 2>/dev/null || true
	done
}

# clients_teardown_file: after the daemons are stopped: unmount and remove the private dirs,
# the file's cgroups, and the CLIENT_SHARED_DIRS the daemons created (only when they did not
# exist before and are empty now). Fails when a mount or a cgroup could not be removed.
clients_teardown_file() {
	local d
	unmount_under "$CLIENT_RUN"
	unmount_under "$CLIENT_DATA"
	[ -n "${CLIENT_RUN:-}" ] && rm -rf "$CLIENT_RUN"
	[ -n "${CLIENT_DATA:-}" ] && rm -rf "$CLIENT_DATA"
	remove_cgroups "$CLIENT_CGROUP"
	for d in ${CLIENT_CREATED_SHARED:-}; do
		if [ -d "$d" ]; then rmdir "$d" 2>/dev/null || true; fi
	done
	local left=""
	[ -n "${CLIENT_RUN:-}" ] && [ -e "$CLIENT_RUN" ] && left+=" $CLIENT_RUN"
	[ -n "${CLIENT_DATA:-}" ] && [ -e "$CLIENT_DATA" ] && left+=" $CLIENT_DATA"
	if [ -n "${CLIENT_CGROUP:-}" ]; then
		for d in /sys/fs/cgroup/"$CLIENT_CGROUP" /sys/fs/cgroup/*/"$CLIENT_CGROUP"; do
			if [ -e "$d" ]; then left+=" $d"; fi
		done
	fi
	[ -z "$left" ] || fail "left behind:$left"
}

# --- the busybox image --------------------------------------------------------------------------

# Docker's GOARCH name of this machine (the image config's "architecture").
go_arch() {
	case "$(uname -m)" in
	x86_64) echo amd64 ;;
	aarch64) echo arm64 ;;
	armv7l | armv6l) echo arm ;;
	i?86) echo 386 ;;
	*) uname -m ;;
	esac
}

# build_image_rootfs DIR: build_client_rootfs (helpers.bash) plus /usr/local/bin/cgprobe, which
# prints the cgroup limits the container sees (v1 or v2).
build_image_rootfs() {
	local root=$1
	build_client_rootfs "$root" || return 1
	mkdir -p "$root/usr/local/bin"
	install -m 0755 "$CLIENTS_DIR/cgprobe.sh" "$root/usr/local/bin/cgprobe"
}

# build_image_archive ROOTFS OUT NAME[=USER]...: a `docker save` (docker.v1.2) archive with one
# uncompressed layer (ROOTFS) and one image per NAME, each with its own config (USER sets the
# image's default user). `docker load`, `podman load` and `ctr images import` all read it.
build_image_archive() {
	local rootfs=$1 out=$2
	shift 2
	local work
	work="$(mktemp -d "$BATS_FILE_TMPDIR/image.XXXXXX")"
	tar --numeric-owner --sort=name --mtime=@0 -C "$rootfs" -cf "$work/layer.tar" .
	local diff_id
	diff_id="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
	mkdir "$work/$diff_id"
	mv "$work/layer.tar" "$work/$diff_id/layer.tar"
	local spec name user config digest manifest='[]'
	for spec in "$@"; do
		name="${spec%%=*}"
		user=""
		[ "$spec" != "$name" ] && user="${spec#*=}"
		config="$(jq -cn --arg arch "$(go_arch)" --arg diff "sha256:$diff_id" --arg user "$user" '{
			architecture: $arch, os: "linux", created: "1970-01-01T00:00:00Z",
			config: {
				Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
				Cmd: ["/bin/sh"], User: $user
			},
			rootfs: {type: "layers", diff_ids: [$diff]},
			history: [{created: "1970-01-01T00:00:00Z", created_by: "cruntime client tests"}]
		}')"
		printf '%s' "$config" >"$work/config.json"
		digest="$(sha256sum "$work/config.json" | cut -d' ' -f1)"
		mv "$work/config.json" "$work/$digest.json"
		manifest="$(jq -c --arg cfg "$digest.json" --arg name "$name" --arg layer "$diff_id/layer.tar" \
			'. + [{Config: $cfg, RepoTags: [$name], Layers: [$layer]}]' <<<"$manifest")"
	done
	printf '%s' "$manifest" >"$work/manifest.json"
	tar --numeric-owner -C "$work" -cf "$out" .
	rm -rf "$work"
}

# --- containerd ---------------------------------------------------------------------------------

# start_containerd: a private containerd 1.6 under CLIENT_DATA/containerd (root) and
# CLIENT_RUN/containerd (state, sockets), CRI plugin off; CONTAINERD_SOCK, CONTAINERD_PID.
start_containerd() {
	local root="$CLIENT_DATA/containerd" state="$CLIENT_RUN/containerd"
	mkdir -p "$root" "$state"
	CONTAINERD_SOCK="$CLIENT_RUN/containerd.sock"
	CONTAINERD_CONFIG="$CLIENT_DATA/containerd.toml"
	CONTAINERD_LOG="$CLIENT_DATA/containerd.log"
	cat >"$CONTAINERD_CONFIG" <<-EOF
		version = 2
		root = "$root"
		state = "$state"
		# no CRI: nothing listens for kubelets, nothing loads CNI
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$CONTAINERD_SOCK"
		[ttrpc]
		  address = "$CONTAINERD_SOCK.ttrpc"
		[debug]
		  address = ""
		[metrics]
		  address = ""
		[plugins."io.containerd.internal.v1.opt"]
		  # default /opt/containerd: keep it in our own tree
		  path = "$root/opt"
	EOF
	containerd --config "$CONTAINERD_CONFIG" --log-level debug >"$CONTAINERD_LOG" 2>&1 3>&- &
	CONTAINERD_PID=$!
	export CONTAINERD_SOCK CONTAINERD_CONFIG CONTAINERD_LOG CONTAINERD_PID
	wait_for_daemon containerd "$CONTAINERD_PID" "$CONTAINERD_LOG" 30 \
		ctr --address "$CONTAINERD_SOCK" version
}

# containerd_clean_namespace NS: kill and delete every task, then delete every container of NS,
# so that no shim outlives the daemon.
containerd_clean_namespace() {
	local ns=$1 id
	local c=(ctr --address "$CONTAINERD_SOCK" -n "$ns")
	for id in $("${c[@]}" task ls -q 2>/dev/null); do
		"${c[@]}" task kill -a -s SIGKILL "$id" >/dev/null 2>&1 || true
	done
	for id in $("${c[@]}" task ls -q 2>/dev/null); do
		"${c[@]}" task delete -f "$id" >/dev/null 2>&1 || true
	done
	for id in $("${c[@]}" container ls -q 2>/dev/null); do
		"${c[@]}" container delete "$id" >/dev/null 2>&1 || true
	done
}

# stop_containerd: clean every namespace, stop the daemon by its pid, and make sure no process
# with our socket in its command line (a shim) survives; those are killed by pid and reported.
stop_containerd() {
	[ -n "${CONTAINERD_PID:-}" ] || return 0
	local ns
	if pid_alive "$CONTAINERD_PID"; then
		for ns in $(ctr --address "$CONTAINERD_SOCK" namespaces ls -q 2>/dev/null); do
			containerd_clean_namespace "$ns"
		done
	fi
	stop_pid "$CONTAINERD_PID" 20
	local pid survivors=""
	for pid in $(pids_with_cmdline "$CONTAINERD_SOCK"); do
		survivors+=" $pid($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null))"
		kill -KILL "$pid" 2>/dev/null || true
	done
	[ -z "$survivors" ] || fail "processes survived containerd:$survivors"
}
