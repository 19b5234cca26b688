#pragma once

// Certificates for the runtime's TLS tests, made by meshc's own certificate code (what
// `meshc certs` writes) in a temporary directory: the trust domain "mesh.test" with workloads
// "a" and "b", and a second CA of the same trust domain that nobody trusts.

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "certs/CertificateStore.h"
#include "certs/Certificates.h"
#include "tls/TlsCredentials.h"

namespace mesh::testing {

inline std::string principalOf(const std::string& workload) {
  return "spiffe://mesh.test/ns/default/sa/" + workload;
}

class TestCertificates {
 public:
  TestCertificates()
      : root_(std::filesystem::temp_directory_path() /
              ("meshrt-tls-test-" + std::to_string(::getpid()))) {
    using namespace std::chrono_literals;
    std::filesystem::remove_all(root_);
    const meshc::certs::CertificateStore store(root_, "mesh.test");
    const auto ca = meshc::certs::createMeshCa("mesh.test", 24h);
    store.initialize(ca);
    for (const char* workload : {"a", "b"}) {
      store.install(workload, meshc::certs::issueWorkloadCertificate(ca, principalOf(workload),
                                                                     workload, 1h));
    }
    const meshc::certs::CertificateStore rogue(root_ / "rogue", "mesh.test");
    const auto rogueCa = meshc::certs::createMeshCa("mesh.test", 24h);
    rogue.initialize(rogueCa);
    rogue.install("a", meshc::certs::issueWorkloadCertificate(rogueCa, principalOf("a"), "a", 1h));
  }
  ~TestCertificates() { std::filesystem::remove_all(root_); }
  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;

  std::string root() const { return root_.string(); }
  CertificateFiles files(const std::string& workload) const {
    return certificateFilesIn(root(), "mesh.test", workload);
  }
  TlsCredentials credentials(const std::string& workload) const {
    return TlsCredentials(files(workload), principalOf(workload), "mesh.test");
  }
  // Workload "a" with a certificate from the CA nobody trusts, and that CA as its bundle.
  TlsCredentials rogue() const {
    return TlsCredentials(certificateFilesIn((root_ / "rogue").string(), "mesh.test", "a"),
                          principalOf("a"), "mesh.test");
  }

 private:
  std::filesystem::path root_;
};

}  // namespace mesh::testing
