#include "tls/MtlsPlan.h"

#include <fmt/format.h>

namespace mesh {

bool originatesMutualTls(const mesh_service& service) {
  return service.principal_count > 0 && mtlsModeOf(service) != MtlsMode::kDisable;
}

MtlsMode inboundMode(const mesh_module& module) {
  if (module.local_service < 0) return MtlsMode::kDisable;
  return mtlsModeOf(module.services[module.local_service]);
}

std::optional<std::string> credentialsRequirement(const mesh_module& module) {
  if (inboundMode(module) == MtlsMode::kStrict) {
    return fmt::format("workload {} serves {}, which accepts only mutual TLS (mtls strict)",
                       module.workload, module.services[module.local_service].name);
  }
  for (uint32_t i = 0; i < module.service_count; ++i) {
    const mesh_service& service = module.services[i];
    if (originatesMutualTls(service) && mtlsModeOf(service) == MtlsMode::kStrict) {
      return fmt::format("workload {} calls {}, which accepts only mutual TLS (mtls strict)",
                         module.workload, service.name);
    }
  }
  return std::nullopt;
}

}  // namespace mesh
