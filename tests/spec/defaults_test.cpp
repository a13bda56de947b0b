// default_config() and rootless_config(): runc's `runc spec` template and its --rootless variant,
// and both pass validate() with no problems and no warnings.
#include "cruntime/spec/defaults.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cruntime/spec/validate.hpp"
#include "cruntime/spec/version.hpp"

namespace spec = cruntime::spec;
using Strings = std::vector<std::string>;

namespace {

std::vector<std::string> namespace_types(const spec::Config& config) {
  std::vector<std::string> out;
  for (const spec::Namespace& ns : *config.linux_config->namespaces) {
    CHECK_FALSE(ns.path);
    out.push_back(ns.type);
  }
  return out;
}

const spec::Mount& mount_at(const spec::Config& config, const std::string& destination) {
  auto it = std::find_if(config.mounts->begin(), config.mounts->end(),
                         [&](const spec::Mount& m) { return m.destination == destination; });
  REQUIRE(it != config.mounts->end());
  return *it;
}

}  // namespace

TEST_CASE("default_config: runc's template process, root and hostname", "[spec]") {
  const spec::Config config = spec::default_config();
  CHECK(config.oci_version == spec::kOciVersion);
  REQUIRE(config.root);
  CHECK(config.root->path == "rootfs");
  CHECK(config.root->readonly == true);
  CHECK(config.hostname == "runc");
  CHECK_FALSE(config.domainname);
  CHECK_FALSE(config.hooks);

  REQUIRE(config.process);
  const spec::Process& p = *config.process;
  CHECK(p.terminal == true);
  CHECK(p.user == spec::User{});
  CHECK(p.args == Strings{"sh"});
  CHECK(p.env == Strings{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                         "TERM=xterm"});
  CHECK(p.cwd == "/");
  CHECK(p.no_new_privileges == true);
  const Strings caps = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
  REQUIRE(p.capabilities);
  CHECK(p.capabilities->bounding == caps);
  CHECK(p.capabilities->effective == caps);
  CHECK(p.capabilities->permitted == caps);
  CHECK_FALSE(p.capabilities->inheritable);  // runc dropped these from its template
  CHECK_FALSE(p.capabilities->ambient);
  CHECK(p.rlimits == std::vector<spec::Rlimit>{{"RLIMIT_NOFILE", 1024, 1024}});
}

TEST_CASE("default_config: runc's mounts, in order, with runc's options", "[spec]") {
  const spec::Config config = spec::default_config();
  REQUIRE(config.mounts);
  Strings destinations;
  for (const spec::Mount& m : *config.mounts) destinations.push_back(m.destination);
  CHECK(destinations == Strings{"/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys",
                                "/sys/fs/cgroup"});
  CHECK(mount_at(config, "/proc").type == "proc");
  CHECK_FALSE(mount_at(config, "/proc").options);
  CHECK(mount_at(config, "/dev").options ==
        Strings{"nosuid", "strictatime", "mode=755", "size=65536k"});
  CHECK(mount_at(config, "/dev/pts").options ==
        Strings{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"});
  CHECK(mount_at(config, "/dev/shm").source == "shm");
  CHECK(mount_at(config, "/dev/shm").options ==
        Strings{"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"});
  CHECK(mount_at(config, "/dev/mqueue").options == Strings{"nosuid", "noexec", "nodev"});
  CHECK(mount_at(config, "/sys").type == "sysfs");
  CHECK(mount_at(config, "/sys").options == Strings{"nosuid", "noexec", "nodev", "ro"});
  CHECK(mount_at(config, "/sys/fs/cgroup").type == "cgroup");
  CHECK(mount_at(config, "/sys/fs/cgroup").options ==
        Strings{"nosuid", "noexec", "nodev", "relatime", "ro"});
}

TEST_CASE("default_config: runc's linux section", "[spec]") {
  const spec::Config config = spec::default_config();
  REQUIRE(config.linux_config);
  const spec::Linux& lx = *config.linux_config;
  CHECK(namespace_types(config) == Strings{"pid", "network", "ipc", "uts", "mount", "cgroup"});
  CHECK(lx.masked_paths == Strings{"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                                   "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                                   "/proc/sched_debug", "/sys/firmware", "/proc/scsi"});
  CHECK(lx.readonly_paths ==
        Strings{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"});
  REQUIRE(lx.resources);
  REQUIRE(lx.resources->devices);
  REQUIRE(lx.resources->devices->size() == 1);
  const spec::DeviceCgroupRule& deny = lx.resources->devices->front();
  CHECK_FALSE(deny.allow);
  CHECK(deny.access == "rwm");
  CHECK_FALSE(deny.type);
  CHECK_FALSE(deny.major);
  CHECK_FALSE(deny.minor);
  CHECK_FALSE(lx.resources->memory);
  CHECK_FALSE(lx.uid_mappings);
  CHECK_FALSE(lx.seccomp);
}

TEST_CASE("default_config: validates clean, without warnings", "[spec]") {
  const spec::Config config = spec::default_config();
  CHECK(spec::validate(config).empty());
  CHECK(spec::warnings(config).empty());
  CHECK(spec::check(config));
}

TEST_CASE("rootless_config: user namespace with the caller's ids, no network or resources",
          "[spec]") {
  const spec::Config config = spec::rootless_config(1000, 1001);
  REQUIRE(config.linux_config);
  const spec::Linux& lx = *config.linux_config;
  CHECK(namespace_types(config) == Strings{"pid", "ipc", "uts", "mount", "cgroup", "user"});
  CHECK(lx.uid_mappings == std::vector<spec::IdMapping>{{0, 1000, 1}});
  CHECK(lx.gid_mappings == std::vector<spec::IdMapping>{{0, 1001, 1}});
  CHECK_FALSE(lx.resources);
  // Everything else is the default template.
  const spec::Config base = spec::default_config();
  CHECK(config.process == base.process);
  CHECK(config.root == base.root);
  CHECK(config.hostname == base.hostname);
  CHECK(lx.masked_paths == base.linux_config->masked_paths);
  CHECK(lx.readonly_paths == base.linux_config->readonly_paths);
}

TEST_CASE("rootless_config: /sys becomes a read-only rbind, uid=/gid= options go", "[spec]") {
  const spec::Config config = spec::rootless_config(1000, 1000);
  REQUIRE(config.mounts);
  REQUIRE(config.mounts->size() == 7);
  const spec::Mount& sys = mount_at(config, "/sys");
  CHECK(sys.type == "none");
  CHECK(sys.source == "/sys");
  CHECK(sys.options == Strings{"rbind", "nosuid", "noexec", "nodev", "ro"});
  CHECK((*config.mounts)[5].destination == "/sys");  // same place in the list
  CHECK(mount_at(config, "/dev/pts").options ==
        Strings{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"});
  for (const spec::Mount& m : *config.mounts) {
    if (!m.options) continue;
    for (const std::string& option : *m.options) {
      CHECK(option.rfind("uid=", 0) != 0);
      CHECK(option.rfind("gid=", 0) != 0);
    }
  }
  CHECK_FALSE(mount_at(config, "/proc").options);
  CHECK(mount_at(config, "/sys/fs/cgroup").type == "cgroup");
}

TEST_CASE("rootless_config: validates clean, without warnings", "[spec]") {
  for (uint32_t id : {0u, 1000u, 4294967294u}) {
    INFO("id " << id);
    const spec::Config config = spec::rootless_config(id, id);
    CHECK(spec::validate(config).empty());
    CHECK(spec::warnings(config).empty());
  }
}
