#include "codegen/DescriptorEmitter.h"

#include <llvm/IR/Constants.h>
#include <llvm/IR/GlobalVariable.h>

#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "codegen/Codegen.h"
#include "mesh/abi.h"
#include "support/Overloaded.h"

#ifndef MESHC_VERSION
#error "MESHC_VERSION must be defined by the build"
#endif

namespace meshc::codegen {
namespace {

constexpr char kCompilerVersion[] = "meshc " MESHC_VERSION;

class DescriptorEmitter {
 public:
  DescriptorEmitter(llvm::Module& module, const AbiTypes& types)
      : module_(module), types_(types), context_(module.getContext()) {}

  void emit(const ir::Module& policy, llvm::Function* route) {
    llvm::Type* i32 = llvm::Type::getInt32Ty(context_);
    llvm::Constant* services = serviceTable(policy);
    llvm::Constant* clusters = clusterTable(policy);
    llvm::Constant* rules = ruleTable(policy);
    llvm::Constant* descriptor = llvm::ConstantStruct::get(
        types_.module, {
                           llvm::ConstantInt::get(i32, MESH_ABI_VERSION),
                           llvm::ConstantInt::get(i32, 0),
                           cString(policy.meshName, "mesh name"),
                           cString(policy.workload, "workload name"),
                           cString(policy.digest, "policy digest"),
                           cString(kCompilerVersion, "compiler version"),
                           cString(policy.trustDomain, "trust domain"),
                           cString(policy.principal, "workload principal"),
                           services,
                           clusters,
                           rules,
                           regexTable(policy),
                           llvm::ConstantInt::get(i32, policy.services.size()),
                           llvm::ConstantInt::get(i32, policy.clusters.size()),
                           llvm::ConstantInt::get(i32, ruleCount(policy)),
                           llvm::ConstantInt::get(i32, policy.regexes.size()),
                           llvm::ConstantInt::get(i32, policy.paths.mergeSlashes ? 1 : 0),
                           llvm::ConstantInt::get(i32, encodedSlashes(policy.paths)),
                           llvm::ConstantInt::getSigned(i32, policy.localService),
                           llvm::ConstantInt::getSigned(i32, policy.localCluster),
                           route,
                       });
    new llvm::GlobalVariable(module_, types_.module, /*isConstant=*/true,
                             llvm::GlobalValue::ExternalLinkage, descriptor, "mesh_policy_module");
  }

 private:
  // A C string (the runtime reads these fields with strlen), shared by equal strings.
  llvm::Constant* cString(const std::string& text, const std::string& what) {
    if (text.find('\0') != std::string::npos) {
      throw CodegenError("codegen: " + what + " contains a NUL byte and cannot be a C string");
    }
    auto [it, inserted] = strings_.try_emplace(text, nullptr);
    if (inserted) {
      llvm::Constant* bytes = llvm::ConstantDataArray::getString(context_, text, /*AddNull=*/true);
      auto* global = new llvm::GlobalVariable(module_, bytes->getType(), /*isConstant=*/true,
                                              llvm::GlobalValue::PrivateLinkage, bytes,
                                              "str." + std::to_string(strings_.size() - 1));
      global->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
      global->setAlignment(llvm::Align(1));
      it->second = llvm::ConstantExpr::getPointerCast(global, llvm::Type::getInt8PtrTy(context_));
    }
    return it->second;
  }

  // A private constant array, as a pointer to its first element; null when empty.
  llvm::Constant* table(llvm::Type* element, const std::vector<llvm::Constant*>& elements,
                        const std::string& name) {
    if (elements.empty()) return llvm::ConstantPointerNull::get(element->getPointerTo());
    llvm::ArrayType* type = llvm::ArrayType::get(element, elements.size());
    auto* global = new llvm::GlobalVariable(module_, type, /*isConstant=*/true,
                                            llvm::GlobalValue::PrivateLinkage,
                                            llvm::ConstantArray::get(type, elements), name);
    global->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
    llvm::Constant* zero = llvm::ConstantInt::get(llvm::Type::getInt64Ty(context_), 0);
    return llvm::ConstantExpr::getInBoundsGetElementPtr(
        type, global, llvm::ArrayRef<llvm::Constant*>{zero, zero});
  }

  llvm::Constant* serviceTable(const ir::Module& policy) {
    llvm::Type* i32 = llvm::Type::getInt32Ty(context_);
    std::vector<llvm::Constant*> services;
    uint32_t firstRule = 0;
    for (size_t s = 0; s < policy.services.size(); ++s) {
      const ir::Service& service = policy.services[s];
      services.push_back(llvm::ConstantStruct::get(
          types_.service,
          {
              cString(service.name, "service name"),
              principalTable(service.principals, "service" + std::to_string(s) + ".principals"),
              llvm::ConstantInt::get(i32, service.ports.at(0)),
              llvm::ConstantInt::get(i32, firstRule),
              llvm::ConstantInt::get(i32, service.rules.size()),
              llvm::ConstantInt::get(i32, service.principals.size()),
              llvm::ConstantInt::get(i32, mtls(service.mtls)),
              llvm::ConstantInt::get(i32, 0),
          }));
      firstRule += static_cast<uint32_t>(service.rules.size());
    }
    return table(types_.service, services, "services");
  }

  llvm::Constant* principalTable(const std::vector<std::string>& principals,
                                 const std::string& name) {
    std::vector<llvm::Constant*> strings;
    for (const std::string& principal : principals) {
      strings.push_back(cString(principal, "service principal"));
    }
    return table(llvm::Type::getInt8PtrTy(context_), strings, name);
  }

  static uint32_t mtls(ir::Mtls mode) {
    switch (mode) {
      case ir::Mtls::Disable:
        return MESH_MTLS_DISABLE;
      case ir::Mtls::Permissive:
        return MESH_MTLS_PERMISSIVE;
      case ir::Mtls::Strict:
        return MESH_MTLS_STRICT;
    }
    throw CodegenError("codegen: unknown mtls mode");
  }

  static uint32_t ruleCount(const ir::Module& policy) {
    uint32_t count = 0;
    for (const ir::Service& service : policy.services) {
      count += static_cast<uint32_t>(service.rules.size());
    }
    return count;
  }

  // Rules in global order (ir::globalRuleIndex), each pointing to its actions' constant configs.
  llvm::Constant* ruleTable(const ir::Module& policy) {
    llvm::Type* i32 = llvm::Type::getInt32Ty(context_);
    std::vector<llvm::Constant*> rules;
    for (size_t s = 0; s < policy.services.size(); ++s) {
      const ir::Service& service = policy.services[s];
      for (size_t r = 0; r < service.rules.size(); ++r) {
        const ir::Rule& rule = service.rules[r];
        const std::string name = "rule" + std::to_string(rules.size());
        std::vector<llvm::Constant*> actions;
        for (const ir::Action& action : rule.actions) {
          actions.push_back(
              actionConstant(action, name + ".action" + std::to_string(actions.size())));
        }
        const std::string location = locationText(rule.loc);
        rules.push_back(llvm::ConstantStruct::get(
            types_.rule, {
                             cString(location, "rule location"),
                             table(types_.action, actions, name + ".actions"),
                             llvm::ConstantInt::get(i32, actions.size()),
                             llvm::ConstantInt::get(i32, s),
                             llvm::ConstantInt::get(i32, r),
                             llvm::ConstantInt::get(i32, 0),
                         }));
      }
    }
    return table(types_.rule, rules, "rules");
  }

  // A mesh_action: its kind and a pointer to the kind's config, a private constant of its own.
  llvm::Constant* actionConstant(const ir::Action& action, const std::string& name) {
    llvm::Type* i32 = llvm::Type::getInt32Ty(context_);
    llvm::Type* i64 = llvm::Type::getInt64Ty(context_);
    const auto [kind, config] = std::visit(
        Overloaded{
            [&](const ir::RequestTimeout& timeout) -> std::pair<uint32_t, llvm::Constant*> {
              return {
                  MESH_ACTION_TIMEOUT,
                  llvm::ConstantStruct::get(types_.timeoutAction,
                                            {llvm::ConstantInt::get(i64, timeout.milliseconds)})};
            },
            [&](const ir::RetryPolicy& r) -> std::pair<uint32_t, llvm::Constant*> {
              return {MESH_ACTION_RETRY, retry(r, name)};
            },
            [&](const ir::RequestHeaderEdits& e) -> std::pair<uint32_t, llvm::Constant*> {
              return {MESH_ACTION_REQUEST_HEADERS, headerEdits(e.edits, name)};
            },
            [&](const ir::ResponseHeaderEdits& e) -> std::pair<uint32_t, llvm::Constant*> {
              return {MESH_ACTION_RESPONSE_HEADERS, headerEdits(e.edits, name)};
            },
            [&](const ir::DirectResponse& d) -> std::pair<uint32_t, llvm::Constant*> {
              return {MESH_ACTION_DIRECT_RESPONSE,
                      llvm::ConstantStruct::get(
                          types_.directResponse,
                          {cString(d.body, "response body"), llvm::ConstantInt::get(i32, d.status),
                           llvm::ConstantInt::get(i32, 0)})};
            },
            [&](const ir::Redirect& r) -> std::pair<uint32_t, llvm::Constant*> {
              return {MESH_ACTION_REDIRECT,
                      llvm::ConstantStruct::get(
                          types_.redirect,
                          {cString(r.scheme, "redirect scheme"), cString(r.host, "redirect host"),
                           pathRewrite(r.path), llvm::ConstantInt::get(i32, r.port),
                           llvm::ConstantInt::get(i32, r.status)})};
            },
            [&](const ir::Rewrite& r) -> std::pair<uint32_t, llvm::Constant*> {
              return {MESH_ACTION_REWRITE,
                      llvm::ConstantStruct::get(
                          types_.rewrite, {cString(r.host, "rewrite host"), pathRewrite(r.path)})};
            },
            [&](const ir::Cors& c) -> std::pair<uint32_t, llvm::Constant*> {
              return {MESH_ACTION_CORS, cors(c, name)};
            },
            [&](const ir::Experiment& e) -> std::pair<uint32_t, llvm::Constant*> {
              return {MESH_ACTION_EXPERIMENT, experiment(e, name)};
            },
            [&](const ir::Mirrors& m) -> std::pair<uint32_t, llvm::Constant*> {
              return {MESH_ACTION_MIRROR, mirrors(m.targets, name)};
            },
        },
        action);
    auto* global = new llvm::GlobalVariable(module_, config->getType(), /*isConstant=*/true,
                                            llvm::GlobalValue::PrivateLinkage, config, name);
    global->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
    return llvm::ConstantStruct::get(
        types_.action,
        {llvm::ConstantInt::get(i32, kind), llvm::ConstantInt::get(i32, 0),
         llvm::ConstantExpr::getPointerCast(global, llvm::Type::getInt8PtrTy(context_))});
  }

  llvm::Constant* headerEdits(const std::vector<ir::HeaderEdit>& edits, const std::string& name) {
    llvm::Type* i32 = llvm::Type::getInt32Ty(context_);
    std::vector<llvm::Constant*> entries;
    for (const ir::HeaderEdit& edit : edits) {
      entries.push_back(llvm::ConstantStruct::get(
          types_.headerEdit,
          {cString(edit.name, "header name"), cString(edit.value, "header value"),
           llvm::ConstantInt::get(i32, headerOp(edit.op)), llvm::ConstantInt::get(i32, 0)}));
    }
    return llvm::ConstantStruct::get(
        types_.headerEdits,
        {table(types_.headerEdit, entries, name + ".edits"),
         llvm::ConstantInt::get(i32, edits.size()), llvm::ConstantInt::get(i32, 0)});
  }

  llvm::Constant* experiment(const ir::Experiment& e, const std::string& name) {
    llvm::Type* i32 = llvm::Type::getInt32Ty(context_);
    llvm::Type* i64 = llvm::Type::getInt64Ty(context_);
    std::vector<llvm::Constant*> variants;
    for (const ir::Variant& variant : e.variants) {
      variants.push_back(llvm::ConstantStruct::get(
          types_.variant,
          {cString(variant.name, "variant name"), llvm::ConstantInt::get(i32, variant.cluster),
           llvm::ConstantInt::get(i32, variant.weight)}));
    }
    return llvm::ConstantStruct::get(
        types_.experiment, {cString(e.name, "experiment name"), cString(e.stickyName, "sticky key"),
                            cString(e.cookie, "assignment cookie"),
                            table(types_.variant, variants, name + ".variants"),
                            llvm::ConstantInt::get(i64, e.cookieMaxAgeSeconds),
                            llvm::ConstantInt::get(i32, e.variants.size()),
                            llvm::ConstantInt::get(i32, stickyKind(e.sticky))});
  }

  llvm::Constant* cors(const ir::Cors& c, const std::string& name) {
    llvm::Type* i32 = llvm::Type::getInt32Ty(context_);
    llvm::Type* i64 = llvm::Type::getInt64Ty(context_);
    std::vector<llvm::Constant*> origins;
    for (const std::string& origin : c.origins) origins.push_back(cString(origin, "CORS origin"));
    return llvm::ConstantStruct::get(
        types_.cors,
        {table(llvm::Type::getInt8PtrTy(context_), origins, name + ".origins"),
         cString(c.allowMethods, "CORS methods"), cString(c.allowHeaders, "CORS headers"),
         cString(c.exposeHeaders, "CORS exposed headers"),
         llvm::ConstantInt::get(i64, c.maxAgeSeconds),
         llvm::ConstantInt::get(i32, c.origins.size()),
         llvm::ConstantInt::get(i32, c.credentials ? 1 : 0)});
  }

  llvm::Constant* retry(const ir::RetryPolicy& r, const std::string& name) {
    llvm::Type* i32 = llvm::Type::getInt32Ty(context_);
    llvm::Type* i64 = llvm::Type::getInt64Ty(context_);
    std::vector<llvm::Constant*> statuses;
    for (uint32_t status : r.statuses) statuses.push_back(llvm::ConstantInt::get(i32, status));
    uint32_t conditions = 0;
    for (ir::RetryReason reason : r.reasons) conditions |= retryCondition(reason);
    return llvm::ConstantStruct::get(
        types_.retry,
        {table(i32, statuses, name + ".statuses"), llvm::ConstantInt::get(i64, r.perTryTimeoutMs),
         llvm::ConstantInt::get(i64, r.backoffBaseMs), llvm::ConstantInt::get(i64, r.backoffMaxMs),
         llvm::ConstantInt::get(i32, r.statuses.size()), llvm::ConstantInt::get(i32, conditions),
         llvm::ConstantInt::get(i32, r.attempts), llvm::ConstantInt::get(i32, r.budget),
         llvm::ConstantInt::get(i32, r.nonIdempotent ? 1 : 0), llvm::ConstantInt::get(i32, 0)});
  }

  static uint32_t retryCondition(ir::RetryReason reason) {
    switch (reason) {
      case ir::RetryReason::ServerError:
        return MESH_RETRY_5XX;
      case ir::RetryReason::GatewayError:
        return MESH_RETRY_GATEWAY_ERROR;
      case ir::RetryReason::Reset:
        return MESH_RETRY_RESET;
      case ir::RetryReason::ConnectFailure:
        return MESH_RETRY_CONNECT_FAILURE;
      case ir::RetryReason::Retriable4xx:
        return MESH_RETRY_RETRIABLE_4XX;
    }
    throw CodegenError("codegen: unknown retry reason");
  }

  static uint32_t stickyKind(ir::Experiment::Sticky sticky) {
    switch (sticky) {
      case ir::Experiment::Sticky::None:
        return MESH_STICKY_NONE;
      case ir::Experiment::Sticky::Header:
        return MESH_STICKY_HEADER;
      case ir::Experiment::Sticky::Cookie:
        return MESH_STICKY_COOKIE;
      case ir::Experiment::Sticky::Constant:
        return MESH_STICKY_CONSTANT;
    }
    throw CodegenError("codegen: unknown sticky key");
  }

  llvm::Constant* mirrors(const std::vector<ir::MirrorTarget>& targets, const std::string& name) {
    llvm::Type* i32 = llvm::Type::getInt32Ty(context_);
    std::vector<llvm::Constant*> entries;
    for (const ir::MirrorTarget& target : targets) {
      entries.push_back(
          llvm::ConstantStruct::get(types_.mirror, {llvm::ConstantInt::get(i32, target.cluster),
                                                    llvm::ConstantInt::get(i32, target.weight)}));
    }
    return llvm::ConstantStruct::get(
        types_.mirrors,
        {table(types_.mirror, entries, name + ".mirrors"),
         llvm::ConstantInt::get(i32, targets.size()), llvm::ConstantInt::get(i32, 0)});
  }

  static uint32_t headerOp(ir::HeaderEdit::Op op) {
    switch (op) {
      case ir::HeaderEdit::Op::Set:
        return MESH_HEADER_SET;
      case ir::HeaderEdit::Op::Add:
        return MESH_HEADER_ADD;
      case ir::HeaderEdit::Op::Remove:
        return MESH_HEADER_REMOVE;
    }
    throw CodegenError("codegen: unknown header edit");
  }

  llvm::Constant* pathRewrite(const ir::PathRewrite& path) {
    llvm::Type* i32 = llvm::Type::getInt32Ty(context_);
    uint32_t kind = MESH_PATH_KEEP;
    switch (path.kind) {
      case ir::PathRewrite::Kind::Keep:
        kind = MESH_PATH_KEEP;
        break;
      case ir::PathRewrite::Kind::Full:
        kind = MESH_PATH_FULL;
        break;
      case ir::PathRewrite::Kind::Prefix:
        kind = MESH_PATH_PREFIX;
        break;
    }
    return llvm::ConstantStruct::get(
        types_.pathRewrite, {cString(path.value, "path"), cString(path.prefix, "path prefix"),
                             llvm::ConstantInt::get(i32, kind), llvm::ConstantInt::get(i32, 0)});
  }

  llvm::Constant* regexTable(const ir::Module& policy) {
    std::vector<llvm::Constant*> patterns;
    for (const std::string& pattern : policy.regexes) patterns.push_back(cString(pattern, "regex"));
    return table(llvm::Type::getInt8PtrTy(context_), patterns, "regexes");
  }

  static uint32_t encodedSlashes(const ir::PathSettings& paths) {
    switch (paths.encodedSlashes) {
      case ir::EncodedSlashes::Keep:
        return MESH_ENCODED_SLASHES_KEEP;
      case ir::EncodedSlashes::Decode:
        return MESH_ENCODED_SLASHES_DECODE;
      case ir::EncodedSlashes::Reject:
        return MESH_ENCODED_SLASHES_REJECT;
    }
    throw CodegenError("codegen: unknown encoded-slashes setting");
  }

  llvm::Constant* clusterTable(const ir::Module& policy) {
    llvm::Type* i32 = llvm::Type::getInt32Ty(context_);
    llvm::Type* charPtr = llvm::Type::getInt8PtrTy(context_);
    std::vector<llvm::Constant*> clusters;
    for (size_t c = 0; c < policy.clusters.size(); ++c) {
      const ir::Cluster& cluster = policy.clusters[c];
      std::vector<llvm::Constant*> endpoints;
      for (const std::string& endpoint : cluster.endpoints) {
        endpoints.push_back(cString(endpoint, "endpoint"));
      }
      clusters.push_back(llvm::ConstantStruct::get(
          types_.cluster,
          {
              cString(cluster.name(), "cluster name"),
              cString(cluster.service, "cluster service"),
              cString(cluster.subset, "cluster subset"),
              table(charPtr, endpoints, "cluster" + std::to_string(c) + ".endpoints"),
              llvm::ConstantInt::get(i32, cluster.endpoints.size()),
              llvm::ConstantInt::get(i32, cluster.serviceIndex),
          }));
    }
    return table(types_.cluster, clusters, "clusters");
  }

  llvm::Module& module_;
  const AbiTypes& types_;
  llvm::LLVMContext& context_;
  std::map<std::string, llvm::Constant*> strings_;
};

}  // namespace

void emitDescriptor(const ir::Module& policy, llvm::Module& module, const AbiTypes& types,
                    llvm::Function* route) {
  DescriptorEmitter(module, types).emit(policy, route);
}

}  // namespace meshc::codegen
