#include <gtest/gtest.h>

#include "compiler/PolicyFixture.h"
#include "support/DiagnosticJson.h"
#include "support/Diagnostics.h"

namespace meshc {
namespace {

using testing::check;
using testing::kMeshHeader;

std::string policyWithRule(const std::string& rule) {
  return std::string(kMeshHeader) + "service r { port 80; subset v1 {}\n" + rule + "\n}\n";
}

TEST(DiagnosticRendering, CaretCountsCharactersNotBytesOnNonAsciiLines) {
  const auto c =
      check(policyWithRule("route { when header \"x\" == \"café ☕\" and path == \"x\" => v1; }"));
  EXPECT_EQ(c.summary(), "3:49: error[E0308]: path \"x\" must start with '/'\n");
  EXPECT_EQ(c.rendered(),
            "test.mesh:3:49: error[E0308]: path \"x\" must start with '/'\n"
            "  route { when header \"x\" == \"café ☕\" and path == \"x\" => v1; }\n"
            "                                                  ^~~\n");
}

TEST(DiagnosticRendering, InvalidUtf8ColumnCountsCharacters) {
  const auto c = testing::parseOnly("mesh m {}\n# é\xff\n");
  EXPECT_EQ(c.summary(),
            "2:4: error[E0101]: invalid UTF-8 byte 0xff; policy files are UTF-8 text\n");
}

TEST(DiagnosticRendering, TabsAreKeptInTheCaretLine) {
  const auto c = check(policyWithRule("\troute {\totherwise => v9; }"));
  EXPECT_EQ(c.rendered(),
            "test.mesh:3:23: error[E0202]: unknown subset 'v9' of service 'r'; did you mean "
            "'v1'?\n"
            "  \troute {\totherwise => v9; }\n"
            "  \t       \t             ^~\n");
}

TEST(DiagnosticRendering, ConditionsAndRulesAreUnderlinedWhole) {
  const auto c =
      check(policyWithRule("route { when path == \"/x\" and path prefix \"/y\" => v1;\n"
                           "  when path == \"/x\" => v1; }"));
  EXPECT_EQ(c.rendered(),
            "test.mesh:3:31: error[E0501]: rule can never match: 'path prefix \"/y\"' contradicts "
            "'path == \"/x\"'\n"
            "  route { when path == \"/x\" and path prefix \"/y\" => v1;\n"
            "                                ^~~~~~~~~~~~~~~~\n"
            "test.mesh:3:14: note: the contradicting condition is here\n"
            "  route { when path == \"/x\" and path prefix \"/y\" => v1;\n"
            "               ^~~~~~~~~~~~\n");
}

TEST(DiagnosticRendering, UnderlineStopsAtTheEndOfTheLine) {
  Diagnostics diagnostics;
  const SourceFile source("f.mesh", "abc\ndef\n");
  diagnostics.error(DiagnosticCode::UnexpectedToken, {"f.mesh", 1, 2, 40}, "m");
  EXPECT_EQ(diagnostics.render(source), "f.mesh:1:2: error[E0103]: m\n  abc\n   ^~\n");
}

TEST(DiagnosticRendering, ColorFollowsClang) {
  Diagnostics diagnostics;
  const SourceFile source("f.mesh", "abc\n");
  diagnostics.error(DiagnosticCode::UnexpectedToken, {"f.mesh", 1, 1, 1}, "m");
  EXPECT_EQ(diagnostics.render(source, true),
            "\033[1mf.mesh:1:1: \033[1;31merror[E0103]: \033[0m\033[1mm\033[0m\n"
            "  abc\n"
            "  \033[1;32m^\033[0m\n");
}

TEST(DiagnosticRendering, WerrorTurnsWarningsIntoErrors) {
  Diagnostics diagnostics;
  diagnostics.warning(DiagnosticCode::UnusedRouteTimeout, {"f.mesh", 1, 1}, "w");
  EXPECT_FALSE(diagnostics.hasErrors());
  EXPECT_EQ(diagnostics.warningCount(), 1u);
  diagnostics.promoteWarnings();
  EXPECT_EQ(diagnostics.errorCount(), 1u);
  EXPECT_EQ(diagnostics.warningCount(), 0u);
  EXPECT_EQ(diagnostics.render(SourceFile("g.mesh", "")), "f.mesh:1:1: error[W0401]: w\n");
}

TEST(DiagnosticJson, EscapesAndKeepsKeyOrder) {
  Diagnostics diagnostics;
  diagnostics.error(DiagnosticCode::PathNotAbsolute, {"a\"b.mesh", 2, 3, 4}, "q\"\\ \n\t\x01 é");
  diagnostics.note({"a\"b.mesh", 1, 1}, "n");
  EXPECT_EQ(toJson(diagnostics),
            "{\"diagnostics\":[{\"severity\":\"error\",\"code\":\"E0308\",\"message\":"
            "\"q\\\"\\\\ \\n\\t\\u0001 é\",\"file\":\"a\\\"b.mesh\",\"line\":2,\"column\":3,"
            "\"end_line\":2,\"end_column\":7,\"notes\":[{\"message\":\"n\",\"file\":"
            "\"a\\\"b.mesh\",\"line\":1,\"column\":1,\"end_line\":1,\"end_column\":1}]}],"
            "\"errors\":1,\"warnings\":0}\n");
}

}  // namespace
}  // namespace meshc
