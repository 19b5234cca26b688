#pragma once

#include <string>

namespace meshc::driver {

struct DiffOptions {
  std::string oldPolicy;
  std::string newPolicy;
  std::string workload;  // --from; empty: every workload
};

// `meshc diff`: exit 0 when no decision changes, 1 when some do, 2 when a policy has errors or on
// I/O errors (as diff(1)).
int runDiff(const DiffOptions& options);

}  // namespace meshc::driver
