#include "driver/Report.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "support/DiagnosticJson.h"

namespace meshc::driver {
namespace {

bool useColor(ColorMode mode) {
  switch (mode) {
    case ColorMode::Always:
      return true;
    case ColorMode::Never:
      return false;
    case ColorMode::Auto:
      return isatty(STDERR_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr;
  }
  return false;
}

// "1 warning and 2 errors generated.", as clang says it.
std::string countLine(size_t warnings, size_t errors) {
  auto count = [](size_t n, const char* what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
  };
  if (warnings > 0 && errors > 0) {
    return count(warnings, "warning") + " and " + count(errors, "error") + " generated.\n";
  }
  if (warnings > 0) return count(warnings, "warning") + " generated.\n";
  if (errors > 0) return count(errors, "error") + " generated.\n";
  return "";
}

}  // namespace

bool reportDiagnostics(CheckedPolicy& checked, const ReportOptions& options) {
  Diagnostics& diagnostics = checked.diagnostics;
  if (options.werror) diagnostics.promoteWarnings();
  switch (options.format) {
    case DiagnosticFormat::Json:
      std::cerr << toJson(diagnostics);
      break;
    case DiagnosticFormat::Text:
      std::cerr << diagnostics.render(checked.source, useColor(options.color))
                << countLine(diagnostics.warningCount(), diagnostics.errorCount());
      break;
  }
  return !diagnostics.hasErrors();
}

}  // namespace meshc::driver
