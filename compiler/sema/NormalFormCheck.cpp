// Literals the sidecar's request model makes unmatchable, and new paths it would not produce. A
// sidecar matches the normalised path (runtime/request/PathNormalization) and header values
// without their surrounding whitespace (runtime/request/RequestModel), so a literal outside those
// forms never matches as written. Both are decided by the runtime's own functions, with the
// mesh's path options, never by a second implementation here.
//
// Query values get no such lint: they are percent-decoded, so any byte may occur in one.

#include <string>
#include <string_view>

#include "request/PathNormalization.h"
#include "request/RequestModel.h"
#include "sema/Checks.h"
#include "support/Overloaded.h"
#include "support/Text.h"

namespace meshc::sema {
namespace {

mesh::PathOptions pathOptions(const ast::Policy& policy) {
  mesh::PathOptions options;
  if (!policy.mesh) return options;
  options.mergeSlashes = !policy.mesh->mergeSlashes.empty();
  if (!policy.mesh->encodedSlashes.empty()) {
    const std::string& action = policy.mesh->encodedSlashes[0].name;
    if (action == "decode") options.encodedSlashes = mesh::EncodedSlashes::kDecode;
    if (action == "reject") options.encodedSlashes = mesh::EncodedSlashes::kReject;
  }
  return options;
}

// A segment prefix as the matcher and a prefix replacement use it: without trailing '/', the root
// as "/".
std::string segmentPrefix(std::string value) {
  while (!value.empty() && value.back() == '/') value.pop_back();
  return value.empty() ? "/" : value;
}

class NormalForms {
 public:
  NormalForms(const ast::Policy& policy, Diagnostics& diagnostics)
      : options_(pathOptions(policy)), diagnostics_(diagnostics) {}

  void check(const ast::RouteRule& rule) {
    for (const ast::ConditionGroup& group : rule.groups) {
      for (const ast::Condition& condition : group.conditions) {
        std::visit(Overloaded{
                       [&](const ast::PathMatch& m) { checkPath(m); },
                       [](const ast::MethodMatch&) {},
                       [&](const ast::HeaderMatch& m) { checkHeader(m); },
                       [](const ast::QueryMatch&) {},
                       // A port number, and the calling workload's identity, decided at compile
                       // time: nothing the request model normalises.
                       [](const ast::PortMatch&) {},
                       [](const ast::SourceWorkloadMatch&) {},
                       [](const ast::SourceLabelMatch&) {},
                       [](const ast::SourcePrincipalMatch&) {},
                   },
                   condition.match);
      }
    }
    for (const ast::RuleSetting& setting : rule.settings) {
      std::visit(Overloaded{
                     [](const ast::TimeoutSetting&) {},
                     [&](const ast::RewriteSetting& r) { checkRewrite(r); },
                     [](const ast::HeaderEditSetting&) {},
                     [&](const ast::RedirectSetting& r) { checkRedirect(r); },
                     [](const ast::MirrorSetting&) {},
                     [](const ast::CorsSetting&) {},
                     [](const ast::RetrySetting&) {},
                 },
                 setting);
    }
  }

 private:
  // Whether `path` is its own normal form (a rejected path is not).
  bool normal(const std::string& path) const {
    std::string out;
    return mesh::normalizePath(path, options_, out) && out == path;
  }

  // What the normal form of `path` is, to suggest it, or why there is none.
  std::string suggestion(const std::string& path, bool prefix) const {
    std::string out;
    if (!mesh::normalizePath(path, options_, out)) {
      return "; the sidecar refuses every path with an encoded slash (encoded_slashes reject)";
    }
    return "; write " + quoted(prefix ? segmentPrefix(out) : out) + ", its normal form";
  }

  // Which literals some normalised path can match: exactly (==); as a segment prefix (a path
  // equal to the prefix is one); as a byte prefix, where the literal's last segment may go on
  // ("/a/." continues as "/a/.x"); as a suffix, where something comes before it ("./x" ends
  // "/a./x"). The continuations are unreserved letters, which normalisation leaves alone and which
  // complete no escape and no dot segment.
  bool canMatch(ast::StringTest test, const std::string& literal) const {
    switch (test) {
      case ast::StringTest::Equals:
        return normal(literal);
      case ast::StringTest::Prefix:
        return normal(segmentPrefix(literal));
      case ast::StringTest::StartsWith:
        return normal(literal) || normal(literal + "x");
      case ast::StringTest::Suffix:
        return normal("/x" + literal) || normal("/" + literal);
      case ast::StringTest::Matches:
      case ast::StringTest::Present:
      case ast::StringTest::Absent:
        return true;
    }
    return true;
  }

  void checkPath(const ast::PathMatch& match) {
    const std::string& literal = match.value.value;
    // Literal errors (E0308) cover the rest; a suffix need not start with '/'.
    if (literal.empty() || (match.test != ast::StringTest::Suffix && literal.front() != '/')) {
      return;
    }
    if (canMatch(match.test, literal)) return;
    const bool suggestible = literal.front() == '/';
    diagnostics_.warning(
        DiagnosticCode::PathLiteralNeverMatches, match.value.loc,
        "'path " + std::string(ast::spelling(match.test)) + " " + quoted(literal) +
            "' never matches: the sidecar matches the normalised path, which " +
            (match.test == ast::StringTest::Equals   ? "never is"
             : match.test == ast::StringTest::Suffix ? "never ends with"
                                                     : "never starts with") +
            " this" +
            (suggestible ? suggestion(literal, match.test == ast::StringTest::Prefix)
                         : std::string()));
  }

  void checkHeader(const ast::HeaderMatch& match) {
    const std::string& literal = match.value.value;
    std::string whereTrimmed;
    switch (match.test) {
      case ast::StringTest::Equals:
        if (mesh::withoutOws(literal) != literal) whereTrimmed = "around";
        break;
      case ast::StringTest::Prefix:
        if (mesh::withoutOws(literal + "x") != literal + "x") whereTrimmed = "before";
        break;
      case ast::StringTest::Suffix:
        if (mesh::withoutOws("x" + literal) != "x" + literal) whereTrimmed = "after";
        break;
      case ast::StringTest::StartsWith:
      case ast::StringTest::Matches:
      case ast::StringTest::Present:
      case ast::StringTest::Absent:
        return;
    }
    if (whereTrimmed.empty()) return;
    diagnostics_.warning(DiagnosticCode::HeaderLiteralNeverMatches, match.value.loc,
                         "'header " + quoted(match.name.value) + " " + ast::spelling(match.test) +
                             " " + quoted(literal) +
                             "' never matches: a header value has no spaces or tabs " +
                             whereTrimmed + " it (the sidecar trims them); write " +
                             quoted(std::string(mesh::withoutOws(literal))));
  }

  void checkRewrite(const ast::RewriteSetting& rewrite) {
    switch (rewrite.part) {
      case ast::RewriteSetting::Part::Path:
        newPath(rewrite.value.value, rewrite.value.loc, "rewritten path", kUpstream, false);
        return;
      case ast::RewriteSetting::Part::Prefix:
        newPath(rewrite.value.value, rewrite.value.loc, "rewritten prefix", kUpstream, true);
        return;
      case ast::RewriteSetting::Part::Host:
        return;
    }
  }

  void checkRedirect(const ast::RedirectSetting& redirect) {
    switch (redirect.part) {
      case ast::RedirectSetting::Part::Path:
        newPath(redirect.value, redirect.loc, "redirect's path", kClient, false);
        return;
      case ast::RedirectSetting::Part::Prefix:
        newPath(redirect.value, redirect.loc, "redirect's prefix", kClient, true);
        return;
      case ast::RedirectSetting::Part::Scheme:
      case ast::RedirectSetting::Part::Host:
      case ast::RedirectSetting::Part::Port:
        return;
    }
  }

  static constexpr const char* kUpstream =
      "the upstream would receive a path no sidecar of this mesh forwards";
  static constexpr const char* kClient = "the client's next request would not arrive with it";

  // A prefix replacement is followed by "" or "/..." of a normal path, so it is normal exactly
  // when its segment prefix is.
  void newPath(const std::string& path, const SourceLoc& at, const std::string& what,
               const char* consequence, bool prefix) {
    // RuleSettingCheck reports a path that is not one (E0308, E0307).
    if (path.empty() || path.front() != '/') return;
    if (normal(prefix ? segmentPrefix(path) : path)) return;
    diagnostics_.warning(DiagnosticCode::PathNotNormal, at,
                         "the " + what + " " + quoted(path) +
                             " is not in normal form: " + consequence + suggestion(path, prefix));
  }

  const mesh::PathOptions options_;
  Diagnostics& diagnostics_;
};

}  // namespace

void checkNormalForms(const ast::Policy& policy, Diagnostics& diagnostics) {
  NormalForms forms(policy, diagnostics);
  for (const ast::Service& service : policy.services) {
    for (const ast::Route& route : service.routes) {
      for (const ast::RouteRule& rule : route.rules) forms.check(rule);
    }
  }
}

}  // namespace meshc::sema
