#include <gtest/gtest.h>

#include "core/HostPort.h"

namespace mesh {
namespace {

TEST(HostPort, ParsesNameAndIpv4) {
  EXPECT_EQ(parseHostPort("reviews:9080", PortRule::kNonZero, nullptr),
            (HostPort{"reviews", 9080}));
  EXPECT_EQ(parseHostPort("127.0.0.1:1", PortRule::kNonZero, nullptr), (HostPort{"127.0.0.1", 1}));
}

TEST(HostPort, ParsesBracketedIpv6AndPrintsItBack) {
  const auto parsed = parseHostPort("[::1]:8080", PortRule::kNonZero, nullptr);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->host, "::1");
  EXPECT_EQ(parsed->toString(), "[::1]:8080");
}

TEST(HostPort, PortZeroOnlyForListeners) {
  std::string why;
  EXPECT_TRUE(parseHostPort("127.0.0.1:0", PortRule::kAllowZero, &why));
  EXPECT_FALSE(parseHostPort("127.0.0.1:0", PortRule::kNonZero, &why));
  EXPECT_EQ(why, "port must be a number from 1 to 65535");
}

TEST(HostPort, ExplainsMalformedInput) {
  struct Case {
    const char* text;
    const char* why;
  };
  for (const Case& c :
       {Case{"reviews", "missing ':PORT'"}, Case{":80", "empty host"}, Case{"host:", "empty port"},
        Case{"host:65536", "port must be a number from 1 to 65535"},
        Case{"host:+80", "port must be a number from 1 to 65535"},
        Case{"host:80x", "port must be a number from 1 to 65535"},
        Case{"ho st:80", "invalid character in host (IPv6 needs [brackets])"},
        Case{"::1:80", "invalid character in host (IPv6 needs [brackets])"},
        Case{"[::1:80", "missing ']' after IPv6 address"}, Case{"[::1]80", "missing ':PORT'"},
        Case{"[zz]:80", "not an IPv6 address in [brackets]"},
        // Found by fuzz_endpoints_file: printed back without brackets, it read otherwise.
        Case{"[beef]:80", "not an IPv6 address in [brackets]"},
        Case{"[1:2:3:4:5:6:7:8:9]:80", "not an IPv6 address in [brackets]"}}) {
    std::string why;
    EXPECT_FALSE(parseHostPort(c.text, PortRule::kNonZero, &why)) << c.text;
    EXPECT_EQ(why, c.why) << c.text;
  }
}

}  // namespace
}  // namespace mesh
