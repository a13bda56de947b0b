// dlopen of libsystemd for the systemd cgroup driver (why: sd_bus_api.hpp).
#include "cruntime/cgroup/sd_bus_api.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

#include <string>

namespace cruntime::cgroup {
namespace {

// The soname libsystemd has had since 2014 (the ABI the sd_bus_* declarations describe).
constexpr const char* kLibrary = "libsystemd.so.0";

struct Loaded {
  SdBusApi api{};
  std::string error;  // empty when every function resolved
};

template <class Fn>
bool resolve(void* lib, const char* name, Fn& out, std::string& error) {
  out = reinterpret_cast<Fn>(::dlsym(lib, name));  // NOLINT: dlsym hands out void*
  if (out != nullptr) return true;
  const char* why = ::dlerror();
  error = fmt::format("load {}: {}: {}", kLibrary, name, why != nullptr ? why : "not found");
  return false;
}

Loaded load() {
  Loaded out;
  // Never closed: the functions stay in use until the process exits.
  void* lib = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* why = ::dlerror();
    out.error = fmt::format("load {} (the systemd cgroup driver needs it): {}", kLibrary,
                            why != nullptr ? why : "not found");
    return out;
  }
  SdBusApi& a = out.api;
  std::string& e = out.error;
  (void)(resolve(lib, "sd_bus_open_system", a.open_system, e) &&
         resolve(lib, "sd_bus_open_user", a.open_user, e) &&
         resolve(lib, "sd_bus_flush_close_unref", a.flush_close_unref, e) &&
         resolve(lib, "sd_bus_get_property_string", a.get_property_string, e) &&
         resolve(lib, "sd_bus_match_signal_async", a.match_signal_async, e) &&
         resolve(lib, "sd_bus_slot_unref", a.slot_unref, e) &&
         resolve(lib, "sd_bus_message_new_method_call", a.message_new_method_call, e) &&
         resolve(lib, "sd_bus_message_append", a.message_append, e) &&
         resolve(lib, "sd_bus_message_append_basic", a.message_append_basic, e) &&
         resolve(lib, "sd_bus_message_open_container", a.message_open_container, e) &&
         resolve(lib, "sd_bus_message_close_container", a.message_close_container, e) &&
         resolve(lib, "sd_bus_message_read", a.message_read, e) &&
         resolve(lib, "sd_bus_message_unref", a.message_unref, e) &&
         resolve(lib, "sd_bus_call", a.call, e) &&
         resolve(lib, "sd_bus_call_method", a.call_method, e) &&
         resolve(lib, "sd_bus_process", a.process, e) && resolve(lib, "sd_bus_wait", a.wait, e) &&
         resolve(lib, "sd_bus_error_free", a.error_free, e) &&
         resolve(lib, "sd_bus_error_has_name", a.error_has_name, e));
  return out;
}

// Loaded on first use and immutable after: a cache of what the process has mapped, not state
// that options could change (a function-local static, initialized once even across threads).
const Loaded& loaded() {
  static const Loaded once = load();
  return once;
}

}  // namespace

Result<const SdBusApi*> load_sd_bus() {
  const Loaded& l = loaded();
  if (!l.error.empty()) return fail(Error::msg(l.error));
  return &l.api;
}

const SdBusApi& sd_bus_api() { return loaded().api; }

}  // namespace cruntime::cgroup
