// slice:prefix:name → the systemd unit and its cgroup, by systemd's unit-name and slice rules.
#include "cruntime/cgroup/systemd_path.hpp"

#include <algorithm>
#include <vector>

#include "cruntime/base/strings.hpp"

namespace cruntime::cgroup {
namespace {

constexpr std::string_view kSliceSuffix = ".slice";
// systemd's UNIT_NAME_MAX (unit-name.h) counts the NUL.
constexpr size_t kUnitNameMax = 255;

// The characters of a plain unit name (systemd's VALID_CHARS without '@', which only templates
// and their instances may use; ':' is the cgroupsPath separator and never reaches here).
bool valid_unit_chars(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '\\';
  });
}

Result<std::string> check_unit_name(std::string name) {
  if (name.size() > kUnitNameMax) return fail_msg("unit name \"{}\" is too long", name);
  if (!valid_unit_chars(name)) {
    return fail_msg(
        "\"{}\" is not a valid systemd unit name (letters, digits, '-', '_', '.', '\\')", name);
  }
  return name;
}

}  // namespace

Result<std::string> expand_slice(std::string_view slice) {
  if (slice.size() <= kSliceSuffix.size() || !slice.ends_with(kSliceSuffix) ||
      slice.find('/') != std::string_view::npos || !valid_unit_chars(slice)) {
    return fail_msg("invalid slice name \"{}\"", slice);
  }
  const std::string_view stem = slice.substr(0, slice.size() - kSliceSuffix.size());
  if (stem == "-") return std::string("/");
  std::string path;
  std::string prefix;
  for (const std::string& component : strings::split(stem, '-')) {
    if (component.empty()) return fail_msg("invalid slice name \"{}\"", slice);
    path += "/" + prefix + component + std::string(kSliceSuffix);
    prefix += component + "-";
  }
  return path;
}

Result<SystemdPlacement> systemd_placement(const std::optional<std::string>& cgroups_path,
                                           std::string_view id, std::string_view default_slice) {
  const std::string raw =
      cgroups_path && !cgroups_path->empty() ? *cgroups_path : ":cruntime:" + std::string(id);
  auto fail_field = [&raw](const Error& why) {
    return fail_msg("linux.cgroupsPath: \"{}\": {}", raw, why.to_string());
  };
  const std::vector<std::string> parts = strings::split(raw, ':');
  if (parts.size() != 3) {
    return fail_msg(
        "linux.cgroupsPath: \"{}\" must be \"slice:prefix:name\" with the systemd cgroup driver",
        raw);
  }
  const std::string& prefix = parts[1];
  const std::string& name = parts[2];
  if (name.empty()) return fail_msg("linux.cgroupsPath: \"{}\": the name part is empty", raw);

  SystemdPlacement out;
  out.slice = parts[0].empty() ? std::string(default_slice) : parts[0];
  auto slice_dir = expand_slice(out.slice);
  if (!slice_dir) return fail_field(slice_dir.error());
  // A name ending in .slice is a slice unit, whose place systemd derives from its own name.
  const bool slice_unit = name.ends_with(kSliceSuffix);
  auto unit = check_unit_name(slice_unit       ? name
                              : prefix.empty() ? name + ".scope"
                                               : prefix + "-" + name + ".scope");
  if (!unit) return fail_field(unit.error());
  out.unit = std::move(*unit);
  if (slice_unit) {
    auto own = expand_slice(out.unit);
    if (!own) return fail_field(own.error());
    if (*own == "/")
      return fail_msg("linux.cgroupsPath: \"{}\": the root slice is not a container", raw);
    out.cgroup = *own;
  } else {
    out.cgroup = (*slice_dir == "/" ? "" : *slice_dir) + "/" + out.unit;
  }
  return out;
}

}  // namespace cruntime::cgroup
