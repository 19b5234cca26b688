#pragma once

#include <cstdint>
#include <string_view>

#include "mesh/abi.h"

namespace mesh {

// What a listener accepts (abi.h MESH_MTLS_*).
enum class MtlsMode : uint8_t {
  kDisable,     // plaintext only
  kPermissive,  // mutual TLS or plaintext, told apart by the first byte
  kStrict,      // mutual TLS only
};

// The mode of a module's service; ModuleCheck has refused values outside MESH_MTLS_*.
inline MtlsMode mtlsModeOf(const mesh_service& service) {
  if (service.mtls == MESH_MTLS_STRICT) return MtlsMode::kStrict;
  if (service.mtls == MESH_MTLS_PERMISSIVE) return MtlsMode::kPermissive;
  return MtlsMode::kDisable;
}

inline std::string_view nameOf(MtlsMode mode) {
  switch (mode) {
    case MtlsMode::kDisable:
      return "disable";
    case MtlsMode::kPermissive:
      return "permissive";
    case MtlsMode::kStrict:
      return "strict";
  }
  return "disable";
}

}  // namespace mesh
