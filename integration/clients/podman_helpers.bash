# podman (through conmon) driving the runtime under test, fully isolated from the host's podman:
# its own storage, state, tmp, events, locks, network config and containers.conf, all under one
# directory of this bats file. Usage in a .bats file:
#   load podman_helpers
#   setup_file() { podman_setup_file; }
#   teardown_file() { podman_teardown_file; }
#
# CLIENT_RUNTIME picks the runtime podman is given with --runtime: unset or "cruntime" = the
# binary in $CRUNTIME (CTest sets it to the built one); a name ("runc") = that binary on PATH;
# a path = that binary. Running the same file with CLIENT_RUNTIME=runc proves the test checks
# podman's contract, not cruntime's habits.

load ../helpers

# Fully qualified, so no registry lookup ever happens (none is reachable in CI).
PODMAN_IMAGE="localhost/cruntime-test/busybox:latest"

# podman_runtime_path: the absolute path of the runtime podman is told to use.
podman_runtime_path() {
	local rt="${CLIENT_RUNTIME:-cruntime}"
	case "$rt" in
	cruntime) echo "$CRUNTIME" ;;
	*/*) realpath -m "$rt" ;;
	*) command -v "$rt" ;;
	esac
}

# podman_requirements: skip the whole file (with the reason) when the host cannot run it.
podman_requirements() {
	requires_root
	requires podman conmon tar ip jq
	if [ -z "$PODMAN_RUNTIME" ] || [ ! -x "$PODMAN_RUNTIME" ]; then
		fail "runtime '${CLIENT_RUNTIME:-cruntime}' not found (build cruntime, or set CLIENT_RUNTIME)"
	fi
}

# podman_write_config DIR: containers.conf, storage.conf and registries.conf that pin every path
# podman would otherwise take from the host (/var/lib/containers, /run/libpod, /etc/cni, the
# /dev/shm lock segment, journald) into DIR, and keep it off the host network.
podman_write_config() {
	local d="$1" apparmor=""
	# On an AppArmor host podman gives containers its default profile, which cruntime does not
	# apply yet and so refuses (README): the scenarios ask for none, with either runtime.
	if host_has_apparmor; then apparmor='apparmor_profile = "unconfined"'; fi
	mkdir -p "$d"/{storage,runroot,tmp,volumes,net,imgtmp,gotmp}
	cat >"$d/containers.conf" <<-EOF
		[containers]
		# No netavark/CNI: no bridge, veth or iptables rule on the host.
		netns = "none"
		# No systemd here; k8s-file keeps the logs under our storage.
		log_driver = "k8s-file"
		${PODMAN_ULIMITS_CONF:-}
		$apparmor

		[network]
		network_backend = "cni"
		network_config_dir = "$d/net"

		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		events_logfile_path = "$d/events.log"
		# File locks under tmp_dir instead of the host-wide /dev/shm/libpod_lock segment.
		lock_type = "file"
		tmp_dir = "$d/tmp"
		static_dir = "$d/storage/libpod"
		volume_path = "$d/volumes"
		image_copy_tmp_dir = "$d/imgtmp"
	EOF
	# podman passes --log-format=json --log FILE to runtimes named in runtime_supports_json
	# (default: crun runc kata runsc krun) and reads errors from that file; for any other name
	# it reads the runtime's stderr through conmon. These two variants force one or the other.
	cp "$d/containers.conf" "$d/containers-json.conf"
	echo "runtime_supports_json = [\"$(basename "$PODMAN_RUNTIME")\"]" >>"$d/containers-json.conf"
	cp "$d/containers.conf" "$d/containers-text.conf"
	echo "runtime_supports_json = []" >>"$d/containers-text.conf"
	# The README's [engine] text choosing the runtime by name (its path replaced by the one under
	# test), for pm with PODMAN_BY_NAME=1: the file above without its own cgroup_manager (the
	# README sets it), the README's keys joining its [engine] table (the last one), then the
	# README's [engine.runtimes] table.
	grep -v '^cgroup_manager = ' "$d/containers.conf" >"$d/containers-readme.conf"
	readme_snippet podman-containers.conf >"$d/readme-engine.conf" || return 1
	sed -e '/^\[engine\]$/d' -e "s|\"/usr/local/bin/cruntime\"|\"$PODMAN_RUNTIME\"|" \
		"$d/readme-engine.conf" >>"$d/containers-readme.conf"
	cat >"$d/storage.conf" <<-EOF
		[storage]
		driver = "vfs"
		graphroot = "$d/storage"
		runroot = "$d/runroot"
	EOF
	cat >"$d/registries.conf" <<-'EOF'
		unqualified-search-registries = []
	EOF
}

# as_podman_user CMD...: CMD as it is, or, with PODMAN_USER set (podman_rootless.bats: the user
# test_user_add made), CMD as that user, in its home, with nothing of root's environment.
as_podman_user() {
	if [ -z "${PODMAN_USER:-}" ]; then
		"$@"
		return
	fi
	runuser -u "$PODMAN_USER" -- env -i -C "$TEST_USER_HOME" \
		PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME="$TEST_USER_HOME" \
		USER="$PODMAN_USER" LOGNAME="$PODMAN_USER" XDG_RUNTIME_DIR="$TEST_USER_XDG" "$@"
}

# pm ARGS...: podman with this file's isolated configuration and the runtime under test, as
# root or rootless (as_podman_user). PODMAN_CONF=containers-json.conf / containers-text.conf
# picks a variant (podman_write_config).
# PODMAN_BY_NAME=1 (with PODMAN_CONF=containers-readme.conf) leaves out --runtime, so the
# runtime is the one containers.conf names.
pm() {
	local runtime=(--runtime "$PODMAN_RUNTIME")
	[ "${PODMAN_BY_NAME:-0}" = 1 ] && runtime=()
	as_podman_user env CONTAINERS_CONF="$PODMAN_DIR/${PODMAN_CONF:-containers.conf}" \
		CONTAINERS_STORAGE_CONF="$PODMAN_DIR/storage.conf" \
		CONTAINERS_REGISTRIES_CONF="$PODMAN_DIR/registries.conf" \
		TMPDIR="$PODMAN_DIR/gotmp" \
		podman --root "$PODMAN_DIR/storage" --runroot "$PODMAN_DIR/runroot" \
		--tmpdir "$PODMAN_DIR/tmp" --storage-driver vfs --cgroup-manager cgroupfs \
		--events-backend file --network-config-dir "$PODMAN_DIR/net" \
		"${runtime[@]}" "$@"
}

# pm_run ARGS... / pm_create ARGS...: run/create under this file's own cgroup parent, so the
# cgroups podman and the runtime create (container, conmon) can be found and removed.
pm_run() {
	pm run --cgroup-parent "$PODMAN_CGROUP_PARENT" "$@"
}
pm_create() {
	pm create --cgroup-parent "$PODMAN_CGROUP_PARENT" "$@"
}

# podman_build_image DIR: the rootfs, tarred and `podman import`ed as $PODMAN_IMAGE.
podman_build_image() {
	local d="$1"
	build_client_rootfs "$d/rootfs" || return 1
	tar -C "$d/rootfs" -cf "$d/rootfs.tar" . || return 1
	pm import --quiet --change 'ENV PATH=/bin:/usr/bin' --change 'CMD ["/bin/sh"]' \
		"$d/rootfs.tar" "$PODMAN_IMAGE" >/dev/null || fail "podman import failed" || return 1
	rm -rf "$d/rootfs" "$d/rootfs.tar"
}

podman_setup_file() {
	PODMAN_RUNTIME="$(podman_runtime_path)"
	export PODMAN_RUNTIME
	podman_requirements
	export PODMAN_DIR="$BATS_FILE_TMPDIR/podman"
	# A cgroup parent of our own (cgroupfs manager: a path) makes leftovers easy to find.
	export PODMAN_CGROUP_PARENT="/cruntime-podman-test-$$"
	# The runtime's default --root: podman 4.3 runs `state` without its --runtime-flag options,
	# so the default state dir is the only one that works. Remember whether it existed, to
	# remove it at the end only if we created it.
	export PODMAN_RUNTIME_ROOT
	case "$(basename "$PODMAN_RUNTIME")" in
	runc) PODMAN_RUNTIME_ROOT=/run/runc ;;
	crun) PODMAN_RUNTIME_ROOT=/run/crun ;;
	*) PODMAN_RUNTIME_ROOT=/run/cruntime ;;
	esac
	export PODMAN_RUNTIME_ROOT_EXISTED=0
	[ -d "$PODMAN_RUNTIME_ROOT" ] && PODMAN_RUNTIME_ROOT_EXISTED=1
	# Root podman raises RLIMIT_NOFILE and RLIMIT_NPROC to 1048576 in every container; without
	# CAP_SYS_RESOURCE (some sandboxes drop it) no runtime can, so pin them to what we have.
	# (podman itself first sets its own NPROC to kernel.pid_max, and conmon inherits that.)
	if ! has_cap_sys_resource; then
		local nofile nproc pid_max
		nofile="$(ulimit -Hn)" nproc="$(ulimit -Hu)" pid_max="$(cat /proc/sys/kernel/pid_max)"
		[ "$nproc" = unlimited ] || [ "$pid_max" -lt "$nproc" ] && nproc="$pid_max"
		export PODMAN_ULIMITS_CONF="default_ulimits = [\"nofile=$nofile:$nofile\", \"nproc=$nproc:$nproc\"]"
	fi
	# Every image copy (import) opens containers/image's blob info cache at
	# /var/lib/containers/cache, whatever --root says; remove it at the end if we made it.
	export PODMAN_VARLIB_EXISTED=0
	[ -e /var/lib/containers ] && PODMAN_VARLIB_EXISTED=1
	podman_write_config "$PODMAN_DIR"
	podman_links >"$PODMAN_DIR/links.before"
	podman_build_image "$PODMAN_DIR"
}

# has_cap_sys_resource: whether this shell has CAP_SYS_RESOURCE (bit 24) in its effective set.
has_cap_sys_resource() {
	local eff
	eff="$(awk '/^CapEff:/ { print $2 }' /proc/self/status)"
	(((0x$eff >> 24) & 1))
}

# podman_conmon_pids: pids of conmon processes started for this file (their command line names
# our directories); nothing else is ever matched.
podman_conmon_pids() {
	local pid
	for pid in $(pgrep -x conmon); do
		tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$PODMAN_DIR/" && echo "$pid"
	done
	return 0
}

# podman_links: host network interfaces podman's network backends would create (CNI's
# cni-podman0, netavark's podman0); with netns=none there must never be new ones.
podman_links() {
	ip -o link show 2>/dev/null | awk -F': ' '{ print $2 }' | grep -E '^(cni-)?podman' | sort
	return 0
}

# podman_cgroups: cgroup dirs under our cgroup parent in every hierarchy, deepest first.
podman_cgroups() {
	local h
	for h in /sys/fs/cgroup/ /sys/fs/cgroup/*/; do
		[ -d "$h${PODMAN_CGROUP_PARENT#/}" ] || continue
		find "$h${PODMAN_CGROUP_PARENT#/}" -depth -type d
	done
}

# podman_cleanup: remove everything this file started, even after failures, touching only our
# own containers, mounts, cgroups and processes. Returns 1 if something had to be forced.
podman_cleanup() {
	local rc=0 pid m cg
	[ -n "${PODMAN_DIR:-}" ] && [ -d "$PODMAN_DIR" ] || return 0
	pm rm --all --force --time 0 >/dev/null 2>&1 || rc=1
	pm rmi --all --force >/dev/null 2>&1 || true
	for pid in $(podman_conmon_pids); do
		echo "cleanup: conmon $pid survived podman rm" >&2
		kill -KILL "$pid" 2>/dev/null || true
		rc=1
	done
	for m in $(mounts_under "$PODMAN_DIR"); do
		echo "cleanup: unmounting leftover $m" >&2
		umount -l "$m" || true
		rc=1
	done
	for cg in $(podman_cgroups); do
		# Empty cgroups (the parent and conmon's) are expected; a busy one is a leak.
		if [ -s "$cg/cgroup.procs" ]; then
			echo "cleanup: processes left in $cg: $(tr '\n' ' ' <"$cg/cgroup.procs")" >&2
			rc=1
		fi
		rmdir "$cg" 2>/dev/null || { echo "cleanup: cannot remove $cg" >&2; rc=1; }
	done
	if [ "$PODMAN_RUNTIME_ROOT_EXISTED" = 0 ] && [ -d "$PODMAN_RUNTIME_ROOT" ]; then
		rmdir "$PODMAN_RUNTIME_ROOT" 2>/dev/null || true
	fi
	if [ "$PODMAN_VARLIB_EXISTED" = 0 ] && [ -d /var/lib/containers ]; then
		rm -f /var/lib/containers/cache/blob-info-cache-v1.boltdb
		rmdir /var/lib/containers/cache /var/lib/containers 2>/dev/null || true
	fi
	return "$rc"
}

podman_teardown_file() {
	podman_cleanup || true
	[ -n "${PODMAN_DIR:-}" ] && rm -rf "$PODMAN_DIR"
}

# ---- small assertions --------------------------------------------------------------------

NOT_FOUND=': OCI runtime attempted to invoke a command that was not found'
DENIED=': OCI permission denied'

# check_exec_errors MODE PODMAN-CMD...: PODMAN-CMD /nope and PODMAN-CMD nope exit 127,
# PODMAN-CMD /noexec 126, with the messages podman builds from the runtime's error. MODE json:
# the runtime is in runtime_supports_json and podman quotes the `msg` of its JSON log record
# (the exact text runc gives); text: podman quotes the runtime's stderr line via conmon.
check_exec_errors() {
	# shellcheck disable=SC2034 # read by pm
	local mode="$1" PODMAN_CONF="containers-$1.conf"
	shift
	run -127 "$@" /nope
	if [ "$mode" = json ]; then
		[[ "$output" =~ exec:\ \"/nope\":\ (stat\ /nope:\ )?no\ such\ file\ or\ directory"$NOT_FOUND"$ ]] ||
			fail "$mode: /nope: $output"
	else
		[[ "$output" == *'/nope'*'no such file or directory'*"$NOT_FOUND" ]] || fail "$mode: /nope: $output"
	fi

	run -127 "$@" nope
	if [ "$mode" = json ]; then
		[[ "$output" == *'exec: "nope": executable file not found in $PATH'"$NOT_FOUND" ]] ||
			fail "$mode: nope: $output"
	else
		[[ "$output" == *'nope'*'executable file not found in $PATH'*"$NOT_FOUND" ]] || fail "$mode: nope: $output"
	fi

	run -126 "$@" /noexec
	if [ "$mode" = json ]; then
		[[ "$output" == *'exec: "/noexec": permission denied'"$DENIED" ]] || fail "$mode: /noexec: $output"
	else
		[[ "$output" == *'/noexec'*'permission denied'*"$DENIED" ]] || fail "$mode: /noexec: $output"
	fi
}

# wait_log NAME TEXT: wait (≤10 s) until the container's log contains TEXT (used as "ready").
wait_log() {
	local _
	for _ in $(seq 50); do
		pm logs "$1" 2>&1 | grep -qF -- "$2" && return 0
		sleep 0.2
	done
	fail "container $1 never logged '$2': $(pm logs "$1" 2>&1)"
}

# pm_wait_running NAME: wait (≤10 s) until the container's state is "running".
pm_wait_running() {
	local _ state
	for _ in $(seq 100); do
		state="$(pm inspect --format '{{.State.Status}}' "$1" 2>/dev/null)"
		[ "$state" = running ] && return 0
		sleep 0.1
	done
	fail "container $1 is '$state', not running"
}

# pm_cgroup_file NAME CONTROLLER FILE: the host path of a container's cgroup file (v1: in the
# controller's hierarchy; v2: in the unified one).
pm_cgroup_file() {
	local path
	path="$(pm inspect --format '{{.State.CgroupPath}}' "$1")" || return 1
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		echo "/sys/fs/cgroup${path}/$3"
	else
		echo "/sys/fs/cgroup/$2${path}/$3"
	fi
}

# Inside the container, where the container's own cgroup files are (v1: per controller under
# /sys/fs/cgroup/<ctrl>; v2: /sys/fs/cgroup). Used by shell snippets run in the container.
# shellcheck disable=SC2034,SC2016 # used by podman.bats; expands in the container
CGROUP_FILES_SH='
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	mem=$(cat /sys/fs/cgroup/memory.max); pids=$(cat /sys/fs/cgroup/pids.max)
	cpu=$(cat /sys/fs/cgroup/cpu.max)
else
	mem=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes); pids=$(cat /sys/fs/cgroup/pids/pids.max)
	cpu="$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us) $(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)"
fi
echo "mem=$mem pids=$pids cpu=$cpu"'
