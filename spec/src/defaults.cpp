// The starter configs of `cruntime spec`: runc's `runc spec` template and its --rootless variant
// (content learned from runc's libcontainer/specconv/example.go, Example and ToRootless).
#include "cruntime/spec/defaults.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cruntime/spec/version.hpp"

namespace cruntime::spec {
namespace {

using Strings = std::vector<std::string>;

Process default_process() {
  const Strings caps = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
  Process p;
  p.terminal = true;
  p.user = User{};  // uid 0, gid 0
  p.args = Strings{"sh"};
  p.env = Strings{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                  "TERM=xterm"};
  p.cwd = "/";
  // runc fills only bounding/effective/permitted: it stopped setting inheritable (2022) and
  // ambient (2024) in its template.
  Capabilities capabilities;
  capabilities.bounding = caps;
  capabilities.effective = caps;
  capabilities.permitted = caps;
  p.capabilities = std::move(capabilities);
  p.rlimits = std::vector<Rlimit>{Rlimit{"RLIMIT_NOFILE", 1024, 1024}};
  p.no_new_privileges = true;
  return p;
}

Mount make_mount(std::string destination, std::string type, std::string source,
                 std::optional<Strings> options) {
  Mount mount;
  mount.destination = std::move(destination);
  mount.type = std::move(type);
  mount.source = std::move(source);
  mount.options = std::move(options);
  return mount;
}

std::vector<Mount> default_mounts() {
  return {
      make_mount("/proc", "proc", "proc", std::nullopt),
      make_mount("/dev", "tmpfs", "tmpfs",
                 Strings{"nosuid", "strictatime", "mode=755", "size=65536k"}),
      make_mount("/dev/pts", "devpts", "devpts",
                 Strings{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}),
      make_mount("/dev/shm", "tmpfs", "shm",
                 Strings{"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
      make_mount("/dev/mqueue", "mqueue", "mqueue", Strings{"nosuid", "noexec", "nodev"}),
      make_mount("/sys", "sysfs", "sysfs", Strings{"nosuid", "noexec", "nodev", "ro"}),
      make_mount("/sys/fs/cgroup", "cgroup", "cgroup",
                 Strings{"nosuid", "noexec", "nodev", "relatime", "ro"}),
  };
}

Linux default_linux() {
  Linux lx;
  lx.masked_paths = Strings{"/proc/acpi",        "/proc/asound",        "/proc/kcore",
                            "/proc/keys",        "/proc/latency_stats", "/proc/timer_list",
                            "/proc/timer_stats", "/proc/sched_debug",   "/sys/firmware",
                            "/proc/scsi"};
  lx.readonly_paths =
      Strings{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
  DeviceCgroupRule deny_all;  // allow false, every type and number
  deny_all.access = "rwm";
  lx.resources = LinuxResources{};
  lx.resources->devices = std::vector<DeviceCgroupRule>{deny_all};
  // runc adds the cgroup namespace only on a cgroup v2 host; spec/ makes no syscalls, so the
  // template always has it. A private cgroup namespace works on v1 hosts too (Linux 4.6+).
  lx.namespaces = std::vector<Namespace>{};
  for (const char* type : {"pid", "network", "ipc", "uts", "mount", "cgroup"}) {
    lx.namespaces->push_back(Namespace{type, std::nullopt});
  }
  return lx;
}

bool is_sys_mount(const Mount& mount) {
  // filepath.Clean(destination) == "/sys" in runc: tolerate trailing and doubled slashes.
  std::string dest = mount.destination;
  while (dest.size() > 1 && dest.back() == '/') dest.pop_back();
  dest.erase(
      std::unique(dest.begin(), dest.end(), [](char a, char b) { return a == '/' && b == '/'; }),
      dest.end());
  return dest == "/sys";
}

bool is_id_option(const std::string& option) {
  return option.rfind("uid=", 0) == 0 || option.rfind("gid=", 0) == 0;
}

}  // namespace

Config default_config() {
  Config config;
  config.oci_version = std::string(kOciVersion);
  config.process = default_process();
  config.root = Root{.path = "rootfs", .readonly = true};
  // runc's template hostname, kept so `cruntime spec` output matches `runc spec` (tools diff it).
  config.hostname = "runc";
  config.mounts = default_mounts();
  config.linux_config = default_linux();
  return config;
}

Config rootless_config(uint32_t uid, uint32_t gid) {
  Config config = default_config();
  Linux& lx = *config.linux_config;

  // 1. No network namespace (an unprivileged user could not configure it), a user namespace last.
  std::vector<Namespace> namespaces;
  for (const Namespace& ns : *lx.namespaces) {
    if (ns.type != "network" && ns.type != "user") namespaces.push_back(ns);
  }
  namespaces.push_back(Namespace{"user", std::nullopt});
  lx.namespaces = std::move(namespaces);

  // 2. Map the caller's ids to root in the container.
  lx.uid_mappings = std::vector<IdMapping>{{.container_id = 0, .host_id = uid, .size = 1}};
  lx.gid_mappings = std::vector<IdMapping>{{.container_id = 0, .host_id = gid, .size = 1}};

  // 3. A fresh sysfs needs a private network namespace owned by the user namespace: bind the
  //    host's /sys read-only instead. uid=/gid= options name ids that are not mapped.
  for (Mount& mount : *config.mounts) {
    if (is_sys_mount(mount)) {
      mount =
          make_mount("/sys", "none", "/sys", Strings{"rbind", "nosuid", "noexec", "nodev", "ro"});
      continue;
    }
    if (!mount.options) continue;
    std::erase_if(*mount.options, is_id_option);
    if (mount.options->empty()) mount.options.reset();  // runc's nil slice: the key is omitted
  }

  // 4. No cgroup limits: the user may not own a cgroup to apply them in.
  lx.resources.reset();
  return config;
}

}  // namespace cruntime::spec
