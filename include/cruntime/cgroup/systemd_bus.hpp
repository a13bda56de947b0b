// The calls the systemd cgroup driver makes to systemd's manager object over D-Bus (sd-bus).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"
#include "cruntime/cgroup/sd_bus_api.hpp"
#include "cruntime/cgroup/systemd_value.hpp"

namespace cruntime::cgroup {

// How long a unit's start or stop job may take (runc waits 30 s as well).
inline constexpr std::chrono::seconds kSystemdJobTimeout{30};

// One connection to systemd (org.freedesktop.systemd1 on the system bus, or on the caller's user
// bus for a user's own systemd). Move-only; closes on destruction. Errors carry the D-Bus error
// message and its errno (sd_bus_error_get_errno).
class SystemdBus {
 public:
  static Result<SystemdBus> connect_system();
  static Result<SystemdBus> connect_user();

  // The Manager's Version ("252.38-1~deb12u1") as its leading number; -1 when it has none.
  Result<int> version();
  // The Manager's ControlGroup: where a user's systemd runs ("/user.slice/user-1000.slice/
  // user@1000.service"); "" for the system instance.
  Result<std::string> control_group();

  // StartTransientUnit(unit, "replace", properties) and wait for its job (JobRemoved) to end.
  // A leftover failed unit of that name is reset and the start retried once (runc). A job that
  // ends other than "done", or not within kSystemdJobTimeout, is an error; the unit is then
  // stopped and reset. So on failure there is no unit of ours: a unit of that name that exists
  // (UnitExists) belongs to someone else.
  Result<void> start_transient_unit(const std::string& unit,
                                    const std::vector<UnitProperty>& properties);
  // SetUnitProperties(unit, runtime=true, properties): until the unit goes away, like runc.
  Result<void> set_unit_properties(const std::string& unit,
                                   const std::vector<UnitProperty>& properties);
  // StopUnit(unit, "replace") and wait for the job; a unit that is not loaded is success.
  Result<void> stop_unit(const std::string& unit);
  // ResetFailedUnit(unit), so a failed unit is unloaded; a unit that is not loaded is success.
  Result<void> reset_failed_unit(const std::string& unit);

 private:
  explicit SystemdBus(sd_bus* bus) : bus_(bus) {}
  Result<std::string> manager_string(const char* property);
  // Calls `method` (unit, "replace"[, properties, no auxiliary units]) and waits for the job it
  // returns. When systemd refuses the call, `error_name` gets the D-Bus error's name.
  Result<void> run_job(const char* method, const std::string& unit,
                       const std::vector<UnitProperty>* properties, std::string* error_name);

  CHandle<sd_bus, &close_sd_bus> bus_;
};

// The number a systemd Version starts with: "252.38-1~deb12u1" → 252, "v245.4-1.fc32" → 245
// (runc's systemdVersionAtoi); -1 without one.
int parse_systemd_version(std::string_view text);

}  // namespace cruntime::cgroup
