#pragma once

#include <string>
#include <vector>

namespace meshc::driver {

// Where the sidecar runtime lives and how to link against it: `libmeshrt.a` plus `meshrt.link`
// (one linker argument per line, recorded when the runtime was built).
struct RuntimeLocation {
  std::string directory;
  std::vector<std::string> linkArguments;
};

// Looks in $MESHC_RUNTIME_DIR, then <meshc>/../lib/meshc (an installed meshc), then the build tree
// meshc was built in. Throws std::runtime_error listing the places tried.
RuntimeLocation locateRuntime();

// Links a policy object with the runtime into an executable. The C++ driver is $MESHC_CXX, else
// the compiler meshc was built with. Throws std::runtime_error with the failed command line.
void linkSidecar(const RuntimeLocation& runtime, const std::string& objectPath,
                 const std::string& outputPath);

}  // namespace meshc::driver
