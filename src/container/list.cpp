// `cruntime list`: every container under --root with its live state and owner (cli-contract §7.8).
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <string>
#include <vector>

#include "cruntime/base/log.hpp"
#include "cruntime/container/container.hpp"
#include "cruntime/container/operations.hpp"

namespace cruntime::container {
namespace {

// The user name for OWNER, or "#<uid>" when the uid has no passwd entry (runc does the same).
std::string owner_name(uid_t uid) {
  long hint = ::sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buf(hint > 0 ? static_cast<size_t>(hint) : 1024);
  for (int attempt = 0; attempt < 8; ++attempt) {
    passwd entry{};
    passwd* found = nullptr;
    int err = ::getpwuid_r(uid, &entry, buf.data(), buf.size(), &found);
    if (err == ERANGE) {
      buf.resize(buf.size() * 2);
      continue;
    }
    if (err == 0 && found != nullptr) return found->pw_name;
    break;
  }
  return fmt::format("#{}", uid);
}

// Owner names by uid: a root usually holds one owner's containers, and each passwd lookup
// opens and scans /etc/passwd (or asks NSS) again.
using OwnerNames = std::map<uid_t, std::string>;

// One entry's state, or the reason it cannot be listed.
Result<spec::State> list_one(const StateRoot& root, const std::string& id, OwnerNames& owners) {
  ContainerDir dir = CR_TRY(root.open_container(id));
  // Without state.json, load() would say "does not exist", which reads oddly in a listing.
  if (!CR_TRY(dir.has_entry(kStateFileName))) {
    return fail_msg("no {} (a create that failed or is still running)", kStateFileName);
  }
  Container container = CR_TRY(Container::load(root, id));
  spec::State state = CR_TRY(container.oci_state());
  uid_t uid = CR_TRY(container.dir().owner_uid());
  auto known = owners.find(uid);
  if (known == owners.end()) known = owners.emplace(uid, owner_name(uid)).first;
  state.owner = known->second;
  return state;
}

}  // namespace

Result<std::vector<spec::State>> list(const GlobalOptions& global) {
  // `list` only reads: it never creates the root. runc lists a missing default root as empty
  // but reports a missing --root the caller chose.
  auto root = StateRoot::open(global.root);
  if (!root && root.error().code() == ENOENT && global.root_is_default) {
    return std::vector<spec::State>{};
  }
  if (!root) return fail(std::move(root).error());

  std::vector<std::string> ids = CR_TRY(root->list_ids());
  std::vector<spec::State> states;
  states.reserve(ids.size());
  OwnerNames owners;
  for (const std::string& id : ids) {
    auto state = list_one(*root, id, owners);
    if (!state) {
      // A crashed or in-progress create leaves a directory without state.json (cli-contract §5).
      log::warn("list: skipping {}/{}: {}", global.root, id, state.error().to_string());
      continue;
    }
    states.push_back(std::move(state).value());
  }
  return states;
}

}  // namespace cruntime::container
