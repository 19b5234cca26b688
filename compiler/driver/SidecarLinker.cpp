#include "driver/SidecarLinker.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "driver/BuildInfo.h"

extern char** environ;

namespace meshc::driver {
namespace {

namespace fs = std::filesystem;

bool holdsRuntime(const fs::path& directory) {
  std::error_code ec;
  return fs::exists(directory / "libmeshrt.a", ec) && fs::exists(directory / "meshrt.link", ec);
}

std::vector<std::string> readLinkArguments(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> arguments;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) arguments.push_back(line);
  }
  return arguments;
}

std::string commandLine(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& arg : argv) out += (out.empty() ? "" : " ") + arg;
  return out;
}

}  // namespace

RuntimeLocation locateRuntime() {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("MESHC_RUNTIME_DIR"); env != nullptr && *env != '\0') {
    candidates.emplace_back(env);
  }
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back(self.parent_path().parent_path() / "lib" / "meshc");
  candidates.emplace_back(kBuildRuntimeDir);

  std::string tried;
  for (const fs::path& candidate : candidates) {
    if (holdsRuntime(candidate)) {
      return {candidate.string(), readLinkArguments(candidate / "meshrt.link")};
    }
    tried += "\n  " + candidate.string();
  }
  throw std::runtime_error("cannot find the sidecar runtime (libmeshrt.a and meshrt.link); "
                           "set MESHC_RUNTIME_DIR. Looked in:" + tried);
}

void linkSidecar(const RuntimeLocation& runtime, const std::string& objectPath,
                 const std::string& outputPath) {
  const char* cxx = std::getenv("MESHC_CXX");
  std::vector<std::string> argv{cxx != nullptr && *cxx != '\0' ? cxx : kBuildCxxCompiler,
                                objectPath, (fs::path(runtime.directory) / "libmeshrt.a").string()};
  argv.insert(argv.end(), runtime.linkArguments.begin(), runtime.linkArguments.end());
  argv.push_back("-o");
  argv.push_back(outputPath);

  std::vector<char*> raw;
  for (std::string& arg : argv) raw.push_back(arg.data());
  raw.push_back(nullptr);
  pid_t pid = 0;
  const int spawnError = posix_spawnp(&pid, raw[0], nullptr, nullptr, raw.data(), environ);
  if (spawnError != 0) {
    throw std::runtime_error("cannot run the linker '" + argv[0] +
                             "': " + std::strerror(spawnError));
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("waiting for the linker failed");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("linking failed: " + commandLine(argv));
  }
}

}  // namespace meshc::driver
