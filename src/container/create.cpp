// `create`: reserve the id, snapshot the config, clone the init, run the create-time hooks,
// record the state. Any failure undoes everything (security.md promise 6).
#include "cruntime/container/create.hpp"
#include "cruntime/container/seccomp_program.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <vector>

#include "cruntime/base/clock.hpp"
#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/base/scope_guard.hpp"
#include "cruntime/cgroup/delegate.hpp"
#include "cruntime/cgroup/manager.hpp"
#include "cruntime/cgroup/resctrl.hpp"
#include "cruntime/container/lifecycle.hpp"
#include "cruntime/container/notify_socket.hpp"
#include "cruntime/container/rootless.hpp"
#include "cruntime/container/prepare_bundle.hpp"
#include "cruntime/process/hooks.hpp"
#include "cruntime/process/init.hpp"
#include "cruntime/process/memory_policy.hpp"
#include "cruntime/process/userns_fd.hpp"
#include "cruntime/rootfs/rootfs.hpp"
#include "cruntime/security/lsm.hpp"
#include "cruntime/spec/io.hpp"
#include "cruntime/spec/version.hpp"
#include "cruntime/sys/fd_passing.hpp"
#include "cruntime/sys/proc.hpp"
#include "cruntime/sys/syscalls.hpp"

namespace cruntime::container {
namespace {

// The fifo the init blocks on until `start`. The init cannot see host paths after pivot_root,
// so it gets an O_PATH fd now and reopens it through /proc/self/fd.
Result<UniqueFd> make_exec_fifo(const ContainerDir& dir) {
  std::string name(kExecFifoName);
  if (::mkfifoat(dir.fd(), name.c_str(), 0622) != 0) {
    return fail(Error::sys(errno, "create the exec fifo"));
  }
  // The umask cut 0622 down; a non-root container user must still be able to open it for writing.
  if (::fchmodat(dir.fd(), name.c_str(), 0622, 0) != 0) {
    return fail(Error::sys(errno, "chmod the exec fifo"));
  }
  return fs::open_at(dir.fd(), name, O_PATH);
}

// The "creating" record (spec::StoredState::creating): this process stands in for the init
// until there is one, so a reader can tell a create under way from one that was killed.
Result<spec::StoredState> creating_state(std::string_view id, const PreparedBundle& prepared) {
  spec::StoredState stored;
  stored.oci_version = std::string(spec::kOciVersion);
  stored.id = std::string(id);
  stored.bundle = prepared.bundle;
  stored.rootfs = prepared.rootfs;
  stored.created = rfc3339_now();
  if (prepared.config->annotations) stored.annotations = *prepared.config->annotations;
  stored.config_path = std::string(kConfigSnapshotName);
  stored.creating = true;
  stored.creator_pid = ::getpid();
  const std::optional<uint64_t> start_time = sys::process_start_time(stored.creator_pid);
  if (!start_time) return fail_msg("read the start time of this process from /proc/self/stat");
  stored.creator_start_time = *start_time;
  return stored;
}

// Writes the creating record with the cgroup `manager` is about to make: from here on a
// `delete` of a create killed half-way finds that cgroup (and what runs in it) to undo.
Result<void> record_creating(const ContainerDir& dir, spec::StoredState& stored,
                             const cgroup::Manager& manager) {
  stored.cgroup_path = manager.path();
  stored.systemd_unit = manager.systemd_unit();
  stored.systemd_user = manager.systemd_user();
  return dir.write_state(stored);
}

rootfs::ContainerNamespaces rootfs_namespaces(const process::NamespacePlan& plan) {
  return {.mount = plan.has(CLONE_NEWNS),
          .user = plan.has(CLONE_NEWUSER),
          .net = plan.has(CLONE_NEWNET),
          .cgroup = plan.has(CLONE_NEWCGROUP),
          .pid = plan.has(CLONE_NEWPID)};
}

// The cgroup, with its record written first (record_creating); null: rootless without cgroup
// access, `stored` then names none.
Result<std::unique_ptr<cgroup::Manager>> make_cgroup(const GlobalOptions& global,
                                                     std::string_view id,
                                                     const spec::Config& config,
                                                     const ContainerDir& dir,
                                                     spec::StoredState& stored) {
  const auto& linux_config = config.linux_config;
  cgroup::ManagerOptions options;
  options.id = std::string(id);
  if (linux_config) options.cgroups_path = linux_config->cgroups_path;
  options.systemd = global.systemd_cgroup;
  options.rootless = CR_TRY(resolve_rootless(global.rootless));
  if (options.systemd) {
    if (config.annotations) options.annotations = *config.annotations;
    options.delegate_to = cgroup::delegation_target(config);
  }
  auto manager = CR_TRY_CTX(cgroup::make_manager(options), "cgroup");
  // Recorded before the first mkdir: a create killed among the mkdirs of several hierarchies
  // leaves directories that only the record leads back to. The systemd driver makes nothing
  // before attach, and only its create() learns where a user's systemd puts the unit.
  if (!options.systemd) CR_TRY(record_creating(dir, stored, *manager));
  if (auto created = manager->create(); !created) {
    // Asked for systemd's cgroup: no fallback to none.
    if (options.systemd) return fail(std::move(created).error().with_context("cgroup"));
    // A path the config chose (too long, a file in the way): name the field.
    if (!options.rootless && options.cgroups_path && !options.cgroups_path->empty()) {
      return fail(std::move(created).error().with_context("cgroup: linux.cgroupsPath"));
    }
    // Rootless without cgroup access: no cgroup at all, when nothing needs one (runc). The
    // layout make_manager detected (cached), for which limits this host could enforce.
    const cgroup::Layout layout = CR_TRY_CTX(cgroup::detect_layout(), "cgroup");
    CR_TRY(runs_without_cgroup(options.rootless, config, layout,
                               std::move(created).error().with_context("cgroup")));
    stored.cgroup_path.clear();  // the final record names none; delete finds nothing to remove
    return std::unique_ptr<cgroup::Manager>();
  }
  if (options.systemd) CR_TRY(record_creating(dir, stored, *manager));
  // Even without resources: v1 gets the default device rules.
  spec::LinuxResources none;
  auto applied =
      manager->apply(linux_config && linux_config->resources ? *linux_config->resources : none);
  if (!applied) {
    // The caller's rollback only knows a manager it got back: remove what create() made here.
    if (auto destroyed = manager->destroy(); !destroyed) {
      log::warn("cleanup: {}", destroyed.error().to_string());
    }
    return fail(std::move(applied).error());
  }
  return manager;
}

// Failed create after hooks may have run: poststop still runs (runtime.md lifecycle step 12-13).
void run_poststop_after_failure(const spec::Config& config, const spec::StoredState& stored) {
  // poststop never fails: run_hooks logs its failures as warnings.
  (void)process::run_hooks(config.hooks, process::HookKind::kPoststop,
                           spec::dump_state_for_hook(hook_state(stored, spec::Status::kStopped, 0)),
                           stored.bundle);
}

}  // namespace

Result<CreatedContainer> create_container(const GlobalOptions& global, std::string_view id,
                                          const CreateOptions& options, PreparedBundle prepared) {
  // 1. Everything that can be checked without side effects.
  const spec::Config& config = *prepared.config;
  CR_TRY(check_terminal(config, options));
  if (config.process) CR_TRY(check_additional_gids(::geteuid(), config.process->user));
  CR_TRY(check_idmapped_mounts(::geteuid(), config));
  CR_TRY(check_intel_rdt(config));
  if (config.linux_config && config.linux_config->memory_policy) {
    CR_TRY_CTX(process::check_memory_policy_on_host(*config.linux_config->memory_policy),
               "linux.memoryPolicy");
  }
  UniqueFd console;
  if (!options.console_socket.empty()) {
    console = CR_TRY_CTX(sys::connect_unix(options.console_socket), "--console-socket");
  }

  // 2. Reserve the id; from here on every step is undone on failure.
  StateRoot root = CR_TRY(StateRoot::open_or_create(global.root));
  // Built here, before anything of the container exists, so a profile libseccomp refuses leaves
  // nothing to undo; the init only loads it.
  const std::optional<security::SeccompProgram> seccomp = CR_TRY(build_container_seccomp(config, root));
  ContainerDir dir = CR_TRY(root.create_container(id));
  std::unique_ptr<cgroup::Manager> cgroup;  // declared before the Rollback that destroys it
  std::optional<cgroup::ResctrlGroup> resctrl;  // the same
  Rollback rollback;
  rollback.add([&root, id] {
    if (auto removed = root.remove_container(id); !removed) {
      log::warn("cleanup: {}", removed.error().to_string());
    }
  });
  CR_TRY_CTX(fs::write_file_atomic_at(dir.fd(), std::string(kConfigSnapshotName),
                                      spec::dump_config(config, -1), 0600),
             "save the config snapshot");
  UniqueFd fifo = CR_TRY(make_exec_fifo(dir));
  if (!options.notify_socket.empty()) CR_TRY(make_notify_dir(dir.fd(), dir.path()));
  // Limits are in place before the init exists (and so before prestart hooks, which see them).
  spec::StoredState stored = CR_TRY(creating_state(id, prepared));
  cgroup = CR_TRY(make_cgroup(global, id, config, dir, stored));
  rollback.add([&cgroup] {
    if (!cgroup) return;
    if (auto destroyed = cgroup->destroy(); !destroyed) log::warn("cleanup: {}", destroyed.error().to_string());
  });
  // linux.intelRdt: the resctrl group and its schemata are in place before the init, too.
  if (config.linux_config && config.linux_config->intel_rdt) {
    resctrl = CR_TRY_CTX(
        cgroup::prepare_resctrl(cgroup::kResctrlRoot, *config.linux_config->intel_rdt, id),
        "linux.intelRdt");
    rollback.add([&resctrl] {
      if (auto removed = cgroup::remove_resctrl(*resctrl, true); !removed) {
        log::warn("cleanup: {}", removed.error().to_string());
      }
    });
    // In the creating record at once: `delete` of a create killed from here on removes it.
    cgroup::store_resctrl(*resctrl, stored);
    CR_TRY(dir.write_state(stored));
  }
  // The plan is made once, with how the init enters that cgroup, and not changed afterwards.
  const process::CgroupEntry entry = !cgroup                ? process::CgroupEntry::kNone
                                     : cgroup->dir_fd() >= 0 ? process::CgroupEntry::kCloneInto
                                                             : process::CgroupEntry::kAttachAfterClone;
  const process::NamespacePlan plan =
      CR_TRY_CTX(process::plan_namespaces(config, entry), "config.json");
  stored.own_pid_namespace = plan.has(CLONE_NEWPID);
  // A systemd unit's directory exists only once the init is in it: the manager delegates it.
  if (cgroup && stored.systemd_unit.empty()) CR_TRY(cgroup::delegate_cgroup(config, *cgroup));

  // 3. Clone the init and walk it through setup (process/sync.hpp). Id-mapped binds are built
  //    here first: mount_setattr(MOUNT_ATTR_IDMAP) needs privileges the init may not have in
  //    its user namespace. The init inherits the trees' fds through clone.
  std::vector<UniqueFd> idmapped =
      CR_TRY(process::prepare_idmapped_mounts(config, prepared.bundle));
  process::InitContext context;
  context.config = &config;
  context.seccomp = seccomp ? &*seccomp : nullptr;
  context.plan = plan;
  context.rootfs = {prepared.rootfs, prepared.bundle, rootfs_namespaces(plan), options.no_pivot};
  for (const UniqueFd& tree : idmapped) context.rootfs.idmapped_trees.push_back(tree.get());
  if (cgroup) context.rootfs.cgroup_binds = CR_TRY(rootfs::container_cgroup_binds(config, *cgroup));
  context.rootfs.selinux_enabled = security::selinux_enabled();
  context.id = std::string(id);
  context.bundle = prepared.bundle;
  context.exec_fifo = fifo.get();
  context.console_socket = options.console_socket_fd >= 0 ? options.console_socket_fd : console.get();
  context.state_dir_fd = dir.fd();
  context.cgroup = cgroup.get();
  context.preserve_fds = prepared.listen_fds + options.preserve_fds;
  if (prepared.listen_fds > 0) {
    context.extra_env = {fmt::format("LISTEN_FDS={}", prepared.listen_fds), "LISTEN_PID=1"};
  }
  context.no_new_keyring = options.no_new_keyring;
  context.runtime_pid = ::getpid();
  auto handle = process::spawn_init(context);
  if (!handle) {
    run_poststop_after_failure(config, stored);
    return fail(std::move(handle).error());
  }
  // Killed and reaped (ChildGuard), before the cgroup it is in is destroyed (reverse order).
  rollback.add([pid = handle->pid] { sys::ChildGuard init(pid); });
  // The init waits for `start`: what it forks from now on inherits its resctrl group.
  if (resctrl) CR_TRY_CTX(cgroup::attach_resctrl(*resctrl, handle->pid), "linux.intelRdt");

  // 4. Record it, in place of the creating record, and only then let the init wait for `start`
  //    without us (sync.hpp kRecorded). The pid file comes last: containerd reads it as soon as
  //    we exit.
  stored.creating = false;
  stored.creator_pid = 0;
  stored.creator_start_time = 0;
  stored.init_pid = handle->pid;
  stored.init_start_time = handle->start_time;
  CR_TRY(dir.write_state(stored));
  CR_TRY(process::confirm_recorded(*handle));
  CR_TRY(send_pidfd(options.pidfd_socket, handle->pid, "standard"));
  CR_TRY(write_pid_file(prepared.pid_file, handle->pid));
  rollback.dismiss();
  return CreatedContainer{handle->pid, true};
}

Result<void> create(const GlobalOptions& global, std::string_view id, const CreateOptions& options) {
  PreparedBundle prepared = CR_TRY(prepare_bundle(global, id, options));
  CR_TRY(create_container(global, id, options, std::move(prepared)));
  return {};
}

}  // namespace cruntime::container
