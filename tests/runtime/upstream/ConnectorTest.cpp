// Which pooled connection may carry which request: one endpoint address can serve services of
// different mTLS needs (or move between them on a reload), and the pool is per address.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "tls/MutualTls.h"
#include "upstream/Connector.h"

namespace mesh {
namespace {

class ConnectorTest : public ::testing::Test {
 protected:
  ConnectorTest()
      : connection_(io_.get_executor(), stats_) {}

  boost::asio::io_context io_;
  StatsShard stats_;
  UpstreamConnection connection_;
  const char* const aOnly_[1] = {"spiffe://mesh.test/ns/default/sa/a"};
  const mesh_service serviceOfA_{"a", aOnly_, 80, 0, 0, 1, MESH_MTLS_STRICT, 0};
  const mesh_service serviceOfC_{"c", nullptr, 80, 0, 0, 0, MESH_MTLS_STRICT, 0};
};

TEST_F(ConnectorTest, APlaintextConnectionServesOnlyPlaintextRequests) {
  EXPECT_TRUE(suits(connection_, UpstreamSecurity{}));
  EXPECT_FALSE(suits(connection_, UpstreamSecurity{&serviceOfA_}));
}

TEST_F(ConnectorTest, AMutualTlsConnectionServesOnlyServicesItsPeerRuns) {
  connection_.peerPrincipal = "spiffe://mesh.test/ns/default/sa/a";
  EXPECT_TRUE(suits(connection_, UpstreamSecurity{&serviceOfA_}));
  EXPECT_FALSE(suits(connection_, UpstreamSecurity{&serviceOfC_}));
  EXPECT_FALSE(suits(connection_, UpstreamSecurity{})) << "never plaintext's";
}

}  // namespace
}  // namespace mesh
