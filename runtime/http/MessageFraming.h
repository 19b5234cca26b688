#pragma once

// Checks and repairs of HTTP/1.1 message framing (RFC 9112 §6): what decides where a body ends
// must mean the same to the sidecar and to whoever receives the message after it, or the bytes
// of one message can be taken for another (request smuggling).

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/optional/optional.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <string_view>
#include <vector>

namespace mesh {

// Why a request header's framing cannot be trusted, or an empty view when it can. `chunked` is
// the parser's verdict (the final transfer coding is chunked).
std::string_view requestFramingProblem(const boost::beast::http::fields& fields, unsigned version,
                                       bool chunked);

// Whether a response header could be framed two ways: a Transfer-Encoding that does not end in
// chunked, so the body ends only at close (RFC 9112 §6.3), and a Content-Length, which Beast's
// parser goes by when it comes second. `chunked` is the parser's verdict.
bool responseFramingIsAmbiguous(const boost::beast::http::fields& fields, bool chunked);

// Gives a final response the version of the client it goes to (`clientVersion`, 10 or 11), and
// the framing that version knows. Returns whether its body is delimited, rather than ended by
// closing the connection; `needEof` is the parser's verdict on the response as received.
bool frameResponseForClient(boost::beast::http::response_header<>& response, bool needEof,
                            unsigned clientVersion);

// Replaces a Content-Length given as a list of equal values or as repeated fields (which the
// parser accepted as `length`) with the single value, so the next hop cannot read it otherwise.
void normalizeContentLength(boost::beast::http::fields& fields,
                            const boost::optional<uint64_t>& length);

// How many fields `fields` holds.
size_t countFields(const boost::beast::http::fields& fields);

// The fields of a message's header, remembered before its body so that trailers can be told
// apart from them later. Beast's parser adds trailer fields to the header fields, and not at the
// end: a trailer goes next to the header fields of the same name. Only a chunked message can
// have trailers, so only then are the fields themselves remembered (one allocation).
class HeaderFields {
 public:
  HeaderFields(const boost::beast::http::fields& fields, bool chunked);

  size_t count() const { return count_; }
  bool contains(const boost::beast::http::fields::value_type& field) const;

 private:
  size_t count_;
  std::vector<const void*> sorted_;
};

// Trailers are dropped, never forwarded: Beast's serializer cannot write them, and a trailer
// merged into a header that is yet to be sent would come after hop-by-hop removal and could set
// any header (RFC 9110 §6.5.1 lets a recipient that removes the chunked coding discard trailers).
// Removes every field that is not one of `header`.
void dropTrailers(boost::beast::http::fields& fields, const HeaderFields& header);

// True when a read failed because the peer sent something that is not HTTP, as opposed to
// closing or resetting the connection.
bool isMalformedMessage(const boost::system::error_code& ec);

// RFC 9110 §9.2.2: a request that may be sent again without a different effect.
bool isIdempotent(boost::beast::http::verb method);

}  // namespace mesh
