#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "upstream/EndpointsFile.h"

namespace mesh {
namespace {

const std::vector<std::string> kKnown = {"reviews.v1", "reviews.v2", "reviews.v3"};

std::string errorOf(std::string_view text) {
  try {
    parseEndpointsFile(text, "eps.txt", kKnown);
  } catch (const EndpointsFileError& e) {
    return e.what();
  }
  return "no error";
}

TEST(EndpointsFile, ParsesClustersCommentsAndBlankLines) {
  const auto entries = parseEndpointsFile(
      "# static discovery\n"
      "\n"
      "reviews.v2 127.0.0.1:9081 127.0.0.1:9082   # two replicas\n"
      "\treviews.v1\t[::1]:9080\r\n"
      "reviews.v3\n",
      "eps.txt", kKnown);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].cluster, "reviews.v2");
  EXPECT_EQ(entries[0].line, 3);
  EXPECT_EQ(entries[0].endpoints,
            (std::vector<HostPort>{{"127.0.0.1", 9081}, {"127.0.0.1", 9082}}));
  EXPECT_EQ(entries[1].cluster, "reviews.v1");
  EXPECT_EQ(entries[1].endpoints, (std::vector<HostPort>{{"::1", 9080}}));
  EXPECT_EQ(entries[2].cluster, "reviews.v3");
  EXPECT_TRUE(entries[2].endpoints.empty()) << "a cluster may be emptied";
}

TEST(EndpointsFile, EmptyFileHasNoEntries) {
  EXPECT_TRUE(parseEndpointsFile("", "eps.txt", kKnown).empty());
  EXPECT_TRUE(parseEndpointsFile("# nothing\n\n", "eps.txt", kKnown).empty());
}

// One file can serve the whole mesh: a workload takes the clusters it uses.
TEST(EndpointsFile, ClustersTheWorkloadDoesNotUseAreCheckedThenLeftOut) {
  std::vector<std::string> ignored;
  const auto entries = parseEndpointsFile(
      "ratings.v1 127.0.0.1:2\nreviews.v1 127.0.0.1:1\nshop.v9\n", "eps.txt", kKnown, &ignored);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].cluster, "reviews.v1");
  EXPECT_EQ(ignored, (std::vector<std::string>{"ratings.v1", "shop.v9"}));
  EXPECT_EQ(errorOf("reviews.v1 127.0.0.1:1\nratings.v1 127.0.0.1:0\n"),
            "eps.txt:2: malformed address \"127.0.0.1:0\" for cluster \"ratings.v1\": port must "
            "be a number from 1 to 65535");
  EXPECT_EQ(errorOf("ratings.v1 127.0.0.1:1\nratings.v1 127.0.0.1:2\n"),
            "eps.txt:2: cluster \"ratings.v1\" is already listed on line 1");
}

TEST(EndpointsFile, MalformedAddressNamesFileLineAndReason) {
  EXPECT_EQ(
      errorOf("# header\nreviews.v2 127.0.0.1:9081 127.0.0.1:99999\n"),
      "eps.txt:2: malformed address \"127.0.0.1:99999\" for cluster \"reviews.v2\": port must "
      "be a number from 1 to 65535");
  EXPECT_EQ(
      errorOf("reviews.v2 localhost\n"),
      "eps.txt:1: malformed address \"localhost\" for cluster \"reviews.v2\": missing ':PORT'");
}

TEST(EndpointsFile, RepeatedClusterPointsAtFirstLine) {
  EXPECT_EQ(errorOf("reviews.v1 127.0.0.1:1\nreviews.v1 127.0.0.1:2\n"),
            "eps.txt:2: cluster \"reviews.v1\" is already listed on line 1");
}

TEST(EndpointsFile, ReadReportsMissingFileAndReadsRealOne) {
  EXPECT_THROW(readEndpointsFile("/nonexistent/endpoints.txt"), EndpointsFileError);
  const std::string path = ::testing::TempDir() + "endpoints_file_test.txt";
  std::ofstream(path) << "reviews.v1 127.0.0.1:7\n";
  const auto entries = parseEndpointsFile(readEndpointsFile(path), path, kKnown);
  std::remove(path.c_str());
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].endpoints[0].port, 7);
}

// An ifstream opens a directory, then reads nothing from it: it would load as an empty file.
TEST(EndpointsFile, ReadRefusesADirectory) {
  const std::string dir = ::testing::TempDir();
  try {
    readEndpointsFile(dir);
    FAIL() << "a directory was accepted";
  } catch (const EndpointsFileError& error) {
    EXPECT_EQ(std::string(error.what()), dir + ": is a directory, not an endpoints file");
  }
}

}  // namespace
}  // namespace mesh
