#include "codegen/RouteLowering.h"

#include <llvm/IR/IRBuilder.h>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
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
  llvm::Value* port = nullptr;            // the destination port (i32)
  std::vector<std::string> headerNames;   // distinct, in order of first use
  std::vector<llvm::Value*> headerFirst;  // mesh_header* or null, parallel to headerNames
  std::vector<std::string> queryNames;    // likewise, for query parameters
  std::vector<llvm::Value*> queryFirst;

  static llvm::Value* find(const std::vector<std::string>& names,
                           const std::vector<llvm::Value*>& first, const std::string& name) {
    for (size_t k = 0; k < names.size(); ++k) {
      if (names[k] == name) return first[k];
    }
    return nullptr;
  }
  llvm::Value* header(const std::string& name) const {
    return find(headerNames, headerFirst, name);
  }
  llvm::Value* query(const std::string& name) const { return find(queryNames, queryFirst, name); }
};

void useName(std::vector<std::string>& names, const std::string& name) {
  if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
}

// A test that passes for every request: the path and the method are always there, so an empty
// prefix or suffix of them holds; a header or query parameter may be missing.
bool predicateAlwaysHolds(const ir::Predicate& predicate) {
  if (predicate.negated) return false;
  const bool alwaysPresent = std::visit(Overloaded{
                                            [](const ir::RequestPath&) { return true; },
                                            [](const ir::RequestMethod&) { return true; },
                                            [](const ir::HeaderValue&) { return false; },
                                            [](const ir::QueryValue&) { return false; },
                                            [](const ir::DestinationPort&) { return true; },
                                        },
                                        predicate.subject);
  if (!alwaysPresent) return false;
  return std::visit(Overloaded{
                        [](const ir::Equals&) { return false; },
                        [](const ir::Prefix& t) { return t.value.empty(); },
                        [](const ir::SegmentPrefix& t) { return t.value.empty(); },
                        [](const ir::Suffix& t) { return t.value.empty(); },
                        [](const ir::Regex&) { return false; },
                        [](const ir::Present&) { return true; },
                    },
                    predicate.test);
}

bool conjunctionAlwaysHolds(const ir::Conjunction& conjunction) {
  return std::all_of(conjunction.begin(), conjunction.end(), predicateAlwaysHolds);
}

bool ruleAlwaysMatches(const ir::Rule& rule) {
  return std::any_of(rule.anyOf.begin(), rule.anyOf.end(), conjunctionAlwaysHolds);
}

// The rules that can ever run: those up to and including the first that always matches.
size_t reachableRuleCount(const ir::Service& service) {
  for (size_t r = 0; r < service.rules.size(); ++r) {
    if (ruleAlwaysMatches(service.rules[r])) return r + 1;
  }
  return service.rules.size();
}

// A conjunction's predicates in the order they are tested: a regex is a call into the runtime, so
// the cheap comparisons go first and may spare it. The order cannot change the result.
std::vector<const ir::Predicate*> testOrder(const ir::Conjunction& conjunction) {
  std::vector<const ir::Predicate*> order;
  for (const ir::Predicate& predicate : conjunction) order.push_back(&predicate);
  std::stable_sort(order.begin(), order.end(), [](const ir::Predicate* a, const ir::Predicate* b) {
    return !std::holds_alternative<ir::Regex>(a->test) &&
           std::holds_alternative<ir::Regex>(b->test);
  });
  return order;
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

  // Exact hosts by length, then byte by byte; a host no exact name fits tries the wildcards,
  // longest first. Sema gives each host to one service; the first claim wins regardless.
  void emitHostDispatch() {
    llvm::BasicBlock* entry = llvm::BasicBlock::Create(context_, "entry", function_);
    builder_.SetInsertPoint(entry);
    const StringValue host = loadString(request_field::kHost, "host");

    std::map<size_t, std::vector<std::pair<std::string_view, uint32_t>>> byLength;
    std::vector<std::pair<std::string_view, uint32_t>> wildcards;  // (".example.com", service)
    std::set<std::string_view> seen;
    for (uint32_t s = 0; s < policy_.routableServices; ++s) {
      for (const std::string& name : policy_.services[s].hosts) {
        if (!seen.insert(name).second) continue;
        if (std::string_view(name).starts_with("*.")) {
          wildcards.emplace_back(std::string_view(name).substr(1), s);
        } else {
          byLength[name.size()].emplace_back(name, s);
        }
      }
    }
    std::stable_sort(wildcards.begin(), wildcards.end(),
                     [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });

    std::map<uint32_t, llvm::BasicBlock*> services;
    auto serviceBlock = [&](uint32_t s) {
      llvm::BasicBlock*& block = services[s];
      if (block == nullptr) block = llvm::BasicBlock::Create(context_, "svc" + std::to_string(s));
      return block;
    };
    llvm::BasicBlock* wildcardEntry =
        wildcards.empty() ? noService_ : llvm::BasicBlock::Create(context_, "wildcard");
    llvm::SwitchInst* lengthSwitch =
        builder_.CreateSwitch(host.len, wildcardEntry, byLength.size());
    for (const auto& [length, candidates] : byLength) {
      const std::string lengthName = "host.len" + std::to_string(length);
      llvm::BasicBlock* block = llvm::BasicBlock::Create(context_, lengthName, function_);
      lengthSwitch->addCase(builder_.getInt64(length), block);
      builder_.SetInsertPoint(block);
      for (size_t c = 0; c < candidates.size(); ++c) {
        llvm::BasicBlock* next =
            c + 1 < candidates.size()
                ? llvm::BasicBlock::Create(context_, lengthName + "." + std::to_string(c + 1),
                                           function_)
                : wildcardEntry;
        builder_.CreateCondBr(emitBytesEqual(builder_, host.data, candidates[c].first),
                              serviceBlock(candidates[c].second), next);
        if (next != wildcardEntry) builder_.SetInsertPoint(next);
      }
    }
    if (!wildcards.empty()) {
      wildcardEntry->insertInto(function_);
      builder_.SetInsertPoint(wildcardEntry);
      for (size_t w = 0; w < wildcards.size(); ++w) {
        const auto [suffix, s] = wildcards[w];
        const std::string name = "wildcard" + std::to_string(w);
        llvm::BasicBlock* next =
            w + 1 < wildcards.size()
                ? llvm::BasicBlock::Create(context_, "wildcard" + std::to_string(w + 1))
                : noService_;
        // At least one character before the suffix: "*.example.com" is not "example.com".
        llvm::BasicBlock* longer = llvm::BasicBlock::Create(context_, name + ".longer", function_);
        builder_.CreateCondBr(builder_.CreateICmpUGT(host.len, builder_.getInt64(suffix.size())),
                              longer, next);
        builder_.SetInsertPoint(longer);
        emitStringTest(builder_, host.data, host.len, suffix, MatchKind::kSuffix, next, name);
        builder_.CreateBr(serviceBlock(s));
        if (next != noService_) {
          next->insertInto(function_);
          builder_.SetInsertPoint(next);
        }
      }
    }

    for (const auto& [s, block] : services) {
      block->insertInto(function_);
      builder_.SetInsertPoint(block);
      emitPortCheck(s);
      emitService(s);
    }
  }

  // An authority port must be one of the service's; a request without one addresses its main port.
  void emitPortCheck(uint32_t s) {
    const std::vector<uint32_t>& ports = policy_.services[s].ports;
    const std::string prefix = "svc" + std::to_string(s);
    llvm::Value* port = builder_.CreateLoad(
        builder_.getInt32Ty(),
        builder_.CreateStructGEP(types_.request, request_, request_field::kPort), prefix + ".port");
    llvm::BasicBlock* known = llvm::BasicBlock::Create(context_, prefix + ".known", function_);
    llvm::SwitchInst* portSwitch = builder_.CreateSwitch(port, noService_, ports.size() + 1);
    portSwitch->addCase(builder_.getInt32(0), known);
    std::set<uint32_t> added;
    for (uint32_t number : ports) {
      if (added.insert(number).second) portSwitch->addCase(builder_.getInt32(number), known);
    }
    builder_.SetInsertPoint(known);
    destinationPort_ =
        builder_.CreateSelect(builder_.CreateICmpEQ(port, builder_.getInt32(0)),
                              builder_.getInt32(ports.at(0)), port, prefix + ".destination_port");
  }

  ServiceInputs loadInputs(const ir::Service& service, size_t ruleCount,
                           const std::string& prefix) {
    bool usesPath = false;
    bool usesMethod = false;
    ServiceInputs inputs;
    for (size_t r = 0; r < ruleCount; ++r) {
      for (const ir::Conjunction& conjunction : service.rules[r].anyOf) {
        for (const ir::Predicate& predicate : conjunction) {
          if (predicateAlwaysHolds(predicate)) continue;
          std::visit(Overloaded{
                         [&](const ir::RequestPath&) { usesPath = true; },
                         [&](const ir::RequestMethod&) { usesMethod = true; },
                         [&](const ir::HeaderValue& h) { useName(inputs.headerNames, h.name); },
                         [&](const ir::QueryValue& q) { useName(inputs.queryNames, q.name); },
                         [](const ir::DestinationPort&) {},
                     },
                     predicate.subject);
        }
      }
    }
    inputs.port = destinationPort_;
    if (usesPath) inputs.path = loadString(request_field::kPath, prefix + ".path");
    if (usesMethod) inputs.method = loadString(request_field::kMethod, prefix + ".method");
    if (!inputs.headerNames.empty()) {
      inputs.headerFirst = emitHeaderScan(builder_, types_, request_, ScannedList::kHeaders,
                                          inputs.headerNames, prefix);
    }
    if (!inputs.queryNames.empty()) {
      inputs.queryFirst = emitHeaderScan(builder_, types_, request_, ScannedList::kQueryParams,
                                         inputs.queryNames, prefix + ".query");
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
      if (rule.anyOf.empty()) {  // a rule for other callers (source conditions)
        builder_.CreateBr(nextRule);
        if (!last) {
          nextRule->insertInto(function_);
          builder_.SetInsertPoint(nextRule);
        }
        continue;
      }
      llvm::BasicBlock* matched = llvm::BasicBlock::Create(context_, ruleName + ".matched");
      for (size_t c = 0; c < rule.anyOf.size(); ++c) {
        const std::string groupName = ruleName + ".any" + std::to_string(c);
        llvm::BasicBlock* nextGroup =
            c + 1 < rule.anyOf.size()
                ? llvm::BasicBlock::Create(context_, ruleName + ".any" + std::to_string(c + 1))
                : nextRule;
        const std::vector<const ir::Predicate*> order = testOrder(rule.anyOf[c]);
        for (size_t p = 0; p < order.size(); ++p) {
          emitPredicate(*order[p], inputs, nextGroup, groupName + ".p" + std::to_string(p));
        }
        builder_.CreateBr(matched);
        if (nextGroup != nextRule) {
          nextGroup->insertInto(function_);
          builder_.SetInsertPoint(nextGroup);
        }
      }
      matched->insertInto(function_);
      builder_.SetInsertPoint(matched);
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
    if (predicateAlwaysHolds(predicate)) return;
    if (!predicate.negated) {
      emitTest(predicate, inputs, fail, name);
      return;
    }
    llvm::BasicBlock* failed = llvm::BasicBlock::Create(context_, name + ".not");
    emitTest(predicate, inputs, failed, name);
    builder_.CreateBr(fail);
    failed->insertInto(function_);
    builder_.SetInsertPoint(failed);
  }

  // The predicate's test, ignoring its negation.
  void emitTest(const ir::Predicate& predicate, const ServiceInputs& inputs, llvm::BasicBlock* fail,
                const std::string& name) {
    auto entryValue = [&](llvm::Value* first) {
      llvm::BasicBlock* present = llvm::BasicBlock::Create(context_, name + ".present", function_);
      builder_.CreateCondBr(builder_.CreateIsNotNull(first), present, fail);
      builder_.SetInsertPoint(present);
      llvm::Value* field = builder_.CreateStructGEP(types_.header, first, header_field::kValue);
      return StringValue{
          builder_.CreateLoad(builder_.getInt8PtrTy(),
                              builder_.CreateStructGEP(types_.str, field, str_field::kData),
                              name + ".value.data"),
          builder_.CreateLoad(builder_.getInt64Ty(),
                              builder_.CreateStructGEP(types_.str, field, str_field::kLen),
                              name + ".value.len")};
    };
    if (std::holds_alternative<ir::DestinationPort>(predicate.subject)) {
      emitPortTest(predicate, inputs, fail, name);
      return;
    }
    // Missing headers and query parameters fail here, before any test of their value.
    const StringValue value =
        std::visit(Overloaded{
                       [&](const ir::RequestPath&) { return inputs.path; },
                       [&](const ir::RequestMethod&) { return inputs.method; },
                       [&](const ir::HeaderValue& h) { return entryValue(inputs.header(h.name)); },
                       [&](const ir::QueryValue& q) { return entryValue(inputs.query(q.name)); },
                       [](const ir::DestinationPort&) -> StringValue {
                         throw std::logic_error("the port is compared as a number");
                       },
                   },
                   predicate.subject);
    auto compare = [&](const std::string& constant, MatchKind kind) {
      emitStringTest(builder_, value.data, value.len, constant, kind, fail, name);
    };
    std::visit(
        Overloaded{
            [&](const ir::Equals& t) { compare(t.value, MatchKind::kExact); },
            [&](const ir::Prefix& t) { compare(t.value, MatchKind::kPrefix); },
            [&](const ir::SegmentPrefix& t) { emitSegmentPrefix(value, t.value, fail, name); },
            [&](const ir::Suffix& t) { compare(t.value, MatchKind::kSuffix); },
            [&](const ir::Regex& t) { emitRegex(value, t.index, fail, name); },
            [&](const ir::Present&) {},
        },
        predicate.test);
  }

  // The port is a number in the request, so its one test (Equals, see Verifier) is an integer
  // comparison.
  void emitPortTest(const ir::Predicate& predicate, const ServiceInputs& inputs,
                    llvm::BasicBlock* fail, const std::string& name) {
    const uint32_t number = std::visit(
        Overloaded{
            [](const ir::Equals& t) { return static_cast<uint32_t>(std::stoul(t.value)); },
            [](const ir::Prefix&) -> uint32_t { throw std::logic_error("port prefix"); },
            [](const ir::SegmentPrefix&) -> uint32_t { throw std::logic_error("port prefix"); },
            [](const ir::Suffix&) -> uint32_t { throw std::logic_error("port suffix"); },
            [](const ir::Regex&) -> uint32_t { throw std::logic_error("port regex"); },
            [](const ir::Present&) -> uint32_t { throw std::logic_error("port presence"); },
        },
        predicate.test);
    llvm::BasicBlock* passed = llvm::BasicBlock::Create(context_, name + ".port", function_);
    builder_.CreateCondBr(builder_.CreateICmpEQ(inputs.port, builder_.getInt32(number)), passed,
                          fail);
    builder_.SetInsertPoint(passed);
  }

  // The prefix, then the end of the string or a '/'.
  void emitSegmentPrefix(const StringValue& value, const std::string& prefix,
                         llvm::BasicBlock* fail, const std::string& name) {
    emitStringTest(builder_, value.data, value.len, prefix, MatchKind::kPrefix, fail, name);
    if (prefix.empty()) return;
    llvm::BasicBlock* passed = llvm::BasicBlock::Create(context_, name + ".segment", function_);
    llvm::BasicBlock* longer = llvm::BasicBlock::Create(context_, name + ".longer", function_);
    llvm::Value* size = builder_.getInt64(prefix.size());
    builder_.CreateCondBr(builder_.CreateICmpEQ(value.len, size), passed, longer);
    builder_.SetInsertPoint(longer);
    llvm::Value* next = builder_.CreateLoad(
        builder_.getInt8Ty(), builder_.CreateInBoundsGEP(builder_.getInt8Ty(), value.data, size),
        name + ".next");
    builder_.CreateCondBr(builder_.CreateICmpEQ(next, builder_.getInt8('/')), passed, fail);
    builder_.SetInsertPoint(passed);
  }

  // request->regex->full_match(request->regex->context, index, data, len) != 0
  void emitRegex(const StringValue& value, uint32_t index, llvm::BasicBlock* fail,
                 const std::string& name) {
    llvm::Value* matcher = builder_.CreateLoad(
        types_.regexMatcher->getPointerTo(),
        builder_.CreateStructGEP(types_.request, request_, request_field::kRegex), name + ".regex");
    llvm::Value* context = builder_.CreateLoad(
        builder_.getInt8PtrTy(),
        builder_.CreateStructGEP(types_.regexMatcher, matcher, regex_matcher_field::kContext));
    llvm::Value* fullMatch = builder_.CreateLoad(
        types_.fullMatchFn->getPointerTo(),
        builder_.CreateStructGEP(types_.regexMatcher, matcher, regex_matcher_field::kFullMatch));
    llvm::Value* result = builder_.CreateCall(
        types_.fullMatchFn, fullMatch, {context, builder_.getInt32(index), value.data, value.len},
        name + ".matched");
    llvm::BasicBlock* passed = llvm::BasicBlock::Create(context_, name + ".ok", function_);
    builder_.CreateCondBr(builder_.CreateICmpNE(result, builder_.getInt32(0)), passed, fail);
    builder_.SetInsertPoint(passed);
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
            [&](const ir::NoBackend&) -> llvm::Value* {
              return builder_.getInt32(MESH_NO_CLUSTER);
            },
            [&](const ir::ExperimentTarget&) -> llvm::Value* {
              return builder_.getInt32(MESH_EXPERIMENT_CLUSTER);
            },
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
  llvm::Value* destinationPort_ = nullptr;  // of the service being emitted
};

}  // namespace

llvm::Function* lowerRoute(const ir::Module& policy, llvm::Module& module, const AbiTypes& types) {
  return RouteLowering(policy, module, types).run();
}

}  // namespace meshc::codegen
