// SystemdManager: start, update and stop the container's transient unit; files through Fs2Manager.
#include "cruntime/cgroup/systemd_manager.hpp"

#include <signal.h>

#include <utility>

#include <fmt/format.h>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/cgroup/detect.hpp"
#include "cruntime/cgroup/systemd_properties.hpp"

namespace cruntime::cgroup {
namespace {

void log_skipped(const std::vector<std::string>& skipped) {
  for (const std::string& property : skipped) {
    log::debug("cgroup: systemd property {} left to the cgroup files", property);
  }
}

std::string describe(const std::vector<UnitProperty>& properties) {
  std::vector<std::string> parts;
  for (const UnitProperty& p : properties) parts.push_back(p.name + "=" + p.value.to_string());
  return strings::join(parts, " ");
}

}  // namespace

SystemdManager::SystemdManager(Options options)
    : unit_(options.placement.unit),
      user_(options.user),
      fs_(options.root, options.placement.cgroup, true, {}, options.user),
      stage_(Stage::kPending) {
  options_ = std::move(options);
}

SystemdManager::SystemdManager(std::string root, std::string unit, std::string relative, bool user)
    : unit_(std::move(unit)),
      user_(user),
      fs_(std::move(root), std::move(relative), true, {}, user),
      stage_(Stage::kRunning) {}

Result<SystemdBus*> SystemdManager::bus() {
  if (!bus_) {
    bus_ = CR_TRY_CTX(user_ ? SystemdBus::connect_user() : SystemdBus::connect_system(),
                      "--systemd-cgroup");
  }
  return &*bus_;
}

Result<int> SystemdManager::version() {
  if (!version_) {
    SystemdBus* bus = CR_TRY(this->bus());
    version_ = CR_TRY_CTX(bus->version(), "--systemd-cgroup");
    log::debug("cgroup: systemd version {}", *version_);
  }
  return *version_;
}

Result<void> SystemdManager::create() {
  if (stage_ != Stage::kPending) return fail_msg("systemd unit {} is already started", unit_);
  CR_TRY(version());  // connects: no systemd, no container, before the init exists
  if (user_) {
    // A user's systemd keeps its slices below its own service's cgroup (runc's getSliceFull):
    // "/user.slice/user-1000.slice/user@1000.service" + "/user.slice/<unit>".
    SystemdBus* bus = CR_TRY(this->bus());
    const std::string below = CR_TRY_CTX(bus->control_group(), "--systemd-cgroup");
    const Options& options = *options_;
    fs_ = Fs2Manager(options.root, below + options.placement.cgroup, true, {}, true);
  }
  return {};
}

Result<void> SystemdManager::apply(const spec::LinuxResources& resources) {
  if (stage_ == Stage::kRunning) return fs_.apply(resources);
  const int v = CR_TRY(version());
  ResourceProperties built = CR_TRY(resource_properties(resources, v));
  log_skipped(built.skipped);
  std::vector<UnitProperty> creation = CR_TRY(creation_properties(resources, v));
  resource_properties_ = std::move(built.properties);
  resource_properties_.insert(resource_properties_.end(), creation.begin(), creation.end());
  resources_ = std::move(built.files);
  return {};
}

// systemd puts a scope where its slice says; a cgroup namespace or an unusual slice setup could
// put it elsewhere, and then the directory recorded and bound into the container would be wrong.
Result<void> SystemdManager::check_placement(pid_t pid) const {
  const std::string text =
      CR_TRY_CTX(fs::read_file(fmt::format("/proc/{}/cgroup", pid)), "read the init's cgroup");
  const auto paths = parse_proc_pid_cgroup(text);
  auto it = paths.find("");
  const std::string actual = it == paths.end() ? std::string("(none)") : it->second;
  if (actual != fs_.path()) {
    return fail_msg("systemd put unit {} in cgroup {}, not in {}", unit_, actual, fs_.path());
  }
  return {};
}

Result<void> SystemdManager::start(pid_t pid) {
  const Options& options = *options_;
  std::vector<UnitProperty> properties =
      unit_properties(options.placement, pid, options.description);
  properties.insert(properties.end(), resource_properties_.begin(), resource_properties_.end());
  properties.insert(properties.end(), options.annotations.begin(), options.annotations.end());
  log::debug("cgroup: starting systemd unit {}: {}", unit_, describe(properties));
  SystemdBus* bus = CR_TRY(this->bus());
  CR_TRY_CTX(bus->start_transient_unit(unit_, properties), "--systemd-cgroup");
  stage_ = Stage::kRunning;  // from here on destroy() stops the unit
  // Controllers systemd leaves off (hugetlb, rdma, misc) on in the ancestors, for the files
  // (runc's CreateCgroupPath after startUnit).
  fs_.enable_controllers();
  if (options.placement.is_slice()) {
    CR_TRY(fs_.attach(pid));  // a slice takes no PIDs property: join it by cgroupfs
  } else {
    CR_TRY(check_placement(pid));
  }
  if (options.delegate_to) CR_TRY(delegate_dir(fs_.dir(), *options.delegate_to));
  // The files systemd has no property for, and the eBPF device filter (always, as cgroupfs).
  CR_TRY(fs_.apply(resources_));
  options_.reset();
  return {};
}

Result<void> SystemdManager::attach(pid_t pid) {
  if (stage_ == Stage::kRunning) return fs_.attach(pid);
  return start(pid);
}

Result<void> SystemdManager::update(const spec::LinuxResources& resources) {
  // Before systemd lowers MemoryMax: a limit below the usage would OOM-kill the container
  // (runc's CheckMemoryUsage in genV2ResourcesProperties).
  CR_TRY(fs_.check_memory_usage(resources));
  const int v = CR_TRY(version());
  const ResourceProperties built = CR_TRY(resource_properties(resources, v));
  log_skipped(built.skipped);
  SystemdBus* bus = CR_TRY(this->bus());
  log::debug("cgroup: setting on systemd unit {}: {}", unit_, describe(built.properties));
  CR_TRY_CTX(bus->set_unit_properties(unit_, built.properties), "--systemd-cgroup");
  return fs_.update(built.files);
}

Result<void> SystemdManager::destroy() {
  if (stage_ == Stage::kPending) return {};  // no unit of ours
  // SIGKILL first: stopping a scope sends SIGTERM and waits up to its TimeoutStopSec (90 s).
  if (cgfs::exists(fs_.dir())) {
    if (auto killed = fs_.kill_all(SIGKILL); !killed)
      log::debug("cgroup: {}", killed.error().to_string());
  }
  auto stopped = [this]() -> Result<void> {
    SystemdBus* bus = CR_TRY(this->bus());
    CR_TRY(bus->stop_unit(unit_));
    // A unit that failed (OOM kill, a failed start) stays listed until reset.
    return bus->reset_failed_unit(unit_);
  }();
  // The directory goes whether or not systemd answered: systemd before v240 kept sub-cgroups.
  auto removed = fs_.destroy();
  if (!stopped) return fail(std::move(stopped).error().with_context("--systemd-cgroup"));
  return removed;
}

}  // namespace cruntime::cgroup
