#include "http/MessageFraming.h"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <iterator>
#include <string>

namespace mesh {
namespace http = boost::beast::http;

std::string_view requestFramingProblem(const http::fields& fields, unsigned version, bool chunked) {
  // Which service a request is for must not be ambiguous either (RFC 9112 §3.2).
  if (fields.count(http::field::host) > 1) return "more than one Host";
  if (version >= 11 && fields.count(http::field::host) == 0) return "no Host in an HTTP/1.1 request";
  if (fields.count(http::field::transfer_encoding) == 0) return {};
  // Otherwise the parser takes the request as bodyless (or goes by a Content-Length the next
  // hop may ignore), and the body would be read as the next request (RFC 9112 §6.3).
  if (!chunked) return "Transfer-Encoding does not end in chunked";
  // HTTP/1.0 has no transfer codings: such a message's framing is faulty (RFC 9112 §6.1).
  if (version < 11) return "Transfer-Encoding in an HTTP/1.0 request";
  return {};
}

void normalizeContentLength(http::fields& fields, const boost::optional<uint64_t>& length) {
  if (!length) return;
  const auto value = fields.find(http::field::content_length);
  if (value == fields.end()) return;
  const bool single = fields.count(http::field::content_length) == 1 &&
                      value->value().find(',') == std::string_view::npos;
  if (!single) fields.set(http::field::content_length, std::to_string(*length));
}

size_t countFields(const http::fields& fields) {
  return static_cast<size_t>(std::distance(fields.begin(), fields.end()));
}

void dropTrailers(http::fields& fields, size_t headerFields) {
  auto field = fields.begin();
  for (size_t i = 0; i < headerFields && field != fields.end(); ++i) ++field;
  while (field != fields.end()) field = fields.erase(field);
}

bool isMalformedMessage(const boost::system::error_code& ec) {
  if (ec.category() != make_error_code(http::error::bad_method).category()) return false;
  return ec != http::error::end_of_stream && ec != http::error::partial_message &&
         ec != http::error::need_more && ec != http::error::need_buffer;
}

bool isIdempotent(http::verb method) {
  switch (method) {
    case http::verb::get:
    case http::verb::head:
    case http::verb::options:
    case http::verb::trace:
    case http::verb::put:
    case http::verb::delete_:
      return true;
    default:
      return false;
  }
}

}  // namespace mesh
