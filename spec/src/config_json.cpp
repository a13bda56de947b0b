// JSON <-> model for config.json's top level, root, mounts and hooks (config.md).
#include "json_detail.hpp"

namespace cruntime::spec {

Result<void> read_json(const Node& node, Root& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("path", out.path));
  CR_TRY(f.opt("readonly", out.readonly));
  return {};
}

void to_json(OJson& out, const Root& in) {
  out = OJson::object();
  out["path"] = in.path;
  put(out, "readonly", in.readonly);
}

Result<void> read_json(const Node& node, Mount& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("destination", out.destination));
  CR_TRY(f.opt("type", out.type));
  CR_TRY(f.opt("source", out.source));
  CR_TRY(f.opt("options", out.options));
  CR_TRY(f.opt("uidMappings", out.uid_mappings));
  CR_TRY(f.opt("gidMappings", out.gid_mappings));
  return {};
}

void to_json(OJson& out, const Mount& in) {
  out = OJson::object();
  out["destination"] = in.destination;
  put(out, "type", in.type);
  put(out, "source", in.source);
  put(out, "options", in.options);
  put(out, "uidMappings", in.uid_mappings);
  put(out, "gidMappings", in.gid_mappings);
}

Result<void> read_json(const Node& node, Hook& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("path", out.path));
  CR_TRY(f.opt("args", out.args));
  CR_TRY(f.opt("env", out.env));
  CR_TRY(f.opt("timeout", out.timeout));
  return {};
}

void to_json(OJson& out, const Hook& in) {
  out = OJson::object();
  out["path"] = in.path;
  put(out, "args", in.args);
  put(out, "env", in.env);
  put(out, "timeout", in.timeout);
}

Result<void> read_json(const Node& node, Hooks& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.opt("prestart", out.prestart));
  CR_TRY(f.opt("createRuntime", out.create_runtime));
  CR_TRY(f.opt("createContainer", out.create_container));
  CR_TRY(f.opt("startContainer", out.start_container));
  CR_TRY(f.opt("poststart", out.poststart));
  CR_TRY(f.opt("poststop", out.poststop));
  return {};
}

void to_json(OJson& out, const Hooks& in) {
  out = OJson::object();
  put(out, "prestart", in.prestart);
  put(out, "createRuntime", in.create_runtime);
  put(out, "createContainer", in.create_container);
  put(out, "startContainer", in.start_container);
  put(out, "poststart", in.poststart);
  put(out, "poststop", in.poststop);
}

Result<void> read_json(const Node& node, Config& out) {
  Fields f = CR_TRY(fields(node));
  CR_TRY(f.req("ociVersion", out.oci_version));
  CR_TRY(f.opt("process", out.process));
  CR_TRY(f.opt("root", out.root));
  CR_TRY(f.opt("hostname", out.hostname));
  CR_TRY(f.opt("domainname", out.domainname));
  CR_TRY(f.opt("mounts", out.mounts));
  CR_TRY(f.opt("hooks", out.hooks));
  CR_TRY(f.opt_annotations("annotations", out.annotations));
  CR_TRY(f.opt("linux", out.linux_config));
  return {};
}

// Key order of runtime-spec's specs-go Spec struct, i.e. what `runc spec` writes.
void to_json(OJson& out, const Config& in) {
  out = OJson::object();
  out["ociVersion"] = in.oci_version;
  put(out, "process", in.process);
  put(out, "root", in.root);
  put(out, "hostname", in.hostname);
  put(out, "domainname", in.domainname);
  put(out, "mounts", in.mounts);
  put(out, "hooks", in.hooks);
  put(out, "annotations", in.annotations);
  put(out, "linux", in.linux_config);
}

}  // namespace cruntime::spec
