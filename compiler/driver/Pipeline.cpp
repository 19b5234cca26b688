#include "driver/Pipeline.h"

#include <stdexcept>
#include <string>

#include "ir/Verifier.h"
#include "lower/Lowering.h"

namespace meshc::driver {

std::vector<ir::Module> lowerAndVerify(const CheckedPolicy& checked) {
  std::vector<ir::Module> modules = lower::lowerPolicy(checked.policy, checked.digest);
  for (const ir::Module& module : modules) {
    const std::vector<std::string> problems = ir::verify(module);
    if (problems.empty()) continue;
    std::string message = "internal error: invalid IR for workload " + module.workload + ":";
    for (const std::string& problem : problems) message += "\n  " + problem;
    throw std::logic_error(message + "\nplease report this with the policy file");
  }
  return modules;
}

}  // namespace meshc::driver
