// JSON <-> model for the OCI state (runtime.md "State", runc's `state` output) and the private state.json.
#include <limits>

#include <fmt/format.h>

#include "json_detail.hpp"

namespace cruntime::spec {

OJson state_to_json(const State& state, StateShape shape) {
  OJson out = OJson::object();
  out["ociVersion"] = state.oci_version;
  out["id"] = state.id;
  if (shape == StateShape::kHook) {
    // specs-go State order; runtime.md: pid only while the process exists.
    out["status"] = std::string(status_name(state.status));
    if (state.pid != 0) out["pid"] = state.pid;
    out["bundle"] = state.bundle;
    if (!state.annotations.empty()) out["annotations"] = state.annotations;
    return out;
  }
  // runc's containerState order; pid is 0 (not omitted) when stopped, owner always present.
  out["pid"] = state.pid;
  out["status"] = std::string(status_name(state.status));
  out["bundle"] = state.bundle;
  out["rootfs"] = state.rootfs;
  out["created"] = state.created;
  if (!state.annotations.empty()) out["annotations"] = state.annotations;
  out["owner"] = state.owner;
  return out;
}

void to_json(OJson& out, const ContainerProcessState& in) {
  out = OJson::object();
  out["ociVersion"] = in.oci_version;
  out["fds"] = in.fds;
  out["pid"] = in.pid;
  if (!in.metadata.empty()) out["metadata"] = in.metadata;  // omitempty in specs-go
  out["state"] = state_to_json(in.state, StateShape::kHook);
}

// Accepts both shapes above (and any runtime's `state` output): only the keys runtime.md
// requires must be present.
Result<void> read_json(const Node& node, State& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("ociVersion", out.oci_version));
  CR_TRY(f.req("id", out.id));
  std::string status;
  CR_TRY(f.req("status", status));
  auto parsed = parse_status(status);
  if (!parsed) return fail(Error::msg(fmt::format("{}: unknown status \"{}\"", node.member_path("status"), status)));
  out.status = *parsed;
  CR_TRY(f.int_in_range("pid", false, out.pid, 0, std::numeric_limits<int>::max()));
  CR_TRY(f.req("bundle", out.bundle));
  CR_TRY(f.opt_plain("rootfs", out.rootfs));
  CR_TRY(f.opt_plain("created", out.created));
  CR_TRY(f.opt_annotations("annotations", out.annotations));
  CR_TRY(f.opt_plain("owner", out.owner));
  return {};
}

// The identity of the container (id, init pid + start time, bundle, creation time) is required;
// the rest may be missing from a record written by an older cruntime and then takes its default.
// A `creating` record has the creator in place of the init (StoredState).
Result<void> read_json(const Node& node, StoredState& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("ociVersion", out.oci_version));
  CR_TRY(f.req("id", out.id));
  std::string status;
  CR_TRY(f.opt_plain("status", status));
  if (!status.empty() && status != status_name(Status::kCreating)) {
    return fail(Error::msg(fmt::format("{}: \"{}\" is not a stored status (only \"creating\" is)",
                                       node.member_path("status"), status)));
  }
  out.creating = !status.empty();
  constexpr int kMaxPid = std::numeric_limits<int>::max();
  if (out.creating) {
    CR_TRY(f.int_in_range("creatorPid", true, out.creator_pid, 1, kMaxPid));
    CR_TRY(f.req("creatorStartTime", out.creator_start_time));
  } else {
    CR_TRY(f.int_in_range("initPid", true, out.init_pid, 1, kMaxPid));
    CR_TRY(f.req("initStartTime", out.init_start_time));
  }
  CR_TRY(f.req("bundle", out.bundle));
  CR_TRY(f.opt_plain("rootfs", out.rootfs));
  CR_TRY(f.req("created", out.created));
  CR_TRY(f.opt_annotations("annotations", out.annotations));
  CR_TRY(f.opt_plain("cgroupPath", out.cgroup_path));
  CR_TRY(f.opt_plain("systemdUnit", out.systemd_unit));
  CR_TRY(f.opt_plain("systemdUser", out.systemd_user));
  CR_TRY(f.opt_plain("ownPidNamespace", out.own_pid_namespace));
  CR_TRY(f.opt_plain("resctrlRoot", out.resctrl_root));
  CR_TRY(f.opt_plain("resctrlGroup", out.resctrl_group));
  CR_TRY(f.opt_plain("resctrlMonGroup", out.resctrl_mon_group));
  CR_TRY(f.opt_plain("resctrlRemoveGroup", out.resctrl_remove_group));
  CR_TRY(f.opt_plain("resctrlRemoveMon", out.resctrl_remove_mon));
  CR_TRY(f.opt_plain("configPath", out.config_path));
  return {};
}

void to_json(OJson& out, const StoredState& in) {
  out = OJson::object();
  out["ociVersion"] = in.oci_version;
  out["id"] = in.id;
  if (in.creating) {
    out["status"] = std::string(status_name(Status::kCreating));
    out["creatorPid"] = in.creator_pid;
    out["creatorStartTime"] = in.creator_start_time;
  } else {
    out["initPid"] = in.init_pid;
    out["initStartTime"] = in.init_start_time;
  }
  out["bundle"] = in.bundle;
  out["rootfs"] = in.rootfs;
  out["created"] = in.created;
  out["annotations"] = in.annotations;
  out["cgroupPath"] = in.cgroup_path;
  if (!in.systemd_unit.empty()) out["systemdUnit"] = in.systemd_unit;
  if (in.systemd_user) out["systemdUser"] = true;
  out["ownPidNamespace"] = in.own_pid_namespace;
  if (!in.resctrl_group.empty()) {
    out["resctrlRoot"] = in.resctrl_root;
    out["resctrlGroup"] = in.resctrl_group;
    if (!in.resctrl_mon_group.empty()) out["resctrlMonGroup"] = in.resctrl_mon_group;
    out["resctrlRemoveGroup"] = in.resctrl_remove_group;
    out["resctrlRemoveMon"] = in.resctrl_remove_mon;
  }
  out["configPath"] = in.config_path;
}

}  // namespace cruntime::spec
