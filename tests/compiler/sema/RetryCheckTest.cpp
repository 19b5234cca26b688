// Retry policies in sema (sema/RetryCheck.cpp, and RuleSettingCheck for where they fit).

#include <gtest/gtest.h>

#include "compiler/PolicyFixture.h"
#include "sema/Sema.h"

namespace meshc {
namespace {

using testing::check;
using testing::kMeshHeader;

// A service with two subsets whose route body the test supplies; its rules start at line 6.
std::string withRoute(const std::string& route) {
  return std::string(kMeshHeader) +
         "service r {\n"
         "  port 80;\n"
         "  subset v1 { endpoints [\"127.0.0.1:1\"]; }\n"
         "  route {\n" +
         route +
         "  }\n"
         "}\n"
         "workload w { service r; version v1; calls r; }\n";
}

std::string lintSummary(const std::string& text) {
  auto c = check(text);
  EXPECT_TRUE(c.ok) << c.rendered();
  sema::lint(c.policy, c.diagnostics);
  return c.summary();
}

TEST(RetryCheck, WellFormedBlocksOnARouteAndInRules) {
  const std::string text = withRoute(
      "    when path prefix \"/pay\" => v1 { retry { attempts 0; } }\n"
      "    when path prefix \"/slow\" => v1 {\n"
      "      timeout 10s;\n"
      "      retry { attempts 10; on 5xx, 429, 409; per_try_timeout 2s; backoff 1ms max 24h;\n"
      "              budget 100%; non_idempotent; }\n"
      "    }\n"
      "    otherwise => v1;\n"
      "    timeout 2s;\n"
      "    retry { attempts 2; on connect_failure, reset, retriable_4xx; budget 0.01%; }\n");
  EXPECT_EQ(lintSummary(text), "");
}

TEST(RetryCheck, EveryValueIsOneTheSidecarAccepts) {
  const auto c = check(withRoute(
      "    when path == \"/a\" => v1 { retry { attempts 11; on 4xx, 600, 99, gateway_eror; } }\n"
      "    when path == \"/b\" => v1 { retry { attempts 1; per_try_timeout 0s; backoff 0ms; } }\n"
      "    when path == \"/c\" => v1 { retry { attempts 1; per_try_timeout 25h; backoff 25h; } }\n"
      "    when path == \"/d\" => v1 { retry { attempts 1; backoff 1s max 500ms; budget 0%; } }\n"
      "    otherwise => v1 { retry { attempts 1; budget 100.5%; backoff 2s max 25h; } }\n"));
  EXPECT_EQ(
      c.summary(),
      "6:48: error[E0330]: attempts 11 is out of range: a request is retried 0 to 10 times "
      "after its first attempt\n"
      "6:55: error[E0331]: '4xx' is not a retry condition: of the status classes only 5xx is; "
      "list other statuses one by one, as in 'on 429, 503;'\n"
      "6:60: error[E0331]: status 600 is no HTTP status; a retried status is 100-599\n"
      "6:65: error[E0331]: status 99 is no HTTP status; a retried status is 100-599\n"
      "6:69: error[E0331]: unknown retry condition 'gateway_eror'; did you mean "
      "'gateway_error'? (or a status such as 429)\n"
      "7:67: error[E0313]: per-try timeout must be positive; omit it for no per-try timeout\n"
      "7:79: error[E0332]: a backoff's base is at least 1ms, not 0ms\n"
      "8:67: error[E0314]: per-try timeout 25h is longer than the maximum of 24h; omit it for "
      "no per-try timeout\n"
      "8:80: error[E0332]: a backoff's base is at most 24h, not 25h\n"
      "9:66: error[E0332]: a backoff's maximum 500ms is below its base 1s\n"
      "9:80: error[E0327]: a retry budget is more than 0% and at most 100% of the requests in "
      "flight, not 0%\n"
      "10:50: error[E0327]: a retry budget is more than 0% and at most 100% of the requests in "
      "flight, not 100.5%\n"
      "10:73: error[E0332]: a backoff's maximum is at most 24h, not 25h\n");
}

TEST(RetryCheck, AttemptsAreRequiredAndEveryStatementAppearsOnce) {
  const auto c = check(
      withRoute("    when path == \"/a\" => v1 { retry { on reset; } retry { attempts 1; } }\n"
                "    otherwise => v1;\n"
                "    retry { attempts 1; attempts 2; on reset; on 5xx; per_try_timeout 1s;\n"
                "            per_try_timeout 2s; backoff 1s; backoff 2s; budget 1%; budget 2%;\n"
                "            non_idempotent; non_idempotent; }\n"
                "    retry { attempts 1; }\n"));
  EXPECT_EQ(c.summary(),
            "6:31: error[E0415]: a retry block needs 'attempts N;': how many times a failed "
            "request is sent again, 0 to 10\n"
            "6:51: error[E0406]: a rule has one retry policy\n"
            "6:31: note: the first is here\n"
            "8:34: error[E0406]: duplicate 'attempts' statement\n"
            "8:22: note: first 'attempts' statement is here\n"
            "8:47: error[E0406]: duplicate 'on' statement\n"
            "8:37: note: first 'on' statement is here\n"
            "9:29: error[E0406]: duplicate 'per_try_timeout' statement\n"
            "8:71: note: first 'per_try_timeout' statement is here\n"
            "9:45: error[E0406]: duplicate 'backoff' statement\n"
            "9:33: note: first 'backoff' statement is here\n"
            "9:75: error[E0406]: duplicate 'budget' statement\n"
            "9:64: note: first 'budget' statement is here\n"
            "10:29: error[E0406]: duplicate 'non_idempotent' statement\n"
            "10:13: note: first 'non_idempotent' statement is here\n"
            "11:5: error[E0406]: duplicate route retry block\n"
            "8:5: note: first route retry block is here\n");
}

TEST(RetryCheck, OnlyARuleThatForwardsRetries) {
  const auto c = check(withRoute(
      "    when path == \"/old\" => redirect 301 { path \"/new\"; retry { attempts 1; } }\n"
      "    when path == \"/ping\" => respond 200 { retry { attempts 1; } }\n"
      "    otherwise => v1;\n"
      "    retry { attempts 2; }\n"));
  EXPECT_EQ(c.summary(),
            "6:56: error[E0409]: a retry policy does not fit a 'redirect' rule\n"
            "7:43: error[E0409]: a retry policy does not fit a 'respond' rule\n");
}

TEST(RetryCheck, ARouteRetryNoRuleUsesIsALint) {
  EXPECT_EQ(lintSummary(withRoute("    when path == \"/old\" => redirect 301 { path \"/new\"; }\n"
                                  "    otherwise => v1 { retry { attempts 0; } }\n"
                                  "    retry { attempts 2; }\n")),
            "8:5: warning[W0409]: route retry policy applies to no rule: every rule sets its own "
            "retry policy or answers without backends\n");
  EXPECT_EQ(lintSummary(withRoute("    otherwise => v1 { retry { attempts 1; } }\n"
                                  "    retry { attempts 2; }\n")),
            "7:5: warning[W0409]: route retry policy applies to no rule: every rule sets its own "
            "retry policy\n");
}

// The timeout bounds all attempts together: a try as long as all of them leaves no room.
TEST(RetryCheck, APerTryTimeoutNotShorterThanTheTimeoutIsALint) {
  EXPECT_EQ(
      lintSummary(withRoute("    when path == \"/a\" => v1 timeout 1s;\n"
                            "    when path == \"/b\" => v1 timeout 3s;\n"
                            "    when path == \"/c\" => v1 { retry { attempts 1; per_try_timeout "
                            "5s; } }\n"
                            "    when path == \"/d\" => v1 { retry { attempts 0; per_try_timeout "
                            "9s; } }\n"
                            "    otherwise => v1;\n"
                            "    timeout 2s;\n"
                            "    retry { attempts 2; per_try_timeout 2s; }\n")),
      "8:67: warning[W0408]: per-try timeout 5s is not shorter than the timeout 2s of the rule "
      "at line 8, which bounds all its attempts: no retry could ever start\n"
      "11:13: note: the timeout is here\n"
      "12:41: warning[W0408]: per-try timeout 2s is not shorter than the timeout 1s of the rule "
      "at line 6, which bounds all its attempts: no retry could ever start\n"
      "6:37: note: the timeout is here\n"
      "12:41: warning[W0408]: per-try timeout 2s is not shorter than the timeout 2s of the rule "
      "at line 10, which bounds all its attempts: no retry could ever start\n"
      "11:13: note: the timeout is here\n");
}

TEST(RetryCheck, ConditionsListedTwiceOrCoveredByAnotherAreALint) {
  EXPECT_EQ(lintSummary(withRoute(
                "    otherwise => v1;\n"
                "    retry { attempts 1; on reset, 5xx, 503, 429, 429, gateway_error, 409,\n"
                "            retriable_4xx, reset; }\n")),
            "7:28: warning[W0304]: 'reset' adds nothing: '5xx' already covers it\n"
            "7:40: warning[W0304]: status 503 adds nothing: '5xx' already covers it\n"
            "7:50: warning[W0304]: status 429 is listed twice\n"
            "7:45: note: first listed here\n"
            "7:55: warning[W0304]: 'gateway_error' adds nothing: '5xx' already covers it\n"
            "8:13: warning[W0304]: 'retriable_4xx' adds nothing: status 409 already covers it\n"
            "8:28: warning[W0304]: 'reset' is listed twice\n"
            "7:28: note: first listed here\n");
}

}  // namespace
}  // namespace meshc
