#pragma once

#include <string>

namespace meshc::driver {

enum class EmitStage { None, Ast, Ir, Llvm };
enum class DiagnosticFormat { Text, Json };
enum class ColorMode { Auto, Always, Never };

// How diagnostics are reported. Both formats go to stderr, so stdout keeps its meaning (--emit
// output, the list of sidecars, "ok").
struct ReportOptions {
  DiagnosticFormat format = DiagnosticFormat::Text;
  ColorMode color = ColorMode::Auto;  // Auto: stderr is a terminal and NO_COLOR is unset
  bool werror = false;                // warnings count as errors (exit status 1)
};

struct CompileOptions {
  std::string input;  // "-" reads standard input
  std::string outputDir;
  std::string workload;  // empty: every workload
  EmitStage emit = EmitStage::None;
  bool keepObjects = false;
  bool clean = false;  // remove sidecar-* files of workloads the policy no longer has
  ReportOptions report;
};

// Exit statuses: 0 success, 1 the policy has errors, 2 usage, I/O or link failure.
int runCompile(const CompileOptions& options);
int runCheck(const std::string& input, const ReportOptions& report);

}  // namespace meshc::driver
