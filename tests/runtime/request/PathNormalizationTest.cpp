#include <gtest/gtest.h>

#include <random>
#include <string>

#include "request/PathNormalization.h"

namespace mesh {
namespace {

constexpr PathOptions kIstioDefault{};
constexpr PathOptions kMerge{true, EncodedSlashes::kKeep};
constexpr PathOptions kDecode{false, EncodedSlashes::kDecode};
constexpr PathOptions kDecodeAndMerge{true, EncodedSlashes::kDecode};
constexpr PathOptions kReject{false, EncodedSlashes::kReject};

std::string normal(std::string_view path, const PathOptions& options = kIstioDefault) {
  std::string out;
  EXPECT_TRUE(normalizePath(path, options, out)) << path;
  return out;
}

TEST(PathNormalization, LeavesANormalPathAlone) {
  for (const char* path : {"/", "/reviews/1", "/a/b/", "/A/B", "/a-b_c.d~e", "/a:b@c!$&'()*+,;=",
                           "/...", "/a/.../b", "/.a/..b/c.", "/a%20b", "/%E2%82%AC"}) {
    EXPECT_EQ(normal(path), path);
  }
}

TEST(PathNormalization, DecodesUnreservedCharacters) {
  EXPECT_EQ(normal("/%61%62%63"), "/abc");
  EXPECT_EQ(normal("/%41%5a%30%39"), "/AZ09") << "case of the letter is kept";
  EXPECT_EQ(normal("/a%2Db%5Fc%7Ed%7e"), "/a-b_c~d~");
  EXPECT_EQ(normal("/%72eviews/1"), "/reviews/1");
}

TEST(PathNormalization, KeepsOtherEscapesWithUpperCaseHex) {
  EXPECT_EQ(normal("/a%3ab"), "/a%3Ab");
  EXPECT_EQ(normal("/a%20b%2b%3F%23"), "/a%20b%2B%3F%23") << "'?' and '#' stay encoded";
  EXPECT_EQ(normal("/%e2%82%ac"), "/%E2%82%AC");
  EXPECT_EQ(normal("/%00"), "/%00");
  EXPECT_EQ(normal("/a%25b"), "/a%25b") << "'%' stays encoded";
}

TEST(PathNormalization, DecodesNothingTwice) {
  EXPECT_EQ(normal("/%252e%252e/a"), "/%252e%252e/a");
  EXPECT_EQ(normal("/a/%252F"), "/a/%252F");
  EXPECT_EQ(normal("/a/%252F", kDecode), "/a/%252F");
  EXPECT_EQ(normal("/%2561"), "/%2561");
}

TEST(PathNormalization, KeepsInvalidEscapesAsReceived) {
  for (const char* path :
       {"/a%", "/a%4", "/a%zz", "/a%g1", "/a%1g", "/%%", "/a%2", "/%-1", "/%%%"}) {
    EXPECT_EQ(normal(path), path);
  }
  EXPECT_EQ(normal("/%zz%41"), "/%zzA");
  EXPECT_EQ(normal("/%%7e"), "/%~") << "'~' cannot complete an escape";
}

// Decoding must not turn a kept '%' into an escape: the next normalisation (the inbound sidecar's)
// would read it as one, so the path would not be in normal form.
TEST(PathNormalization, AKeptPercentNeverBecomesAnEscape) {
  EXPECT_EQ(normal("/%%41"), "/%25A");
  EXPECT_EQ(normal("/%%41%"), "/%25A%");
  EXPECT_EQ(normal("/%4%31"), "/%2541");
  EXPECT_EQ(normal("/%%61%62"), "/%25ab");
  EXPECT_EQ(normal("/%x%41"), "/%xA") << "'x' already keeps it from being an escape";
  EXPECT_EQ(normal("/%ab"), "/%AB");
}

// Istio's BASE normalisation turns backslashes into slashes, before dot segments are resolved.
TEST(PathNormalization, BackslashesBecomeSlashes) {
  EXPECT_EQ(normal("/a\\b"), "/a/b");
  EXPECT_EQ(normal("/\\a"), "//a");
  EXPECT_EQ(normal("/a\\..\\b"), "/b");
  EXPECT_EQ(normal("/a/..\\..\\..\\etc"), "/etc");
}

// RFC 3986 §5.2.4 and §5.4's examples, rooted.
TEST(PathNormalization, ResolvesDotSegmentsLikeRfc3986) {
  EXPECT_EQ(normal("/a/b/c/./../../g"), "/a/g");
  EXPECT_EQ(normal("/mid/content=5/../6"), "/mid/6");
  EXPECT_EQ(normal("/b/c/./g"), "/b/c/g");
  EXPECT_EQ(normal("/b/c/."), "/b/c/");
  EXPECT_EQ(normal("/b/c/./"), "/b/c/");
  EXPECT_EQ(normal("/b/c/.."), "/b/");
  EXPECT_EQ(normal("/b/c/../"), "/b/");
  EXPECT_EQ(normal("/b/c/../g"), "/b/g");
  EXPECT_EQ(normal("/b/c/../.."), "/");
  EXPECT_EQ(normal("/b/c/../../g"), "/g");
  EXPECT_EQ(normal("/b/c/g/../../../../g"), "/g");
  EXPECT_EQ(normal("/b/c/g."), "/b/c/g.");
  EXPECT_EQ(normal("/b/c/..g"), "/b/c/..g");
  EXPECT_EQ(normal("/b/c/./../g"), "/b/g");
  EXPECT_EQ(normal("/b/c/g/./h"), "/b/c/g/h");
  EXPECT_EQ(normal("/b/c/g/../h"), "/b/c/h");
}

TEST(PathNormalization, NeverClimbsAboveTheRoot) {
  EXPECT_EQ(normal("/.."), "/");
  EXPECT_EQ(normal("/../"), "/");
  EXPECT_EQ(normal("/."), "/");
  EXPECT_EQ(normal("/../a"), "/a");
  EXPECT_EQ(normal("/../../../etc/passwd"), "/etc/passwd");
  EXPECT_EQ(normal("/a/./b/../../.."), "/");
  EXPECT_EQ(normal("/a/./b/../../../c"), "/c");
}

// Escaped dots are dots: "%2e" is decoded (unreserved) before segments are resolved, the way
// Envoy's normalize_path treats them. Otherwise "/public/%2e%2e/admin" would match a rule for
// "/public" and reach the upstream's "/admin".
TEST(PathNormalization, EncodedDotsAreDots) {
  EXPECT_EQ(normal("/a/%2e%2e/b"), "/b");
  EXPECT_EQ(normal("/a/%2E%2E/b"), "/b");
  EXPECT_EQ(normal("/%2E./x"), "/x");
  EXPECT_EQ(normal("/.%2e/x"), "/x");
  EXPECT_EQ(normal("/a/%2e/b"), "/a/b");
  EXPECT_EQ(normal("/public/%2e%2e/admin"), "/admin");
  EXPECT_EQ(normal("/a/%2e%2e%2e/b"), "/a/.../b");
}

TEST(PathNormalization, KeepsEmptySegmentsUnlessMerging) {
  EXPECT_EQ(normal("//x"), "//x");
  EXPECT_EQ(normal("/a//b"), "/a//b");
  EXPECT_EQ(normal("/a//../b"), "/a/b") << "'..' removes the empty segment";
  EXPECT_EQ(normal("//x", kMerge), "/x");
  EXPECT_EQ(normal("/a///b//", kMerge), "/a/b/");
  EXPECT_EQ(normal("////", kMerge), "/");
  EXPECT_EQ(normal("/a\\\\b", kMerge), "/a/b");
  // Merging comes after dot segments, as in Envoy: "/a//../b" is "/a/b" either way.
  EXPECT_EQ(normal("/a//../b", kMerge), "/a/b");
  EXPECT_EQ(normal("/a/.//b", kMerge), "/a/b");
}

TEST(PathNormalization, KeepsEncodedSlashesByDefault) {
  EXPECT_EQ(normal("/a%2fb"), "/a%2Fb");
  EXPECT_EQ(normal("/a%2Fb"), "/a%2Fb");
  EXPECT_EQ(normal("/a%5cb"), "/a%5Cb");
  // One segment, "..%2F..%2Fadmin": nothing to resolve.
  EXPECT_EQ(normal("/a/..%2F..%2Fadmin"), "/a/..%2F..%2Fadmin");
  EXPECT_EQ(normal("/a/%2F/../b"), "/a/b");
  EXPECT_EQ(normal("/a%2F%2Fb", kMerge), "/a%2F%2Fb") << "only real slashes are merged";
}

TEST(PathNormalization, DecodesEncodedSlashesFirstWhenAsked) {
  EXPECT_EQ(normal("/a%2fb", kDecode), "/a/b");
  EXPECT_EQ(normal("/a%2Fb", kDecode), "/a/b");
  EXPECT_EQ(normal("/a%5cb", kDecode), "/a/b") << "a decoded backslash is a slash";
  EXPECT_EQ(normal("/a%5Cb", kDecode), "/a/b");
  EXPECT_EQ(normal("/a/b%2F..%2F..%2Fc", kDecode), "/c") << "they take part in '..'";
  EXPECT_EQ(normal("/a%2F%2e%2e%2Fb", kDecode), "/b");
  EXPECT_EQ(normal("/a%2F%2Fb", kDecode), "/a//b");
  EXPECT_EQ(normal("/a%2F%2Fb", kDecodeAndMerge), "/a/b");
  EXPECT_EQ(normal("/%2F%2Fx", kDecodeAndMerge), "/x");
  EXPECT_EQ(normal("/a%3Ab", kDecode), "/a%3Ab") << "only slashes";
}

TEST(PathNormalization, RejectsEncodedSlashesWhenAsked) {
  std::string out;
  for (const char* path : {"/a%2fb", "/a%2F", "/%5c", "/%5C", "/ok/../%2f", "/a%2F%2e%2e"}) {
    EXPECT_FALSE(normalizePath(path, kReject, out)) << path;
  }
  EXPECT_EQ(normal("/a\\b", kReject), "/a/b") << "a real backslash is no encoded slash";
  EXPECT_EQ(normal("/a%252F", kReject), "/a%252F") << "an encoded '%' then \"2F\"";
  EXPECT_EQ(normal("/a/../b%2", kReject), "/b%2");
}

// An inbound sidecar normalises what an outbound one forwarded: doing it again must change
// nothing. Checked on random paths over the characters that matter, for every option.
TEST(PathNormalization, IsIdempotentAndLeavesNoDotSegmentsOrBackslashes) {
  // Hex digits that escapes decode to (%61 'a', %34 '4') and those that make escapes kept.
  const std::string alphabet = "/./.%%2eEfF5cC\\a6134";
  std::mt19937 random(20261127);
  for (const PathOptions& options : {kIstioDefault, kMerge, kDecode, kDecodeAndMerge, kReject}) {
    for (int i = 0; i < 20000; ++i) {
      std::string path = "/";
      const size_t length = random() % 20;
      for (size_t k = 0; k < length; ++k) path.push_back(alphabet[random() % alphabet.size()]);
      std::string once;
      if (!normalizePath(path, options, once)) continue;
      std::string twice;
      ASSERT_TRUE(normalizePath(once, options, twice)) << path;
      ASSERT_EQ(twice, once) << path;
      ASSERT_EQ(once.front(), '/') << path;
      ASSERT_EQ(once.find('\\'), std::string::npos) << path;
      ASSERT_EQ((once + "/").find("/./"), std::string::npos) << path;
      ASSERT_EQ((once + "/").find("/../"), std::string::npos) << path;
      if (options.mergeSlashes) {
        ASSERT_EQ(once.find("//"), std::string::npos) << path;
      }
    }
  }
}

TEST(PathNormalization, ReusesTheOutputBuffer) {
  std::string out;
  ASSERT_TRUE(normalizePath("/a/long/path/to/warm/the/buffer/up", kIstioDefault, out));
  const char* buffer = out.data();
  ASSERT_TRUE(normalizePath("/short/../x", kIstioDefault, out));
  EXPECT_EQ(out, "/x");
  EXPECT_EQ(out.data(), buffer);
}

TEST(PathNormalization, TakesTheModulesOptions) {
  mesh_module module{};
  EXPECT_FALSE(pathOptionsOf(module).mergeSlashes);
  EXPECT_EQ(pathOptionsOf(module).encodedSlashes, EncodedSlashes::kKeep);
  module.merge_slashes = 1;
  module.encoded_slashes = MESH_ENCODED_SLASHES_DECODE;
  EXPECT_TRUE(pathOptionsOf(module).mergeSlashes);
  EXPECT_EQ(pathOptionsOf(module).encodedSlashes, EncodedSlashes::kDecode);
  module.encoded_slashes = MESH_ENCODED_SLASHES_REJECT;
  EXPECT_EQ(pathOptionsOf(module).encodedSlashes, EncodedSlashes::kReject);
}

}  // namespace
}  // namespace mesh
