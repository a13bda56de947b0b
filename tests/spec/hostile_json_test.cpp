// JSON a hostile image or caller may write (issue 13 §5): NUL bytes in strings, duplicate keys,
// nesting far past any real config. Each is one error naming the field, never a crash.
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cruntime/spec/io.hpp"

namespace spec = cruntime::spec;

namespace {

std::string error_of(std::string_view text) {
  auto r = spec::parse_config(text);
  return r ? std::string("<parsed>") : r.error().to_string();
}

// A valid config with `patch` merged in (RFC 7396), as JSON text.
std::string patched(std::string_view patch) {
  nlohmann::json doc = nlohmann::json::parse(R"({
    "ociVersion": "1.2.0", "root": {"path": "rootfs"},
    "process": {"cwd": "/", "user": {"uid": 0, "gid": 0}, "args": ["sh"]},
    "linux": {"namespaces": [{"type": "mount"}, {"type": "uts"}]}})");
  doc.merge_patch(nlohmann::json::parse(patch));
  return doc.dump();
}

}  // namespace

TEST_CASE("parse_config: a NUL byte in any string is refused, naming the field", "[spec]") {
  // Each of these reaches a syscall as a C string, which would end at the NUL: "root\0fs" would
  // use ./root, a hook "/bin/tr\0ue" would run /bin/tr.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"root": {"path": "root\u0000fs"}})",
       R"(root.path: must not contain a NUL byte, got "root\u0000fs")"},
      {R"({"process": {"cwd": "/tm\u0000p"}})",
       R"(process.cwd: must not contain a NUL byte, got "/tm\u0000p")"},
      {R"({"process": {"args": ["sh", "a\u0000b"]}})",
       R"(process.args[1]: must not contain a NUL byte, got "a\u0000b")"},
      {R"({"process": {"env": ["A=b\u0000c"]}})",
       R"(process.env[0]: must not contain a NUL byte, got "A=b\u0000c")"},
      {R"({"hostname": "a\u0000b"})", R"(hostname: must not contain a NUL byte, got "a\u0000b")"},
      {R"({"hooks": {"prestart": [{"path": "/bin/tr\u0000ue"}]}})",
       R"(hooks.prestart[0].path: must not contain a NUL byte, got "/bin/tr\u0000ue")"},
      {R"({"mounts": [{"destination": "/mnt", "source": "/tm\u0000p", "options": ["rbind"]}]})",
       R"(mounts[0].source: must not contain a NUL byte, got "/tm\u0000p")"},
      {R"({"mounts": [{"destination": "/mn\u0000t", "type": "tmpfs"}]})",
       R"(mounts[0].destination: must not contain a NUL byte, got "/mn\u0000t")"},
      {R"({"linux": {"cgroupsPath": "/a\u0000b"}})",
       R"(linux.cgroupsPath: must not contain a NUL byte, got "/a\u0000b")"},
      {R"({"linux": {"maskedPaths": ["/proc/k\u0000core"]}})",
       R"(linux.maskedPaths[0]: must not contain a NUL byte, got "/proc/k\u0000core")"},
      {R"({"linux": {"namespaces": [{"type": "network", "path": "/proc/1/ns/n\u0000et"}]}})",
       R"(linux.namespaces[0].path: must not contain a NUL byte, got "/proc/1/ns/n\u0000et")"},
      {R"({"linux": {"resources": {"unified": {"memory.max": "1\u00002"}}}})",
       R"(linux.resources.unified["memory.max"]: must not contain a NUL byte, got "1\u00002")"},
      {R"({"linux": {"sysctl": {"net.ipv4.ip_forward\u0000x": "1"}}})",
       R"(linux.sysctl: member name must not contain a NUL byte, got "net.ipv4.ip_forward\u0000x")"},
  };
  for (const auto& [patch, expected] : cases) {
    INFO(patch);
    CHECK(error_of(patched(patch)) == "config.json: " + expected);
  }
  // A long value is quoted cut short, so the message stays one readable line.
  const std::string long_value = std::string(1000, 'a') + std::string(1, '\0');
  nlohmann::json doc = nlohmann::json::parse(patched("{}"));
  doc["hostname"] = long_value;
  const std::string message = error_of(doc.dump());
  CHECK(message.size() < 300);
  CHECK(message.find("...") != std::string::npos);
}

TEST_CASE("parse_config: annotations may hold NUL bytes (opaque data, as runc keeps them)",
          "[spec]") {
  auto config = spec::parse_config(patched(R"({"annotations": {"a\u0000k": "v\u0000w"}})"));
  REQUIRE(config);
  CHECK(config->annotations->at(std::string("a\0k", 3)) == std::string("v\0w", 3));
  // ... and they survive state.json, which carries them to `state` and to hooks.
  spec::StoredState stored;
  stored.oci_version = "1.3.0";
  stored.id = "ct";
  stored.init_pid = 1;
  stored.init_start_time = 2;
  stored.bundle = "/b";
  stored.created = "2025-01-02T03:04:05Z";
  stored.annotations = *config->annotations;
  auto back = spec::parse_stored_state(spec::dump_stored_state(stored));
  REQUIRE(back);
  CHECK(back->annotations == stored.annotations);
}

TEST_CASE("parse_config: duplicate keys are refused with their path (no parser differences)",
          "[spec]") {
  // Go (runc) would take the last hostname, but merge the two process objects: a checker in Go
  // and this parser would disagree on the user. Refusing duplicates leaves nothing to disagree on.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"ociVersion": "1.0.0", "hostname": "a", "hostname": "b"})", "hostname"},
      {R"({"ociVersion": "1.0.0", "hostname": "a", "hostname": "a"})", "hostname"},
      {R"({"ociVersion": "1.0.0", "process": {"cwd": "/", "user": {"uid": 1000, "gid": 1000}},
           "process": {"cwd": "/", "args": ["sh"]}})",
       "process"},
      {R"({"ociVersion": "1.0.0", "process": {"cwd": "/", "user": {"uid": 1, "gid": 1, "uid": 0}}})",
       "process.user.uid"},
      {R"({"ociVersion": "1.0.0", "mounts": [{"destination": "/a"},
           {"destination": "/b", "options": [], "destination": "/c"}]})",
       "mounts[1].destination"},
      {R"({"ociVersion": "1.0.0", "linux": {"sysctl": {"kernel.shmmax": "1", "kernel.shmmax": "2"}}})",
       R"(linux.sysctl["kernel.shmmax"])"},
      {R"({"ociVersion": "1.0.0", "annotations": {"k": "1", "k": "2"}})", "annotations.k"},
      {R"({"ociVersion": "1.0.0", "x": [[{"a": 1}], [{}, {"a": 1, "a": 2}]]})", "x[1][1].a"},
  };
  for (const auto& [text, path] : cases) {
    INFO(text);
    CHECK(error_of(text) ==
          "config.json: " + path + ": duplicate key (each key may appear once per object)");
  }
  // The same key in different objects is fine.
  CHECK(error_of(R"({"ociVersion": "1.0.0", "root": {"path": "a"},
                     "mounts": [{"destination": "/a"}, {"destination": "/b"}]})") == "<parsed>");
  // exec -p and update -r parse through the same door.
  auto process = spec::parse_process(R"({"cwd": "/", "cwd": "/tmp"})", "p.json");
  REQUIRE_FALSE(process);
  CHECK(process.error().to_string() ==
        "p.json: cwd: duplicate key (each key may appear once per object)");
  auto resources = spec::parse_resources(R"({"pids": {"limit": 1, "limit": -1}})", "r.json");
  REQUIRE_FALSE(resources);
  CHECK(resources.error().to_string() ==
        "r.json: pids.limit: duplicate key (each key may appear once per object)");
}

TEST_CASE("parse_config: 100,000-deep nesting is one error, for every document kind", "[spec]") {
  const std::string arrays = std::string(100000, '[') + std::string(100000, ']');
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += R"({"a":)";
  objects += "1" + std::string(100000, '}');
  const std::string inside = R"({"ociVersion": "1.0.0", "annotations": )" + objects + "}";
  const std::string depth_error = "nesting deeper than 64 levels";
  for (const std::string* text : std::vector<const std::string*>{&arrays, &objects, &inside}) {
    const std::string message = error_of(*text);
    INFO(message);
    CHECK(message.rfind("config.json: invalid JSON at line 1, column ", 0) == 0);
    CHECK(message.find(depth_error) != std::string::npos);
    auto process = spec::parse_process(*text, "p.json");
    REQUIRE_FALSE(process);
    CHECK(process.error().to_string().find(depth_error) != std::string::npos);
    auto resources = spec::parse_resources(*text, "r.json");
    REQUIRE_FALSE(resources);
    CHECK(resources.error().to_string().find(depth_error) != std::string::npos);
    auto stored = spec::parse_stored_state(*text);
    REQUIRE_FALSE(stored);
    CHECK(stored.error().to_string().find(depth_error) != std::string::npos);
  }
}
