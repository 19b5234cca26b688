#pragma once

#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace mesh {

// Where a workload's certificate, key and trust bundle are, in the layout `meshc certs` writes
// under its --dir (docs/security.md).
struct CertificateFiles {
  std::string certificate;  // PEM: the workload's certificate, then any intermediates
  std::string key;          // PEM: its private key
  std::string bundle;       // PEM: the CA certificates a peer's chain must end in
};

// `root`/<trust domain>/workloads/<workload>/current/{cert.pem,key.pem} and
// `root`/<trust domain>/bundle.pem, with `current` resolved once: rotation switches it with one
// rename(), so a certificate and key read through the resolved directory always belong together.
// Throws std::runtime_error when `current` does not resolve.
CertificateFiles certificateFilesIn(const std::string& root, std::string_view trustDomain,
                                    std::string_view workload);

// A workload's TLS identity, loaded and checked once: the contexts every mutual TLS connection of
// the sidecar is made from, server side (inbound) and client side (to upstreams). Both require
// TLS 1.3 and a peer certificate issued by the bundle's CA; the SPIFFE ID checks are the
// callers'. Immutable after construction: connections started with it keep it alive (shared_ptr)
// across a reload.
class TlsCredentials {
 public:
  using Clock = std::chrono::system_clock;

  // Throws std::runtime_error naming the file and the cause: unreadable or malformed files, a key
  // that is not the certificate's, a certificate for another SPIFFE ID than `principal`, one that
  // has expired, or one the bundle's CA did not issue.
  TlsCredentials(const CertificateFiles& files, std::string principal, std::string trustDomain);

  boost::asio::ssl::context& server() const { return *server_; }
  boost::asio::ssl::context& client() const { return *client_; }
  const std::string& principal() const { return principal_; }
  const std::string& trustDomain() const { return trustDomain_; }
  const CertificateFiles& files() const { return files_; }
  // The trust bundle as read (PEM): a reload compares it to tell a change.
  const std::string& bundle() const { return bundle_; }
  Clock::time_point notBefore() const { return notBefore_; }
  Clock::time_point notAfter() const { return notAfter_; }

 private:
  CertificateFiles files_;
  std::string bundle_;
  std::string principal_;
  std::string trustDomain_;
  Clock::time_point notBefore_;
  Clock::time_point notAfter_;
  // The contexts hand out SSL objects from any worker thread; OpenSSL makes that safe.
  std::unique_ptr<boost::asio::ssl::context> server_;
  std::unique_ptr<boost::asio::ssl::context> client_;
};

}  // namespace mesh
