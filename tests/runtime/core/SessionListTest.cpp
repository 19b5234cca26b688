#include <gtest/gtest.h>

#include <vector>

#include "core/SessionList.h"

namespace mesh {
namespace {

class FakeSession : public DrainableSession {
 public:
  explicit FakeSession(std::vector<int>& closed, int id) : closed_(closed), id_(id) {}
  void closeIfIdle() override { closed_.push_back(id_); }

 private:
  std::vector<int>& closed_;
  int id_;
};

TEST(SessionList, CountsAddedAndRemovedSessions) {
  std::vector<int> closed;
  FakeSession a(closed, 1), b(closed, 2);
  SessionList list;
  EXPECT_EQ(list.size(), 0u);
  list.add(&a);
  list.add(&b);
  EXPECT_EQ(list.size(), 2u);
  list.remove(&a);
  EXPECT_EQ(list.size(), 1u);
  list.remove(&b);
  EXPECT_EQ(list.size(), 0u);
  list.closeIdle();
  EXPECT_TRUE(closed.empty());
}

TEST(SessionList, CloseIdleReachesEverySessionAfterRemovalsAnywhere) {
  std::vector<int> closed;
  FakeSession s1(closed, 1), s2(closed, 2), s3(closed, 3), s4(closed, 4), s5(closed, 5);
  SessionList list;
  for (FakeSession* s : {&s1, &s2, &s3, &s4, &s5}) list.add(s);
  list.remove(&s3);  // the middle
  list.remove(&s5);  // the head: the newest
  list.remove(&s1);  // the tail: the oldest
  list.closeIdle();
  EXPECT_EQ(closed, (std::vector<int>{4, 2}));
  EXPECT_EQ(list.size(), 2u);
}

TEST(SessionList, ARemovedSessionCanBeAddedAgain) {
  std::vector<int> closed;
  FakeSession a(closed, 1), b(closed, 2);
  SessionList list;
  list.add(&a);
  list.add(&b);
  list.remove(&a);
  list.add(&a);
  list.closeIdle();
  EXPECT_EQ(closed, (std::vector<int>{1, 2}));
}

}  // namespace
}  // namespace mesh
