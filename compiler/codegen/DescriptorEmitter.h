#pragma once

// The constant tables of a compiled module and the exported `mesh_policy_module` descriptor.

#include <llvm/IR/Function.h>
#include <llvm/IR/Module.h>

#include "codegen/AbiTypes.h"
#include "ir/Policy.h"

namespace meshc::codegen {

// Adds every string as a private NUL-terminated constant (deduplicated), the private arrays of
// mesh_service, mesh_cluster and endpoint pointers, and the external constant
// `mesh_policy_module` whose `route` field points at `route`.
void emitDescriptor(const ir::Module& policy, llvm::Module& module, const AbiTypes& types,
                    llvm::Function* route);

}  // namespace meshc::codegen
