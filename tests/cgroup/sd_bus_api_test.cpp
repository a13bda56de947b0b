// load_sd_bus: libsystemd is loaded at run time, every sd-bus function the driver calls
// resolves, and the functions work (a bus opened at a socket nobody listens on fails with the
// connect error, as with a linked libsystemd).
#include "cruntime/cgroup/sd_bus_api.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdlib>
#include <string>

namespace cruntime::cgroup {
namespace {

bool host_has_libsystemd() {
  void* lib = ::dlopen("libsystemd.so.0", RTLD_LAZY | RTLD_NOLOAD);
  if (lib == nullptr) lib = ::dlopen("libsystemd.so.0", RTLD_LAZY);
  return lib != nullptr;
}

TEST_CASE("load_sd_bus resolves every sd-bus function the systemd driver calls", "[cgroup]") {
  if (!host_has_libsystemd()) {
    WARN("skipped: libsystemd.so.0 is not installed here");
    return;
  }
  auto api = load_sd_bus();
  INFO((api ? std::string() : api.error().to_string()));
  REQUIRE(api);
  const SdBusApi& a = **api;
  CHECK(&a == &sd_bus_api());
  for (const void* fn :
       {reinterpret_cast<const void*>(a.open_system), reinterpret_cast<const void*>(a.open_user),
        reinterpret_cast<const void*>(a.flush_close_unref),
        reinterpret_cast<const void*>(a.get_property_string),
        reinterpret_cast<const void*>(a.match_signal_async),
        reinterpret_cast<const void*>(a.slot_unref),
        reinterpret_cast<const void*>(a.message_new_method_call),
        reinterpret_cast<const void*>(a.message_append),
        reinterpret_cast<const void*>(a.message_append_basic),
        reinterpret_cast<const void*>(a.message_open_container),
        reinterpret_cast<const void*>(a.message_close_container),
        reinterpret_cast<const void*>(a.message_read),
        reinterpret_cast<const void*>(a.message_unref), reinterpret_cast<const void*>(a.call),
        reinterpret_cast<const void*>(a.call_method), reinterpret_cast<const void*>(a.process),
        reinterpret_cast<const void*>(a.wait), reinterpret_cast<const void*>(a.error_free),
        reinterpret_cast<const void*>(a.error_has_name)}) {
    CHECK(fn != nullptr);
  }
  // A second call returns the same table without loading again.
  auto again = load_sd_bus();
  REQUIRE(again);
  CHECK(*again == *api);
}

TEST_CASE("the loaded sd_bus_open_system reports a bus nobody listens on", "[cgroup]") {
  if (!host_has_libsystemd()) {
    WARN("skipped: libsystemd.so.0 is not installed here");
    return;
  }
  REQUIRE(load_sd_bus());
  const std::string socket = "/nonexistent-cruntime-test/bus";
  const char* old = std::getenv("DBUS_SYSTEM_BUS_ADDRESS");
  const std::string saved = old != nullptr ? old : "";
  ::setenv("DBUS_SYSTEM_BUS_ADDRESS", ("unix:path=" + socket).c_str(), 1);
  sd_bus* bus = nullptr;
  const int r = sd_bus_api().open_system(&bus);
  if (old != nullptr) {
    ::setenv("DBUS_SYSTEM_BUS_ADDRESS", saved.c_str(), 1);
  } else {
    ::unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
  }
  CHECK(r == -ENOENT);
  CHECK(bus == nullptr);
}

}  // namespace
}  // namespace cruntime::cgroup
