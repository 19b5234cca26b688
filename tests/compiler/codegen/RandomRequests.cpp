#include "RandomRequests.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <sstream>
#include <stdexcept>
#include <variant>

#include "LinkedModule.h"
#include "codegen/Codegen.h"
#include "ir/DrawInverse.h"
#include "ir/Evaluator.h"
#include "policy/Cors.h"
#include "policy/RuleTable.h"
#include "support/Overloaded.h"

namespace meshc::codegen::testing {
namespace {

// Enough slots for every string of a request with the most headers next() generates.
constexpr size_t kArenaSlots = 7 + 2 * 12 + 2 * 6;

void addUnique(std::vector<std::string>& pool, const std::string& value) {
  for (const std::string& known : pool) {
    if (known == value) return;
  }
  pool.push_back(value);
}

void appendEscaped(std::ostringstream& out, const mesh_str& s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out << '"';
  for (uint64_t i = 0; i < s.len; ++i) {
    const auto byte = static_cast<unsigned char>(s.data[i]);
    if (byte == '"' || byte == '\\') {
      out << '\\' << static_cast<char>(byte);
    } else if (byte >= 0x20 && byte < 0x7f) {
      out << static_cast<char>(byte);
    } else {
      out << "\\x" << kHex[byte >> 4] << kHex[byte & 0xf];
    }
  }
  out << '"';
}

std::string describeResult(uint32_t status, const mesh_route_decision& d) {
  std::ostringstream out;
  out << "status=" << status << " rule=" << d.rule << " cluster=" << d.cluster;
  return out.str();
}

bool sameDecision(const mesh_route_decision& a, const mesh_route_decision& b) {
  return a.rule == b.rule && a.cluster == b.cluster;
}

}  // namespace

GuardedArena::GuardedArena(size_t slots)
    : pageSize_(static_cast<size_t>(::sysconf(_SC_PAGESIZE))), slots_(slots) {
  // Layout: guard, slot 0, guard, slot 1, ..., guard.
  const size_t size = (2 * slots_ + 1) * pageSize_;
  void* mapping = ::mmap(nullptr, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED) throw std::runtime_error("GuardedArena: mmap failed");
  base_ = static_cast<char*>(mapping);
  for (size_t slot = 0; slot < slots_; ++slot) {
    if (::mprotect(base_ + (2 * slot + 1) * pageSize_, pageSize_, PROT_READ | PROT_WRITE) != 0) {
      ::munmap(base_, size);
      throw std::runtime_error("GuardedArena: mprotect failed");
    }
  }
}

GuardedArena::~GuardedArena() { ::munmap(base_, (2 * slots_ + 1) * pageSize_); }

const char* GuardedArena::place(std::string_view value) {
  if (used_ == slots_ || value.size() > pageSize_) return nullptr;
  const size_t slot = used_++;
  char* page = base_ + (2 * slot + 1) * pageSize_;
  char* start = slot % 2 == 0 ? page + pageSize_ - value.size() : page;
  std::memcpy(start, value.data(), value.size());
  return start;
}

mesh_str OwnedRequest::store(std::string_view value) {
  if (value.empty()) return mesh_str{nullptr, 0};
  if (arena_ != nullptr) {
    if (const char* placed = arena_->place(value)) return mesh_str{placed, value.size()};
  }
  buffers_.push_back(std::make_unique<char[]>(value.size()));
  std::memcpy(buffers_.back().get(), value.data(), value.size());
  return mesh_str{buffers_.back().get(), value.size()};
}

OwnedRequest& OwnedRequest::method(std::string_view value) {
  request_.method = store(value);
  return *this;
}
OwnedRequest& OwnedRequest::scheme(std::string_view value) {
  request_.scheme = store(value);
  return *this;
}
OwnedRequest& OwnedRequest::host(std::string_view value) {
  request_.host = store(value);
  return *this;
}
OwnedRequest& OwnedRequest::path(std::string_view value) {
  request_.path = store(value);
  return *this;
}
OwnedRequest& OwnedRequest::query(std::string_view value) {
  request_.query = store(value);
  return *this;
}
OwnedRequest& OwnedRequest::sourcePrincipal(std::string_view value) {
  request_.source_principal = store(value);
  return *this;
}
OwnedRequest& OwnedRequest::sourceAddress(std::string_view value) {
  request_.source_address = store(value);
  return *this;
}
OwnedRequest& OwnedRequest::header(std::string_view name, std::string_view value) {
  headers_.push_back(mesh_header{store(name), store(value)});
  return *this;
}
OwnedRequest& OwnedRequest::seed(uint64_t value) {
  request_.seed = value;
  return *this;
}
OwnedRequest& OwnedRequest::port(uint32_t value) {
  request_.port = value;
  return *this;
}

OwnedRequest& OwnedRequest::queryParam(std::string_view name, std::string_view value) {
  queryParams_.push_back(mesh_header{store(name), store(value)});
  return *this;
}
OwnedRequest& OwnedRequest::regex(const mesh_regex_matcher* matcher) {
  request_.regex = matcher;
  return *this;
}

const mesh_request& OwnedRequest::get() {
  request_.headers = headers_.empty() ? nullptr : headers_.data();
  request_.header_count = headers_.size();
  request_.query_params = queryParams_.empty() ? nullptr : queryParams_.data();
  request_.query_param_count = queryParams_.size();
  return request_;
}

RandomRequests::RandomRequests(const ir::Module& module, uint64_t seed)
    : rng_(seed), arena_(kArenaSlots) {
  std::vector<const char*> patterns;
  for (const std::string& pattern : module.regexes) patterns.push_back(pattern.c_str());
  regexes_ =
      std::make_unique<mesh::RegexSet>(patterns.data(), static_cast<uint32_t>(patterns.size()));
  // The constants of the module's tests, into the pools of the subjects they test; a segment
  // prefix also brings its boundary cases, a suffix a value ending in it.
  auto addConstants = [this](const ir::Predicate& predicate) {
    std::vector<std::string>* values =
        std::visit(Overloaded{
                       [&](const ir::RequestPath&) { return &paths_; },
                       [&](const ir::RequestMethod&) { return &methods_; },
                       [&](const ir::HeaderValue& h) {
                         addUnique(headerNames_, h.name);
                         return &headerValues_;
                       },
                       [&](const ir::QueryValue& q) {
                         addUnique(queryNames_, q.name);
                         return &queryValues_;
                       },
                       [&](const ir::DestinationPort&) { return &ports_; },
                   },
                   predicate.subject);
    std::visit(Overloaded{
                   [&](const ir::Equals& t) { addUnique(*values, t.value); },
                   [&](const ir::Prefix& t) { addUnique(*values, t.value); },
                   [&](const ir::SegmentPrefix& t) {
                     for (const char* tail : {"", "/", "x", "/y"})
                       addUnique(*values, t.value + tail);
                   },
                   [&](const ir::Suffix& t) {
                     addUnique(*values, t.value);
                     addUnique(*values, "/a" + t.value);
                   },
                   [](const ir::Regex&) {},
                   [](const ir::Present&) {},
               },
               predicate.test);
  };
  for (const ir::Service& service : module.services) {
    // A wildcard brings hosts under it, its bare suffix and the name without the wildcard.
    for (const std::string& host : service.hosts) {
      if (host.starts_with("*.")) {
        for (const char* head : {"x", "x.y", ""}) addUnique(hosts_, head + host.substr(1));
        addUnique(hosts_, host.substr(2));
      } else {
        addUnique(hosts_, host);
      }
    }
    for (uint32_t port : service.ports) addUnique(ports_, std::to_string(port));
    for (const ir::Rule& rule : service.rules) {
      for (const ir::Conjunction& conjunction : rule.anyOf) {
        for (const ir::Predicate& predicate : conjunction) addConstants(predicate);
      }
      std::visit(Overloaded{
                     [](const ir::Forward&) {},
                     [](const ir::NoBackend&) {},
                     [](const ir::ExperimentTarget&) {},
                     [&](const ir::Split& split) {
                       uint64_t runningSum = 0;
                       for (const ir::WeightedCluster& target : split.targets) {
                         runningSum += target.weight;
                         splitBounds_.push_back(runningSum);
                       }
                     },
                 },
                 rule.target);
    }
  }
  for (const char* method : {"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"}) {
    addUnique(methods_, method);
  }
  for (const char* name : {"user-agent", "accept", "x-request-id", "cookie"}) {
    addUnique(headerNames_, name);
  }
  splitBounds_.push_back(0);
  splitBounds_.push_back(ir::kWeightTotal);
}

// Not std::uniform_int_distribution: its algorithm differs between standard libraries, and a
// failing seed must reproduce everywhere. The modulo bias is irrelevant for these small bounds.
uint64_t RandomRequests::below(uint64_t bound) { return rng_() % bound; }

bool RandomRequests::chance(unsigned percent) { return below(100) < percent; }

std::string RandomRequests::noise(size_t maxLength) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789/-._";
  std::string text(below(maxLength + 1), '\0');
  for (char& c : text) {
    c = chance(75) ? kAlphabet[below(sizeof(kAlphabet) - 1)] : static_cast<char>(below(256));
  }
  return text;
}

std::string RandomRequests::mutateByte(std::string text) {
  if (text.empty()) return noise(1);
  char& c = text[below(text.size())];
  switch (below(3)) {
    case 0:
      ++c;
      break;
    case 1:
      --c;
      break;
    default:
      c = static_cast<char>(c ^ (1 << below(8)));
      break;
  }
  return text;
}

// Near-misses of the constants are what catch off-by-one lengths and wrong load offsets.
std::string RandomRequests::variant(const std::vector<std::string>& pool) {
  if (pool.empty() || chance(8)) return noise(24);
  const std::string& base = pool[below(pool.size())];
  const uint64_t kind = below(100);
  if (kind < 35) return base;
  if (kind < 50) return base.substr(0, below(base.size() + 1));
  if (kind < 62) return base + (chance(50) ? base.substr(0, below(base.size() + 1)) : noise(8));
  if (kind < 76) return mutateByte(base);
  if (kind < 82) {
    std::string text = base;
    if (!text.empty() && chance(50)) {
      text.erase(below(text.size()), 1);
    } else {
      text.insert(below(text.size() + 1), 1, static_cast<char>(below(256)));
    }
    return text;
  }
  if (kind < 90) return base + pool[below(pool.size())];
  return "";
}

// No port, a port of the policy, or any.
uint32_t RandomRequests::randomPort() {
  const uint64_t kind = below(100);
  if (kind < 35 || (kind < 85 && ports_.empty())) return 0;
  if (kind < 85) return static_cast<uint32_t>(std::stoul(ports_[below(ports_.size())]));
  return static_cast<uint32_t>(below(65536));
}

uint64_t RandomRequests::randomSeed() {
  if (chance(50)) return rng_();
  // A seed whose split draw is a random multiple of 10000 plus a value just around a boundary.
  const uint64_t base = below(uint64_t{1} << 50) * ir::kWeightTotal;
  const uint64_t bound = splitBounds_[below(splitBounds_.size())];
  return ir::seedForDraw(MESH_DRAW_SPLIT, base + bound + below(4) - 2);
}

const mesh_request& RandomRequests::next() {
  current_.reset();
  arena_.reset();
  current_ = std::make_unique<OwnedRequest>(&arena_);
  OwnedRequest& request = *current_;
  request.method(variant(methods_))
      .scheme(chance(50) ? "http" : "https")
      .host(variant(hosts_))
      .path(variant(paths_))
      .query(chance(70) ? "" : noise(12))
      .sourcePrincipal(chance(50) ? "" : "spiffe://mesh.local/sa/" + noise(8))
      .sourceAddress("127.0.0." + std::to_string(below(256)) + ":" + std::to_string(below(65536)))
      .port(randomPort())
      .seed(randomSeed());

  std::vector<std::string> names;
  const uint64_t count = below(13);
  for (uint64_t i = 0; i < count; ++i) {
    std::string name;
    if (!names.empty() && chance(20)) {
      name = names[below(names.size())];  // a repeated header: only the first one counts
    } else {
      name = chance(80) ? variant(headerNames_) : noise(16);
    }
    request.header(name, variant(headerValues_));
    names.push_back(std::move(name));
  }
  const uint64_t params = below(7);
  for (uint64_t i = 0; i < params; ++i) {
    request.queryParam(chance(85) ? variant(queryNames_) : noise(6), variant(queryValues_));
  }
  request.regex(regexes_->matcher());
  return request.get();
}

std::string describe(const mesh_request& request) {
  std::ostringstream out;
  auto field = [&out](const char* name, const mesh_str& value) {
    out << "  " << name << ": ";
    appendEscaped(out, value);
    out << '\n';
  };
  out << "mesh_request {\n";
  field("method", request.method);
  field("scheme", request.scheme);
  field("host", request.host);
  field("path", request.path);
  field("query", request.query);
  field("source_principal", request.source_principal);
  field("source_address", request.source_address);
  out << "  port: " << request.port << "\n  seed: " << request.seed << " (split ticket "
      << mesh_draw(request.seed, MESH_DRAW_SPLIT) % ir::kWeightTotal << ")\n";
  for (uint64_t i = 0; i < request.header_count; ++i) {
    out << "  header[" << i << "]: ";
    appendEscaped(out, request.headers[i].name);
    out << " = ";
    appendEscaped(out, request.headers[i].value);
    out << '\n';
  }
  for (uint64_t i = 0; i < request.query_param_count; ++i) {
    out << "  query_param[" << i << "]: ";
    appendEscaped(out, request.query_params[i].name);
    out << " = ";
    appendEscaped(out, request.query_params[i].value);
    out << '\n';
  }
  out << "}";
  return out.str();
}

namespace {

// The clusters the runtime sends copies to for a request the rule decided, drawn from the rule's
// descriptor as a sidecar draws them.
std::vector<uint32_t> runtimeMirrors(const mesh::RuleSettings& rule, uint64_t seed) {
  std::vector<uint32_t> clusters;
  for (uint32_t i = 0; i < rule.mirrors.size(); ++i) {
    if (mesh::mirrorTaken(seed, i, rule.mirrors[i].weight)) {
      clusters.push_back(rule.mirrors[i].cluster);
    }
  }
  return clusters;
}

std::string describeClusters(const std::vector<uint32_t>& clusters) {
  std::string text = "[";
  for (const uint32_t cluster : clusters) {
    text += (text == "[" ? "" : ", ") + std::to_string(cluster);
  }
  return text + "]";
}

// A request's Origin for a rule's CORS policy: one of its origins made concrete (a wildcard's
// '*' becomes a label), or one no policy allows, picked by `seed`.
std::string originFor(const ir::Cors& cors, uint64_t seed) {
  const uint64_t pick = seed % (cors.origins.size() + 1);
  if (pick == cors.origins.size()) return "https://foreign.test";
  std::string origin = cors.origins[pick];
  if (origin == "*") return "http://any.test:8080";
  if (const size_t star = origin.find('*'); star != std::string::npos) origin[star] = 'x';
  return origin;
}

// The CORS fields of a preflight's answer and of a response, as the runtime computes them from
// `cors` for a request from `origin`.
std::string corsAnswer(const mesh::Cors& cors, const std::string& origin) {
  const mesh::CorsRequest preflight{"OPTIONS", origin, true, "PUT", "x-a"};
  std::string text;
  for (const auto& fields : {mesh::preflightFields(cors, preflight),
                             mesh::responseFields(cors, {"GET", origin, false, "", ""})}) {
    for (const mesh::ResponseField& field : fields) {
      text += std::string(field.name) + ": " + field.value + "\n";
    }
    text += "--\n";
  }
  return text;
}

// The CORS answers for a request to a rule with a CORS policy: from the policy meshc meant (the
// IR's strings, decoded as the runtime decodes a descriptor) and from the compiled descriptor.
// Empty when they agree.
std::string corsMismatch(const ir::Rule& rule, const mesh::RuleSettings& compiled, uint64_t seed) {
  const ir::Cors* cors = nullptr;
  for (const ir::Action& action : rule.actions) {
    if (const auto* c = std::get_if<ir::Cors>(&action)) cors = c;
  }
  if (cors == nullptr) return compiled.cors ? "the descriptor has a CORS policy the IR lacks" : "";
  if (!compiled.cors) return "the descriptor lacks the IR's CORS policy";
  std::vector<const char*> origins;
  for (const std::string& origin : cors->origins) origins.push_back(origin.c_str());
  const mesh_cors config{origins.data(),
                         cors->allowMethods.c_str(),
                         cors->allowHeaders.c_str(),
                         cors->exposeHeaders.c_str(),
                         cors->maxAgeSeconds,
                         static_cast<uint32_t>(origins.size()),
                         cors->credentials ? 1u : 0u};
  mesh::Cors intended;
  if (const std::string problem = mesh::decodeCors(config, intended); !problem.empty()) {
    return "the IR's CORS policy does not decode: " + problem;
  }
  const std::string origin = originFor(*cors, seed);
  const std::string want = corsAnswer(intended, origin);
  const std::string got = corsAnswer(*compiled.cors, origin);
  return want == got ? "" : "origin " + origin + ":\n  IR:\n" + want + "  compiled:\n" + got;
}

// One compiled form of the module, with its decoded descriptors (`rules`), against which the
// mirrors a matched request is copied to and the CORS answers of its rule are compared.
struct Compiled {
  const char* name;
  mesh_route_fn route;
  const mesh::RuleTable& rules;
};

// The evaluator runs once per request, for every compiled form.
std::optional<std::string> check(const ir::Module& module, const std::vector<Compiled>& forms,
                                 uint64_t seed, int count) {
  RandomRequests requests(module, seed);
  for (int i = 0; i < count; ++i) {
    const mesh_request& request = requests.next();
    // A recognisable pattern shows whether a non-matched result left the decision untouched.
    mesh_route_decision expected;
    std::memset(&expected, 0xA5, sizeof expected);
    const uint32_t expectedStatus = ir::evaluateRoute(module, request, expected);
    for (const Compiled& compiled : forms) {
      const auto differs = [&](std::string_view what) {
        std::ostringstream out;
        out << compiled.name << ": request #" << i << " of differentialCheck(seed=" << seed << ") "
            << what << ":\n"
            << describe(request) << "\n";
        return out.str();
      };
      mesh_route_decision actual;
      std::memset(&actual, 0xA5, sizeof actual);
      const uint32_t actualStatus = compiled.route(&request, &actual);
      if (expectedStatus != actualStatus || !sameDecision(expected, actual)) {
        return differs("differs") + "  evaluator: " + describeResult(expectedStatus, expected) +
               "\n  compiled:  " + describeResult(actualStatus, actual);
      }
      if (actualStatus != MESH_ROUTE_MATCHED) continue;
      const ir::Rule& rule = *ir::ruleAt(module, expected.rule);
      const mesh::RuleSettings& descriptor = compiled.rules[actual.rule];
      const std::vector<uint32_t> evaluated = ir::mirroredClusters(rule, request.seed);
      const std::vector<uint32_t> drawn = runtimeMirrors(descriptor, request.seed);
      if (evaluated != drawn) {
        return differs("mirrors differ") + "  evaluator: " + describeClusters(evaluated) +
               "\n  compiled:  " + describeClusters(drawn);
      }
      const std::string cors = corsMismatch(rule, descriptor, request.seed);
      if (!cors.empty()) return differs("CORS differs") + cors;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> differentialCheck(const ir::Module& module, uint64_t seed, int count) {
  const std::unique_ptr<JitModule> jit = JitModule::create(module);
  const std::unique_ptr<LinkedModule> linked = LinkedModule::create(module);
  const mesh::RuleTable jitRules(jit->module());
  const mesh::RuleTable linkedRules(linked->module());
  return check(module,
               {{"JIT", jit->module().route, jitRules},
                {"emitted object", linked->module().route, linkedRules}},
               seed, count);
}

}  // namespace meshc::codegen::testing
