#pragma once

#include <optional>
#include <string>

#include "driver/Commands.h"

namespace meshc::driver {

enum class CertsAction { Init, Issue, Rotate };

struct CertsOptions {
  CertsAction action = CertsAction::Init;
  std::string input;  // the policy: its trust domain and workloads
  std::string directory = "certs";
  std::string workload;  // issue/rotate: empty means every workload
  std::string lifetime;  // empty: 365d for the CA, 24h for a workload
  ReportOptions report;
};

// `meshc certs init` creates the trust domain's CA; `issue` gives each workload without one a
// certificate for its SPIFFE ID; `rotate` gives each a new one. Exit 0, 1 when the policy has
// errors, 2 on usage, I/O or certificate errors.
int runCerts(const CertsOptions& options);

// "24h", "90m", "365d", "30s" as seconds; nullopt for anything else (or zero).
std::optional<long long> parseLifetimeSeconds(const std::string& text);

}  // namespace meshc::driver
