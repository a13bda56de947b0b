// Shared by the validate*_test.cpp files: a valid base config.json, JSON merge patches applied to
// it, and the table runner that checks a patched config yields exactly one expected problem.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cruntime/spec/io.hpp"
#include "cruntime/spec/validate.hpp"

namespace cruntime::test {

// Valid as it is: validate() finds nothing in it.
inline constexpr std::string_view kBaseConfig = R"({
  "ociVersion": "1.2.0",
  "root": {"path": "rootfs"},
  "process": {"cwd": "/", "user": {"uid": 0, "gid": 0}, "args": ["sh"], "env": ["PATH=/bin"]},
  "hostname": "box",
  "linux": {"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"},
                           {"type": "uts"}, {"type": "mount"}]}
})";

// The base namespaces plus a new user namespace, and mappings for it (a JSON fragment).
inline constexpr std::string_view kWithUserNs =
    R"("namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"},
                      {"type": "mount"}, {"type": "user"}],
       "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
       "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}])";

// kBaseConfig with an RFC 7396 merge patch applied (null deletes a member, arrays are replaced),
// parsed by the real JSON layer.
inline cruntime::spec::Config patched_config(std::string_view patch) {
  nlohmann::json doc = nlohmann::json::parse(kBaseConfig);
  doc.merge_patch(nlohmann::json::parse(patch));
  auto config = cruntime::spec::parse_config(doc.dump());
  INFO((config ? std::string() : config.error().to_string()));
  REQUIRE(config);
  return *config;
}

inline std::vector<cruntime::spec::Problem> problems_of(std::string_view patch) {
  return cruntime::spec::validate(patched_config(patch));
}

struct BadCase {
  std::string patch;    // merge patch for kBaseConfig
  std::string path;     // the one expected problem
  std::string message;
};

// Every case must produce exactly its one problem: the path and the message, verbatim.
inline void check_bad_cases(const std::vector<BadCase>& cases) {
  for (const BadCase& c : cases) {
    INFO("patch: " << c.patch);
    const std::vector<cruntime::spec::Problem> expected = {{c.path, c.message}};
    CHECK(problems_of(c.patch) == expected);
  }
}

}  // namespace cruntime::test

namespace Catch {
template <>
struct StringMaker<cruntime::spec::Problem> {
  static std::string convert(const cruntime::spec::Problem& p) {
    return "{" + p.path + ": " + p.message + "}";
  }
};
}  // namespace Catch
