// Mutual TLS handshakes between the runtime's own inbound and outbound sides over loopback, with
// certificates from meshc's certificate code; clients that are not the runtime (plaintext, no
// certificate, a stalled handshake) are written here with Asio, and say so.

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <functional>
#include <optional>

#include "tls/MutualTls.h"
#include "tls/TestCertificates.h"

namespace mesh {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using testing::principalOf;
using namespace std::chrono_literals;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

void rethrow(const std::exception_ptr& error) {
  if (error) std::rethrow_exception(error);
}

// One connection: the server side runs acceptInboundTls, then reads until the client is gone;
// `client` gets a stream connected to it.
class MutualTlsTest : public ::testing::Test {
 protected:
  using Client = std::function<asio::awaitable<void>(Stream&)>;

  void connect(MtlsMode mode, const TlsCredentials* server, Client client,
               std::chrono::milliseconds timeout = 5s) {
    asio::io_context io;
    tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          Stream stream(co_await acceptor.async_accept(asio::use_awaitable));
          inbound_ = co_await acceptInboundTls(stream, mode, server, timeout);
          if (inbound_->outcome == InboundTls::Outcome::kRefused) co_return;
          char byte = 0;
          co_await stream.async_read_some(asio::buffer(&byte, 1), kNoThrow);
        },
        rethrow);
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          Stream stream(io.get_executor());
          co_await stream.socket().async_connect(acceptor.local_endpoint(), asio::use_awaitable);
          co_await client(stream);
        },
        rethrow);
    io.run_for(10s);
    ASSERT_TRUE(inbound_.has_value()) << "the server side never finished";
  }

  // The runtime's outbound side, calling a service that `principals` serve.
  Client upstreamCall(const TlsCredentials& credentials, std::vector<const char*> principals) {
    principals_ = std::move(principals);
    service_ = {"a",
                principals_.data(),
                80,
                0,
                0,
                static_cast<uint32_t>(principals_.size()),
                MESH_MTLS_STRICT,
                0};
    return [this, &credentials](Stream& stream) -> asio::awaitable<void> {
      outbound_ = co_await originateUpstreamTls(stream, credentials, service_, peer_);
    };
  }

  const testing::TestCertificates certificates_;
  std::optional<InboundTls> inbound_;
  boost::system::error_code outbound_;
  std::string peer_;  // the upstream's SPIFFE ID, as the outbound side verified it
  std::vector<const char*> principals_;
  mesh_service service_{};
};

TEST_F(MutualTlsTest, BothSidesLearnTheVerifiedPeer) {
  const TlsCredentials server = certificates_.credentials("a");
  const TlsCredentials client = certificates_.credentials("b");
  connect(MtlsMode::kStrict, &server, upstreamCall(client, {"spiffe://mesh.test/ns/default/sa/a"}));
  EXPECT_FALSE(outbound_) << outbound_.message();
  EXPECT_EQ(peer_, principalOf("a"));
  EXPECT_EQ(inbound_->outcome, InboundTls::Outcome::kMutualTls);
  EXPECT_EQ(inbound_->principal, principalOf("b"));
}

TEST_F(MutualTlsTest, PermissiveTakesTlsWhenOffered) {
  const TlsCredentials server = certificates_.credentials("a");
  const TlsCredentials client = certificates_.credentials("b");
  connect(MtlsMode::kPermissive, &server,
          upstreamCall(client, {"spiffe://mesh.test/ns/default/sa/a"}));
  EXPECT_EQ(inbound_->outcome, InboundTls::Outcome::kMutualTls);
  EXPECT_EQ(inbound_->principal, principalOf("b"));
}

TEST_F(MutualTlsTest, AnUpstreamThatIsNotTheServicesWorkloadIsRefused) {
  const TlsCredentials server = certificates_.credentials("a");
  const TlsCredentials client = certificates_.credentials("b");
  connect(MtlsMode::kStrict, &server, upstreamCall(client, {"spiffe://mesh.test/ns/default/sa/b"}));
  EXPECT_EQ(outbound_, make_error_code(TlsFailure::kWrongIdentity)) << outbound_.message();
}

TEST_F(MutualTlsTest, AClientOfAnotherCaIsRefusedAsUntrusted) {
  const TlsCredentials server = certificates_.credentials("a");
  const TlsCredentials rogue = certificates_.rogue();
  connect(MtlsMode::kStrict, &server, upstreamCall(rogue, {"spiffe://mesh.test/ns/default/sa/a"}));
  EXPECT_EQ(inbound_->outcome, InboundTls::Outcome::kRefused);
  EXPECT_EQ(inbound_->failure, TlsFailure::kUntrusted);
  EXPECT_EQ(outbound_, make_error_code(TlsFailure::kUntrusted)) << outbound_.message();
}

// Not the runtime: a TLS client without a certificate, as `curl` without --cert.
TEST_F(MutualTlsTest, AClientWithoutACertificateIsRefused) {
  const TlsCredentials server = certificates_.credentials("a");
  asio::ssl::context anonymous(asio::ssl::context::tls_client);
  connect(MtlsMode::kStrict, &server, [&](Stream& stream) -> asio::awaitable<void> {
    stream.startTls(anonymous);
    co_await stream.async_handshake(asio::ssl::stream_base::client, kNoThrow);
    char byte = 0;  // TLS 1.3: the server's verdict comes after the client's handshake
    co_await stream.async_read_some(asio::buffer(&byte, 1), kNoThrow);
  });
  EXPECT_EQ(inbound_->outcome, InboundTls::Outcome::kRefused);
  EXPECT_EQ(inbound_->failure, TlsFailure::kNoCertificate);
}

// Not the runtime: a plaintext HTTP client.
TEST_F(MutualTlsTest, StrictRefusesPlaintextAndPermissiveServesIt) {
  const TlsCredentials server = certificates_.credentials("a");
  const MutualTlsTest::Client plaintext = [](Stream& stream) -> asio::awaitable<void> {
    co_await asio::async_write(stream, asio::buffer(std::string_view("GET / HTTP/1.1\r\n\r\n")),
                               kNoThrow);
  };
  connect(MtlsMode::kStrict, &server, plaintext);
  EXPECT_EQ(inbound_->outcome, InboundTls::Outcome::kRefused);
  EXPECT_EQ(inbound_->failure, TlsFailure::kPlaintext);
  inbound_.reset();
  connect(MtlsMode::kPermissive, &server, plaintext);
  EXPECT_EQ(inbound_->outcome, InboundTls::Outcome::kPlaintext);
  EXPECT_EQ(inbound_->principal, "");
}

TEST_F(MutualTlsTest, WithoutCredentialsEverythingIsPlaintext) {
  connect(MtlsMode::kPermissive, nullptr, [](Stream&) -> asio::awaitable<void> { co_return; });
  EXPECT_EQ(inbound_->outcome, InboundTls::Outcome::kPlaintext);
}

TEST_F(MutualTlsTest, AClientThatLeavesSilentlyIsNotCounted) {
  const TlsCredentials server = certificates_.credentials("a");
  connect(MtlsMode::kStrict, &server, [](Stream& stream) -> asio::awaitable<void> {
    stream.close();
    co_return;
  });
  EXPECT_EQ(inbound_->outcome, InboundTls::Outcome::kClosed);
}

// Not the runtime: a client that starts a TLS record and stalls.
TEST_F(MutualTlsTest, AStalledHandshakeTimesOut) {
  const TlsCredentials server = certificates_.credentials("a");
  connect(
      MtlsMode::kStrict, &server,
      [](Stream& stream) -> asio::awaitable<void> {
        const unsigned char recordStart[] = {0x16, 0x03, 0x01};
        co_await asio::async_write(stream, asio::buffer(recordStart), kNoThrow);
        char byte = 0;  // until the server gives up
        co_await stream.async_read_some(asio::buffer(&byte, 1), kNoThrow);
      },
      200ms);
  EXPECT_EQ(inbound_->outcome, InboundTls::Outcome::kRefused);
  EXPECT_EQ(inbound_->failure, TlsFailure::kTimeout);
}

}  // namespace
}  // namespace mesh
