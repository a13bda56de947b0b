// libfmt's compiled half, built into cruntime instead of linked as libfmt.so (issue 14).
//
// Why: the only library function our code calls is fmt::vformat (everything else of fmt is
// templates in its headers), yet linking libfmt.so mapped it and the libstdc++.so it depends on
// into every command: a DSO load and ~120 KiB of resident text for libfmt alone, and it kept
// libstdc++.so in the process even with -static-libstdc++ (bench/PROFILE.md §4 item 3). Debian
// ships no static libfmt, and FMT_HEADER_ONLY in every file doubles each file's compile time
// (list.cpp: 4.9 → 10.3 s of CPU), so the implementation header is compiled once, here.
//
// FMT_STATIC_THOUSANDS_SEPARATOR: we never format with a locale ('L' specs, std::locale
// arguments), and without it the implementation's std::locale use pulls libstdc++'s whole locale
// and iostream machinery into the static binary (325 KB of text, all of it mapped at start-up).
// A file that did format with a locale would fail to link (locale_ref::get is then undefined).
#define FMT_STATIC_THOUSANDS_SEPARATOR ','
#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {
// format.h declares these `extern template` for builds that link the library: instantiated here.
template FMT_API auto thousands_sep_impl<char>(locale_ref) -> thousands_sep_result<char>;
template FMT_API auto thousands_sep_impl<wchar_t>(locale_ref) -> thousands_sep_result<wchar_t>;
template FMT_API auto decimal_point_impl(locale_ref) -> char;
template FMT_API auto decimal_point_impl(locale_ref) -> wchar_t;
}  // namespace detail
FMT_END_NAMESPACE
