#include <gtest/gtest.h>

#include "ast/AstPrinter.h"
#include "compiler/PolicyFixture.h"

namespace meshc {
namespace {

using testing::kMeshHeader;
using testing::parseOnly;

TEST(Parser, BuildsServicesRoutesAndWorkloads) {
  const auto c = parseOnly(std::string(kMeshHeader) + R"(
service reviews {
  port 9080 http;
  subset v1 { endpoints ["127.0.0.1:1", "127.0.0.1:2"]; }
  subset v2 { endpoints []; }
  route {
    when header "End-User" == "jason" and method GET => v2 timeout 250ms;
    when path prefix "/r" => split { v1 12.5%, v2 87.5%, };
    otherwise => v1;
    timeout 2s;
  }
}
workload w { service reviews; version v1; calls reviews; }
)");
  ASSERT_TRUE(c.ok) << c.rendered();
  ASSERT_EQ(c.policy.services.size(), 1u);
  const ast::Service& s = c.policy.services[0];
  EXPECT_EQ(s.name.name, "reviews");
  EXPECT_EQ(s.ports.at(0).number, 9080u);
  ASSERT_EQ(s.subsets.size(), 2u);
  EXPECT_EQ(s.subsets[0].endpoints.size(), 2u);
  EXPECT_EQ(s.subsets[1].endpoints.size(), 0u);
  const ast::Route& route = s.routes.at(0);
  ASSERT_EQ(route.rules.size(), 3u);
  ASSERT_EQ(route.rules[0].groups.size(), 1u);
  EXPECT_EQ(route.rules[0].groups[0].conditions.size(), 2u);
  EXPECT_EQ(route.rules[0].timeout->milliseconds, 250u);
  const auto& split = std::get<ast::SplitTarget>(route.rules[1].target);
  EXPECT_EQ(split.entries[0].weight.basisPoints, 1250u);
  EXPECT_EQ(split.entries[1].weight.basisPoints, 8750u);
  EXPECT_TRUE(route.rules[2].otherwise);
  EXPECT_EQ(route.timeouts.at(0).milliseconds, 2000u);
  EXPECT_EQ(c.policy.workloads.at(0).calls.at(0).name, "reviews");
}

TEST(Parser, ConditionGroupsNegationsAndEveryTest) {
  const auto c = parseOnly(std::string(kMeshHeader) +
                           "service s { route {\n"
                           "  when (path prefix \"/a\" and not method GET) or query \"q\" absent\n"
                           "    or header \"h\" suffix \"z\" and path matches \"/b.*\" => v;\n"
                           "  when path starts_with \"/c\" and path suffix \".js\" and not not "
                           "query \"p\" == \"1\" => v;\n"
                           "} }\n");
  ASSERT_TRUE(c.ok) << c.rendered();
  const auto& rules = c.policy.services.at(0).routes.at(0).rules;
  ASSERT_EQ(rules.size(), 2u);
  ASSERT_EQ(rules[0].groups.size(), 3u);
  EXPECT_EQ(rules[0].groups[0].conditions.size(), 2u);
  EXPECT_TRUE(rules[0].groups[0].conditions[1].negated);
  EXPECT_EQ(std::get<ast::QueryMatch>(rules[0].groups[1].conditions.at(0).match).test,
            ast::StringTest::Absent);
  EXPECT_EQ(std::get<ast::PathMatch>(rules[0].groups[2].conditions.at(1).match).test,
            ast::StringTest::Matches);
  ASSERT_EQ(rules[1].groups.size(), 1u);
  const auto& last = rules[1].groups[0].conditions;
  EXPECT_EQ(std::get<ast::PathMatch>(last.at(0).match).test, ast::StringTest::StartsWith);
  EXPECT_EQ(std::get<ast::PathMatch>(last.at(1).match).test, ast::StringTest::Suffix);
  EXPECT_FALSE(last.at(2).negated);  // `not not` cancels out
}

TEST(Parser, RecordsLineAndColumn) {
  const auto c = parseOnly(std::string(kMeshHeader) + "service   svc { port 1; }\n");
  ASSERT_TRUE(c.ok);
  EXPECT_EQ(c.policy.services[0].name.loc.line, 2u);
  EXPECT_EQ(c.policy.services[0].name.loc.column, 11u);
}

TEST(Parser, DurationUnits) {
  const auto c = parseOnly(std::string(kMeshHeader) +
                           "service s { route { timeout 3m; timeout 1h; timeout 7ms; } }");
  ASSERT_TRUE(c.ok) << c.rendered();
  const auto& timeouts = c.policy.services[0].routes[0].timeouts;
  EXPECT_EQ(timeouts[0].milliseconds, 180000u);
  EXPECT_EQ(timeouts[1].milliseconds, 3600000u);
  EXPECT_EQ(timeouts[2].milliseconds, 7u);
}

TEST(Parser, StringEscapes) {
  const auto c = parseOnly(std::string(kMeshHeader) +
                           R"(service s { route { when header "a" == "q\"b\\c" => v; } })");
  ASSERT_TRUE(c.ok) << c.rendered();
  const auto& match =
      std::get<ast::HeaderMatch>(
          c.policy.services[0].routes[0].rules[0].groups[0].conditions[0].match);
  EXPECT_EQ(match.value.value, "q\"b\\c");
}

TEST(Parser, MtlsInTheMeshAndInAService) {
  const auto c = parseOnly(
      "mesh m { mtls strict; }\n"
      "service s { port 80; mtls permissive; mtls bogus; }\n");
  ASSERT_TRUE(c.ok) << c.rendered();
  ASSERT_EQ(c.policy.mesh->mtls.size(), 1u);
  EXPECT_EQ(c.policy.mesh->mtls[0].name, "strict");
  EXPECT_EQ(c.policy.mesh->mtls[0].loc.column, 15u);
  // Sema, not the parser, knows the modes and that a block holds one.
  const ast::Service& s = c.policy.services.at(0);
  ASSERT_EQ(s.mtls.size(), 2u);
  EXPECT_EQ(s.mtls[0].name, "permissive");
  EXPECT_EQ(s.mtls[1].name, "bogus");
  EXPECT_EQ(ast::print(c.policy),
            "Mesh m @1:1\n"
            "  Mtls strict @1:15\n"
            "Service s @2:1\n"
            "  Port 80 @2:13\n"
            "  Mtls permissive @2:27\n"
            "  Mtls bogus @2:44\n");
}

TEST(ParserErrors, MissingSemicolonPointsAfterTheStatement) {
  const auto c = parseOnly(std::string(kMeshHeader) + "service s {\n  port 9080\n}\n");
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.summary(), "3:12: error[E0102]: expected ';' or a name\n") << c.rendered();
}

TEST(ParserErrors, UnexpectedTokenListsWhatIsValid) {
  const auto c = parseOnly(std::string(kMeshHeader) + "service s { prot 80; }\n");
  EXPECT_EQ(c.summary(),
            "2:13: error[E0103]: unexpected 'prot'; expected one of 'port', 'subset', 'route', "
            "'hosts', 'namespace', 'experiment', 'cors', 'mtls' or '}'\n");
}

// A keyword added to the language must never break a policy that uses the word as a name.
TEST(Parser, EveryKeywordIsAlsoAValidName) {
  const std::vector<std::string> words = ast::keywords();
  ASSERT_GE(words.size(), 28u);  // guards against the list coming back empty
  for (const std::string& word : words) {
    SCOPED_TRACE(word);
    // A service, a subset, a workload, a split target, a mirror and a test all named after the
    // keyword.
    const std::string policy =
        "mesh " + word + " { trust_domain \"m.local\"; }\n" + "service " + word +
        " {\n  port 80;\n  subset " + word +
        " { endpoints []; }\n  subset other { endpoints []; }\n" +
        "  route {\n    when method GET => " + word + " { mirror " + word + ".other 50%; }\n" +
        "    otherwise => split { " + word +
        " 50%, other 50% };\n  }\n}\n" + "workload " + word + " { service " + word + "; version " +
        word + "; calls " + word + "; }\n" + "test \"t\" {\n  from " + word +
        " request GET \"http://" + word + "/\";\n  expect routed " + word + "." + word +
        ";\n  expect mirrored " + word + ".other 50%;\n}\n";
    const auto c = testing::check(policy);
    ASSERT_TRUE(c.ok) << c.rendered() << policy;
    EXPECT_EQ(c.policy.mesh->name.name, word);
    EXPECT_EQ(c.policy.services.at(0).name.name, word);
    EXPECT_EQ(c.policy.services.at(0).subsets.at(0).name.name, word);
    EXPECT_EQ(std::get<ast::SubsetTarget>(c.policy.services[0].routes.at(0).rules.at(0).target)
                  .subset.name,
              word);
    EXPECT_EQ(std::get<ast::MirrorSetting>(
                  c.policy.services[0].routes[0].rules[0].settings.at(0)).target.service.name,
              word);
    EXPECT_EQ(c.policy.workloads.at(0).name.name, word);
    EXPECT_EQ(c.policy.workloads.at(0).calls.at(0).name, word);
    EXPECT_EQ(c.policy.tests.at(0).requests.at(0).from.name, word);
  }
}

TEST(ParserErrors, ReportsEveryErrorInOneRun) {
  const auto c = parseOnly(std::string(kMeshHeader) +
                           "service a { port 1 }\n"
                           "service b { port; }\n"
                           "workload w { calls ; }\n");
  EXPECT_EQ(c.diagnostics.errorCount(), 3u) << c.rendered();
}

TEST(ParserErrors, StrayCharacterAndUnterminatedString) {
  auto c = parseOnly(std::string(kMeshHeader) + "service s @ { }\n");
  EXPECT_EQ(c.summary(), "2:11: error[E0103]: unexpected character '@'; expected '{'\n");
  c = parseOnly(std::string(kMeshHeader) + "service s { subset v { endpoints [\"abc ]; } }\n");
  EXPECT_NE(c.summary().find("2:35: error[E0104]: unexpected unterminated string \"abc ]; } }"),
            std::string::npos)
      << c.summary();
}

TEST(ParserErrors, UnterminatedBlockCommentIsReportedAtItsStart) {
  const auto c = parseOnly(std::string(kMeshHeader) +
                           "service s { port 1; }\n  /* to do\n"
                           "service t { port 2; }\n");
  EXPECT_EQ(c.summary(),
            "3:3: error[E0105]: unterminated block comment; a '/*' comment ends with '*/'\n");
  EXPECT_TRUE(parseOnly(std::string(kMeshHeader) + "/* a **/ /***/ service s { }").ok);
}

TEST(ParserErrors, UnterminatedStringAtALineStartIsReportedWhereItIs) {
  const auto c =
      parseOnly(std::string(kMeshHeader) + "service s { subset v { endpoints [\n  \"abc ]; } }\n");
  EXPECT_EQ(c.summary(),
            "3:3: error[E0104]: unexpected unterminated string \"abc ]; } }; expected ']' or a "
            "string\n");
}

TEST(ParserErrors, MalformedDurationSaysWhatADurationIs) {
  const std::string expected =
      "' is not a duration; a duration is an integer followed by ms, s, m or h (e.g. 500ms, 2s)\n";
  auto c = parseOnly(std::string(kMeshHeader) + "service s { route { timeout 1sec; } }\n");
  EXPECT_EQ(c.summary(), "2:29: error[E0106]: '1sec" + expected);
  c = parseOnly(std::string(kMeshHeader) +
                "service s { route { otherwise => v timeout 1.5s; } }\n");
  EXPECT_EQ(c.summary(), "2:44: error[E0106]: '1.5s" + expected);
}

TEST(ParserErrors, AssignmentAndNotEqualsInConditions) {
  auto c = parseOnly(std::string(kMeshHeader) +
                     "service s { route { when header \"a\" = \"b\" => v; } }\n");
  EXPECT_EQ(c.summary(), "2:37: error[E0107]: unexpected '='; did you mean '=='?\n");
  c = parseOnly(std::string(kMeshHeader) + "service s { route { when path != \"/b\" => v; } }\n");
  EXPECT_EQ(c.summary(),
            "2:31: error[E0107]: '!=' is not supported; negate the whole condition instead, as in "
            "'not path == \"/health\"'\n");
  EXPECT_EQ(c.rendered().substr(c.rendered().find("\n  ", c.rendered().find("\n  ") + 1)),
            "\n                                ^~\n");
  // Elsewhere '=' gets no comparison advice.
  c = parseOnly(std::string(kMeshHeader) + "service s { port = 80; }\n");
  EXPECT_EQ(c.summary(), "2:18: error[E0103]: unexpected '='; expected an integer\n");
}

TEST(ParserErrors, UnknownWordAtTheStartOfALinePointsAtIt) {
  auto c = parseOnly(std::string(kMeshHeader) + "service s {\n  port 1;\n  weight 5;\n}\n");
  EXPECT_EQ(c.summary(),
            "4:3: error[E0103]: unexpected 'weight'; expected one of 'port', 'subset', 'route', "
            "'hosts', 'namespace', 'experiment', 'cors', 'mtls' or '}'\n");
  c = parseOnly(std::string(kMeshHeader) + "service s {\n  weight 5;\n}\n");
  EXPECT_EQ(c.summary(),
            "3:3: error[E0103]: unexpected 'weight'; expected one of 'port', 'subset', 'route', "
            "'hosts', 'namespace', 'experiment', 'cors', 'mtls' or '}'\n");
}

// Words for features the language does not have yet name the feature, not a token list.
TEST(ParserErrors, PlannedFeaturesAreNamedAsNotYetSupported) {
  auto c = parseOnly(std::string(kMeshHeader) +
                     "service s { route { otherwise => v; circuit_breaker 3; } }\n");
  EXPECT_EQ(c.summary(),
            "2:37: error[E0108]: 'circuit_breaker' is not supported yet: circuit breakers are "
            "planned; see docs/language.md for what a policy can say today\n");
  c = parseOnly(std::string(kMeshHeader) +
                "service s { route { when path == \"/a\" => v fault \"/b\"; } }\n");
  EXPECT_EQ(c.summary(),
            "2:44: error[E0108]: 'fault' is not supported yet: fault injection rules are planned; "
            "see docs/language.md for what a policy can say today\n");
  c = parseOnly("import \"common.mesh\";\n" + std::string(kMeshHeader));
  EXPECT_EQ(c.summary(),
            "1:1: error[E0108]: 'import' is not supported yet: imports are planned; see "
            "docs/language.md for what a policy can say today\n");
  // mTLS settings exist now: out of place, `mtls` is an unexpected word like any other.
  c = parseOnly(std::string(kMeshHeader) + "workload w { service s; version v; mtls strict; }\n");
  EXPECT_EQ(c.summary(),
            "2:36: error[E0103]: unexpected 'mtls'; expected one of 'service', 'version', 'calls', "
            "'label', 'service_account' or '}'\n");
  // As names they are fine: keywords and planned words alike are contextual.
  EXPECT_TRUE(testing::check(std::string(kMeshHeader) +
                             "service mirror { port 1; subset fault { endpoints []; } }\n")
                  .ok);
}

TEST(ParserErrors, UnknownEscape) {
  const auto c = parseOnly(std::string(kMeshHeader) +
                           R"(service s { route { when path == "/a\qb" => v; } })");
  EXPECT_EQ(
      c.summary(),
      "2:37: error[E0301]: unknown escape sequence '\\q'; valid escapes are \\\", \\\\, \\n and "
      "\\t\n");
}

TEST(ParserErrors, PercentWithThreeDecimals) {
  const auto c = parseOnly(std::string(kMeshHeader) +
                           "service s { route { otherwise => split { a 33.333% }; } }");
  EXPECT_NE(c.summary().find("more than two decimal places"), std::string::npos);
}

TEST(ParserErrors, RendersSourceLineWithCaret) {
  const auto c = parseOnly("mesh m {}\nservice s { port x; }\n");
  EXPECT_EQ(c.rendered(),
            "test.mesh:2:18: error[E0103]: unexpected 'x'; expected an integer\n"
            "  service s { port x; }\n"
            "                   ^\n");
}

TEST(ParserErrors, InvalidUtf8IsReportedWithItsPosition) {
  const auto c = parseOnly("mesh m {}\nservice s\xff { }\n");
  EXPECT_EQ(c.summary(),
            "2:10: error[E0101]: invalid UTF-8 byte 0xff; policy files are UTF-8 text\n");
}

TEST(ParserErrors, GarbageInputsGetLocatedErrorsNotCrashes) {
  for (const char* text : {"}", "{{{{", "\"", "mesh", "mesh m { trust_domain", "\x01\xff",
                           "service s { route { when => ; } }", "workload w { calls a,,b; }"}) {
    const auto c = parseOnly(text);
    EXPECT_FALSE(c.ok) << text;
    EXPECT_FALSE(c.hasTree) << text;
    for (const Diagnostic& d : c.diagnostics.all()) EXPECT_GT(d.loc.line, 0u) << text;
  }
  EXPECT_TRUE(parseOnly("").ok);  // an empty file is syntactically fine; sema wants a header
}

TEST(NormalizedSource, IgnoresLayoutAndComments) {
  const SourceFile a("a.mesh", "mesh m {}  # comment\nservice s { port 1; }\n");
  const SourceFile b("b.mesh", "mesh   m\n{ } /* block */ service s {port 1;}");
  EXPECT_EQ(ast::normalizedSource(a), ast::normalizedSource(b));
  EXPECT_EQ(ast::normalizedSource(a), "mesh m { } service s { port 1 ; }");
}

TEST(Parser, ExpectationsOfWhatARuleDoesToTheRequest) {
  const auto c = parseOnly(
      "test \"t\" {\n"
      "  expect redirect \"https://e/x\";\n"
      "  expect upstream path \"/v2?q=1\";\n"
      "  expect upstream host \"api\";\n"
      "  expect upstream header \"x-env\" = \"canary\";\n"
      "  expect response header \"x-debug\" absent;\n"
      "}\n");
  ASSERT_TRUE(c.ok) << c.rendered();
  const std::vector<ast::Expectation>& e = c.policy.tests.at(0).expectations;
  ASSERT_EQ(e.size(), 5u);
  EXPECT_EQ(std::get<ast::ExpectRedirect>(e[0].kind).location.value, "https://e/x");
  EXPECT_EQ(std::get<ast::ExpectUpstreamPath>(e[1].kind).target.value, "/v2?q=1");
  EXPECT_EQ(std::get<ast::ExpectUpstreamHost>(e[2].kind).host.value, "api");
  const auto& upstream = std::get<ast::ExpectHeader>(e[3].kind);
  EXPECT_EQ(upstream.side, ast::ExpectHeader::Side::kUpstream);
  EXPECT_EQ(upstream.name.value, "x-env");
  ASSERT_TRUE(upstream.value.has_value());
  EXPECT_EQ(upstream.value->value, "canary");
  const auto& response = std::get<ast::ExpectHeader>(e[4].kind);
  EXPECT_EQ(response.side, ast::ExpectHeader::Side::kResponse);
  EXPECT_FALSE(response.value.has_value());
  EXPECT_EQ(ast::print(c.policy),
            "Test \"t\" @1:1\n"
            "  ExpectRedirect \"https://e/x\" @2:3\n"
            "  ExpectUpstreamPath \"/v2?q=1\" @3:3\n"
            "  ExpectUpstreamHost \"api\" @4:3\n"
            "  ExpectUpstreamHeader \"x-env\" \"canary\" @5:3\n"
            "  ExpectResponseHeader \"x-debug\" absent @6:3\n");
}

// Every statement of a retry block is kept, repeats included, for sema to judge.
TEST(Parser, RetryBlocksOnARouteAndInARule) {
  const auto c = parseOnly(
      "service s { route {\n"
      "  when path prefix \"/a\" => v { timeout 2s; retry { attempts 0; } }\n"
      "  otherwise => v;\n"
      "  retry {\n"
      "    attempts 3; on 5xx, reset, 429, gateway_error; per_try_timeout 500ms;\n"
      "    backoff 10ms max 1s; budget 12.5%; non_idempotent; backoff 1ms;\n"
      "  }\n"
      "} }\n"
      "test \"t\" { expect retries 3; }\n");
  ASSERT_TRUE(c.ok) << c.rendered();
  const ast::Route& route = c.policy.services.at(0).routes.at(0);
  ASSERT_EQ(route.retries.size(), 1u);
  const ast::RetrySetting& retry = route.retries[0];
  ASSERT_EQ(retry.attempts.size(), 1u);
  EXPECT_EQ(retry.attempts[0].count, 3u);
  ASSERT_EQ(retry.on.size(), 1u);
  const std::vector<ast::RetryCondition>& on = retry.on[0].conditions;
  ASSERT_EQ(on.size(), 4u);
  EXPECT_EQ(on[0].text, "5xx");
  EXPECT_FALSE(on[0].status.has_value());
  EXPECT_EQ(on[2].status, 429u);
  EXPECT_EQ(ast::retryReasonNamed(on[3].text), ast::RetryReason::GatewayError);
  EXPECT_EQ(retry.perTryTimeouts.at(0).milliseconds, 500u);
  ASSERT_EQ(retry.backoffs.size(), 2u);
  EXPECT_EQ(retry.backoffs[0].max->milliseconds, 1000u);
  EXPECT_FALSE(retry.backoffs[1].max.has_value());
  EXPECT_EQ(retry.budgets.at(0).basisPoints, 1250u);
  EXPECT_EQ(retry.nonIdempotent.size(), 1u);
  const auto& own = std::get<ast::RetrySetting>(route.rules.at(0).settings.at(1));
  EXPECT_EQ(own.attempts.at(0).count, 0u);
  EXPECT_EQ(ast::print(c.policy),
            "Service s @1:1\n"
            "  Route @1:13\n"
            "    Retry @4:3\n"
            "      Attempts 3 @5:14\n"
            "      On 5xx reset 429 gateway_error @5:17\n"
            "      PerTryTimeout 500ms @5:68\n"
            "      Backoff 10ms max 1000ms @6:5\n"
            "      Backoff 1ms @6:56\n"
            "      Budget 12.5% @6:33\n"
            "      NonIdempotent @6:40\n"
            "    When @2:3\n"
            "      Group @2:8\n"
            "        Path Prefix \"/a\" @2:8\n"
            "      Target v @2:28\n"
            "      Timeout 2000ms @2:40\n"
            "      Retry @2:44\n"
            "        Attempts 0 @2:61\n"
            "    Otherwise @3:3\n"
            "      Target v @3:16\n"
            "Test \"t\" @9:1\n"
            "  ExpectRetries 3 @9:12\n");
}

// `5xx` is its own token; digits with other letters stay durations or malformed durations.
TEST(Parser, StatusClassesLexApartFromDurationsAndIntegers) {
  auto c = parseOnly(std::string(kMeshHeader) +
                     "service s { port 5; route { otherwise => v timeout 5m;\n"
                     "  retry { attempts 5; on 5xx, 4xx, 500; } } }\n");
  ASSERT_TRUE(c.ok) << c.rendered();
  const ast::Route& route = c.policy.services.at(0).routes.at(0);
  EXPECT_EQ(route.rules.at(0).timeout->milliseconds, 300000u);
  const std::vector<ast::RetryCondition>& on = route.retries.at(0).on.at(0).conditions;
  EXPECT_EQ(on.at(1).text, "4xx");  // sema refuses it, with a reason
  EXPECT_EQ(on.at(2).status, 500u);
  const std::string expected =
      "' is not a duration; a duration is an integer followed by ms, s, m or h (e.g. 500ms, 2s)\n";
  c = parseOnly(std::string(kMeshHeader) + "service s { route { timeout 5xx; } }\n");
  EXPECT_EQ(c.summary(), "2:29: error[E0106]: '5xx" + expected);
  c = parseOnly(std::string(kMeshHeader) + "service s { route { retry { on 5xxx; } } }\n");
  EXPECT_EQ(c.summary(),
            "2:32: error[E0103]: unexpected '5xxx'; expected one of '5xx', an integer or a name\n");
}

TEST(AstPrinter, PrintsNodesWithPositions) {
  const auto c = parseOnly("mesh m {}\nservice s { port 80 http; }\n");
  ASSERT_TRUE(c.ok);
  EXPECT_EQ(ast::print(c.policy), "Mesh m @1:1\nService s @2:1\n  Port 80 http @2:13\n");
}

}  // namespace
}  // namespace meshc
