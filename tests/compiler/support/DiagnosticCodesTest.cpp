#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "support/DiagnosticCodes.h"

namespace meshc {
namespace {

std::string readDocs() {
  std::ifstream in(MESHC_DIAGNOSTICS_DOC);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(DiagnosticCodes, AreWellFormedAndUnique) {
  std::set<std::string_view> seen;
  for (const DiagnosticCodeInfo& info : kDiagnosticCodes) {
    EXPECT_TRUE(std::regex_match(std::string(info.id), std::regex("[EW]0[1-9][0-9]{2}")))
        << info.id;
    EXPECT_TRUE(seen.insert(info.id).second) << "code used twice: " << info.id;
    EXPECT_FALSE(info.summary.empty()) << info.id;
  }
}

TEST(DiagnosticCodes, EveryCodeIsDocumented) {
  const std::string docs = readDocs();
  ASSERT_FALSE(docs.empty()) << "cannot read " << MESHC_DIAGNOSTICS_DOC;
  for (const DiagnosticCodeInfo& info : kDiagnosticCodes) {
    EXPECT_NE(docs.find("\n### " + std::string(info.id) + "\n"), std::string::npos)
        << info.id << " (" << info.summary << ") is missing from docs/diagnostics.md";
  }
}

TEST(DiagnosticCodes, DocsDescribeNoUnknownCode) {
  const std::string docs = readDocs();
  std::set<std::string> known;
  for (const DiagnosticCodeInfo& info : kDiagnosticCodes) known.insert(std::string(info.id));
  const std::regex heading("\n### ([EW][0-9]{4})\n");
  for (auto it = std::sregex_iterator(docs.begin(), docs.end(), heading);
       it != std::sregex_iterator(); ++it) {
    EXPECT_TRUE(known.count((*it)[1].str())) << (*it)[1].str() << " is documented but not defined";
  }
}

}  // namespace
}  // namespace meshc
