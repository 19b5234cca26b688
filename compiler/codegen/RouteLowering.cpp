#include "codegen/RouteLowering.h"

#include <llvm/IR/IRBuilder.h>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "codegen/HeaderScan.h"
#include "codegen/StringMatch.h"
#include "mesh/abi.h"
#include "support/Overloaded.h"

namespace meshc::codegen {
namespace {

struct StringValue {
  llvm::Value* data = nullptr;
  llvm::Value* len = nullptr;
};

// What one service's rules read from the request, loaded once at the service's entry.
struct ServiceInputs {
  StringValue path;
  StringValue method;
  std::vector<std::string> headerNames;       // distinct, in order of first use
  std::vector<llvm::Value*> firstOccurrence;  // mesh_header* or null, parallel to headerNames

  llvm::Value* header(const std::string& name) const {
    for (size_t k = 0; k < headerNames.size(); ++k) {
      if (headerNames[k] == name) return firstOccurrence[k];
    }
    return nullptr;
  }
};

bool predicateAlwaysHolds(const ir::Predicate& predicate) {
  return std::visit(Overloaded{
                        [](const ir::PathExact&) { return false; },
                        [](const ir::PathPrefix& p) { return p.value.empty(); },
                        [](const ir::MethodIs&) { return false; },
                        [](const ir::HeaderEquals&) { return false; },
                        [](const ir::HeaderPrefix&) { return false; },
                        [](const ir::HeaderPresent&) { return false; },
                    },
                    predicate.kind);
}

bool ruleAlwaysMatches(const ir::Rule& rule) {
  for (const ir::Predicate& predicate : rule.conditions) {
    if (!predicateAlwaysHolds(predicate)) return false;
  }
  return true;
}

// The rules that can ever run: those up to and including the first that always matches.
size_t reachableRuleCount(const ir::Service& service) {
  for (size_t r = 0; r < service.rules.size(); ++r) {
    if (ruleAlwaysMatches(service.rules[r])) return r + 1;
  }
  return service.rules.size();
}

class RouteLowering {
 public:
  RouteLowering(const ir::Module& policy, llvm::Module& module, const AbiTypes& types)
      : policy_(policy),
        module_(module),
        types_(types),
        context_(module.getContext()),
        builder_(module.getContext()) {}

  llvm::Function* run() {
    function_ = llvm::Function::Create(types_.routeFn, llvm::GlobalValue::InternalLinkage,
                                       "mesh_route", module_);
    function_->addFnAttr(llvm::Attribute::NoUnwind);
    function_->addFnAttr(llvm::Attribute::UWTable);
    function_->addParamAttr(0, llvm::Attribute::NoCapture);
    function_->addParamAttr(0, llvm::Attribute::ReadOnly);
    function_->addParamAttr(1, llvm::Attribute::NoCapture);
    request_ = function_->getArg(0);
    request_->setName("request");
    decision_ = function_->getArg(1);
    decision_->setName("decision");

    noService_ = llvm::BasicBlock::Create(context_, "no_service");
    noRule_ = llvm::BasicBlock::Create(context_, "no_rule");

    emitHostDispatch();

    noRule_->insertInto(function_);
    builder_.SetInsertPoint(noRule_);
    builder_.CreateRet(builder_.getInt32(MESH_ROUTE_NO_RULE));
    noService_->insertInto(function_);
    builder_.SetInsertPoint(noService_);
    builder_.CreateRet(builder_.getInt32(MESH_ROUTE_NO_SERVICE));

    // Blocks of services whose rules never fail may leave no_rule without predecessors.
    if (noRule_->hasNPredecessors(0)) noRule_->eraseFromParent();
    return function_;
  }

 private:
  StringValue loadString(unsigned requestField, const std::string& name) {
    llvm::Value* field = builder_.CreateStructGEP(types_.request, request_, requestField);
    StringValue value;
    value.data = builder_.CreateLoad(builder_.getInt8PtrTy(),
                                     builder_.CreateStructGEP(types_.str, field, str_field::kData),
                                     name + ".data");
    value.len = builder_.CreateLoad(builder_.getInt64Ty(),
                                    builder_.CreateStructGEP(types_.str, field, str_field::kLen),
                                    name + ".len");
    return value;
  }

  // Services are tried in index order, so a duplicated name routes to its first service.
  void emitHostDispatch() {
    llvm::BasicBlock* entry = llvm::BasicBlock::Create(context_, "entry", function_);
    builder_.SetInsertPoint(entry);
    const StringValue host = loadString(request_field::kHost, "host");

    std::map<size_t, std::vector<uint32_t>> byLength;
    std::set<std::string_view> seen;
    for (uint32_t s = 0; s < policy_.routableServices; ++s) {
      const std::string& name = policy_.services[s].name;
      if (seen.insert(name).second) byLength[name.size()].push_back(s);
    }
    llvm::SwitchInst* lengthSwitch = builder_.CreateSwitch(host.len, noService_, byLength.size());

    std::vector<std::pair<uint32_t, llvm::BasicBlock*>> services;
    for (const auto& [length, candidates] : byLength) {
      const std::string lengthName = "host.len" + std::to_string(length);
      llvm::BasicBlock* block = llvm::BasicBlock::Create(context_, lengthName, function_);
      lengthSwitch->addCase(builder_.getInt64(length), block);
      builder_.SetInsertPoint(block);
      for (size_t c = 0; c < candidates.size(); ++c) {
        const uint32_t s = candidates[c];
        llvm::BasicBlock* serviceBlock =
            llvm::BasicBlock::Create(context_, "svc" + std::to_string(s));
        services.emplace_back(s, serviceBlock);
        if (length == 0) {
          builder_.CreateBr(serviceBlock);  // the only candidate: names are distinct
          continue;
        }
        llvm::BasicBlock* next =
            c + 1 < candidates.size()
                ? llvm::BasicBlock::Create(context_, lengthName + "." + std::to_string(c + 1),
                                           function_)
                : noService_;
        builder_.CreateCondBr(emitBytesEqual(builder_, host.data, policy_.services[s].name),
                              serviceBlock, next);
        if (next != noService_) builder_.SetInsertPoint(next);
      }
    }

    for (const auto& [s, block] : services) {
      block->insertInto(function_);
      builder_.SetInsertPoint(block);
      emitService(s);
    }
  }

  ServiceInputs loadInputs(const ir::Service& service, size_t ruleCount,
                           const std::string& prefix) {
    bool usesPath = false;
    bool usesMethod = false;
    ServiceInputs inputs;
    auto useHeader = [&inputs](const std::string& name) {
      for (const std::string& known : inputs.headerNames) {
        if (known == name) return;
      }
      inputs.headerNames.push_back(name);
    };
    for (size_t r = 0; r < ruleCount; ++r) {
      for (const ir::Predicate& predicate : service.rules[r].conditions) {
        std::visit(Overloaded{
                       [&](const ir::PathExact&) { usesPath = true; },
                       [&](const ir::PathPrefix& p) { usesPath |= !p.value.empty(); },
                       [&](const ir::MethodIs&) { usesMethod = true; },
                       [&](const ir::HeaderEquals& p) { useHeader(p.name); },
                       [&](const ir::HeaderPrefix& p) { useHeader(p.name); },
                       [&](const ir::HeaderPresent& p) { useHeader(p.name); },
                   },
                   predicate.kind);
      }
    }
    if (usesPath) inputs.path = loadString(request_field::kPath, prefix + ".path");
    if (usesMethod) inputs.method = loadString(request_field::kMethod, prefix + ".method");
    if (!inputs.headerNames.empty()) {
      inputs.firstOccurrence =
          emitHeaderScan(builder_, types_, request_, inputs.headerNames, prefix);
    }
    return inputs;
  }

  void emitService(uint32_t s) {
    const ir::Service& service = policy_.services[s];
    const std::string prefix = "svc" + std::to_string(s);
    const size_t ruleCount = reachableRuleCount(service);
    const ServiceInputs inputs = loadInputs(service, ruleCount, prefix);

    for (size_t r = 0; r < ruleCount; ++r) {
      const ir::Rule& rule = service.rules[r];
      const std::string ruleName = prefix + ".rule" + std::to_string(r);
      const bool last = r + 1 == ruleCount;
      llvm::BasicBlock* nextRule =
          last ? noRule_
               : llvm::BasicBlock::Create(context_, prefix + ".rule" + std::to_string(r + 1));
      for (size_t p = 0; p < rule.conditions.size(); ++p) {
        emitPredicate(rule.conditions[p], inputs, nextRule, ruleName + ".p" + std::to_string(p));
      }
      emitDecision(rule, s, static_cast<uint32_t>(r));
      if (!last) {
        nextRule->insertInto(function_);
        builder_.SetInsertPoint(nextRule);
      }
    }
    if (ruleCount == 0) builder_.CreateBr(noRule_);
  }

  // Leaves the builder where the predicate held; jumps to `fail` where it did not.
  void emitPredicate(const ir::Predicate& predicate, const ServiceInputs& inputs,
                     llvm::BasicBlock* fail, const std::string& name) {
    auto headerTest = [&](const std::string& header, const std::string* value, MatchKind kind) {
      llvm::Value* first = inputs.header(header);
      llvm::BasicBlock* present = llvm::BasicBlock::Create(context_, name + ".present", function_);
      builder_.CreateCondBr(builder_.CreateIsNotNull(first), present, fail);
      builder_.SetInsertPoint(present);
      if (value == nullptr || alwaysMatches(*value, kind)) return;
      llvm::Value* field = builder_.CreateStructGEP(types_.header, first, header_field::kValue);
      llvm::Value* data = builder_.CreateLoad(
          builder_.getInt8PtrTy(), builder_.CreateStructGEP(types_.str, field, str_field::kData),
          name + ".value.data");
      llvm::Value* len = builder_.CreateLoad(
          builder_.getInt64Ty(), builder_.CreateStructGEP(types_.str, field, str_field::kLen),
          name + ".value.len");
      emitStringTest(builder_, data, len, *value, kind, fail, name);
    };
    auto stringTest = [&](const StringValue& input, const std::string& value, MatchKind kind) {
      emitStringTest(builder_, input.data, input.len, value, kind, fail, name);
    };
    std::visit(
        Overloaded{
            [&](const ir::PathExact& p) { stringTest(inputs.path, p.value, MatchKind::kExact); },
            [&](const ir::PathPrefix& p) { stringTest(inputs.path, p.value, MatchKind::kPrefix); },
            [&](const ir::MethodIs& p) { stringTest(inputs.method, p.value, MatchKind::kExact); },
            [&](const ir::HeaderEquals& p) { headerTest(p.name, &p.value, MatchKind::kExact); },
            [&](const ir::HeaderPrefix& p) { headerTest(p.name, &p.value, MatchKind::kPrefix); },
            [&](const ir::HeaderPresent& p) { headerTest(p.name, nullptr, MatchKind::kExact); },
        },
        predicate.kind);
  }

  // mesh_draw() of abi.h, in IR: the optimiser folds the stream constant into the first add.
  llvm::Value* emitDraw(llvm::Value* seed, uint64_t stream, const std::string& name) {
    llvm::Value* z = builder_.CreateAdd(seed, builder_.getInt64(stream * 0x9E3779B97F4A7C15ull));
    auto mix = [&](llvm::Value* v, uint64_t shift, uint64_t multiplier) {
      return builder_.CreateMul(builder_.CreateXor(v, builder_.CreateLShr(v, shift)),
                                builder_.getInt64(multiplier));
    };
    z = mix(z, 30, 0xBF58476D1CE4E5B9ull);
    z = mix(z, 27, 0x94D049BB133111EBull);
    return builder_.CreateXor(z, builder_.CreateLShr(z, 31), name);
  }

  // The first target whose running weight sum exceeds the split's draw modulo 10000; the last
  // target when none does (the evaluator's fallback for weights that do not total 10000).
  llvm::Value* emitSplit(const ir::Split& split) {
    llvm::Value* seed = builder_.CreateLoad(
        builder_.getInt64Ty(),
        builder_.CreateStructGEP(types_.request, request_, request_field::kSeed), "seed");
    llvm::Value* draw = emitDraw(seed, MESH_DRAW_SPLIT, "split.draw");
    llvm::Value* ticket = builder_.CreateURem(draw, builder_.getInt64(ir::kWeightTotal), "ticket");

    std::vector<std::pair<uint64_t, uint32_t>> bounds;  // (running sum, cluster)
    uint64_t runningSum = 0;
    for (const ir::WeightedCluster& target : split.targets) {
      runningSum += target.weight;
      bounds.emplace_back(runningSum, target.cluster);
      if (runningSum >= ir::kWeightTotal) break;  // every ticket is below: the rest never wins
    }
    llvm::Value* cluster = builder_.getInt32(bounds.back().second);
    for (size_t i = bounds.size() - 1; i-- > 0;) {
      llvm::Value* below = builder_.CreateICmpULT(ticket, builder_.getInt64(bounds[i].first));
      cluster = builder_.CreateSelect(below, builder_.getInt32(bounds[i].second), cluster);
    }
    return cluster;
  }

  // Only the decision is code: the rule's settings are in its descriptor (DescriptorEmitter).
  void emitDecision(const ir::Rule& rule, uint32_t service, uint32_t ruleIndex) {
    llvm::Value* cluster = std::visit(
        Overloaded{
            [&](const ir::Forward& f) -> llvm::Value* { return builder_.getInt32(f.cluster); },
            [&](const ir::Split& s) { return emitSplit(s); },
        },
        rule.target);
    auto store = [&](unsigned field, llvm::Value* value) {
      builder_.CreateStore(value, builder_.CreateStructGEP(types_.decision, decision_, field));
    };
    store(decision_field::kRule,
          builder_.getInt32(ir::globalRuleIndex(policy_, service, ruleIndex)));
    store(decision_field::kCluster, cluster);
    builder_.CreateRet(builder_.getInt32(MESH_ROUTE_MATCHED));
  }

  const ir::Module& policy_;
  llvm::Module& module_;
  const AbiTypes& types_;
  llvm::LLVMContext& context_;
  llvm::IRBuilder<> builder_;
  llvm::Function* function_ = nullptr;
  llvm::Value* request_ = nullptr;
  llvm::Value* decision_ = nullptr;
  llvm::BasicBlock* noService_ = nullptr;
  llvm::BasicBlock* noRule_ = nullptr;
};

}  // namespace

llvm::Function* lowerRoute(const ir::Module& policy, llvm::Module& module, const AbiTypes& types) {
  return RouteLowering(policy, module, types).run();
}

}  // namespace meshc::codegen
