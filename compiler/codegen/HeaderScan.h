#pragma once

// The one pass over a request's headers that a service with header predicates needs.

#include <llvm/IR/IRBuilder.h>

#include <string>
#include <vector>

#include "codegen/AbiTypes.h"

namespace meshc::codegen {

// Emits a loop over `request->headers` that switches on each name's length and compares its
// bytes with `names` (distinct), remembering the first header with each name. Leaves the builder
// after the loop and returns, per name, a `mesh_header*` to that first occurrence or null.
std::vector<llvm::Value*> emitHeaderScan(llvm::IRBuilder<>& builder, const AbiTypes& types,
                                         llvm::Value* request,
                                         const std::vector<std::string>& names,
                                         const std::string& prefix);

}  // namespace meshc::codegen
