#pragma once

#include <map>
#include <string>
#include <vector>

#include "ast/Ast.h"

namespace meshc::sema {

// Name lookups over a policy. Keeps the first declaration of a name; the duplicate check reports
// the rest.
class SymbolTable {
 public:
  explicit SymbolTable(const ast::Policy& policy);

  const ast::Service* service(const std::string& name) const;
  const ast::Workload* workload(const std::string& name) const;
  static const ast::Subset* subset(const ast::Service& service, const std::string& name);

  std::vector<std::string> serviceNames() const;
  std::vector<std::string> workloadNames() const;
  static std::vector<std::string> subsetNames(const ast::Service& service);

 private:
  std::map<std::string, const ast::Service*> services_;
  std::map<std::string, const ast::Workload*> workloads_;
  std::vector<std::string> serviceOrder_;
};

}  // namespace meshc::sema
