#pragma once

// Reading a streamed body piece by piece into a fixed buffer. Internal to the data path:
// included by .cpp files only (it brings in Beast's parser and Asio's coroutine support).

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <utility>

#include "http/MessageFraming.h"
#include "http/ReadLimits.h"

namespace mesh {

// Beast reads at most the free capacity of a flat_buffer (at least 512 bytes), and a buffer only
// grows as far as a header needed: without this a body would move in pieces of ~1 KiB, one
// system call each. Called before relaying a body, so idle connections keep small buffers.
inline void reserveForBody(boost::beast::flat_buffer& buffer) {
  if (buffer.capacity() < kBodyPieceBytes) buffer.reserve(kBodyPieceBytes);
}

// Once the message is complete, removes the trailers its parser appended to the header fields
// (see dropTrailers): whenever they arrive, they never reach the next hop.
template <bool isRequest>
void dropTrailersWhenDone(
    boost::beast::http::parser<isRequest, boost::beast::http::buffer_body>& parser,
    const HeaderFields& header) {
  if (parser.is_done() && parser.chunked()) dropTrailers(parser.get(), header);
}

// Moves body bytes the buffer already holds into the parser's body buffer, synchronously: an
// asynchronous read would have to post its completion through the event loop even when it needs
// no I/O. Stops when the body buffer is full, the buffer is empty, or the message is complete.
// `header` holds the fields of the header, taken before the body.
template <bool isRequest>
boost::beast::error_code parseBufferedBody(
    boost::beast::http::parser<isRequest, boost::beast::http::buffer_body>& parser,
    boost::beast::flat_buffer& buffer, const HeaderFields& header) {
  namespace http = boost::beast::http;
  boost::beast::error_code ec;
  while (buffer.size() > 0 && !parser.is_done() && parser.get().body().size > 0) {
    const size_t used = parser.put(buffer.data(), ec);
    buffer.consume(used);
    if (ec == http::error::need_buffer || ec == http::error::need_more) {
      ec = {};
      break;
    }
    if (ec || used == 0) break;
  }
  dropTrailersWhenDone(parser, header);
  return ec;
}

// Fills `into` (kBodyPieceBytes) with the next body bytes: from what `buffer` already holds when
// it can, otherwise with one read from `stream` (trailers dropped as in parseBufferedBody). Returns
// the error and how many bytes arrived (possibly 0, e.g. when only a chunk header was read).
template <class ReadStream, bool isRequest>
boost::asio::awaitable<std::pair<boost::beast::error_code, size_t>> readBodyPiece(
    ReadStream& stream, boost::beast::flat_buffer& buffer,
    boost::beast::http::parser<isRequest, boost::beast::http::buffer_body>& parser, char* into,
    const HeaderFields& header) {
  namespace http = boost::beast::http;
  auto& body = parser.get().body();
  body.data = into;
  body.size = kBodyPieceBytes;
  boost::beast::error_code ec = parseBufferedBody(parser, buffer, header);
  if (!ec && body.size == kBodyPieceBytes && !parser.is_done()) {
    auto [readError, bytes] = co_await http::async_read_some(
        stream, buffer, parser, boost::asio::as_tuple(boost::asio::use_awaitable));
    ec = readError == http::error::need_buffer ? boost::beast::error_code{} : readError;
    dropTrailersWhenDone(parser, header);
  }
  co_return std::pair{ec, kBodyPieceBytes - body.size};
}

}  // namespace mesh
