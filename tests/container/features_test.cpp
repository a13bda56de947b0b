// Unit tests for container::features(): versions, build annotations, and no unearned claims.
#include <seccomp.h>

#include <catch2/catch.hpp>

#include "cruntime/base/build_info.hpp"
#include "cruntime/container/operations.hpp"
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
TEST_CASE("features: nothing is claimed before containers can run", "[container]") {
  cruntime::spec::Features features = container::features();
  CHECK_FALSE(features.hooks);
  CHECK_FALSE(features.mount_options);
  CHECK_FALSE(features.linux_features);
  CHECK_FALSE(features.potentially_unsafe_config_annotations);
}

TEST_CASE("features: the document round-trips through JSON", "[container]") {
  cruntime::spec::Features features = container::features();
  auto parsed = cruntime::spec::parse_features(cruntime::spec::dump_features(features));
  REQUIRE(parsed);
  CHECK(*parsed == features);
}
