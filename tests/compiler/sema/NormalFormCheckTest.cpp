#include <gtest/gtest.h>

#include "compiler/PolicyFixture.h"
#include "sema/Sema.h"

namespace meshc {
namespace {

using testing::check;

// `mesh` (line 1) with `meshSettings`, a service r whose route holds `rules` from line 6 on, and a
// workload calling it (so no other lint speaks).
std::string lintSummary(const std::string& meshSettings, const std::string& rules) {
  auto c = check("mesh m { trust_domain \"m.local\"; " + meshSettings +
                 "}\n"
                 "service r {\n"
                 "  port 80;\n"
                 "  subset v1 { endpoints []; }\n"
                 "  route {\n" +
                 rules +
                 "    otherwise => v1;\n"
                 "  }\n"
                 "}\n"
                 "workload w { service r; version v1; calls r; }\n");
  EXPECT_TRUE(c.ok) << c.rendered();
  sema::lint(c.policy, c.diagnostics);
  return c.summary();
}

TEST(NormalFormCheck, PathLiteralsNoNormalisedPathMatches) {
  EXPECT_EQ(lintSummary("",
                        "    when path == \"/a/../b\" => v1;\n"
                        "    when path == \"/c%3a\" => v1;\n"
                        "    when path prefix \"/%7Euser/\" => v1;\n"
                        "    when path starts_with \"/d\\\\e\" => v1;\n"
                        "    when path suffix \"/./x.png\" => v1;\n"
                        "    when not path starts_with \"/f/../\" => v1;\n"),
            "6:18: warning[W0301]: 'path == \"/a/../b\"' never matches: the sidecar matches the "
            "normalised path, which never is this; write \"/b\", its normal form\n"
            "7:18: warning[W0301]: 'path == \"/c%3a\"' never matches: the sidecar matches the "
            "normalised path, which never is this; write \"/c%3A\", its normal form\n"
            "8:22: warning[W0301]: 'path prefix \"/%7Euser/\"' never matches: the sidecar matches "
            "the normalised path, which never starts with this; write \"/~user\", its normal "
            "form\n"
            "9:27: warning[W0301]: 'path starts_with \"/d\\\\e\"' never matches: the sidecar "
            "matches the normalised path, which never starts with this; write \"/d/e\", its "
            "normal form\n"
            "10:22: warning[W0301]: 'path suffix \"/./x.png\"' never matches: the sidecar matches "
            "the normalised path, which never ends with this; write \"/x.png\", its normal form\n"
            "11:31: warning[W0301]: 'path starts_with \"/f/../\"' never matches: the sidecar "
            "matches the normalised path, which never starts with this; write \"/\", its normal "
            "form\n");
}

TEST(NormalFormCheck, PiecesANormalisedPathCanHoldAreFine) {
  EXPECT_EQ(lintSummary("",
                        "    when path starts_with \"/f/.\" => v1;\n"  // "/f/.well-known"
                        "    when path suffix \"./y\" => v1;\n"        // "/a./y"
                        "    when path suffix \"..\" => v1;\n"         // "/a.."
                        "    when path prefix \"/g/\" => v1;\n"        // the '/' is ignored
                        "    when path == \"/h%2Fb\" => v1;\n"         // kept by default
                        "    when path starts_with \"/i%2\" => v1;\n"  // an escape cut short
                        "    when path == \"/j//k\" => v1;\n"          // slashes are not merged
                        "    when path matches \"/l/../m\" => v1;\n"),
            "");
}

TEST(NormalFormCheck, TheMeshsPathSettingsCount) {
  EXPECT_EQ(lintSummary("merge_slashes; encoded_slashes decode; ",
                        "    when path starts_with \"//x\" => v1;\n"
                        "    when path == \"/a%2Fb\" => v1;\n"),
            "6:27: warning[W0301]: 'path starts_with \"//x\"' never matches: the sidecar matches "
            "the normalised path, which never starts with this; write \"/x\", its normal form\n"
            "7:18: warning[W0301]: 'path == \"/a%2Fb\"' never matches: the sidecar matches the "
            "normalised path, which never is this; write \"/a/b\", its normal form\n");
  EXPECT_EQ(lintSummary("encoded_slashes reject; ", "    when path == \"/a%2fb\" => v1;\n"),
            "6:18: warning[W0301]: 'path == \"/a%2fb\"' never matches: the sidecar matches the "
            "normalised path, which never is this; the sidecar refuses every path with an "
            "encoded slash (encoded_slashes reject)\n");
}

TEST(NormalFormCheck, HeaderLiteralsWithWhitespaceATrimmedValueNeverHas) {
  EXPECT_EQ(lintSummary("",
                        "    when header \"a\" == \" x\" => v1;\n"
                        "    when header \"b\" prefix \"\\tx\" => v1;\n"
                        "    when header \"c\" suffix \"x \" => v1;\n"
                        "    when header \"d\" prefix \"x \" => v1;\n"  // "x y"
                        "    when header \"e\" suffix \" x\" => v1;\n"  // "y x"
                        "    when header \"f\" == \"x y\" => v1;\n"
                        "    when query \"q\" == \" x\" => v1;\n"),  // "%20x" decodes to it
            "6:24: warning[W0302]: 'header \"a\" == \" x\"' never matches: a header value has no "
            "spaces or tabs around it (the sidecar trims them); write \"x\"\n"
            "7:28: warning[W0302]: 'header \"b\" prefix \"\\tx\"' never matches: a header value "
            "has no spaces or tabs before it (the sidecar trims them); write \"x\"\n"
            "8:28: warning[W0302]: 'header \"c\" suffix \"x \"' never matches: a header value "
            "has no spaces or tabs after it (the sidecar trims them); write \"x\"\n");
}

TEST(NormalFormCheck, RewriteAndRedirectPathsNotInNormalForm) {
  EXPECT_EQ(lintSummary("",
                        "    when path prefix \"/a\" => v1 { rewrite prefix \"/v2/..\"; }\n"
                        "    when path == \"/b\" => v1 { rewrite path \"/x/./y\"; }\n"
                        "    when path == \"/c\" => redirect 301 { path \"/%41\"; }\n"
                        "    when path prefix \"/d\" => redirect 301 { prefix \"/e/\"; }\n"
                        "    when path prefix \"/f\" => v1 { rewrite prefix \"/\"; }\n"),
            "6:50: warning[W0303]: the rewritten prefix \"/v2/..\" is not in normal form: the "
            "upstream would receive a path no sidecar of this mesh forwards; write \"/\", its "
            "normal form\n"
            "7:44: warning[W0303]: the rewritten path \"/x/./y\" is not in normal form: the "
            "upstream would receive a path no sidecar of this mesh forwards; write \"/x/y\", its "
            "normal form\n"
            "8:41: warning[W0303]: the redirect's path \"/%41\" is not in normal form: the "
            "client's next request would not arrive with it; write \"/A\", its normal form\n");
}

}  // namespace
}  // namespace meshc
