#pragma once

// Lowers the services' routes to one function with the signature of `mesh_route_fn`.

#include <llvm/IR/Function.h>
#include <llvm/IR/Module.h>

#include "codegen/AbiTypes.h"
#include "ir/Policy.h"

namespace meshc::codegen {

// Adds the internal function `mesh_route` to `module`. The shape of the code:
//   entry:   switch on host length, then byte comparisons against each routable service name;
//   service: at most one pass over the headers (HeaderScan), then each rule's predicates as
//            straight-line tests whose failure jumps to the next rule;
//   match:   the decision's stores (a split picks its cluster by `seed % 10000` compares) and
//            `ret MESH_ROUTE_MATCHED`.
// The IR must have been validated (see ModuleBuilder).
llvm::Function* lowerRoute(const ir::Module& policy, llvm::Module& module, const AbiTypes& types);

}  // namespace meshc::codegen
