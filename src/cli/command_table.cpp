// The command table: every runc subcommand with all of its flags, arity and entry point.
#include <array>

#include "commands.hpp"

namespace cruntime::cli {
namespace {

using K = OptionKind;

constexpr OptionSpec kBundle{"bundle", 'b', K::kValue, "DIR",
                             "bundle directory (default: the current directory)"};
constexpr OptionSpec kConsoleSocket{"console-socket", 0, K::kValue, "PATH",
                                    "unix socket that receives the pty master"};
constexpr OptionSpec kPidfdSocket{"pidfd-socket", 0, K::kValue, "PATH",
                                  "unix socket that receives a pidfd of the process"};
constexpr OptionSpec kPidFile{"pid-file", 0, K::kValue, "PATH", "write the process' host pid here"};
constexpr OptionSpec kNoPivot{"no-pivot", 0, K::kBool, "",
                              "use MS_MOVE + chroot instead of pivot_root (unsafe)"};
constexpr OptionSpec kNoNewKeyring{"no-new-keyring", 0, K::kBool, "",
                                   "keep the caller's session keyring"};
constexpr OptionSpec kPreserveFds{"preserve-fds", 0, K::kValue, "N",
                                  "pass N more fds, from 3 on, to the process"};
constexpr OptionSpec kDetach{"detach", 'd', K::kBool, "", "return once the process started"};
constexpr OptionSpec kNoSubreaper{"no-subreaper", 0, K::kBool, "",
                                  "do not become a child subreaper"};
constexpr OptionSpec kImagePath{"image-path", 0, K::kValue, "DIR", "CRIU image directory"};
constexpr OptionSpec kWorkPath{"work-path", 0, K::kValue, "DIR", "CRIU work and log directory"};
constexpr OptionSpec kTcpEstablished{"tcp-established", 0, K::kBool, "",
                                     "allow established TCP connections"};
constexpr OptionSpec kExtUnixSk{"ext-unix-sk", 0, K::kBool, "", "allow external unix sockets"};
constexpr OptionSpec kShellJob{"shell-job", 0, K::kBool, "", "allow shell jobs"};
constexpr OptionSpec kFileLocks{"file-locks", 0, K::kBool, "", "handle file locks"};
constexpr OptionSpec kLazyPages{"lazy-pages", 0, K::kBool, "", "restore memory lazily"};
constexpr OptionSpec kManageCgroups{"manage-cgroups-mode", 0, K::kValue, "MODE",
                                    "soft, full, strict or ignore"};
constexpr OptionSpec kEmptyNs{"empty-ns", 0, K::kRepeatable, "NS",
                              "create namespace NS without restoring its properties"};
constexpr OptionSpec kAutoDedup{"auto-dedup", 0, K::kBool, "", "deduplicate memory images"};

constexpr std::array kCreate = {kBundle,  kConsoleSocket, kPidfdSocket, kPidFile,
                                kNoPivot, kNoNewKeyring,  kPreserveFds};

constexpr std::array kRun = {
    kBundle,
    kConsoleSocket,
    kPidfdSocket,
    kDetach,
    OptionSpec{"keep", 0, K::kBool, "", "keep the stopped container until `delete`"},
    kPidFile,
    kNoSubreaper,
    kNoPivot,
    kNoNewKeyring,
    kPreserveFds};

constexpr std::array kExec = {
    kConsoleSocket,
    kPidfdSocket,
    OptionSpec{"cwd", 0, K::kValue, "DIR", "working directory of the process"},
    OptionSpec{"env", 'e', K::kRepeatable, "KEY=VALUE", "add an environment variable"},
    OptionSpec{"tty", 't', K::kBool, "", "allocate a pseudo-terminal"},
    OptionSpec{"user", 'u', K::kValue, "UID[:GID]", "numeric user (and group) to run as"},
    OptionSpec{"additional-gids", 'g', K::kRepeatable, "GID", "add a supplementary group"},
    OptionSpec{"process", 'p', K::kValue, "FILE",
               "OCI process JSON; other per-field flags ignored"},
    kDetach,
    kPidFile,
    OptionSpec{"process-label", 0, K::kValue, "LABEL", "SELinux label of the process"},
    OptionSpec{"apparmor", 0, K::kValue, "PROFILE", "AppArmor profile of the process"},
    OptionSpec{"no-new-privs", 0, K::kBool, "", "set no_new_privs on the process"},
    OptionSpec{"cap", 'c', K::kRepeatable, "CAP", "add a capability"},
    kPreserveFds,
    OptionSpec{"cgroup", 0, K::kRepeatable, "[CTRL[,CTRL]:]PATH",
               "join this sub-cgroup of the container"},
    OptionSpec{"ignore-paused", 0, K::kBool, "", "allow exec into a paused container"},
    kNoSubreaper,
};

constexpr std::array kKill = {
    OptionSpec{"all", 'a', K::kBool, "", "signal every process of the container", true}};
constexpr std::array kDelete = {
    OptionSpec{"force", 'f', K::kBool, "", "kill the container first if it is still running"}};
constexpr std::array kEvents = {
    OptionSpec{"interval", 0, K::kValue, "DURATION", "stats interval (default 5s)"},
    OptionSpec{"stats", 0, K::kBool, "", "print the stats once and exit"}};
constexpr std::array kPs = {
    OptionSpec{"format", 'f', K::kValue, "FORMAT", "table or json (default table)"}};
constexpr std::array kList = {
    OptionSpec{"format", 'f', K::kValue, "FORMAT", "table or json (default table)"},
    OptionSpec{"quiet", 'q', K::kBool, "", "print container ids only"}};
constexpr std::array kCheck = {OptionSpec{
    "format", 'f', K::kValue, "FORMAT",
    "text or json (default text; json: {canRun, euid, rootless, blockers, checks[]})"}};
constexpr std::array kSpec = {
    OptionSpec{"bundle", 'b', K::kValue, "DIR", "directory to write config.json into"},
    OptionSpec{"rootless", 0, K::kBool, "", "write a config for an unprivileged user"}};

constexpr std::array kUpdate = {
    OptionSpec{"resources", 'r', K::kValue, "FILE",
               "LinuxResources JSON from FILE ('-' = stdin); other flags ignored"},
    OptionSpec{"blkio-weight", 0, K::kValue, "N", "block IO weight (10-1000)"},
    OptionSpec{"cpu-period", 0, K::kValue, "US", "CFS period"},
    OptionSpec{"cpu-quota", 0, K::kValue, "US", "CFS quota"},
    OptionSpec{"cpu-burst", 0, K::kValue, "US", "CFS burst"},
    OptionSpec{"cpu-share", 0, K::kValue, "N", "CPU shares (relative weight)"},
    OptionSpec{"cpu-rt-period", 0, K::kValue, "US", "realtime period"},
    OptionSpec{"cpu-rt-runtime", 0, K::kValue, "US", "realtime runtime"},
    OptionSpec{"cpuset-cpus", 0, K::kValue, "LIST", "CPUs allowed"},
    OptionSpec{"cpuset-mems", 0, K::kValue, "LIST", "memory nodes allowed"},
    OptionSpec{"kernel-memory", 0, K::kValue, "BYTES", "ignored", true},
    OptionSpec{"kernel-memory-tcp", 0, K::kValue, "BYTES", "ignored", true},
    OptionSpec{"memory", 0, K::kValue, "BYTES", "memory limit (suffixes k, m, g; -1 = none)"},
    OptionSpec{"cpu-idle", 0, K::kValue, "0|1", "SCHED_IDLE for the cgroup"},
    OptionSpec{"memory-reservation", 0, K::kValue, "BYTES", "memory soft limit"},
    OptionSpec{"memory-swap", 0, K::kValue, "BYTES", "memory plus swap limit"},
    OptionSpec{"pids-limit", 0, K::kValue, "N", "maximum number of processes"},
    OptionSpec{"l3-cache-schema", 0, K::kValue, "SCHEMA", "Intel RDT L3 cache schema"},
    OptionSpec{"mem-bw-schema", 0, K::kValue, "SCHEMA", "Intel RDT memory bandwidth schema"},
};

constexpr std::array kCheckpoint = {
    kImagePath,
    kWorkPath,
    OptionSpec{"parent-path", 0, K::kValue, "DIR", "previous pre-dump images (relative)"},
    OptionSpec{"leave-running", 0, K::kBool, "", "keep the container running afterwards"},
    kTcpEstablished,
    OptionSpec{"tcp-skip-in-flight", 0, K::kBool, "", "skip in-flight TCP connections"},
    OptionSpec{"link-remap", 0, K::kBool, "", "link unlinked files back when possible"},
    kExtUnixSk,
    kShellJob,
    kLazyPages,
    OptionSpec{"status-fd", 0, K::kValue, "FD", "fd told when lazy pages are ready"},
    OptionSpec{"page-server", 0, K::kValue, "ADDR:PORT", "CRIU page server"},
    kFileLocks,
    OptionSpec{"pre-dump", 0, K::kBool, "", "dump memory only; keep running"},
    kManageCgroups,
    kEmptyNs,
    kAutoDedup,
};

constexpr std::array kRestore = {
    kConsoleSocket,
    kImagePath,
    kWorkPath,
    kTcpEstablished,
    kExtUnixSk,
    kShellJob,
    kFileLocks,
    kManageCgroups,
    kBundle,
    kDetach,
    kPidFile,
    kNoSubreaper,
    kNoPivot,
    kEmptyNs,
    kAutoDedup,
    kLazyPages,
    OptionSpec{"lsm-profile", 0, K::kValue, "TYPE:LABEL", "LSM profile of the restored process"},
    OptionSpec{"lsm-mount-context", 0, K::kValue, "CONTEXT", "SELinux mount context"},
};

constexpr std::span<const OptionSpec> kNone;
constexpr Arity kOne = Arity::exactly(1);
constexpr std::string_view kId = "<container-id>";

const std::array kCommands = {
    Command{"check", "", "tell what this host supports and why a container might fail", kCheck,
            Arity::exactly(0), StopAt::kNever, run_check},
    Command{"checkpoint", kId, "checkpoint a running container (CRIU)", kCheckpoint, kOne,
            StopAt::kNever, run_not_implemented, false},
    Command{"create", kId, "create a container; its process waits for `start`", kCreate, kOne,
            StopAt::kNever, run_create},
    Command{"delete", kId, "remove a stopped container", kDelete, kOne, StopAt::kNever,
            run_delete},
    Command{"events", kId, "print container stats and OOM events", kEvents, kOne, StopAt::kNever,
            run_events},
    Command{"exec", "<container-id> <command> [args...] | -p process.json <container-id>",
            "run a new process inside a container", kExec, Arity::at_least(1),
            StopAt::kFirstPositional, run_exec, true, 255},
    Command{"kill", "<container-id> [signal]",
            "send a signal (default SIGTERM) to a container's init", kKill, Arity::between(1, 2),
            StopAt::kFirstPositional, run_kill},
    Command{"list", "", "list the containers under --root", kList, Arity::exactly(0),
            StopAt::kNever, run_list},
    Command{"pause", kId, "freeze every process of a container", kNone, kOne, StopAt::kNever,
            run_pause},
    Command{"ps", "<container-id> [ps options]", "list the processes of a container", kPs,
            Arity::at_least(1), StopAt::kFirstPositional, run_ps},
    Command{"restore", kId, "restore a container from a checkpoint (CRIU)", kRestore, kOne,
            StopAt::kNever, run_not_implemented, false},
    Command{"resume", kId, "thaw a paused container", kNone, kOne, StopAt::kNever,
            run_resume},
    Command{"run", kId, "create and start a container", kRun, kOne, StopAt::kNever,
            run_run},
    Command{"spec", "", "write a starter config.json", kSpec, Arity::exactly(0), StopAt::kNever,
            run_spec},
    Command{"start", kId, "start the process of a created container", kNone, kOne, StopAt::kNever,
            run_start},
    Command{"state", kId, "print the OCI state of a container", kNone, kOne, StopAt::kNever,
            run_state},
    Command{"update", kId, "change the resource limits of a container", kUpdate, kOne,
            StopAt::kNever, run_update},
    Command{"features", "", "print the features this runtime supports", kNone, Arity::exactly(0),
            StopAt::kNever, run_features},
};

}  // namespace

std::span<const Command> command_table() { return kCommands; }

const Command* find_command(std::string_view name) {
  for (const Command& command : kCommands) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

}  // namespace cruntime::cli
