#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "observability/StatsShard.h"
#include "upstream/ConnectionPool.h"

namespace mesh {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Real connections over 127.0.0.1: the pool's liveness watch is an actual pending read.
class ConnectionPoolTest : public ::testing::Test {
 protected:
  std::unique_ptr<UpstreamConnection> connect(tcp::socket& serverSide) {
    auto connection = std::make_unique<UpstreamConnection>(io_.get_executor(), stats_);
    connection->stream.socket().connect(acceptor_.local_endpoint());
    acceptor_.accept(serverSide);
    connection->markConnected();
    return connection;
  }

  // Runs the event loop until `done` holds, for at most two seconds.
  template <class Predicate>
  bool runUntil(Predicate done) {
    const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!done() && std::chrono::steady_clock::now() < limit) {
      io_.restart();
      io_.run_for(std::chrono::milliseconds(10));
    }
    return done();
  }

  // Lets pending completions run (a cancelled watch, a peer's close) for a moment.
  void settle() {
    io_.restart();
    io_.run_for(std::chrono::milliseconds(50));
  }

  asio::io_context io_;
  tcp::acceptor acceptor_{io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)};
  StatsShard stats_;
  ConnectionPool pool_{2};
};

TEST_F(ConnectionPoolTest, GivesBackTheMostRecentlyUsedConnection) {
  tcp::socket first(io_), second(io_);
  auto a = connect(first);
  auto b = connect(second);
  const UpstreamConnection* newest = b.get();
  pool_.give(1, std::move(a));
  pool_.give(1, std::move(b));
  EXPECT_EQ(pool_.idleCount(1), 2u);
  EXPECT_EQ(pool_.take(0), nullptr) << "pools are per endpoint";
  auto taken = pool_.take(1);
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(taken.get(), newest);
  EXPECT_TRUE(taken->reused);
}

TEST_F(ConnectionPoolTest, PeerCloseDropsAnIdleConnection) {
  tcp::socket server(io_);
  pool_.give(0, connect(server));
  server.close();
  EXPECT_TRUE(runUntil([&] { return pool_.idleCount(0) == 0; }));
  EXPECT_EQ(pool_.take(0), nullptr);
}

TEST_F(ConnectionPoolTest, UnsolicitedBytesDropAnIdleConnection) {
  tcp::socket server(io_);
  pool_.give(0, connect(server));
  asio::write(server, asio::buffer(std::string("HTTP/1.1 408 Request Timeout\r\n\r\n")));
  EXPECT_TRUE(runUntil([&] { return pool_.idleCount(0) == 0; }));
}

TEST_F(ConnectionPoolTest, ATakenConnectionLosesNoByteToTheWatch) {
  tcp::socket server(io_);
  pool_.give(0, connect(server));
  settle();  // the watch read is pending: nothing happens
  auto taken = pool_.take(0);
  ASSERT_NE(taken, nullptr);
  // The cancelled watch completes; the connection stays open and owns every byte that follows.
  settle();
  EXPECT_TRUE(taken->stream.isOpen());
  asio::write(server, asio::buffer(std::string("hello")));
  std::string got(5, '\0');
  asio::read(taken->stream.socket(), asio::buffer(got));
  EXPECT_EQ(got, "hello");
}

TEST_F(ConnectionPoolTest, AConnectionGoesBackAndForthAndStaysWatched) {
  tcp::socket server(io_);
  pool_.give(0, connect(server));
  for (int i = 0; i < 3; ++i) {
    auto taken = pool_.take(0);
    ASSERT_NE(taken, nullptr);
    settle();
    pool_.give(0, std::move(taken));
  }
  server.close();
  EXPECT_TRUE(runUntil([&] { return pool_.idleCount(0) == 0; }));
}

TEST_F(ConnectionPoolTest, CloseEmptiesThePoolAndRefusesConnections) {
  tcp::socket first(io_), second(io_);
  pool_.give(0, connect(first));
  pool_.close();
  EXPECT_EQ(pool_.idleCount(0), 0u);
  pool_.give(0, connect(second));
  EXPECT_EQ(pool_.take(0), nullptr);
  EXPECT_EQ(stats_.connectionsOpened(), stats_.connectionsClosed());
  settle();  // the destroyed connections' watches complete harmlessly
}

TEST_F(ConnectionPoolTest, ClosesConnectionsIdleSinceBeforeACutoff) {
  tcp::socket first(io_), second(io_);
  pool_.give(0, connect(first));
  const auto cutoff = std::chrono::steady_clock::now() + std::chrono::milliseconds(1);
  while (std::chrono::steady_clock::now() <= cutoff) {
  }
  pool_.give(0, connect(second));
  pool_.closeIdleSince(cutoff);
  EXPECT_EQ(pool_.idleCount(0), 1u);
}

}  // namespace
}  // namespace mesh
