#pragma once

#include "driver/Commands.h"

#include <string>

namespace meshc::driver {

struct DiffOptions {
  std::string oldPolicy;
  std::string newPolicy;
  std::string workload;  // --from; empty: every workload
  ReportOptions report;  // --color and --werror for the policies' diagnostics
};

// `meshc diff`: exit 0 when no decision changes, 1 when some do, 2 when a policy has errors or on
// I/O errors (as diff(1)).
int runDiff(const DiffOptions& options);

}  // namespace meshc::driver
