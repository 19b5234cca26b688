#pragma once

// Hand-built Policy IR modules shared by the codegen tests: each one aims at a family of corner
// cases of the generated code (string lengths around load widths, header scans, splits, hosts).

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "ir/Policy.h"

namespace meshc::codegen::testing {

ir::Predicate pathExact(std::string value);
ir::Predicate pathPrefix(std::string value);  // bytes (the language's `starts_with`)
ir::Predicate pathSegmentPrefix(std::string value);
ir::Predicate pathSuffix(std::string value);
ir::Predicate methodIs(std::string value);
ir::Predicate headerEquals(std::string name, std::string value);
ir::Predicate headerPrefix(std::string name, std::string value);
ir::Predicate headerSuffix(std::string name, std::string value);
ir::Predicate headerPresent(std::string name);
ir::Predicate queryEquals(std::string name, std::string value);
ir::Predicate queryPresent(std::string name);
// An RE2 full match of Module::regexes[index] against the subject.
ir::Predicate regex(ir::Subject subject, uint32_t index);
ir::Predicate negated(ir::Predicate predicate);
ir::Predicate portIs(uint32_t port);  // the destination port

ir::Target forward(uint32_t cluster);
ir::Target split(std::vector<std::pair<uint32_t, uint32_t>> clusterWeights);
// A rule with a timeout action when `timeoutMs` is positive.
ir::Rule rule(std::vector<ir::Predicate> conditions, ir::Target target, uint64_t timeoutMs = 0);
// A rule matching when any of the conjunctions holds.
ir::Rule anyOf(std::vector<ir::Conjunction> conjunctions, ir::Target target);
ir::Service service(std::string name, std::vector<ir::Rule> rules);

// Rules matching exact paths of every length 0..20 (each a prefix of the next), then prefixes of
// lengths 20..1; no fallback, so other paths get MESH_ROUTE_NO_RULE.
ir::Module pathsPolicy();
// Methods and header predicates: same-length names, long names and values, empty values and
// prefixes, presence, combinations with paths.
ir::Module headersPolicy();
// Splits with 1-4 targets, odd and zero weights, behind predicates and as fallbacks.
ir::Module splitsPolicy();
// Host dispatch: same-length names, long names, several names and ports per service, wildcards
// nested in each other, a duplicate, a service without rules, port conditions, a rule that never
// matches (source conditions decided against the workload), and a non-routable own service.
ir::Module hostsPolicy();

// Segment prefixes, suffixes, regexes, query parameters, negations and `or` groups.
ir::Module matchesPolicy();

// Every action kind, and rules without backends (a redirect, a direct response, neither); a
// mirror to a service the module cannot route to.
ir::Module actionsPolicy();

// Every hand-built policy, named, for parameterised tests.
std::vector<std::pair<std::string, ir::Module>> allPolicies();

}  // namespace meshc::codegen::testing

namespace meshc::ir {
// GoogleTest prints parameters in test names and failures; a module's workload says enough there
// (a byte dump of the struct would only clutter the log).
inline void PrintTo(const Module& module, std::ostream* out) {
  *out << "ir::Module(" << module.workload << ")";
}
}  // namespace meshc::ir
