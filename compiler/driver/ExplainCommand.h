#pragma once

#include "driver/Commands.h"

#include <cstdint>
#include <string>
#include <vector>

namespace meshc::driver {

struct ExplainOptions {
  std::string input;                 // the policy file
  std::string workload;              // --from
  std::string request;               // "METHOD URL"
  std::vector<std::string> headers;  // "Name: value" each
  std::string principal;
  uint64_t seed = 0;  // the request's own random draws
  ReportOptions report;  // --color and --werror for the policies' diagnostics
};

// `meshc explain`: how a workload's sidecar decides one request, rule by rule. Exit 0, 1 when the
// policy has errors, 2 on usage errors or when the compiled code and the evaluator disagree.
int runExplain(const ExplainOptions& options);

}  // namespace meshc::driver
