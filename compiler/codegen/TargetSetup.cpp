#include "codegen/TargetSetup.h"

#include <llvm/ADT/Triple.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/Host.h>
#include <llvm/Support/TargetSelect.h>

#include <mutex>
#include <string>

#include "codegen/Codegen.h"

namespace meshc::codegen {

void initializeNativeTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

std::unique_ptr<llvm::TargetMachine> createTargetMachine() {
  initializeNativeTarget();
  const llvm::Triple triple(llvm::Triple::normalize(llvm::sys::getDefaultTargetTriple()));
  std::string error;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(triple.str(), error);
  if (target == nullptr) {
    throw CodegenError("codegen: no LLVM target for '" + triple.str() + "': " + error);
  }
  const char* cpu = triple.getArch() == llvm::Triple::x86_64 ? "x86-64" : "generic";
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple.str(), cpu, /*Features=*/"", llvm::TargetOptions(), llvm::Reloc::PIC_,
      llvm::CodeModel::Small, llvm::CodeGenOpt::Aggressive));
  if (machine == nullptr) {
    throw CodegenError("codegen: LLVM cannot create a target machine for '" + triple.str() + "'");
  }
  return machine;
}

}  // namespace meshc::codegen
