// libFuzzer target: the linux.seccomp section of config.json. The input is the seccomp object;
// it goes through the config parser and validation like any config, and a section that passes
// is compiled into the BPF program the init would load (build_seccomp, libseccomp in memory;
// never loaded here).
#include <cstddef>
#include <cstdint>
#include <string>

#include "cruntime/process/payload.hpp"
#include "cruntime/security/seccomp.hpp"
#include "cruntime/security/seccomp_cache.hpp"
#include "cruntime/spec/io.hpp"
#include "cruntime/spec/validate.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cruntime;
  std::string text = R"({"ociVersion":"1.0.2","linux":{"seccomp":)";
  text.append(fuzz::as_text(data, size));
  text += "}}";
  auto config = spec::parse_config(text);
  if (!config) {
    fuzz::consume_error(config.error());
    return 0;
  }
  if (auto checked = spec::check(*config); !checked) {
    fuzz::consume_error(checked.error());
    return 0;
  }
  if (!config->linux_config || !config->linux_config->seccomp) return 0;
  const spec::Seccomp& seccomp = *config->linux_config->seccomp;
  (void)security::seccomp_uses_notify(seccomp);
  auto built = security::build_seccomp(seccomp);
  if (!built) {
    fuzz::consume_error(built.error());
    return 0;
  }
  if (!*built) return 0;
  CR_FUZZ_CHECK(!(*built)->program.empty(), "an empty BPF program");
  (void)process::plan_seccomp(&**built, spec::Process{});
  // What the cache stores must come back exactly, and only for its own key.
  const std::string key = "fuzz key";
  auto decoded =
      security::decode_cached_program(key, security::encode_cached_program(key, **built));
  CR_FUZZ_CHECK(decoded && decoded->program.size() == (*built)->program.size() &&
                    decoded->flags == (*built)->flags,
                "the cached program does not decode to itself");
  CR_FUZZ_CHECK(!security::decode_cached_program("other key",
                                                 security::encode_cached_program(key, **built)),
                "a cached program decoded under another key");
  return 0;
}
