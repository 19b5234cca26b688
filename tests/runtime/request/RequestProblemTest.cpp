#include <gtest/gtest.h>

#include <set>
#include <string>

#include "request/RequestProblem.h"

namespace mesh {
namespace {

// The phrase goes into a 400's body after "meshc: bad request: ": one line, telling each apart.
TEST(RequestProblem, EachHasItsOwnOneLinePhrase) {
  std::set<std::string> phrases;
  for (RequestProblem problem :
       {RequestProblem::kNone, RequestProblem::kMalformedAuthority, RequestProblem::kDuplicateHost,
        RequestProblem::kUserInfo, RequestProblem::kFragment, RequestProblem::kTargetForm,
        RequestProblem::kEncodedSlash}) {
    const std::string phrase(describe(problem));
    EXPECT_FALSE(phrase.empty());
    EXPECT_EQ(phrase.find('\n'), std::string::npos) << phrase;
    EXPECT_TRUE(phrases.insert(phrase).second) << phrase;
  }
  EXPECT_EQ(describe(RequestProblem::kMalformedAuthority),
            "malformed host in Host header or request target")
      << "the wording the runtime has always used";
}

}  // namespace
}  // namespace mesh
