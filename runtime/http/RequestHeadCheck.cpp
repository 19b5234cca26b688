#include "http/RequestHeadCheck.h"

#include <fmt/format.h>

#include <boost/beast/http/error.hpp>

#include "http/MessageFraming.h"

namespace mesh {
namespace http = boost::beast::http;

std::optional<HeadRefusal> refuseRequestHead(const http::request_header<>& head, size_t maxFields) {
  if (countFields(head) > maxFields) {
    return HeadRefusal{431, fmt::format("bad request: more than {} header fields", maxFields)};
  }
  // Forwarded as an ordinary request, a CONNECT would reach an upstream that may open a tunnel
  // the policy never saw. 501, not 405: no resource of any service allows it.
  if (head.method() == http::verb::connect) {
    return HeadRefusal{501, "CONNECT is not supported: no route enables tunnelling"};
  }
  return std::nullopt;
}

std::optional<HeadRefusal> admitRequestHead(http::request_header<>& head, bool chunked,
                                            const boost::optional<uint64_t>& length,
                                            size_t maxFields) {
  if (std::optional<HeadRefusal> refusal = refuseRequestHead(head, maxFields)) return refusal;
  const std::string_view framingProblem = requestFramingProblem(head, head.version(), chunked);
  if (!framingProblem.empty()) {
    return HeadRefusal{400, fmt::format("bad request: {}", framingProblem)};
  }
  normalizeContentLength(head, length);
  return std::nullopt;
}

std::optional<HeadRefusal> refuseUnreadableHead(const boost::system::error_code& ec,
                                                std::string_view received) {
  if (ec != http::error::bad_version) return std::nullopt;
  const std::string_view requestLine = received.substr(0, received.find("\r\n"));
  const std::string_view version = requestLine.substr(requestLine.rfind(' ') + 1);
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  // HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3); anything else is malformed: 400.
  const bool wellFormed = version.size() == 8 && version.starts_with("HTTP/") &&
                          digit(version[5]) && version[6] == '.' && digit(version[7]);
  if (!wellFormed) return std::nullopt;
  return HeadRefusal{
      505, fmt::format("HTTP version not supported: {} (only HTTP/1.0 and HTTP/1.1)", version)};
}

size_t leadingEmptyLines(std::string_view received) {
  size_t skipped = 0;
  while (received.substr(skipped, 2) == "\r\n") skipped += 2;
  return skipped;
}

}  // namespace mesh
