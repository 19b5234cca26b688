#include <gtest/gtest.h>

#include <string>

#include "policy/RegexSet.h"

namespace mesh {
namespace {

const char* const kPatterns[] = {"/u/[0-9]+", ".*image/webp.*", "caf\xc3\xa9", "/(a+"};

TEST(RegexSet, FullMatchesOnly) {
  const RegexSet set(kPatterns, 2);
  EXPECT_TRUE(set.error().empty());
  EXPECT_TRUE(set.fullMatch(0, "/u/42"));
  EXPECT_FALSE(set.fullMatch(0, "/x/u/42"));
  EXPECT_FALSE(set.fullMatch(0, "/u/42/"));
  EXPECT_FALSE(set.fullMatch(7, "/u/42")) << "an index out of range matches nothing";
}

// A stray byte that is not UTF-8 must not hide a value from a regex.
TEST(RegexSet, MatchesBytesNotUtf8Characters) {
  const RegexSet set(kPatterns, 3);
  EXPECT_TRUE(set.fullMatch(1, std::string("\xff image/webp")));
  EXPECT_TRUE(set.fullMatch(2, "caf\xc3\xa9")) << "non-ASCII in a pattern matches its bytes";
}

TEST(RegexSet, NamesThePatternThatDoesNotCompile) {
  const RegexSet set(kPatterns, 4);
  EXPECT_EQ(set.error(), "regex 3 \"/(a+\" does not compile: missing ): /(a+");
  EXPECT_FALSE(set.fullMatch(3, "/a"));
}

TEST(RegexSet, TheMatcherCallsBackIntoTheSet) {
  const RegexSet set(kPatterns, 1);
  const mesh_regex_matcher* matcher = set.matcher();
  EXPECT_EQ(matcher->full_match(matcher->context, 0, "/u/1", 4), 1u);
  EXPECT_EQ(matcher->full_match(matcher->context, 0, "/u/x", 4), 0u);
}

}  // namespace
}  // namespace mesh
