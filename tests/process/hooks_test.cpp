// Unit tests for run_hooks: real hooks run with /bin/sh (stdin, args, env, cwd, timeout, errors).
#include "cruntime/process/hooks.hpp"

#include <stdlib.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "cruntime/base/fs.hpp"
#include "support/temp_dir.hpp"

using cruntime::Result;
using cruntime::process::HookKind;
using cruntime::process::run_hooks;
using cruntime::spec::Hook;
using cruntime::spec::Hooks;
using cruntime::test::TempDir;

namespace {

constexpr const char* kState =
    R"({"ociVersion":"1.2.0","id":"c1","status":"created","pid":42,"bundle":"/b"})";

Hook sh(std::string script, std::optional<std::vector<std::string>> env = std::nullopt) {
  Hook hook;
  hook.path = "/bin/sh";
  hook.args = std::vector<std::string>{"sh", "-c", std::move(script)};
  hook.env = std::move(env);
  return hook;
}

// `list` as the `kind` list of a config's hooks (the other lists stay absent).
std::optional<Hooks> only(HookKind kind, std::vector<Hook> list) {
  Hooks hooks;
  switch (kind) {
    case HookKind::kPrestart: hooks.prestart = std::move(list); break;
    case HookKind::kCreateRuntime: hooks.create_runtime = std::move(list); break;
    case HookKind::kCreateContainer: hooks.create_container = std::move(list); break;
    case HookKind::kStartContainer: hooks.start_container = std::move(list); break;
    case HookKind::kPoststart: hooks.poststart = std::move(list); break;
    case HookKind::kPoststop: hooks.poststop = std::move(list); break;
  }
  return hooks;
}

Result<void> run(HookKind kind, std::vector<Hook> list, std::string_view state,
                 const std::string& cwd, const std::vector<std::string>* default_env = nullptr) {
  return run_hooks(only(kind, std::move(list)), kind, state, cwd, default_env);
}

std::string read(const std::string& path) {
  auto text = cruntime::fs::read_file(path);
  REQUIRE(text);
  return *text;
}

}  // namespace

TEST_CASE("run_hooks: the state JSON arrives on stdin, then EOF", "[process]") {
  TempDir dir;
  std::vector<Hook> hooks{sh("cat > " + dir.join("stdin"))};
  auto ran = run(HookKind::kPrestart, hooks, kState, dir.path());
  INFO((ran ? "" : ran.error().to_string()));
  REQUIRE(ran);
  CHECK(read(dir.join("stdin")) == kState);
}

TEST_CASE("run_hooks: args and env are passed exactly, cwd is honoured", "[process]") {
  TempDir dir;
  Hook hook =
      sh(R"sh(printf '%s|%s|%s|%s|%s|%s' "$0" "$1" "$#" "$FOO" "${HOME-unset}" "$(pwd)" > out)sh",
         std::vector<std::string>{"FOO=a b", "EMPTY="});
  hook.args->push_back("zero");
  hook.args->push_back("one two");
  std::vector<Hook> hooks{hook};
  REQUIRE(run(HookKind::kCreateRuntime, hooks, kState, dir.path()));
  // Only the listed variables: HOME from the runtime's environment must not leak in.
  CHECK(read(dir.join("out")) == "zero|one two|1|a b|unset|" + dir.path());
}

TEST_CASE("run_hooks: without args argv is [path]", "[process]") {
  TempDir dir;
  std::string script = dir.join("hook.sh");
  REQUIRE(cruntime::fs::write_file_atomic(script, "#!/bin/sh\nprintf '%s:%s' \"$0\" \"$#\" > out\n",
                                          0755));
  Hook hook;
  hook.path = script;
  std::vector<Hook> hooks{hook};
  REQUIRE(run(HookKind::kPoststart, hooks, kState, dir.path()));
  CHECK(read(dir.join("out")) == script + ":0");
}

TEST_CASE("run_hooks: an absent or empty env inherits the runtime's environment", "[process]") {
  TempDir dir;
  REQUIRE(::setenv("CRUNTIME_HOOK_TEST", "inherited", 1) == 0);
  Hook absent = sh("printf '%s' \"$CRUNTIME_HOOK_TEST\" > absent");
  Hook empty = sh("printf '%s' \"$CRUNTIME_HOOK_TEST\" > empty", std::vector<std::string>{});
  std::vector<Hook> hooks{absent, empty};
  REQUIRE(run(HookKind::kPrestart, hooks, kState, dir.path()));
  ::unsetenv("CRUNTIME_HOOK_TEST");
  CHECK(read(dir.join("absent")) == "inherited");
  CHECK(read(dir.join("empty")) == "inherited");
}

TEST_CASE("run_hooks: with default_env a hook without env gets that instead", "[process]") {
  TempDir dir;
  REQUIRE(::setenv("CRUNTIME_HOOK_TEST", "inherited", 1) == 0);
  std::vector<Hook> one{sh("printf '%s/%s' \"$C\" \"${CRUNTIME_HOOK_TEST-unset}\" > dflt")};
  const std::vector<std::string> container_env{"C=container"};
  auto ran = run(HookKind::kStartContainer, one, kState, dir.path(), &container_env);
  ::unsetenv("CRUNTIME_HOOK_TEST");
  REQUIRE(ran);
  CHECK(read(dir.join("dflt")) == "container/unset");
}

TEST_CASE("run_hooks: a non-zero exit fails with the status and the captured output", "[process]") {
  TempDir dir;
  std::vector<Hook> hooks{sh("echo to-stdout; echo 'oops: bad' >&2; exit 3"),
                          sh("touch " + dir.join("second"))};
  auto ran = run(HookKind::kPrestart, hooks, kState, dir.path());
  REQUIRE_FALSE(ran);
  CHECK(ran.error().to_string() ==
        "prestart hook #0 (/bin/sh): exited with status 3: to-stdout\noops: bad");
  CHECK_FALSE(cruntime::fs::read_file(dir.join("second")));  // stopped at the first failure
}

TEST_CASE("run_hooks: a hook killed by a signal names the signal", "[process]") {
  TempDir dir;
  std::vector<Hook> hooks{sh("true"), sh("kill -TERM $$")};
  auto ran = run(HookKind::kPoststart, hooks, kState, dir.path());
  REQUIRE_FALSE(ran);
  CHECK(ran.error().to_string() == "poststart hook #1 (/bin/sh): killed by signal SIGTERM");
}

TEST_CASE("run_hooks: a hook over its timeout is killed after about that long", "[process]") {
  TempDir dir;
  Hook hook = sh("echo started; exec sleep 30");
  // 2 s: time enough for the shell to print "started" on a loaded machine.
  hook.timeout = 2;
  std::vector<Hook> hooks{hook};
  auto start = std::chrono::steady_clock::now();
  auto ran = run(HookKind::kCreateRuntime, hooks, kState, dir.path());
  auto elapsed = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(ran);
  CHECK(ran.error().to_string() == "createRuntime hook #0 (/bin/sh): timed out after 2 s: started");
  CHECK(elapsed >= std::chrono::milliseconds(1900));
  CHECK(elapsed < std::chrono::seconds(10));
}

TEST_CASE("run_hooks: a missing or non-executable path is a clear error", "[process]") {
  TempDir dir;
  SECTION("missing") {
    Hook hook;
    hook.path = dir.join("no-such-hook");
    std::vector<Hook> hooks{hook};
    auto ran = run(HookKind::kPrestart, hooks, kState, dir.path());
    REQUIRE_FALSE(ran);
    CHECK(ran.error().code() == ENOENT);
    CHECK(ran.error().to_string() ==
          fmt::format("prestart hook #0 ({0}): exec {0}: No such file or directory (ENOENT)",
                      hook.path));
  }
  SECTION("not executable") {
    Hook hook;
    hook.path = dir.join("plain");
    REQUIRE(cruntime::fs::write_file_atomic(hook.path, "#!/bin/sh\n", 0644));
    std::vector<Hook> hooks{hook};
    auto ran = run(HookKind::kPrestart, hooks, kState, dir.path());
    REQUIRE_FALSE(ran);
    CHECK(ran.error().code() == EACCES);
    CHECK_THAT(ran.error().to_string(), Catch::Contains("exec " + hook.path));
  }
  SECTION("cwd missing") {
    std::vector<Hook> hooks{sh("true")};
    auto ran = run(HookKind::kPrestart, hooks, kState, dir.join("gone"));
    REQUIRE_FALSE(ran);
    CHECK(ran.error().to_string() ==
          fmt::format("prestart hook #0 (/bin/sh): chdir {}: No such file "
                      "or directory (ENOENT)",
                      dir.join("gone")));
  }
}

TEST_CASE("run_hooks: big states and big outputs neither block nor grow the error", "[process]") {
  TempDir dir;
  std::string state(300 * 1024, 'x');  // several pipe buffers
  SECTION("a hook that never reads stdin still finishes") {
    std::vector<Hook> hooks{sh("exit 0")};
    REQUIRE(run(HookKind::kPrestart, hooks, state, dir.path()));
  }
  SECTION("a hook that reads it all gets every byte") {
    std::vector<Hook> hooks{sh("wc -c > count")};
    REQUIRE(run(HookKind::kPrestart, hooks, state, dir.path()));
    CHECK(std::stoul(read(dir.join("count"))) == state.size());
  }
  SECTION("only the start of a flood of output is kept") {
    std::vector<Hook> hooks{sh("head -c 200000 /dev/zero | tr '\\0' y >&2; exit 1")};
    auto ran = run(HookKind::kPrestart, hooks, kState, dir.path());
    REQUIRE_FALSE(ran);
    std::string message = ran.error().to_string();
    CHECK(message.size() < 4200);
    CHECK_THAT(message, Catch::EndsWith("yyy [...]"));
  }
}

TEST_CASE("run_hooks: poststop runs every hook even after a failure and succeeds", "[process]") {
  TempDir dir;
  std::vector<Hook> hooks{sh("exit 1"), sh("touch " + dir.join("ran"))};
  REQUIRE(run(HookKind::kPoststop, hooks, kState, dir.path()));
  CHECK(cruntime::fs::read_file(dir.join("ran")));
}

TEST_CASE("run_hooks: every other kind stops at its first failure", "[process]") {
  TempDir dir;
  for (HookKind kind : {HookKind::kPrestart, HookKind::kCreateRuntime, HookKind::kCreateContainer,
                        HookKind::kStartContainer, HookKind::kPoststart}) {
    std::vector<Hook> hooks{sh("exit 1"), sh("touch " + dir.join("ran"))};
    auto ran = run(kind, hooks, kState, dir.path());
    REQUIRE_FALSE(ran);
    CHECK_THAT(ran.error().to_string(),
               Catch::StartsWith(std::string(cruntime::process::hook_kind_name(kind)) +
                                 " hook #0 (/bin/sh): exited with status 1"));
    CHECK_FALSE(cruntime::fs::read_file(dir.join("ran")));
  }
}

TEST_CASE("run_hooks: only the list of the kind runs; no hooks at all is success", "[process]") {
  TempDir dir;
  CHECK(run_hooks(std::nullopt, HookKind::kPrestart, kState, dir.path()));
  Hooks hooks;
  hooks.prestart = std::vector<Hook>{sh("touch prestart")};
  hooks.poststop = std::vector<Hook>{sh("touch poststop")};
  REQUIRE(run_hooks(hooks, HookKind::kCreateRuntime, kState, dir.path()));
  CHECK_FALSE(cruntime::fs::read_file(dir.join("prestart")));
  REQUIRE(run_hooks(hooks, HookKind::kPoststop, kState, dir.path()));
  CHECK_FALSE(cruntime::fs::read_file(dir.join("prestart")));
  CHECK(cruntime::fs::read_file(dir.join("poststop")));
}

TEST_CASE("hook_kind_name and hooks_of: one table, the config's keys and lists", "[process]") {
  using cruntime::process::hook_kind_name;
  using cruntime::process::hooks_of;
  CHECK(hook_kind_name(HookKind::kPrestart) == "prestart");
  CHECK(hook_kind_name(HookKind::kCreateRuntime) == "createRuntime");
  CHECK(hook_kind_name(HookKind::kCreateContainer) == "createContainer");
  CHECK(hook_kind_name(HookKind::kStartContainer) == "startContainer");
  CHECK(hook_kind_name(HookKind::kPoststart) == "poststart");
  CHECK(hook_kind_name(HookKind::kPoststop) == "poststop");
  Hooks hooks;
  hooks.create_container = std::vector<Hook>{sh("a"), sh("b")};
  CHECK(hooks_of(hooks, HookKind::kCreateContainer).size() == 2);
  CHECK(hooks_of(hooks, HookKind::kCreateContainer)[1].args->back() == "b");
  CHECK(hooks_of(hooks, HookKind::kStartContainer).empty());
}
