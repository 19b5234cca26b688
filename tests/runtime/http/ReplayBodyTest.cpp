#include <gtest/gtest.h>

#include <string>

#include "http/ReplayBody.h"

namespace mesh {
namespace {

TEST(ReplayBody, KeepsNothingUntilStarted) {
  ReplayBody body;
  body.append("abc", 3);
  EXPECT_EQ(body.state(), ReplayBody::State::kOff);
  EXPECT_EQ(body.bytes(), "");
}

TEST(ReplayBody, KeepsEveryPieceInOrder) {
  ReplayBody body;
  body.start();
  body.append("abc", 3);
  body.append("", 0);
  body.append("def", 3);
  EXPECT_EQ(body.state(), ReplayBody::State::kRecording);
  EXPECT_EQ(body.bytes(), "abcdef");
}

TEST(ReplayBody, ABodyOverTheLimitIsDroppedForGood) {
  ReplayBody body;
  body.start();
  const std::string piece(ReplayBody::kLimit / 2, 'x');
  body.append(piece.data(), piece.size());
  body.append(piece.data(), piece.size());
  EXPECT_EQ(body.state(), ReplayBody::State::kRecording) << "exactly the limit fits";
  body.append("y", 1);
  EXPECT_EQ(body.state(), ReplayBody::State::kTooLarge);
  EXPECT_EQ(body.bytes(), "");
  body.append("z", 1);
  EXPECT_EQ(body.state(), ReplayBody::State::kTooLarge);
  EXPECT_EQ(body.bytes(), "");
}

}  // namespace
}  // namespace mesh
