#pragma once

#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

namespace meshc::codegen {

// The new pass manager's standard O2 pipeline, with the target's cost model.
void optimize(llvm::Module& module, llvm::TargetMachine& target);

}  // namespace meshc::codegen
