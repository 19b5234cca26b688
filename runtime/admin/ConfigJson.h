#pragma once

#include <string>
#include <string_view>

#include "mesh/abi.h"
#include "policy/RuleTable.h"
#include "upstream/ClusterTable.h"

namespace mesh {

class TlsCredentials;

// Appends `text` as a JSON string literal, quotes included.
void appendJsonString(std::string& out, std::string_view text);

// The /config document: the module's identity and tables, each rule with its decoded settings, the
// endpoints in use, and the workload certificate in use (null: none).
std::string renderConfigJson(const mesh_module& module, const RuleTable& rules,
                             const ClusterTable& clusters, const TlsCredentials* credentials);

}  // namespace mesh
