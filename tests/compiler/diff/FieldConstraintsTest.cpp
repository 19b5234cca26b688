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
