#include "core/ReadyFile.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace mesh {

void writeFileAtomically(const std::string& path, std::string_view content) {
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  auto fail = [&](const std::string& what) {
    const std::string reason = std::strerror(errno);
    std::remove(temporary.c_str());
    throw std::runtime_error(what + " " + path + ": " + reason);
  };
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  if (!file) fail("cannot create");
  const bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size();
  if (std::fclose(file) != 0 || !written) fail("cannot write");
  if (std::rename(temporary.c_str(), path.c_str()) != 0) fail("cannot rename into");
}

}  // namespace mesh
