// The shape of every OCI enum name table in spec/: the spec's text names and the value each
// stands for, with the two lookups. The tables themselves live in *_names.cpp (one per enum).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cruntime::spec {

template <class T>
struct Named {
  std::string_view name;
  T value;
};

// The value `name` stands for; nullopt when the table lacks it (names are case-sensitive).
template <class T>
std::optional<T> value_of(std::span<const Named<T>> table, std::string_view name) {
  for (const Named<T>& entry : table) {
    if (entry.name == name) return entry.value;
  }
  return std::nullopt;
}

// The first name of `value`; nullopt when no entry has it.
template <class T>
std::optional<std::string_view> name_of(std::span<const Named<T>> table, T value) {
  for (const Named<T>& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return std::nullopt;
}

// Every name of the table, in table order (for `features`).
template <class T>
std::vector<std::string> names_of(std::span<const Named<T>> table) {
  std::vector<std::string> out;
  out.reserve(table.size());
  for (const Named<T>& entry : table) out.emplace_back(entry.name);
  return out;
}

}  // namespace cruntime::spec
