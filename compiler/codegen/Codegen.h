#pragma once

// Policy IR -> native code. The only part of meshc that knows LLVM; nothing LLVM leaks out of here,
// so the driver and the tests compile without LLVM headers.

#include <memory>
#include <stdexcept>
#include <string>

#include "ir/Policy.h"
#include "mesh/abi.h"

namespace meshc::codegen {

// Invalid IR for code generation (e.g. a split without targets), or a failure of LLVM itself.
class CodegenError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Textual LLVM IR of the module (`meshc compile --emit=llvm`). Deterministic for a given IR, so
// golden files can diff it; `optimized` runs the same O2 pipeline as object emission.
std::string emitLlvmIr(const ir::Module& module, bool optimized);

// Writes an O2-optimised, position-independent ELF object for the host architecture (generic
// x86-64 CPU, so the sidecar runs on any machine of that architecture). It defines exactly one
// global symbol, `mesh_policy_module`.
void emitObject(const ir::Module& module, const std::string& path);

// The module compiled in-process (ORC JIT), for `meshc test`, `meshc explain` and differential
// tests. The compiled code sees only a few libc memory functions, never the rest of the process.
class JitModule {
 public:
  static std::unique_ptr<JitModule> create(const ir::Module& module);

  JitModule(const JitModule&) = delete;
  JitModule& operator=(const JitModule&) = delete;
  ~JitModule();

  // Valid as long as this JitModule lives.
  const mesh_module& module() const;

 private:
  struct Impl;
  explicit JitModule(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace meshc::codegen
