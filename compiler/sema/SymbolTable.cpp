#include "sema/SymbolTable.h"

namespace meshc::sema {

SymbolTable::SymbolTable(const ast::Policy& policy) {
  for (const ast::Service& service : policy.services) {
    if (services_.emplace(service.name.name, &service).second) {
      serviceOrder_.push_back(service.name.name);
    }
  }
  for (const ast::Workload& workload : policy.workloads) {
    workloads_.emplace(workload.name.name, &workload);
  }
}

const ast::Service* SymbolTable::service(const std::string& name) const {
  const auto it = services_.find(name);
  return it == services_.end() ? nullptr : it->second;
}

const ast::Workload* SymbolTable::workload(const std::string& name) const {
  const auto it = workloads_.find(name);
  return it == workloads_.end() ? nullptr : it->second;
}

const ast::Subset* SymbolTable::subset(const ast::Service& service, const std::string& name) {
  for (const ast::Subset& subset : service.subsets) {
    if (subset.name.name == name) return &subset;
  }
  return nullptr;
}

std::vector<std::string> SymbolTable::serviceNames() const { return serviceOrder_; }

std::vector<std::string> SymbolTable::workloadNames() const {
  std::vector<std::string> names;
  for (const auto& [name, workload] : workloads_) names.push_back(name);
  return names;
}

std::vector<std::string> SymbolTable::subsetNames(const ast::Service& service) {
  std::vector<std::string> names;
  for (const ast::Subset& subset : service.subsets) names.push_back(subset.name.name);
  return names;
}

}  // namespace meshc::sema
