// JSON <-> model for linux.seccomp (config-linux.md "Seccomp").
#include "json_detail.hpp"

namespace cruntime::spec {

Result<void> read_json(const Node& node, SeccompArg& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("index", out.index));
  CR_TRY(f.req("value", out.value));
  CR_TRY(f.opt("valueTwo", out.value_two));
  CR_TRY(f.req("op", out.op));
  return {};
}

void to_json(OJson& out, const SeccompArg& in) {
  out = OJson::object();
  out["index"] = in.index;
  out["value"] = in.value;
  put(out, "valueTwo", in.value_two);
  out["op"] = in.op;
}

Result<void> read_json(const Node& node, SeccompSyscall& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("names", out.names));
  CR_TRY(f.req("action", out.action));
  CR_TRY(f.opt("errnoRet", out.errno_ret));
  CR_TRY(f.opt("args", out.args));
  return {};
}

void to_json(OJson& out, const SeccompSyscall& in) {
  out = OJson::object();
  out["names"] = in.names;
  out["action"] = in.action;
  put(out, "errnoRet", in.errno_ret);
  put(out, "args", in.args);
}

Result<void> read_json(const Node& node, Seccomp& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("defaultAction", out.default_action));
  CR_TRY(f.opt("defaultErrnoRet", out.default_errno_ret));
  CR_TRY(f.opt("architectures", out.architectures));
  CR_TRY(f.opt("flags", out.flags));
  CR_TRY(f.opt("listenerPath", out.listener_path));
  CR_TRY(f.opt("listenerMetadata", out.listener_metadata));
  CR_TRY(f.opt("syscalls", out.syscalls));
  return {};
}

void to_json(OJson& out, const Seccomp& in) {
  out = OJson::object();
  out["defaultAction"] = in.default_action;
  put(out, "defaultErrnoRet", in.default_errno_ret);
  put(out, "architectures", in.architectures);
  put(out, "flags", in.flags);
  put(out, "listenerPath", in.listener_path);
  put(out, "listenerMetadata", in.listener_metadata);
  put(out, "syscalls", in.syscalls);
}

}  // namespace cruntime::spec
