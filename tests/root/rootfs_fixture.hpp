// Helpers for the [root] rootfs tests: a private mount namespace per test, mountinfo reading,
// config builders.
#pragma once

#include <sched.h>
#include <sys/mount.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/rootfs/rootfs.hpp"
#include "cruntime/spec/config.hpp"
#include "support/child.hpp"

namespace cruntime::test::rootfs_fixture {

struct MountLine {
  std::string point;
  std::string options;  // per-mount options: "ro,nosuid,..."
  std::string type;
};

inline std::vector<MountLine> read_mounts() {
  std::vector<MountLine> out;
  auto text = fs::read_file("/proc/self/mountinfo");
  if (!text) return out;
  for (const std::string& line : strings::split(*text, '\n')) {
    std::vector<std::string> f = strings::split(line, ' ');
    size_t dash = 0;
    while (dash < f.size() && f[dash] != "-") ++dash;
    if (f.size() < 6 || dash + 1 >= f.size()) continue;
    out.push_back({f[4], f[5], f[dash + 1]});
  }
  return out;
}

inline const MountLine* top_mount(const std::vector<MountLine>& mounts, const std::string& point) {
  const MountLine* found = nullptr;
  for (const MountLine& m : mounts) {
    if (m.point == point) found = &m;  // the last one listed is the top of the stack
  }
  return found;
}

inline bool is_ro(const MountLine* m) { return m != nullptr && m->options.starts_with("ro"); }

inline void write(const std::string& path, const std::string& text) {
  REQUIRE(fs::write_file_atomic(path, text));
}

inline spec::Mount make_mount(std::string dest, std::string type, std::string source,
                              std::vector<std::string> options) {
  spec::Mount m;
  m.destination = std::move(dest);
  m.type = std::move(type);
  m.source = std::move(source);
  m.options = std::move(options);
  return m;
}

inline spec::Config base_config() {
  spec::Config config;
  config.oci_version = "1.2.0";
  config.root = spec::Root{"rootfs", std::nullopt};
  config.linux_config = spec::Linux{};
  config.linux_config->namespaces = std::vector<spec::Namespace>{{"mount", std::nullopt}};
  return config;
}

// The namespaces of base_config(), as the init's plan hands them to the rootfs.
inline cruntime::rootfs::ContainerNamespaces base_namespaces() { return {.mount = true}; }

// Run `body` in a child that has its own, private mount namespace; "" means success.
template <class Body>
std::string in_mount_namespace(Body&& body) {
  auto outcome = test::run_in_child([&](std::string& out) {
    if (::unshare(CLONE_NEWNS) != 0) {
      out = "unshare(CLONE_NEWNS) failed";
      return 2;
    }
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
      out = "make / rprivate failed";
      return 2;
    }
    out = body();
    return out.empty() ? 0 : 1;
  });
  if (!outcome.exited_with(0) && outcome.output.empty()) return "child died";
  return outcome.output;
}

inline bool host_mounts_mention(const std::string& text) {
  for (const MountLine& m : read_mounts()) {
    if (m.point.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace cruntime::test::rootfs_fixture
