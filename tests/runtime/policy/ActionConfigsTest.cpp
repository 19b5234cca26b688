#include <fmt/format.h>
#include <gtest/gtest.h>

#include "policy/ActionConfigs.h"

namespace mesh {
namespace {

std::string decodeEdits(std::initializer_list<mesh_header_edit> edits,
                        std::vector<HeaderEdit>* out = nullptr) {
  const std::vector<mesh_header_edit> list(edits);
  std::vector<HeaderEdit> scratch;
  return decodeHeaderEdits({list.data(), static_cast<uint32_t>(list.size()), 0},
                           out ? *out : scratch);
}

TEST(ActionConfigs, HeaderEditsDecodeInOrderAndAppend) {
  std::vector<HeaderEdit> edits;
  EXPECT_EQ(decodeEdits({{"x-a", "1", MESH_HEADER_SET, 0},
                         {"x-b", "two words\tand a tab", MESH_HEADER_ADD, 0},
                         {"x-c", "", MESH_HEADER_REMOVE, 0}},
                        &edits),
            "");
  EXPECT_EQ(decodeEdits({{"x-d", "4", MESH_HEADER_SET, 0}}, &edits), "");
  ASSERT_EQ(edits.size(), 4u);
  EXPECT_EQ(edits[0].name, "x-a");
  EXPECT_EQ(edits[0].value, "1");
  EXPECT_EQ(edits[0].op, HeaderEdit::Op::kSet);
  EXPECT_EQ(edits[1].op, HeaderEdit::Op::kAdd);
  EXPECT_EQ(edits[1].value, "two words\tand a tab");
  EXPECT_EQ(edits[2].op, HeaderEdit::Op::kRemove);
  EXPECT_EQ(edits[3].name, "x-d");
}

TEST(ActionConfigs, HeaderEditsRefuseWhatCouldNotBeSent) {
  EXPECT_EQ(decodeEdits({{"x-a", "1", 0, 0}}), "edit 0 has op 0, not a MESH_HEADER_* value");
  EXPECT_EQ(decodeEdits({{"x-a", "1", MESH_HEADER_SET, 0}, {"x-b", "1", 4, 0}}),
            "edit 1 has op 4, not a MESH_HEADER_* value");
  EXPECT_EQ(decodeEdits({{nullptr, "1", MESH_HEADER_SET, 0}}),
            "edit 0 (SET) has a null name or value");
  EXPECT_EQ(decodeEdits({{"x-a", nullptr, MESH_HEADER_REMOVE, 0}}),
            "edit 0 (REMOVE) has a null name or value");
  EXPECT_EQ(decodeEdits({{"", "1", MESH_HEADER_ADD, 0}}),
            "edit 0 (ADD) names \"\", not a lower-case header name");
  EXPECT_EQ(decodeEdits({{"X-A", "1", MESH_HEADER_SET, 0}}),
            "edit 0 (SET) names \"X-A\", not a lower-case header name");
  EXPECT_EQ(decodeEdits({{"x a", "1", MESH_HEADER_SET, 0}}),
            "edit 0 (SET) names \"x a\", not a lower-case header name");
  EXPECT_EQ(decodeEdits({{"x:a", "1", MESH_HEADER_SET, 0}}),
            "edit 0 (SET) names \"x:a\", not a lower-case header name");
  EXPECT_EQ(decodeEdits({{"x-a", "1\r\nx-injected: 1", MESH_HEADER_SET, 0}}),
            "edit 0 (SET \"x-a\") has a control character in its value");
  EXPECT_EQ(decodeEdits({{"x-a", "\x7f", MESH_HEADER_ADD, 0}}),
            "edit 0 (ADD \"x-a\") has a control character in its value");
  std::vector<HeaderEdit> out;
  EXPECT_EQ(decodeHeaderEdits({nullptr, 1, 0}, out), "a null edit list");
  EXPECT_EQ(decodeHeaderEdits({nullptr, 0, 0}, out), "");
}

TEST(ActionConfigs, DirectResponseStatusAndBody) {
  DirectResponse out;
  EXPECT_EQ(decodeDirectResponse({"gone\n", 410, 0}, out), "");
  EXPECT_EQ(out.status, 410u);
  EXPECT_EQ(out.body, "gone\n");
  EXPECT_EQ(decodeDirectResponse({"", 200, 0}, out), "");
  EXPECT_EQ(decodeDirectResponse({"", 599, 0}, out), "");
  EXPECT_EQ(decodeDirectResponse({"", 204, 0}, out), "");
  EXPECT_EQ(decodeDirectResponse({"", 199, 0}, out), "status 199 is not within 200-599");
  EXPECT_EQ(decodeDirectResponse({"", 600, 0}, out), "status 600 is not within 200-599");
  EXPECT_EQ(decodeDirectResponse({nullptr, 200, 0}, out), "a null body");
  EXPECT_EQ(decodeDirectResponse({"x", 204, 0}, out),
            "a body with status 204, which HTTP gives none");
  EXPECT_EQ(decodeDirectResponse({"x", 304, 0}, out),
            "a body with status 304, which HTTP gives none");
}

mesh_redirect redirect(const char* scheme, const char* host, uint32_t port, uint32_t status,
                       mesh_path_rewrite path = {"", "", MESH_PATH_KEEP, 0}) {
  return {scheme, host, path, port, status};
}

TEST(ActionConfigs, RedirectDecodes) {
  Redirect out;
  EXPECT_EQ(
      decodeRedirect(
          redirect("https", "example.org", 8443, 301, {"/new", "/old", MESH_PATH_PREFIX, 0}), out),
      "");
  EXPECT_EQ(out.scheme, "https");
  EXPECT_EQ(out.host, "example.org");
  EXPECT_EQ(out.port, 8443u);
  EXPECT_EQ(out.status, 301u);
  EXPECT_EQ(out.path.kind, PathRewrite::Kind::kPrefix);
  EXPECT_EQ(out.path.prefix, "/old");
  EXPECT_EQ(out.path.value, "/new");
  for (uint32_t status : {301, 302, 303, 307, 308}) {
    EXPECT_EQ(decodeRedirect(redirect("", "", 0, status), out), "") << status;
  }
  EXPECT_EQ(decodeRedirect(redirect("http", "[::1]", 0, 302), out), "");
}

TEST(ActionConfigs, RedirectRefusesWhatLocationCannotSay) {
  Redirect out;
  for (uint32_t status : {0, 200, 300, 304, 305, 306, 309}) {
    EXPECT_EQ(decodeRedirect(redirect("", "", 0, status), out),
              fmt::format("status {} is not 301, 302, 303, 307 or 308", status));
  }
  EXPECT_EQ(decodeRedirect(redirect("ftp", "", 0, 302), out),
            "scheme \"ftp\" is not \"\", \"http\" or \"https\"");
  EXPECT_EQ(decodeRedirect(redirect("HTTPS", "", 0, 302), out),
            "scheme \"HTTPS\" is not \"\", \"http\" or \"https\"");
  EXPECT_EQ(decodeRedirect(redirect(nullptr, "", 0, 302), out), "a null scheme or host");
  EXPECT_EQ(decodeRedirect(redirect("", nullptr, 0, 302), out), "a null scheme or host");
  for (const char* host :
       {"a b", "example.org:8080", "[::1]:80", "user@example.org", "a/b", ".", "example.org:"}) {
    EXPECT_EQ(decodeRedirect(redirect("", host, 0, 302), out),
              fmt::format("host \"{}\" is not a host name or address without port", host));
  }
  EXPECT_EQ(decodeRedirect(redirect("", "", 65536, 302), out), "port 65536 is not within 1-65535");
  EXPECT_EQ(decodeRedirect(redirect("", "", 0, 302, {"/x", nullptr, MESH_PATH_PREFIX, 0}), out),
            "path: PREFIX with a null value or prefix");
}

TEST(ActionConfigs, RewriteDecodes) {
  Rewrite out;
  EXPECT_EQ(decodeRewrite({"backend.internal", {"/v2", "", MESH_PATH_FULL, 0}}, out), "");
  EXPECT_EQ(out.host, "backend.internal");
  EXPECT_EQ(out.path.kind, PathRewrite::Kind::kFull);
  EXPECT_EQ(out.path.value, "/v2");
  EXPECT_EQ(decodeRewrite({"backend:9080", {"", "", MESH_PATH_KEEP, 0}}, out), "");
  EXPECT_EQ(decodeRewrite({"", {"", "", MESH_PATH_KEEP, 0}}, out), "");
  EXPECT_EQ(out.path.kind, PathRewrite::Kind::kKeep);
  EXPECT_EQ(decodeRewrite({nullptr, {"", "", MESH_PATH_KEEP, 0}}, out), "a null host");
  for (const char* host : {"a b", "user@backend", "backend:x", "backend:", "[::1"}) {
    EXPECT_EQ(decodeRewrite({host, {"", "", MESH_PATH_KEEP, 0}}, out),
              fmt::format("host \"{}\" is not a host name or address, with or without port", host));
  }
  EXPECT_EQ(decodeRewrite({"", {"/x", "", 7, 0}}, out), "path: kind 7 is not a MESH_PATH_* value");
}

TEST(ActionConfigs, PathRewrites) {
  PathRewrite out;
  EXPECT_EQ(decodePathRewrite({nullptr, nullptr, MESH_PATH_KEEP, 0}, out), "");
  EXPECT_EQ(out.kind, PathRewrite::Kind::kKeep);
  EXPECT_EQ(decodePathRewrite({"/a/b", "", MESH_PATH_FULL, 0}, out), "");
  EXPECT_EQ(out.kind, PathRewrite::Kind::kFull);
  EXPECT_EQ(decodePathRewrite({"", "/foo", MESH_PATH_PREFIX, 0}, out), "");
  EXPECT_EQ(out.kind, PathRewrite::Kind::kPrefix);
  // The root, written "/" or, as abi.h's "no trailing '/'" makes it, "".
  EXPECT_EQ(decodePathRewrite({"/", "/", MESH_PATH_PREFIX, 0}, out), "");
  EXPECT_EQ(decodePathRewrite({"/base", "", MESH_PATH_PREFIX, 0}, out), "");
  EXPECT_EQ(out.prefix, "");
  EXPECT_EQ(decodePathRewrite({"/bar/", "/foo/bar", MESH_PATH_PREFIX, 0}, out), "");

  EXPECT_EQ(decodePathRewrite({"/x", "", 3, 0}, out), "kind 3 is not a MESH_PATH_* value");
  EXPECT_EQ(decodePathRewrite({nullptr, "", MESH_PATH_FULL, 0}, out), "FULL with a null value");
  for (const char* path : {"", "relative", "/a b", "/a?b", "/a#b", "/caf\xc3\xa9", "/a\tb"}) {
    EXPECT_EQ(decodePathRewrite({path, "", MESH_PATH_FULL, 0}, out),
              fmt::format("FULL value \"{}\" is not a path ('/', then visible ASCII but '?' and "
                          "'#')",
                          path));
  }
  EXPECT_EQ(decodePathRewrite({"/x", nullptr, MESH_PATH_PREFIX, 0}, out),
            "PREFIX with a null value or prefix");
  for (const char* prefix : {"/foo/", "foo", "/a b"}) {
    EXPECT_EQ(decodePathRewrite({"/x", prefix, MESH_PATH_PREFIX, 0}, out),
              fmt::format("PREFIX prefix \"{}\" is not a path without a trailing '/'", prefix));
  }
  EXPECT_EQ(decodePathRewrite({"x", "/foo", MESH_PATH_PREFIX, 0}, out),
            "PREFIX value \"x\" is neither empty nor a path ('/', then visible ASCII but '?' and "
            "'#')");
}

TEST(ActionConfigs, MirrorsDecodeInOrder) {
  const mesh_mirror list[] = {{3, 1000}, {0, 10000}, {5, 1}};
  std::vector<Mirror> mirrors;
  EXPECT_EQ(decodeMirrors({list, 3, 0}, mirrors), "");
  ASSERT_EQ(mirrors.size(), 3u);
  EXPECT_EQ(mirrors[0].cluster, 3u);
  EXPECT_EQ(mirrors[0].weight, 1000u);
  EXPECT_EQ(mirrors[1].cluster, 0u);
  EXPECT_EQ(mirrors[2].weight, 1u);
}

TEST(ActionConfigs, MirrorsRefuseWeightsOutOfRangeAndRepeatedClusters) {
  std::vector<Mirror> scratch;
  EXPECT_EQ(decodeMirrors({nullptr, 0, 0}, scratch), "an empty or null mirror list");
  const mesh_mirror one[] = {{1, 100}};
  EXPECT_EQ(decodeMirrors({one, 0, 0}, scratch), "an empty or null mirror list");
  EXPECT_EQ(decodeMirrors({nullptr, 1, 0}, scratch), "an empty or null mirror list");
  const mesh_mirror zero[] = {{1, 0}};
  EXPECT_EQ(decodeMirrors({zero, 1, 0}, scratch), "mirror 0 has weight 0, not within 1-10000");
  scratch.clear();
  const mesh_mirror over[] = {{1, 100}, {2, 10001}};
  EXPECT_EQ(decodeMirrors({over, 2, 0}, scratch), "mirror 1 has weight 10001, not within 1-10000");
  scratch.clear();
  const mesh_mirror twice[] = {{1, 100}, {2, 100}, {1, 200}};
  EXPECT_EQ(decodeMirrors({twice, 3, 0}, scratch), "mirror 2 names cluster 1 a second time");
}

// Each mirror has its own draw: over many seeds a mirror takes its share, and two mirrors of the
// same weight do not take the same requests.
TEST(ActionConfigs, EachMirrorTakesItsShareOnItsOwnDraw) {
  int first = 0;
  int second = 0;
  int both = 0;
  for (uint64_t seed = 0; seed < 100000; ++seed) {
    const bool a = mirrorTaken(seed * 0x9E3779B97F4A7C15ull, 0, 2500);
    const bool b = mirrorTaken(seed * 0x9E3779B97F4A7C15ull, 1, 2500);
    first += a;
    second += b;
    both += a && b;
  }
  EXPECT_NEAR(first, 25000, 1000);
  EXPECT_NEAR(second, 25000, 1000);
  EXPECT_NEAR(both, 6250, 600) << "the draws are independent";
  EXPECT_FALSE(mirrorTaken(0, 0, 0));
  EXPECT_TRUE(mirrorTaken(12345, 7, 10000));
  EXPECT_EQ(mirrorTaken(42, 2, 3000), mesh_draw(42, MESH_DRAW_MIRROR + 2) % 10000 < 3000);
}

}  // namespace
}  // namespace mesh
