#pragma once

#include "driver/Commands.h"

#include <string>
#include <vector>

namespace meshc::driver {

struct TestOptions {
  std::vector<std::string> paths;  // files, or directories searched for *.mesh
  std::string filter;              // ECMAScript regex over test names; empty: all
  std::string junit;               // write a JUnit XML report here; empty: none
  bool coverage = false;           // list the rules and split branches no test reached
  double minCoverage = 0;          // percent; below it the run fails
  ReportOptions report;  // --color and --werror for the policies' diagnostics
};

// `meshc test`: exit 0 when every test passes (and coverage is at least --min-coverage), 1 when a
// test fails or a policy has errors, 2 on usage or I/O errors.
int runTests(const TestOptions& options);

}  // namespace meshc::driver
