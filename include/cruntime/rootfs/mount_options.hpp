// Pure: mount `options` → kernel mount flags, propagation, recursive attributes and data.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"

namespace cruntime::rootfs {

// One parsed `options` list (cli-contract §12.2, the mount(8) names runc knows).
struct MountOptions {
  unsigned long flags = 0;        // MS_* requested: ro, nosuid, ..., bind (+MS_REC), remount
  unsigned long clear_flags = 0;  // MS_* explicitly turned off: rw, suid, dev, exec, atime, ...
  std::vector<unsigned long> propagation;  // MS_SHARED/SLAVE/PRIVATE/UNBINDABLE [|MS_REC], in order
  uint64_t rec_attr_set = 0;  // MOUNT_ATTR_* for mount_setattr(AT_RECURSIVE): rro, rnosuid...
  uint64_t rec_attr_clr = 0;
  std::string data;        // every other option, comma-joined, for the filesystem
  bool is_bind = false;    // "bind", "rbind" or type "bind"
  bool is_rbind = false;   // "rbind": the whole subtree
  bool tmpcopyup = false;  // tmpfs seeded with the target directory's contents
  bool idmap = false;      // "idmap" or "ridmap": an id-mapped bind
  bool ridmap = false;     // "ridmap": id-mapped recursively

  bool has(unsigned long flag) const { return (flags & flag) != 0; }
  bool operator==(const MountOptions&) const = default;
};

// Per-mount attributes (MOUNT_ATTR_*) for fsmount(2) / mount_setattr(2). The atime setting is an
// enum inside MOUNT_ATTR__ATIME: whenever `set` carries one, `clr` carries MOUNT_ATTR__ATIME.
struct MountAttr {
  uint64_t set = 0;
  uint64_t clr = 0;
  bool operator==(const MountAttr&) const = default;
};

// Superblock options expressed as fsconfig(2) flag keys ("sync", "dirsync", "lazytime", "mand").
// MS_I_VERSION and MS_SILENT have no fsconfig key and are not passed to a new filesystem: the
// filesystem decides i_version itself, and with fsopen kernel messages go to the context anyway.
std::vector<std::string> superblock_flag_keys(unsigned long flags);

// Every option name parse_mount_options() accepts (for `features`' mountOptions), sorted.
std::vector<std::string> known_mount_options();

// Parse the options of one mount. `type` is the mount's type ("bind" makes a bind mount even
// without a "bind" option). Fails like runc when a bind mount carries filesystem data, which the
// kernel would silently ignore.
Result<MountOptions> parse_mount_options(std::span<const std::string> options,
                                         std::string_view type = {});

// The per-mount part of MS_* flags: what `set_flags` turns on and `clear_flags` turns off.
MountAttr mount_attr_of(unsigned long set_flags, unsigned long clear_flags);

// The propagation names ("shared", "rslave", ... → MS_* [| MS_REC]) are the table in
// spec/linux_names.hpp (spec::mount_propagation), shared with linux.rootfsPropagation.

// MS_* propagation flags → the value for mount_attr.propagation (the MS_REC bit removed).
uint64_t propagation_type(unsigned long flags);
// True when the propagation flags carry MS_REC (the r-forms).
bool propagation_recursive(unsigned long flags);

// linux.mountLabel as fsconfig(2) options for a new tmpfs, devpts or mqueue: {"context=<label>"}
// when SELinux is enabled and the label is set, else none. No quotes: fsconfig takes the value
// whole, commas in MLS ranges included (mount(2) data needs context="..." instead).
std::vector<std::string> mount_label_options(std::string_view label, bool selinux_enabled);

// Split filesystem data ("size=64m,mode=755,context=\"a,b\"") into its options, honouring
// double quotes the way the kernel's option parser does.
std::vector<std::string> split_mount_data(std::string_view data);

}  // namespace cruntime::rootfs
