#pragma once

// LLVM struct types mirroring runtime/include/mesh/abi.h field for field, including the explicit
// reserved fields, so the natural LLVM layout equals the C layout (checked by AbiLayoutTest).

#include <llvm/IR/DerivedTypes.h>
#include <llvm/IR/LLVMContext.h>

namespace meshc::codegen {

// Field indices, in abi.h declaration order.
namespace str_field {
enum : unsigned { kData, kLen };
}
namespace header_field {
enum : unsigned { kName, kValue };
}
namespace request_field {
enum : unsigned {
  kMethod,
  kScheme,
  kHost,
  kPath,
  kQuery,
  kSourcePrincipal,
  kSourceAddress,
  kHeaders,
  kHeaderCount,
  kQueryParams,
  kQueryParamCount,
  kRegex,
  kSeed,
  kPort,
  kReserved0,
};
}
namespace regex_matcher_field {
enum : unsigned { kContext, kFullMatch };
}
namespace decision_field {
enum : unsigned { kRule, kCluster };
}
namespace action_field {
enum : unsigned { kKind, kReserved0, kConfig };
}
namespace rule_field {
enum : unsigned { kLocation, kActions, kActionCount, kService, kIndex, kReserved0 };
}
namespace cluster_field {
enum : unsigned { kName, kService, kSubset, kEndpoints, kEndpointCount, kServiceIndex };
}
namespace service_field {
enum : unsigned {
  kName,
  kPrincipals,
  kPort,
  kFirstRule,
  kRuleCount,
  kPrincipalCount,
  kMtls,
  kReserved0,
};
}
namespace module_field {
enum : unsigned {
  kAbiVersion,
  kReserved0,
  kMeshName,
  kWorkload,
  kPolicyDigest,
  kCompilerVersion,
  kTrustDomain,
  kPrincipal,
  kServices,
  kClusters,
  kRules,
  kRegexes,
  kServiceCount,
  kClusterCount,
  kRuleCount,
  kRegexCount,
  kMergeSlashes,
  kEncodedSlashes,
  kLocalService,
  kLocalCluster,
  kRoute,
};
}

struct AbiTypes {
  llvm::StructType* str;
  llvm::StructType* header;
  llvm::StructType* regexMatcher;
  llvm::FunctionType* fullMatchFn;
  llvm::StructType* request;
  llvm::StructType* decision;
  llvm::StructType* cluster;
  llvm::StructType* service;
  llvm::StructType* action;
  llvm::StructType* timeoutAction;
  llvm::StructType* headerEdit;
  llvm::StructType* headerEdits;
  llvm::StructType* directResponse;
  llvm::StructType* pathRewrite;
  llvm::StructType* redirect;
  llvm::StructType* rewrite;
  llvm::StructType* variant;
  llvm::StructType* experiment;
  llvm::StructType* cors;
  llvm::StructType* retry;
  llvm::StructType* mirror;
  llvm::StructType* mirrors;
  llvm::StructType* rule;
  llvm::StructType* module;
  llvm::FunctionType* routeFn;

  // Named types are unique per context: calling this twice yields the same types.
  static AbiTypes get(llvm::LLVMContext& context);
};

}  // namespace meshc::codegen
