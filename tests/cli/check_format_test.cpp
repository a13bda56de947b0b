// Unit tests for the output of `cruntime check`: the JSON object's shape and
// the text report.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "../src/cli/commands.hpp"
#include "cruntime/base/strings.hpp"

namespace cli = cruntime::cli;
using cruntime::container::CheckStatus;
using cruntime::container::HostCheck;
using cruntime::container::HostReport;

namespace {

HostCheck make(std::string name, CheckStatus status, std::string value, bool blocks = false) {
  HostCheck c;
  c.name = std::move(name);
  c.status = status;
  c.value = std::move(value);
  c.reason = "found by " + c.name;
  c.blocks = blocks;
  return c;
}

HostReport sample(bool blocked) {
  HostReport report;
  report.euid = 1000;
  report.rootless = true;
  HostCheck mode = make("cgroup.mode", CheckStatus::kOk, "v2");
  HostCheck actions = make("seccomp.actions", CheckStatus::kWarning, "errno allow");
  actions.values = {"errno", "allow"};
  actions.impact = "a profile with SCMP_ACT_LOG fails";
  HostCheck userns = make("userns", CheckStatus::kMissing, "disabled", blocked);
  report.checks = {mode, actions, userns};
  return report;
}

}  // namespace

TEST_CASE("format_check_json: every key, with its type, in a stable order", "[cli]") {
  const auto json = nlohmann::json::parse(cli::format_check_json(sample(false)));
  REQUIRE(json.is_object());
  CHECK(json.at("canRun") == true);
  CHECK(json.at("euid") == 1000);
  CHECK(json.at("rootless") == true);
  CHECK(json.at("blockers") == nlohmann::json::array());
  const auto& checks = json.at("checks");
  REQUIRE(checks.size() == 3);
  for (const auto& c : checks) {
    CHECK(c.size() == 7);
    CHECK(c.at("name").is_string());
    CHECK(c.at("status").is_string());
    CHECK(c.at("value").is_string());
    CHECK(c.at("values").is_array());
    CHECK(c.at("reason").is_string());
    CHECK(c.at("impact").is_string());
    CHECK(c.at("blocks").is_boolean());
  }
  CHECK(checks[0].at("name") == "cgroup.mode");
  CHECK(checks[0].at("value") == "v2");
  CHECK(checks[1].at("status") == "warning");
  CHECK(checks[1].at("values") == nlohmann::json{"errno", "allow"});
  CHECK(checks[1].at("impact") == "a profile with SCMP_ACT_LOG fails");
  CHECK(checks[2].at("status") == "missing");
  // Key order is part of the shape people read: top level first.
  const std::string text = cli::format_check_json(sample(false));
  CHECK(text.find("\"canRun\"") < text.find("\"checks\""));
  CHECK(text.back() == '\n');
}

TEST_CASE("format_check_json: a blocking check makes canRun false and is a blocker", "[cli]") {
  const auto json = nlohmann::json::parse(cli::format_check_json(sample(true)));
  CHECK(json.at("canRun") == false);
  CHECK(json.at("blockers") == nlohmann::json{"userns: found by userns"});
  CHECK(json.at("checks")[2].at("blocks") == true);
}

TEST_CASE("format_check_text: one row per check, details indented, the verdict last", "[cli]") {
  const std::string text = cli::format_check_text(sample(false));
  const auto lines = cruntime::strings::split(text, '\n');
  CHECK_THAT(lines[0], Catch::Contains("uid 1000 (rootless)") &&
                           Catch::Contains("`cruntime spec --rootless`"));
  CHECK(text.find("STATUS   CHECK                    VALUE\n") != std::string::npos);
  CHECK(text.find("ok       cgroup.mode              v2\n") != std::string::npos);
  CHECK(text.find("warning  seccomp.actions          errno allow\n") != std::string::npos);
  // The list equals the value: not repeated. The impact is labelled.
  CHECK(text.find("errno, allow") == std::string::npos);
  CHECK(text.find("\n                                  impact: a profile with "
                  "SCMP_ACT_LOG "
                  "fails\n") != std::string::npos);
  CHECK(text.find("missing  userns                   disabled\n") != std::string::npos);
  CHECK_THAT(text, Catch::EndsWith("Result: this host can run the default `cruntime spec "
                                   "--rootless` container.\n"));
}

TEST_CASE("format_check_text: the blockers are listed at the end", "[cli]") {
  HostReport report = sample(true);
  report.rootless = false;
  report.euid = 0;
  const std::string text = cli::format_check_text(report);
  CHECK_THAT(text, Catch::Contains("this stops the default container"));
  CHECK_THAT(text, Catch::EndsWith("Result: this host cannot run the default `cruntime spec` "
                                   "container:\n  - userns: found by userns\n"));
}

TEST_CASE("check: in the command table, with --format", "[cli]") {
  const cli::Command* command = cli::find_command("check");
  REQUIRE(command != nullptr);
  REQUIRE(command->options.size() == 1);
  CHECK(command->options[0].name == "format");
  CHECK(command->options[0].short_name == 'f');
}
