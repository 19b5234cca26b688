#include <gtest/gtest.h>

#include <string_view>

#include "policy/RedirectLocation.h"

namespace mesh {
namespace {

mesh_str str(std::string_view s) { return {s.data(), s.size()}; }

// A request as the sidecar's plain listener hands it to the policy: scheme "http", the host
// lower-case without port, the normalised path and the query as received.
mesh_request request(std::string_view host, uint32_t port, std::string_view path,
                     std::string_view query = "") {
  mesh_request out{};
  out.method = str("GET");
  out.scheme = str("http");
  out.host = str(host);
  out.port = port;
  out.path = str(path);
  out.query = str(query);
  return out;
}

Redirect redirect(std::string_view scheme, std::string_view host, uint32_t port,
                  PathRewrite path = {}) {
  return Redirect{scheme, host, path, port, 302};
}

TEST(RedirectLocation, KeepsEveryPartNotGiven) {
  EXPECT_EQ(redirectLocation(request("example.org", 0, "/a", "x=1"), redirect("", "", 0)),
            "http://example.org/a?x=1");
  EXPECT_EQ(redirectLocation(request("example.org", 8080, "/a"), redirect("", "", 0)),
            "http://example.org:8080/a");
}

// Gateway API's HTTPRouteRedirectScheme, -Hostname, -Port and -PortAndScheme conformance cases,
// for a request that came to port 80 (no port in Host) or 8080.
TEST(RedirectLocation, SchemeChangeTakesTheNewSchemesDefaultPort) {
  EXPECT_EQ(redirectLocation(request("example.org", 0, "/scheme"), redirect("https", "", 0)),
            "https://example.org/scheme");
  EXPECT_EQ(redirectLocation(request("example.org", 80, "/scheme"), redirect("https", "", 0)),
            "https://example.org/scheme");
  EXPECT_EQ(redirectLocation(request("example.org", 8080, "/scheme"), redirect("https", "", 0)),
            "https://example.org/scheme");
}

TEST(RedirectLocation, AnExplicitPortIsKeptUnlessItIsTheSchemesDefault) {
  EXPECT_EQ(redirectLocation(request("example.org", 0, "/port"), redirect("", "", 8083)),
            "http://example.org:8083/port");
  EXPECT_EQ(redirectLocation(request("example.org", 8080, "/port"), redirect("", "", 80)),
            "http://example.org/port");
  EXPECT_EQ(redirectLocation(request("example.org", 0, "/p"), redirect("https", "", 8443)),
            "https://example.org:8443/p");
  EXPECT_EQ(redirectLocation(request("example.org", 0, "/p"), redirect("https", "", 443)),
            "https://example.org/p");
  EXPECT_EQ(redirectLocation(request("example.org", 0, "/p"), redirect("https", "", 80)),
            "https://example.org:80/p");
}

TEST(RedirectLocation, TheSameSchemeKeepsTheRequestsPort) {
  // abi.h: the scheme's default only when the scheme changes. (Gateway API would take 80 for any
  // redirect that names a scheme.)
  EXPECT_EQ(redirectLocation(request("example.org", 8080, "/p"), redirect("http", "", 0)),
            "http://example.org:8080/p");
  EXPECT_EQ(redirectLocation(request("example.org", 0, "/p"), redirect("http", "", 0)),
            "http://example.org/p");
}

TEST(RedirectLocation, HostOnlyKeepsSchemePortPathAndQuery) {
  EXPECT_EQ(redirectLocation(request("reviews", 0, "/hostname-redirect", "a=b&c"),
                             redirect("", "example.org", 0)),
            "http://example.org/hostname-redirect?a=b&c");
  EXPECT_EQ(redirectLocation(request("reviews", 9080, "/x"), redirect("", "example.org", 0)),
            "http://example.org:9080/x");
  EXPECT_EQ(redirectLocation(request("reviews", 9080, "/x"), redirect("https", "example.org", 0)),
            "https://example.org/x");
}

TEST(RedirectLocation, PathIsRewrittenAndTheQueryKept) {
  const PathRewrite full{PathRewrite::Kind::kFull, "/full-path-replacement", ""};
  EXPECT_EQ(redirectLocation(request("example.org", 0, "/full/path/original", "q=1"),
                             redirect("", "", 0, full)),
            "http://example.org/full-path-replacement?q=1");
  const PathRewrite prefix{PathRewrite::Kind::kPrefix, "/replacement-prefix", "/original-prefix"};
  EXPECT_EQ(redirectLocation(request("example.org", 0, "/original-prefix/lemon"),
                             redirect("", "", 0, prefix)),
            "http://example.org/replacement-prefix/lemon");
  EXPECT_EQ(
      redirectLocation(request("example.org", 0, "/original-prefix"), redirect("", "", 0, prefix)),
      "http://example.org/replacement-prefix");
  const PathRewrite root{PathRewrite::Kind::kPrefix, "/", "/original-prefix"};
  EXPECT_EQ(redirectLocation(request("example.org", 0, "/original-prefix", "x"),
                             redirect("https", "other.example", 8443, root)),
            "https://other.example:8443/?x");
}

TEST(RedirectLocation, IpV6HostsGetTheirBracketsBack) {
  EXPECT_EQ(redirectLocation(request("::1", 8080, "/a"), redirect("", "", 0)),
            "http://[::1]:8080/a");
  EXPECT_EQ(redirectLocation(request("reviews", 0, "/a"), redirect("", "[fe80::1]", 0)),
            "http://[fe80::1]/a");
}

TEST(RedirectLocation, WithoutAHostTheLocationIsRelative) {
  EXPECT_EQ(redirectLocation(request("", 0, "/a", "q"), redirect("https", "", 0)), "/a?q");
  EXPECT_EQ(redirectLocation(request("", 0, "/a"), redirect("", "example.org", 0)),
            "http://example.org/a");
}

TEST(RedirectLocation, AsteriskNamesTheServer) {
  EXPECT_EQ(redirectLocation(request("example.org", 0, "*"), redirect("https", "", 0)),
            "https://example.org");
  EXPECT_EQ(redirectLocation(request("", 0, "*"), redirect("", "", 0)), "/");
}

TEST(RedirectLocation, DefaultPorts) {
  EXPECT_EQ(defaultPort("http"), 80u);
  EXPECT_EQ(defaultPort("https"), 443u);
  EXPECT_EQ(defaultPort(""), 0u);
}

}  // namespace
}  // namespace mesh
