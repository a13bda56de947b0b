// device_nodes and dev_is_bind_mount: the default set, replacement by path, types and ranges.
#include "cruntime/rootfs/devices.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>

namespace cruntime::rootfs {
namespace {

spec::Config with_devices(std::vector<spec::Device> devices) {
  spec::Config config;
  config.linux_config = spec::Linux{};
  config.linux_config->devices = std::move(devices);
  return config;
}

}  // namespace

TEST_CASE("device_nodes: the six defaults, char devices 0666 root-owned", "[rootfs]") {
  auto nodes = device_nodes(spec::Config{});
  REQUIRE(nodes);
  REQUIRE(nodes->size() == 6);
  CHECK((*nodes)[0] == DeviceNode{"/dev/null", S_IFCHR, 1, 3, 0666, 0, 0});
  CHECK((*nodes)[1] == DeviceNode{"/dev/zero", S_IFCHR, 1, 5, 0666, 0, 0});
  CHECK((*nodes)[2] == DeviceNode{"/dev/full", S_IFCHR, 1, 7, 0666, 0, 0});
  CHECK((*nodes)[3] == DeviceNode{"/dev/random", S_IFCHR, 1, 8, 0666, 0, 0});
  CHECK((*nodes)[4] == DeviceNode{"/dev/urandom", S_IFCHR, 1, 9, 0666, 0, 0});
  CHECK((*nodes)[5] == DeviceNode{"/dev/tty", S_IFCHR, 5, 0, 0666, 0, 0});
}

TEST_CASE("device_nodes: config devices replace defaults by path and follow them", "[rootfs]") {
  auto nodes = device_nodes(with_devices({
      {"c", "/dev/null", 1, 3, 0600, 5, 6},
      {"b", "/dev/loop0", 7, 0, std::nullopt, std::nullopt, std::nullopt},
      {"p", "/dev/fifo", std::nullopt, std::nullopt, 0640, std::nullopt, std::nullopt},
      {"u", "/dev//ttyX", 4, 64, std::nullopt, 1, 2},
      {"c", "/dev/ptmx", 5, 2, std::nullopt, std::nullopt, std::nullopt},
  }));
  REQUIRE(nodes);
  REQUIRE(nodes->size() == 9);  // 5 defaults + 4 (ptmx is a link, never a node)
  CHECK((*nodes)[0].path == "/dev/zero");
  CHECK((*nodes)[5] == DeviceNode{"/dev/null", S_IFCHR, 1, 3, 0600, 5, 6});
  CHECK((*nodes)[6] == DeviceNode{"/dev/loop0", S_IFBLK, 7, 0, 0666, 0, 0});
  CHECK((*nodes)[7] == DeviceNode{"/dev/fifo", S_IFIFO, 0, 0, 0640, 0, 0});
  CHECK((*nodes)[8] == DeviceNode{"/dev/ttyX", S_IFCHR, 4, 64, 0666, 1, 2});
}

TEST_CASE("device_nodes: bad types and numbers are errors naming the entry", "[rootfs]") {
  auto bad_type = device_nodes(with_devices({{"x", "/dev/x", 1, 1, {}, {}, {}}}));
  REQUIRE_FALSE(bad_type);
  CHECK(bad_type.error().to_string() == "linux.devices[0]: /dev/x: unknown device type \"x\"");
  CHECK_FALSE(device_nodes(with_devices({{"c", "/dev/x", std::nullopt, 1, {}, {}, {}}})));
  CHECK_FALSE(device_nodes(with_devices({{"c", "/dev/x", -1, 1, {}, {}, {}}})));
  CHECK_FALSE(device_nodes(with_devices({{"b", "/dev/x", 4096, 0, {}, {}, {}}})));
  CHECK_FALSE(device_nodes(with_devices({{"c", "/dev/x", 1, 1 << 20, {}, {}, {}}})));
  CHECK(device_nodes(with_devices({{"c", "/dev/x", 4095, (1 << 20) - 1, {}, {}, {}}})));
}

TEST_CASE("dev_is_bind_mount: only a bind at /dev leaves /dev alone", "[rootfs]") {
  spec::Config config;
  CHECK_FALSE(dev_is_bind_mount(config));
  spec::Mount dev{"/dev", "tmpfs", "tmpfs", std::vector<std::string>{"nosuid"}, {}, {}};
  config.mounts = std::vector<spec::Mount>{dev};
  CHECK_FALSE(dev_is_bind_mount(config));
  config.mounts = std::vector<spec::Mount>{
      {"/dev/", "none", "/dev", std::vector<std::string>{"rbind"}, {}, {}}};
  CHECK(dev_is_bind_mount(config));
  config.mounts = std::vector<spec::Mount>{{"/dev", "bind", "/dev", std::nullopt, {}, {}}};
  CHECK(dev_is_bind_mount(config));
  config.mounts = std::vector<spec::Mount>{{"/dev/shm", "bind", "/dev/shm", std::nullopt, {}, {}}};
  CHECK_FALSE(dev_is_bind_mount(config));
}

}  // namespace cruntime::rootfs
