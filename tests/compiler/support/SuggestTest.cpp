#include <gtest/gtest.h>

#include "support/Suggest.h"

namespace meshc {
namespace {

TEST(Suggest, ClosestNameWins) {
  EXPECT_EQ(suggestion("ratngs", {"reviews", "ratings"}, "services"), "did you mean 'ratings'?");
}

TEST(Suggest, ListsAFewKnownNamesWhenNoneIsClose) {
  EXPECT_EQ(suggestion("zzz", {}, "services"), "no services are declared");
  EXPECT_EQ(suggestion("zzzzzz", {"a", "b"}, "services"), "known services: a, b");
  std::vector<std::string> many;
  for (int i = 0; i < 3000; ++i) many.push_back("service-" + std::to_string(i));
  EXPECT_EQ(suggestion("zzzzzz", many, "services"),
            "known services: service-0, service-1, service-2, service-3, service-4 and 2995 more");
}

}  // namespace
}  // namespace meshc
