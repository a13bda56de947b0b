// UniqueFd (an owned file descriptor) and CHandle (an owned C library handle).
#pragma once

#include <unistd.h>

#include <memory>
#include <utility>

namespace cruntime {

// Owns one fd; closes it once. A plain `int fd` parameter elsewhere means "borrowed".
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  ~UniqueFd() { reset(); }

  int get() const noexcept { return fd_; }
  bool valid() const noexcept { return fd_ >= 0; }
  explicit operator bool() const noexcept { return valid(); }
  int release() noexcept { return std::exchange(fd_, -1); }
  // close(2) is not retried on EINTR: on Linux the fd is released either way.
  void reset(int fd = -1) noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// Close a child's copy of an fd the parent owns (clone duplicated the table; the parent's copy
// stays the parent's). -1 is ignored.
inline void close_inherited(int fd) noexcept { UniqueFd copy(fd); }

template <auto Fn>
struct CHandleDeleter {
  template <class T>
  void operator()(T* p) const noexcept {
    if (p != nullptr) Fn(p);
  }
};

// CHandle<DIR, closedir>: unique_ptr with a C free function.
template <class T, auto Fn>
using CHandle = std::unique_ptr<T, CHandleDeleter<Fn>>;

}  // namespace cruntime
