#include "driver/Commands.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "ast/AstPrinter.h"
#include "codegen/Codegen.h"
#include "driver/Frontend.h"
#include "driver/Pipeline.h"
#include "driver/SidecarLinker.h"
#include "ir/Printer.h"

namespace meshc::driver {
namespace {

namespace fs = std::filesystem;

// Prints diagnostics; true when the policy may go on to the next stage.
bool report(const CheckedPolicy& checked) {
  std::cerr << checked.diagnostics.render(checked.source);
  const size_t errors = checked.diagnostics.errorCount();
  if (errors > 0) {
    std::cerr << errors << (errors == 1 ? " error" : " errors") << " generated.\n";
  }
  return errors == 0;
}

std::vector<ir::Module> selectModules(const CheckedPolicy& checked, const std::string& workload) {
  std::vector<ir::Module> modules = lowerAndVerify(checked);
  if (workload.empty()) return modules;
  for (ir::Module& module : modules) {
    if (module.workload == workload) return {std::move(module)};
  }
  throw std::invalid_argument("no workload named '" + workload + "' in " + checked.source.path());
}

long long millisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

int buildSidecars(const CheckedPolicy& checked, const std::vector<ir::Module>& modules,
                  const CompileOptions& options) {
  if (options.outputDir.empty()) {
    std::cerr << "meshc: compile needs an output directory: -o DIR\n";
    return 2;
  }
  fs::create_directories(options.outputDir);
  const RuntimeLocation runtime = locateRuntime();
  std::cout << "policy " << checked.source.path() << " digest " << checked.digest << "\n"
            << "runtime " << runtime.directory << "\n";
  for (const ir::Module& module : modules) {
    const auto start = std::chrono::steady_clock::now();
    const fs::path object =
        fs::path(options.outputDir) /
        (options.keepObjects ? "policy-" + module.workload + ".o"
                             : ".policy-" + module.workload + "." + std::to_string(getpid()) + ".o");
    const fs::path sidecar = fs::path(options.outputDir) / ("sidecar-" + module.workload);
    try {
      codegen::emitObject(module, object.string());
      linkSidecar(runtime, object.string(), sidecar.string());
    } catch (...) {
      if (!options.keepObjects) fs::remove(object);
      throw;
    }
    if (!options.keepObjects) fs::remove(object);
    std::cout << "  " << sidecar.string() << "  (" << module.routableServices
              << " callable services, " << module.clusters.size() << " clusters, "
              << millisecondsSince(start) << " ms)\n";
  }
  return 0;
}

}  // namespace

int runCompile(const CompileOptions& options) {
  try {
    const CheckedPolicy checked = loadPolicy(options.input);
    if (options.emit == EmitStage::Ast && checked.parsed) std::cout << ast::print(checked.policy);
    if (!report(checked)) return 1;
    if (options.emit == EmitStage::Ast) return 0;
    const std::vector<ir::Module> modules = selectModules(checked, options.workload);
    switch (options.emit) {
      case EmitStage::Ir:
        for (const ir::Module& module : modules) std::cout << ir::print(module) << "\n";
        return 0;
      case EmitStage::Llvm:
        for (const ir::Module& module : modules) std::cout << codegen::emitLlvmIr(module, true);
        return 0;
      case EmitStage::Ast:
      case EmitStage::None:
        break;
    }
    return buildSidecars(checked, modules, options);
  } catch (const std::exception& e) {
    std::cerr << "meshc: " << e.what() << "\n";
    return 2;
  }
}

int runCheck(const std::string& input) {
  try {
    const CheckedPolicy checked = loadPolicy(input);
    if (!report(checked)) return 1;
    std::cout << input << ": ok: " << checked.policy.services.size() << " services, "
              << checked.policy.workloads.size() << " workloads, digest " << checked.digest
              << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "meshc: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace meshc::driver
