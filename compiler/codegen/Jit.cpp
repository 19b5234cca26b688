// JitModule: the policy compiled in-process with ORC's LLJIT, for tests and `meshc explain`.

#include <llvm/ExecutionEngine/JITSymbol.h>
#include <llvm/ExecutionEngine/Orc/Core.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <strings.h>

#include <cstring>

#include "codegen/Codegen.h"
#include "codegen/ModuleBuilder.h"
#include "codegen/Optimizer.h"
#include "codegen/TargetSetup.h"

namespace meshc::codegen {
namespace {

void check(llvm::Error error, const char* what) {
  if (error) {
    throw CodegenError(std::string("codegen: ") + what + ": " + llvm::toString(std::move(error)));
  }
}

template <class T>
T unwrap(llvm::Expected<T> value, const char* what) {
  check(value.takeError(), what);
  return std::move(*value);
}

// LLVM may turn loads, stores and comparisons into calls to these (the generated route code
// contains none; see StringMatch), so they are the only process symbols JITed code can reach.
llvm::orc::SymbolMap memoryFunctions(llvm::orc::LLJIT& jit) {
  const llvm::JITSymbolFlags flags =
      llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable;
  auto symbol = [&flags](auto* function) {
    return llvm::JITEvaluatedSymbol(llvm::pointerToJITTargetAddress(function), flags);
  };
  llvm::orc::SymbolMap symbols;
  symbols[jit.mangleAndIntern("memcpy")] = symbol(&::memcpy);
  symbols[jit.mangleAndIntern("memmove")] = symbol(&::memmove);
  symbols[jit.mangleAndIntern("memset")] = symbol(&::memset);
  symbols[jit.mangleAndIntern("memcmp")] = symbol(&::memcmp);
  symbols[jit.mangleAndIntern("bcmp")] = symbol(&::bcmp);
  return symbols;
}

}  // namespace

struct JitModule::Impl {
  std::unique_ptr<llvm::orc::LLJIT> jit;
  const mesh_module* module = nullptr;
};

JitModule::JitModule(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

JitModule::~JitModule() = default;

const mesh_module& JitModule::module() const { return *impl_->module; }

std::unique_ptr<JitModule> JitModule::create(const ir::Module& policy) {
  initializeNativeTarget();
  llvm::orc::JITTargetMachineBuilder machineBuilder =
      unwrap(llvm::orc::JITTargetMachineBuilder::detectHost(), "cannot detect the host");
  std::unique_ptr<llvm::TargetMachine> target =
      unwrap(machineBuilder.createTargetMachine(), "cannot create the JIT's target machine");

  auto impl = std::make_unique<Impl>();
  impl->jit = unwrap(llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(machineBuilder).create(),
                     "cannot create the JIT");
  llvm::orc::LLJIT& jit = *impl->jit;

  auto context = std::make_unique<llvm::LLVMContext>();
  std::unique_ptr<llvm::Module> module = buildModule(policy, *context, *target);
  optimize(*module, *target);

  check(jit.getMainJITDylib().define(llvm::orc::absoluteSymbols(memoryFunctions(jit))),
        "cannot define the JIT's runtime symbols");
  check(jit.addIRModule(llvm::orc::ThreadSafeModule(std::move(module), std::move(context))),
        "cannot add the module to the JIT");
  const llvm::JITEvaluatedSymbol descriptor =
      unwrap(jit.lookup("mesh_policy_module"), "cannot compile mesh_policy_module");
  impl->module = llvm::jitTargetAddressToPointer<const mesh_module*>(descriptor.getAddress());
  return std::unique_ptr<JitModule>(new JitModule(std::move(impl)));
}

}  // namespace meshc::codegen
