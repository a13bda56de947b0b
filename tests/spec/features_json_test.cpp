// Unit tests for the features document: runc's 4-space layout, key order, parse and round trip.
#include <string>

#include <catch2/catch.hpp>

#include "cruntime/spec/features.hpp"
#include "cruntime/spec/io.hpp"
#include "support/golden.hpp"

namespace spec = cruntime::spec;
using cruntime::test::golden;

namespace {

spec::Features every_field() {
  spec::Features f;
  f.oci_version_min = "1.0.0";
  f.oci_version_max = "1.3.0";
  f.hooks = {{"prestart", "poststop"}};
  f.mount_options = {{"ro", "rro", "tmpcopyup"}};
  spec::LinuxFeatures l;
  l.namespaces = {{"pid", "time"}};
  l.capabilities = {{"CAP_KILL"}};
  l.cgroup = spec::CgroupFeatures{true, true, false, false, true};
  l.seccomp = spec::SeccompFeatures{true, {{"SCMP_ACT_ALLOW"}}, {{"SCMP_CMP_EQ"}}, {{"SCMP_ARCH_X86_64"}},
                                    {{"SECCOMP_FILTER_FLAG_LOG"}}, {{}}};
  l.apparmor = spec::EnabledFeature{false};
  l.selinux = spec::EnabledFeature{true};
  l.intel_rdt = spec::IntelRdtFeatures{true, true, false};
  l.memory_policy = spec::MemoryPolicyFeatures{{{"MPOL_BIND"}}, {{"MPOL_F_STATIC_NODES"}}};
  l.mount_extensions = spec::MountExtensionsFeatures{spec::EnabledFeature{true}};
  l.net_devices = spec::EnabledFeature{true};
  f.linux_features = l;
  f.annotations = {{"org.opencontainers.runc.version", "1.3.0"}};
  f.potentially_unsafe_config_annotations = {{"bundle", "org.systemd.property."}};
  return f;
}

}  // namespace

TEST_CASE("dump_features: 4-space indent, runc key order, empty annotations omitted", "[spec]") {
  spec::Features f;
  f.oci_version_min = "1.0.0";
  f.oci_version_max = "1.3.0";
  f.hooks = {{"prestart"}};
  f.linux_features = spec::LinuxFeatures{};
  f.linux_features->cgroup = spec::CgroupFeatures{std::nullopt, true, false, std::nullopt, std::nullopt};
  CHECK(spec::dump_features(f) == R"({
    "ociVersionMin": "1.0.0",
    "ociVersionMax": "1.3.0",
    "hooks": [
        "prestart"
    ],
    "linux": {
        "cgroup": {
            "v2": true,
            "systemd": false
        }
    }
})");
}

TEST_CASE("dump_features: every field round-trips", "[spec]") {
  spec::Features f = every_field();
  std::string text = spec::dump_features(f);
  auto back = spec::parse_features(text);
  REQUIRE(back);
  CHECK(*back == f);
  for (const char* key : {"\"systemdUser\"", "\"knownFlags\"", "\"supportedFlags\": []", "\"intelRdt\"",
                          "\"memoryPolicy\"", "\"mountExtensions\"", "\"idmap\"", "\"netDevices\"",
                          "\"potentiallyUnsafeConfigAnnotations\""}) {
    CHECK(text.find(key) != std::string::npos);
  }
}

TEST_CASE("parse_features: runc's output parses and prints back byte for byte", "[spec]") {
  const std::string text = golden("features-runc.json");
  auto f = spec::parse_features(text);
  REQUIRE(f);
  CHECK(f->oci_version_max == "1.2.1");
  CHECK(f->hooks->size() == 6);
  CHECK(f->linux_features->cgroup->systemd_user == true);
  CHECK(f->linux_features->seccomp->operators->size() == 7);
  CHECK(f->linux_features->mount_extensions->idmap->enabled == true);
  CHECK_FALSE(f->linux_features->memory_policy);
  CHECK(f->annotations.at("org.opencontainers.runc.checkpoint.enabled") == "true");
  CHECK(spec::dump_features(*f) == text);
}

TEST_CASE("parse_features: errors", "[spec]") {
  auto missing = spec::parse_features(R"({"ociVersionMin": "1.0.0"})");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().to_string() == "features: ociVersionMax: missing required field");
  auto wrong = spec::parse_features(
      R"({"ociVersionMin": "1.0.0", "ociVersionMax": "1.3.0", "linux": {"seccomp": {"enabled": 1}}})");
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().to_string() == "features: linux.seccomp.enabled: expected boolean, got number");
  auto minimal = spec::parse_features(R"({"ociVersionMin": "1.0.0", "ociVersionMax": "1.1.0", "future": 1})");
  REQUIRE(minimal);
  CHECK(minimal->annotations.empty());
  CHECK_FALSE(minimal->linux_features);
}
