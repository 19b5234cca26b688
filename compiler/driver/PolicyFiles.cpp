#include "driver/PolicyFiles.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

namespace meshc::driver {

namespace fs = std::filesystem;

std::vector<std::string> policyFiles(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    if (!fs::exists(path)) throw std::runtime_error(path + ": no such file or directory");
    if (!fs::is_directory(path)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(path)) {
      if (entry.is_regular_file() && entry.path().extension() == ".mesh") {
        found.push_back(entry.path().string());
      }
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

}  // namespace meshc::driver
