#include <gtest/gtest.h>

#include "compiler/PolicyFixture.h"

namespace meshc {
namespace {

using testing::check;
using testing::kMeshHeader;

// Lines 2-7: a service r with subsets v1 and v2, and a workload w calling it; tests start at 8.
std::string withTests(const std::string& tests) {
  return std::string(kMeshHeader) +
         "service r {\n"
         "  port 80;\n"
         "  subset v1 { endpoints []; }\n"
         "  subset v2 { endpoints []; }\n"
         "  route { otherwise => split { v1 50%, v2 50% }; }\n"
         "}\n"
         "workload w { service r; version v1; calls r; }\n" +
         tests;
}

TEST(TestCheck, AcceptsEveryExpectationKind) {
  const auto c = check(withTests(
      "test \"a\" { from w request GET \"http://r/x?y=1\" header \"a\" = \"b\" principal "
      "\"spiffe://m/ns/d/sa/w\"; expect split { r.v1 50%, r.v2 50% }; expect no timeout; }\n"
      "test \"b\" { from w request PUT \"/x\" header \"host\" = \"r\"; expect routed r.v1; }\n"
      "test \"c\" { from w request GET \"http://q/\"; expect status 404; expect timeout 1s; }\n"));
  EXPECT_TRUE(c.ok) << c.rendered();
}

TEST(TestCheck, ReportsEveryMistakeWithItsPosition) {
  const auto c = check(withTests(
      "test \"a\" { from x request get \"r/x\"; expect routed r.v3; expect status 99; }\n"
      "test \"a\" { expect split { r.v1 60%, r.v1 30% }; expect timeout 1s; expect no timeout; }\n"
      "test \"c\" { from w request GET \"/\"; from w request GET \"/\"; }\n"));
  EXPECT_EQ(c.summary(),
            "9:17: error[E0208]: unknown workload 'x'; known workloads: w\n"
            "9:31: error[E0606]: malformed URL \"r/x\"; write it as the application sends it: "
            "\"http://SERVICE/path?query\" (or \"/path\" with a header \"host\")\n"
            "9:54: error[E0202]: unknown subset 'v3' of service 'r'; did you mean 'v1'?\n"
            "9:58: error[E0604]: a second expectation of where the request goes; the first is at "
            "line 9\n"
            "9:58: error[E0605]: the sidecar itself answers 400 (a malformed request), 404 (no "
            "route), 500 (a rule without backends) and the statuses of this policy's 'respond' "
            "and 'redirect' rules, not 99; other statuses come from upstreams\n"
            "10:1: error[E0601]: test \"a\" sends no request; add e.g. 'from WORKLOAD request GET "
            "\"http://SERVICE/path\";'\n"
            "10:6: error[E0611]: duplicate test name \"a\"; the first is at line 9\n"
            "10:12: error[E0610]: expected shares total 90%; they must total exactly 100%\n"
            "10:37: error[E0609]: r.v1 is listed twice\n"
            "10:68: error[E0604]: a second expectation of the timeout; the first is at line 10\n"
            "11:1: error[E0603]: test \"c\" expects nothing; add e.g. 'expect routed "
            "SERVICE.SUBSET;'\n"
            "11:36: error[E0602]: a test sends one request; write another test for this one\n");
}

// A rule retries at most 10 times, and only a request it forwards.
TEST(TestCheck, ExpectedRetries) {
  const auto c = check(withTests(
      "test \"a\" { from w request GET \"http://r/\"; expect retries 0; expect retries 11; }\n"
      "test \"b\" { from w request GET \"http://r/\"; expect status 404; expect retries 0; }\n"));
  EXPECT_EQ(
      c.summary(),
      "9:62: error[E0604]: a second expectation of the retries; the first is at line 9\n"
      "9:77: error[E0330]: a rule retries a request at most 10 times; this expectation "
      "could never hold\n"
      "10:63: error[E0615]: this expectation needs the request forwarded upstream, the one at "
      "line 10 needs it answered by the sidecar\n");
}

TEST(TestCheck, ExpectationsTheRequestCannotReach) {
  const auto c = check(withTests(
      "service s { port 80; subset v1 { endpoints []; } }\n"
      "test \"a\" { from w request GET \"http://s/\"; expect routed s.v1; }\n"
      "test \"b\" { from w request GET \"http://r/\"; expect split { r.v1 50%, s.v1 50% }; }\n"));
  EXPECT_EQ(c.summary(),
            "10:58: error[E0612]: workload 'w' does not call service 's': its sidecar answers 404 "
            "for it\n"
            "11:69: error[E0612]: workload 'w' does not call service 's': its sidecar answers 404 "
            "for it\n"
            "11:69: error[E0612]: a split stays within one service; 's' is not 'r'\n");
}

TEST(TestCheck, AcceptsExpectationsOfWhatARuleDoesToTheRequest) {
  const auto c = check(withTests(
      "test \"a\" { from w request GET \"http://r/x?y=1\"; expect routed r.v1;"
      " expect upstream path \"/x?y=1\"; expect upstream host \"r:8080\";"
      " expect upstream header \"X-Env\" = \"a\"; expect upstream header \"x-debug\" absent;"
      " expect response header \"x-env\" = \"a\"; }\n"
      "test \"b\" { from w request GET \"http://r/x\"; expect status 500;"
      " expect redirect \"/x\"; expect response header \"x\" absent; }\n"));
  // The redirect status is not checked against 500 here: E0615 wants a redirect's own status.
  EXPECT_EQ(c.summary(),
            "10:64: error[E0615]: a redirect's status is 301, 302, 303, 307 or 308; this test "
            "also expects status 500\n");
}

TEST(TestCheck, MalformedAndContradictoryExpectationsOfARulesEffects) {
  const auto c = check(withTests(
      "test \"a\" { from w request GET \"http://r/\";\n"
      "  expect upstream path \"x\"; expect upstream path \"/y\";\n"
      "  expect upstream host \"r/x\"; expect redirect \"ftp://r/\";\n"
      "  expect upstream header \"Host\" = \"r\"; expect upstream header \"a b\" absent;\n"
      "  expect response header \"content-length\" absent;\n"
      "  expect upstream header \"x\" = \"\\n\"; expect upstream header \"X\" absent;\n"
      "}\n"
      "test \"b\" { from w request GET \"http://r/\"; expect redirect \"/a\"; "
      "expect routed r.v1; }\n"));
  EXPECT_EQ(c.summary(),
            "10:24: error[E0613]: an upstream never receives the path \"x\"; write it as sent: "
            "\"/path\", or \"/path?query\" when the request has a query, percent-encoded, "
            "without spaces or a fragment\n"
            "10:29: error[E0604]: a second expectation of the upstream path; the first is at line "
            "10\n"
            "11:24: error[E0613]: an upstream never receives the Host \"r/x\"; write it as sent: "
            "\"HOST\" or \"HOST:PORT\"\n"
            "11:31: error[E0615]: this expectation needs the request answered by the sidecar, the "
            "one at line 10 needs it forwarded upstream\n"
            "11:47: error[E0613]: a sidecar never sends the Location \"ftp://r/\"; write it as "
            "sent: \"https://HOST[:PORT]/path?query\", percent-encoded, without spaces or a "
            "fragment\n"
            "12:26: error[E0614]: the sidecar manages \"host\" itself and no rule edits it; use "
            "'expect upstream host'\n"
            "12:63: error[E0312]: invalid header name \"a b\"\n"
            "13:26: error[E0614]: the sidecar manages \"content-length\" itself and no rule edits "
            "it\n"
            "14:32: error[E0311]: header value contains a control character\n"
            "14:38: error[E0604]: a second expectation of the upstream header \"x\"; the first is "
            "at line 14\n"
            "16:66: error[E0615]: this expectation needs the request forwarded upstream, the one "
            "at line 16 needs it answered by the sidecar\n");
}

TEST(TestCheck, MirroredExpectations) {
  auto c =
      check(withTests("test \"a\" { from w request GET \"http://r/\"; expect mirrored r.v2; expect "
                      "mirrored r.v1 5%; }\n"));
  EXPECT_TRUE(c.ok) << c.rendered();
  c =
      check(withTests("test \"a\" { from w request GET \"http://r/\"; expect mirrored r.v2; expect "
                      "mirrored r.v2 5%; "
                      "expect mirrored q.v1; expect mirrored r.v1 0%; }\n"));
  EXPECT_EQ(c.summary(),
            "9:66: error[E0604]: a second expectation of the mirror to r.v2; the first is at line "
            "9\n"
            "9:107: error[E0201]: unknown service 'q'; known services: r\n"
            "9:134: error[E0327]: a mirror takes more than 0% and at most 100% of the requests, "
            "not 0%; without a percentage it takes all of them\n");
}

}  // namespace
}  // namespace meshc
