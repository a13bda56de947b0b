// The parent ⇄ container-init protocol over one SOCK_SEQPACKET socketpair (the whole contract).
//
//  child (run_init)                        parent (spawn_init)
//                        <-- kParentReady      id maps written (userns created by clone3)
//  kIdMapRequest         -->                   only when the userns is unshared after a setns
//                        <-- kIdMapDone        maps written to the child
//  kInitPid{pid}         -->                   only after a second fork (new/joined pid or time ns);
//                                              the grandchild is the init from here on
//  kMountSourcesRequest  -->                   only with a user and a mount namespace and binds:
//                        <-- kMountSource{i}+fd  per bind source mounts[i] the runtime could open
//                                              (O_PATH, from /proc/<init>/root); none for the rest
//                        <-- kMountSourcesDone
//  kSeccompFd + fd       -->                   only with a notify action: parent sends the fd to
//                        <-- kSeccompDone      linux.seccomp.listenerPath
//  kHooksRequest         -->                   only with linux.netDevices or prestart /
//                                              createRuntime hooks (init_needs_hooks_step):
//                                              move the devices in, run those hooks
//                        <-- kHooksDone
//  kReady                -->                   write state.json (the init's pid replaces the
//                                              "creating" record, container/create.cpp)
//                        <-- kRecorded         only now may the init outlive the runtime: it
//                                              closes the socket (its other host fds went
//                                              before kReady) and blocks on the exec fifo; the
//                                              runtime exits after that EOF.
//                                              EOF instead (the runtime was killed before it
//                                              recorded the init): the init exits, as nothing
//                                              could ever find it to start or kill it
//  kError{wire}          -->                   any time before kReady; terminal
//
// The same socket serves `exec` (process/exec.hpp), with a shorter exchange:
//
//  exec child                              parent (spawn_exec)
//                        <-- kParentReady      v1: the child is in the container's cgroups
//  kInitPid{pid}         -->                   only after the fork into a joined pid/time ns
//  kSeccompFd + fd       -->                   only with a notify action
//                        <-- kSeccompDone
//  kError{wire}          -->                   any time; terminal
//  EOF                                         execve succeeded (the child's end is CLOEXEC)
//
// Wire: one sendmsg per message = {u32 type, u32 length} + payload (≤ kMaxPayload) + optional fds.
// SEQPACKET keeps message boundaries, so a short or oversized message is a protocol error.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cruntime/base/error.hpp"
#include "cruntime/base/unique_fd.hpp"

namespace cruntime::process {

enum class MsgType : uint32_t {
  kParentReady = 1,
  kIdMapRequest,
  kIdMapDone,
  kInitPid,
  kSeccompFd,
  kSeccompDone,
  kHooksRequest,
  kHooksDone,
  kReady,
  kError,
  kMountSourcesRequest,
  kMountSource,
  kMountSourcesDone,
  kRecorded,
};

std::string_view msg_type_name(MsgType type);

struct Msg {
  MsgType type = MsgType::kError;
  std::string payload;
  std::vector<UniqueFd> fds;
};

class SyncSocket {
 public:
  static constexpr uint32_t kMaxPayload = 64 * 1024;

  // Two connected ends: {parent, child}. Both CLOEXEC.
  static Result<std::pair<SyncSocket, SyncSocket>> make_pair();

  SyncSocket() = default;
  explicit SyncSocket(UniqueFd fd) : fd_(std::move(fd)) {}

  Result<void> send(MsgType type, std::string_view payload = {}, std::span<const int> fds = {});
  // EOF → Error "the other side exited"; kError → the peer's Error.
  Result<Msg> recv();
  // The same, but EOF (every copy of the other end closed) is nullopt: for an exec'd process,
  // whose end is CLOEXEC, EOF is the news that execve succeeded.
  Result<std::optional<Msg>> recv_or_eof();
  // recv() and require `type`; anything else is a protocol error naming both types.
  Result<Msg> expect(MsgType type);
  // The child's last word: send kError carrying `error` (best effort).
  void send_error(const Error& error) noexcept;

  int fd() const noexcept { return fd_.get(); }
  void close() noexcept { fd_.reset(); }

 private:
  UniqueFd fd_;
};

}  // namespace cruntime::process
