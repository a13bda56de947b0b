// Unit tests for container::features(): versions, build annotations, and no unearned claims.
#include <seccomp.h>

#include <algorithm>

#include <catch2/catch.hpp>

#include "cruntime/base/build_info.hpp"
#include "cruntime/container/operations.hpp"
#include "cruntime/security/lsm.hpp"
#include "cruntime/spec/io.hpp"
#include "cruntime/spec/version.hpp"

namespace container = cruntime::container;

TEST_CASE("features: supported ociVersion range", "[container]") {
  cruntime::spec::Features features = container::features();
  CHECK(features.oci_version_min == "1.0.0");
  CHECK(features.oci_version_max == cruntime::spec::kOciVersion);
  CHECK(cruntime::spec::is_supported_oci_version(features.oci_version_min));
  CHECK(cruntime::spec::is_supported_oci_version(features.oci_version_max));
}

TEST_CASE("features: annotations carry version, commit and the runtime libseccomp", "[container]") {
  auto annotations = container::features().annotations;
  CHECK(annotations.at("io.github.cruntime.version") == cruntime::build::kVersion);
  CHECK(annotations.at("io.github.cruntime.commit") == cruntime::build::kCommit);
  const scmp_version* v = seccomp_version();
  REQUIRE(v != nullptr);
  CHECK(annotations.at("io.github.cruntime.libseccomp.version") ==
        fmt::format("{}.{}.{}", v->major, v->minor, v->micro));
  CHECK(annotations.count("org.opencontainers.runc.checkpoint.enabled") == 0);
}

// When a feature lands, it adds itself to features.cpp and updates this test in the same change.
TEST_CASE("features: claims what the lifecycle really does, and nothing more", "[container]") {
  cruntime::spec::Features features = container::features();
  REQUIRE(features.hooks);
  CHECK(*features.hooks == std::vector<std::string>{"prestart", "createRuntime", "createContainer",
                                                    "startContainer", "poststart", "poststop"});
  REQUIRE(features.linux_features);
  const auto& linux_features = *features.linux_features;
  REQUIRE(linux_features.namespaces);
  CHECK(linux_features.namespaces->size() == 8);
  REQUIRE(linux_features.capabilities);
  CHECK(std::count(linux_features.capabilities->begin(), linux_features.capabilities->end(),
                   "CAP_SYS_ADMIN") == 1);
  REQUIRE(linux_features.seccomp);
  CHECK(linux_features.seccomp->enabled == true);
  // Only flags this libseccomp can set are "supported".
  for (const auto& flag : *linux_features.seccomp->supported_flags) {
    CHECK(std::count(linux_features.seccomp->known_flags->begin(),
                     linux_features.seccomp->known_flags->end(), flag) == 1);
  }
  // As the host has them (this test's host decides the values).
  REQUIRE(linux_features.apparmor);
  REQUIRE(linux_features.selinux);
  CHECK(linux_features.apparmor->enabled == cruntime::security::apparmor_enabled());
  CHECK(linux_features.selinux->enabled == cruntime::security::selinux_enabled());
  // Both cgroupfs managers and the systemd driver, also through a user's systemd.
  REQUIRE(linux_features.cgroup);
  CHECK(linux_features.cgroup->v1 == true);
  CHECK(linux_features.cgroup->v2 == true);
  CHECK(linux_features.cgroup->systemd == true);
  CHECK(linux_features.cgroup->systemd_user == true);
  REQUIRE(linux_features.mount_extensions);
  CHECK(linux_features.mount_extensions->idmap->enabled == true);
  REQUIRE(features.mount_options);
  for (const char* option : {"rro", "rbind", "ro", "nosuid", "idmap", "ridmap", "rprivate"}) {
    CHECK(std::count(features.mount_options->begin(), features.mount_options->end(), option) == 1);
  }
  // intelRdt with schemata[] and enableMonitoring (cgroup/resctrl.cpp).
  REQUIRE(linux_features.intel_rdt);
  CHECK(*linux_features.intel_rdt == cruntime::spec::IntelRdtFeatures{true, true, true});
  // The systemd driver's unit properties; not runc's bundle or org.criu.config (no checkpoint).
  CHECK(features.potentially_unsafe_config_annotations ==
        std::vector<std::string>{"org.systemd.property."});
}

TEST_CASE("features: the document round-trips through JSON", "[container]") {
  cruntime::spec::Features features = container::features();
  auto parsed = cruntime::spec::parse_features(cruntime::spec::dump_features(features));
  REQUIRE(parsed);
  CHECK(*parsed == features);
}
