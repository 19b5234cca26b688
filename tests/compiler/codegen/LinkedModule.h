#pragma once

// A module's emitted object, as a sidecar gets it (baseline x86-64, not the host CPU the JIT
// targets), linked into a shared library and loaded: the differential tests run the object's own
// machine code. Linking needs the C compiler driver (`cc`); without one, create() throws rather
// than letting a test pass unchecked.

#include <filesystem>
#include <memory>

#include "ir/Policy.h"
#include "mesh/abi.h"

namespace meshc::codegen::testing {

class LinkedModule {
 public:
  static std::unique_ptr<LinkedModule> create(const ir::Module& module);

  LinkedModule(const LinkedModule&) = delete;
  LinkedModule& operator=(const LinkedModule&) = delete;
  ~LinkedModule();

  // Valid as long as this LinkedModule lives.
  const mesh_module& module() const { return *module_; }

 private:
  LinkedModule(std::filesystem::path dir, void* handle, const mesh_module* module);

  std::filesystem::path dir_;
  void* handle_;
  const mesh_module* module_;
};

}  // namespace meshc::codegen::testing
