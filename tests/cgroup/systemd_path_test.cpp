// systemd_placement / expand_slice: "slice:prefix:name" → unit, slice and cgroup, and the errors.
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "cruntime/cgroup/systemd_path.hpp"

namespace cruntime::cgroup {
namespace {

SystemdPlacement placed(std::optional<std::string> path, const std::string& id = "abc",
                        std::string_view default_slice = "system.slice") {
  auto placement = systemd_placement(path, id, default_slice);
  INFO((placement ? std::string() : placement.error().to_string()));
  REQUIRE(placement);
  return *placement;
}

std::string error_of(const std::string& path) {
  auto placement = systemd_placement(path, "abc");
  REQUIRE_FALSE(placement);
  return placement.error().to_string();
}

TEST_CASE("expand_slice: dashes nest as systemd nests slices", "[cgroup]") {
  CHECK(*expand_slice("system.slice") == "/system.slice");
  CHECK(*expand_slice("a-b.slice") == "/a.slice/a-b.slice");
  CHECK(*expand_slice("test-a-b.slice") == "/test.slice/test-a.slice/test-a-b.slice");
  CHECK(*expand_slice("-.slice") == "/");
  CHECK(*expand_slice("user-1000.slice") == "/user.slice/user-1000.slice");
  for (const char* bad : {"", ".slice", "system", "a.scope", "a--b.slice", "-a.slice", "a-.slice",
                          "user.slice/user-1000.slice", "a b.slice", "a@b.slice"}) {
    INFO(bad);
    auto expanded = expand_slice(bad);
    REQUIRE_FALSE(expanded);
    CHECK_THAT(expanded.error().to_string(), Catch::StartsWith("invalid slice name"));
  }
}

TEST_CASE("systemd_placement: slice:prefix:name → prefix-name.scope in the slice", "[cgroup]") {
  SECTION("the clients' forms") {
    CHECK(placed("system.slice:docker:1234") ==
          SystemdPlacement{"system.slice", "docker-1234.scope", "/system.slice/docker-1234.scope"});
    CHECK(placed("machine.slice:libpod:f00") ==
          SystemdPlacement{"machine.slice", "libpod-f00.scope", "/machine.slice/libpod-f00.scope"});
    const SystemdPlacement pod = placed("kubepods-besteffort-pod1.slice:cri-containerd:c1");
    CHECK(pod.unit == "cri-containerd-c1.scope");
    CHECK(pod.cgroup ==
          "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/"
          "cri-containerd-c1.scope");
    CHECK_FALSE(pod.is_slice());
  }
  SECTION("unset or empty: :cruntime:<id> in the default slice") {
    CHECK(placed(std::nullopt, "web") == SystemdPlacement{"system.slice", "cruntime-web.scope",
                                                          "/system.slice/cruntime-web.scope"});
    CHECK(placed("", "web").unit == "cruntime-web.scope");
    CHECK(placed(std::nullopt, "web", "user.slice").cgroup == "/user.slice/cruntime-web.scope");
    CHECK(placed("::x").slice == "system.slice");
  }
  SECTION("an empty prefix names the scope after the name alone (crun)") {
    CHECK(placed("system.slice::x").unit == "x.scope");
  }
  SECTION("the root slice") { CHECK(placed("-.slice:p:n").cgroup == "/p-n.scope"); }
  SECTION("a name ending in .slice is a slice unit where its own name puts it") {
    const SystemdPlacement slice = placed("kubepods.slice:ignored:kubepods-burstable.slice");
    CHECK(slice.is_slice());
    CHECK(slice.unit == "kubepods-burstable.slice");
    CHECK(slice.slice == "kubepods.slice");
    CHECK(slice.cgroup == "/kubepods.slice/kubepods-burstable.slice");
  }
}

TEST_CASE("systemd_placement: anything else is one error naming linux.cgroupsPath", "[cgroup]") {
  CHECK(error_of("/sys/fs/cgroup/abc") ==
        "linux.cgroupsPath: \"/sys/fs/cgroup/abc\" must be \"slice:prefix:name\" with the systemd "
        "cgroup driver");
  CHECK_THAT(error_of("a:b"), Catch::Contains("must be \"slice:prefix:name\""));
  CHECK_THAT(error_of("a.slice:b:c:d"), Catch::Contains("must be \"slice:prefix:name\""));
  CHECK(error_of("system.slice:p:") ==
        "linux.cgroupsPath: \"system.slice:p:\": the name part is empty");
  CHECK(error_of("system:p:n") ==
        "linux.cgroupsPath: \"system:p:n\": invalid slice name \"system\"");
  CHECK(error_of("a--b.slice:p:n") ==
        "linux.cgroupsPath: \"a--b.slice:p:n\": invalid slice name \"a--b.slice\"");
  CHECK_THAT(error_of("system.slice:p:a/b"),
             Catch::StartsWith("linux.cgroupsPath: \"system.slice:p:a/b\": \"p-a/b.scope\" is not "
                               "a valid systemd unit name"));
  CHECK_THAT(error_of("system.slice:p q:n"), Catch::Contains("is not a valid systemd unit name"));
  CHECK_THAT(error_of("system.slice:p:" + std::string(260, 'x')), Catch::Contains("too long"));
  CHECK_THAT(error_of("system.slice:p:a--b.slice"), Catch::Contains("invalid slice name"));
  CHECK_THAT(error_of("system.slice:p:-.slice"), Catch::Contains("the root slice"));
}

}  // namespace
}  // namespace cruntime::cgroup
