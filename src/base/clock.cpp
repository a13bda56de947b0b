// RFC 3339 timestamps with nanoseconds in UTC.
#include "cruntime/base/clock.hpp"

#include <ctime>
#include <string_view>

#include <fmt/format.h>

namespace cruntime {

std::string rfc3339_now() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  tm utc{};
  gmtime_r(&ts.tv_sec, &utc);
  char buf[40];
  size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
  return fmt::format("{}.{:09d}Z", std::string_view(buf, n), ts.tv_nsec);
}

}  // namespace cruntime
