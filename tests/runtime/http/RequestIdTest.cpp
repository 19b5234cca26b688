#include <gtest/gtest.h>

#include <regex>

#include "http/RequestId.h"

namespace mesh {
namespace {

TEST(RequestId, LooksLikeARandomUuid) {
  const RequestId id(0x0123456789abcdefULL, 0xfedcba9876543210ULL);
  EXPECT_EQ(id.view(), "01234567-89ab-4def-bedc-ba9876543210");
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (uint64_t seed : {0ULL, ~0ULL, 0x8000000000000000ULL}) {
    const RequestId other(seed, ~seed);
    EXPECT_TRUE(std::regex_match(std::string(other.view()), uuid)) << other.view();
  }
}

}  // namespace
}  // namespace mesh
