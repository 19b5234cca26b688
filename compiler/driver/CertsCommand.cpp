#include "driver/CertsCommand.h"

#include <charconv>
#include <iostream>

#include "certs/CertificateStore.h"
#include "certs/Certificates.h"
#include "driver/Frontend.h"
#include "driver/Report.h"
#include "sema/SymbolTable.h"
#include "sema/WorkloadIdentity.h"

namespace meshc::driver {
namespace {

constexpr const char* kCaLifetime = "365d";
constexpr const char* kWorkloadLifetime = "24h";

int issue(const CertsOptions& options, const CheckedPolicy& checked,
          const certs::CertificateStore& store, std::chrono::seconds lifetime) {
  const certs::IssuedCertificate ca = store.authority();
  const sema::SymbolTable symbols(checked.policy);
  bool found = options.workload.empty();
  for (const ast::Workload& workload : checked.policy.workloads) {
    const std::string& name = workload.name.name;
    if (!options.workload.empty() && name != options.workload) continue;
    found = true;
    if (options.action == CertsAction::Issue) {
      if (const auto current = store.current(name)) {
        std::cout << name << ": has a certificate (" << current->string()
                  << "); `meshc certs rotate` replaces it\n";
        continue;
      }
    }
    const ast::Service* own =
        workload.services.empty() ? nullptr : symbols.service(workload.services[0].name);
    const sema::WorkloadIdentity identity = sema::identityOf(checked.policy, workload, own);
    const certs::IssuedCertificate certificate =
        certs::issueWorkloadCertificate(ca, identity.principal, name, lifetime);
    const auto version = store.install(name, certificate);
    std::cout << name << ": " << identity.principal << " until "
              << certs::formatUtc(certificate.notAfter) << " in " << version.string() << "\n";
  }
  if (!found) {
    std::cerr << "meshc: the policy has no workload '" << options.workload << "'\n";
    return 2;
  }
  return 0;
}

}  // namespace

std::optional<long long> parseLifetimeSeconds(const std::string& text) {
  if (text.size() < 2) return std::nullopt;
  long long count = 0;
  const char* end = text.data() + text.size() - 1;
  const auto [rest, error] = std::from_chars(text.data(), end, count);
  if (error != std::errc() || rest != end || count <= 0) return std::nullopt;
  long long unit = 0;
  switch (*end) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      return std::nullopt;
  }
  // A hundred years bounds what time_t arithmetic and X.509 dates need to hold.
  if (count > 100LL * 365 * 86400 / unit) return std::nullopt;
  return count * unit;
}

int runCerts(const CertsOptions& options) {
  const std::string lifetimeText =
      !options.lifetime.empty()
          ? options.lifetime
          : (options.action == CertsAction::Init ? kCaLifetime : kWorkloadLifetime);
  const std::optional<long long> seconds = parseLifetimeSeconds(lifetimeText);
  if (!seconds) {
    std::cerr << "meshc: --lifetime takes a whole number and a unit (s, m, h, d), e.g. 24h; got '"
              << lifetimeText << "'\n";
    return 2;
  }
  const std::chrono::seconds lifetime(*seconds);
  try {
    CheckedPolicy checked = loadPolicy(options.input);
    if (!reportDiagnostics(checked, options.report)) return 1;
    const std::string trustDomain = sema::trustDomainOf(checked.policy);
    const certs::CertificateStore store(options.directory, trustDomain);
    switch (options.action) {
      case CertsAction::Init: {
        const certs::IssuedCertificate ca = certs::createMeshCa(trustDomain, lifetime);
        store.initialize(ca);
        std::cout << "CA for spiffe://" << trustDomain << " until " << certs::formatUtc(ca.notAfter)
                  << " in " << store.directory().string() << "\n";
        return 0;
      }
      case CertsAction::Issue:
      case CertsAction::Rotate:
        return issue(options, checked, store, lifetime);
    }
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "meshc: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace meshc::driver
