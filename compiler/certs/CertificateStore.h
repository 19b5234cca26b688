#pragma once

// Where a trust domain's certificates live on disk:
//   ROOT/<trust domain>/ca.key, ca.crt        the mesh CA (the key 0600)
//   ROOT/<trust domain>/bundle.pem            the trust bundle sidecars verify peers with
//   ROOT/<trust domain>/workloads/<workload>/<version>/cert.pem, key.pem (0600)
//   ROOT/<trust domain>/workloads/<workload>/current -> <version>
// A key file is never written over: a rotation writes a new version directory and then switches
// the `current` link with one rename, so a reader that resolves `current` once sees a certificate
// and the key that belongs to it, old or new, never a mix. The previous version stays (for
// connections still using it); older ones are removed.

#include <filesystem>
#include <optional>
#include <string>

#include "certs/Certificates.h"

namespace meshc::certs {

class CertificateStore {
 public:
  CertificateStore(std::filesystem::path root, std::string trustDomain);

  const std::filesystem::path& directory() const { return directory_; }

  // Writes the CA and the bundle; refuses (CertificateError) when the trust domain has a CA.
  void initialize(const IssuedCertificate& ca) const;
  // The CA, read back; CertificateError when there is none or it cannot be read.
  IssuedCertificate authority() const;

  // The version directory `current` points to, if the workload has a certificate.
  std::optional<std::filesystem::path> current(const std::string& workload) const;
  // Writes `certificate` as the workload's new version and makes it current; returns its
  // directory.
  std::filesystem::path install(const std::string& workload,
                                const IssuedCertificate& certificate) const;

 private:
  std::filesystem::path workloadDirectory(const std::string& workload) const;

  std::filesystem::path directory_;
};

}  // namespace meshc::certs
