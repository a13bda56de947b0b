// The door between JSON text and the model: parse with limits and path-naming errors, dump in runc's shapes.
// Nothing here throws: the document is parsed through nlohmann's SAX interface (parse_document)
// and the readers check every type before they read a value (style rule 12).
#include "cruntime/spec/io.hpp"

#include "cruntime/base/fs.hpp"
#include "json_detail.hpp"

namespace cruntime::spec {
namespace {

// Text -> model; every error is one Error whose outermost frame is the document's name.
template <class T>
Result<T> parse_as(std::string_view text, std::string_view name) {
  Json doc = CR_TRY_CTX(parse_document(text), "{}", name);
  T out{};
  CR_TRY_CTX(read_json(Node(doc), out), "{}", name);
  return out;
}

template <class T>
OJson to_ojson(const T& value) {
  OJson out;
  to_json(out, value);
  return out;
}

}  // namespace

Result<Config> parse_config(std::string_view text) { return parse_as<Config>(text, "config.json"); }

Result<Config> load_config(const std::string& path) {
  std::string text = CR_TRY(fs::read_file(path, kMaxConfigBytes));
  return parse_as<Config>(text, path);
}

std::string dump_config(const Config& config, int indent) {
  return dump_json(to_ojson(config), indent < 0 ? -1 : indent);
}

std::string dump_seccomp(const Seccomp& seccomp) { return dump_json(to_ojson(seccomp), -1); }

std::string dump_config_tabs(const Config& config) { return dump_json(to_ojson(config), 1, '\t'); }

std::string dump_state(const State& state, int indent) {
  return dump_json(state_to_json(state, StateShape::kCommand), indent < 0 ? -1 : indent);
}

std::string dump_state_for_hook(const State& state) {
  return dump_json(state_to_json(state, StateShape::kHook), -1);
}

std::string dump_container_process_state(const ContainerProcessState& state) {
  return dump_json(to_ojson(state), -1);
}

std::string dump_pid_list(const std::vector<int>& pids) {
  OJson list = OJson::array();
  for (int pid : pids) list.push_back(pid);
  return dump_json(list, -1);
}

std::string dump_state_list(const std::vector<State>& states) {
  OJson list = OJson::array();
  for (const State& state : states) list.push_back(state_to_json(state, StateShape::kCommand));
  return dump_json(list, -1);
}

Result<Process> parse_process(std::string_view text, std::string_view name) {
  Json doc = CR_TRY_CTX(parse_document(text), "{}", name);
  // Paths as in config.json ("process.args[1]"): the object hangs below a "process" key.
  Json top = Json::object();
  Node root(top);
  Process out{};
  CR_TRY_CTX(read_json(Node(doc, root, "process"), out), "{}", name);
  return out;
}

Result<LinuxResources> parse_resources(std::string_view text, std::string_view name) {
  return parse_as<LinuxResources>(text, name);
}

Result<State> parse_state(std::string_view text) { return parse_as<State>(text, "state"); }

Result<StoredState> parse_stored_state(std::string_view text) {
  return parse_as<StoredState>(text, "state.json");
}

std::string dump_stored_state(const StoredState& state) { return dump_json(to_ojson(state), -1); }

// runc prints features with json.MarshalIndent(..., "", "    ").
std::string dump_features(const Features& features) { return dump_json(to_ojson(features), 4); }

Result<Features> parse_features(std::string_view text) {
  return parse_as<Features>(text, "features");
}

}  // namespace cruntime::spec
