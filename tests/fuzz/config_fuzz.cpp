// libFuzzer target: a bundle's config.json as `create` reads it (parse, validate, warnings), the
// config snapshot round trip (create writes it, update/exec/delete parse it back from --root),
// and the pure plans create derives from a config that passed validation.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cruntime/cgroup/delegate.hpp"
#include "cruntime/cgroup/manager.hpp"
#include "cruntime/cgroup/resources_v1.hpp"
#include "cruntime/cgroup/resources_v2.hpp"
#include "cruntime/cgroup/systemd_path.hpp"
#include "cruntime/cgroup/systemd_properties.hpp"
#include "cruntime/container/notify_socket.hpp"
#include "cruntime/container/prepare_bundle.hpp"
#include "cruntime/container/rootless.hpp"
#include "cruntime/process/environment.hpp"
#include "cruntime/process/hooks.hpp"
#include "cruntime/process/idmap.hpp"
#include "cruntime/process/idmap_helper.hpp"
#include "cruntime/process/namespaces.hpp"
#include "cruntime/process/payload.hpp"
#include "cruntime/process/scheduling.hpp"
#include "cruntime/process/sysctl.hpp"
#include "cruntime/rootfs/bind_sources.hpp"
#include "cruntime/rootfs/devices.hpp"
#include "cruntime/rootfs/idmap_mount.hpp"
#include "cruntime/rootfs/mount.hpp"
#include "cruntime/rootfs/mount_options.hpp"
#include "cruntime/security/capability_names.hpp"
#include "cruntime/spec/io.hpp"
#include "cruntime/spec/validate.hpp"
#include "fuzz_support.hpp"

namespace cruntime::fuzz {
namespace {

// What create derives from the mounts before and inside the init (the pure parts).
void plan_mounts(const spec::Config& config) {
  (void)rootfs::host_bind_entries(config);
  (void)rootfs::dev_is_bind_mount(config);
  (void)rootfs::has_idmapped_mounts(config);
  consume(rootfs::device_nodes(config));
  if (!config.mounts) return;
  static const std::vector<std::string> kNone;
  for (const spec::Mount& mount : *config.mounts) {
    auto options = rootfs::parse_mount_options(mount.options ? *mount.options : kNone,
                                               mount.type.value_or(""));
    consume(options);
    if (options) {
      (void)rootfs::readonly_at_end(mount, *options);
      (void)rootfs::mount_attr_of(options->flags, options->clear_flags);
      (void)rootfs::superblock_flag_keys(options->flags);
    }
    consume(rootfs::mount_idmap(mount, config));
    (void)rootfs::mount_destination(mount);
    (void)rootfs::bind_source_path("/bundle", mount);
  }
}

void plan_process(const spec::Config& config) {
  if (!config.process) return;
  const spec::Process& process = *config.process;
  // No passwd file: HOME falls back to "/" (the real one is the container's, after pivot_root).
  (void)process::build_environment(process, {"LISTEN_FDS=1"}, "");
  consume(container::check_additional_gids(1000, process.user));
  if (process.capabilities) {
    for (const auto* set : {&process.capabilities->bounding, &process.capabilities->effective,
                            &process.capabilities->inheritable, &process.capabilities->permitted,
                            &process.capabilities->ambient}) {
      if (!*set) continue;
      for (const std::string& name : **set) (void)security::capability_number(name);
    }
  }
  if (process.exec_cpu_affinity) {
    if (process.exec_cpu_affinity->initial) {
      consume(process::parse_cpu_list(*process.exec_cpu_affinity->initial));
    }
    if (process.exec_cpu_affinity->final_cpus) {
      consume(process::parse_cpu_list(*process.exec_cpu_affinity->final_cpus));
    }
  }
}

void plan_linux(const spec::Config& config) {
  for (auto entry : {process::CgroupEntry::kNone, process::CgroupEntry::kCloneInto,
                     process::CgroupEntry::kAttachAfterClone}) {
    consume(process::plan_namespaces(config, entry));
  }
  (void)cgroup::delegation_target(config);
  if (config.annotations) consume(cgroup::annotation_properties(*config.annotations));
  if (!config.linux_config) return;
  const spec::Linux& lx = *config.linux_config;
  consume(cgroup::resolve_cgroups_path(lx.cgroups_path, "fuzz"));
  consume(cgroup::systemd_placement(lx.cgroups_path, "fuzz"));
  if (lx.resources) {
    consume(cgroup::translate_v1(*lx.resources));
    consume(cgroup::translate_v2(*lx.resources));
    consume(cgroup::resource_properties(*lx.resources, 252));
    consume(cgroup::creation_properties(*lx.resources, 253));
  }
  if (lx.sysctl) {
    for (const auto& [key, value] : *lx.sysctl) consume(process::sysctl_components(key));
  }
  for (const auto* maps : {&lx.uid_mappings, &lx.gid_mappings}) {
    if (!*maps) continue;
    (void)process::format_id_map(**maps);
    (void)process::map_helper_args(1, **maps);
    (void)process::choose_map_writer(**maps, 1000, 1000);
  }
}

}  // namespace
}  // namespace cruntime::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cruntime;
  auto config = spec::parse_config(fuzz::as_text(data, size));
  if (!config) {
    fuzz::consume_error(config.error());
    return 0;
  }
  // The snapshot: create writes dump_config(config, -1) into the state directory and every later
  // command parses it back; it must come back as the same config.
  const std::string snapshot = spec::dump_config(*config, -1);
  auto again = spec::parse_config(snapshot);
  if (!again) fuzz::invariant_broken("the snapshot does not parse", again.error().to_string());
  CR_FUZZ_CHECK(*again == *config, snapshot);
  (void)spec::dump_config_tabs(*config);

  (void)spec::warnings(*config);
  if (auto checked = spec::check(*config); !checked) {
    fuzz::consume_error(checked.error());
    return 0;
  }
  // `create` goes on only with a valid config: what it plans from it.
  container::CreateOptions options;
  fuzz::consume(container::check_terminal(*config, options));
  fuzz::consume(container::check_idmapped_mounts(1000, *config));
  if (config->process) {
    fuzz::consume(container::check_lsm_labels(*config->process, security::LsmSupport{}));
  }
  fuzz::plan_mounts(*config);
  fuzz::plan_process(*config);
  fuzz::plan_linux(*config);
  if (config->hooks) {
    for (auto kind : {process::HookKind::kPrestart, process::HookKind::kCreateRuntime,
                      process::HookKind::kCreateContainer, process::HookKind::kStartContainer,
                      process::HookKind::kPoststart, process::HookKind::kPoststop}) {
      (void)process::hooks_of(*config->hooks, kind);
    }
  }
  // With $NOTIFY_SOCKET, create adds a mount and an env entry; the result must still validate.
  spec::Config notified = *config;
  container::add_notify_socket(notified, "/run/cruntime/fuzz");
  fuzz::consume(spec::check(notified));
  return 0;
}
