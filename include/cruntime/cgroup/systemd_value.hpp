// The value of a systemd unit property as D-Bus carries it, and the GVariant text form of it that
// org.systemd.property.* annotations use (pure).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cruntime/base/error.hpp"

namespace cruntime::cgroup {

// A D-Bus basic type or an array of one (what unit properties use; StartTransientUnit takes an
// a(sv): each property is a name and a variant holding such a value). `items` holds one element
// for a basic type and the elements of an array; strings stand for 's', 'o' and 'g' alike.
struct BusValue {
  using Basic = std::variant<bool, uint8_t, int16_t, uint16_t, int32_t, uint32_t, int64_t, uint64_t,
                             double, std::string>;
  std::string signature;  // "t", "b", "s", "au", "ay", "as"
  std::vector<Basic> items;

  static BusValue boolean(bool value) { return {"b", {value}}; }
  static BusValue u64(uint64_t value) { return {"t", {value}}; }
  static BusValue string(std::string value) { return {"s", {std::move(value)}}; }
  static BusValue bytes(const std::vector<uint8_t>& value);
  static BusValue u32s(const std::vector<uint32_t>& value);

  bool is_array() const { return signature.size() == 2 && signature[0] == 'a'; }
  // The basic type code of the value or of the array's elements.
  char element_type() const { return signature.empty() ? '\0' : signature.back(); }
  // For logs: "t 100000", "as ['a', 'b']".
  std::string to_string() const;
  bool operator==(const BusValue&) const = default;
};

// One unit property: Name=value.
struct UnitProperty {
  std::string name;
  BusValue value;
  bool operator==(const UnitProperty&) const = default;
};

// The GVariant text format (docs.gtk.org/glib/gvariant-text-format.html), the syntax of the
// org.systemd.property.* annotations in runc, parsed as runc's parser (godbus ParseVariant) does
// for the values unit properties take: true/false; numbers (an untyped integer is an int32, one
// with '.' or 'e' a double; 0x hex and leading-0 octal); '…' or "…" strings with C escapes; the
// type keywords boolean, byte, int16, uint16, int32, uint32, int64, uint64, double, string,
// objectpath, signature and "@<type>" annotations; arrays "[a, b]" of one basic type ("@as []"
// for an empty one). Variants, dictionaries, tuples, byte strings and nested arrays are refused.
Result<BusValue> parse_gvariant(std::string_view text);

}  // namespace cruntime::cgroup
