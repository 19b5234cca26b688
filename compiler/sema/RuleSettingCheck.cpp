// A rule's settings against its outcome. A rule that forwards takes a timeout, a retry policy,
// rewrites, header edits and mirrors; a `redirect` rule takes the parts of its Location and
// response header edits; a `respond` rule only response header edits. Each setting appears once at
// most (a mirror once per subset, DuplicateCheck), and every value is one the sidecar can send.

#include <algorithm>
#include <map>
#include <optional>

#include "policy/ActionConfigs.h"
#include "sema/Checks.h"
#include "support/Overloaded.h"
#include "support/Text.h"

namespace meshc::sema {
namespace {

enum class Outcome { Forward, Redirect, Respond };

const char* outcomeText(Outcome outcome) {
  switch (outcome) {
    case Outcome::Forward:
      return "a rule that forwards to backends";
    case Outcome::Redirect:
      return "a 'redirect' rule";
    case Outcome::Respond:
      return "a 'respond' rule";
  }
  return "";
}

bool startsWithSlash(const std::string& path) { return !path.empty() && path.front() == '/'; }

class RuleSettings {
 public:
  RuleSettings(const ast::RouteRule& rule, Diagnostics& diagnostics)
      : rule_(rule), diagnostics_(diagnostics) {}

  void check() {
    outcome_ = std::visit(Overloaded{
                              [](const ast::SubsetTarget&) { return Outcome::Forward; },
                              [](const ast::SplitTarget&) { return Outcome::Forward; },
                              [&](const ast::RedirectTarget& r) {
                                checkRedirectStatus(r);
                                return Outcome::Redirect;
                              },
                              [&](const ast::RespondTarget& r) {
                                checkRespondStatus(r);
                                return Outcome::Respond;
                              },
                              [](const ast::ExperimentTarget&) { return Outcome::Forward; },
                          },
                          rule_.target);
    if (rule_.timeout) {
      fits(rule_.timeout->loc, "a timeout", outcome_ == Outcome::Forward);
      once("timeout", rule_.timeout->loc);
    }
    for (const ast::RuleSetting& setting : rule_.settings) {
      std::visit(Overloaded{
                     [&](const ast::TimeoutSetting& t) { checkTimeout(t); },
                     [&](const ast::RewriteSetting& r) { checkRewrite(r); },
                     [&](const ast::HeaderEditSetting& h) { checkHeaderEdit(h); },
                     [&](const ast::RedirectSetting& r) { checkRedirectPart(r); },
                     [&](const ast::MirrorSetting& m) { checkMirror(m); },
                     // A preflight is answered whatever the rule does, and every response to
                     // the rule's requests gets the fields: it fits any rule (CorsCheck).
                     [&](const ast::CorsSetting& c) { once("CORS policy", c.loc); },
                     // Only a forwarded request can fail upstream; its values: RetryCheck.
                     [&](const ast::RetrySetting& r) {
                       fits(r.loc, "a retry policy", outcome_ == Outcome::Forward);
                       once("retry policy", r.loc);
                     },
                 },
                 setting);
    }
  }

 private:
  void fits(const SourceLoc& at, const std::string& what, bool fitting) {
    if (fitting) return;
    diagnostics_.error(DiagnosticCode::SettingOutOfPlace, at,
                       what + " does not fit " + outcomeText(outcome_));
  }

  // `key` names a slot: two settings filling it conflict, even when spelled differently.
  void once(const std::string& key, const SourceLoc& at) {
    const auto [it, inserted] = seen_.emplace(key, at);
    if (inserted) return;
    diagnostics_.error(DiagnosticCode::RepeatedStatement, at, "a rule has one " + key);
    diagnostics_.note(it->second, "the first is here");
  }

  void checkRedirectStatus(const ast::RedirectTarget& redirect) {
    const uint64_t s = redirect.status;
    if (redirect.malformed || s == 301 || s == 302 || s == 303 || s == 307 || s == 308) return;
    diagnostics_.error(
        DiagnosticCode::InvalidAnswerStatus, redirect.loc,
        "a redirect's status is 301, 302, 303, 307 or 308, not " + std::to_string(s));
  }

  void checkRespondStatus(const ast::RespondTarget& respond) {
    if (respond.malformed) return;
    if (respond.status < 200 || respond.status > 599) {
      diagnostics_.error(
          DiagnosticCode::InvalidAnswerStatus, respond.loc,
          "a direct response's status is 200-599, not " + std::to_string(respond.status));
    } else if ((respond.status == 204 || respond.status == 304) && respond.body &&
               !respond.body->value.empty()) {
      diagnostics_.error(DiagnosticCode::InvalidAnswerStatus, respond.body->loc,
                         "a " + std::to_string(respond.status) +
                             " response has no body (RFC 9110); drop the body or pick another "
                             "status");
    }
  }

  void checkTimeout(const ast::TimeoutSetting& timeout) {
    fits(timeout.timeout.loc, "a timeout", outcome_ == Outcome::Forward);
    once("timeout", timeout.timeout.loc);
  }

  void checkRewrite(const ast::RewriteSetting& rewrite) {
    fits(rewrite.loc, "a rewrite", outcome_ == Outcome::Forward);
    switch (rewrite.part) {
      case ast::RewriteSetting::Part::Path:
      case ast::RewriteSetting::Part::Prefix:
        once("path rewrite", rewrite.loc);
        checkPath(rewrite.value.value, rewrite.value.loc);
        if (rewrite.part == ast::RewriteSetting::Part::Prefix) checkMatchedPrefix(rewrite.loc);
        return;
      case ast::RewriteSetting::Part::Host:
        once("host rewrite", rewrite.loc);
        checkHost(rewrite.value.value, rewrite.value.loc);
        return;
    }
  }

  void checkHeaderEdit(const ast::HeaderEditSetting& edit) {
    fits(edit.loc, "a request header edit",
         edit.side == ast::HeaderEditSetting::Side::Response || outcome_ == Outcome::Forward);
    const std::string& name = edit.name.value;
    if (name.empty() || !isHttpToken(name)) {
      diagnostics_.error(DiagnosticCode::InvalidHeaderName, edit.name.loc,
                         "invalid header name " + quoted(name) +
                             "; header names are non-empty and use letters, digits and "
                             "!#$%&'*+-.^_`|~");
    } else if (mesh::isSidecarOwnedHeader(toLowerAscii(name))) {
      diagnostics_.error(DiagnosticCode::ManagedHeaderEdit, edit.name.loc,
                         "the sidecar manages " + quoted(toLowerAscii(name)) +
                             " itself; a rule cannot edit it" +
                             (toLowerAscii(name) == "host" ? " (use 'rewrite host')" : ""));
    }
    if (hasControlCharacter(edit.value.value)) {
      diagnostics_.error(DiagnosticCode::HeaderValueControlCharacter, edit.value.loc,
                         "header value contains a control character (such as a newline), which "
                         "no HTTP header may carry");
    }
  }

  void checkRedirectPart(const ast::RedirectSetting& part) {
    fits(part.loc, "a redirect's " + partName(part.part), outcome_ == Outcome::Redirect);
    switch (part.part) {
      case ast::RedirectSetting::Part::Scheme:
        once("redirect scheme", part.loc);
        if (part.value != "http" && part.value != "https") {
          diagnostics_.error(DiagnosticCode::InvalidRedirectScheme, part.loc,
                             "a redirect's scheme is http or https, not '" + part.value + "'");
        }
        return;
      case ast::RedirectSetting::Part::Host:
        once("redirect host", part.loc);
        checkHost(part.value, part.loc);
        return;
      case ast::RedirectSetting::Part::Port:
        once("redirect port", part.loc);
        if (!part.malformed && (part.port < 1 || part.port > 65535)) {
          diagnostics_.error(DiagnosticCode::PortOutOfRange, part.loc,
                             "port " + part.value + " is out of range; ports are 1-65535");
        }
        return;
      case ast::RedirectSetting::Part::Path:
      case ast::RedirectSetting::Part::Prefix:
        once("redirect path", part.loc);
        checkPath(part.value, part.loc);
        if (part.part == ast::RedirectSetting::Part::Prefix) checkMatchedPrefix(part.loc);
        return;
    }
  }

  // Only a forwarded request has a copy to send; the sidecar's own answers are not mirrored.
  void checkMirror(const ast::MirrorSetting& mirror) {
    fits(mirror.loc, "a mirror", outcome_ == Outcome::Forward);
    if (mirror.percent) checkMirrorPercent(*mirror.percent, diagnostics_);
  }

  static std::string partName(ast::RedirectSetting::Part part) {
    switch (part) {
      case ast::RedirectSetting::Part::Scheme:
        return "scheme";
      case ast::RedirectSetting::Part::Host:
        return "host";
      case ast::RedirectSetting::Part::Port:
        return "port";
      case ast::RedirectSetting::Part::Path:
        return "path";
      case ast::RedirectSetting::Part::Prefix:
        return "prefix";
    }
    return "";
  }

  void checkPath(const std::string& path, const SourceLoc& at) {
    if (!startsWithSlash(path)) {
      diagnostics_.error(DiagnosticCode::PathNotAbsolute, at,
                         "path " + quoted(path) + " must start with '/'");
    } else if (std::any_of(path.begin(), path.end(), [](char c) {
                 const auto byte = static_cast<unsigned char>(c);
                 return byte <= 0x20 || byte >= 0x7f || c == '?' || c == '#';
               })) {
      diagnostics_.error(DiagnosticCode::PathWithSpace, at,
                         "path " + quoted(path) +
                             " holds a space, a control or non-ASCII character, '?' or '#'; a "
                             "new path is a path only, percent-encoded (e.g. %C3%A9 for é)");
    }
  }

  void checkHost(const std::string& host, const SourceLoc& at) {
    if (isDnsName(host)) return;
    diagnostics_.error(DiagnosticCode::MalformedHostName, at,
                       "host " + quoted(host) +
                           " is not a DNS name (letters, digits and '-' in dot-separated labels)");
  }

  // A prefix replacement replaces the segment prefix the rule matched, so every group must match
  // one, the same (Gateway API's ReplacePrefixMatch goes with a PathPrefix match).
  void checkMatchedPrefix(const SourceLoc& at) {
    std::optional<std::string> common;
    bool consistent = !rule_.groups.empty();
    for (const ast::ConditionGroup& group : rule_.groups) {
      std::vector<std::string> prefixes;
      for (const ast::Condition& condition : group.conditions) {
        std::visit(Overloaded{
                       [&](const ast::PathMatch& path) {
                         if (!condition.negated && path.test == ast::StringTest::Prefix) {
                           std::string value = path.value.value;
                           while (!value.empty() && value.back() == '/') value.pop_back();
                           prefixes.push_back(value);
                         }
                       },
                       [](const ast::MethodMatch&) {},
                       [](const ast::HeaderMatch&) {},
                       [](const ast::QueryMatch&) {},
                       [](const ast::PortMatch&) {},
                       [](const ast::SourceWorkloadMatch&) {},
                       [](const ast::SourceLabelMatch&) {},
                       [](const ast::SourcePrincipalMatch&) {},
                   },
                   condition.match);
      }
      if (prefixes.size() != 1 || (common && *common != prefixes[0])) consistent = false;
      if (!prefixes.empty()) common = prefixes[0];
    }
    if (consistent) return;
    diagnostics_.error(DiagnosticCode::PrefixReplacementWithoutPrefix, at,
                       "a prefix replacement replaces the path prefix the rule matched: every "
                       "group of the rule needs exactly one 'path prefix' condition, the same "
                       "in each");
  }

  const ast::RouteRule& rule_;
  Diagnostics& diagnostics_;
  Outcome outcome_ = Outcome::Forward;
  std::map<std::string, SourceLoc> seen_;
};

}  // namespace

void checkMirrorPercent(const ast::Percent& percent, Diagnostics& diagnostics) {
  if (percent.malformed || (percent.basisPoints > 0 && percent.basisPoints <= 10000)) return;
  diagnostics.error(DiagnosticCode::PercentOutOfRange, percent.loc,
                    "a mirror takes more than 0% and at most 100% of the requests, not " +
                        percent.text + "; without a percentage it takes all of them");
}

void checkRuleSettings(const ast::Policy& policy, Diagnostics& diagnostics) {
  for (const ast::Service& service : policy.services) {
    for (const ast::Route& route : service.routes) {
      for (const ast::RouteRule& rule : route.rules) RuleSettings(rule, diagnostics).check();
    }
  }
}

}  // namespace meshc::sema
