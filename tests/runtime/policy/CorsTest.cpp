// CORS as a rule applies it (policy/Cors): origin patterns, the preflight's answer and the fields
// on responses, from the Fetch standard and Gateway API's HTTPCORSFilter as abi.h states them.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "policy/Cors.h"

namespace mesh {
namespace {

Cors policy(std::vector<const char*> origins, const char* methods = "", const char* headers = "",
            const char* expose = "", uint64_t maxAge = 0, bool credentials = false) {
  const mesh_cors config{
      origins.data(),       methods, headers, expose, maxAge, static_cast<uint32_t>(origins.size()),
      credentials ? 1u : 0u};
  Cors out;
  const std::string problem = decodeCors(config, out);
  EXPECT_EQ(problem, "");
  return out;
}

std::map<std::string, std::string> asMap(const std::vector<ResponseField>& fields) {
  std::map<std::string, std::string> out;
  for (const ResponseField& field : fields) out[std::string(field.name)] = field.value;
  return out;
}

CorsRequest preflight(std::string_view origin, std::string_view method = "PUT",
                      std::string_view headers = "") {
  return {"OPTIONS", origin, true, method, headers};
}

TEST(OriginPattern, ReadsTheFormsBrowsersSend) {
  OriginPattern p;
  EXPECT_EQ(parseOriginPattern("*", p), "");
  EXPECT_TRUE(p.anyOrigin);
  EXPECT_EQ(parseOriginPattern("https://app.example.com", p), "");
  EXPECT_EQ(p.scheme, "https");
  EXPECT_EQ(p.host, "app.example.com");
  EXPECT_EQ(p.port, 443u);
  EXPECT_EQ(parseOriginPattern("http://localhost:3000", p), "");
  EXPECT_EQ(p.port, 3000u);
  EXPECT_EQ(parseOriginPattern("https://*.example.com", p), "");
  EXPECT_EQ(p.hostKind, OriginPattern::Host::kBelow);
  EXPECT_EQ(p.host, "example.com");
  EXPECT_EQ(parseOriginPattern("http://*:8080", p), "");
  EXPECT_EQ(p.hostKind, OriginPattern::Host::kAny);
  EXPECT_EQ(parseOriginPattern("http://[::1]:8080", p), "");
}

TEST(OriginPattern, RefusesWhatNoBrowserSends) {
  for (const char* bad :
       {"", "app.example.com", "ftp://a.example", "HTTPS://a.example", "https://A.example",
        "https://a.example/", "https://a.example:0", "https://a.example:65536", "https://",
        "https://a..example", "https://*example.com", "https://a.*.example", "https://a.example:x",
        "https://user@a.example"}) {
    OriginPattern p;
    EXPECT_NE(parseOriginPattern(bad, p), "") << bad;
  }
}

TEST(Cors, MatchesOriginsByExactHostWildcardAndDefaultPort) {
  const Cors cors = policy({"https://www.foo.com", "https://*.bar.com", "http://localhost:3000"});
  EXPECT_TRUE(originAllowed(cors, "https://www.foo.com"));
  EXPECT_TRUE(originAllowed(cors, "https://www.foo.com:443"));
  EXPECT_TRUE(originAllowed(cors, "https://WWW.Foo.com"));
  EXPECT_FALSE(originAllowed(cors, "http://www.foo.com"));
  EXPECT_FALSE(originAllowed(cors, "https://www.foo.com:8443"));
  EXPECT_FALSE(originAllowed(cors, "https://foo.com"));
  // Gateway API: '*' takes any number of labels, never the bare domain.
  EXPECT_TRUE(originAllowed(cors, "https://www.bar.com"));
  EXPECT_TRUE(originAllowed(cors, "https://xpto.www.bar.com"));
  EXPECT_FALSE(originAllowed(cors, "https://bar.com"));
  EXPECT_FALSE(originAllowed(cors, "https://foobar.com"));
  EXPECT_FALSE(originAllowed(cors, "https://evil-bar.com"));
  EXPECT_TRUE(originAllowed(cors, "http://localhost:3000"));
  EXPECT_FALSE(originAllowed(cors, "http://localhost"));
  EXPECT_FALSE(originAllowed(cors, "null"));
  EXPECT_FALSE(originAllowed(cors, ""));
  EXPECT_TRUE(originAllowed(policy({"*"}), "null"));
}

TEST(Cors, APreflightFromAnAllowedOriginGetsEveryField) {
  const Cors cors = policy({"https://www.foo.com"}, "GET, OPTIONS", "x-header-1, x-header-2",
                           "x-header-3", 3600, true);
  const auto fields = asMap(preflightFields(cors, preflight("https://www.foo.com", "GET")));
  EXPECT_EQ(fields, (std::map<std::string, std::string>{
                        {"access-control-allow-origin", "https://www.foo.com"},
                        {"access-control-allow-credentials", "true"},
                        {"access-control-allow-methods", "GET, OPTIONS"},
                        {"access-control-allow-headers", "x-header-1, x-header-2"},
                        {"access-control-max-age", "3600"},
                        {"access-control-expose-headers", "x-header-3"},
                        {"vary", "Origin"}}));
}

TEST(Cors, APreflightFromAnotherOriginGetsNoField) {
  const Cors cors = policy({"https://www.foo.com"}, "GET", "", "", 5);
  EXPECT_TRUE(preflightFields(cors, preflight("https://foobar.com")).empty());
  EXPECT_TRUE(responseFields(cors, {"GET", "https://foobar.com", false, "", ""}).empty());
  EXPECT_TRUE(responseFields(cors, {"GET", "", false, "", ""}).empty());
}

// A wildcard answers with what was asked: valid with and without credentials (Fetch §3.2.5
// forbids '*' to credentialed requests).
TEST(Cors, WildcardsEchoTheRequestedMethodAndHeaders) {
  const Cors cors = policy({"*"}, "*", "*", "", 5, true);
  const auto fields =
      asMap(preflightFields(cors, preflight("https://foobar.com:12345", "PUT", "x-a, x-b")));
  EXPECT_EQ(fields.at("access-control-allow-origin"), "https://foobar.com:12345");
  EXPECT_EQ(fields.at("access-control-allow-methods"), "PUT");
  EXPECT_EQ(fields.at("access-control-allow-headers"), "x-a, x-b");
  const auto noHeaders = asMap(preflightFields(cors, preflight("https://a.example", "PUT")));
  EXPECT_EQ(noHeaders.count("access-control-allow-headers"), 0u);
  EXPECT_EQ(noHeaders.count("access-control-allow-credentials"), 1u);
}

TEST(Cors, ResponsesToAnAllowedOriginGetOriginCredentialsAndExposedHeaders) {
  const Cors cors = policy({"https://*.foo.com"}, "GET", "x-a", "x-trace", 60, true);
  const auto fields = asMap(responseFields(cors, {"GET", "https://www.foo.com", false, "", ""}));
  EXPECT_EQ(fields, (std::map<std::string, std::string>{
                        {"access-control-allow-origin", "https://www.foo.com"},
                        {"access-control-allow-credentials", "true"},
                        {"access-control-expose-headers", "x-trace"},
                        {"vary", "Origin"}}));
  const auto plain = asMap(responseFields(policy({"*"}), {"GET", "https://a.b", false, "", ""}));
  EXPECT_EQ(plain.count("access-control-allow-credentials"), 0u);
  EXPECT_EQ(plain.count("access-control-expose-headers"), 0u);
}

TEST(Cors, OnlyOptionsWithOriginAndRequestMethodIsAPreflight) {
  EXPECT_TRUE(isPreflight(preflight("https://a.example")));
  EXPECT_FALSE(isPreflight({"OPTIONS", "https://a.example", false, "", ""}));
  EXPECT_FALSE(isPreflight({"OPTIONS", "", true, "PUT", ""}));
  EXPECT_FALSE(isPreflight({"PUT", "https://a.example", true, "PUT", ""}));
}

TEST(Cors, DecodingRefusesWhatTheRuntimeCannotSend) {
  Cors out;
  const char* origins[] = {"https://a.example"};
  const char* bad[] = {"https://a.example/path"};
  EXPECT_EQ(decodeCors({origins, "", "", "", 0, 0, 0}, out), "no origins");
  EXPECT_NE(decodeCors({bad, "", "", "", 0, 1, 0}, out), "");
  EXPECT_NE(decodeCors({origins, "GET\r\nx: y", "", "", 0, 1, 0}, out), "");
  EXPECT_NE(decodeCors({origins, nullptr, "", "", 0, 1, 0}, out), "");
  EXPECT_NE(decodeCors({origins, "", "", "", 0, 1, 2}, out), "");
}

// Access-Control-* fields replace the upstream's: the policy decides who may read. Vary is kept
// and added to.
TEST(Cors, FieldsReplaceTheUpstreamsAndAddToVary) {
  struct Fields {
    std::vector<std::pair<std::string, std::string>> list;
    void set(std::string_view name, std::string_view value) {
      std::erase_if(list, [&](const auto& f) { return f.first == name; });
      list.emplace_back(name, value);
    }
    void insert(std::string_view name, std::string_view value) { list.emplace_back(name, value); }
  } fields{{{"access-control-allow-origin", "*"}, {"vary", "Accept-Encoding"}}};
  const ResponseField cors[] = {{"access-control-allow-origin", "https://a.example"},
                                {"vary", "Origin"}};
  applyCorsFields(fields, cors);
  EXPECT_EQ(fields.list, (std::vector<std::pair<std::string, std::string>>{
                             {"vary", "Accept-Encoding"},
                             {"access-control-allow-origin", "https://a.example"},
                             {"vary", "Origin"}}));
}

}  // namespace
}  // namespace mesh
