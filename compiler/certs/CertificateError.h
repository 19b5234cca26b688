#pragma once

#include <stdexcept>

namespace meshc::certs {

// A certificate that cannot be made, read or stored, with the reason.
class CertificateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace meshc::certs
