#pragma once

// A differential harness: random requests biased toward a module's own constants, run through
// both the reference evaluator and compiled code. Reusable for any ir::Module (hand-built in the
// codegen tests, lowered from example policies elsewhere).

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "ir/Policy.h"
#include "mesh/abi.h"
#include "policy/RegexSet.h"

namespace meshc::codegen::testing {

// Places strings flush against inaccessible pages, alternately right after one and right before
// one, so that compiled code, which no sanitizer instruments, faults on any read outside a
// string's bytes. Slots are reused after reset().
class GuardedArena {
 public:
  explicit GuardedArena(size_t slots);
  GuardedArena(const GuardedArena&) = delete;
  GuardedArena& operator=(const GuardedArena&) = delete;
  ~GuardedArena();

  // A copy of `value`, or null when the arena is full or the string does not fit in a page.
  const char* place(std::string_view value);
  void reset() { used_ = 0; }

 private:
  size_t pageSize_;
  size_t slots_;
  size_t used_ = 0;
  char* base_ = nullptr;
};

// A mesh_request owning its bytes. An empty string has a null `data`. Without an arena each string
// lives in its own exactly-sized heap block, so AddressSanitizer reports reads past its length by
// instrumented code; with one, guard pages catch reads by any code.
class OwnedRequest {
 public:
  explicit OwnedRequest(GuardedArena* arena = nullptr) : arena_(arena) {}

  OwnedRequest& method(std::string_view value);
  OwnedRequest& scheme(std::string_view value);
  OwnedRequest& host(std::string_view value);
  OwnedRequest& path(std::string_view value);
  OwnedRequest& query(std::string_view value);
  OwnedRequest& sourcePrincipal(std::string_view value);
  OwnedRequest& sourceAddress(std::string_view value);
  OwnedRequest& header(std::string_view name, std::string_view value);
  OwnedRequest& queryParam(std::string_view name, std::string_view value);
  OwnedRequest& regex(const mesh_regex_matcher* matcher);
  OwnedRequest& seed(uint64_t value);
  OwnedRequest& port(uint32_t value);

  // Valid until this object changes or dies.
  const mesh_request& get();

 private:
  mesh_str store(std::string_view value);

  GuardedArena* arena_;
  std::vector<std::unique_ptr<char[]>> buffers_;
  std::vector<mesh_header> headers_;
  std::vector<mesh_header> queryParams_;
  mesh_request request_{};
};

// Reproducible: the same module and seed give the same sequence on every machine. Requests carry a
// matcher for the module's regexes, as a sidecar's do.
class RandomRequests {
 public:
  RandomRequests(const ir::Module& module, uint64_t seed);

  // Valid until the next call.
  const mesh_request& next();

 private:
  uint64_t below(uint64_t bound);  // uniform in [0, bound)
  bool chance(unsigned percent);
  std::string noise(size_t maxLength);
  std::string variant(const std::vector<std::string>& pool);
  std::string mutateByte(std::string text);
  uint64_t randomSeed();
  uint32_t randomPort();

  std::mt19937_64 rng_;
  std::vector<std::string> hosts_;
  std::vector<std::string> ports_;  // decimal, as port tests hold them
  std::vector<std::string> paths_;
  std::vector<std::string> methods_;
  std::vector<std::string> headerNames_;
  std::vector<std::string> headerValues_;
  std::vector<std::string> queryNames_;
  std::vector<std::string> queryValues_;
  std::vector<uint64_t> splitBounds_;  // running weight sums, where the split ticket changes target
  GuardedArena arena_;
  std::unique_ptr<mesh::RegexSet> regexes_;
  std::unique_ptr<OwnedRequest> current_;
};

// A readable dump of a request, with non-printable bytes escaped.
std::string describe(const mesh_request& request);

// Runs `count` requests from RandomRequests(module, seed) through ir::evaluateRoute and both ways
// `module` is compiled, the JIT and the emitted object a sidecar links, comparing status and every
// decision field (including that a non-matched decision is left untouched), and for matched
// requests the mirrors and CORS too: the evaluator's draw (ir::mirroredClusters) against the
// runtime's from each compiled descriptor. Returns a description of the first mismatch, or
// nullopt when all agree.
std::optional<std::string> differentialCheck(const ir::Module& module, uint64_t seed, int count);

}  // namespace meshc::codegen::testing
