// emitLlvmIr: the textual form of what emitObject and the JIT compile.

#include "codegen/Codegen.h"

#include <llvm/IR/Module.h>
#include <llvm/Support/raw_ostream.h>

#include "codegen/ModuleBuilder.h"
#include "codegen/Optimizer.h"
#include "codegen/TargetSetup.h"

namespace meshc::codegen {

std::string emitLlvmIr(const ir::Module& policy, bool optimized) {
  std::unique_ptr<llvm::TargetMachine> target = createTargetMachine();
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> module = buildModule(policy, context, *target);
  if (optimized) optimize(*module, *target);

  std::string text;
  llvm::raw_string_ostream out(text);
  module->print(out, /*AAW=*/nullptr);
  out.flush();
  return text;
}

}  // namespace meshc::codegen
