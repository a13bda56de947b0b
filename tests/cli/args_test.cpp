// Unit tests for the CLI option parser and the global options (cli-contract §1, §2).
#include "../src/cli/args.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "../src/cli/globals.hpp"

namespace cli = cruntime::cli;
using cli::OptionKind;
using cli::OptionSpec;
using cli::StopAt;
using Args = std::vector<std::string>;

namespace {

constexpr std::array kOptions = {
    OptionSpec{"bundle", 'b', OptionKind::kValue, "DIR", "bundle"},
    OptionSpec{"detach", 'd', OptionKind::kBool, "", "detach"},
    OptionSpec{"env", 'e', OptionKind::kRepeatable, "K=V", "env"},
    OptionSpec{"cgroup", 0, OptionKind::kRepeatable, "PATH", "cgroup"},
    OptionSpec{"pid-file", 0, OptionKind::kValue, "PATH", "pid file"},
};

cli::ParsedArgs parse_ok(const Args& args, StopAt stop = StopAt::kNever) {
  auto parsed = cli::parse_args("create", kOptions, stop, args);
  INFO((parsed ? std::string() : parsed.error().to_string()));
  REQUIRE(parsed);
  return *parsed;
}

std::string parse_error(const Args& args, StopAt stop = StopAt::kNever) {
  auto parsed = cli::parse_args("create", kOptions, stop, args);
  REQUIRE_FALSE(parsed);
  return parsed.error().to_string();
}

cli::ProcessEnv root_env() {
  cli::ProcessEnv env;
  env.cwd = "/home/u/work";
  env.euid = 0;
  return env;
}

}  // namespace

TEST_CASE("parse_args: --opt value, --opt=value, -opt value and -opt=value", "[cli]") {
  for (const Args& args :
       {Args{"--bundle", "/b"}, Args{"--bundle=/b"}, Args{"-bundle", "/b"}, Args{"-bundle=/b"},
        Args{"-b", "/b"}, Args{"-b=/b"}, Args{"--b", "/b"}}) {
    cli::ParsedArgs parsed = parse_ok(args);
    CHECK(parsed.value("bundle") == "/b");
    CHECK(parsed.positionals.empty());
  }
  CHECK(parse_ok({"--pid-file=a=b"}).value("pid-file") == "a=b");
  CHECK(parse_ok({"--pid-file="}).value("pid-file", "unset").empty());
  CHECK(parse_ok({"--pid-file", "-x"}).value("pid-file") == "-x");  // a value may start with '-'
  CHECK(parse_ok({"-b", "/one", "--bundle", "/two"}).value("bundle") == "/two");  // last wins
}

TEST_CASE("parse_args: booleans take no value but accept =true/=false", "[cli]") {
  cli::ParsedArgs parsed = parse_ok({"-d", "ctr"});
  CHECK(parsed.flag("detach"));
  CHECK(parsed.positionals == Args{"ctr"});
  CHECK(parse_ok({"--detach=true"}).flag("detach"));
  CHECK_FALSE(parse_ok({"--detach=false"}).flag("detach"));
  CHECK(parse_ok({"--detach=false"}).is_set("detach"));
  CHECK_FALSE(parse_ok({"--detach=0", "ctr"}).flag("detach"));
  CHECK(parse_ok({"-detach=T"}).flag("detach"));
  CHECK_FALSE(parse_ok({}).flag("detach"));
  CHECK_FALSE(parse_ok({}).is_set("detach"));
  CHECK(parse_error({"--detach=yes"}) == "create: invalid boolean value \"yes\" for --detach");
}

TEST_CASE("parse_args: repeatables keep order and never split on commas", "[cli]") {
  cli::ParsedArgs parsed =
      parse_ok({"-e", "A=1", "--env=B=2,3", "--cgroup", "cpu,cpuacct:/x", "-env", "A=9"});
  CHECK(parsed.all("env") == Args{"A=1", "B=2,3", "A=9"});
  CHECK(parsed.all("cgroup") == Args{"cpu,cpuacct:/x"});
  CHECK(parsed.all("pid-file").empty());
}

TEST_CASE("parse_args: -- ends the options", "[cli]") {
  cli::ParsedArgs parsed = parse_ok({"-d", "--", "--bundle", "-x", "--"});
  CHECK(parsed.flag("detach"));
  CHECK_FALSE(parsed.is_set("bundle"));
  CHECK(parsed.positionals == Args{"--bundle", "-x", "--"});
}

TEST_CASE("parse_args: options may follow positionals unless parsing stops there", "[cli]") {
  cli::ParsedArgs mixed = parse_ok({"ctr", "-d", "--env", "A=1"});
  CHECK(mixed.positionals == Args{"ctr"});
  CHECK(mixed.flag("detach"));

  cli::ParsedArgs stopped =
      parse_ok({"-d", "ctr", "sh", "-c", "echo --bundle", "--env", "X"}, StopAt::kFirstPositional);
  CHECK(stopped.flag("detach"));
  CHECK_FALSE(stopped.is_set("env"));
  CHECK(stopped.positionals == Args{"ctr", "sh", "-c", "echo --bundle", "--env", "X"});
  // Unknown flags after the id are passed through, not rejected (`ps ID -o pid,cmd`).
  CHECK(parse_ok({"ctr", "-o", "pid,cmd"}, StopAt::kFirstPositional).positionals ==
        Args{"ctr", "-o", "pid,cmd"});
  // `kill ID -9` style: a dash followed by a non-letter is a positional anyway.
  CHECK(parse_ok({"ctr", "-9"}).positionals == Args{"ctr", "-9"});
  CHECK(parse_ok({"-", ""}).positionals == Args{"-", ""});
}

TEST_CASE("parse_args: unknown flags and missing values are errors naming the command", "[cli]") {
  CHECK(parse_error({"--foo"}) == "create: unknown flag: --foo");
  CHECK(parse_error({"-x=1"}) == "create: unknown flag: -x");
  CHECK(parse_error({"ctr", "--foo=bar"}) == "create: unknown flag: --foo");
  CHECK(parse_error({"-bd", "x"}) == "create: unknown flag: -bd");  // no short-flag bundling
  CHECK(parse_error({"--bundle"}) == "create: flag needs a value: --bundle");
  CHECK(parse_error({"ctr", "-b"}) == "create: flag needs a value: -b");
  // Before the first positional, a stopping parser still rejects unknown flags.
  CHECK(parse_error({"--foo", "ctr"}, StopAt::kFirstPositional) == "create: unknown flag: --foo");
  auto global = cli::parse_args("", kOptions, StopAt::kNever, Args{"--nope"});
  REQUIRE_FALSE(global);
  CHECK(global.error().to_string() == "unknown flag: --nope");
}

TEST_CASE("parse_args: -h and --help are implicit", "[cli]") {
  CHECK(parse_ok({"-h"}).flag(cli::kHelpOption));
  CHECK(parse_ok({"ctr", "--help"}).flag(cli::kHelpOption));
}

TEST_CASE("check_arity: runc's wording for wrong positional counts", "[cli]") {
  CHECK(cli::check_arity("state", cli::Arity::exactly(1), 1));
  CHECK(cli::check_arity("state", cli::Arity::exactly(1), 0).error().to_string() ==
        "\"state\" requires exactly 1 argument(s)");
  CHECK(cli::check_arity("list", cli::Arity::exactly(0), 2).error().to_string() ==
        "\"list\" requires exactly 0 argument(s)");
  CHECK(cli::check_arity("exec", cli::Arity::at_least(1), 5));
  CHECK(cli::check_arity("exec", cli::Arity::at_least(1), 0).error().to_string() ==
        "\"exec\" requires a minimum of 1 argument(s)");
  CHECK(cli::check_arity("kill", cli::Arity::between(1, 2), 3).error().to_string() ==
        "\"kill\" requires a maximum of 2 argument(s)");
}

TEST_CASE("parse_globals: options before the command, the rest left to the command", "[cli]") {
  auto globals = cli::parse_globals(
      Args{"--root", "/tmp/r", "--log=/l.json", "-log-format", "json", "--debug",
           "--systemd-cgroup", "--rootless=false", "state", "--root", "x", "ctr"},
      root_env());
  REQUIRE(globals);
  CHECK(globals->options.root == "/tmp/r");
  CHECK_FALSE(globals->options.root_is_default);
  CHECK(globals->log.path == "/l.json");
  CHECK(globals->log.format == cruntime::log::Format::kJson);
  CHECK(globals->log.level == cruntime::log::Level::kDebug);
  CHECK(globals->options.debug);
  CHECK(globals->options.systemd_cgroup);
  CHECK(globals->options.rootless == "false");
  CHECK(globals->command == "state");
  CHECK(globals->command_args == Args{"--root", "x", "ctr"});
}

TEST_CASE("parse_globals: defaults, --criu, --version and --help", "[cli]") {
  auto globals = cli::parse_globals(Args{"list"}, root_env());
  REQUIRE(globals);
  CHECK(globals->options.root == "/run/cruntime");
  CHECK(globals->options.root_is_default);
  CHECK(globals->log.format == cruntime::log::Format::kText);
  CHECK(globals->log.path.empty());
  CHECK(globals->options.rootless == "auto");
  CHECK_FALSE(globals->criu_given);

  auto criu = cli::parse_globals(Args{"--criu", "/usr/sbin/criu", "list"}, root_env());
  REQUIRE(criu);
  CHECK(criu->criu_given);
  CHECK(criu->command == "list");

  auto version = cli::parse_globals(Args{"-v"}, root_env());
  REQUIRE(version);
  CHECK(version->version);
  CHECK(version->command.empty());
  auto help = cli::parse_globals(Args{"--help"}, root_env());
  REQUIRE(help);
  CHECK(help->help);
  CHECK_FALSE(cli::parse_globals(Args{"--bundle", "x", "list"}, root_env()));
}

TEST_CASE("parse_globals: --root is made absolute and / is rejected", "[cli]") {
  auto relative = cli::parse_globals(Args{"--root", "state/../run//", "list"}, root_env());
  REQUIRE(relative);
  CHECK(relative->options.root == "/home/u/work/run");
  CHECK(cli::absolute_root("/a/b/", root_env()).value() == "/a/b");
  CHECK(cli::absolute_root("", root_env()).value() == "/home/u/work");
  for (const char* bad : {"/", "../../..", "//", "/tmp/.."}) {
    INFO(bad);
    auto r = cli::parse_globals(Args{"--root", bad, "list"}, root_env());
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().to_string(), Catch::Contains("--root must not be \"/\""));
  }
  cli::ProcessEnv at_slash = root_env();
  at_slash.cwd = "/";
  CHECK_FALSE(cli::absolute_root(".", at_slash));
  CHECK_FALSE(cli::absolute_root("", at_slash));
}

TEST_CASE("parse_globals: --log-format and --rootless are validated", "[cli]") {
  auto bad = cli::parse_globals(Args{"--log-format", "xml", "list"}, root_env());
  REQUIRE_FALSE(bad);
  CHECK(bad.error().to_string() == "invalid log-format \"xml\"");
  REQUIRE(cli::parse_globals(Args{"--log-format=text", "list"}, root_env()));
  CHECK_FALSE(cli::parse_globals(Args{"--log-format=", "list"}, root_env()));
  CHECK_FALSE(cli::parse_globals(Args{"--log-format"}, root_env()));
  CHECK(cli::parse_globals(Args{"--rootless", "1", "list"}, root_env())->options.rootless ==
        "true");
  CHECK(cli::parse_globals(Args{"--rootless=auto", "list"}, root_env())->options.rootless ==
        "auto");
  CHECK_FALSE(cli::parse_globals(Args{"--rootless=maybe", "list"}, root_env()));
}

TEST_CASE("xdg_default_root: runc's rule for $XDG_RUNTIME_DIR", "[cli]") {
  cli::ProcessEnv env = root_env();
  env.xdg_runtime_dir = "/run/user/1000";
  CHECK_FALSE(cli::xdg_default_root(env));  // real root ignores it
  env.euid = 1000;
  CHECK(cli::xdg_default_root(env) == "/run/user/1000/cruntime");
  auto globals = cli::parse_globals(Args{"list"}, env);
  REQUIRE(globals);
  CHECK(globals->options.root == "/run/user/1000/cruntime");
  CHECK(globals->root_from_xdg);
  CHECK(globals->options.root_is_default);

  env.euid = 0;
  env.in_user_namespace = true;
  CHECK(cli::xdg_default_root(env) == "/run/user/1000/cruntime");  // $USER unset
  env.user = "root";
  CHECK_FALSE(cli::xdg_default_root(env));
  env.user = "alice";
  CHECK(cli::xdg_default_root(env));
  env.xdg_runtime_dir = "";
  CHECK_FALSE(cli::xdg_default_root(env));
}
