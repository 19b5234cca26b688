#pragma once

// Requests the sidecar refuses from their head alone, before the request model or the policy sees
// them. Pure logic over a Beast header: no I/O.

#include <boost/beast/http/message.hpp>
#include <boost/optional/optional.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mesh {

struct HeadRefusal {
  unsigned status = 0;
  std::string reason;  // one line, without its '\n'
};

// Why `head` is refused, or nothing when it may go on to the request model: more than
// `maxFields` header fields get 431 (the header's size alone bounds only its bytes, and every
// field costs work on the request path), CONNECT gets 501, as no route can tunnel yet.
std::optional<HeadRefusal> refuseRequestHead(const boost::beast::http::request_header<>& head,
                                             size_t maxFields);

// Everything the sidecar checks of a parsed request head before the request model, in order:
// refuseRequestHead(), then the framing (requestFramingProblem(): 400). An admitted head has its
// Content-Length normalised (normalizeContentLength()), so it goes on with one framing only.
// `chunked` and `length` are the parser's verdicts.
std::optional<HeadRefusal> admitRequestHead(boost::beast::http::request_header<>& head,
                                            bool chunked, const boost::optional<uint64_t>& length,
                                            size_t maxFields);

// Why a request head the parser failed on (`ec`, with `received` still starting with the head)
// gets something other than 400: a well-formed HTTP version other than 1.0 and 1.1
// ("HTTP/1.2", "HTTP/2.0", an HTTP/2 preface) gets 505, rather than being read as HTTP/1.1.
std::optional<HeadRefusal> refuseUnreadableHead(const boost::system::error_code& ec,
                                                std::string_view received);

// How many bytes of empty lines (CRLF) `received` starts with. RFC 9112 §2.2: a server ignores
// them before a request line (some clients send a CRLF after a POST body); the parser would take
// them for a malformed request line.
size_t leadingEmptyLines(std::string_view received);

}  // namespace mesh
