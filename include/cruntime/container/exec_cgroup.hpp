// Where an exec'd process goes in the container's cgroups: the container's cgroup, or with
// `exec --cgroup [CTRL[,CTRL]:]PATH` an existing sub-cgroup of it (runc 1.2).
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"
#include "cruntime/cgroup/manager.hpp"
#include "cruntime/spec/state.hpp"

namespace cruntime::container {

// One --cgroup value: controllers (empty: every hierarchy) and a path below the container's
// cgroup ("/" or "" = the container's cgroup itself). ".." components are refused.
struct CgroupRequest {
  std::vector<std::string> controllers;
  std::string path;
};
Result<CgroupRequest> parse_cgroup_request(std::string_view text);

class ExecCgroup {
 public:
  // `stored` holds the container's cgroup (state.json); `requests` the --cgroup values.
  // v2 takes one path without controllers.
  // `init` is the container's init, whose cgroup is the v2 fallback.
  static Result<ExecCgroup> open(const spec::StoredState& stored,
                                 const std::vector<std::string>& requests, pid_t init);
  // v2: the directory to clone3(CLONE_INTO_CGROUP) into; -1 on v1 (use attach()).
  int dir_fd() const { return dir_fd_.get(); }
  // v2 without --cgroup: the init's own cgroup when it is not the container's, for when the
  // container's cannot take processes (runc: it has moved its processes down and enabled
  // controllers for its children, so the kernel says EBUSY); -1 otherwise. `--cgroup /`
  // names the container's cgroup explicitly and has no fallback.
  int fallback_fd() const { return fallback_fd_.get(); }
  // v1: the container's cgroup in every hierarchy, then the requested sub-cgroups.
  Result<void> attach(pid_t pid) const;

 private:
  std::unique_ptr<cgroup::Manager> manager_;
  std::vector<CgroupRequest> requests_;
  UniqueFd dir_fd_;
  UniqueFd fallback_fd_;
};

}  // namespace cruntime::container
