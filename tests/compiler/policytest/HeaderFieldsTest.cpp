#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "policy/HeaderEditing.h"
#include "policytest/HeaderFields.h"

namespace meshc::policytest {
namespace {

using Op = mesh::HeaderEdit::Op;

TEST(HeaderFields, EditsActAsOnTheSidecarsMessages) {
  HeaderFields fields;
  fields.insert("X-Tag", "a");
  fields.insert("host", "reviews");
  const mesh::HeaderEdit edits[] = {{"x-tag", "b", Op::kAdd},    {"x-env", "dev", Op::kAdd},
                                    {"x-env", "prod", Op::kSet}, {"x-gone", "1", Op::kAdd},
                                    {"x-gone", "", Op::kRemove}, {"host", "evil", Op::kSet}};
  mesh::applyHeaderEdits(fields, edits);
  EXPECT_EQ(fields.value("x-tag"), "a,b");  // names are case-insensitive; repeats joined
  EXPECT_EQ(fields.value("X-ENV"), "prod");
  EXPECT_EQ(fields.value("x-gone"), std::nullopt);
  EXPECT_EQ(fields.value("host"), "reviews");  // the sidecar keeps Host to itself
}

TEST(ResponseHeaderEdits, OnlyWhatTheEditsDecideIsKnown) {
  ResponseHeaderEdits edits;
  const mesh::HeaderEdit list[] = {{"x-set", "1", Op::kSet},       {"x-added", "2", Op::kAdd},
                                   {"x-removed", "", Op::kRemove}, {"x-reset", "", Op::kRemove},
                                   {"x-reset", "3", Op::kAdd},     {"x-reset", "4", Op::kAdd}};
  mesh::applyHeaderEdits(edits, list);
  const auto set = edits.header("X-Set");
  EXPECT_FALSE(set.keepsResponseValue);
  EXPECT_EQ(set.joined(), "1");
  const auto added = edits.header("x-added");
  EXPECT_TRUE(added.keepsResponseValue);
  EXPECT_EQ(added.added, std::vector<std::string>{"2"});
  EXPECT_FALSE(edits.header("x-removed").keepsResponseValue);
  EXPECT_TRUE(edits.header("x-removed").added.empty());
  EXPECT_EQ(edits.header("x-reset").joined(), "3,4");
  EXPECT_TRUE(edits.header("x-untouched").keepsResponseValue);
}

}  // namespace
}  // namespace meshc::policytest
