// The conversions between cgroup v1 and v2 values and the checks both translations of
// linux.resources use (the translations: resources_v1.cpp, resources_v2.cpp). Pure.
#include "cruntime/cgroup/resources.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cruntime/base/float_math.hpp"
#include "cruntime/base/strings.hpp"

namespace cruntime::cgroup {
namespace {

std::string device_number(const std::optional<int64_t>& number) {
  return number && *number >= 0 ? std::to_string(*number) : "*";
}

}  // namespace

uint64_t cpu_shares_to_weight(uint64_t shares) {
  constexpr uint64_t kMinShares = 2;
  constexpr uint64_t kMaxShares = 262144;
  constexpr uint64_t kMaxWeight = 10000;
  if (shares == 0) return 0;
  if (shares <= kMinShares) return 1;
  if (shares >= kMaxShares) return kMaxWeight;
  // A quadratic in log2(shares) through (2, 1), (1024, 100) and (262144, 10000): the default
  // share maps to the default weight, which the old linear formula did not (runc PR 4785).
  const double l = math::log2_of(shares);
  const double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
  return math::ceil_to_u64(math::pow10_of(exponent));
}

uint64_t blkio_weight_to_io_weight(uint64_t weight) {
  constexpr uint64_t kMinBlkioWeight = 10;
  constexpr uint64_t kMaxBlkioWeight = 1000;
  if (weight == 0) return 0;
  // Out-of-range weights are clamped (validate rejects them; never wrap around below 10).
  weight = std::clamp(weight, kMinBlkioWeight, kMaxBlkioWeight);
  return 1 + (weight - kMinBlkioWeight) * 9999 / (kMaxBlkioWeight - kMinBlkioWeight);
}

Result<int64_t> memory_swap_to_v2(int64_t swap, int64_t limit) {
  if (limit == -1 && swap == 0) return -1;  // "unlimited memory" lifts swap as well (v1 compat)
  if (swap == -1 || swap == 0) return swap;
  if (limit == -1) return swap;
  if (limit == 0) return fail_msg("a swap limit needs memory.limit as well (swap is memory+swap)");
  if (limit < 0) return fail_msg("invalid memory.limit {}", limit);
  if (swap < limit) {
    return fail_msg("memory+swap limit {} is below memory.limit {}", swap, limit);
  }
  return swap - limit;
}

bool valid_hugepage_size(std::string_view size) {
  if (size.size() < 3 || !size.ends_with('B')) return false;
  const char unit = size[size.size() - 2];
  if (unit != 'K' && unit != 'M' && unit != 'G' && unit != 'T') return false;
  const std::string_view digits = size.substr(0, size.size() - 2);
  if (digits.front() == '0') return false;
  return digits.find_first_not_of("0123456789") == std::string_view::npos;
}

Result<std::string> unified_key_controller(std::string_view key) {
  if (key.find('/') != std::string_view::npos || key.find('\0') != std::string_view::npos) {
    return fail_msg("\"{}\" must be a file name, not a path", key);
  }
  const size_t dot = key.find('.');
  if (key == "." || key == ".." || dot == std::string_view::npos || dot == 0 ||
      dot + 1 == key.size()) {
    return fail_msg("\"{}\" must be a cgroup file name like \"memory.max\"", key);
  }
  return std::string(key.substr(0, dot));
}

std::string v1_device_rule(const spec::DeviceCgroupRule& rule) {
  return fmt::format("{} {}:{} {}", rule.type.value_or("a"), device_number(rule.major),
                     device_number(rule.minor), rule.access.value_or("rwm"));
}

const std::vector<spec::DeviceCgroupRule>& default_device_rules() {
  auto allow = [](const char* type, std::optional<int64_t> major, std::optional<int64_t> minor,
                  const char* access) {
    return spec::DeviceCgroupRule{true, type, major, minor, access};
  };
  // mknod of any node (not access), then null, random, full, tty, zero, urandom, the pts
  // slaves, ptmx and /dev/net/tun (runc's AllowedDevices).
  static const std::vector<spec::DeviceCgroupRule> rules = {
      allow("c", std::nullopt, std::nullopt, "m"),
      allow("b", std::nullopt, std::nullopt, "m"),
      allow("c", 1, 3, "rwm"),
      allow("c", 1, 8, "rwm"),
      allow("c", 1, 7, "rwm"),
      allow("c", 5, 0, "rwm"),
      allow("c", 1, 5, "rwm"),
      allow("c", 1, 9, "rwm"),
      allow("c", 136, std::nullopt, "rwm"),
      allow("c", 5, 2, "rwm"),
      allow("c", 10, 200, "rwm")};
  return rules;
}

}  // namespace cruntime::cgroup
