#pragma once

// Internal, LLVM-free view of how the code generator lays out the abi.h structs, so a test can
// compare it with the C compiler's offsetof/sizeof without including LLVM headers.

#include <cstdint>
#include <string>
#include <vector>

namespace meshc::codegen {

struct StructLayoutReport {
  std::string name;  // the C struct name, e.g. "mesh_request"
  uint64_t size = 0;
  uint64_t alignment = 0;
  std::vector<uint64_t> fieldOffsets;  // in declaration order
};

// Layouts under the DataLayout used for emitted objects (the host target).
std::vector<StructLayoutReport> abiStructLayouts();

}  // namespace meshc::codegen
