// The systemd driver's linux.cgroupsPath, "slice:prefix:name" → the unit and its cgroup (pure).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cruntime/base/error.hpp"

namespace cruntime::cgroup {

// Where the systemd driver puts a container (runc's docs/systemd.md "systemd unit name and
// placement"). A scope "<prefix>-<name>.scope" in `slice`; a name ending in ".slice" asks for a
// slice unit of that name instead (kubelet's pod cgroups), which the init then joins by cgroupfs.
struct SystemdPlacement {
  std::string slice;  // the parent slice: "system.slice", "machine-ctr.slice", "-.slice"
  std::string unit;   // "cruntime-abc.scope", or "pod-abc.slice"
  std::string
      cgroup;  // below the v2 root, where systemd puts the unit: "/system.slice/cruntime-abc.scope"

  bool is_slice() const { return unit.ends_with(".slice"); }
  bool operator==(const SystemdPlacement&) const = default;
};

// systemd's slice nesting: "a-b.slice" is "/a.slice/a-b.slice", "-.slice" the root "/". A name
// without ".slice", with a '/', an empty dash component ("a--b.slice", "-a.slice") or a
// character a unit name cannot hold is an error.
Result<std::string> expand_slice(std::string_view slice);

// linux.cgroupsPath → the placement. Unset or empty works as ":cruntime:<id>". An empty slice is
// `default_slice` (system.slice; user.slice for a user's own systemd). An empty prefix gives
// "<name>.scope" (crun; runc would make "-<name>.scope"). Anything but three ':'-separated parts,
// an empty name, or a part with characters systemd refuses in unit names is an error naming
// linux.cgroupsPath.
Result<SystemdPlacement> systemd_placement(const std::optional<std::string>& cgroups_path,
                                           std::string_view id,
                                           std::string_view default_slice = "system.slice");

}  // namespace cruntime::cgroup
