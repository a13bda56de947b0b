// sd-bus calls to org.freedesktop.systemd1.Manager: transient units, their properties, their jobs.
#include "cruntime/cgroup/systemd_bus.hpp"

#include <cctype>
#include <cstdlib>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace cruntime::cgroup {
namespace {

constexpr const char* kService = "org.freedesktop.systemd1";
constexpr const char* kObject = "/org/freedesktop/systemd1";
constexpr const char* kManager = "org.freedesktop.systemd1.Manager";
constexpr const char* kNoSuchUnit = "org.freedesktop.systemd1.NoSuchUnit";
constexpr const char* kUnitExists = "org.freedesktop.systemd1.UnitExists";

using Message = CHandle<sd_bus_message, &unref_sd_bus_message>;
using Slot = CHandle<sd_bus_slot, &unref_sd_bus_slot>;

// An sd_bus_error that frees itself.
class BusError {
 public:
  BusError() = default;
  BusError(const BusError&) = delete;
  BusError& operator=(const BusError&) = delete;
  ~BusError() { sd_bus_api().error_free(&error_); }

  sd_bus_error* get() { return &error_; }
  bool has_name(const char* name) const { return sd_bus_api().error_has_name(&error_, name) != 0; }
  // The D-Bus error's own message where there is one ("Unit x.scope already exists."), else
  // the errno of the failed call.
  Error to_error(std::string what, int r) const {
    if (error_.message != nullptr) return Error::msg(fmt::format("{}: {}", what, error_.message));
    if (error_.name != nullptr) return Error::msg(fmt::format("{}: {}", what, error_.name));
    return Error::sys(-r, std::move(what));
  }

 private:
  sd_bus_error error_ = SD_BUS_ERROR_NULL;
};

Result<void> check(int r, std::string_view what) {
  if (r < 0) return fail(Error::sys(-r, std::string(what)));
  return {};
}

int append_basic(sd_bus_message* m, char type, const BusValue::Basic& item) {
  return std::visit(
      [m, type](const auto& v) -> int {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::string>) {
          return sd_bus_api().message_append_basic(m, type, v.c_str());
        } else if constexpr (std::is_same_v<T, bool>) {
          const int b = v ? 1 : 0;  // sd-bus reads a 'b' as an int
          return sd_bus_api().message_append_basic(m, type, &b);
        } else {
          return sd_bus_api().message_append_basic(m, type, &v);
        }
      },
      item);
}

// One (sv) of an a(sv): the name, then a variant holding the value.
Result<void> append_property(sd_bus_message* m, const UnitProperty& property) {
  const BusValue& value = property.value;
  const std::string what = "append property " + property.name;
  CR_TRY(check(sd_bus_api().message_open_container(m, SD_BUS_TYPE_STRUCT, "sv"), what));
  CR_TRY(
      check(sd_bus_api().message_append_basic(m, SD_BUS_TYPE_STRING, property.name.c_str()), what));
  CR_TRY(check(sd_bus_api().message_open_container(m, SD_BUS_TYPE_VARIANT, value.signature.c_str()),
               what));
  if (value.is_array()) {
    const std::string element(1, value.element_type());
    CR_TRY(check(sd_bus_api().message_open_container(m, SD_BUS_TYPE_ARRAY, element.c_str()), what));
  }
  for (const BusValue::Basic& item : value.items) {
    CR_TRY(check(append_basic(m, value.element_type(), item), what));
  }
  if (value.is_array()) CR_TRY(check(sd_bus_api().message_close_container(m), what));
  CR_TRY(check(sd_bus_api().message_close_container(m), what));
  CR_TRY(check(sd_bus_api().message_close_container(m), what));
  return {};
}

Result<void> append_properties(sd_bus_message* m, const std::vector<UnitProperty>& properties) {
  CR_TRY(check(sd_bus_api().message_open_container(m, SD_BUS_TYPE_ARRAY, "(sv)"),
               "append properties"));
  for (const UnitProperty& property : properties) CR_TRY(append_property(m, property));
  CR_TRY(check(sd_bus_api().message_close_container(m), "append properties"));
  return {};
}

// What the JobRemoved handler fills in for the job being waited for.
struct JobWait {
  std::string path;  // the job's object path, known once the method call returned
  bool removed = false;
  std::string result;  // "done", "failed", "timeout", "canceled", "dependency", "skipped"
};

int on_job_removed(sd_bus_message* m, void* userdata, sd_bus_error* /*error*/) {
  uint32_t id = 0;
  const char* path = nullptr;
  const char* unit = nullptr;
  const char* result = nullptr;
  if (sd_bus_api().message_read(m, "uoss", &id, &path, &unit, &result) < 0) return 0;
  auto* wait = static_cast<JobWait*>(userdata);
  if (!wait->path.empty() && wait->path == path) {
    wait->removed = true;
    wait->result = result;
  }
  return 0;
}

}  // namespace

int parse_systemd_version(std::string_view text) {
  while (!text.empty() && (text.front() == '"' || text.front() == 'v')) text.remove_prefix(1);
  int version = 0;
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])) &&
         version < 100000) {
    version = version * 10 + (text[digits++] - '0');
  }
  return digits == 0 ? -1 : version;
}

Result<SystemdBus> SystemdBus::connect_system() {
  const SdBusApi* api = CR_TRY(load_sd_bus());
  sd_bus* bus = nullptr;
  if (int r = api->open_system(&bus); r < 0) {
    return fail(Error::sys(-r, "connect to the system bus"));
  }
  return SystemdBus(bus);
}

Result<SystemdBus> SystemdBus::connect_user() {
  const SdBusApi* api = CR_TRY(load_sd_bus());
  sd_bus* bus = nullptr;
  if (int r = api->open_user(&bus); r < 0) {
    return fail(Error::sys(
        -r, "connect to the user bus ($DBUS_SESSION_BUS_ADDRESS, $XDG_RUNTIME_DIR/bus)"));
  }
  return SystemdBus(bus);
}

Result<std::string> SystemdBus::manager_string(const char* property) {
  BusError error;
  char* text = nullptr;
  const int r = sd_bus_api().get_property_string(bus_.get(), kService, kObject, kManager, property,
                                                 error.get(), &text);
  if (r < 0) return fail(error.to_error(fmt::format("read systemd's {}", property), r));
  std::string out(text);
  std::free(text);  // NOLINT: sd-bus hands out malloc'd strings
  return out;
}

Result<int> SystemdBus::version() {
  return parse_systemd_version(CR_TRY(manager_string("Version")));
}

Result<std::string> SystemdBus::control_group() { return manager_string("ControlGroup"); }

Result<void> SystemdBus::run_job(const char* method, const std::string& unit,
                                 const std::vector<UnitProperty>* properties,
                                 std::string* error_name) {
  const std::string what = fmt::format("{} {}", method, unit);
  // The match is in place before the call, so the job's end cannot slip by. systemd sends
  // JobRemoved to the client that queued the job even without Subscribe().
  JobWait wait;
  sd_bus_slot* raw_slot = nullptr;
  CR_TRY(check(sd_bus_api().match_signal_async(bus_.get(), &raw_slot, kService, kObject, kManager,
                                               "JobRemoved", on_job_removed, nullptr, &wait),
               "watch systemd's JobRemoved signal"));
  const Slot slot(raw_slot);
  sd_bus_message* raw = nullptr;
  CR_TRY(check(
      sd_bus_api().message_new_method_call(bus_.get(), &raw, kService, kObject, kManager, method),
      what));
  const Message call(raw);
  CR_TRY(check(sd_bus_api().message_append(call.get(), "ss", unit.c_str(), "replace"), what));
  if (properties != nullptr) {
    CR_TRY_CTX(append_properties(call.get(), *properties), "{}", what);
    CR_TRY(check(sd_bus_api().message_append(call.get(), "a(sa(sv))", 0),
                 what));  // no auxiliary units
  }
  BusError error;
  sd_bus_message* raw_reply = nullptr;
  if (int r = sd_bus_api().call(bus_.get(), call.get(), 0, error.get(), &raw_reply); r < 0) {
    if (error_name != nullptr && error.get()->name != nullptr) *error_name = error.get()->name;
    return fail(error.to_error(what, r));
  }
  const Message reply(raw_reply);
  const char* job = nullptr;
  CR_TRY(check(sd_bus_api().message_read(reply.get(), "o", &job), what));
  wait.path = job;

  const auto deadline = std::chrono::steady_clock::now() + kSystemdJobTimeout;
  while (!wait.removed) {
    const int processed = sd_bus_api().process(bus_.get(), nullptr);
    CR_TRY(check(processed, what));
    if (processed > 0) continue;
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return fail_msg("{}: systemd did not finish the job within {} s", what,
                      kSystemdJobTimeout.count());
    }
    CR_TRY(check(sd_bus_api().wait(bus_.get(), static_cast<uint64_t>(left.count())), what));
  }
  if (wait.result != "done") return fail_msg("{}: systemd's job ended \"{}\"", what, wait.result);
  return {};
}

Result<void> SystemdBus::start_transient_unit(const std::string& unit,
                                              const std::vector<UnitProperty>& properties) {
  std::string error_name;
  auto started = run_job("StartTransientUnit", unit, &properties, &error_name);
  if (!started && error_name == kUnitExists) {
    // Perhaps a failed leftover of an earlier container with this name: reset it, so systemd
    // unloads it, and try once more (runc). An active unit stays and fails the retry.
    if (auto reset = reset_failed_unit(unit); !reset) return fail(std::move(started).error());
    error_name.clear();
    started = run_job("StartTransientUnit", unit, &properties, &error_name);
  }
  if (!started && error_name.empty()) {
    // systemd took the call, and the job failed or is stuck: leave nothing of the unit behind.
    // A refused call made no unit, and one refused with UnitExists is someone else's.
    (void)stop_unit(unit);
    (void)reset_failed_unit(unit);
  }
  return started;
}

Result<void> SystemdBus::set_unit_properties(const std::string& unit,
                                             const std::vector<UnitProperty>& properties) {
  const std::string what = "SetUnitProperties " + unit;
  sd_bus_message* raw = nullptr;
  CR_TRY(check(sd_bus_api().message_new_method_call(bus_.get(), &raw, kService, kObject, kManager,
                                                    "SetUnitProperties"),
               what));
  const Message call(raw);
  CR_TRY(check(sd_bus_api().message_append(call.get(), "sb", unit.c_str(), 1), what));
  CR_TRY_CTX(append_properties(call.get(), properties), "{}", what);
  BusError error;
  if (int r = sd_bus_api().call(bus_.get(), call.get(), 0, error.get(), nullptr); r < 0) {
    return fail(error.to_error(what, r));
  }
  return {};
}

Result<void> SystemdBus::stop_unit(const std::string& unit) {
  std::string error_name;
  auto stopped = run_job("StopUnit", unit, nullptr, &error_name);
  if (!stopped && error_name == kNoSuchUnit) return {};
  return stopped;
}

Result<void> SystemdBus::reset_failed_unit(const std::string& unit) {
  BusError error;
  const int r = sd_bus_api().call_method(bus_.get(), kService, kObject, kManager, "ResetFailedUnit",
                                         error.get(), nullptr, "s", unit.c_str());
  if (r < 0 && !error.has_name(kNoSuchUnit)) {
    return fail(error.to_error("ResetFailedUnit " + unit, r));
  }
  return {};
}

}  // namespace cruntime::cgroup
