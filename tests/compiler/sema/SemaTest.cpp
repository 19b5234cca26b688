#include <gtest/gtest.h>

#include "compiler/PolicyFixture.h"

namespace meshc {
namespace {

using testing::check;
using testing::kMeshHeader;

// A service with three subsets whose route body the test supplies.
std::string withRoute(const std::string& rules) {
  return std::string(kMeshHeader) +
         "service r {\n"
         "  port 80;\n"
         "  subset v1 { endpoints [\"127.0.0.1:1\"]; }\n"
         "  subset v2 { endpoints [\"127.0.0.1:2\"]; }\n"
         "  subset v3 { endpoints [\"127.0.0.1:3\"]; }\n"
         "  route {\n" +
         rules +
         "  }\n"
         "}\n";
}

TEST(Sema, AcceptsTheBookinfoExample) {
  const auto c = check(withRoute("    when header \"end-user\" == \"jason\" => v2;\n"
                                 "    when path prefix \"/reviews\" => split { v1 90%, v3 10% };\n"
                                 "    otherwise => v1;\n"));
  EXPECT_TRUE(c.ok) << c.rendered();
}

TEST(Sema, MissingMeshHeader) {
  const auto c = check("service s { port 1; subset a {} }");
  EXPECT_EQ(c.summary(),
            "1:1: error[E0401]: missing mesh header; a policy starts with e.g. 'mesh shop { "
            "trust_domain \"shop.local\"; }'\n");
}

TEST(Sema, UnknownSubsetSuggestsTheClosestName) {
  const auto c = check(withRoute("    otherwise => v4;\n"));
  EXPECT_EQ(c.summary(),
            "8:18: error[E0202]: unknown subset 'v4' of service 'r'; did you mean 'v1'?\n");
}

TEST(Sema, UnknownServiceListsKnownOnes) {
  const auto c = check(std::string(kMeshHeader) +
                       "service r { port 80; subset v1 {} }\n"
                       "workload w { service r; version v1; calls zzzzzz; }\n");
  EXPECT_EQ(c.summary(), "3:43: error[E0201]: unknown service 'zzzzzz'; known services: r\n");
}

TEST(Sema, UnknownWorkloadVersion) {
  const auto c = check(std::string(kMeshHeader) +
                       "service r { port 80; subset v1 {} }\n"
                       "workload w { service r; version v9; }\n");
  EXPECT_EQ(c.summary(),
            "3:33: error[E0202]: unknown subset 'v9' of service 'r'; did you mean 'v1'?\n");
}

TEST(Sema, Duplicates) {
  const auto c = check(std::string(kMeshHeader) +
                       "service r { port 80; subset v1 {} subset v1 {} }\n"
                       "service r { port 81; subset v1 {} }\n");
  EXPECT_EQ(c.summary(),
            "2:42: error[E0204]: duplicate subset in service 'r' 'v1'\n"
            "2:29: note: first declared here\n"
            "3:9: error[E0203]: duplicate service 'r'\n"
            "2:9: note: first declared here\n");
}

TEST(Sema, SplitWeightsMustTotal100) {
  const auto c = check(withRoute("    otherwise => split { v1 90%, v3 5.5% };\n"));
  EXPECT_EQ(c.summary(),
            "8:18: error[E0316]: split weights total 95.5%; they must total exactly 100%\n");
}

TEST(Sema, SplitTargetRepeated) {
  const auto c = check(withRoute("    otherwise => split { v1 50%, v1 50% };\n"));
  EXPECT_EQ(c.summary(),
            "8:34: error[E0205]: duplicate split target 'v1'\n8:26: note: first declared here\n");
}

TEST(Sema, RuleShadowedByBroaderPrefix) {
  const auto c = check(withRoute("    when path prefix \"/api\" => v1;\n"
                                 "    when path prefix \"/api/v2\" and method GET => v2;\n"));
  EXPECT_EQ(c.summary(),
            "9:5: error[E0503]: rule can never match: every request it matches is taken by an "
            "earlier rule (rules are tried in order)\n"
            "8:5: note: the earlier rule is here\n");
}

TEST(Sema, RuleAfterOtherwise) {
  const auto c = check(withRoute("    otherwise => v1;\n    when method GET => v2;\n"));
  EXPECT_EQ(
      c.summary(),
      "9:5: error[E0502]: rule can never match: it comes after 'otherwise', which matches every "
      "request\n"
      "8:5: note: the earlier rule is here\n");
}

TEST(Sema, NarrowBeforeBroadIsFine) {
  const auto c = check(withRoute("    when path prefix \"/api/v2\" => v2;\n"
                                 "    when path prefix \"/api\" => v1;\n"
                                 "    when header \"x\" == \"1\" => v1;\n"
                                 "    when header \"x\" present and method POST => v3;\n"
                                 "    when header \"X\" prefix \"1\" => v3;\n"));
  EXPECT_TRUE(c.ok) << c.rendered();
}

TEST(Sema, HeaderNamesAreCaseInsensitiveForShadowing) {
  const auto c = check(withRoute("    when header \"End-User\" present => v1;\n"
                                 "    when header \"end-user\" == \"jason\" => v2;\n"));
  EXPECT_NE(c.summary().find("9:5: error[E0503]: rule can never match"), std::string::npos);
}

TEST(Sema, ContradictoryConditions) {
  const auto c = check(withRoute("    when path == \"/a\" and path prefix \"/b\" => v1;\n"));
  EXPECT_EQ(c.summary(),
            "8:27: error[E0501]: rule can never match: 'path prefix \"/b\"' contradicts 'path == "
            "\"/a\"'\n"
            "8:10: note: the contradicting condition is here\n");
}

TEST(Sema, SegmentPrefixesAndBytePrefixesShadowOnlyWhatTheyCover) {
  // "/v2" as segments does not cover "/v2x"; as bytes it covers "/v2/x".
  auto c =
      check(withRoute("    when path prefix \"/v2\" => v1;\n"
                      "    when path starts_with \"/v2x\" => v2;\n"
                      "    when path prefix \"/v2/\" => v3;\n"));
  EXPECT_EQ(c.summary(),
            "10:5: error[E0503]: rule can never match: every request it matches is taken by an "
            "earlier rule (rules are tried in order)\n"
            "8:5: note: the earlier rule is here\n");
  c =
      check(withRoute("    when path starts_with \"/v2\" => v1;\n"
                      "    when path prefix \"/v2/x\" => v2;\n"));
  EXPECT_NE(c.summary().find("9:5: error[E0503]"), std::string::npos) << c.summary();
  c = check(withRoute("    when path prefix \"/v2\" and path starts_with \"/v2x\" => v1;\n"));
  EXPECT_NE(c.summary().find("error[E0501]: rule can never match"), std::string::npos)
      << c.summary();
}

TEST(Sema, RegexesSuffixesAndNegationsInReachability) {
  auto c =
      check(withRoute("    when path == \"/a.png\" and path matches \"/[0-9]+\\\\.png\" => v1;\n"));
  EXPECT_NE(c.summary().find("error[E0501]"), std::string::npos) << c.summary();
  c = check(withRoute("    when header \"x\" absent and header \"x\" suffix \"a\" => v1;\n"));
  EXPECT_NE(c.summary().find("error[E0501]"), std::string::npos) << c.summary();
  c =
      check(withRoute("    when not path prefix \"/a\" => v1;\n"
                      "    when not path prefix \"/a/b\" => v2;\n"
                      "    when path suffix \".js\" => v3;\n"
                      "    when path suffix \"/app.js\" => v1;\n"));
  EXPECT_EQ(c.summary(),
            "11:5: error[E0503]: rule can never match: every request it matches is taken by an "
            "earlier rule (rules are tried in order)\n"
            "10:5: note: the earlier rule is here\n");
  // An empty suffix holds for every path: it shadows the rules after it like `otherwise`.
  c = check(withRoute("    when path suffix \"\" => v1;\n"
                      "    when method GET => v2;\n"));
  EXPECT_NE(c.summary().find("9:5: error[E0503]"), std::string::npos) << c.summary();
  // Two regexes may overlap: nothing is reported.
  c =
      check(withRoute("    when path matches \"/a.*\" => v1;\n"
                      "    when path matches \"/ab.*\" => v2;\n"));
  EXPECT_TRUE(c.ok) << c.rendered();
}

TEST(Sema, GroupsAreShadowedOneByOne) {
  auto c =
      check(withRoute("    when method GET => v1;\n"
                      "    when method GET or header \"x\" present => v2;\n"
                      "    when (method GET and path == \"/a\") or method GET => v3;\n"));
  EXPECT_EQ(c.summary(),
            "9:10: error[E0503]: this group of conditions can never match: every request it "
            "matches is taken by an earlier rule (rules are tried in order)\n"
            "8:5: note: the earlier rule is here\n"
            "10:5: error[E0503]: rule can never match: every request it matches is taken by an "
            "earlier rule (rules are tried in order)\n"
            "8:5: note: the earlier rule is here\n");
  c =
      check(withRoute("    when header \"x\" present or (header \"x\" == \"1\" and method GET) "
                      "=> v2;\n"));
  EXPECT_NE(c.summary().find("warning[W0501]: this group of conditions is redundant"),
            std::string::npos)
      << c.summary();
}

TEST(Sema, InvalidRegexAndEmptyQueryName) {
  const auto c =
      check(withRoute("    when path matches \"/(a+\" => v1;\n"
                      "    when query \"\" present => v2;\n"));
  EXPECT_EQ(c.summary(),
            "8:23: error[E0317]: invalid regex \"/(a+\": missing ): /(a+ (RE2 syntax: no "
            "backreferences or lookaround)\n"
            "9:16: error[E0318]: query parameter name is empty; name the parameter, as in query "
            "\"version\" == \"2\"\n");
}

TEST(Sema, PathSettingsOfTheMesh) {
  auto c = check("mesh m { merge_slashes; encoded_slashes decode; }\n");
  EXPECT_TRUE(c.ok) << c.rendered();
  c = check("mesh m { merge_slashes; merge_slashes; encoded_slashes drop; }\n");
  EXPECT_EQ(c.summary(),
            "1:25: error[E0406]: duplicate merge_slashes\n"
            "1:10: note: first merge_slashes is here\n"
            "1:56: error[E0408]: unknown encoded_slashes action 'drop'; it is one of keep, "
            "decode or reject\n");
}

TEST(Sema, MtlsModes) {
  auto c = check(
      "mesh m { mtls strict; }\n"
      "service a { port 80; subset v1 {} mtls permissive; }\n"
      "service b { port 80; subset v1 {} mtls disable; }\n"
      "workload w { service a; version v1; calls b; }\n");
  EXPECT_TRUE(c.ok) << c.rendered();
  c = check(
      "mesh m { mtls strict; mtls Strict; }\n"
      "service a { port 80; subset v1 {} mtls permissive; mtls required; }\n"
      "workload w { service a; version v1; }\n");
  EXPECT_EQ(c.summary(),
            "1:28: error[E0406]: duplicate mtls\n"
            "1:15: note: first mtls is here\n"
            "1:28: error[E0414]: unknown mtls mode 'Strict'; it is one of strict, permissive or "
            "disable\n"
            "2:57: error[E0406]: duplicate mtls\n"
            "2:40: note: first mtls is here\n"
            "2:57: error[E0414]: unknown mtls mode 'required'; it is one of strict, permissive or "
            "disable\n");
}

TEST(Sema, RuleSettingsFitTheirOutcome) {
  auto c = check(withRoute(
      "    when path == \"/old\" => redirect 301 { path \"/new\"; scheme https; port 8443; "
      "host \"www.example.com\"; response header set \"x\" = \"1\"; }\n"
      "    when path prefix \"/docs/\" => redirect 302 { prefix \"/manual\"; }\n"
      "    when path == \"/healthz\" => respond 200 \"ok\";\n"
      "    when path prefix \"/api\" => v1 { timeout 2s; rewrite prefix \"/\"; rewrite host "
      "\"api.internal\"; request header set \"x-a\" = \"1\"; request header remove \"x-c\"; "
      "response header add \"x-d\" = \"2\"; }\n"
      "    otherwise => v2;\n"));
  EXPECT_TRUE(c.ok) << c.rendered();
  c = check(withRoute(
      "    when path == \"/a\" => redirect 200 { path \"b\"; scheme ftp; timeout 1s; }\n"
      "    when path == \"/b\" => respond 700;\n"
      "    when path == \"/c\" => v1 { path \"/x\"; rewrite prefix \"/y\"; request header set "
      "\"Host\" = \"h\"; rewrite host \"bad_host\"; timeout 1s; timeout 2s; }\n"
      "    when path == \"/d\" => respond 200 \"x\" timeout 1s;\n"));
  EXPECT_EQ(c.summary(),
            "8:26: error[E0319]: a redirect's status is 301, 302, 303, 307 or 308, not 200\n"
            "8:41: error[E0308]: path \"b\" must start with '/'\n"
            "8:51: error[E0320]: a redirect's scheme is http or https, not 'ftp'\n"
            "8:71: error[E0409]: a timeout does not fit a 'redirect' rule\n"
            "9:26: error[E0319]: a direct response's status is 200-599, not 700\n"
            "10:31: error[E0409]: a redirect's path does not fit a rule that forwards to "
            "backends\n"
            "10:42: error[E0410]: a prefix replacement replaces the path prefix the rule matched: "
            "every group of the rule needs exactly one 'path prefix' condition, the same in each\n"
            "10:82: error[E0322]: the sidecar manages \"host\" itself; a rule cannot edit it (use "
            "'rewrite host')\n"
            "10:109: error[E0321]: host \"bad_host\" is not a DNS name (letters, digits and '-' in "
            "dot-separated labels)\n"
            "10:141: error[E0406]: a rule has one timeout\n"
            "10:129: note: the first is here\n"
            "11:50: error[E0409]: a timeout does not fit a 'respond' rule\n");
  c = check(withRoute("    when path == \"/a\" => respond 204 \"x\";\n"
                      "    when path == \"/b\" => v1 { rewrite path \"/caf\xc3\xa9\"; }\n"));
  EXPECT_EQ(c.summary(),
            "8:38: error[E0319]: a 204 response has no body (RFC 9110); drop the body or pick "
            "another status\n"
            "9:44: error[E0307]: path \"/caf\xc3\xa9\" holds a space, a control or non-ASCII "
            "character, '?' or '#'; a new path is a path only, percent-encoded (e.g. %C3%A9 for "
            "\xc3\xa9)\n");
}

TEST(Sema, Literals) {
  const auto c = check(std::string(kMeshHeader) +
                       "service r {\n"
                       "  port 70000 tcp;\n"
                       "  subset v1 { endpoints [\"localhost\", \"h:0\", \"bad host:1\", \"[::1]:8\"]; }\n"
                       "  route { when path == \"x\" and method get => v1 timeout 0s; }\n"
                       "}\n");
  EXPECT_EQ(
      c.summary(),
      "3:3: error[E0304]: port 70000 is out of range; ports are 1-65535\n"
      "3:14: error[E0305]: unsupported protocol 'tcp'; this version supports: http\n"
      "4:26: error[E0306]: endpoint \"localhost\" is missing ':PORT'; expected \"HOST:PORT\"\n"
      "4:39: error[E0306]: endpoint \"h:0\" has an invalid port; ports are 1-65535; expected "
      "\"HOST:PORT\"\n"
      "4:46: error[E0306]: endpoint \"bad host:1\" has a malformed host; expected \"HOST:PORT\"\n"
      "5:24: error[E0308]: path \"x\" must start with '/'\n"
      "5:39: error[E0310]: HTTP methods are case-sensitive and 'get' would not match clients' "
      "'GET'; did you mean 'GET'?\n"
      "5:57: error[E0313]: timeout must be positive; omit it for no timeout\n");
}

TEST(Sema, CalledServiceWithSeveralSubsetsNeedsARoute) {
  const auto c = check(std::string(kMeshHeader) +
                       "service r { port 80; subset v1 {} subset v2 {} }\n"
                       "workload w { service r; version v1; calls r; }\n");
  EXPECT_EQ(
      c.summary(),
      "3:43: error[E0407]: workload 'w' calls service 'r', which has 2 subsets but no route to "
      "choose among them\n"
      "2:9: note: add a 'route { ... }' block to this service\n");
}

TEST(Sema, StructuralRequirements) {
  const auto c = check(std::string(kMeshHeader) +
                       "service r { }\n"
                       "workload w { }\n");
  EXPECT_EQ(c.summary(),
            "2:9: error[E0402]: service 'r' has no port; add e.g. 'port 9080 http;'\n"
            "2:9: error[E0403]: service 'r' has no subset; declare at least one, e.g. 'subset v1 { "
            "endpoints [\"127.0.0.1:9080\"]; }'\n"
            "3:10: error[E0404]: workload 'w' does not say which service it runs; add 'service "
            "NAME;'\n"
            "3:10: error[E0405]: workload 'w' does not say which version (subset) it runs; add "
            "'version NAME;'\n");
}

TEST(Sema, TimeoutsAreBoundedSoDeadlinesCannotOverflow) {
  const auto c = check(withRoute("    otherwise => v1 timeout 4000000h;\n    timeout 25h;\n"));
  EXPECT_EQ(c.summary(),
            "8:29: error[E0314]: timeout 4000000h is longer than the maximum of 24h; omit it for "
            "no timeout\n"
            "9:13: warning[W0401]: route timeout 25h applies to no rule: every rule sets its own "
            "timeout\n"
            "9:13: error[E0314]: timeout 25h is longer than the maximum of 24h; omit it for no "
            "timeout\n");
  EXPECT_TRUE(check(withRoute("    otherwise => v1 timeout 24h;\n")).ok);
  // In a rule's block as much as in the short form.
  EXPECT_EQ(check(withRoute("    when path == \"/a\" => v1 { timeout 0s; }\n"
                            "    otherwise => v1 { timeout 25h; }\n"))
                .summary(),
            "8:39: error[E0313]: timeout must be positive; omit it for no timeout\n"
            "9:31: error[E0314]: timeout 25h is longer than the maximum of 24h; omit it for no "
            "timeout\n");
}

TEST(Sema, OverlargeLiteralsAreReportedOnce) {
  const auto c = check(std::string(kMeshHeader) +
                       "service r { port 99999999999; subset v1 {} subset v2 {}\n"
                       "  route { otherwise => split { v1 900%, v2 10% } timeout 99999999999s; } }\n");
  EXPECT_EQ(c.summary(),
            "2:18: error[E0302]: port '99999999999' is too large\n"
            "3:35: error[E0302]: percentage '900%' is too large\n"
            "3:58: error[E0302]: duration '99999999999s' is too large\n");
}

TEST(Sema, ServiceNamesMustBeLowerCase) {
  const auto c = check(std::string(kMeshHeader) + "service Reviews { port 80; subset v1 {} }\n");
  EXPECT_EQ(
      c.summary(),
      "2:9: error[E0315]: service name 'Reviews' must be lower-case: it is matched against the "
      "request's host, which is case-insensitive; did you mean 'reviews'?\n");
}

TEST(Sema, ConditionsThatNoRequestCanSatisfy) {
  const auto c = check(withRoute("    when header \"x\" == \"a\\nb\" => v1;\n"
                                 "    when path prefix \"/a b\" => v2;\n"));
  EXPECT_EQ(
      c.summary(),
      "8:24: error[E0311]: header value contains a control character (such as a newline), which "
      "a request header never does: this condition could never match\n"
      "9:22: error[E0307]: path \"/a b\" contains a space or control character, which a request "
      "path never does; percent-encode it (e.g. %20)\n");
}

TEST(Sema, EndpointHostsAreDnsNamesOrAddresses) {
  const auto c = check(std::string(kMeshHeader) +
                       "service r { port 80; subset v1 { endpoints [\"-a:1\", \"a..b:1\", "
                       "\"ok-1.example:2\", \"10.0.0.1:3\"]; } }\n");
  EXPECT_EQ(
      c.summary(),
      "2:45: error[E0306]: endpoint \"-a:1\" has a malformed host; expected \"HOST:PORT\"\n"
      "2:53: error[E0306]: endpoint \"a..b:1\" has a malformed host; expected \"HOST:PORT\"\n");
}

TEST(Sema, UpperCaseServiceNameIsTheOnlyErrorNotItsLowerCaseReferences) {
  const auto c = check(std::string(kMeshHeader) +
                       "service details { port 1; subset v1 {} }\n"
                       "service Reviews { port 1; subset v1 {} subset v2 {} }\n"
                       "workload w { service details; version v1; calls reviews; }\n"
                       "workload r { service reviews; version v3; }\n");
  EXPECT_EQ(c.summary(),
            "3:9: error[E0315]: service name 'Reviews' must be lower-case: it is matched against "
            "the request's host, which is case-insensitive; did you mean 'reviews'?\n"
            "4:49: error[E0407]: workload 'w' calls service 'reviews', which has 2 subsets but no "
            "route to choose among them\n"
            "3:9: note: add a 'route { ... }' block to this service\n"
            "5:39: error[E0202]: unknown subset 'v3' of service 'Reviews'; did you mean 'v1'?\n");
}

TEST(Sema, RouteTimeoutThatNoRuleUsesIsAWarning) {
  const auto c =
      check(withRoute("    when path prefix \"/a\" => v2 timeout 1s;\n"
                      "    otherwise => v1 timeout 3s;\n"
                      "    timeout 2s;\n"));
  EXPECT_TRUE(c.ok) << c.rendered();
  EXPECT_EQ(c.summary(),
            "10:13: warning[W0401]: route timeout 2s applies to no rule: every rule sets its own "
            "timeout\n");
  EXPECT_EQ(c.diagnostics.warningCount(), 1u);
  EXPECT_TRUE(
      check(withRoute("    otherwise => v1;\n    timeout 2s;\n")).diagnostics.all().empty());
}

TEST(Sema, DiagnosticsComeOutInPositionOrderWithTheirNotes) {
  // Sema finds the duplicate (a later line) before the unknown subset on an earlier line.
  const auto c =
      check(withRoute("    otherwise => v9;\n") + "service r { port 81; subset v1 {} }\n");
  EXPECT_EQ(c.summary(),
            "8:18: error[E0202]: unknown subset 'v9' of service 'r'; did you mean 'v1'?\n"
            "11:9: error[E0203]: duplicate service 'r'\n"
            "2:9: note: first declared here\n");
}

TEST(Sema, MirrorsNameDeclaredSubsetsOnRulesThatForward) {
  const std::string shadow = "service shadow { port 81; subset v1 {} subset v2 {} }\n";
  auto c = check(
      withRoute("    when path prefix \"/a\" => v1 { mirror shadow.v1; mirror r.v3 12.5%; }\n"
                "    otherwise => split { v2 50%, v3 50% } { mirror shadow.v2 100%; }\n") +
      shadow);
  EXPECT_TRUE(c.ok) << c.rendered();
  EXPECT_TRUE(c.diagnostics.all().empty()) << "a mirrored subset is in use: " << c.rendered();
  c = check(withRoute("    when path == \"/a\" => v1 { mirror shadoww.v1; mirror shadow.v9; }\n"
                      "    when path == \"/b\" => v1 { mirror shadow.v1 0%; mirror r.v2 100.5%; }\n"
                      "    when path == \"/c\" => v1 { mirror shadow.v1 10%; mirror shadow.v1; }\n"
                      "    when path == \"/d\" => respond 200 { mirror shadow.v1; }\n"
                      "    when path == \"/e\" => redirect 301 { path \"/f\"; mirror shadow.v1; }"
                      "\n") +
            shadow);
  EXPECT_EQ(c.summary(),
            "8:38: error[E0201]: unknown service 'shadoww'; did you mean 'shadow'?\n"
            "8:64: error[E0202]: unknown subset 'v9' of service 'shadow'; did you mean 'v1'?\n"
            "9:48: error[E0327]: a mirror takes more than 0% and at most 100% of the requests, not "
            "0%; without a percentage it takes all of them\n"
            "9:64: error[E0327]: a mirror takes more than 0% and at most 100% of the requests, not "
            "100.5%; without a percentage it takes all of them\n"
            "10:53: error[E0213]: the rule already mirrors to shadow.v1; one copy per subset\n"
            "10:31: note: the first mirror is here\n"
            "11:40: error[E0409]: a mirror does not fit a 'respond' rule\n"
            "12:52: error[E0409]: a mirror does not fit a 'redirect' rule\n");
}

}  // namespace
}  // namespace meshc
