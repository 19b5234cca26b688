// CORS policies in sema (sema/CorsCheck.cpp) and how they lower.

#include <gtest/gtest.h>

#include "compiler/PolicyFixture.h"

namespace meshc {
namespace {

using testing::check;

TEST(CorsCheck, AWellFormedPolicyIsAccepted) {
  const auto c = check(
      "mesh m { }\n"
      "service web { port 80; subset v1 {}\n"
      "  cors site { origins [\"https://app.example.com\", \"https://*.example.org\",\n"
      "                       \"http://localhost:3000\", \"http://[::1]:8080\"];\n"
      "              methods [\"GET\", \"PUT\"]; headers [\"*\"]; expose [\"x-trace\"];\n"
      "              max_age 1h; credentials; }\n"
      "  cors open { origins [\"*\"]; }\n"
      "  route { cors site; when path prefix \"/pub\" => v1 { cors open; }\n"
      "          when path == \"/old\" => redirect 301 { path \"/new\"; cors open; }\n"
      "          otherwise => v1; }\n"
      "}\n"
      "workload w { service web; version v1; calls web; }\n");
  EXPECT_TRUE(c.ok) << c.rendered();
}

TEST(CorsCheck, OriginsMethodsHeadersAndMaxAge) {
  EXPECT_EQ(
      check("mesh m { }\n"
            "service web { port 80; subset v1 {}\n"
            "  cors a { origins [\"https://app.example.com/\", \"HTTPS://b.example\",\n"
            "                    \"https://*.\", \"app.example.com\"];\n"
            "           methods [\"get\", \"P T\"]; headers [\"x user\"]; max_age 1500ms;\n"
            "           max_age 25h; credentials; credentials; }\n"
            "  cors b { methods [\"GET\"]; methods [\"PUT\"]; }\n"
            "  cors a { origins []; }\n"
            "  route { cors c; cors a; otherwise => v1 { cors b; cors a; } }\n"
            "}\n")
          .summary(),
      "3:21: error[E0328]: invalid CORS origin: \"https://app.example.com/\" is not \"*\" or "
      "SCHEME://HOST[:PORT] with the scheme http or https; browsers send e.g. "
      "\"https://app.example.com\" or \"http://localhost:3000\"\n"
      "3:49: error[E0328]: invalid CORS origin: \"HTTPS://b.example\" is not \"*\" or "
      "SCHEME://HOST[:PORT] with the scheme http or https; browsers send e.g. "
      "\"https://app.example.com\" or \"http://localhost:3000\"\n"
      "4:21: error[E0328]: invalid CORS origin: the host of \"https://*.\" is not a name, "
      "\"*\" or \"*.\" and a domain; browsers send e.g. \"https://app.example.com\" or "
      "\"http://localhost:3000\"\n"
      "4:35: error[E0328]: invalid CORS origin: \"app.example.com\" is not \"*\" or "
      "SCHEME://HOST[:PORT] with the scheme http or https; browsers send e.g. "
      "\"https://app.example.com\" or \"http://localhost:3000\"\n"
      "5:21: error[E0310]: HTTP methods are case-sensitive and \"get\" would not match "
      "browsers' \"GET\"; did you mean \"GET\"?\n"
      "5:28: error[E0310]: \"P T\" is not an HTTP method; methods are upper-case tokens such "
      "as \"PUT\", or \"*\" for any\n"
      "5:45: error[E0312]: invalid header name \"x user\"; header names are non-empty and use "
      "letters, digits and !#$%&'*+-.^_`|~, or \"*\" for any\n"
      "5:64: error[E0329]: a CORS max age is a whole number of seconds from 1s to 24h; "
      "1500ms is not\n"
      "6:20: error[E0406]: duplicate max_age\n"
      "5:64: note: first max_age is here\n"
      "6:20: error[E0329]: a CORS max age is a whole number of seconds from 1s to 24h; 25h "
      "is not\n"
      "6:38: error[E0406]: duplicate credentials\n"
      "6:25: note: first credentials is here\n"
      "7:8: error[E0413]: CORS policy 'b' allows no origin; add e.g. 'origins "
      "[\"https://app.example.com\"];'\n"
      "7:29: error[E0406]: duplicate methods list\n"
      "7:12: note: first methods list is here\n"
      "8:8: error[E0215]: duplicate CORS policy 'a' in service 'web'\n"
      "3:8: note: first declared here\n"
      "8:8: error[E0413]: CORS policy 'a' allows no origin; add e.g. 'origins "
      "[\"https://app.example.com\"];'\n"
      "9:16: error[E0214]: unknown CORS policy 'c' of service 'web'; known CORS policies: a, "
      "b\n"
      "9:24: error[E0406]: duplicate route CORS policy\n"
      "9:16: note: first route CORS policy is here\n"
      "9:53: error[E0406]: a rule has one CORS policy\n"
      "9:45: note: the first is here\n");
}

TEST(CorsCheck, APolicyNothingAppliesIsALint) {
  auto c = check(
      "mesh m { }\n"
      "service web { port 80; subset v1 {}\n"
      "  cors idle { origins [\"*\"]; }\n"
      "}\n"
      "workload w { service web; version v1; }\n");
  ASSERT_TRUE(c.ok) << c.rendered();
  sema::lint(c.policy, c.diagnostics);
  EXPECT_EQ(c.summary(),
            "3:8: warning[W0406]: no route or rule of service 'web' applies CORS policy 'idle'; "
            "add 'cors idle;' to the route, or to a rule's block\n");
}

}  // namespace
}  // namespace meshc
