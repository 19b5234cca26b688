#include "request/RequestTarget.h"

#include <charconv>

namespace mesh {
namespace {

bool startsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// RFC 3986 reg-name characters plus ':' for IPv6 literals (checked separately).
bool isRegNameChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("-._~!$&'()*+,;=%").find(c) != std::string_view::npos;
}

}  // namespace

RequestProblem splitRequestTarget(std::string_view method, std::string_view target,
                                  TargetParts& parts) {
  parts = TargetParts{};
  if (target.find('#') != std::string_view::npos) return RequestProblem::kFragment;
  const bool options = method == "OPTIONS";
  if (target == "*") {
    if (!options) return RequestProblem::kTargetForm;
    parts.path = target;
    return RequestProblem::kNone;
  }
  std::string_view rest = target;
  if (startsWithNoCase(target, "http://") || startsWithNoCase(target, "https://")) {
    rest = target.substr(target.find("://") + 3);
    const size_t end = rest.find_first_of("/?");
    parts.authority = rest.substr(0, end);
    if (parts.authority.empty()) return RequestProblem::kMalformedAuthority;
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    parts.absoluteForm = true;
  } else if (!target.starts_with('/')) {
    return RequestProblem::kTargetForm;
  }
  const size_t question = rest.find('?');
  parts.path = rest.substr(0, question);
  parts.hasQuery = question != std::string_view::npos;
  if (parts.hasQuery) parts.query = rest.substr(question + 1);
  if (parts.path.empty()) parts.path = options && !parts.hasQuery ? "*" : "/";
  return RequestProblem::kNone;
}

RequestProblem splitAuthority(std::string_view authority, AuthorityParts& parts) {
  parts = AuthorityParts{};
  if (authority.find('@') != std::string_view::npos) return RequestProblem::kUserInfo;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return RequestProblem::kMalformedAuthority;
    parts.host = authority.substr(1, close - 1);
    for (char c : parts.host) {
      const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex && c != ':' && c != '.') return RequestProblem::kMalformedAuthority;
    }
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return RequestProblem::kMalformedAuthority;
      port = after.substr(1);
    }
  } else {
    const size_t colon = authority.rfind(':');
    parts.host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    for (char c : parts.host) {
      if (!isRegNameChar(c)) return RequestProblem::kMalformedAuthority;
    }
    if (!parts.host.empty() && parts.host.back() == '.') parts.host.remove_suffix(1);
  }
  if (!port.empty()) {
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), parts.port);
    if (ec != std::errc() || end != port.data() + port.size() || parts.port > 65535) {
      return RequestProblem::kMalformedAuthority;
    }
  }
  return RequestProblem::kNone;
}

}  // namespace mesh
