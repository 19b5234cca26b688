#pragma once

// The individual semantic checks, one file each. Each reports into `diagnostics` and never stops
// at the first problem. Later checks may assume nothing of earlier ones: each tolerates unresolved
// names and malformed pieces, skipping what it cannot judge.

#include <cstdint>
#include <string>

#include "ast/Ast.h"
#include "sema/SymbolTable.h"
#include "support/Diagnostics.h"

namespace meshc::sema {

// Required and at-most-once statements: the mesh header, a service's port and route, a workload's
// service and version.
void checkStructure(const ast::Policy& policy, Diagnostics& diagnostics);

// Services, workloads, subsets, split targets, callees and a rule's mirror targets given twice.
void checkDuplicates(const ast::Policy& policy, Diagnostics& diagnostics);

// Every name used refers to something declared.
void checkNames(const ast::Policy& policy, const SymbolTable& symbols, Diagnostics& diagnostics);

// Literal values in range and well-formed: ports, endpoints, paths, methods, header names,
// durations.
void checkLiterals(const ast::Policy& policy, Diagnostics& diagnostics);

// A rule's settings fit its outcome (forward, redirect, respond), appear once, and hold values the
// sidecar can use: statuses, schemes, hosts, paths, header edits, mirror percentages.
void checkRuleSettings(const ast::Policy& policy, Diagnostics& diagnostics);

// Hosts, namespaces, the cluster domain and ports: each host answers for one service, and a `port`
// condition names a port its service declares.
void checkAddresses(const ast::Policy& policy, Diagnostics& diagnostics);

// `source` conditions name declared workloads and well-formed labels; workloads' own labels are
// ones Kubernetes would accept.
void checkSources(const ast::Policy& policy, const SymbolTable& symbols, Diagnostics& diagnostics);

// Lint (warning): a rule whose source conditions no workload calling its service meets.
void lintSources(const ast::Policy& policy, Diagnostics& diagnostics);

// Experiments: variants that name subsets and total 100%, one sticky key and one assignment cookie
// at most, well-formed names, and rules that name declared experiments.
void checkExperiments(const ast::Policy& policy, Diagnostics& diagnostics);

// Lint (warning): an experiment no rule runs.
void lintExperiments(const ast::Policy& policy, Diagnostics& diagnostics);

// CORS policies: well-formed origins, methods, headers and max age, lists given once, and routes
// and rules that name declared policies.
void checkCors(const ast::Policy& policy, Diagnostics& diagnostics);

// Lint (warning): a CORS policy no route or rule applies.
void lintCors(const ast::Policy& policy, Diagnostics& diagnostics);

// A mirror's percentage (in a rule or a test's expectation) is over 0% and at most 100% (E0327).
void checkMirrorPercent(const ast::Percent& percent, Diagnostics& diagnostics);

// Longer timeouts are almost certainly typos, and bounding them keeps deadline arithmetic in the
// runtime far from overflow.
inline constexpr uint64_t kMaxTimeoutMs = 24ull * 3'600'000;

// A timeout of some kind (`what`: "timeout", "per-try timeout") is positive and at most 24h
// (E0313, E0314).
void checkTimeoutDuration(const ast::Duration& duration, const std::string& what,
                          Diagnostics& diagnostics);

// The most retries a policy may ask for after a request's first attempt (abi.h mesh_retry).
inline constexpr uint64_t kMaxRetryAttempts = 10;

// Retry blocks of routes and rules: `attempts` given once and at most 10, each other statement
// once at most, conditions the sidecar knows, backoffs and budgets it accepts.
void checkRetries(const ast::Policy& policy, Diagnostics& diagnostics);

// Lints (warnings): a route's retry no rule uses, a per-try timeout no retry fits in, and a
// condition listed twice or covered by another.
void lintRetries(const ast::Policy& policy, Diagnostics& diagnostics);

// A split's weights total exactly 100%.
void checkSplitWeights(const ast::Policy& policy, Diagnostics& diagnostics);

// A rule that can never match: shadowed by an earlier rule, after `otherwise`, or contradictory.
void checkReachability(const ast::Policy& policy, Diagnostics& diagnostics);

// Lints (warnings): subsets no rule routes to, services nothing in the mesh uses.
void checkUsage(const ast::Policy& policy, Diagnostics& diagnostics);

// Lints (warnings): path and header literals the sidecar's request model never lets match, and
// rewrite and redirect paths not in normal form.
void checkNormalForms(const ast::Policy& policy, Diagnostics& diagnostics);

// Test blocks: one request from a known workload, a well-formed URL, expectations that name real
// clusters and do not contradict each other.
void checkTests(const ast::Policy& policy, const SymbolTable& symbols, Diagnostics& diagnostics);

}  // namespace meshc::sema
