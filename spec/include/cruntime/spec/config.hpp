// The OCI runtime-spec config.json model (config.md): top level, root, mounts, hooks, annotations.
// Plain aggregates: std::optional where the spec field is optional, no behaviour, no syscalls.
// JSON key names are the camelCase forms of the member names unless a comment says otherwise.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cruntime/spec/linux.hpp"
#include "cruntime/spec/process.hpp"

namespace cruntime::spec {

struct Root {
  std::string path;
  std::optional<bool> readonly;
  bool operator==(const Root&) const = default;
};

struct Mount {
  std::string destination;
  std::optional<std::string> type;
  std::optional<std::string> source;
  std::optional<std::vector<std::string>> options;
  std::optional<std::vector<IdMapping>> uid_mappings;
  std::optional<std::vector<IdMapping>> gid_mappings;
  bool operator==(const Mount&) const = default;
};

struct Hook {
  std::string path;
  std::optional<std::vector<std::string>> args;
  std::optional<std::vector<std::string>> env;
  std::optional<int64_t> timeout;  // seconds; must be > 0 when set
  bool operator==(const Hook&) const = default;
};

struct Hooks {
  std::optional<std::vector<Hook>> prestart;  // deprecated, still run
  std::optional<std::vector<Hook>> create_runtime;
  std::optional<std::vector<Hook>> create_container;
  std::optional<std::vector<Hook>> start_container;
  std::optional<std::vector<Hook>> poststart;
  std::optional<std::vector<Hook>> poststop;
  bool operator==(const Hooks&) const = default;
};

struct Config {
  std::string oci_version;
  std::optional<Root> root;
  std::optional<std::vector<Mount>> mounts;
  std::optional<Process> process;
  std::optional<std::string> hostname;
  std::optional<std::string> domainname;
  std::optional<Hooks> hooks;
  std::optional<std::map<std::string, std::string>> annotations;
  std::optional<Linux> linux_config;  // JSON key "linux" (a macro name in gnu++ modes)
  bool operator==(const Config&) const = default;
};

}  // namespace cruntime::spec
