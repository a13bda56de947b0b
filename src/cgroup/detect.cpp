// Host cgroup detection: statfs for the mode, mountinfo + /proc/cgroups + /proc/self/cgroup for
// the v1 hierarchies (runc's tryDefaultCgroupRoot and GetCgroupMounts do the same).
#include "cruntime/cgroup/detect.hpp"

#include <linux/magic.h>
#include <sys/statfs.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <set>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/strings.hpp"

namespace cruntime::cgroup {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo (proc(5)).
std::string unescape_octal(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      const std::string_view oct = s.substr(i + 1, 3);
      if (oct.find_first_not_of("01234567") == std::string_view::npos) {
        out += static_cast<char>((oct[0] - '0') * 64 + (oct[1] - '0') * 8 + (oct[2] - '0'));
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

std::string normalize_key(std::string_view controllers) {
  if (controllers.empty()) return "";
  std::vector<std::string> parts = strings::split(controllers, ',');
  std::sort(parts.begin(), parts.end());
  return strings::join(parts, ",");
}

std::vector<std::string> split_fields(std::string_view line) {
  std::vector<std::string> fields;
  for (std::string& f : strings::split(line, ' ')) {
    if (!f.empty()) fields.push_back(std::move(f));
  }
  return fields;
}

// The controllers of a v1 mount: its super options that are known subsystems or name=X.
std::vector<std::string> v1_controllers(std::string_view super_options,
                                        const std::vector<std::string>& subsystems) {
  std::vector<std::string> out;
  for (std::string& option : strings::split(super_options, ',')) {
    const bool known = std::find(subsystems.begin(), subsystems.end(), option) != subsystems.end();
    if (known || option.starts_with("name=")) out.push_back(std::move(option));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string_view mode_name(Mode mode) {
  switch (mode) {
    case Mode::kUnified:
      return "unified";
    case Mode::kHybrid:
      return "hybrid";
    case Mode::kLegacy:
      return "legacy";
  }
  return "?";
}

std::string Hierarchy::key() const { return strings::join(controllers, ","); }

bool Hierarchy::has(std::string_view controller) const {
  return std::find(controllers.begin(), controllers.end(), controller) != controllers.end();
}

Result<Mode> detect_mode(const std::string& root) {
  struct statfs st {};
  if (::statfs(root.c_str(), &st) != 0) return fail(Error::sys(errno, "statfs " + root));
  if (st.f_type == CGROUP2_SUPER_MAGIC) return Mode::kUnified;
  if (st.f_type != TMPFS_MAGIC) {
    return fail_msg("{} is neither a cgroup2 nor a tmpfs mount: no cgroup hierarchy found", root);
  }
  const std::string unified = root + "/unified";
  struct statfs ust {};
  if (::statfs(unified.c_str(), &ust) == 0 && ust.f_type == CGROUP2_SUPER_MAGIC) {
    return Mode::kHybrid;
  }
  return Mode::kLegacy;
}

std::vector<std::string> parse_proc_cgroups(std::string_view text) {
  std::vector<std::string> names;
  for (const std::string& line : strings::split(text, '\n')) {
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string> fields;
    for (std::string& f : strings::split(line, '\t')) {
      for (std::string& g : split_fields(f)) fields.push_back(std::move(g));
    }
    if (fields.size() >= 4 && fields[3] == "1") names.push_back(fields[0]);
  }
  return names;
}

std::map<std::string, std::string> parse_proc_pid_cgroup(std::string_view text) {
  std::map<std::string, std::string> out;
  for (const std::string& line : strings::split(text, '\n')) {
    const size_t first = line.find(':');
    if (first == std::string::npos) continue;
    const size_t second = line.find(':', first + 1);
    if (second == std::string::npos) continue;
    const std::string key =
        normalize_key(std::string_view(line).substr(first + 1, second - first - 1));
    out.emplace(key, line.substr(second + 1));
  }
  return out;
}

std::vector<CgroupMount> parse_cgroup_mounts(std::string_view mountinfo,
                                             const std::vector<std::string>& subsystems) {
  std::vector<CgroupMount> out;
  std::set<std::string> seen;
  for (const std::string& line : strings::split(mountinfo, '\n')) {
    const std::vector<std::string> fields = split_fields(line);
    // id parent maj:min root mount-point options [optional...] - fstype source super-options
    const auto dash = std::find(fields.begin(), fields.end(), "-");
    if (dash == fields.end() || dash - fields.begin() < 6 || fields.end() - dash < 4) continue;
    const std::string& fstype = *(dash + 1);
    if (fstype != "cgroup" && fstype != "cgroup2") continue;
    CgroupMount mount;
    mount.v2 = fstype == "cgroup2";
    mount.hierarchy.mount_root = unescape_octal(fields[3]);
    mount.hierarchy.mount_point = unescape_octal(fields[4]);
    if (!mount.v2) {
      mount.hierarchy.controllers = v1_controllers(*(dash + 3), subsystems);
      if (mount.hierarchy.controllers.empty() || !seen.insert(mount.hierarchy.key()).second) {
        continue;
      }
    }
    out.push_back(std::move(mount));
  }
  return out;
}

namespace {

Result<Layout> read_layout() {
  Layout layout;
  layout.mode = CR_TRY(detect_mode());
  const std::string self = CR_TRY(fs::read_file("/proc/self/cgroup"));
  const std::map<std::string, std::string> own = parse_proc_pid_cgroup(self);
  auto own_in = [&own](const std::string& key) {
    auto it = own.find(key);
    return it != own.end() ? it->second : std::string("/");
  };
  if (layout.mode == Mode::kUnified) {
    layout.unified_root = kCgroupRoot;
    layout.own_unified_cgroup = own_in("");
    return layout;
  }
  const std::string cgroups = CR_TRY(fs::read_file("/proc/cgroups"));
  const std::string mountinfo = CR_TRY(fs::read_file("/proc/self/mountinfo"));
  const std::string unified_mount = std::string(kCgroupRoot) + "/unified";
  std::vector<Hierarchy> v2;
  for (CgroupMount& mount : parse_cgroup_mounts(mountinfo, parse_proc_cgroups(cgroups))) {
    mount.hierarchy.own_cgroup = own_in(mount.hierarchy.key());
    if (!mount.v2) {
      layout.hierarchies.push_back(std::move(mount.hierarchy));
    } else if (layout.mode == Mode::kHybrid && mount.hierarchy.mount_point == unified_mount &&
               v2.empty()) {
      v2.push_back(std::move(mount.hierarchy));
    }
  }
  if (layout.hierarchies.empty()) {
    return fail_msg("no cgroup v1 hierarchy is mounted under {} ({} mode)", kCgroupRoot,
                    mode_name(layout.mode));
  }
  for (Hierarchy& h : v2) layout.hierarchies.push_back(std::move(h));
  return layout;
}

}  // namespace

// One command asks several times (create, then start's status checks, then delete in `run`):
// the mounts and our own cgroup do not change meanwhile, so the files are read once.
Result<Layout> detect_layout() {
  static std::optional<Layout> cached;
  if (!cached) cached = CR_TRY(read_layout());
  return *cached;
}

}  // namespace cruntime::cgroup
