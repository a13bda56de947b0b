#!/usr/bin/env python3
"""Writes the seed inputs of tests/fuzz/corpus/<target>/seed-* and the dictionaries *.dict
from the project's own test data and sources. Deterministic; run from anywhere:
    python3 tests/fuzz/make_seeds.py
Inputs the fuzzer found (crashes, regressions) live beside the seeds as crash-*/regress-* and
are never touched here."""
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
FUZZ = ROOT / "tests" / "fuzz"
CORPUS = FUZZ / "corpus"
GOOD = ROOT / "tests" / "data" / "spec" / "good"
CONFIGS = ["minimal.json", "full.json", "runc-spec.json", "containerd-cri.json"]


def compact(value):
    return json.dumps(value, separators=(",", ":"), sort_keys=False)


def write(target, name, data):
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    (directory / f"seed-{name}").write_bytes(data)


def selector(index, text):
    """values/procfs inputs: the first byte picks the parser."""
    return bytes([index]) + text.encode()


def configs():
    out = {}
    for name in CONFIGS:
        out[name[:-5]] = json.loads((GOOD / name).read_text())
    return out


def json_seeds(cfgs):
    for name, cfg in cfgs.items():
        write("config", name, compact(cfg))
        linux = cfg.get("linux", {})
        if "process" in cfg:
            write("process", name, compact(cfg["process"]))
        if "resources" in linux:
            write("resources", name, compact(linux["resources"]))
        if "seccomp" in linux:
            write("seccomp", name, compact(linux["seccomp"]))
        for i, mount in enumerate(cfg.get("mounts", [])[:8]):
            lines = [mount.get("type", "")] + mount.get("options", [])
            write("mount_options", f"{name}-{i}", "\n".join(lines))
    # The shapes the integration tests give (seccomp.bats, cgroups.bats, exec.bats).
    write("seccomp", "errno-default", compact({
        "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 71, "architectures": ["SCMP_ARCH_X86_64"],
        "flags": ["SECCOMP_FILTER_FLAG_LOG"],
        "syscalls": [{"names": ["uname"], "action": "SCMP_ACT_ALLOW",
                      "args": [{"index": 0, "value": 1, "valueTwo": 1, "op": "SCMP_CMP_MASKED_EQ"},
                               {"index": 0, "value": 2, "op": "SCMP_CMP_NE"}]}]}))
    write("seccomp", "notify", compact({
        "defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/run/agent.sock",
        "listenerMetadata": "meta", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}))
    write("resources", "update-r", compact({"memory": {"limit": 100663296}, "pids": {"limit": 55}}))
    write("resources", "update-edges", compact({
        "memory": {"limit": -1, "swap": 9223372036854775807, "swappiness": 18446744073709551615},
        "cpu": {"quota": -1, "period": 0, "shares": 18446744073709551615, "cpus": "0-3,7", "idle": 1},
        "blockIO": {"weight": 65535, "throttleReadBpsDevice": [{"major": 8, "minor": 0, "rate": 0}]},
        "unified": {"memory.high": "max", "cpu.weight": "100"}}))
    write("process", "exec-p", compact({"args": ["/bin/true"], "cwd": "/", "user": {"uid": 0, "gid": 0},
                                        "env": ["PATH=/bin", "A=1", "A=2"], "terminal": False}))


def state_seeds():
    stored = {"ociVersion": "1.2.0", "id": "fuzz", "initPid": 4242, "initStartTime": 123456,
              "bundle": "/run/bundle", "rootfs": "/run/bundle/rootfs", "created": "2026-01-02T03:04:05.123456789Z",
              "annotations": {"org.opencontainers.image.ref.name": "busybox"},
              "cgroupPath": "/cruntime/fuzz", "ownPidNamespace": True, "configPath": "config.json"}
    write("state", "stored", compact(stored))
    v1 = dict(stored, cgroupPath="cpu,cpuacct:/cruntime/fuzz\nmemory:/cruntime/fuzz\nname=systemd:/cruntime/fuzz\n:/cruntime/fuzz")
    write("state", "stored-v1", compact(v1))
    write("state", "stored-systemd", compact(dict(stored, cgroupPath="/system.slice/cruntime-fuzz.scope",
                                                  systemdUnit="cruntime-fuzz.scope", systemdUser=True)))
    # The record of a create still under way (or killed): its creator instead of an init.
    creating = {k: v for k, v in v1.items() if k not in ("initPid", "initStartTime")}
    write("state", "stored-creating", compact(dict(creating, status="creating", creatorPid=4243,
                                                   creatorStartTime=123457)))
    write("state", "oci-state", compact({"ociVersion": "1.2.0", "id": "fuzz", "status": "running", "pid": 4242,
                                         "bundle": "/run/bundle", "rootfs": "/run/bundle/rootfs",
                                         "created": "2026-01-02T03:04:05Z", "owner": ""}))


VALUES = ["go_duration", "exec_user", "signal", "integers", "cpu_lists", "gvariant",
          "systemd_annotation", "cgroup_paths", "names"]


def value_seeds():
    samples = {
        "go_duration": ["5s", "1m30s", "250ms", "1.5h", "-2us", "3\u00b5s", "0", "9223372036s"],
        "exec_user": ["1000:1000\n10\n20", "0", "4294967294:4294967294", "CAP_NET_ADMIN\nCAP_SYS_ADMIN"],
        "signal": ["SIGKILL", "KILL", "9", "RTMIN+3", "SIGRTMAX-1", "64"],
        "integers": ["512m", "1g", "-1", "18446744073709551615", "9223372036854775808", "64KiB", "true"],
        "cpu_lists": ["0-3,7", "0", "8191", "1-0"],
        "gvariant": ["uint64 100", "@as ['a', 'b']", "true", "0x10", "'a\\nb'", "[1, 2, 3]", "1.5e3"],
        "systemd_annotation": ["TimeoutStopSec\n30", "CPUWeight\nuint64 100", "Wants\n['a.service']"],
        "cgroup_paths": ["system.slice:cruntime:abc", "a-b-c.slice", "/a/b/../c", "cpu,memory:/sub", "-.slice"],
        "names": ["abc_1.2+3-4", "..", "READY=1\nSTATUS=up", "net.ipv4.ip_forward", "kernel/shm_rmid_forced"],
    }
    for kind, texts in samples.items():
        for i, text in enumerate(texts):
            write("values", f"{kind}-{i}", selector(VALUES.index(kind), text))


PROCFS = ["proc_stat", "proc_cgroups", "mountinfo", "pids_and_passwd", "stat_parsers", "v2_file", "v1_file"]


def procfs_seeds():
    samples = {
        "proc_stat": ["4242 (sh) S 1 4242 4242 0 -1 4194560 98 0 0 0 0 0 0 0 20 0 1 0 123456 2240512 198 "
                      "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
                      "7 (a) b) c) Z 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 0 99\n"],
        "proc_cgroups": ["#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t2\t1\t1\ncpu\t3\t1\t1\nmemory\t4\t1\t1\n",
                         "12:cpu,cpuacct:/user.slice\n1:name=systemd:/user.slice/session-1.scope\n0::/init.scope\n"],
        "mountinfo": ["25 20 0:23 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
                      "26 25 0:24 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate\n"
                      "27 25 0:25 / /sys/fs/cgroup/systemd rw,nosuid shared:11 - cgroup cgroup rw,xattr,name=systemd\n"
                      "30 25 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:14 - cgroup cgroup rw,cpu,cpuacct\n"],
        "pids_and_passwd": ["1\n42\n4242\n", "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000::/home/user:/bin/sh\n"],
        "stat_parsers": ["usage_usec 100\nuser_usec 60\nsystem_usec 40\n",
                         "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=1.50 avg60=0.00 avg300=0.00 total=7\n",
                         "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0\n", "8:0 Read 4096\n8:0 Write 0\nTotal 4096\n"],
    }
    for kind, texts in samples.items():
        for i, text in enumerate(texts):
            write("procfs", f"{kind}-{i}", selector(PROCFS.index(kind), text))
    v2 = {"cpu.stat": "usage_usec 100\nuser_usec 60\nsystem_usec 40\nnr_periods 1\n", "memory.max": "max\n",
          "io.stat": "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0\n", "hugetlb.2MB.current": "2097152\n",
          "memory.stat": "anon 4096\nfile 8192\n", "cpuset.cpus.effective": "0-1\n"}
    v2_files = ["cpu.stat", "cpu.pressure", "cpuset.cpus.effective", "cpuset.mems.effective", "memory.stat",
                "memory.events", "memory.current", "memory.max", "memory.peak", "memory.swap.current",
                "memory.swap.max", "memory.pressure", "pids.current", "pids.max", "io.stat", "io.pressure",
                "hugetlb.2MB.current", "hugetlb.2MB.max", "hugetlb.2MB.events"]
    for file, text in v2.items():
        write("procfs", f"v2-{file}", bytes([PROCFS.index("v2_file"), v2_files.index(file)]) + text.encode())
    v1 = {"cpuacct.usage_percpu": "100 200 300 \n", "blkio.io_service_bytes_recursive": "8:0 Read 4096\nTotal 4096\n",
          "memory.oom_control": "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n", "cpuset.cpus": "0-1,3\n"}
    v1_files = ["cpuacct.usage", "cpuacct.usage_percpu", "cpuacct.usage_percpu_sys", "cpuacct.stat", "cpu.stat",
                "cpuset.cpus", "cpuset.mems", "cpuset.sched_relax_domain_level", "memory.stat",
                "memory.usage_in_bytes", "memory.limit_in_bytes", "memory.oom_control", "pids.current", "pids.max",
                "blkio.io_service_bytes_recursive", "blkio.io_serviced_recursive",
                "blkio.throttle.io_service_bytes_recursive", "blkio.time_recursive",
                "hugetlb.2MB.usage_in_bytes", "hugetlb.2MB.failcnt"]
    for file, text in v1.items():
        write("procfs", f"v1-{file}", bytes([PROCFS.index("v1_file"), v1_files.index(file)]) + text.encode())


def cli_seeds():
    argvs = {
        "create": ["--root", "/run/x", "--log", "/tmp/l", "--log-format", "json", "create", "-b", "bundle",
                   "--pid-file", "p", "--preserve-fds", "2", "ct"],
        "run": ["--debug", "--systemd-cgroup", "run", "-d", "--keep", "--console-socket", "s", "ct"],
        "exec": ["exec", "-t", "-u", "1000:1000", "-e", "A=1", "--cap", "CAP_KILL", "--cgroup", "cpu:/sub",
                 "-p", "p.json", "ct", "sh", "-c", "echo"],
        "update": ["update", "--memory", "512m", "--cpu-quota", "-1", "--cpu-period", "100000",
                   "--pids-limit", "9", "--blkio-weight", "500", "--kernel-memory", "1", "ct"],
        "events": ["--root=rel/dir", "events", "--interval", "1m30s", "--stats", "ct"],
        "kill": ["kill", "--all", "ct", "SIGKILL"],
        "delete": ["--rootless=auto", "delete", "ct", "-f"],
        "list": ["list", "-f", "json", "-q"],
        "ps": ["ps", "-f", "table", "ct", "-ef"],
        "spec": ["spec", "--rootless", "-b", "/tmp/b"],
        "help": ["-h"],
        "update-r": ["update", "-r", "-", "ct"],
    }
    for name, argv in argvs.items():
        write("cli", name, "\0".join(argv))


def dictionaries():
    """oci.dict: every JSON key and enum spelling the spec/ readers know; cli.dict: option names."""
    words = set()
    for source in sorted((ROOT / "spec" / "src").glob("*.cpp")):
        for match in re.finditer(r'"([A-Za-z_][A-Za-z0-9_.+-]{1,40})"', source.read_text()):
            words.add(match.group(1))
    lines = ["# JSON keys and enum values of config.json, state.json and features (make_seeds.py)."]
    lines += [f'"\\"{w}\\""' for w in sorted(words)]
    lines += ['"{"', '"}"', '"["', '"]"', '":"', '","', '"null"', '"true"', '"false"', '"-1"', '"0"',
              '"2147483648"', '"4294967296"', '"9223372036854775808"', '"18446744073709551616"', '"1e400"',
              '"-0.0"', '"\\\\u0000"', '"\\\\ud800"']
    (FUZZ / "oci.dict").write_text("\n".join(lines) + "\n")
    options = set(re.findall(r'"([a-z][a-z_]{1,20}=?)"', (ROOT / "src" / "rootfs" / "mount_options.cpp").read_text()))
    mount = ["# Mount option names (make_seeds.py); the mount_options input is one option a line."]
    mount += [f'"{o}"' for o in sorted(options)] + ['"\\x0a"', '","', '"="', '"\\""', '"bind"', '"tmpfs"', '"proc"']
    (FUZZ / "mount.dict").write_text("\n".join(mount) + "\n")
    table = (ROOT / "src" / "cli" / "command_table.cpp").read_text() + (ROOT / "src" / "cli" / "globals.cpp").read_text()
    names = sorted(set(re.findall(r'OptionSpec\{"([a-z0-9-]+)"', table)))
    commands = sorted(set(re.findall(r'Command\{"([a-z]+)"', table)))
    cli = ["# Options and commands of the CLI (make_seeds.py); arguments are NUL-separated."]
    cli += [f'"--{n}"' for n in names] + [f'"{c}"' for c in commands] + ['"\\x00"', '"-"', '"--"', '"="']
    (FUZZ / "cli.dict").write_text("\n".join(cli) + "\n")


def main():
    cfgs = configs()
    json_seeds(cfgs)
    state_seeds()
    value_seeds()
    procfs_seeds()
    cli_seeds()
    dictionaries()


if __name__ == "__main__":
    main()
