// `cruntime check` output: the text for people and the JSON object for scripts
// (pure).
//
// The JSON object (stable; new keys may be added, none removed or retyped):
//   {
//     "canRun": bool,        // the default `cruntime spec` (rootless: `spec
//     --rootless`)
//                            // container can run here; false ⇔ "blockers" is
//                            not empty
//     "euid": number,        // the caller the host was judged for
//     "rootless": bool,
//     "blockers": [string],  // "<name>: <reason>" of every check that stops it
//     "checks": [{
//       "name": string,      // stable dotted name: "cgroup.mode",
//       "seccomp.actions", ... "status": "ok" | "warning" | "missing", "value":
//       string,     // the fact: "v2", "2.5.4", "enabled", "yes", ...; may be
//       "" "values": [string],  // list facts (controllers, actions,
//       "start:count"); may be [] "reason": string,    // what was found and
//       how "impact": string,    // what a container that needs it sees; ""
//       when nothing "blocks": bool       // this check alone stops the default
//       container
//     }, ...]
//   }
// Every check always has every key. Which checks appear depends on the host:
// cgroup.controllers and cgroup.delegation need a detected cgroup layout,
// cgroup.subtree_control a cgroup v2 one.
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "cruntime/base/strings.hpp"

namespace cruntime::cli {
namespace {

using container::HostCheck;
using container::HostReport;

constexpr size_t kStatusWidth = 8;
constexpr size_t kNameWidth = 24;

std::string default_container(const HostReport& report) {
  return report.rootless ? "`cruntime spec --rootless`" : "`cruntime spec`";
}

}  // namespace

std::vector<std::string> check_blockers(const HostReport& report) {
  std::vector<std::string> out;
  for (const HostCheck& c : report.checks) {
    if (c.blocks) out.push_back(fmt::format("{}: {}", c.name, c.reason));
  }
  return out;
}

std::string format_check_json(const HostReport& report) {
  nlohmann::ordered_json checks = nlohmann::ordered_json::array();
  for (const HostCheck& c : report.checks) {
    checks.push_back({{"name", c.name},
                      {"status", container::check_status_name(c.status)},
                      {"value", c.value},
                      {"values", c.values},
                      {"reason", c.reason},
                      {"impact", c.impact},
                      {"blocks", c.blocks}});
  }
  nlohmann::ordered_json out{{"canRun", report.can_run()},
                             {"euid", report.euid},
                             {"rootless", report.rootless},
                             {"blockers", check_blockers(report)},
                             {"checks", std::move(checks)}};
  // Invalid UTF-8 (a path, a helper's message) is replaced rather than thrown
  // about.
  return out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

std::string format_check_text(const HostReport& report) {
  std::string out =
      fmt::format("Host check for uid {}{}: can it run the default {} container?\n\n", report.euid,
                  report.rootless ? " (rootless)" : "", default_container(report));
  out += fmt::format("{:<{}} {:<{}} {}\n", "STATUS", kStatusWidth, "CHECK", kNameWidth, "VALUE");
  const std::string indent(kStatusWidth + 1 + kNameWidth + 1, ' ');
  for (const HostCheck& c : report.checks) {
    out += fmt::format("{:<{}} {:<{}} {}\n", container::check_status_name(c.status), kStatusWidth,
                       c.name, kNameWidth, c.value.empty() ? "-" : c.value);
    if (!c.values.empty() && strings::join(c.values, " ") != c.value) {
      out += fmt::format("{}{}\n", indent, strings::join(c.values, ", "));
    }
    if (!c.reason.empty()) out += fmt::format("{}{}\n", indent, c.reason);
    if (!c.impact.empty()) out += fmt::format("{}impact: {}\n", indent, c.impact);
    if (c.blocks) out += fmt::format("{}this stops the default container\n", indent);
  }
  const std::vector<std::string> blockers = check_blockers(report);
  if (blockers.empty()) {
    out += fmt::format("\nResult: this host can run the default {} container.\n",
                       default_container(report));
  } else {
    out += fmt::format("\nResult: this host cannot run the default {} container:\n",
                       default_container(report));
    for (const std::string& b : blockers) out += fmt::format("  - {}\n", b);
  }
  return out;
}

}  // namespace cruntime::cli
