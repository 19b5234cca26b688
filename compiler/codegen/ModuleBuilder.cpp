#include "codegen/ModuleBuilder.h"

#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include <cstdint>
#include <limits>
#include <string>
#include <variant>

#include "codegen/AbiTypes.h"
#include "codegen/Codegen.h"
#include "codegen/DescriptorEmitter.h"
#include "codegen/RouteLowering.h"
#include "support/Overloaded.h"

namespace meshc::codegen {
namespace {

constexpr uint64_t kMaxCount = std::numeric_limits<uint32_t>::max();

void validate(const ir::Module& policy) {
  if (policy.services.size() > kMaxCount || policy.clusters.size() > kMaxCount) {
    throw CodegenError("codegen: too many services or clusters for the 32-bit ABI indices");
  }
  if (policy.routableServices > policy.services.size()) {
    throw CodegenError("codegen: routableServices (" + std::to_string(policy.routableServices) +
                       ") exceeds the number of services (" +
                       std::to_string(policy.services.size()) + ")");
  }
  uint64_t ruleCount = 0;
  for (const ir::Service& service : policy.services) {
    ruleCount += service.rules.size();
    for (size_t r = 0; r < service.rules.size(); ++r) {
      std::visit(Overloaded{
                     [](const ir::Forward&) {},
                     [&](const ir::Split& split) {
                       if (split.targets.empty()) {
                         throw CodegenError("codegen: service '" + service.name + "' rule " +
                                            std::to_string(r) + ": split has no targets");
                       }
                     },
                     [](const ir::NoBackend&) {},
                     [](const ir::ExperimentTarget&) {},
                 },
                 service.rules[r].target);
    }
  }
  if (ruleCount > kMaxCount) throw CodegenError("codegen: too many rules for the 32-bit ABI");
  for (const ir::Cluster& cluster : policy.clusters) {
    if (cluster.endpoints.size() > kMaxCount) {
      throw CodegenError("codegen: cluster '" + cluster.name() + "' has too many endpoints");
    }
  }
}

}  // namespace

std::unique_ptr<llvm::Module> buildModule(const ir::Module& policy, llvm::LLVMContext& context,
                                          const llvm::TargetMachine& target) {
  validate(policy);
  const std::string id = "meshc." + policy.workload;
  auto module = std::make_unique<llvm::Module>(id, context);
  module->setSourceFileName(id);
  module->setTargetTriple(target.getTargetTriple().str());
  module->setDataLayout(target.createDataLayout());

  const AbiTypes types = AbiTypes::get(context);
  llvm::Function* route = lowerRoute(policy, *module, types);
  emitDescriptor(policy, *module, types, route);

  std::string problems;
  llvm::raw_string_ostream out(problems);
  if (llvm::verifyModule(*module, &out)) {
    throw CodegenError("codegen: internal error, LLVM rejected the generated module:\n" +
                       out.str());
  }
  return module;
}

}  // namespace meshc::codegen
