// The mount-source exchange: when the init asks, and what the runtime's answer gives it.
#include "cruntime/process/mount_sources.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace cruntime::process {
namespace {

spec::Mount bind_of(std::string source) {
  spec::Mount mount;
  mount.destination = "/m";
  mount.type = "bind";
  mount.source = std::move(source);
  mount.options = std::vector<std::string>{"rbind"};
  return mount;
}

spec::Mount tmpfs() {
  spec::Mount mount;
  mount.destination = "/t";
  mount.type = "tmpfs";
  mount.source = "tmpfs";
  return mount;
}

spec::Config config_with(std::vector<spec::Namespace> namespaces, std::vector<spec::Mount> mounts) {
  spec::Config config;
  config.linux_config.emplace();
  config.linux_config->namespaces = std::move(namespaces);
  config.mounts = std::move(mounts);
  return config;
}

InitContext context_for(const spec::Config& config) {
  InitContext context;
  context.config = &config;
  auto plan = plan_namespaces(config);
  REQUIRE(plan);
  context.plan = *plan;
  return context;
}

}  // namespace

TEST_CASE("needs_mount_sources: a user and a mount namespace, and a bind", "[process]") {
  const std::vector<spec::Namespace> user_mount = {{"mount", {}}, {"user", {}}};
  CHECK(needs_mount_sources(context_for(config_with(user_mount, {tmpfs(), bind_of("/x")}))));
  // A joined user namespace maps the init just the same.
  CHECK(needs_mount_sources(
      context_for(config_with({{"mount", {}}, {"user", "/proc/1/ns/user"}}, {bind_of("/x")}))));
  CHECK_FALSE(needs_mount_sources(context_for(config_with(user_mount, {tmpfs()}))));
  CHECK_FALSE(needs_mount_sources(context_for(config_with({{"mount", {}}}, {bind_of("/x")}))));
  CHECK_FALSE(needs_mount_sources(context_for(config_with({{"user", {}}}, {bind_of("/x")}))));
}

TEST_CASE("mount sources: the runtime's fds land at their mounts index, the rest stay empty",
          "[process]") {
  test::TempDir tmp;
  const std::string dir = tmp.join("dir");
  REQUIRE(::mkdir(dir.c_str(), 0700) == 0);
  const spec::Config config =
      config_with({{"mount", {}}, {"user", {}}},
                  {tmpfs(), bind_of(dir), bind_of(tmp.join("missing")), bind_of("dir")});
  InitContext context = context_for(config);
  context.bundle = tmp.path();  // the relative "dir" of mounts[3]
  auto pair = SyncSocket::make_pair();
  REQUIRE(pair);
  auto& [runtime, init] = *pair;
  // Our own pid stands in for the init: /proc/<pid>/root is then our root.
  REQUIRE(send_mount_sources(context, ::getpid(), runtime));
  auto fds = receive_mount_sources(context, init);
  REQUIRE(fds);
  REQUIRE(fds->size() == 4);
  struct stat want {};
  REQUIRE(::stat(dir.c_str(), &want) == 0);
  for (size_t i : {size_t{1}, size_t{3}}) {
    INFO("mounts[" << i << "]");
    REQUIRE((*fds)[i]);
    struct stat got {};
    REQUIRE(::fstat((*fds)[i].get(), &got) == 0);
    CHECK(got.st_ino == want.st_ino);
    CHECK(::fcntl((*fds)[i].get(), F_GETFD) == FD_CLOEXEC);
  }
  CHECK_FALSE((*fds)[0]);
  CHECK_FALSE((*fds)[2]);  // missing: the init's own stat reports it, as without a userns
  auto request = runtime.expect(MsgType::kMountSourcesRequest);
  CHECK(request);
  CHECK(borrowed_fds(*fds) == std::vector<int>{-1, (*fds)[1].get(), -1, (*fds)[3].get()});
}

TEST_CASE("mount sources: an index out of range or a message without its fd is refused",
          "[process]") {
  const spec::Config config = config_with({{"mount", {}}, {"user", {}}}, {bind_of("/x")});
  const InitContext context = context_for(config);
  auto pair = SyncSocket::make_pair();
  REQUIRE(pair);
  auto& [runtime, init] = *pair;
  REQUIRE(runtime.send(MsgType::kMountSource, "1"));
  auto fds = receive_mount_sources(context, init);
  REQUIRE_FALSE(fds);
  CHECK(fds.error().to_string() == "sync: bad mount-source \"1\" with 0 fds");
}

}  // namespace cruntime::process
