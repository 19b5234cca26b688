#include "LinkedModule.h"

#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "codegen/Codegen.h"

namespace meshc::codegen::testing {

namespace fs = std::filesystem;

std::unique_ptr<LinkedModule> LinkedModule::create(const ir::Module& module) {
  // Each module gets its own file name: dlopen of a path already loaded returns the old library.
  static std::atomic<unsigned> created{0};
  const fs::path dir = fs::temp_directory_path() / ("meshc-linked-" + std::to_string(::getpid()) +
                                                    "-" + std::to_string(created.fetch_add(1)));
  fs::create_directories(dir);
  const fs::path object = dir / "policy.o";
  const fs::path library = dir / "policy.so";
  try {
    emitObject(module, object.string());
    // -nostdlib: the object needs no symbol, and linking it alone proves it.
    const std::string link =
        "cc -shared -nostdlib -o '" + library.string() + "' '" + object.string() + "' 2>&1";
    if (std::system(link.c_str()) != 0) throw std::runtime_error("failed: " + link);
    void* handle = ::dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) throw std::runtime_error(std::string("dlopen: ") + ::dlerror());
    const auto* loaded = static_cast<const mesh_module*>(::dlsym(handle, "mesh_policy_module"));
    if (loaded == nullptr) {
      ::dlclose(handle);
      throw std::runtime_error("the linked object has no mesh_policy_module");
    }
    return std::unique_ptr<LinkedModule>(new LinkedModule(dir, handle, loaded));
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
    throw;
  }
}

LinkedModule::LinkedModule(fs::path dir, void* handle, const mesh_module* module)
    : dir_(std::move(dir)), handle_(handle), module_(module) {}

LinkedModule::~LinkedModule() {
  ::dlclose(handle_);
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

}  // namespace meshc::codegen::testing
