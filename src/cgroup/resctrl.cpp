// linux.intelRdt: make or join the resctrl group, write its schemata, add
// tasks, remove it.
#include "cruntime/cgroup/resctrl.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/log.hpp"
#include "cruntime/base/strings.hpp"

namespace cruntime::cgroup {
namespace {

constexpr long kResctrlMagic = 0x7655821;  // RDTGROUP_SUPER_MAGIC, include/uapi/linux/magic.h

bool is_dir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// The kernel's explanation of the last failed resctrl operation ("Invalid CBM
// ..."); "" when there is none or it says "ok".
std::string last_cmd_status(const std::string& root) {
  auto text = fs::read_file(root + "/info/last_cmd_status", 4096);
  if (!text) return "";
  std::string status(strings::trim(*text));
  return status == "ok" ? "" : status;
}

// One write(2) of `text` to an existing resctrl file (no O_CREAT: a missing
// file is an error).
Result<void> write_file(const std::string& root, const std::string& path, std::string_view text) {
  auto written = [&]() -> Result<void> {
    UniqueFd fd = CR_TRY(fs::open(path, O_WRONLY | O_TRUNC | O_CLOEXEC));
    return fs::write_all(fd.get(), text);
  }();
  if (written) return {};
  const std::string status = last_cmd_status(root);
  Error error = std::move(written).error();
  if (!status.empty())
    error = std::move(error).with_context(fmt::format("last_cmd_status \"{}\"", status));
  return fail(std::move(error).with_context(fmt::format("write {}", path)));
}

Result<void> make_dir(const std::string& root, const std::string& dir,
                      const cgfs::DirHooks& hooks) {
  if (::mkdir(dir.c_str(), 0755) != 0) {
    const int err = errno;
    const std::string status = last_cmd_status(root);
    return fail(Error::sys(err, status.empty() ? fmt::format("mkdir {}", dir)
                                               : fmt::format("mkdir {} ({})", dir, status)));
  }
  if (hooks.after_mkdir) hooks.after_mkdir(dir);
  return {};
}

Result<void> remove_dir(const std::string& dir, const cgfs::DirHooks& hooks) {
  if (hooks.before_rmdir && is_dir(dir)) hooks.before_rmdir(dir);
  // resctrl lets a group with tasks go: the kernel moves them to the parent
  // group.
  if (::rmdir(dir.c_str()) != 0 && errno != ENOENT) {
    return fail(Error::sys(errno, fmt::format("rmdir {}", dir)));
  }
  return {};
}

// Join an existing group: it stays as it is, so what the config asks must
// already be there.
Result<void> join_existing(const std::string& group_dir, const spec::IntelRdt& rdt,
                           const std::vector<std::string>& lines, std::string_view id) {
  if (!rdt.clos_id || rdt.clos_id->empty()) {
    return fail_msg(
        "resctrl group {} exists already, but without closID "
        "container {} must get "
        "a group of its own",
        group_dir, id);
  }
  if (lines.empty()) return {};
  const std::string existing = CR_TRY(fs::read_file(group_dir + "/schemata"));
  CR_TRY_CTX(check_schemata_match(existing, lines),
             "closID \"{}\" exists with other schemata than the config's", *rdt.clos_id);
  return {};
}

// Make the group (the closID's, or the container's) and write its schemata.
Result<void> make_group(const std::string& root, const ResctrlGroup& group,
                        const spec::IntelRdt& rdt, const std::vector<std::string>& lines,
                        const cgfs::DirHooks& hooks) {
  if (rdt.clos_id && !rdt.clos_id->empty() && lines.empty()) {
    return fail_msg(
        "closID: resctrl group {} does not exist (without schemata "
        "in the config it "
        "must have been made beforehand)",
        group.group_dir);
  }
  CR_TRY(make_dir(root, group.group_dir, hooks));
  if (lines.empty()) return {};
  // One write: the kernel applies the lines in order (the spec's order), or
  // none of them.
  if (auto written =
          write_file(root, group.group_dir + "/schemata", strings::join(lines, "\n") + "\n");
      !written) {
    if (auto removed = remove_dir(group.group_dir, hooks); !removed) {
      log::warn("cleanup: {}", removed.error().to_string());
    }
    return fail(std::move(written).error());
  }
  return {};
}

}  // namespace

Result<void> check_resctrl_mounted(const std::string& root) {
  struct statfs st {};
  if (::statfs(root.c_str(), &st) != 0 || st.f_type != kResctrlMagic) {
    return fail_msg(
        "resctrl is not mounted at {} (this host has no Intel RDT "
        "or AMD QoS, or it "
        "is not mounted)",
        root);
  }
  return {};
}

Result<ResctrlGroup> prepare_resctrl(const std::string& root, const spec::IntelRdt& rdt,
                                     std::string_view id, const cgfs::DirHooks& hooks) {
  const std::string clos = rdt.clos_id.value_or("");
  ResctrlGroup group;
  group.root = root;
  // closID "/" is the default group, the root itself.
  group.group_dir = clos == "/" ? root : fmt::format("{}/{}", root, clos.empty() ? id : clos);
  const std::vector<std::string> lines = resctrl_schemata_lines(rdt);
  if (is_dir(group.group_dir)) {
    CR_TRY(join_existing(group.group_dir, rdt, lines, id));
  } else {
    CR_TRY(make_group(root, group, rdt, lines, hooks));
    group.made_group = true;
    group.remove_group = clos.empty();
  }
  if (!rdt.enable_monitoring.value_or(false)) return group;
  group.mon_dir = fmt::format("{}/mon_groups/{}", group.group_dir, id);
  auto made =
      is_dir(group.mon_dir)
          ? Result<void>(fail_msg("enableMonitoring: MON group {} exists already", group.mon_dir))
          : make_dir(root, group.mon_dir, hooks);
  if (!made) {
    group.mon_dir.clear();
    if (auto removed = remove_resctrl(group, true, hooks); !removed) {
      log::warn("cleanup: {}", removed.error().to_string());
    }
    return fail(std::move(made).error());
  }
  group.remove_mon = true;
  return group;
}

Result<void> attach_resctrl(const ResctrlGroup& group, pid_t pid) {
  CR_TRY(write_file(group.root, group.group_dir + "/tasks", std::to_string(pid)));
  // A task joins a MON group only from its parent CTRL_MON group: after the
  // line above.
  if (!group.mon_dir.empty()) {
    CR_TRY(write_file(group.root, group.mon_dir + "/tasks", std::to_string(pid)));
  }
  return {};
}

Result<void> remove_resctrl(const ResctrlGroup& group, bool rollback, const cgfs::DirHooks& hooks) {
  if (group.remove_mon && !group.mon_dir.empty()) CR_TRY(remove_dir(group.mon_dir, hooks));
  if (group.remove_group || (rollback && group.made_group)) {
    CR_TRY(remove_dir(group.group_dir, hooks));
  }
  return {};
}

void store_resctrl(const ResctrlGroup& group, spec::StoredState& stored) {
  stored.resctrl_root = group.root;
  stored.resctrl_group = group.group_dir;
  stored.resctrl_mon_group = group.mon_dir;
  stored.resctrl_remove_group = group.remove_group;
  stored.resctrl_remove_mon = group.remove_mon;
}

ResctrlGroup stored_resctrl(const spec::StoredState& stored) {
  ResctrlGroup group;
  group.root = stored.resctrl_root;
  group.group_dir = stored.resctrl_group;
  group.mon_dir = stored.resctrl_mon_group;
  group.remove_group = stored.resctrl_remove_group;
  group.remove_mon = stored.resctrl_remove_mon;
  return group;
}

}  // namespace cruntime::cgroup
