// Unit tests for config.json parsing/printing: round trips, golden configs, unknown keys, null, limits.
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cruntime/base/fs.hpp"
#include "cruntime/spec/defaults.hpp"
#include "cruntime/spec/io.hpp"
#include "support/golden.hpp"
#include "support/temp_dir.hpp"

namespace spec = cruntime::spec;
using cruntime::test::golden;

namespace {

spec::Config parse_ok(std::string_view text) {
  auto config = spec::parse_config(text);
  INFO((config ? std::string() : config.error().to_string()));
  REQUIRE(config);
  return *config;
}

// parse -> dump -> parse gives the same model, in every output format.
void check_round_trip(const spec::Config& config) {
  for (int indent : {-1, 0, 2, 4}) {
    INFO("indent " << indent);
    CHECK(parse_ok(spec::dump_config(config, indent)) == config);
  }
  CHECK(parse_ok(spec::dump_config_tabs(config)) == config);
}

}  // namespace

TEST_CASE("parse_config: minimal config round-trips and leaves the rest unset", "[spec]") {
  spec::Config config = parse_ok(golden("minimal.json"));
  CHECK(config.oci_version == "1.0.0");
  REQUIRE(config.root);
  CHECK(config.root->path == "rootfs");
  CHECK_FALSE(config.root->readonly);
  REQUIRE(config.process);
  CHECK(config.process->cwd == "/");
  CHECK(config.process->args == std::vector<std::string>{"sh"});
  CHECK_FALSE(config.process->terminal);
  CHECK_FALSE(config.process->env);
  CHECK_FALSE(config.mounts);
  CHECK_FALSE(config.hooks);
  CHECK_FALSE(config.linux_config);
  check_round_trip(config);
  CHECK(spec::dump_config(config, -1) ==
        R"({"ociVersion":"1.0.0","process":{"user":{"uid":0,"gid":0},"args":["sh"],"cwd":"/"},)"
        R"("root":{"path":"rootfs"}})");
}

TEST_CASE("parse_config: full.json (every field set) round-trips", "[spec]") {
  const std::string text = golden("full.json");
  spec::Config config = parse_ok(text);
  check_round_trip(config);
  // Same document, not just the same model: every key of full.json was understood and is
  // written back under the spec's name (a misspelt key would vanish here).
  CHECK(nlohmann::json::parse(spec::dump_config(config)) == nlohmann::json::parse(text));
}

TEST_CASE("parse_config: full.json maps the non-obvious JSON names", "[spec]") {
  spec::Config c = parse_ok(golden("full.json"));
  const spec::Process& p = *c.process;
  CHECK(p.io_priority->io_class == "IOPRIO_CLASS_BE");
  CHECK(p.exec_cpu_affinity->final_cpus == "4-5");
  CHECK(p.user.gid == 4294967295U);
  CHECK(p.user.additional_gids->back() == 4294967294U);
  CHECK(p.oom_score_adj == -999);
  CHECK(p.no_new_privileges == true);
  CHECK(p.console_size->width == 80);
  CHECK(p.rlimits->at(1).hard == UINT64_MAX);
  CHECK(p.env->at(2) == "UNICODE=caf\xc3\xa9 \xe2\x98\x83");
  CHECK(p.command_line == "cmd.exe /c echo hi");
  CHECK(c.hooks->create_runtime->at(0).timeout == 10);
  CHECK(c.hooks->poststop->at(1).args == std::nullopt);
  CHECK(c.mounts->at(1).uid_mappings->at(0).host_id == 100000);
  const spec::Linux& l = *c.linux_config;
  CHECK(l.cgroups_path == "/machine.slice/full");
  CHECK(l.mount_label == "system_u:object_r:container_file_t:s0:c1,c2");
  CHECK(l.intel_rdt->clos_id == "guaranteed_group");
  CHECK(l.intel_rdt->enable_cmt == true);
  CHECK(l.intel_rdt->enable_mbm == false);
  CHECK(l.time_offsets->at("monotonic").secs == -86400);
  CHECK(l.net_devices->at("dummy0").name == std::nullopt);
  CHECK(l.personality->flags == std::vector<std::string>{});
  const spec::LinuxResources& r = *l.resources;
  CHECK(r.memory->kernel_tcp == 0);
  CHECK(r.memory->disable_oom_killer == false);
  CHECK(r.memory->swap == -1);
  CHECK(r.block_io->throttle_read_iops_device->at(0).rate == 1000);
  CHECK(r.network->class_id == 1048577);
  CHECK(r.rdma->at("mlx5_1").hca_handles == 3);
  CHECK(r.devices->at(0).type == std::nullopt);
  CHECK(r.devices->at(2).minor == -1);
  const spec::Seccomp& s = *l.seccomp;
  CHECK(s.default_errno_ret == 1);
  CHECK(s.syscalls->at(2).errno_ret == 38);
  CHECK(s.syscalls->at(2).args->at(0).value_two == UINT64_MAX);
  CHECK(s.syscalls->at(1).args->at(0).value_two == std::nullopt);
}

TEST_CASE("parse_config: realistic configs from runc and containerd parse", "[spec]") {
  SECTION("runc spec (tab-indented)") {
    spec::Config c = parse_ok(golden("runc-spec.json"));
    CHECK(c.hostname == "runc");
    CHECK(c.mounts->size() == 7);
    CHECK(c.mounts->at(0).options == std::nullopt);
    CHECK(c.linux_config->namespaces->size() == 6);
    CHECK(c.process->rlimits->at(0).type == "RLIMIT_NOFILE");
    CHECK(c.linux_config->resources->devices->at(0).allow == false);
    check_round_trip(c);
  }
  SECTION("containerd CRI sandbox with a seccomp profile (compact)") {
    spec::Config c = parse_ok(golden("containerd-cri.json"));
    CHECK(c.process->user.uid == 65535);
    CHECK(c.linux_config->cgroups_path ==
          "kubepods-besteffort-pod1234.slice:cri-containerd:5f1c2a7e");
    const spec::Seccomp& s = *c.linux_config->seccomp;
    CHECK(s.default_action == "SCMP_ACT_ERRNO");
    CHECK(s.syscalls->size() == 9);
    CHECK(s.syscalls->at(4).args->at(0).value == 4294967295U);
    CHECK(s.syscalls->at(8).args->size() == 2);
    CHECK(c.annotations->at("io.kubernetes.cri.container-type") == "sandbox");
    check_round_trip(c);
  }
}

TEST_CASE("dump_config: runc key order, tabs for `spec`, nothing unset written", "[spec]") {
  spec::Config c = parse_ok(golden("runc-spec.json"));
  std::string tabs = spec::dump_config_tabs(c);
  CHECK(tabs.rfind("{\n\t\"ociVersion\": \"1.2.1\",\n\t\"process\": {\n\t\t\"terminal\": true,", 0) == 0);
  CHECK(tabs.find("\n\t\"root\"") < tabs.find("\n\t\"hostname\""));
  CHECK(tabs.find("\n\t\"mounts\"") < tabs.find("\n\t\"linux\""));
  CHECK(tabs.find("null") == std::string::npos);
  CHECK(tabs.find("domainname") == std::string::npos);
  CHECK(tabs == golden("runc-spec.json"));  // the golden file is runc's exact layout
}

TEST_CASE("parse_config: runc's default config round-trips", "[spec]") {
  spec::Config config = spec::default_config();
  check_round_trip(config);
  spec::Config rootless = spec::rootless_config(1000, 1000);
  check_round_trip(rootless);
}

TEST_CASE("parse_config: unknown keys are ignored at every level", "[spec]") {
  spec::Config c = parse_ok(R"({
    "ociVersion": "1.0.2", "solaris": {"milestone": "x"}, "windows": {"layerFolders": []},
    "vm": 3, "x-custom": [[1], {"a": null}],
    "root": {"path": "r", "future": true},
    "process": {"cwd": "/", "user": {"uid": 1, "gid": 2, "username": "w"}, "newThing": {}},
    "mounts": [{"destination": "/m", "extra": 1}],
    "linux": {"resources": {"memory": {"limit": 5, "bogus": "y"}, "future": {}},
              "seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
                 {"names": ["read"], "action": "SCMP_ACT_ALLOW", "comment": "hi",
                  "args": [{"index": 1, "value": 2, "op": "SCMP_CMP_EQ", "note": 0}]}]}}
  })");
  CHECK(c.root->path == "r");
  CHECK(c.process->user.gid == 2);
  CHECK(c.mounts->at(0).destination == "/m");
  CHECK(c.linux_config->resources->memory->limit == 5);
  CHECK(c.linux_config->seccomp->syscalls->at(0).args->at(0).index == 1);
  CHECK(spec::dump_config(c).find("bogus") == std::string::npos);
}

TEST_CASE("parse_config: an explicit null optional field is the same as an absent one", "[spec]") {
  spec::Config with_nulls = parse_ok(R"({
    "ociVersion": "1.0.0", "hostname": null, "mounts": null, "hooks": null, "annotations": null,
    "root": {"path": "r", "readonly": null},
    "process": {"cwd": "/", "user": {"uid": 0, "gid": 0, "umask": null}, "args": null,
                "terminal": null, "oomScoreAdj": null, "ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": null}},
    "linux": {"resources": {"memory": {"limit": null}}, "seccomp": null}
  })");
  spec::Config without = parse_ok(R"({
    "ociVersion": "1.0.0", "root": {"path": "r"},
    "process": {"cwd": "/", "user": {"uid": 0, "gid": 0}, "ioPriority": {"class": "IOPRIO_CLASS_BE"}},
    "linux": {"resources": {"memory": {}}}
  })");
  CHECK(with_nulls == without);
  CHECK(without.process->io_priority->priority == 0);
  CHECK_FALSE(with_nulls.hostname);
  CHECK_FALSE(with_nulls.linux_config->resources->memory->limit);
}

TEST_CASE("parse_config: JSON nesting is limited before the document is built", "[spec]") {
  SECTION("100000 open brackets fail cleanly") {
    auto r = spec::parse_config(std::string(100000, '['));
    REQUIRE_FALSE(r);
    CHECK(r.error().to_string() ==
          "config.json: invalid JSON at line 1, column 65: nesting deeper than 64 levels");
  }
  SECTION("deep objects inside a valid config fail too") {
    std::string deep = R"({"ociVersion": "1.0.0", "x": )";
    for (int i = 0; i < 100; ++i) deep += R"({"a": )";
    deep += "1";
    for (int i = 0; i < 100; ++i) deep += "}";
    deep += "}";
    auto r = spec::parse_config(deep);
    REQUIRE_FALSE(r);
    CHECK(r.error().to_string().find("nesting deeper than 64 levels") != std::string::npos);
  }
  SECTION("exactly the limit is fine; brackets inside strings do not count") {
    std::string ok = R"({"ociVersion": "1.0.0", "hostname": "[[[[{{{{\"[[[[[[", "x": )";
    ok += std::string(spec::kMaxJsonDepth - 1, '[') + std::string(spec::kMaxJsonDepth - 1, ']') + "}";
    spec::Config c = parse_ok(ok);
    CHECK(c.hostname == "[[[[{{{{\"[[[[[[");
    std::string over = R"({"ociVersion": "1.0.0", "x": )";
    over += std::string(spec::kMaxJsonDepth, '[') + std::string(spec::kMaxJsonDepth, ']') + "}";
    CHECK_FALSE(spec::parse_config(over));
  }
}

TEST_CASE("every document parser limits nesting: exec -p, update -r, state.json", "[spec]") {
  const std::string deep = std::string(100000, '{') + std::string(100000, '}');
  const std::string arrays =
      R"({"args": )" + std::string(100000, '[') + std::string(100000, ']') + "}";
  for (const std::string& text : {deep, arrays}) {
    auto process = spec::parse_process(text, "p.json");
    REQUIRE_FALSE(process);
    CHECK(process.error().to_string().starts_with("p.json: invalid JSON at line 1, column "));
    CHECK(process.error().to_string().ends_with("nesting deeper than 64 levels"));
    auto resources = spec::parse_resources(text, "r.json");
    REQUIRE_FALSE(resources);
    CHECK(resources.error().to_string().ends_with("nesting deeper than 64 levels"));
    auto stored = spec::parse_stored_state(text);
    REQUIRE_FALSE(stored);
    CHECK(stored.error().to_string().starts_with("state.json: invalid JSON"));
    CHECK_FALSE(spec::parse_state(text));
  }
}

TEST_CASE("parse_config: documents above kMaxConfigBytes are rejected", "[spec]") {
  std::string text = R"({"ociVersion": "1.0.0"})";
  text += std::string(spec::kMaxConfigBytes - text.size(), ' ');
  CHECK(parse_ok(text).oci_version == "1.0.0");
  text += ' ';
  auto r = spec::parse_config(text);
  REQUIRE_FALSE(r);
  CHECK(r.error().to_string() ==
        "config.json: document is 4194305 bytes, more than the limit of 4194304");
}

TEST_CASE("load_config: reads a file and names it in errors", "[spec]") {
  cruntime::test::TempDir dir;
  const std::string path = dir.join("config.json");
  REQUIRE(cruntime::fs::write_file_atomic(path, golden("minimal.json")));
  auto loaded = spec::load_config(path);
  REQUIRE(loaded);
  CHECK(loaded->root->path == "rootfs");

  REQUIRE(cruntime::fs::write_file_atomic(path, R"({"ociVersion": "1.0.0", "root": {}})"));
  auto bad = spec::load_config(path);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().to_string() == path + ": root.path: missing required field");

  REQUIRE(cruntime::fs::write_file_atomic(path, std::string(spec::kMaxConfigBytes + 1, ' ')));
  auto big = spec::load_config(path);
  REQUIRE_FALSE(big);
  CHECK(big.error().to_string().find(path) != std::string::npos);

  auto missing = spec::load_config(dir.join("nope.json"));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().to_string().find("nope.json") != std::string::npos);
}
