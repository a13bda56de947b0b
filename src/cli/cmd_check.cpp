// `cruntime check [-f text|json]`: what this host supports and why a container
// might fail.
#include "commands.hpp"
#include "cruntime/base/strings.hpp"

namespace cruntime::cli {

Result<int> run_check(const Invocation& invocation) {
  const std::string format = invocation.args.value("format", "text");
  if (format != "text" && format != "json") {
    return fail_msg("invalid format \"{}\" (want text or json)", format);
  }
  const container::HostReport report = container::check(invocation.global);
  CR_TRY(print_stdout(format == "json" ? format_check_json(report) : format_check_text(report)));
  if (report.can_run()) return 0;
  // The report is on stdout; the one error line says why the exit status is not
  // 0.
  return fail_msg("this host cannot run the default container: {}",
                  strings::join(check_blockers(report), "; "));
}

}  // namespace cruntime::cli
