#pragma once

// The one pass over a request's headers (or query parameters) that a service with header (or
// query) predicates needs.

#include <llvm/IR/IRBuilder.h>

#include <string>
#include <vector>

#include "codegen/AbiTypes.h"

namespace meshc::codegen {

// Which name/value array of mesh_request a scan reads.
enum class ScannedList { kHeaders, kQueryParams };

// Emits a loop over the request's headers or query parameters that switches on each name's length
// and compares its bytes with `names` (distinct), remembering the first entry with each name.
// Leaves the builder after the loop and returns, per name, a `mesh_header*` to that first
// occurrence or null.
std::vector<llvm::Value*> emitHeaderScan(llvm::IRBuilder<>& builder, const AbiTypes& types,
                                         llvm::Value* request, ScannedList list,
                                         const std::vector<std::string>& names,
                                         const std::string& prefix);

}  // namespace meshc::codegen
