#pragma once

#include <string>

#include "mesh/abi.h"

namespace mesh {

// Checks what the runtime relies on before it trusts a policy module: the ABI version first (no
// other field may be read under a different ABI), then non-null strings, tables and indices in
// range. Returns an empty string when the module is usable, otherwise what is wrong.
std::string checkModule(const mesh_module& module);

}  // namespace mesh
