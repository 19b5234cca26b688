#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <string>

#include "http/MessageFraming.h"

namespace mesh {
namespace {
namespace http = boost::beast::http;

http::fields withHost() {
  http::fields fields;
  fields.set(http::field::host, "reviews");
  return fields;
}

TEST(MessageFraming, AcceptsAnOrdinaryRequest) {
  EXPECT_EQ(requestFramingProblem(withHost(), 11, false), "");
  http::fields chunked = withHost();
  chunked.set(http::field::transfer_encoding, "gzip, chunked");
  EXPECT_EQ(requestFramingProblem(chunked, 11, true), "");
}

TEST(MessageFraming, HostMustBeUnambiguous) {
  http::fields two = withHost();
  two.insert(http::field::host, "ratings");
  EXPECT_EQ(requestFramingProblem(two, 11, false), "more than one Host");
  EXPECT_EQ(requestFramingProblem(http::fields{}, 11, false), "no Host in an HTTP/1.1 request");
  EXPECT_EQ(requestFramingProblem(http::fields{}, 10, false), "") << "HTTP/1.0 needs no Host";
}

TEST(MessageFraming, TransferEncodingMustEndInChunkedAndNeedsHttp11) {
  http::fields gzip = withHost();
  gzip.set(http::field::transfer_encoding, "chunked, gzip");
  EXPECT_EQ(requestFramingProblem(gzip, 11, false), "Transfer-Encoding does not end in chunked");
  http::fields chunked = withHost();
  chunked.set(http::field::transfer_encoding, "chunked");
  EXPECT_EQ(requestFramingProblem(chunked, 10, true), "Transfer-Encoding in an HTTP/1.0 request");
}

TEST(MessageFraming, AResponseWithANonChunkedTransferEncodingAndALengthIsAmbiguous) {
  for (const char* coding : {"identity", "gzip", "chunked, gzip"}) {
    http::fields both;
    both.set(http::field::transfer_encoding, coding);
    both.set(http::field::content_length, "3");
    EXPECT_TRUE(responseFramingIsAmbiguous(both, false)) << coding;
  }
  http::fields untilClose;
  untilClose.set(http::field::transfer_encoding, "gzip");
  EXPECT_FALSE(responseFramingIsAmbiguous(untilClose, false));
  http::fields length;
  length.set(http::field::content_length, "3");
  EXPECT_FALSE(responseFramingIsAmbiguous(length, false));
  http::fields chunked;
  chunked.set(http::field::transfer_encoding, "gzip, chunked");
  EXPECT_FALSE(responseFramingIsAmbiguous(chunked, true));
}

TEST(MessageFraming, ContentLengthListBecomesOneValue) {
  http::fields list;
  list.set(http::field::content_length, "5, 5");
  normalizeContentLength(list, 5);
  EXPECT_EQ(list[http::field::content_length], "5");

  http::fields repeated;
  repeated.insert(http::field::content_length, "7");
  repeated.insert(http::field::content_length, "7");
  normalizeContentLength(repeated, 7);
  EXPECT_EQ(repeated.count(http::field::content_length), 1u);
  EXPECT_EQ(repeated[http::field::content_length], "7");
}

TEST(MessageFraming, SingleOrAbsentContentLengthIsLeftAlone) {
  http::fields single;
  single.set(http::field::content_length, "12");
  normalizeContentLength(single, 12);
  EXPECT_EQ(single[http::field::content_length], "12");
  http::fields none;
  normalizeContentLength(none, boost::none);
  EXPECT_EQ(none.count(http::field::content_length), 0u);
}

TEST(MessageFraming, DropTrailersKeepsOnlyTheHeaderFields) {
  http::fields fields = withHost();
  fields.set("x-a", "1");
  const HeaderFields header(fields, true);
  EXPECT_EQ(header.count(), 2u);
  fields.insert("x-trailer", "t");
  dropTrailers(fields, header);
  EXPECT_EQ(countFields(fields), 2u);
  EXPECT_EQ(fields.count("x-trailer"), 0u);
}

TEST(MessageFraming, ATrailerNamedLikeAHeaderFieldIsDroppedAndNothingElse) {
  // Beast files such a trailer next to the header field of the same name, not at the end.
  http::fields fields = withHost();
  fields.set(http::field::transfer_encoding, "chunked");
  const HeaderFields header(fields, true);
  fields.insert(http::field::host, "evil");
  fields.insert("x-trailer", "t");
  dropTrailers(fields, header);
  EXPECT_EQ(countFields(fields), 2u);
  EXPECT_EQ(fields.count(http::field::host), 1u);
  EXPECT_EQ(fields[http::field::host], "reviews");
  EXPECT_EQ(fields[http::field::transfer_encoding], "chunked");
}

TEST(MessageFraming, AResponseForAnHttp10ClientNamesNoTransferCodingAndEndsAtClose) {
  http::response_header<> chunked;
  chunked.version(11);
  chunked.set(http::field::transfer_encoding, "chunked");
  EXPECT_FALSE(frameResponseForClient(chunked, false, 10));
  EXPECT_EQ(chunked.version(), 10u);
  EXPECT_EQ(chunked.count(http::field::transfer_encoding), 0u);

  http::response_header<> length;
  length.version(11);
  length.set(http::field::content_length, "4");
  EXPECT_TRUE(frameResponseForClient(length, false, 10));
  EXPECT_EQ(length[http::field::content_length], "4");
}

TEST(MessageFraming, AResponseForAnHttp11ClientKeepsItsFraming) {
  http::response_header<> chunked;
  chunked.version(10);
  chunked.set(http::field::transfer_encoding, "chunked");
  EXPECT_TRUE(frameResponseForClient(chunked, false, 11));
  EXPECT_EQ(chunked.version(), 11u);
  EXPECT_EQ(chunked[http::field::transfer_encoding], "chunked");
  http::response_header<> untilClose;
  EXPECT_FALSE(frameResponseForClient(untilClose, true, 11));
}

TEST(MessageFraming, IdempotentMethodsFollowRfc9110) {
  for (http::verb method : {http::verb::get, http::verb::head, http::verb::options,
                            http::verb::trace, http::verb::put, http::verb::delete_}) {
    EXPECT_TRUE(isIdempotent(method)) << http::to_string(method);
  }
  for (http::verb method : {http::verb::post, http::verb::patch, http::verb::connect}) {
    EXPECT_FALSE(isIdempotent(method)) << http::to_string(method);
  }
}

TEST(MessageFraming, MalformedMeansNotHttpRatherThanGone) {
  EXPECT_TRUE(isMalformedMessage(http::error::bad_method));
  EXPECT_TRUE(isMalformedMessage(http::error::bad_chunk));
  EXPECT_TRUE(isMalformedMessage(http::error::header_limit));
  EXPECT_FALSE(isMalformedMessage(http::error::end_of_stream));
  EXPECT_FALSE(isMalformedMessage(http::error::partial_message));
  EXPECT_FALSE(isMalformedMessage(boost::asio::error::connection_reset));
}

}  // namespace
}  // namespace mesh
