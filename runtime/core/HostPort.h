#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mesh {

// A "host:port" pair as written on the command line, in a policy or in an endpoints file. The host
// is an IP literal or a DNS name; IPv6 literals are stored without their brackets.
struct HostPort {
  std::string host;
  uint16_t port = 0;

  // Brackets IPv6 literals again, so the result parses back to the same value.
  std::string toString() const;
  bool operator==(const HostPort&) const = default;
};

enum class PortRule {
  kNonZero,    // an address to connect to
  kAllowZero,  // an address to listen on: 0 asks the kernel for a free port
};

// Parses "HOST:PORT" or "[V6]:PORT". On failure returns nullopt and says why in *error (the
// caller adds where the text came from).
std::optional<HostPort> parseHostPort(std::string_view text, PortRule rule, std::string* error);

}  // namespace mesh
