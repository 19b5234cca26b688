#pragma once

#include <llvm/Target/TargetMachine.h>

#include <memory>

namespace meshc::codegen {

// Registers the native target with LLVM; safe to call from several threads, does the work once.
void initializeNativeTarget();

// The machine emitted objects and --emit=llvm are built for: the default (host) triple with a
// generic CPU of that architecture, position-independent code, aggressive codegen optimisation.
// Never depends on the CPU of the machine meshc runs on, so objects and IR are reproducible.
std::unique_ptr<llvm::TargetMachine> createTargetMachine();

}  // namespace meshc::codegen
