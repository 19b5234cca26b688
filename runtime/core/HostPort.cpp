#include "core/HostPort.h"

#include <arpa/inet.h>

#include <charconv>

namespace mesh {
namespace {

bool isHostNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

// Hex digits alone ("[beef]") are no IPv6 address: printed back without brackets, they would be
// read as a host name.
bool isIpv6Address(std::string_view text) {
  in6_addr address;
  return text.size() < INET6_ADDRSTRLEN &&
         inet_pton(AF_INET6, std::string(text).c_str(), &address) == 1;
}

}  // namespace

std::string HostPort::toString() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

std::optional<HostPort> parseHostPort(std::string_view text, PortRule rule, std::string* error) {
  auto fail = [&](std::string why) -> std::optional<HostPort> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return fail("missing ']' after IPv6 address");
    host = text.substr(1, close - 1);
    if (close + 1 >= text.size() || text[close + 1] != ':') return fail("missing ':PORT'");
    port = text.substr(close + 2);
    if (host.empty()) return fail("empty host");
    if (!isIpv6Address(host)) return fail("not an IPv6 address in [brackets]");
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return fail("missing ':PORT'");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.empty()) return fail("empty host");
    if (host.size() > 253) return fail("host name longer than 253 characters");
    for (char c : host) {
      if (!isHostNameChar(c)) return fail("invalid character in host (IPv6 needs [brackets])");
    }
  }
  if (port.empty()) return fail("empty port");
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || port.size() > 5 || value > 65535) {
    return fail("port must be a number from " +
                std::string(rule == PortRule::kAllowZero ? "0" : "1") + " to 65535");
  }
  if (value == 0 && rule == PortRule::kNonZero)
    return fail("port must be a number from 1 to 65535");
  return HostPort{std::string(host), static_cast<uint16_t>(value)};
}

}  // namespace mesh
