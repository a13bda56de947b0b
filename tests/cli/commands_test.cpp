// Unit tests for the CLI command table, help texts, `spec` file writing and the `list` table.
#include "../src/cli/commands.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "cruntime/base/fs.hpp"
#include "cruntime/base/strings.hpp"
#include "cruntime/spec/defaults.hpp"
#include "cruntime/spec/io.hpp"
#include "support/temp_dir.hpp"

namespace cli = cruntime::cli;
using Args = std::vector<std::string>;

namespace {

cli::ParsedArgs parse_command(std::string_view name, const Args& args) {
  const cli::Command* command = cli::find_command(name);
  REQUIRE(command != nullptr);
  auto parsed = cli::parse_args(command->name, command->options, command->stop, args);
  INFO((parsed ? std::string() : parsed.error().to_string()));
  REQUIRE(parsed);
  return *parsed;
}

cruntime::spec::State make_state(std::string id, int pid, cruntime::spec::Status status,
                                 std::string bundle) {
  cruntime::spec::State state;
  state.id = std::move(id);
  state.pid = pid;
  state.status = status;
  state.bundle = std::move(bundle);
  state.created = "2025-01-02T03:04:05.123456789Z";
  state.owner = "root";
  return state;
}

}  // namespace

TEST_CASE("command table: every runc subcommand is known", "[cli]") {
  for (const char* name :
       {"checkpoint", "create", "delete", "events", "exec", "kill", "list", "pause", "ps",
        "restore", "resume", "run", "spec", "start", "state", "update", "features", "check"}) {
    INFO(name);
    const cli::Command* command = cli::find_command(name);
    REQUIRE(command != nullptr);
    CHECK(command->run != nullptr);
    CHECK_FALSE(command->summary.empty());
  }
  CHECK(cli::command_table().size() == 18);
  CHECK(cli::find_command("help") == nullptr);
  CHECK(cli::find_command("init") == nullptr);  // internal re-exec is never a user command
}

TEST_CASE("command table: every runc flag of every command parses", "[cli]") {
  struct Case {
    const char* command;
    Args args;
  };
  const std::vector<Case> cases = {
      {"create",
       {"-b", "b", "--console-socket", "s", "--pidfd-socket", "p", "--pid-file", "f", "--no-pivot",
        "--no-new-keyring", "--preserve-fds", "2", "id"}},
      {"run",
       {"--bundle=b", "-d", "--keep", "--no-subreaper", "--pid-file=f", "--no-pivot",
        "--no-new-keyring", "--preserve-fds=1", "--console-socket=s", "--pidfd-socket=p", "id"}},
      {"exec",
       {"--console-socket",
        "s",
        "--pidfd-socket",
        "p",
        "--cwd",
        "/",
        "-e",
        "A=1",
        "-t",
        "-u",
        "1:2",
        "-g",
        "5",
        "-p",
        "proc.json",
        "-d",
        "--pid-file",
        "f",
        "--process-label",
        "l",
        "--apparmor",
        "a",
        "--no-new-privs",
        "-c",
        "CAP_KILL",
        "--preserve-fds",
        "1",
        "--cgroup",
        "cpu,cpuacct:/x",
        "--ignore-paused",
        "id"}},
      {"kill", {"-a", "id", "9"}},
      {"delete", {"-f", "id"}},
      {"events", {"--interval=5s", "--stats", "id"}},
      {"ps", {"-f", "json", "id"}},
      {"list", {"-f", "json", "-q"}},
      {"spec", {"-b", "d", "--rootless"}},
      {"update",
       {"-r",
        "-",
        "--blkio-weight",
        "10",
        "--cpu-period",
        "1",
        "--cpu-quota",
        "1",
        "--cpu-burst",
        "1",
        "--cpu-share",
        "1",
        "--cpu-rt-period",
        "1",
        "--cpu-rt-runtime",
        "1",
        "--cpuset-cpus",
        "0",
        "--cpuset-mems",
        "0",
        "--kernel-memory",
        "1",
        "--kernel-memory-tcp",
        "1",
        "--memory",
        "1m",
        "--cpu-idle",
        "1",
        "--memory-reservation",
        "1",
        "--memory-swap",
        "1",
        "--pids-limit",
        "1",
        "--l3-cache-schema",
        "x",
        "--mem-bw-schema",
        "y",
        "id"}},
      {"checkpoint",
       {"--image-path",
        "i",
        "--work-path",
        "w",
        "--parent-path",
        "p",
        "--leave-running",
        "--tcp-established",
        "--tcp-skip-in-flight",
        "--link-remap",
        "--ext-unix-sk",
        "--shell-job",
        "--lazy-pages",
        "--status-fd",
        "3",
        "--page-server",
        "h:1",
        "--file-locks",
        "--pre-dump",
        "--manage-cgroups-mode",
        "soft",
        "--empty-ns",
        "network",
        "--auto-dedup",
        "id"}},
      {"restore",
       {"--console-socket",
        "s",
        "--image-path",
        "i",
        "--work-path",
        "w",
        "--tcp-established",
        "--ext-unix-sk",
        "--shell-job",
        "--file-locks",
        "--manage-cgroups-mode",
        "full",
        "-b",
        "b",
        "-d",
        "--pid-file",
        "f",
        "--no-subreaper",
        "--no-pivot",
        "--empty-ns",
        "network",
        "--auto-dedup",
        "--lazy-pages",
        "--lsm-profile",
        "selinux:x",
        "--lsm-mount-context",
        "c",
        "id"}},
  };
  for (const Case& c : cases) {
    INFO(c.command);
    cli::ParsedArgs parsed = parse_command(c.command, c.args);
    const cli::Command* command = cli::find_command(c.command);
    CHECK(cli::check_arity(command->name, command->arity, parsed.positionals.size()));
  }
  CHECK(parse_command("exec", {"--cgroup", "cpu,cpuacct:/x", "-e", "A=1,B", "id", "x"})
            .all("cgroup") == Args{"cpu,cpuacct:/x"});
}

TEST_CASE("command table: exec, kill and ps pass everything after the id through", "[cli]") {
  cli::ParsedArgs exec = parse_command("exec", {"-t", "ctr", "sh", "-c", "echo x", "--env", "y"});
  CHECK(exec.flag("tty"));
  CHECK_FALSE(exec.is_set("env"));
  CHECK(exec.positionals == Args{"ctr", "sh", "-c", "echo x", "--env", "y"});

  CHECK(parse_command("kill", {"ctr", "-a"}).positionals == Args{"ctr", "-a"});
  CHECK_FALSE(parse_command("kill", {"ctr", "--all"}).flag("all"));
  CHECK(parse_command("kill", {"--all", "ctr", "KILL"}).flag("all"));

  cli::ParsedArgs ps = parse_command("ps", {"-f", "json", "ctr", "-o", "pid,cmd"});
  CHECK(ps.value("format") == "json");
  CHECK(ps.positionals == Args{"ctr", "-o", "pid,cmd"});

  // Other commands keep parsing after the id (`delete ID -f`).
  CHECK(parse_command("delete", {"ctr", "-f"}).flag("force"));
  const cli::Command* state = cli::find_command("state");
  CHECK_FALSE(cli::parse_args(state->name, state->options, state->stop, Args{"ctr", "-f"}));
}

TEST_CASE("command table: unimplemented commands fail, never succeed", "[cli]") {
  cruntime::container::GlobalOptions global;
  cli::ParsedArgs args;
  args.positionals = {"ctr"};
  for (const cli::Command& command : cli::command_table()) {
    INFO(command.name);
    static const std::set<std::string_view> kImplemented = {
        "spec",   "features", "state", "list",   "create", "start", "run",
        "kill",   "delete",   "pause", "resume", "ps",     "events", "update", "exec", "check"};
    bool implemented = kImplemented.count(command.name) != 0;
    CHECK((command.run == &cli::run_not_implemented) == !implemented);
    if (implemented) continue;
    auto status = command.run(cli::Invocation{command.name, global, args});
    REQUIRE_FALSE(status);
    CHECK(status.error().to_string() == fmt::format("{}: not implemented yet", command.name));
  }
}

TEST_CASE("command table: exec fails with 255, every other command with 1 (cli-contract §4)",
          "[cli]") {
  for (const cli::Command& command : cli::command_table()) {
    INFO(command.name);
    CHECK(command.failure_status == (command.name == "exec" ? 255 : 1));
  }
}

TEST_CASE("help: app help lists the commands, command help lists every visible flag", "[cli]") {
  std::string app = cli::app_help();
  for (const cli::Command& command : cli::command_table()) {
    bool listed = app.find(fmt::format("\n  {} ", command.name)) != std::string::npos;
    CHECK(listed == command.listed);
    std::string help = cli::command_help(command);
    CHECK_THAT(help, Catch::StartsWith(fmt::format("Usage: cruntime {} ", command.name)));
    CHECK_THAT(help, Catch::Contains("-h, --help"));
    for (const cli::OptionSpec& option : command.options) {
      bool shown = help.find(fmt::format("--{}", option.name)) != std::string::npos;
      CHECK(shown == !option.hidden);
    }
  }
  CHECK_THAT(app, Catch::Contains("--root DIR"));
  CHECK_THAT(app, !Catch::Contains("--criu"));
}

TEST_CASE("version_text: four lines like runc's", "[cli]") {
  std::vector<std::string> lines = cruntime::strings::split(cli::version_text(), '\n');
  REQUIRE(lines.size() == 5);
  CHECK_THAT(lines[0], Catch::StartsWith("cruntime version "));
  CHECK_THAT(lines[1], Catch::StartsWith("commit: "));
  CHECK(lines[2] == "spec: 1.3.0");
  CHECK_THAT(lines[3], Catch::Matches("libseccomp: [0-9]+\\.[0-9]+\\.[0-9]+"));
  CHECK(lines[4].empty());
}

TEST_CASE("format_list_table: Go tabwriter layout, min width 12, padding 3", "[cli]") {
  CHECK(cli::format_list_table({}) ==
        "ID          PID         STATUS      BUNDLE      CREATED     OWNER\n");
  std::string table = cli::format_list_table(
      {make_state("a", 42, cruntime::spec::Status::kRunning, "/b"),
       make_state("long-container-id", 0, cruntime::spec::Status::kStopped, "/bündle")});
  std::vector<std::string> lines = cruntime::strings::split(table, '\n');
  REQUIRE(lines.size() == 4);
  // Checked against Go's text/tabwriter with runc's settings (list.go).
  // ID column: 17 runes + 3; BUNDLE: max(12, 7 + 3); CREATED: 30 + 3; OWNER: unpadded.
  CHECK(lines[0] ==
        "ID                  PID         STATUS      BUNDLE      CREATED"
        "                          OWNER");
  CHECK(lines[1] ==
        "a                   42          running     /b          "
        "2025-01-02T03:04:05.123456789Z   root");
  CHECK(lines[2] ==
        "long-container-id   0           stopped     /bündle     "
        "2025-01-02T03:04:05.123456789Z   root");
  CHECK(lines[3].empty());
}

TEST_CASE("write_starter_config: runc's config.json, never overwriting", "[cli]") {
  cruntime::test::TempDir dir;
  REQUIRE(cli::write_starter_config(dir.path(), false, 1000, 1000));
  std::string text = cruntime::fs::read_file(dir.join("config.json")).value();
  CHECK(text == cruntime::spec::dump_config_tabs(cruntime::spec::default_config()));
  CHECK(cruntime::spec::parse_config(text).value() == cruntime::spec::default_config());

  struct stat st {};
  REQUIRE(::stat(dir.join("config.json").c_str(), &st) == 0);
  mode_t mask = ::umask(0);
  ::umask(mask);
  CHECK((st.st_mode & 07777) == (0666 & ~mask));

  auto again = cli::write_starter_config(dir.path() + "/", true, 1000, 1000);
  REQUIRE_FALSE(again);
  CHECK(again.error().to_string() ==
        fmt::format("File {}/config.json exists. Remove it first", dir.path()));
  CHECK(cruntime::fs::read_file(dir.join("config.json")).value() == text);  // untouched

  // A dangling symlink is not followed.
  cruntime::test::TempDir other;
  REQUIRE(::symlink(other.join("elsewhere").c_str(), other.join("config.json").c_str()) == 0);
  CHECK_FALSE(cli::write_starter_config(other.path(), false, 0, 0));
  CHECK_FALSE(cruntime::fs::read_file(other.join("elsewhere")));

  auto missing = cli::write_starter_config(dir.join("missing"), false, 0, 0);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code() == ENOENT);
}

TEST_CASE("write_starter_config: --rootless writes the rootless variant", "[cli]") {
  cruntime::test::TempDir dir;
  REQUIRE(cli::write_starter_config(dir.path(), true, 1234, 5678));
  std::string text = cruntime::fs::read_file(dir.join("config.json")).value();
  CHECK(cruntime::spec::parse_config(text).value() == cruntime::spec::rootless_config(1234, 5678));
}
