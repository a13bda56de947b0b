// What the process prints when std::terminate is called, in place of libstdc++'s default
// "verbose" handler. That handler demangles the exception's type name, and linking it pulls the
// whole C++ demangler into the binary: 40 KB of text that every command maps (peak RSS follows
// the file size, issue 14, bench/PROFILE.md §9). Project code never throws (style rule 12), so
// this runs only for std::bad_alloc or an exception of the C++ library, as one error line.
//
// The default handler is the function below by name (libstdc++ installs
// __gnu_cxx::__verbose_terminate_handler at start-up); defining it here keeps the archive's copy
// out of the static link. Built only when libstdc++ is linked statically (CMakeLists.txt), and
// with exceptions enabled, which std::rethrow_exception needs.
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <exception>

namespace {

// Not fs::write_all: its error path builds an Error, and this handler may be running because an
// allocation failed.
void write_stderr(const char* text) {
  size_t left = std::strlen(text);
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, text, left);
    if (n <= 0) return;
    text += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace

namespace __gnu_cxx {

void __verbose_terminate_handler() {
  const char* what = "std::terminate called without an exception";
  try {
    if (std::exception_ptr current = std::current_exception()) std::rethrow_exception(current);
  } catch (const std::exception& error) {
    what = error.what();
  } catch (...) {
    what = "an exception that is not a std::exception";
  }
  write_stderr("cruntime: internal error: ");
  write_stderr(what);
  write_stderr("\n");
  std::abort();
}

}  // namespace __gnu_cxx
