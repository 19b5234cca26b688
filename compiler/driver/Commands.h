#pragma once

#include <string>

namespace meshc::driver {

enum class EmitStage { None, Ast, Ir, Llvm };

struct CompileOptions {
  std::string input;
  std::string outputDir;
  std::string workload;  // empty: every workload
  EmitStage emit = EmitStage::None;
  bool keepObjects = false;
};

// Exit statuses: 0 success, 1 the policy has errors, 2 usage, I/O or link failure.
int runCompile(const CompileOptions& options);
int runCheck(const std::string& input);

}  // namespace meshc::driver
