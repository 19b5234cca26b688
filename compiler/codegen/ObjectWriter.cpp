// emitObject: the ahead-of-time path, from Policy IR to an ELF object linked into a sidecar.

#include <llvm/IR/LegacyPassManager.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/raw_ostream.h>

#include <system_error>

#include "codegen/Codegen.h"
#include "codegen/ModuleBuilder.h"
#include "codegen/Optimizer.h"
#include "codegen/TargetSetup.h"

namespace meshc::codegen {

void emitObject(const ir::Module& policy, const std::string& path) {
  std::unique_ptr<llvm::TargetMachine> target = createTargetMachine();
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> module = buildModule(policy, context, *target);
  optimize(*module, *target);

  std::error_code error;
  llvm::raw_fd_ostream out(path, error, llvm::sys::fs::OF_None);
  if (error) throw CodegenError("codegen: cannot open '" + path + "': " + error.message());

  // The legacy pass manager is still the only way to run LLVM 14's code generator.
  llvm::legacy::PassManager passes;
  if (target->addPassesToEmitFile(passes, out, nullptr, llvm::CGFT_ObjectFile)) {
    throw CodegenError("codegen: the target cannot emit object files");
  }
  passes.run(*module);
  out.close();
  if (out.has_error()) {
    const std::string message = out.error().message();
    out.clear_error();  // raw_fd_ostream aborts the process in its destructor otherwise
    throw CodegenError("codegen: cannot write '" + path + "': " + message);
  }
}

}  // namespace meshc::codegen
