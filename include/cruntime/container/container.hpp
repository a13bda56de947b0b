// A loaded container: its directory, its stored state, and the status derived live from both.
#pragma once

#include <string>
#include <string_view>

#include "cruntime/base/error.hpp"
#include "cruntime/container/operations.hpp"
#include "cruntime/container/state_store.hpp"
#include "cruntime/spec/state.hpp"

namespace cruntime::container {

// Readers (`state`, `list`) take no lock; mutating commands load with kExclusive so the state
// they read stays true until they are done.
enum class LockMode { kNone, kExclusive };

// The live status (cli-contract §5), derived from the state and the directory, never stored:
// init gone, a zombie, or its start time differs (pid reuse) → stopped; exec.fifo still present
// → created; otherwise running.
Result<spec::Status> derive_status(const spec::StoredState& stored, const ContainerDir& dir);

class Container {
 public:
  // Open <root>/<id> and read its state.json (after taking the lock when asked). A missing root,
  // directory or state.json all give `container "X" does not exist`.
  static Result<Container> load(const GlobalOptions& global, std::string_view id,
                                LockMode lock = LockMode::kNone);
  static Result<Container> load(const StateRoot& root, std::string_view id,
                                LockMode lock = LockMode::kNone);
  // The --root that load(global, id) reads `id` from, for a caller that needs the root itself as
  // well (exec: the seccomp program cache); a missing root gives `container "X" does not exist`.
  static Result<StateRoot> open_root(const GlobalOptions& global, std::string_view id);

  const std::string& id() const noexcept { return dir_.id(); }
  const spec::StoredState& stored() const noexcept { return stored_; }
  const ContainerDir& dir() const noexcept { return dir_; }
  ContainerDir& dir() noexcept { return dir_; }

  // derive_status, except for a record of an unfinished create (StoredState::creating):
  // "creating" while its creator was alive at load, else "stopped" (the create was killed; only
  // `delete` is left to do, which undoes what the record names).
  Result<spec::Status> status() const;
  // The OCI state with the live status; pid is 0 when stopped, owner is left empty.
  Result<spec::State> oci_state() const;
  // The OCI state for a status the caller already knows (hooks are shown "creating"/"created").
  spec::State oci_state(spec::Status status) const;

 private:
  Container(ContainerDir dir, spec::StoredState stored, bool creator_alive)
      : dir_(std::move(dir)), stored_(std::move(stored)), creator_alive_(creator_alive) {}

  ContainerDir dir_;
  spec::StoredState stored_;
  bool creator_alive_ = false;  // only meaningful for a `creating` record
};

}  // namespace cruntime::container
