#pragma once

#include <boost/system/error_code.hpp>
#include <type_traits>

namespace mesh {

// Ways an upstream's response breaks HTTP that Beast's parser lets through. Each ends the exchange
// before anything reaches the client, so the client gets a 502 that names it.
enum class UpstreamProtocolError {
  // Transfer-Encoding not ending in chunked, and a Content-Length: the body ends only at close
  // (RFC 9112 §6.3), yet the parser would go by the length, and the next hop could go by either.
  kAmbiguousFraming = 1,
  // More than kMaxInterimResponses 1xx responses before the final one.
  kTooManyInterimResponses,
};

boost::system::error_code make_error_code(UpstreamProtocolError error);

}  // namespace mesh

template <>
struct boost::system::is_error_code_enum<mesh::UpstreamProtocolError> : std::true_type {};
