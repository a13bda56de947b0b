// libsystemd's sd-bus functions, loaded with dlopen when the systemd cgroup driver first needs
// them. Why not link libsystemd: it drags in libgcrypt, libgpg-error, liblzma, libzstd and liblz4,
// and mapping and relocating those six libraries cost every cruntime command ≈ 3.5 ms of CPU and
// 1.1 MB of peak RSS on the bench VM (bench/PROFILE.md §5), while only --systemd-cgroup uses them.
#pragma once

#include <systemd/sd-bus.h>

#include "cruntime/base/error.hpp"

namespace cruntime::cgroup {

// One pointer per sd-bus function the driver calls, typed after libsystemd's own declarations
// (decltype does not reference the symbols, so nothing links against libsystemd).
struct SdBusApi {
  decltype(&::sd_bus_open_system) open_system;
  decltype(&::sd_bus_open_user) open_user;
  decltype(&::sd_bus_flush_close_unref) flush_close_unref;
  decltype(&::sd_bus_get_property_string) get_property_string;
  decltype(&::sd_bus_match_signal_async) match_signal_async;
  decltype(&::sd_bus_slot_unref) slot_unref;
  decltype(&::sd_bus_message_new_method_call) message_new_method_call;
  decltype(&::sd_bus_message_append) message_append;
  decltype(&::sd_bus_message_append_basic) message_append_basic;
  decltype(&::sd_bus_message_open_container) message_open_container;
  decltype(&::sd_bus_message_close_container) message_close_container;
  decltype(&::sd_bus_message_read) message_read;
  decltype(&::sd_bus_message_unref) message_unref;
  decltype(&::sd_bus_call) call;
  decltype(&::sd_bus_call_method) call_method;
  decltype(&::sd_bus_process) process;
  decltype(&::sd_bus_wait) wait;
  decltype(&::sd_bus_error_free) error_free;
  decltype(&::sd_bus_error_has_name) error_has_name;
};

// Loads libsystemd.so.0 and resolves every function, once per process; an error names the
// library or the missing function (dlerror).
Result<const SdBusApi*> load_sd_bus();

// The loaded functions. Only after load_sd_bus() succeeded: every sd-bus object the driver holds
// was made through them.
const SdBusApi& sd_bus_api();

// Free functions for CHandle, which takes the function as a template argument.
inline void close_sd_bus(sd_bus* bus) { sd_bus_api().flush_close_unref(bus); }
inline void unref_sd_bus_message(sd_bus_message* m) { sd_bus_api().message_unref(m); }
inline void unref_sd_bus_slot(sd_bus_slot* slot) { sd_bus_api().slot_unref(slot); }

}  // namespace cruntime::cgroup
