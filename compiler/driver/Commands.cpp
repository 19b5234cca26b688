#include "driver/Commands.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <set>
#include <stdexcept>

#include "ast/AstPrinter.h"
#include "codegen/Codegen.h"
#include "driver/Frontend.h"
#include "driver/Pipeline.h"
#include "driver/Report.h"
#include "driver/SidecarLinker.h"
#include "ir/Printer.h"
#include "support/DiagnosticJson.h"

namespace meshc::driver {
namespace {

namespace fs = std::filesystem;

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

// Sidecars in the output directory whose workload the policy no longer declares would be
// deployed by mistake; they are named, and removed with --clean. Nothing else is ever touched.
void reportStaleSidecars(const CheckedPolicy& checked, const CompileOptions& options) {
  std::set<std::string> current;
  for (const ast::Workload& workload : checked.policy.workloads) {
    current.insert("sidecar-" + workload.name.name);
  }
  // Only what `compile` itself writes: an executable named sidecar-<a valid workload name>.
  auto looksLikeSidecar = [](const fs::directory_entry& entry) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() || name.rfind("sidecar-", 0) != 0 || name.size() == 8)
      return false;
    const std::string workload = name.substr(8);
    const bool validName =
        (std::isalpha(static_cast<unsigned char>(workload[0])) != 0 || workload[0] == '_') &&
        std::all_of(workload.begin(), workload.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
        });
    return validName && (entry.status().permissions() & fs::perms::owner_exec) != fs::perms::none;
  };
  std::vector<fs::path> stale;
  for (const auto& entry : fs::directory_iterator(options.outputDir)) {
    const std::string name = entry.path().filename().string();
    if (looksLikeSidecar(entry) && current.count(name) == 0) stale.push_back(entry.path());
  }
  std::sort(stale.begin(), stale.end());
  for (const fs::path& path : stale) {
    if (options.clean) {
      fs::remove(path);
      std::cout << "  removed " << path.string() << " (no such workload any more)\n";
    } else {
      std::cerr << "meshc: warning: " << path.string()
                << " is from a workload the policy no longer has; --clean removes it\n";
    }
  }
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
        fs::path(options.outputDir) / (options.keepObjects ? "policy-" + module.workload + ".o"
                                                           : ".policy-" + module.workload + "." +
                                                                 std::to_string(getpid()) + ".o");
    const fs::path sidecar = fs::path(options.outputDir) / ("sidecar-" + module.workload);
    try {
      codegen::emitObject(module, object.string());
      linkSidecar(runtime, object.string(), sidecar.string());
    } catch (...) {
      if (!options.keepObjects) fs::remove(object);
      throw;
    }
    if (!options.keepObjects) fs::remove(object);
    // Flushed per sidecar: progress shows even when stdout is a pipe (a CI log).
    std::cout << "  " << sidecar.string() << "  (" << module.routableServices
              << " callable services, " << module.clusters.size() << " clusters, "
              << millisecondsSince(start) << " ms)" << std::endl;
  }
  reportStaleSidecars(checked, options);
  return 0;
}

}  // namespace

int runCompile(const CompileOptions& options) {
  try {
    CheckedPolicy checked = loadPolicy(options.input);
    if (options.emit == EmitStage::Ast && checked.parsed) std::cout << ast::print(checked.policy);
    if (!reportDiagnostics(checked, options.report)) return 1;
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
  } catch (const fs::filesystem_error& e) {
    std::cerr << "meshc: " << e.path1().string() << ": " << e.code().message() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "meshc: " << e.what() << "\n";
    return 2;
  }
}

int runCheck(const std::string& input, const ReportOptions& options) {
  try {
    CheckedPolicy checked = loadPolicy(input);
    if (!reportDiagnostics(checked, options)) return 1;
    std::cout << checked.source.path() << ": ok: " << checked.policy.services.size()
              << " services, " << checked.policy.workloads.size() << " workloads, digest "
              << checked.digest << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "meshc: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace meshc::driver
