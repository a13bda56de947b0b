// Wall-clock timestamps in the RFC 3339 form Go's time.Time parses (state "created", log records).
#pragma once

#include <string>

namespace cruntime {

// "2026-11-22T07:32:02.123456789Z"
std::string rfc3339_now();

}  // namespace cruntime
