// The cgroup of an exec'd process: the container's, or a sub-cgroup named with --cgroup.
#include "cruntime/container/exec_cgroup.hpp"

#include <fcntl.h>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/cgroup/cgroupfs.hpp"
#include "cruntime/cgroup/detect.hpp"

namespace cruntime::container {
namespace {

std::string below(const std::string& dir, const std::string& path) {
  return path.empty() ? dir : cgroup::cgfs::join(dir, path);
}

// A bare --cgroup PATH on v1 means every v1 hierarchy: one controller names each.
Result<std::vector<std::string>> v1_controllers() {
  const cgroup::Layout layout = CR_TRY(cgroup::detect_layout());
  std::vector<std::string> names;
  for (const cgroup::Hierarchy& hierarchy : layout.hierarchies) {
    if (!hierarchy.controllers.empty()) names.push_back(hierarchy.controllers.front());
  }
  return names;
}

// v2: the init's cgroup directory, from the "0::" line of /proc/<init>/cgroup.
Result<std::string> init_cgroup_dir(pid_t init) {
  const cgroup::Layout layout = CR_TRY(cgroup::detect_layout());
  std::string text = CR_TRY(fs::read_file(fmt::format("/proc/{}/cgroup", init)));
  auto entries = cgroup::parse_proc_pid_cgroup(text);
  auto unified = entries.find("");
  if (unified == entries.end()) return fail_msg("/proc/{}/cgroup has no cgroup v2 entry", init);
  return cgroup::cgfs::join(layout.unified_root, unified->second);
}

}  // namespace

Result<CgroupRequest> parse_cgroup_request(std::string_view text) {
  CgroupRequest request;
  std::string_view path = text;
  if (size_t colon = text.find(':'); colon != std::string_view::npos) {
    for (const std::string& controller : strings::split(text.substr(0, colon), ',')) {
      if (controller.empty()) return fail_msg("--cgroup: \"{}\" has an empty controller name", text);
      request.controllers.push_back(controller);
    }
    path = text.substr(colon + 1);
  }
  std::vector<std::string> parts;
  for (const std::string& part : strings::split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") return fail_msg("--cgroup: \"{}\" leaves the container's cgroup", text);
    parts.push_back(part);
  }
  request.path = strings::join(parts, "/");
  return request;
}

Result<ExecCgroup> ExecCgroup::open(const spec::StoredState& stored,
                                    const std::vector<std::string>& requests, pid_t init) {
  ExecCgroup cgroup;
  // A rootless container without cgroup access has none (create.cpp): the process stays in
  // the caller's, as the init did.
  if (stored.cgroup_path.empty()) {
    if (!requests.empty()) return fail_msg("--cgroup: the container has no cgroup (rootless)");
    return cgroup;
  }
  cgroup.manager_ = CR_TRY_CTX(cgroup::open_manager(stored), "cgroup");
  for (const std::string& text : requests) cgroup.requests_.push_back(CR_TRY(parse_cgroup_request(text)));
  if (cgroup.manager_->mode() != cgroup::Mode::kUnified) return cgroup;

  if (cgroup.requests_.size() > 1 || (cgroup.requests_.size() == 1 && !cgroup.requests_[0].controllers.empty())) {
    return fail_msg("--cgroup: on cgroup v2 give one path without controllers");
  }
  std::string dir = cgroup.manager_->dir();
  if (!cgroup.requests_.empty()) dir = below(dir, cgroup.requests_[0].path);
  // O_PATH is enough for CLONE_INTO_CGROUP (clone(2)).
  cgroup.dir_fd_ = CR_TRY_CTX(fs::open(dir, O_PATH | O_DIRECTORY), "--cgroup");
  if (!requests.empty()) return cgroup;
  std::string init_dir = CR_TRY(init_cgroup_dir(init));
  if (init_dir != dir) {
    // The init may have moved since: a missing directory just means no fallback.
    if (auto fd = fs::open(init_dir, O_PATH | O_DIRECTORY); fd) cgroup.fallback_fd_ = std::move(*fd);
  }
  return cgroup;
}

Result<void> ExecCgroup::attach(pid_t pid) const {
  if (!manager_) return {};
  CR_TRY(manager_->attach(pid));
  for (const CgroupRequest& request : requests_) {
    std::vector<std::string> controllers = request.controllers;
    if (controllers.empty()) controllers = CR_TRY(v1_controllers());
    for (const std::string& controller : controllers) {
      std::string dir = manager_->dir(controller);
      if (dir.empty()) return fail_msg("--cgroup: no \"{}\" hierarchy on this host", controller);
      CR_TRY_CTX(cgroup::cgfs::attach(below(dir, request.path), pid), "--cgroup");
    }
  }
  return {};
}

}  // namespace cruntime::container
