#pragma once

// Policy IR -> unoptimised LLVM module: validation, route lowering and descriptor in one place,
// shared by --emit=llvm, object emission and the JIT.

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

#include <memory>

#include "ir/Policy.h"

namespace meshc::codegen {

// Throws CodegenError for IR that cannot be compiled (checked here rather than trusted, since a
// bad index would otherwise become wrong machine code) or that LLVM's verifier rejects.
std::unique_ptr<llvm::Module> buildModule(const ir::Module& policy, llvm::LLVMContext& context,
                                          const llvm::TargetMachine& target);

}  // namespace meshc::codegen
