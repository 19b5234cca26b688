#include <gtest/gtest.h>

#include "diff/FieldConstraints.h"

namespace meshc::diff {
namespace {

using Field = FieldConstraints::Field;

std::string solved(const FieldConstraints& field) {
  const FieldConstraints::Solution solution = field.solve();
  switch (solution.kind) {
    case FieldConstraints::Solution::Kind::Satisfiable:
      return solution.witness.absent ? "(absent)" : solution.witness.value;
    case FieldConstraints::Solution::Kind::Unsatisfiable:
      return "(none)";
    case FieldConstraints::Solution::Kind::Undecided:
      return "(undecided)";
  }
  return "";
}

TEST(FieldConstraints, PathsStartWithASlashAndEscapeExcludedPrefixes) {
  FieldConstraints path(Field::Path);
  EXPECT_EQ(solved(path), "/");
  path.prefix("/api", true);
  path.prefix("/api/v1", false);
  path.equals("/api", false);
  const std::string value = solved(path);
  EXPECT_EQ(value.rfind("/api", 0), 0u) << value;
  EXPECT_NE(value.rfind("/api/v1", 0), 0u) << value;
  EXPECT_NE(value, "/api");
}

TEST(FieldConstraints, EveryOneCharacterExtensionExcludedStillSolves) {
  FieldConstraints path(Field::Path);
  path.prefix("/", true);
  path.equals("/", false);
  for (const char* excluded : {"/x", "/y", "/z", "/0", "/1", "/2", "/3"})
    path.prefix(excluded, false);
  const std::string value = solved(path);
  ASSERT_NE(value, "(none)");
  for (const char* excluded : {"/x", "/y", "/z", "/0", "/1", "/2", "/3"}) {
    EXPECT_NE(value.rfind(excluded, 0), 0u) << value;
  }
}

// Found in review: exclusions using every character of a short preferred alphabet hid a solution.
TEST(FieldConstraints, ExclusionsSpellingTheWholeAlphabetStillSolve) {
  FieldConstraints path(Field::Path);
  path.equals("/", false);
  path.prefix("/xyz0123456789abcdefgh", false);
  const std::string value = solved(path);
  ASSERT_NE(value, "(none)");
  EXPECT_NE(value, "/");
  EXPECT_NE(value.rfind("/xyz0123456789abcdefgh", 0), 0u) << value;
}

TEST(FieldConstraints, ManyExclusionsAreUndecidedNotUnsatisfiable) {
  FieldConstraints method(Field::Method);
  method.equals("GET", false);
  for (char c = '0'; c <= 'z'; ++c) method.prefix(std::string(1, c), false);
  EXPECT_EQ(method.solve().kind, FieldConstraints::Solution::Kind::Undecided);
}

TEST(FieldConstraints, ContradictionsHaveNoWitness) {
  FieldConstraints a(Field::Path);
  a.prefix("/a", true);
  a.prefix("/b", true);
  EXPECT_EQ(solved(a), "(none)");
  FieldConstraints b(Field::Path);
  b.equals("/a/b", true);
  b.prefix("/a", false);
  EXPECT_EQ(solved(b), "(none)");
  FieldConstraints c(Field::Path);
  c.prefix("/a/b", true);
  c.prefix("/a", false);
  EXPECT_EQ(solved(c), "(none)");
  FieldConstraints d(Field::Path);
  d.prefix("/", false);
  EXPECT_EQ(solved(d), "(none)") << "a forwarded request's path always starts with '/'";
}

TEST(FieldConstraints, SegmentPrefixesAreSolvedExactly) {
  FieldConstraints path(Field::Path);
  path.segmentPrefix("/v2", true);
  path.equals("/v2", false);
  const auto solution = path.solve();
  ASSERT_EQ(solution.kind, FieldConstraints::Solution::Kind::Satisfiable);
  EXPECT_EQ(solution.witness.value.rfind("/v2/", 0), 0u) << solution.witness.value;
  FieldConstraints none(Field::Path);
  none.segmentPrefix("/v2", true);
  none.prefix("/v2x", true);
  EXPECT_EQ(none.solve().kind, FieldConstraints::Solution::Kind::Unsatisfiable);
}

// What candidates cannot refute, literal against literal can: a regex both required and excluded,
// a required prefix or suffix that extends an excluded one.
TEST(FieldConstraints, RegexesAndSuffixesRefuteTheirOwnNegations) {
  FieldConstraints regex(Field::Path);
  regex.regex("/x[0-9]", true);
  EXPECT_EQ(regex.solve().kind, FieldConstraints::Solution::Kind::Undecided);
  regex.regex("/x[0-9]", false);
  EXPECT_EQ(regex.solve().kind, FieldConstraints::Solution::Kind::Unsatisfiable);
  FieldConstraints suffix(Field::Path);
  suffix.suffix("/app.js", true);
  suffix.regex(".*", true);
  suffix.suffix(".js", false);
  EXPECT_EQ(suffix.solve().kind, FieldConstraints::Solution::Kind::Unsatisfiable);
  FieldConstraints found(Field::Header);
  found.suffix("@example.com", true);
  found.regex("[a-z]+@example\\.com", false);
  const auto solution = found.solve();
  ASSERT_EQ(solution.kind, FieldConstraints::Solution::Kind::Satisfiable);
  EXPECT_EQ(solution.witness.value, "@example.com");
}

TEST(FieldConstraints, HeadersMayBeAbsent) {
  FieldConstraints header(Field::Header);
  header.equals("jason", false);
  EXPECT_EQ(solved(header), "(absent)");
  header.present(true);
  EXPECT_NE(solved(header), "jason");
  EXPECT_NE(solved(header), "(absent)");
  FieldConstraints gone(Field::Header);
  gone.present(false);
  EXPECT_EQ(solved(gone), "(absent)");
  gone.prefix("", true);
  EXPECT_EQ(solved(gone), "(none)");
}

TEST(FieldConstraints, MethodsPreferCommonNames) {
  FieldConstraints method(Field::Method);
  EXPECT_EQ(solved(method), "GET");
  method.equals("GET", false);
  EXPECT_EQ(solved(method), "POST");
  method.equals("DELETE", true);
  EXPECT_EQ(solved(method), "DELETE");
}

}  // namespace
}  // namespace meshc::diff
