// HTTP/1.1 messages as the sidecar reads them: Beast's parsers with the runtime's limits
// (http/ReadLimits.h, http/Exchange.h), over one connection's buffer, read asynchronously by the
// runtime's own code, then the runtime's checks.
// - Requests, as DownstreamConnection and UpstreamAttempt read them: empty lines before a request
//   line skipped (leadingEmptyLines), a head the parser refuses answered 400 or 505
//   (refuseUnreadableHead), a parsed head admitted or refused (admitRequestHead), the body read
//   piece by piece with trailers dropped (readBodyPiece), then the next request (keep-alive).
// - Responses, as UpstreamAttempt reads them: interim responses dropped, then the final one
//   checked for ambiguous framing (responseFramingIsAmbiguous) and re-framed for the client
//   (removeHopByHopHeaders, normalizeContentLength, frameResponseForClient), its body read as
//   relayResponseBody does (parseBufferedBody, then readBodyPiece), then the next response (a
//   pooled connection).
// Checks that a message that goes on has exactly one framing, and that the Content-Length it
// carries is the one the parser went by; that no trailer survives into the forwarded fields.
//
// Input: byte 0 selects the direction and the exchange (bit 0: response; bit 1: the request
// was HEAD; bit 2: the client speaks HTTP/1.0), byte 1 how many bytes each read delivers (the
// peer's segments; 0: all at once), the rest is what the peer sends before it closes.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "FuzzCheck.h"
#include "http/BodyReader.h"
#include "http/Exchange.h"
#include "http/HopByHop.h"
#include "http/MessageFraming.h"
#include "http/ReadLimits.h"
#include "http/RequestHeadCheck.h"

namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Peer = beast::test::stream;
using mesh::kBodyPieceBytes;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
// The sidecar's default for --max-request-header-fields.
constexpr size_t kMaxFields = 100;
// Messages read from one connection; enough to reach a message framed by the one before.
constexpr int kMaxMessages = 8;

std::string_view received(const beast::flat_buffer& buffer) {
  return {static_cast<const char*>(buffer.data().data()), buffer.size()};
}

// What a message carries on after the runtime's checks: one framing, and a Content-Length that
// says what the parser went by.
void checkOneFraming(const http::fields& fields, bool chunked,
                     const boost::optional<uint64_t>& length) {
  const size_t transferEncodings = fields.count(http::field::transfer_encoding);
  const size_t contentLengths = fields.count(http::field::content_length);
  FUZZ_CHECK(transferEncodings == 0 || contentLengths == 0);
  FUZZ_CHECK(contentLengths <= 1);
  if (contentLengths == 1) {
    FUZZ_CHECK(length.has_value());
    const std::string_view value = fields[http::field::content_length];
    uint64_t parsed = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    FUZZ_CHECK(error == std::errc() && end == value.data() + value.size());
    FUZZ_CHECK(parsed == *length);
  }
  if (chunked) FUZZ_CHECK(transferEncodings > 0);
}

// The rest of a body whose first piece was taken, as the runtime pumps it. True when the
// message ended cleanly and the connection may carry another.
template <bool isRequest>
asio::awaitable<bool> readRestOfBody(Peer& peer, beast::flat_buffer& buffer,
                                     http::parser<isRequest, http::buffer_body>& parser,
                                     const mesh::HeaderFields& header, char* piece) {
  while (!parser.is_done()) {
    const auto [ec, got] = co_await mesh::readBodyPiece(peer, buffer, parser, piece, header);
    if (ec) co_return false;
    FUZZ_CHECK(got <= kBodyPieceBytes);
  }
  FUZZ_CHECK(mesh::countFields(parser.get()) == header.count());
  co_return true;
}

asio::awaitable<void> readRequests(Peer& peer) {
  static char piece[kBodyPieceBytes];
  beast::flat_buffer buffer(mesh::kMaxReadBufferBytes);
  for (int i = 0; i < kMaxMessages; ++i) {
    mesh::RequestParser parser;
    mesh::applyReadLimits(parser);
    auto [ec, bytes] = co_await http::async_read_header(peer, buffer, parser, kNoThrow);
    if (ec) {
      if (!mesh::isMalformedMessage(ec)) co_return;
      if (const size_t emptyLines = mesh::leadingEmptyLines(received(buffer))) {
        buffer.consume(emptyLines);
        continue;
      }
      const std::optional<mesh::HeadRefusal> refusal =
          mesh::refuseUnreadableHead(ec, received(buffer));
      FUZZ_CHECK(!refusal || refusal->status == 505);
      co_return;
    }
    auto& request = parser.get();
    const std::optional<mesh::HeadRefusal> refusal =
        mesh::admitRequestHead(request, parser.chunked(), parser.content_length(), kMaxFields);
    if (refusal) {
      FUZZ_CHECK(refusal->status == 400 || refusal->status == 431 || refusal->status == 501);
      co_return;  // the connection closes
    }
    checkOneFraming(request, parser.chunked(), parser.content_length());
    const mesh::HeaderFields header(request, parser.chunked());
    mesh::reserveForBody(buffer);
    if (!co_await readRestOfBody(peer, buffer, parser, header, piece)) co_return;
    if (!request.keep_alive()) co_return;
  }
}

asio::awaitable<void> readResponses(Peer& peer, bool head, unsigned clientVersion) {
  static char piece[kBodyPieceBytes];
  beast::flat_buffer buffer(mesh::kMaxReadBufferBytes);
  unsigned interimResponses = 0;
  for (int i = 0; i < kMaxMessages; ++i) {
    mesh::ResponseParser parser;
    mesh::applyReadLimits(parser);
    parser.skip(head);
    auto [ec, bytes] = co_await http::async_read_header(peer, buffer, parser, kNoThrow);
    if (ec) co_return;
    const unsigned status = parser.get().result_int();
    if (status == 101) co_return;  // 502
    if (status < 200) {
      if (++interimResponses > mesh::kMaxInterimResponses) co_return;  // 502
      continue;
    }
    interimResponses = 0;
    auto& response = parser.get();
    if (mesh::responseFramingIsAmbiguous(response, parser.chunked())) co_return;  // 502
    const bool keepAlive = response.keep_alive() && !parser.need_eof();
    mesh::removeHopByHopHeaders(response);
    mesh::normalizeContentLength(response, parser.content_length());
    const bool delimited = mesh::frameResponseForClient(response, parser.need_eof(), clientVersion);
    checkOneFraming(response, parser.chunked() && clientVersion >= 11, parser.content_length());
    FUZZ_CHECK(clientVersion >= 11 || response.count(http::field::transfer_encoding) == 0);
    FUZZ_CHECK(!delimited || !parser.need_eof());
    if (parser.is_done()) {
      if (!keepAlive) co_return;
      continue;
    }
    const mesh::HeaderFields header(response, parser.chunked());
    mesh::reserveForBody(buffer);
    response.body().data = piece;
    response.body().size = kBodyPieceBytes;
    if (mesh::parseBufferedBody(parser, buffer, header)) co_return;  // 502
    if (!co_await readRestOfBody(peer, buffer, parser, header, piece) || !keepAlive) co_return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t mode = data[0];
  asio::io_context io;
  Peer peer(io, std::string_view(reinterpret_cast<const char*>(data) + 2, size - 2));
  peer.read_size(data[1] == 0 ? size : data[1]);
  peer.close_remote();
  if (mode & 1) {
    asio::co_spawn(io, readResponses(peer, (mode & 2) != 0, (mode & 4) ? 10 : 11), asio::detached);
  } else {
    asio::co_spawn(io, readRequests(peer), asio::detached);
  }
  io.run();
  return 0;
}
