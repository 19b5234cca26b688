#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "ast/Parser.h"
#include "format/Formatter.h"

namespace meshc {
namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string format(const std::string& text) {
  const std::optional<std::string> formatted = format::formatPolicy(SourceFile("t.mesh", text));
  EXPECT_TRUE(formatted.has_value()) << text;
  return formatted.value_or("");
}

std::string digest(const std::string& text) {
  return ast::normalizedSource(SourceFile("t.mesh", text));
}

TEST(Formatter, LaysOutStatementsBlocksAndComments) {
  const std::string messy = R"(# header comment
mesh m {trust_domain "m.local";}
service   reviews{port 9080 http;subset v1{endpoints["127.0.0.1:1","127.0.0.1:2"];}
  subset v2 {
     endpoints [];   # none yet
  }


  route {   when header "a" == "b" and method GET=>split{v1 50%,v2 50%} timeout 2s;
  /* fallback */ otherwise => v1; }
}
workload w{service reviews;version v1;calls reviews;}
test "t" { from w request GET "http://reviews/" header "a" = "b"; expect split { reviews.v1 50%, reviews.v2 50% }; }
)";
  EXPECT_EQ(format(messy), R"(# header comment
mesh m { trust_domain "m.local"; }

service reviews {
  port 9080 http;
  subset v1 { endpoints ["127.0.0.1:1", "127.0.0.1:2"]; }
  subset v2 {
    endpoints [];  # none yet
  }

  route {
    when header "a" == "b" and method GET => split { v1 50%, v2 50% } timeout 2s;
    /* fallback */
    otherwise => v1;
  }
}

workload w { service reviews; version v1; calls reviews; }

test "t" {
  from w request GET "http://reviews/" header "a" = "b";
  expect split { reviews.v1 50%, reviews.v2 50% };
}
)");
}

TEST(Formatter, ExamplesAreFormattedAndKeepTheirDigest) {
  for (const char* path : {MESHC_EXAMPLE_POLICY, MESHC_ROUTING_EXAMPLE, MESHC_RUNNER_POLICY}) {
    SCOPED_TRACE(path);
    const std::string text = readFile(path);
    const std::string formatted = format(text);
    EXPECT_EQ(formatted, text) << "run meshc fmt on " << path;
    EXPECT_EQ(digest(formatted), digest(text));
  }
}

// The examples between them use every construct of the language: Bookinfo splits and timeouts,
// routing every kind of match, `not`, `or` and parentheses.
class FormatterOnExample : public ::testing::TestWithParam<const char*> {};

INSTANTIATE_TEST_SUITE_P(Examples, FormatterOnExample,
                         ::testing::Values(MESHC_EXAMPLE_POLICY, MESHC_ROUTING_EXAMPLE),
                         [](const auto& info) {
                           return std::filesystem::path(info.param).stem().string();
                         });

// One canonical layout: the same tokens laid out at random (spaces, tabs, single line breaks)
// format to the same text, which keeps the digest and is a fixed point.
TEST_P(FormatterOnExample, RandomLayoutsOfTheSameTokensFormatAlike) {
  const std::string example = readFile(GetParam());
  std::vector<std::string> tokens;
  for (const ast::SourceToken& token : ast::sourceTokens(SourceFile("e.mesh", example))) {
    if (token.kind == ast::SourceToken::Kind::Code) tokens.push_back(token.text);
  }
  std::mt19937_64 random(20261127);
  std::string canonical;
  for (int round = 0; round < 50; ++round) {
    std::string layout;
    for (const std::string& token : tokens) {
      layout += token;
      switch (random() % 4) {
        case 0:
          layout += "\n";
          break;
        case 1:
          layout += "\t ";
          break;
        default:
          layout += " ";
      }
    }
    const std::string formatted = format(layout);
    if (round == 0) canonical = formatted;
    ASSERT_EQ(formatted, canonical) << "seed 20261127, round " << round << "\n" << layout;
    EXPECT_EQ(digest(formatted), digest(layout));
    EXPECT_EQ(format(formatted), formatted);
  }
}

// Regressions found in review: each changed a token or was not a fixed point.
TEST(Formatter, CommentsBeforeABraceMoveIntoTheBlock) {
  const std::string text = "mesh m { trust_domain \"x\"; }\nservice a // about a\n{\n  port 80;\n"
                           "  subset v1 // one\n  { endpoints []; }\n}\n";
  const std::string formatted = format(text);
  EXPECT_EQ(formatted,
            "mesh m { trust_domain \"x\"; }\n\nservice a {\n  // about a\n  port 80;\n"
            "  subset v1 {\n    // one\n    endpoints [];\n  }\n}\n");
  EXPECT_EQ(digest(formatted), digest(text));
  EXPECT_EQ(format(formatted), formatted);
}

TEST(Formatter, SplitAsANameOpensABlock) {
  const std::string text =
      "mesh m { trust_domain \"x\"; }\nservice split { port 80; subset split { endpoints []; }\n"
      "route { otherwise => split; } }\nworkload split { service split; version split; }\n";
  EXPECT_EQ(format(text),
            "mesh m { trust_domain \"x\"; }\n\nservice split {\n  port 80;\n"
            "  subset split { endpoints []; }\n  route {\n    otherwise => split;\n  }\n}\n\n"
            "workload split { service split; version split; }\n");
}

// Parentheses came with or-groups; spaced like other tokens they read `( path == "/a" )`.
TEST(Formatter, ParenthesesHugTheirGroup) {
  const std::string text =
      "mesh m { trust_domain \"x\"; }\nservice a { port 80; subset v1 { endpoints []; }\n"
      "route { when ( path prefix \"/a\"and method GET )or(not query \"q\" present) => v1;\n"
      "otherwise => v1; } }\n";
  const std::string formatted = format(text);
  EXPECT_EQ(formatted,
            "mesh m { trust_domain \"x\"; }\n\nservice a {\n  port 80;\n"
            "  subset v1 { endpoints []; }\n  route {\n"
            "    when (path prefix \"/a\" and method GET) or (not query \"q\" present) => v1;\n"
            "    otherwise => v1;\n  }\n}\n");
  EXPECT_EQ(digest(formatted), digest(text));
  EXPECT_EQ(format(formatted), formatted);
}

// A statement past 100 columns breaks before the clauses that would cross it (a test request's
// header, a condition after `and` or `or`, a rule's `=>`), never inside one.
TEST(Formatter, LongStatementsBreakBeforeAClause) {
  const std::string text =
      "mesh m { }\nservice a { port 80; subset v1 { endpoints []; }\n"
      "route { when header \"x-first-long-header-name\" == \"a-rather-long-value\" and header "
      "\"x-second-long-header-name\" prefix \"another-long-value\" => v1; } }\n"
      "workload w { service a; version v1; calls a; }\n"
      "test \"t\" { from w request OPTIONS \"http://a/items/7\" header \"origin\" = "
      "\"http://app.localhost\" header \"access-control-request-method\" = \"DELETE\"; "
      "expect routed a.v1; }\n";
  const std::string formatted = format(text);
  EXPECT_EQ(formatted,
            "mesh m {}\n\nservice a {\n  port 80;\n  subset v1 { endpoints []; }\n  route {\n"
            "    when header \"x-first-long-header-name\" == \"a-rather-long-value\"\n"
            "        and header \"x-second-long-header-name\" prefix \"another-long-value\" "
            "=> v1;\n"
            "  }\n}\n\nworkload w { service a; version v1; calls a; }\n\ntest \"t\" {\n"
            "  from w request OPTIONS \"http://a/items/7\" header \"origin\" = "
            "\"http://app.localhost\"\n"
            "      header \"access-control-request-method\" = \"DELETE\";\n"
            "  expect routed a.v1;\n}\n");
  EXPECT_EQ(digest(formatted), digest(text));
  EXPECT_EQ(format(formatted), formatted);
}

// A short retry block stays on one line, as a subset's does; a longer one opens a block.
TEST(Formatter, RetryBlocksRoundTrip) {
  const std::string text =
      "mesh m { }\nservice a { port 80; subset v1 { endpoints []; }\n"
      "route { when path prefix \"/pay\" => v1 { timeout 2s; retry{attempts 0;} }\n"
      "otherwise => v1; retry { attempts 3; on 5xx,reset , 429; per_try_timeout 500ms;\n"
      "backoff 25ms max 1s; budget 12.5%; non_idempotent; } } }\n";
  const std::string formatted = format(text);
  EXPECT_EQ(formatted,
            "mesh m {}\n\nservice a {\n  port 80;\n  subset v1 { endpoints []; }\n  route {\n"
            "    when path prefix \"/pay\" => v1 {\n      timeout 2s;\n"
            "      retry { attempts 0; }\n    }\n"
            "    otherwise => v1;\n    retry {\n      attempts 3;\n      on 5xx, reset, 429;\n"
            "      per_try_timeout 500ms;\n      backoff 25ms max 1s;\n      budget 12.5%;\n"
            "      non_idempotent;\n    }\n  }\n}\n");
  EXPECT_EQ(digest(formatted), digest(text));
  EXPECT_EQ(format(formatted), formatted);
}

TEST(Formatter, MultiLineTrailingCommentsAndDocumentingComments) {
  const std::string text = "mesh m { trust_domain \"x\"; }\n// the web tier\nservice a {\n"
                           "  port 80;  /* one\n  two */\n  subset v1 { endpoints []; }\n}\n";
  const std::string formatted = format(text);
  EXPECT_EQ(formatted, "mesh m { trust_domain \"x\"; }\n// the web tier\nservice a {\n"
                       "  port 80;  /* one\n  two */\n  subset v1 { endpoints []; }\n}\n");
  EXPECT_EQ(format(formatted), formatted);
}

// Comments anywhere between tokens: the result parses, keeps the digest and is a fixed point.
TEST_P(FormatterOnExample, RandomCommentsKeepTokensAndReachAFixedPoint) {
  const std::string example = readFile(GetParam());
  std::vector<std::string> tokens;
  for (const ast::SourceToken& token : ast::sourceTokens(SourceFile("e.mesh", example))) {
    if (token.kind == ast::SourceToken::Kind::Code) tokens.push_back(token.text);
  }
  std::mt19937_64 random(7);
  for (int round = 0; round < 50; ++round) {
    std::string layout;
    for (const std::string& token : tokens) {
      layout += token;
      switch (random() % 8) {
        case 0:
          layout += " # note\n";
          break;
        case 1:
          layout += " /* a\nb */ ";
          break;
        case 2:
          layout += "\n\n";
          break;
        default:
          layout += " ";
      }
    }
    const std::string formatted = format(layout);
    ASSERT_EQ(digest(formatted), digest(layout)) << "round " << round << "\n" << layout;
    ASSERT_EQ(format(formatted), formatted) << "round " << round << "\n" << layout;
  }
}

TEST(Formatter, RefusesAPolicyWithSyntaxErrors) {
  EXPECT_FALSE(format::formatPolicy(SourceFile("t.mesh", "service {")).has_value());
}

}  // namespace
}  // namespace meshc
