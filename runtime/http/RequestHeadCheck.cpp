#include "http/RequestHeadCheck.h"

#include <fmt/format.h>

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

size_t leadingEmptyLines(std::string_view received) {
  size_t skipped = 0;
  while (received.substr(skipped, 2) == "\r\n") skipped += 2;
  return skipped;
}

}  // namespace mesh
