// Table-driven translation of mount `options` into flags, propagation, recursive attrs and data.
#include "cruntime/rootfs/mount_options.hpp"

#include <sys/mount.h>

#include <algorithm>
#include <array>
#include <optional>

#include "cruntime/base/strings.hpp"
#include "cruntime/spec/linux_names.hpp"

namespace cruntime::rootfs {
namespace {

struct FlagOption {
  std::string_view name;
  bool clear;  // the option turns the flag off ("rw" clears MS_RDONLY)
  unsigned long flag;
};

// mount(8) flag names. "acl" is deliberately absent: it is filesystem data, not MS_POSIXACL
// (runc issue 3738). "defaults" is accepted and means nothing.
constexpr std::array<FlagOption, 33> kFlagOptions = {{
    {"async", true, MS_SYNCHRONOUS},
    {"atime", true, MS_NOATIME},
    {"bind", false, MS_BIND},
    {"defaults", false, 0},
    {"dev", true, MS_NODEV},
    {"diratime", true, MS_NODIRATIME},
    {"dirsync", false, MS_DIRSYNC},
    {"exec", true, MS_NOEXEC},
    {"iversion", false, MS_I_VERSION},
    {"lazytime", false, MS_LAZYTIME},
    {"loud", true, MS_SILENT},
    {"mand", false, MS_MANDLOCK},
    {"noatime", false, MS_NOATIME},
    {"nodev", false, MS_NODEV},
    {"nodiratime", false, MS_NODIRATIME},
    {"noexec", false, MS_NOEXEC},
    {"noiversion", true, MS_I_VERSION},
    {"nolazytime", true, MS_LAZYTIME},
    {"nomand", true, MS_MANDLOCK},
    {"norelatime", true, MS_RELATIME},
    {"nostrictatime", true, MS_STRICTATIME},
    {"nosuid", false, MS_NOSUID},
    {"nosymfollow", false, MS_NOSYMFOLLOW},
    {"rbind", false, MS_BIND | MS_REC},
    {"relatime", false, MS_RELATIME},
    {"remount", false, MS_REMOUNT},
    {"ro", false, MS_RDONLY},
    {"rw", true, MS_RDONLY},
    {"silent", false, MS_SILENT},
    {"strictatime", false, MS_STRICTATIME},
    {"suid", true, MS_NOSUID},
    {"sync", false, MS_SYNCHRONOUS},
    {"symfollow", true, MS_NOSYMFOLLOW},
}};

struct AttrOption {
  std::string_view name;
  bool clear;
  uint64_t attr;
};

// mount_setattr(2) attributes applied to the whole subtree (Linux 5.12+).
constexpr std::array<AttrOption, 18> kRecursiveOptions = {{
    {"rro", false, MOUNT_ATTR_RDONLY},
    {"rrw", true, MOUNT_ATTR_RDONLY},
    {"rnosuid", false, MOUNT_ATTR_NOSUID},
    {"rsuid", true, MOUNT_ATTR_NOSUID},
    {"rnodev", false, MOUNT_ATTR_NODEV},
    {"rdev", true, MOUNT_ATTR_NODEV},
    {"rnoexec", false, MOUNT_ATTR_NOEXEC},
    {"rexec", true, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", false, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", true, MOUNT_ATTR_NODIRATIME},
    {"rrelatime", false, MOUNT_ATTR_RELATIME},
    {"rnorelatime", true, MOUNT_ATTR_RELATIME},
    {"rnoatime", false, MOUNT_ATTR_NOATIME},
    {"ratime", true, MOUNT_ATTR_NOATIME},
    {"rstrictatime", false, MOUNT_ATTR_STRICTATIME},
    {"rnostrictatime", true, MOUNT_ATTR_STRICTATIME},
    {"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
}};

constexpr unsigned long kAtimeFlags = MS_NOATIME | MS_RELATIME | MS_STRICTATIME;

template <class Table>
auto find_option(const Table& table, std::string_view name) -> decltype(&table[0]) {
  for (const auto& entry : table) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

void apply_flag(MountOptions& out, const FlagOption& option) {
  if (option.clear) {
    out.flags &= ~option.flag;
    out.clear_flags |= option.flag;
    return;
  }
  // The atime settings are one choice, not three bits: the last one named wins.
  if ((option.flag & kAtimeFlags) != 0) out.flags &= ~kAtimeFlags;
  out.flags |= option.flag;
  out.clear_flags &= ~option.flag;
}

void apply_recursive(MountOptions& out, const AttrOption& option) {
  // mount_setattr(2): an atime choice is only applied when MOUNT_ATTR__ATIME is in attr_clr;
  // clearing one (ratime, rnorelatime, rnostrictatime) falls back to the default, relatime.
  const bool atime = (option.attr & MOUNT_ATTR__ATIME) == option.attr;
  if (atime) {
    out.rec_attr_set &= ~static_cast<uint64_t>(MOUNT_ATTR__ATIME);
    out.rec_attr_clr |= MOUNT_ATTR__ATIME;
    if (!option.clear) out.rec_attr_set |= option.attr;
    return;
  }
  if (option.clear) {
    out.rec_attr_set &= ~option.attr;
    out.rec_attr_clr |= option.attr;
  } else {
    out.rec_attr_set |= option.attr;
    out.rec_attr_clr &= ~option.attr;
  }
}

}  // namespace

std::vector<std::string> known_mount_options() {
  std::vector<std::string> out;
  for (const auto& entry : kFlagOptions) out.emplace_back(entry.name);
  for (const auto& entry : spec::mount_propagation_table()) out.emplace_back(entry.name);
  for (const auto& entry : kRecursiveOptions) out.emplace_back(entry.name);
  for (const char* extra : {"tmpcopyup", "idmap", "ridmap"}) out.emplace_back(extra);
  std::sort(out.begin(), out.end());
  return out;
}

Result<MountOptions> parse_mount_options(std::span<const std::string> options,
                                         std::string_view type) {
  MountOptions out;
  std::vector<std::string> data;
  for (const std::string& option : options) {
    if (const FlagOption* flag = find_option(kFlagOptions, option)) {
      apply_flag(out, *flag);
    } else if (std::optional<unsigned long> prop = spec::mount_propagation(option)) {
      out.propagation.push_back(*prop);
    } else if (const AttrOption* attr = find_option(kRecursiveOptions, option)) {
      apply_recursive(out, *attr);
    } else if (option == "tmpcopyup") {
      out.tmpcopyup = true;
    } else if (option == "idmap" || option == "ridmap") {
      out.idmap = true;
      out.ridmap = out.ridmap || option == "ridmap";
    } else if (!option.empty()) {
      data.push_back(option);
    }
  }
  out.data = strings::join(data, ",");
  out.is_bind = (out.flags & MS_BIND) != 0 || type == "bind";
  out.is_rbind = out.is_bind && (out.flags & MS_REC) != 0;
  if (out.is_bind) out.flags |= MS_BIND;
  // The kernel ignores data on a bind. runc 1.1 (and the runtime-tools `mounts` program) accept
  // it, newer runc refuses it; we accept it and mount.cpp warns that it is ignored.
  return out;
}

MountAttr mount_attr_of(unsigned long set_flags, unsigned long clear_flags) {
  struct Pair {
    unsigned long ms;
    uint64_t attr;
  };
  static constexpr std::array<Pair, 6> kPairs = {{
      {MS_RDONLY, MOUNT_ATTR_RDONLY},
      {MS_NOSUID, MOUNT_ATTR_NOSUID},
      {MS_NODEV, MOUNT_ATTR_NODEV},
      {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
      {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME},
      {MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
  }};
  MountAttr out;
  for (const Pair& pair : kPairs) {
    if ((set_flags & pair.ms) != 0) out.set |= pair.attr;
    if ((clear_flags & pair.ms) != 0) out.clr |= pair.attr;
  }
  // MS_STRICTATIME beats MS_NOATIME beats MS_RELATIME, as in the kernel's mount(2).
  if ((set_flags & MS_STRICTATIME) != 0) {
    out.set |= MOUNT_ATTR_STRICTATIME;
  } else if ((set_flags & MS_NOATIME) != 0) {
    out.set |= MOUNT_ATTR_NOATIME;
  }
  if ((set_flags & kAtimeFlags) != 0 || (clear_flags & kAtimeFlags) != 0) {
    out.clr |= MOUNT_ATTR__ATIME;  // unset atime choice → relatime, mount(2)'s default
  }
  return out;
}

std::vector<std::string> superblock_flag_keys(unsigned long flags) {
  std::vector<std::string> keys;
  if ((flags & MS_SYNCHRONOUS) != 0) keys.emplace_back("sync");
  if ((flags & MS_DIRSYNC) != 0) keys.emplace_back("dirsync");
  if ((flags & MS_LAZYTIME) != 0) keys.emplace_back("lazytime");
  if ((flags & MS_MANDLOCK) != 0) keys.emplace_back("mand");
  return keys;
}

uint64_t propagation_type(unsigned long flags) {
  return flags & ~static_cast<unsigned long>(MS_REC);
}

bool propagation_recursive(unsigned long flags) { return (flags & MS_REC) != 0; }

std::vector<std::string> mount_label_options(std::string_view label, bool selinux_enabled) {
  if (!selinux_enabled || label.empty()) return {};
  return {"context=" + std::string(label)};
}

std::vector<std::string> split_mount_data(std::string_view data) {
  std::vector<std::string> out;
  std::string current;
  bool quoted = false;
  for (char c : data) {
    if (c == '"') quoted = !quoted;
    if (c == ',' && !quoted) {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
      continue;
    }
    current += c;
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

}  // namespace cruntime::rootfs
