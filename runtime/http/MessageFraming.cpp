#include "http/MessageFraming.h"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <algorithm>
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

bool responseFramingIsAmbiguous(const http::fields& fields, bool chunked) {
  return !chunked && fields.count(http::field::transfer_encoding) > 0 &&
         fields.count(http::field::content_length) > 0;
}

bool frameResponseForClient(http::response_header<>& response, bool needEof,
                            unsigned clientVersion) {
  // Without a length or chunking the body ends with the connection.
  bool delimited = !needEof;
  if (clientVersion < 11) {
    response.version(10);
    // An HTTP/1.0 client knows no transfer coding (RFC 9112 §6.1): not even one besides chunked
    // may be named. The body goes out as the parser yields it and ends with the connection.
    if (response.count(http::field::transfer_encoding) > 0) {
      response.erase(http::field::transfer_encoding);
      delimited = false;
    }
  } else {
    response.version(11);
  }
  return delimited;
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

HeaderFields::HeaderFields(const http::fields& fields, bool chunked) : count_(countFields(fields)) {
  if (!chunked) return;
  sorted_.reserve(count_);
  // As value_type, the type contains() sees: the iterator's element type has it as a base.
  for (const http::fields::value_type& field : fields) sorted_.push_back(&field);
  std::sort(sorted_.begin(), sorted_.end());
}

bool HeaderFields::contains(const http::fields::value_type& field) const {
  return std::binary_search(sorted_.begin(), sorted_.end(), static_cast<const void*>(&field));
}

void dropTrailers(http::fields& fields, const HeaderFields& header) {
  if (countFields(fields) == header.count()) return;  // none arrived
  for (auto field = fields.begin(); field != fields.end();) {
    field = header.contains(*field) ? std::next(field) : fields.erase(field);
  }
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
