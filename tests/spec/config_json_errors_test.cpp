// Unit tests for parse_config's error texts: syntax, top-level type, wrong types, missing fields, ranges.
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "cruntime/spec/io.hpp"
#include "cruntime/spec/validate.hpp"

namespace spec = cruntime::spec;

namespace {

// A valid config with `patch` spliced in as the last members of the named object; a "user" or
// "namespaces" member in the patch replaces the default one (duplicate keys are an error).
std::string config_with(std::string_view process_extra, std::string_view linux_extra = "",
                        std::string_view top_extra = "") {
  const auto has = [](std::string_view text, std::string_view key) {
    return text.find(key) != std::string_view::npos;
  };
  std::string text = R"({"ociVersion": "1.0.0", "root": {"path": "rootfs"},)";
  text += R"("process": {"cwd": "/")";
  if (!has(process_extra, R"("user":)")) text += R"(, "user": {"uid": 0, "gid": 0})";
  if (!process_extra.empty()) text += std::string(", ") + std::string(process_extra);
  text += "}, \"linux\": {";
  if (!has(linux_extra, R"("namespaces":)")) text += R"("namespaces": [{"type": "pid"}])";
  if (!linux_extra.empty()) {
    if (!has(linux_extra, R"("namespaces":)")) text += ", ";
    text += std::string(linux_extra);
  }
  text += "}";
  if (!top_extra.empty()) text += std::string(", ") + std::string(top_extra);
  return text + "}";
}

std::string error_of(std::string_view text) {
  auto r = spec::parse_config(text);
  if (r) return "<parsed>";
  return r.error().to_string();
}

using Case = std::pair<std::string, std::string>;  // config text, expected error

void check_cases(const std::vector<Case>& cases) {
  for (const auto& [text, expected] : cases) {
    INFO(text);
    CHECK(error_of(text) == expected);
  }
}

}  // namespace

TEST_CASE("parse_config: the helper config is valid", "[spec]") {
  CHECK(error_of(config_with("")) == "<parsed>");
}

TEST_CASE("parse_config: empty, invalid and truncated JSON", "[spec]") {
  check_cases({
      {"", "config.json: empty document"},
      {" \n\t\r\n", "config.json: empty document"},
      {R"({"ociVersion": "1.0.0",)",
       "config.json: invalid JSON at line 1, column 24: syntax error while parsing object key - "
       "unexpected end of input; expected string literal"},
      {"{\n  \"ociVersion\": \"1.0.0\",\n  \"hostname\": x\n}",
       "config.json: invalid JSON at line 3, column 15: syntax error while parsing value - "
       "invalid literal; last read: '\"hostname\": x'"},
      {R"({"ociVersion": "1.0.0"} trailing)",
       "config.json: invalid JSON at line 1, column 27: syntax error while parsing value - "
       "invalid literal; last read: '\"1.0.0\"} tra'; expected end of input"},
      {"{\"ociVersion\": \"1.0\xff\"}",
       "config.json: invalid JSON at line 1, column 20: syntax error while parsing value - invalid "
       "string: ill-formed UTF-8 byte; last read: '\"1.0?'"},
  });
  // Every prefix of a real config is an error, never a crash or an exception.
  std::string full = config_with(R"("args": ["a", "b"], "env": ["X=1"])");
  for (size_t n = 0; n < full.size(); ++n) {
    std::string message = error_of(full.substr(0, n));
    INFO(full.substr(0, n));
    CHECK(message.rfind("config.json: ", 0) == 0);
    CHECK(message.find("json.exception") == std::string::npos);
  }
}

TEST_CASE("parse_config: the top level must be an object", "[spec]") {
  check_cases({
      {"[]", "config.json: top level: expected object, got array"},
      {"null", "config.json: top level: expected object, got null"},
      {"42", "config.json: top level: expected object, got number"},
      {"\"config\"", "config.json: top level: expected object, got string"},
      {"true", "config.json: top level: expected object, got boolean"},
  });
}

TEST_CASE("parse_config: wrong types name the path and both types", "[spec]") {
  check_cases({
      {config_with(R"("args": ["sh", 42])"),
       "config.json: process.args[1]: expected string, got number"},
      {R"({"ociVersion": 1})", "config.json: ociVersion: expected string, got number"},
      {R"({"ociVersion": null})", "config.json: ociVersion: expected string, got null"},
      {R"({"ociVersion": "1.0.0", "root": true})",
       "config.json: root: expected object, got boolean"},
      {R"({"ociVersion": "1.0.0", "mounts": {}})",
       "config.json: mounts: expected array, got object"},
      {R"({"ociVersion": "1.0.0", "mounts": [{"destination": "/a"}, "x"]})",
       "config.json: mounts[1]: expected object, got string"},
      {config_with(R"("terminal": "yes")"),
       "config.json: process.terminal: expected boolean, got string"},
      {R"({"ociVersion": "1.0.0", "process": {"cwd": "/", "user": {"uid": "0", "gid": 0}}})",
       "config.json: process.user.uid: expected integer, got string"},
      {config_with(R"("rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1, "soft": true}])"),
       "config.json: process.rlimits[0].soft: expected integer, got boolean"},
      {config_with("", R"("namespaces": [{"type": "pid"}, {"type": 3}])"),
       "config.json: linux.namespaces[1].type: expected string, got number"},
      {R"({"ociVersion": "1.0.0", "annotations": {"a": 1}})",
       "config.json: annotations.a: expected string, got number"},
      {config_with("", R"("sysctl": {"net.ipv4.ip_forward": 1})"),
       R"(config.json: linux.sysctl["net.ipv4.ip_forward"]: expected string, got number)"},
      {config_with("", R"("resources": {"memory": {"limit": "1g"}})"),
       "config.json: linux.resources.memory.limit: expected integer, got string"},
      {config_with("", R"("resources": {"rdma": {"mlx5_1": {"hcaHandles": []}}})"),
       "config.json: linux.resources.rdma.mlx5_1.hcaHandles: expected integer, got array"},
      {R"({"ociVersion": "1.0.0", "hooks": {"poststop": [{"path": "/x", "timeout": 1.5}]}})",
       "config.json: hooks.poststop[0].timeout: expected integer, got 1.5"},
      {config_with(R"("user": {"uid": 1.0, "gid": 0})"),
       "config.json: process.user.uid: expected integer, got 1.0"},
      {config_with("", R"("seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
          {"names": "read", "action": "SCMP_ACT_ALLOW"}]})"),
       "config.json: linux.seccomp.syscalls[0].names: expected array, got string"},
      {config_with(R"("capabilities": {"bounding": [null]})"),
       "config.json: process.capabilities.bounding[0]: expected string, got null"},
      {config_with("", R"("timeOffsets": {"monotonic": {"secs": "1"}})"),
       "config.json: linux.timeOffsets.monotonic.secs: expected integer, got string"},
  });
}

TEST_CASE("parse_config: missing required fields", "[spec]") {
  check_cases({
      {"{}", "config.json: ociVersion: missing required field"},
      {R"({"ociVersion": "1.0.0", "root": {"readonly": true}})",
       "config.json: root.path: missing required field"},
      {R"({"ociVersion": "1.0.0", "mounts": [{"type": "tmpfs"}]})",
       "config.json: mounts[0].destination: missing required field"},
      {R"({"ociVersion": "1.0.0", "process": {"user": {"uid": 0, "gid": 0}}})",
       "config.json: process.cwd: missing required field"},
      {R"({"ociVersion": "1.0.0", "process": {"cwd": "/", "user": {"uid": 0}}})",
       "config.json: process.user.gid: missing required field"},
      {R"({"ociVersion": "1.0.0", "hooks": {"prestart": [{"args": []}]}})",
       "config.json: hooks.prestart[0].path: missing required field"},
      {config_with("", R"("namespaces": [{"path": "/proc/1/ns/net"}])"),
       "config.json: linux.namespaces[0].type: missing required field"},
      {config_with(R"("rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1}])"),
       "config.json: process.rlimits[0].soft: missing required field"},
      {config_with("", R"("devices": [{"path": "/dev/fuse"}])"),
       "config.json: linux.devices[0].type: missing required field"},
      {config_with("", R"("uidMappings": [{"containerID": 0, "hostID": 1000}])"),
       "config.json: linux.uidMappings[0].size: missing required field"},
      {config_with("", R"("seccomp": {"syscalls": []})"),
       "config.json: linux.seccomp.defaultAction: missing required field"},
      {config_with("", R"("seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"action": "SCMP_ACT_ALLOW"}]})"),
       "config.json: linux.seccomp.syscalls[0].names: missing required field"},
      {config_with("", R"("seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
          {"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1}]}]})"),
       "config.json: linux.seccomp.syscalls[0].args[0].op: missing required field"},
      {config_with("", R"("resources": {"hugepageLimits": [{"limit": 1}]})"),
       "config.json: linux.resources.hugepageLimits[0].pageSize: missing required field"},
      {config_with("", R"("resources": {"devices": [{"access": "rwm"}]})"),
       "config.json: linux.resources.devices[0].allow: missing required field"},
  });
  // A process without `user` is uid 0/gid 0 (schema and runc); with it, uid and gid are required.
  auto no_user = spec::parse_config(R"({"ociVersion": "1.0.0", "process": {"cwd": "/"}})");
  REQUIRE(no_user);
  CHECK(no_user->process->user == cruntime::spec::User{});
}

TEST_CASE("parse_config: integers are range-checked, never truncated", "[spec]") {
  check_cases({
      {config_with(R"("user": {"uid": 4294967296, "gid": 0})"),
       "config.json: process.user.uid: 4294967296 is out of range (0 to 4294967295)"},
      {config_with(R"("user": {"uid": -1, "gid": 0})"),
       "config.json: process.user.uid: -1 is out of range (0 to 4294967295)"},
      {config_with(R"("user": {"uid": 0, "gid": 0, "additionalGids": [1, 4294967296]})"),
       "config.json: process.user.additionalGids[1]: 4294967296 is out of range (0 to 4294967295)"},
      {config_with(R"("oomScoreAdj": 2147483648)"),
       "config.json: process.oomScoreAdj: 2147483648 is out of range (-2147483648 to 2147483647)"},
      {config_with(R"("rlimits": [{"type": "RLIMIT_NOFILE", "hard": 18446744073709551616, "soft": 1}])"),
       "config.json: process.rlimits[0].hard: 1.8446744073709552e+19 is out of range "
       "(0 to 18446744073709551615)"},
      {config_with("", R"("resources": {"blockIO": {"weight": 65536}})"),
       "config.json: linux.resources.blockIO.weight: 65536 is out of range (0 to 65535)"},
      {config_with("", R"("resources": {"memory": {"limit": 9223372036854775808}})"),
       "config.json: linux.resources.memory.limit: 9223372036854775808 is out of range "
       "(-9223372036854775808 to 9223372036854775807)"},
      {config_with("", R"("resources": {"memory": {"swap": -9223372036854775809}})"),
       "config.json: linux.resources.memory.swap: -9.223372036854776e+18 is out of range "
       "(-9223372036854775808 to 9223372036854775807)"},
      {config_with("", R"("resources": {"cpu": {"shares": -2}})"),
       "config.json: linux.resources.cpu.shares: -2 is out of range (0 to 18446744073709551615)"},
      {config_with("", R"("seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
          {"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": -1, "op": "SCMP_CMP_EQ"}]}]})"),
       "config.json: linux.seccomp.syscalls[0].args[0].value: -1 is out of range "
       "(0 to 18446744073709551615)"},
      {config_with("", R"("devices": [{"path": "/dev/x", "type": "c", "fileMode": -438}])"),
       "config.json: linux.devices[0].fileMode: -438 is out of range (0 to 4294967295)"},
      {config_with(R"("consoleSize": {"height": 1e3, "width": 80})"),
       "config.json: process.consoleSize.height: expected integer, got 1000.0"},
  });
  // The extremes themselves are accepted.
  auto c = spec::parse_config(config_with(
      R"("user": {"uid": 4294967295, "gid": 0}, "oomScoreAdj": -2147483648)",
      R"("resources": {"memory": {"limit": 9223372036854775807, "swap": -9223372036854775808}})"));
  REQUIRE(c);
  CHECK(c->process->user.uid == 4294967295U);
  CHECK(c->linux_config->resources->memory->swap == INT64_MIN);
}

TEST_CASE("parse_process + check_process: a process object on its own, paths as in config.json",
          "[spec]") {
  auto good = cruntime::spec::parse_process(
      R"({"args":["sh"],"cwd":"/","user":{"uid":1,"gid":2},"env":["A=1"]})", "p.json");
  REQUIRE(good);
  CHECK(good->user.uid == 1);
  CHECK(cruntime::spec::check_process(*good, "p.json"));
  auto bad_type = cruntime::spec::parse_process(R"({"user":{"uid":"x","gid":0},"cwd":"/"})", "p.json");
  REQUIRE_FALSE(bad_type);
  CHECK(bad_type.error().to_string() == "p.json: process.user.uid: expected integer, got string");
  auto relative = cruntime::spec::parse_process(R"({"args":["x"],"cwd":"rel","user":{"uid":0,"gid":0}})",
                                                "p.json");
  REQUIRE(relative);
  auto checked = cruntime::spec::check_process(*relative, "p.json");
  REQUIRE_FALSE(checked);
  CHECK(checked.error().to_string() == "p.json: process.cwd: must be an absolute path, got \"rel\"");
  CHECK_FALSE(cruntime::spec::parse_process("[1]", "p.json"));
  CHECK_FALSE(cruntime::spec::parse_process("{", "p.json"));
}
