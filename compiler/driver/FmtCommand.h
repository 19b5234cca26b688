#pragma once

#include <string>
#include <vector>

namespace meshc::driver {

struct FmtOptions {
  std::vector<std::string> files;  // files, directories (searched for *.mesh), or "-": stdin to
                                   // stdout
  bool check = false;              // report files that are not formatted; change nothing
};

// `meshc fmt`: exit 0 when every file is (now) formatted, 1 when --check finds an unformatted
// file or a file does not parse, 2 on I/O errors.
int runFmt(const FmtOptions& options);

}  // namespace meshc::driver
