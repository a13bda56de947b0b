// JSON <-> model for config.json's `process` object (config.md "Process", "User", "POSIX process").
#include "json_detail.hpp"

namespace cruntime::spec {

Result<void> read_json(const Node& node, ConsoleSize& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("height", out.height));
  CR_TRY(f.req("width", out.width));
  return {};
}

void to_json(OJson& out, const ConsoleSize& in) {
  out = OJson::object();
  out["height"] = in.height;
  out["width"] = in.width;
}

Result<void> read_json(const Node& node, User& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("uid", out.uid));
  CR_TRY(f.req("gid", out.gid));
  CR_TRY(f.opt("umask", out.umask));
  CR_TRY(f.opt("additionalGids", out.additional_gids));
  return {};
}

void to_json(OJson& out, const User& in) {
  out = OJson::object();
  out["uid"] = in.uid;
  out["gid"] = in.gid;
  put(out, "umask", in.umask);
  put(out, "additionalGids", in.additional_gids);
}

Result<void> read_json(const Node& node, Capabilities& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.opt("bounding", out.bounding));
  CR_TRY(f.opt("effective", out.effective));
  CR_TRY(f.opt("inheritable", out.inheritable));
  CR_TRY(f.opt("permitted", out.permitted));
  CR_TRY(f.opt("ambient", out.ambient));
  return {};
}

void to_json(OJson& out, const Capabilities& in) {
  out = OJson::object();
  put(out, "bounding", in.bounding);
  put(out, "effective", in.effective);
  put(out, "inheritable", in.inheritable);
  put(out, "permitted", in.permitted);
  put(out, "ambient", in.ambient);
}

Result<void> read_json(const Node& node, Rlimit& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("type", out.type));
  CR_TRY(f.req("hard", out.hard));
  CR_TRY(f.req("soft", out.soft));
  return {};
}

void to_json(OJson& out, const Rlimit& in) {
  out = OJson::object();
  out["type"] = in.type;
  out["hard"] = in.hard;
  out["soft"] = in.soft;
}

Result<void> read_json(const Node& node, Scheduler& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("policy", out.policy));
  CR_TRY(f.opt("nice", out.nice));
  CR_TRY(f.opt("priority", out.priority));
  CR_TRY(f.opt("flags", out.flags));
  CR_TRY(f.opt("runtime", out.runtime));
  CR_TRY(f.opt("deadline", out.deadline));
  CR_TRY(f.opt("period", out.period));
  return {};
}

void to_json(OJson& out, const Scheduler& in) {
  out = OJson::object();
  out["policy"] = in.policy;
  put(out, "nice", in.nice);
  put(out, "priority", in.priority);
  put(out, "flags", in.flags);
  put(out, "runtime", in.runtime);
  put(out, "deadline", in.deadline);
  put(out, "period", in.period);
}

// The schema requires only "class"; a missing priority is 0, as Go's zero value.
Result<void> read_json(const Node& node, IOPriority& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("class", out.io_class));
  CR_TRY(f.opt_plain("priority", out.priority));
  return {};
}

void to_json(OJson& out, const IOPriority& in) {
  out = OJson::object();
  out["class"] = in.io_class;
  out["priority"] = in.priority;
}

Result<void> read_json(const Node& node, ExecCPUAffinity& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.opt("initial", out.initial));
  CR_TRY(f.opt("final", out.final_cpus));
  return {};
}

void to_json(OJson& out, const ExecCPUAffinity& in) {
  out = OJson::object();
  put(out, "initial", in.initial);
  put(out, "final", in.final_cpus);
}

// config.md: `cwd` is REQUIRED. `user` is not required by the schema (the spec's own FreeBSD
// example omits it) and runc reads a missing one as uid 0/gid 0; its uid and gid are REQUIRED.
Result<void> read_json(const Node& node, Process& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.opt("terminal", out.terminal));
  CR_TRY(f.opt("consoleSize", out.console_size));
  CR_TRY(f.opt_plain("user", out.user));
  CR_TRY(f.opt("args", out.args));
  CR_TRY(f.opt("commandLine", out.command_line));
  CR_TRY(f.opt("env", out.env));
  CR_TRY(f.req("cwd", out.cwd));
  CR_TRY(f.opt("capabilities", out.capabilities));
  CR_TRY(f.opt("rlimits", out.rlimits));
  CR_TRY(f.opt("noNewPrivileges", out.no_new_privileges));
  CR_TRY(f.opt("apparmorProfile", out.apparmor_profile));
  CR_TRY(f.opt("oomScoreAdj", out.oom_score_adj));
  CR_TRY(f.opt("scheduler", out.scheduler));
  CR_TRY(f.opt("selinuxLabel", out.selinux_label));
  CR_TRY(f.opt("ioPriority", out.io_priority));
  CR_TRY(f.opt("execCPUAffinity", out.exec_cpu_affinity));
  return {};
}

void to_json(OJson& out, const Process& in) {
  out = OJson::object();
  put(out, "terminal", in.terminal);
  put(out, "consoleSize", in.console_size);
  out["user"] = in.user;
  put(out, "args", in.args);
  put(out, "commandLine", in.command_line);
  put(out, "env", in.env);
  out["cwd"] = in.cwd;
  put(out, "capabilities", in.capabilities);
  put(out, "rlimits", in.rlimits);
  put(out, "noNewPrivileges", in.no_new_privileges);
  put(out, "apparmorProfile", in.apparmor_profile);
  put(out, "oomScoreAdj", in.oom_score_adj);
  put(out, "scheduler", in.scheduler);
  put(out, "selinuxLabel", in.selinux_label);
  put(out, "ioPriority", in.io_priority);
  put(out, "execCPUAffinity", in.exec_cpu_affinity);
}

}  // namespace cruntime::spec
