#include "codegen/AbiTypes.h"

#include <llvm/IR/DataLayout.h>
#include <llvm/Target/TargetMachine.h>

#include "codegen/AbiLayout.h"
#include "codegen/TargetSetup.h"

namespace meshc::codegen {
namespace {

llvm::StructType* namedStruct(llvm::LLVMContext& context, llvm::StringRef name,
                              llvm::ArrayRef<llvm::Type*> fields) {
  if (llvm::StructType* existing = llvm::StructType::getTypeByName(context, name)) return existing;
  return llvm::StructType::create(context, fields, name);
}

}  // namespace

AbiTypes AbiTypes::get(llvm::LLVMContext& context) {
  llvm::Type* i32 = llvm::Type::getInt32Ty(context);
  llvm::Type* i64 = llvm::Type::getInt64Ty(context);
  llvm::Type* charPtr = llvm::Type::getInt8PtrTy(context);

  AbiTypes t{};
  t.str = namedStruct(context, "mesh_str", {charPtr, i64});
  t.header = namedStruct(context, "mesh_header", {t.str, t.str});
  t.fullMatchFn = llvm::FunctionType::get(i32, {charPtr, i32, charPtr, i64}, /*isVarArg=*/false);
  t.regexMatcher =
      namedStruct(context, "mesh_regex_matcher", {charPtr, t.fullMatchFn->getPointerTo()});
  t.request =
      namedStruct(context, "mesh_request",
                  {t.str, t.str, t.str, t.str, t.str, t.str, t.str, t.header->getPointerTo(), i64,
                   t.header->getPointerTo(), i64, t.regexMatcher->getPointerTo(), i64, i32, i32});
  t.decision = namedStruct(context, "mesh_route_decision", {i32, i32});
  t.cluster = namedStruct(context, "mesh_cluster",
                          {charPtr, charPtr, charPtr, charPtr->getPointerTo(), i32, i32});
  t.service = namedStruct(context, "mesh_service",
                          {charPtr, charPtr->getPointerTo(), i32, i32, i32, i32, i32, i32});
  t.action = namedStruct(context, "mesh_action", {i32, i32, charPtr});
  t.timeoutAction = namedStruct(context, "mesh_timeout_action", {i64});
  t.headerEdit = namedStruct(context, "mesh_header_edit", {charPtr, charPtr, i32, i32});
  t.headerEdits =
      namedStruct(context, "mesh_header_edits", {t.headerEdit->getPointerTo(), i32, i32});
  t.directResponse = namedStruct(context, "mesh_direct_response", {charPtr, i32, i32});
  t.pathRewrite = namedStruct(context, "mesh_path_rewrite", {charPtr, charPtr, i32, i32});
  t.redirect = namedStruct(context, "mesh_redirect", {charPtr, charPtr, t.pathRewrite, i32, i32});
  t.rewrite = namedStruct(context, "mesh_rewrite", {charPtr, t.pathRewrite});
  t.variant = namedStruct(context, "mesh_variant", {charPtr, i32, i32});
  t.experiment = namedStruct(context, "mesh_experiment",
                             {charPtr, charPtr, charPtr, t.variant->getPointerTo(), i64, i32, i32});
  t.cors = namedStruct(context, "mesh_cors",
                       {charPtr->getPointerTo(), charPtr, charPtr, charPtr, i64, i32, i32});
  t.retry = namedStruct(context, "mesh_retry",
                        {i32->getPointerTo(), i64, i64, i64, i32, i32, i32, i32, i32, i32});
  t.mirror = namedStruct(context, "mesh_mirror", {i32, i32});
  t.mirrors = namedStruct(context, "mesh_mirrors", {t.mirror->getPointerTo(), i32, i32});
  t.rule =
      namedStruct(context, "mesh_rule", {charPtr, t.action->getPointerTo(), i32, i32, i32, i32});
  t.routeFn = llvm::FunctionType::get(i32, {t.request->getPointerTo(), t.decision->getPointerTo()},
                                      /*isVarArg=*/false);
  t.module = namedStruct(context, "mesh_module",
                         {i32,
                          i32,
                          charPtr,
                          charPtr,
                          charPtr,
                          charPtr,
                          charPtr,
                          charPtr,
                          t.service->getPointerTo(),
                          t.cluster->getPointerTo(),
                          t.rule->getPointerTo(),
                          charPtr->getPointerTo(),
                          i32,
                          i32,
                          i32,
                          i32,
                          i32,
                          i32,
                          i32,
                          i32,
                          t.routeFn->getPointerTo()});
  return t;
}

std::vector<StructLayoutReport> abiStructLayouts() {
  llvm::LLVMContext context;
  const llvm::DataLayout layout = createTargetMachine()->createDataLayout();
  const AbiTypes types = AbiTypes::get(context);

  std::vector<StructLayoutReport> reports;
  for (llvm::StructType* type :
       {types.str,           types.header,     types.regexMatcher, types.request,
        types.decision,      types.cluster,    types.service,      types.action,
        types.timeoutAction, types.headerEdit, types.headerEdits,  types.directResponse,
        types.pathRewrite,   types.redirect,   types.rewrite,      types.mirror,
        types.mirrors,       types.variant,    types.experiment,   types.cors,
        types.retry,         types.rule,       types.module}) {
    const llvm::StructLayout* structLayout = layout.getStructLayout(type);
    StructLayoutReport report;
    report.name = type->getName().str();
    report.size = structLayout->getSizeInBytes();
    report.alignment = structLayout->getAlignment().value();
    for (unsigned i = 0; i < type->getNumElements(); ++i) {
      report.fieldOffsets.push_back(structLayout->getElementOffset(i));
    }
    reports.push_back(std::move(report));
  }
  return reports;
}

}  // namespace meshc::codegen
