#include "driver/FmtCommand.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <stdexcept>

#include "driver/PolicyFiles.h"
#include "format/Formatter.h"
#include "support/SourceFile.h"

namespace meshc::driver {
namespace {

namespace fs = std::filesystem;

// Through a temporary file and a rename, so an interrupted run never leaves half a policy.
// A symlink stays a symlink: its target is what gets replaced.
void replaceFile(const std::string& path, const std::string& text) {
  const fs::path target = fs::is_symlink(path) ? fs::canonical(path) : fs::path(path);
  const fs::path temporary = target.string() + ".meshc-fmt." + std::to_string(getpid());
  {
    std::ofstream out(temporary, std::ios::binary);
    out << text;
    if (!out.flush()) {
      out.close();
      fs::remove(temporary);
      throw std::runtime_error(path + ": cannot write the formatted file");
    }
  }
  std::error_code error;
  fs::permissions(temporary, fs::status(target).permissions(), error);
  fs::rename(temporary, target, error);
  if (error) {
    fs::remove(temporary);
    throw std::runtime_error(path + ": cannot replace the file: " + error.message());
  }
}

}  // namespace

int runFmt(const FmtOptions& options) {
  int status = 0;
  try {
    std::vector<std::string> files;
    for (const std::string& path : options.files) {
      if (path == "-") {
        files.push_back(path);
      } else {
        for (std::string& file : policyFiles({path})) files.push_back(std::move(file));
      }
    }
    for (const std::string& path : files) {
      const SourceFile source =
          path == "-" ? SourceFile("<stdin>", std::string(std::istreambuf_iterator<char>(std::cin),
                                                          std::istreambuf_iterator<char>()))
                      : SourceFile::read(path);
      const std::optional<std::string> formatted = format::formatPolicy(source);
      if (!formatted) {
        std::cerr << path << ": not formatted: the policy has syntax errors (see meshc check)\n";
        status = 1;
        continue;
      }
      if (path == "-") {
        std::cout << *formatted;
        continue;
      }
      if (*formatted == source.text()) continue;
      if (options.check) {
        std::cout << path << ": not formatted\n";
        status = 1;
        continue;
      }
      replaceFile(path, *formatted);
      std::cout << "formatted " << path << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "meshc: " << e.what() << "\n";
    return 2;
  }
  return status;
}

}  // namespace meshc::driver
