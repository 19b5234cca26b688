#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <string>
#include <vector>

#include "http/BodyReader.h"

namespace mesh {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Socket = asio::local::stream_protocol::socket;
using Parser = http::request_parser<http::buffer_body>;

// A real connected socket pair (AF_UNIX), so reads are genuine asynchronous I/O with the short
// reads of a kernel, not an in-memory fake.
class BodyReaderTest : public ::testing::Test {
 protected:
  BodyReaderTest() { asio::local::connect_pair(reader_, writer_); }

  struct Result {
    std::string body;
    std::vector<size_t> pieces;
    beast::error_code error;
    size_t fieldsAfter = 0;
    std::string host;
  };

  // Writes `message`, reads its header, then the body piece by piece as the proxy does.
  Result relay(const std::string& message, bool closeAfterWriting = false) {
    asio::write(writer_, asio::buffer(message));
    if (closeAfterWriting) writer_.close();
    Result result;
    asio::co_spawn(io_, readAll(result), asio::detached);
    io_.run();
    return result;
  }

  asio::awaitable<void> readAll(Result& result) {
    Parser parser;
    parser.body_limit(boost::none);
    beast::flat_buffer buffer(kMaxReadBufferBytes);
    auto [ec, bytes] = co_await http::async_read_header(reader_, buffer, parser,
                                                        asio::as_tuple(asio::use_awaitable));
    if (ec) {
      result.error = ec;
      co_return;
    }
    const HeaderFields headerFields(parser.get(), parser.chunked());
    reserveForBody(buffer);
    std::vector<char> piece(kBodyPieceBytes);
    while (!parser.is_done()) {
      const auto [error, got] =
          co_await readBodyPiece(reader_, buffer, parser, piece.data(), headerFields);
      if (error) {
        result.error = error;
        break;
      }
      result.body.append(piece.data(), got);
      if (got > 0) result.pieces.push_back(got);
    }
    result.fieldsAfter = countFields(parser.get());
    result.host = std::string(parser.get()[http::field::host]);
  }

  asio::io_context io_;
  Socket reader_{io_};
  Socket writer_{io_};
};

TEST_F(BodyReaderTest, ReadsAContentLengthBodyInPiecesOfAtMostTheBufferSize) {
  const std::string body(3 * kBodyPieceBytes + 123, 'b');
  const Result result =
      relay("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + std::to_string(body.size()) +
            "\r\n\r\n" + body);
  EXPECT_FALSE(result.error) << result.error.message();
  EXPECT_EQ(result.body, body);
  for (size_t piece : result.pieces) EXPECT_LE(piece, kBodyPieceBytes);
  EXPECT_GE(result.pieces.size(), 4u);
}

TEST_F(BodyReaderTest, DecodesChunksAndDropsTrailers) {
  const Result result = relay(
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n1;ext=1\r\n \r\n5\r\nworld\r\n0\r\nx-trailer: t\r\nhost: evil\r\n\r\n");
  EXPECT_FALSE(result.error) << result.error.message();
  EXPECT_EQ(result.body, "hello world");
  EXPECT_EQ(result.fieldsAfter, 2u) << "the trailers must not join the header fields";
  EXPECT_EQ(result.host, "a");
}

TEST_F(BodyReaderTest, ABodyCutShortIsAnError) {
  const Result result =
      relay("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nonly this", true);
  EXPECT_EQ(result.error, http::error::partial_message);
  EXPECT_EQ(result.body, "only this");
}

TEST_F(BodyReaderTest, AMalformedChunkIsAnError) {
  const Result result =
      relay("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", true);
  EXPECT_TRUE(isMalformedMessage(result.error)) << result.error.message();
}

TEST(ParseBufferedBody, TakesWhatTheBufferHoldsWithoutIo) {
  Parser parser;
  beast::error_code ec;
  const std::string head = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n";
  parser.put(asio::buffer(head), ec);
  ASSERT_FALSE(ec);
  ASSERT_TRUE(parser.is_header_done());
  beast::flat_buffer buffer;
  const std::string part = "0123";
  asio::buffer_copy(buffer.prepare(part.size()), asio::buffer(part));
  buffer.commit(part.size());
  char piece[kBodyPieceBytes];
  parser.get().body().data = piece;
  parser.get().body().size = sizeof piece;
  EXPECT_FALSE(parseBufferedBody(parser, buffer, HeaderFields(parser.get(), false)));
  EXPECT_EQ(buffer.size(), 0u);
  EXPECT_EQ(std::string(piece, sizeof piece - parser.get().body().size), part);
  EXPECT_FALSE(parser.is_done());
}

}  // namespace
}  // namespace mesh
