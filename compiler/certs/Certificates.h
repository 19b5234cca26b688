#pragma once

// The mesh's certificates, in memory (PEM): a CA per trust domain, and workload certificates it
// signs, each an X.509 SVID: one URI SAN, the workload's SPIFFE ID
// (spiffe://<trust domain>/ns/<namespace>/sa/<service account>). Keys are ECDSA P-256.

#include <chrono>
#include <string>

#include "certs/CertificateError.h"

namespace meshc::certs {

struct IssuedCertificate {
  std::string certificatePem;
  std::string keyPem;  // PKCS#8
  std::chrono::system_clock::time_point notAfter;
};

// A self-signed CA for `trustDomain`, valid from a minute ago (clock skew between machines) for
// `lifetime`. Throws CertificateError.
IssuedCertificate createMeshCa(const std::string& trustDomain, std::chrono::seconds lifetime);

// A certificate for `spiffeId`, signed by `ca`, for TLS server and client use, valid from a minute
// ago for `lifetime`, never past the CA's own expiry (that is an error). Throws CertificateError.
IssuedCertificate issueWorkloadCertificate(const IssuedCertificate& ca, const std::string& spiffeId,
                                           const std::string& commonName,
                                           std::chrono::seconds lifetime);

// "2026-11-28T06:30:00Z".
std::string formatUtc(std::chrono::system_clock::time_point time);

}  // namespace meshc::certs
