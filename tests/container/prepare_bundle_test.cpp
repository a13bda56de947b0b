// Unit tests for the checks create and exec make before touching the system: LSM labels.
#include <catch2/catch.hpp>

#include "cruntime/container/prepare_bundle.hpp"
#include "cruntime/security/lsm.hpp"

using cruntime::container::check_lsm_labels;
using cruntime::security::LsmSupport;

namespace {

cruntime::spec::Process with_labels(std::optional<std::string> profile,
                                    std::optional<std::string> label) {
  cruntime::spec::Process process;
  process.apparmor_profile = std::move(profile);
  process.selinux_label = std::move(label);
  return process;
}

}  // namespace

TEST_CASE("check_lsm_labels: an AppArmor profile needs AppArmor, \"unconfined\" too (runc)",
          "[container]") {
  auto refused = check_lsm_labels(with_labels("docker-default", {}), LsmSupport{false, true});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().to_string() ==
        "process.apparmorProfile: apparmor profile \"docker-default\" specified but AppArmor is "
        "not enabled on this system");
  CHECK_FALSE(check_lsm_labels(with_labels("unconfined", {}), LsmSupport{false, false}));
  CHECK(check_lsm_labels(with_labels("docker-default", {}), LsmSupport{true, false}));
  CHECK(check_lsm_labels(with_labels("unconfined", {}), LsmSupport{true, false}));
  // Unset or empty asks for nothing.
  CHECK(check_lsm_labels(with_labels({}, {}), LsmSupport{false, false}));
  CHECK(check_lsm_labels(with_labels("", ""), LsmSupport{false, false}));
}

TEST_CASE("check_lsm_labels: an SELinux label needs SELinux", "[container]") {
  const std::string label = "system_u:system_r:container_t:s0:c1,c2";
  auto refused = check_lsm_labels(with_labels({}, label), LsmSupport{true, false});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().to_string() ==
        "process.selinuxLabel: selinux label \"system_u:system_r:container_t:s0:c1,c2\" is "
        "specified in config, but selinux is disabled or not supported");
  CHECK(check_lsm_labels(with_labels({}, label), LsmSupport{false, true}));
  CHECK(check_lsm_labels(with_labels("p", label), LsmSupport{true, true}));
}
