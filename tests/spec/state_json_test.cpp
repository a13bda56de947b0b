// Unit tests for the state shapes (`state`, hooks' stdin, `list`) and the private state.json record.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cruntime/spec/io.hpp"
#include "cruntime/spec/linux.hpp"
#include "cruntime/spec/state.hpp"

namespace spec = cruntime::spec;

namespace {

spec::State running_state() {
  spec::State s;
  s.oci_version = "1.3.0";
  s.id = "web";
  s.status = spec::Status::kRunning;
  s.pid = 4242;
  s.bundle = "/run/bundles/web";
  s.rootfs = "/run/bundles/web/rootfs";
  s.created = "2025-01-02T03:04:05.123456789Z";
  s.annotations = {{"b", "2"}, {"a", "1"}};
  return s;
}

spec::State stopped_state() {
  spec::State s;
  s.oci_version = "1.3.0";
  s.id = "db";
  s.status = spec::Status::kStopped;
  s.pid = 0;
  s.bundle = "/b";
  s.rootfs = "/b/rootfs";
  s.created = "2025-01-02T03:04:05.000000001Z";
  return s;
}

spec::StoredState stored_state() {
  spec::StoredState s;
  s.oci_version = "1.3.0";
  s.id = "web";
  s.init_pid = 4242;
  s.init_start_time = 123456789012ULL;
  s.bundle = "/run/bundles/web";
  s.rootfs = "/run/bundles/web/rootfs";
  s.created = "2025-01-02T03:04:05.123456789Z";
  s.annotations = {{"k", "v"}};
  s.cgroup_path = "/sys/fs/cgroup/cruntime/web";
  s.systemd_unit = "cruntime-web.scope";
  s.systemd_user = true;
  s.own_pid_namespace = true;
  s.resctrl_root = "/sys/fs/resctrl";
  s.resctrl_group = "/sys/fs/resctrl/web";
  s.resctrl_mon_group = "/sys/fs/resctrl/web/mon_groups/web";
  s.resctrl_remove_group = true;
  s.resctrl_remove_mon = true;
  s.config_path = "/run/cruntime/web/config.json";
  return s;
}

std::string stored_error(std::string_view text) {
  auto r = spec::parse_stored_state(text);
  return r ? std::string("<parsed>") : r.error().to_string();
}

}  // namespace

TEST_CASE("status and namespace names round-trip", "[spec]") {
  for (auto status : {spec::Status::kCreating, spec::Status::kCreated, spec::Status::kRunning,
                      spec::Status::kPaused, spec::Status::kStopped}) {
    CHECK(spec::parse_status(spec::status_name(status)) == status);
  }
  CHECK(spec::status_name(spec::Status::kPaused) == "paused");
  CHECK(spec::status_name(spec::Status::kCreating) == "creating");
  CHECK_FALSE(spec::parse_status("Running"));
  CHECK_FALSE(spec::parse_status(""));
  const std::vector<std::string> names = {"pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"};
  for (const auto& name : names) {
    auto type = spec::parse_namespace_type(name);
    REQUIRE(type);
    CHECK(spec::namespace_type_name(*type) == name);
  }
  CHECK(spec::parse_namespace_type("net") == std::nullopt);
  CHECK(spec::parse_namespace_type("PID") == std::nullopt);
}

TEST_CASE("dump_state: runc's keys, order and 2-space indent", "[spec]") {
  CHECK(spec::dump_state(running_state()) == R"({
  "ociVersion": "1.3.0",
  "id": "web",
  "pid": 4242,
  "status": "running",
  "bundle": "/run/bundles/web",
  "rootfs": "/run/bundles/web/rootfs",
  "created": "2025-01-02T03:04:05.123456789Z",
  "annotations": {
    "a": "1",
    "b": "2"
  },
  "owner": ""
})");
}

TEST_CASE("dump_state: stopped keeps pid 0 and omits empty annotations", "[spec]") {
  CHECK(spec::dump_state(stopped_state(), -1) ==
        R"({"ociVersion":"1.3.0","id":"db","pid":0,"status":"stopped","bundle":"/b",)"
        R"("rootfs":"/b/rootfs","created":"2025-01-02T03:04:05.000000001Z","owner":""})");
}

TEST_CASE("dump_state_for_hook: compact runtime.md state", "[spec]") {
  CHECK(spec::dump_state_for_hook(running_state()) ==
        R"({"ociVersion":"1.3.0","id":"web","status":"running","pid":4242,)"
        R"("bundle":"/run/bundles/web","annotations":{"a":"1","b":"2"}})");
  CHECK(spec::dump_state_for_hook(stopped_state()) ==
        R"({"ociVersion":"1.3.0","id":"db","status":"stopped","bundle":"/b"})");
  spec::State creating = running_state();
  creating.status = spec::Status::kCreating;
  creating.annotations.clear();
  CHECK(spec::dump_state_for_hook(creating) ==
        R"({"ociVersion":"1.3.0","id":"web","status":"creating","pid":4242,"bundle":"/run/bundles/web"})");
}

TEST_CASE("dump_state_list: one line, owner included, [] when empty", "[spec]") {
  CHECK(spec::dump_state_list({}) == "[]");
  spec::State owned = stopped_state();
  owned.owner = "root";
  std::string line = spec::dump_state_list({running_state(), owned});
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line ==
        R"([{"ociVersion":"1.3.0","id":"web","pid":4242,"status":"running","bundle":"/run/bundles/web",)"
        R"("rootfs":"/run/bundles/web/rootfs","created":"2025-01-02T03:04:05.123456789Z",)"
        R"("annotations":{"a":"1","b":"2"},"owner":""},)"
        R"({"ociVersion":"1.3.0","id":"db","pid":0,"status":"stopped","bundle":"/b",)"
        R"("rootfs":"/b/rootfs","created":"2025-01-02T03:04:05.000000001Z","owner":"root"}])");
}

TEST_CASE("hook_state: this runtime's ociVersion and exactly the given fields", "[spec]") {
  spec::State state = spec::hook_state("web", spec::Status::kCreated, 7, "/b", {{"k", "v"}});
  CHECK(state.oci_version == "1.3.0");
  CHECK(spec::dump_state_for_hook(state) ==
        R"({"ociVersion":"1.3.0","id":"web","status":"created","pid":7,"bundle":"/b",)"
        R"("annotations":{"k":"v"}})");
  CHECK(spec::dump_state_for_hook(spec::hook_state("db", spec::Status::kStopped, 0, "/b", {})) ==
        R"({"ociVersion":"1.3.0","id":"db","status":"stopped","bundle":"/b"})");
}

TEST_CASE("dump_container_process_state: runtime-spec's order, metadata only when set", "[spec]") {
  spec::ContainerProcessState message;
  message.oci_version = "1.3.0";
  message.fds = {"seccompFd"};
  message.pid = 42;
  message.state = spec::hook_state("c1", spec::Status::kCreating, 42, "/b", {});
  CHECK(spec::dump_container_process_state(message) ==
        R"({"ociVersion":"1.3.0","fds":["seccompFd"],"pid":42,"state":)"
        R"({"ociVersion":"1.3.0","id":"c1","status":"creating","pid":42,"bundle":"/b"}})");
  message.metadata = "say \"hi\"\n";
  CHECK(spec::dump_container_process_state(message) ==
        R"({"ociVersion":"1.3.0","fds":["seccompFd"],"pid":42,"metadata":"say \"hi\"\n","state":)"
        R"({"ociVersion":"1.3.0","id":"c1","status":"creating","pid":42,"bundle":"/b"}})");
}

TEST_CASE("dump_pid_list: one compact array, [] when empty", "[spec]") {
  CHECK(spec::dump_pid_list({}) == "[]");
  CHECK(spec::dump_pid_list({1}) == "[1]");
  CHECK(spec::dump_pid_list({4564, 4567, 12}) == "[4564,4567,12]");
}

TEST_CASE("parse_state: reads back both shapes", "[spec]") {
  spec::State s = running_state();
  s.owner = "alice";
  auto full = spec::parse_state(spec::dump_state(s));
  REQUIRE(full);
  CHECK(*full == s);
  auto hook = spec::parse_state(spec::dump_state_for_hook(stopped_state()));
  REQUIRE(hook);
  CHECK(hook->pid == 0);
  CHECK(hook->status == spec::Status::kStopped);
  CHECK(hook->rootfs.empty());
  auto bad = spec::parse_state(R"({"ociVersion":"1.0.0","id":"x","status":"zombie","bundle":"/b"})");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().to_string() == R"(state: status: unknown status "zombie")");
  auto negative = spec::parse_state(R"({"ociVersion":"1.0.0","id":"x","status":"running","pid":-5,"bundle":"/b"})");
  REQUIRE_FALSE(negative);
  CHECK(negative.error().to_string() == "state: pid: -5 is out of range (0 to 2147483647)");
}

TEST_CASE("dump_state: a non-UTF-8 bundle path is replaced, not a crash", "[spec]") {
  spec::State s = stopped_state();
  s.bundle = "/b\xff\xfe/x";
  std::string text = spec::dump_state(s, -1);
  CHECK(text.find("\"bundle\":\"/b\xef\xbf\xbd\xef\xbf\xbd/x\"") != std::string::npos);
  CHECK(spec::parse_state(text));
}

TEST_CASE("stored state: every field round-trips", "[spec]") {
  spec::StoredState s = stored_state();
  std::string text = spec::dump_stored_state(s);
  CHECK(text.find('\n') == std::string::npos);
  auto back = spec::parse_stored_state(text);
  REQUIRE(back);
  CHECK(*back == s);
  s.annotations.clear();
  s.own_pid_namespace = false;
  s.cgroup_path.clear();
  s.systemd_unit.clear();  // the cgroupfs drivers: no systemdUnit key at all
  s.systemd_user = false;
  s.resctrl_root.clear();  // no intelRdt: no resctrl keys
  s.resctrl_group.clear();
  s.resctrl_mon_group.clear();
  s.resctrl_remove_group = false;
  s.resctrl_remove_mon = false;
  const std::string cgroupfs = spec::dump_stored_state(s);
  CHECK(cgroupfs.find("systemdUnit") == std::string::npos);
  CHECK(cgroupfs.find("resctrl") == std::string::npos);
  auto back2 = spec::parse_stored_state(cgroupfs);
  REQUIRE(back2);
  CHECK(*back2 == s);
}

TEST_CASE("stored state: truncated or corrupt records give a clear error", "[spec]") {
  const std::string text = spec::dump_stored_state(stored_state());
  for (size_t n = 0; n < text.size(); ++n) {
    std::string message = stored_error(text.substr(0, n));
    INFO(text.substr(0, n));
    CHECK(message.rfind("state.json: ", 0) == 0);
    CHECK(message.find("json.exception") == std::string::npos);
  }
  CHECK(stored_error("") == "state.json: empty document");
  CHECK(stored_error(std::string("\0\0\0\0", 4)).rfind("state.json: invalid JSON at line 1, column 1: ", 0) == 0);
  CHECK(stored_error("[]") == "state.json: top level: expected object, got array");
  CHECK(stored_error(R"({"ociVersion":"1.3.0","initPid":1,"initStartTime":1,"bundle":"/b","created":"t"})") ==
        "state.json: id: missing required field");
  CHECK(stored_error(R"({"ociVersion":"1.3.0","id":"x","initPid":"1","initStartTime":1,"bundle":"/b","created":"t"})") ==
        "state.json: initPid: expected integer, got string");
  CHECK(stored_error(R"({"ociVersion":"1.3.0","id":"x","initPid":0,"initStartTime":1,"bundle":"/b","created":"t"})") ==
        "state.json: initPid: 0 is out of range (1 to 2147483647)");
  CHECK(stored_error(R"({"ociVersion":"1.3.0","id":"x","initPid":7,"initStartTime":-1,"bundle":"/b","created":"t"})") ==
        "state.json: initStartTime: -1 is out of range (0 to 18446744073709551615)");
  CHECK(stored_error(R"({"ociVersion":"1.3.0","id":"x","initPid":7,"initStartTime":1,"bundle":"/b","created":"t",)"
                     R"("ownPidNamespace":"yes"})") == "state.json: ownPidNamespace: expected boolean, got string");
  // A record from an older cruntime without the later fields still loads.
  auto old = spec::parse_stored_state(
      R"({"ociVersion":"1.3.0","id":"x","initPid":7,"initStartTime":1,"bundle":"/b","created":"t"})");
  REQUIRE(old);
  CHECK(old->cgroup_path.empty());
  CHECK_FALSE(old->own_pid_namespace);
}

TEST_CASE("stored state: a creating record names its creator instead of an init", "[spec]") {
  spec::StoredState s = stored_state();
  s.init_pid = 0;
  s.init_start_time = 0;
  s.creating = true;
  s.creator_pid = 77;
  s.creator_start_time = 987654321;
  const std::string text = spec::dump_stored_state(s);
  CHECK(text.find(R"("status":"creating")") != std::string::npos);
  CHECK(text.find("initPid") == std::string::npos);
  auto back = spec::parse_stored_state(text);
  REQUIRE(back);
  CHECK(*back == s);

  // The final record has no status and no creator: status is derived live (cli-contract §5).
  const std::string final_text = spec::dump_stored_state(stored_state());
  CHECK(final_text.find("status") == std::string::npos);
  CHECK(final_text.find("creator") == std::string::npos);
  CHECK_FALSE(spec::parse_stored_state(final_text).value().creating);
}

TEST_CASE("stored state: a creating record without a valid creator is refused", "[spec]") {
  const std::string base = R"({"ociVersion":"1.3.0","id":"x","bundle":"/b","created":"t",)";
  CHECK(stored_error(base + R"("status":"creating","creatorStartTime":1})") ==
        "state.json: creatorPid: missing required field");
  CHECK(stored_error(base + R"("status":"creating","creatorPid":0,"creatorStartTime":1})") ==
        "state.json: creatorPid: 0 is out of range (1 to 2147483647)");
  CHECK(stored_error(base + R"("status":"creating","creatorPid":5})") ==
        "state.json: creatorStartTime: missing required field");
  // Only "creating" is ever stored; anything else is a record we did not write.
  CHECK(stored_error(base + R"("status":"running","initPid":5,"initStartTime":1})") ==
        R"(state.json: status: "running" is not a stored status (only "creating" is))");
  CHECK(stored_error(base + R"("status":7,"initPid":5,"initStartTime":1})") ==
        "state.json: status: expected string, got number");
  // Every prefix of a creating record is refused with one line naming the file.
  spec::StoredState s = stored_state();
  s.creating = true;
  s.creator_pid = 77;
  s.creator_start_time = 1;
  const std::string text = spec::dump_stored_state(s);
  for (size_t n = 0; n < text.size(); ++n) {
    const std::string message = stored_error(text.substr(0, n));
    INFO(text.substr(0, n));
    CHECK(message.rfind("state.json: ", 0) == 0);
    CHECK(message.find('\n') == std::string::npos);
  }
}
