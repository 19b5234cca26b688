// Runs the generated lexer and parser and builds the AST from the parse tree. Only ast/ sees ANTLR:
// this file, SyntaxErrors.cpp (ANTLR's syntax errors as our diagnostics) and SourceTokens.cpp.

#include <algorithm>
#include <charconv>
#include <limits>
#include <stdexcept>

#include "MeshLexer.h"
#include "MeshParser.h"
#include "antlr4-runtime.h"
#include "ast/Parser.h"
#include "ast/SyntaxErrors.h"
#include "support/Utf8.h"

namespace meshc::ast {
namespace {

using antlr4::Token;
using antlr4::tree::TerminalNode;

class AstBuilder {
 public:
  AstBuilder(std::string file, Diagnostics& diagnostics)
      : file_(std::move(file)), diagnostics_(diagnostics) {}

  Policy build(MeshParser::PolicyContext* tree) {
    Policy policy;
    policy.file = file_;
    if (auto* mesh = tree->meshDecl()) policy.mesh = buildMesh(mesh);
    for (auto* item : tree->topItem()) {
      if (auto* service = item->serviceDecl()) policy.services.push_back(buildService(service));
      if (auto* workload = item->workloadDecl())
        policy.workloads.push_back(buildWorkload(workload));
      if (auto* test = item->testDecl()) policy.tests.push_back(buildTest(test));
    }
    return policy;
  }

 private:
  SourceLoc loc(const Token* token) const { return locOf(file_, token); }
  SourceLoc loc(antlr4::ParserRuleContext* context) const { return loc(context->getStart()); }
  // Where the construct starts, spanning all of it when it sits on one line (a condition, a rule),
  // so diagnostics underline the whole construct rather than its first word.
  SourceLoc span(antlr4::ParserRuleContext* context) const {
    SourceLoc start = loc(context);
    const SourceLoc stop = loc(context->getStop());
    if (stop.line == start.line && stop.column >= start.column) {
      start.length = stop.column + stop.length - start.column;
    }
    return start;
  }

  Identifier identifier(const Token* token) const {
    if (token == nullptr) return {"", {file_, 0, 0}};
    return {token->getText(), loc(token)};
  }
  Identifier identifier(TerminalNode* node) const {
    return identifier(node != nullptr ? node->getSymbol() : nullptr);
  }
  Identifier identifier(MeshParser::NameContext* name) const {
    return identifier(name != nullptr ? name->getStart() : nullptr);
  }

  StringLiteral string(TerminalNode* node) {
    if (node == nullptr) return {"", {file_, 0, 0}};
    const Token* token = node->getSymbol();
    const std::string text = token->getText();
    StringLiteral literal{"", loc(token)};
    // The lexer guarantees the surrounding quotes and that every backslash is followed by a char.
    for (size_t i = 1; i + 1 < text.size(); ++i) {
      if (text[i] != '\\') {
        literal.value += text[i];
        continue;
      }
      const char escaped = text[++i];
      switch (escaped) {
        case '"':
        case '\\':
          literal.value += escaped;
          break;
        case 'n':
          literal.value += '\n';
          break;
        case 't':
          literal.value += '\t';
          break;
        default: {
          SourceLoc at = literal.loc;
          at.column +=
              static_cast<uint32_t>(codePointCount(std::string_view(text).substr(0, i - 1)));
          at.length = 2;
          diagnostics_.error(DiagnosticCode::UnknownEscape, at,
                             std::string("unknown escape sequence '\\") + escaped +
                                 "'; valid escapes are \\\", \\\\, \\n and \\t");
        }
      }
    }
    return literal;
  }

  // Parses the leading digits of `text`; reports overflow against `limit`.
  std::optional<uint64_t> digits(const std::string& text, size_t& end, const SourceLoc& at,
                                 uint64_t limit, const char* what) {
    uint64_t value = 0;
    const char* first = text.data();
    const auto [ptr, ec] = std::from_chars(first, first + text.size(), value);
    end = static_cast<size_t>(ptr - first);
    if (ec != std::errc() || value > limit) {
      diagnostics_.error(DiagnosticCode::NumberTooLarge, at,
                         std::string(what) + " '" + text + "' is too large");
      return std::nullopt;
    }
    return value;
  }

  Duration duration(TerminalNode* node) {
    Duration d;
    if (node == nullptr) return d;
    d.text = node->getText();
    d.loc = loc(node->getSymbol());
    size_t end = 0;
    const auto amount =
        digits(d.text, end, d.loc, std::numeric_limits<uint32_t>::max(), "duration");
    if (!amount) {
      d.malformed = true;
      return d;
    }
    const std::string unit = d.text.substr(end);
    const uint64_t scale = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60'000 : 3'600'000;
    d.milliseconds = *amount * scale;
    return d;
  }

  Percent percent(TerminalNode* node) {
    Percent p;
    if (node == nullptr) return p;
    p.text = node->getText();
    p.loc = loc(node->getSymbol());
    size_t end = 0;
    const auto whole = digits(p.text, end, p.loc, 100, "percentage");
    if (!whole) {
      p.malformed = true;
      return p;
    }
    uint64_t fraction = 0;
    if (p.text[end] == '.') {
      const std::string decimals = p.text.substr(end + 1, p.text.size() - end - 2);
      if (decimals.size() > 2) {
        diagnostics_.error(DiagnosticCode::PercentTooPrecise, p.loc,
                           "percentage '" + p.text +
                               "' has more than two decimal places; weights are "
                               "counted in hundredths of a percent");
        p.malformed = true;
        return p;
      }
      fraction = std::stoul(decimals) * (decimals.size() == 1 ? 10 : 1);
    }
    p.basisPoints = static_cast<uint32_t>(*whole * 100 + fraction);
    return p;
  }

  // A port's digits; nullopt when they overflow (reported) or are missing (a syntax error).
  std::optional<uint64_t> portNumber(TerminalNode* node) {
    if (node == nullptr) return std::nullopt;
    size_t end = 0;
    return digits(node->getText(), end, loc(node->getSymbol()),
                  std::numeric_limits<uint32_t>::max(), "port");
  }

  Mesh buildMesh(MeshParser::MeshDeclContext* context) {
    Mesh mesh;
    mesh.name = identifier(context->name());
    mesh.loc = loc(context);
    for (auto* setting : context->meshSetting()) {
      if (auto* domain = dynamic_cast<MeshParser::TrustDomainContext*>(setting)) {
        mesh.trustDomains.push_back(string(domain->STRING()));
      } else if (dynamic_cast<MeshParser::MergeSlashesContext*>(setting) != nullptr) {
        mesh.mergeSlashes.push_back(loc(setting));
      } else if (auto* slashes = dynamic_cast<MeshParser::EncodedSlashesContext*>(setting)) {
        mesh.encodedSlashes.push_back(identifier(slashes->action));
      } else if (auto* ns = dynamic_cast<MeshParser::MeshNamespaceContext*>(setting)) {
        mesh.namespaces.push_back(identifier(ns->name()));
      } else if (auto* domain = dynamic_cast<MeshParser::ClusterDomainContext*>(setting)) {
        mesh.clusterDomains.push_back(string(domain->STRING()));
      } else if (auto* mtls = dynamic_cast<MeshParser::MeshMtlsContext*>(setting)) {
        mesh.mtls.push_back(identifier(mtls->name()));
      }
    }
    return mesh;
  }

  Service buildService(MeshParser::ServiceDeclContext* context) {
    Service service;
    service.name = identifier(context->name());
    service.loc = loc(context);
    for (auto* item : context->serviceItem()) {
      if (auto* port = dynamic_cast<MeshParser::ServicePortContext*>(item)) {
        ServicePort p;
        p.loc = loc(port);
        const std::optional<uint64_t> number = portNumber(port->INT());
        p.number = number.value_or(0);
        p.malformed = !number;
        if (port->protocol != nullptr) p.protocol = identifier(port->protocol);
        service.ports.push_back(std::move(p));
      } else if (auto* subset = dynamic_cast<MeshParser::ServiceSubsetContext*>(item)) {
        service.subsets.push_back(buildSubset(subset));
      } else if (auto* route = dynamic_cast<MeshParser::ServiceRouteContext*>(item)) {
        service.routes.push_back(buildRoute(route));
      } else if (auto* ns = dynamic_cast<MeshParser::ServiceNamespaceContext*>(item)) {
        service.namespaces.push_back(identifier(ns->name()));
      } else if (auto* hosts = dynamic_cast<MeshParser::ServiceHostsContext*>(item)) {
        for (auto* host : hosts->STRING()) service.hosts.push_back(string(host));
      } else if (auto* experiment = dynamic_cast<MeshParser::ServiceExperimentContext*>(item)) {
        service.experiments.push_back(buildExperiment(experiment));
      } else if (auto* cors = dynamic_cast<MeshParser::ServiceCorsContext*>(item)) {
        service.corsPolicies.push_back(buildCors(cors));
      } else if (auto* mtls = dynamic_cast<MeshParser::ServiceMtlsContext*>(item)) {
        service.mtls.push_back(identifier(mtls->name()));
      }
    }
    return service;
  }

  CorsPolicy buildCors(MeshParser::ServiceCorsContext* context) {
    CorsPolicy policy;
    policy.name = identifier(context->name());
    policy.loc = loc(context);
    for (auto* item : context->corsItem()) {
      if (auto* l = dynamic_cast<MeshParser::CorsListContext*>(item)) {
        CorsList list;
        const std::string kind = l->kind->getText();
        list.kind = kind == "origins"   ? CorsList::Kind::Origins
                    : kind == "methods" ? CorsList::Kind::Methods
                    : kind == "headers" ? CorsList::Kind::Headers
                                        : CorsList::Kind::Expose;
        for (auto* value : l->STRING()) list.values.push_back(string(value));
        list.loc = loc(l);
        policy.lists.push_back(std::move(list));
      } else if (auto* m = dynamic_cast<MeshParser::CorsMaxAgeContext*>(item)) {
        policy.maxAges.push_back(duration(m->DURATION()));
      } else if (auto* c = dynamic_cast<MeshParser::CorsCredentialsContext*>(item)) {
        policy.credentials.push_back(loc(c));
      }
    }
    return policy;
  }

  Experiment buildExperiment(MeshParser::ServiceExperimentContext* context) {
    Experiment experiment;
    experiment.name = identifier(context->name());
    experiment.loc = loc(context);
    for (auto* item : context->experimentItem()) {
      if (auto* v = dynamic_cast<MeshParser::ExperimentVariantContext*>(item)) {
        experiment.variants.push_back(
            {identifier(v->name(0)), percent(v->PERCENT()), identifier(v->name(1))});
      } else if (auto* h = dynamic_cast<MeshParser::StickyHeaderContext*>(item)) {
        experiment.stickyKeys.push_back({StickyKey::Kind::Header, string(h->STRING()), loc(h)});
      } else if (auto* c = dynamic_cast<MeshParser::StickyCookieContext*>(item)) {
        experiment.stickyKeys.push_back({StickyKey::Kind::Cookie, string(c->STRING()), loc(c)});
      } else if (auto* p = dynamic_cast<MeshParser::StickyPrincipalContext*>(item)) {
        experiment.stickyKeys.push_back({StickyKey::Kind::Principal, {"", loc(p)}, loc(p)});
      } else if (auto* a = dynamic_cast<MeshParser::AssignmentCookieContext*>(item)) {
        AssignmentCookie cookie{string(a->STRING()), std::nullopt, loc(a)};
        if (a->DURATION() != nullptr) cookie.maxAge = duration(a->DURATION());
        experiment.cookies.push_back(std::move(cookie));
      }
    }
    return experiment;
  }

  Subset buildSubset(MeshParser::ServiceSubsetContext* context) {
    Subset subset{identifier(context->name()), {}, {}, loc(context)};
    for (auto* item : context->subsetItem()) {
      subset.endpointLists.push_back(loc(item));
      for (auto* endpoint : item->STRING()) subset.endpoints.push_back(string(endpoint));
    }
    return subset;
  }

  Route buildRoute(MeshParser::ServiceRouteContext* context) {
    Route route;
    route.loc = loc(context);
    for (auto* item : context->routeItem()) {
      if (auto* when = dynamic_cast<MeshParser::WhenRuleContext*>(item)) {
        RouteRule rule;
        rule.loc = span(when);
        for (auto* all : when->anyOf()->allOf()) {
          ConditionGroup group;
          group.loc = span(all);
          for (auto* condition : all->condition()) {
            group.conditions.push_back(buildCondition(condition));
          }
          rule.groups.push_back(std::move(group));
        }
        buildRuleBody(rule, when->outcome(), when->ruleEnd());
        route.rules.push_back(std::move(rule));
      } else if (auto* otherwise = dynamic_cast<MeshParser::OtherwiseRuleContext*>(item)) {
        RouteRule rule;
        rule.otherwise = true;
        rule.loc = span(otherwise);
        buildRuleBody(rule, otherwise->outcome(), otherwise->ruleEnd());
        route.rules.push_back(std::move(rule));
      } else if (auto* timeout = dynamic_cast<MeshParser::RouteTimeoutContext*>(item)) {
        route.timeouts.push_back(duration(timeout->DURATION()));
      } else if (auto* cors = dynamic_cast<MeshParser::RouteCorsContext*>(item)) {
        route.cors.push_back(identifier(cors->name()));
      } else if (auto* retry = dynamic_cast<MeshParser::RouteRetryContext*>(item)) {
        route.retries.push_back(buildRetry(retry->retryBlock()));
      }
    }
    return route;
  }

  std::pair<uint64_t, bool> status(TerminalNode* node) {
    size_t end = 0;
    const auto number = digits(node->getText(), end, loc(node->getSymbol()),
                               std::numeric_limits<uint32_t>::max(), "status");
    return {number.value_or(0), !number};
  }

  void buildRuleBody(RouteRule& rule, MeshParser::OutcomeContext* outcome,
                     MeshParser::RuleEndContext* end) {
    if (auto* redirect = dynamic_cast<MeshParser::RedirectOutcomeContext*>(outcome)) {
      const auto [code, malformed] = status(redirect->INT());
      rule.target = RedirectTarget{code, span(redirect), malformed};
    } else if (auto* respond = dynamic_cast<MeshParser::RespondOutcomeContext*>(outcome)) {
      const auto [code, malformed] = status(respond->INT());
      RespondTarget target{code, std::nullopt, span(respond), malformed};
      if (respond->STRING() != nullptr) target.body = string(respond->STRING());
      rule.target = std::move(target);
    } else if (auto* experiment = dynamic_cast<MeshParser::ExperimentOutcomeContext*>(outcome)) {
      rule.target = ExperimentTarget{identifier(experiment->name())};
    } else if (auto* backend = dynamic_cast<MeshParser::BackendOutcomeContext*>(outcome)) {
      rule.target = buildTarget(backend->target());
    }
    if (auto* timeout = end->ruleTimeout()) rule.timeout = duration(timeout->DURATION());
    for (auto* setting : end->ruleSetting()) rule.settings.push_back(buildSetting(setting));
  }

  RuleSetting buildSetting(MeshParser::RuleSettingContext* context) {
    const SourceLoc at = span(context);
    if (auto* c = dynamic_cast<MeshParser::SettingTimeoutContext*>(context)) {
      return TimeoutSetting{duration(c->DURATION())};
    }
    if (auto* c = dynamic_cast<MeshParser::SettingRewritePathContext*>(context)) {
      return RewriteSetting{RewriteSetting::Part::Path, string(c->STRING()), at};
    }
    if (auto* c = dynamic_cast<MeshParser::SettingRewritePrefixContext*>(context)) {
      return RewriteSetting{RewriteSetting::Part::Prefix, string(c->STRING()), at};
    }
    if (auto* c = dynamic_cast<MeshParser::SettingRewriteHostContext*>(context)) {
      return RewriteSetting{RewriteSetting::Part::Host, string(c->STRING()), at};
    }
    auto side = [](const Token* token) {
      return token->getText() == "request" ? HeaderEditSetting::Side::Request
                                           : HeaderEditSetting::Side::Response;
    };
    if (auto* c = dynamic_cast<MeshParser::SettingHeaderSetContext*>(context)) {
      return HeaderEditSetting{side(c->side), HeaderEditSetting::Op::Set, string(c->STRING(0)),
                               string(c->STRING(1)), at};
    }
    if (auto* c = dynamic_cast<MeshParser::SettingHeaderAddContext*>(context)) {
      return HeaderEditSetting{side(c->side), HeaderEditSetting::Op::Add, string(c->STRING(0)),
                               string(c->STRING(1)), at};
    }
    if (auto* c = dynamic_cast<MeshParser::SettingHeaderRemoveContext*>(context)) {
      return HeaderEditSetting{
          side(c->side), HeaderEditSetting::Op::Remove, string(c->STRING()), {"", at}, at};
    }
    if (auto* c = dynamic_cast<MeshParser::SettingSchemeContext*>(context)) {
      return RedirectSetting{RedirectSetting::Part::Scheme, identifier(c->name()).name, 0, at};
    }
    if (auto* c = dynamic_cast<MeshParser::SettingHostContext*>(context)) {
      return RedirectSetting{RedirectSetting::Part::Host, string(c->STRING()).value, 0, at};
    }
    if (auto* c = dynamic_cast<MeshParser::SettingPortContext*>(context)) {
      const std::optional<uint64_t> number = portNumber(c->INT());
      return RedirectSetting{RedirectSetting::Part::Port, c->INT()->getText(), number.value_or(0),
                             at, !number};
    }
    if (auto* c = dynamic_cast<MeshParser::SettingPathContext*>(context)) {
      return RedirectSetting{RedirectSetting::Part::Path, string(c->STRING()).value, 0, at};
    }
    if (auto* c = dynamic_cast<MeshParser::SettingPrefixContext*>(context)) {
      return RedirectSetting{RedirectSetting::Part::Prefix, string(c->STRING()).value, 0, at};
    }
    if (auto* c = dynamic_cast<MeshParser::SettingMirrorContext*>(context)) {
      MirrorSetting mirror{clusterRef(c->clusterRef()), std::nullopt, at};
      if (c->PERCENT() != nullptr) mirror.percent = percent(c->PERCENT());
      return mirror;
    }
    if (auto* c = dynamic_cast<MeshParser::SettingCorsContext*>(context)) {
      return CorsSetting{identifier(c->name()), at};
    }
    if (auto* c = dynamic_cast<MeshParser::SettingRetryContext*>(context)) {
      return buildRetry(c->retryBlock());
    }
    throw std::logic_error("AstBuilder: a rule setting alternative of the grammar is not handled");
  }

  RetrySetting buildRetry(MeshParser::RetryBlockContext* context) {
    RetrySetting retry;
    retry.loc = loc(context);
    for (auto* item : context->retryItem()) {
      const SourceLoc at = span(item);
      if (auto* a = dynamic_cast<MeshParser::RetryAttemptsContext*>(item)) {
        const SourceLoc number = loc(a->INT()->getSymbol());
        size_t end = 0;
        const auto count = digits(a->INT()->getText(), end, number,
                                  std::numeric_limits<uint32_t>::max(), "attempts");
        retry.attempts.push_back({count.value_or(0), number, !count});
      } else if (auto* on = dynamic_cast<MeshParser::RetryOnContext*>(item)) {
        RetryOn conditions{{}, at};
        for (auto* condition : on->retryCondition()) {
          conditions.conditions.push_back(buildRetryCondition(condition));
        }
        retry.on.push_back(std::move(conditions));
      } else if (auto* t = dynamic_cast<MeshParser::RetryPerTryTimeoutContext*>(item)) {
        retry.perTryTimeouts.push_back(duration(t->DURATION()));
      } else if (auto* b = dynamic_cast<MeshParser::RetryBackoffContext*>(item)) {
        RetryBackoff backoff{duration(b->DURATION(0)), std::nullopt, at};
        if (b->DURATION(1) != nullptr) backoff.max = duration(b->DURATION(1));
        retry.backoffs.push_back(std::move(backoff));
      } else if (auto* b = dynamic_cast<MeshParser::RetryBudgetContext*>(item)) {
        retry.budgets.push_back(percent(b->PERCENT()));
      } else if (dynamic_cast<MeshParser::RetryNonIdempotentContext*>(item) != nullptr) {
        retry.nonIdempotent.push_back(at);
      }
    }
    return retry;
  }

  RetryCondition buildRetryCondition(MeshParser::RetryConditionContext* context) {
    RetryCondition condition{context->getText(), std::nullopt, span(context), false};
    if (dynamic_cast<MeshParser::RetryStatusContext*>(context) != nullptr) {
      size_t end = 0;
      const auto number = digits(condition.text, end, condition.loc,
                                 std::numeric_limits<uint32_t>::max(), "status");
      condition.status = number.value_or(0);
      condition.malformed = !number;
    }
    return condition;
  }

  Condition buildCondition(MeshParser::ConditionContext* context) {
    const SourceLoc at = span(context);
    if (auto* c = dynamic_cast<MeshParser::NotConditionContext*>(context)) {
      Condition inner = buildCondition(c->condition());
      inner.negated = !inner.negated;
      inner.loc = at;
      return inner;
    }
    if (auto* c = dynamic_cast<MeshParser::PathMatchContext*>(context)) {
      return {PathMatch{stringTest(c->op), string(c->STRING())}, false, at};
    }
    if (auto* c = dynamic_cast<MeshParser::MethodIsContext*>(context)) {
      return {MethodMatch{identifier(c->name())}, false, at};
    }
    if (auto* c = dynamic_cast<MeshParser::HeaderMatchContext*>(context)) {
      const auto [test, value] = valueTest(c->valueTest(), at);
      return {HeaderMatch{test, string(c->STRING()), value}, false, at};
    }
    if (auto* c = dynamic_cast<MeshParser::QueryMatchContext*>(context)) {
      const auto [test, value] = valueTest(c->valueTest(), at);
      return {QueryMatch{test, string(c->STRING()), value}, false, at};
    }
    if (auto* c = dynamic_cast<MeshParser::PortMatchContext*>(context)) {
      PortMatch port;
      port.loc = at;
      const std::optional<uint64_t> number = portNumber(c->INT());
      port.number = number.value_or(0);
      port.malformed = !number;
      return {port, false, at};
    }
    if (auto* c = dynamic_cast<MeshParser::SourceWorkloadContext*>(context)) {
      return {SourceWorkloadMatch{identifier(c->name())}, false, at};
    }
    if (auto* c = dynamic_cast<MeshParser::SourceLabelContext*>(context)) {
      const auto [test, value] = valueTest(c->valueTest(), at);
      return {SourceLabelMatch{test, string(c->STRING()), value}, false, at};
    }
    if (auto* c = dynamic_cast<MeshParser::SourcePrincipalContext*>(context)) {
      const auto [test, value] = valueTest(c->valueTest(), at);
      return {SourcePrincipalMatch{test, value}, false, at};
    }
    throw std::logic_error("AstBuilder: a condition alternative of the grammar is not handled");
  }

  static StringTest stringTest(const Token* op) {
    const std::string text = op->getText();
    if (text == "==") return StringTest::Equals;
    if (text == "prefix") return StringTest::Prefix;
    if (text == "starts_with") return StringTest::StartsWith;
    if (text == "suffix") return StringTest::Suffix;
    if (text == "matches") return StringTest::Matches;
    throw std::logic_error("AstBuilder: unknown comparison '" + text + "'");
  }

  std::pair<StringTest, StringLiteral> valueTest(MeshParser::ValueTestContext* context,
                                                 const SourceLoc& at) {
    if (auto* c = dynamic_cast<MeshParser::ValueCompareContext*>(context)) {
      return {stringTest(c->op), string(c->STRING())};
    }
    if (dynamic_cast<MeshParser::ValuePresentContext*>(context) != nullptr) {
      return {StringTest::Present, {"", at}};
    }
    if (dynamic_cast<MeshParser::ValueAbsentContext*>(context) != nullptr) {
      return {StringTest::Absent, {"", at}};
    }
    throw std::logic_error("AstBuilder: a value test alternative of the grammar is not handled");
  }

  Target buildTarget(MeshParser::TargetContext* context) {
    if (auto* split = dynamic_cast<MeshParser::SplitTargetContext*>(context)) {
      SplitTarget target{{}, span(split)};
      for (auto* weighted : split->weighted()) {
        target.entries.push_back({identifier(weighted->name()), percent(weighted->PERCENT())});
      }
      return target;
    }
    auto* subset = dynamic_cast<MeshParser::SubsetTargetContext*>(context);
    return SubsetTarget{identifier(subset != nullptr ? subset->name() : nullptr)};
  }

  Workload buildWorkload(MeshParser::WorkloadDeclContext* context) {
    Workload workload;
    workload.name = identifier(context->name());
    workload.loc = loc(context);
    for (auto* item : context->workloadItem()) {
      if (auto* service = dynamic_cast<MeshParser::WorkloadServiceContext*>(item)) {
        workload.services.push_back(identifier(service->name()));
      } else if (auto* version = dynamic_cast<MeshParser::WorkloadVersionContext*>(item)) {
        workload.versions.push_back(identifier(version->name()));
      } else if (auto* calls = dynamic_cast<MeshParser::WorkloadCallsContext*>(item)) {
        for (auto* callee : calls->name()) workload.calls.push_back(identifier(callee));
      } else if (auto* label = dynamic_cast<MeshParser::WorkloadLabelContext*>(item)) {
        workload.labels.push_back({string(label->STRING(0)), string(label->STRING(1))});
      } else if (auto* account = dynamic_cast<MeshParser::WorkloadServiceAccountContext*>(item)) {
        workload.serviceAccounts.push_back(identifier(account->name()));
      }
    }
    return workload;
  }

  TestCase buildTest(MeshParser::TestDeclContext* context) {
    TestCase test;
    test.name = string(context->STRING());
    test.loc = loc(context);
    for (auto* item : context->testItem()) {
      if (auto* request = dynamic_cast<MeshParser::TestRequestContext*>(item)) {
        test.requests.push_back(buildTestRequest(request));
      } else if (auto* expect = dynamic_cast<MeshParser::TestExpectContext*>(item)) {
        test.expectations.push_back({buildExpectation(expect->expectation()), loc(expect)});
      }
    }
    return test;
  }

  TestRequest buildTestRequest(MeshParser::TestRequestContext* context) {
    TestRequest request;
    request.from = identifier(context->name(0));
    request.method = identifier(context->method);
    request.url = string(context->STRING());
    request.loc = loc(context);
    for (auto* part : context->requestPart()) {
      if (auto* header = dynamic_cast<MeshParser::RequestHeaderContext*>(part)) {
        request.headers.push_back({string(header->STRING(0)), string(header->STRING(1))});
      } else if (auto* principal = dynamic_cast<MeshParser::RequestPrincipalContext*>(part)) {
        request.principals.push_back(string(principal->STRING()));
      }
    }
    return request;
  }

  ClusterRef clusterRef(MeshParser::ClusterRefContext* context) {
    return {identifier(context->service), identifier(context->subset)};
  }

  ExpectationKind buildExpectation(MeshParser::ExpectationContext* context) {
    if (auto* routed = dynamic_cast<MeshParser::ExpectRoutedContext*>(context)) {
      return ExpectRouted{clusterRef(routed->clusterRef())};
    }
    if (auto* split = dynamic_cast<MeshParser::ExpectSplitContext*>(context)) {
      ExpectSplit expected;
      for (auto* share : split->share()) {
        expected.shares.push_back({clusterRef(share->clusterRef()), percent(share->PERCENT())});
      }
      return expected;
    }
    if (auto* status = dynamic_cast<MeshParser::ExpectStatusContext*>(context)) {
      ExpectStatus expected;
      size_t end = 0;
      const auto number = digits(status->INT()->getText(), end, loc(status->INT()->getSymbol()),
                                 std::numeric_limits<uint32_t>::max(), "status");
      expected.status = number.value_or(0);
      expected.malformed = !number;
      return expected;
    }
    if (auto* timeout = dynamic_cast<MeshParser::ExpectTimeoutContext*>(context)) {
      return ExpectTimeout{duration(timeout->DURATION())};
    }
    if (dynamic_cast<MeshParser::ExpectNoTimeoutContext*>(context) != nullptr) {
      return ExpectTimeout{};
    }
    if (auto* variant = dynamic_cast<MeshParser::ExpectVariantContext*>(context)) {
      return ExpectVariant{identifier(variant->name())};
    }
    if (auto* redirect = dynamic_cast<MeshParser::ExpectRedirectContext*>(context)) {
      return ExpectRedirect{string(redirect->STRING())};
    }
    if (auto* path = dynamic_cast<MeshParser::ExpectUpstreamPathContext*>(context)) {
      return ExpectUpstreamPath{string(path->STRING())};
    }
    if (auto* host = dynamic_cast<MeshParser::ExpectUpstreamHostContext*>(context)) {
      return ExpectUpstreamHost{string(host->STRING())};
    }
    if (auto* header = dynamic_cast<MeshParser::ExpectHeaderContext*>(context)) {
      ExpectHeader expected;
      expected.side = header->side->getText() == "upstream" ? ExpectHeader::Side::kUpstream
                                                            : ExpectHeader::Side::kResponse;
      expected.name = string(header->STRING());
      if (auto* equals = dynamic_cast<MeshParser::HeaderEqualsContext*>(header->headerIs())) {
        expected.value = string(equals->STRING());
      }
      return expected;
    }
    if (auto* retries = dynamic_cast<MeshParser::ExpectRetriesContext*>(context)) {
      ExpectRetries expected;
      expected.loc = loc(retries->INT()->getSymbol());
      size_t end = 0;
      const auto count = digits(retries->INT()->getText(), end, expected.loc,
                                std::numeric_limits<uint32_t>::max(), "retries");
      expected.attempts = count.value_or(0);
      expected.malformed = !count;
      return expected;
    }
    if (auto* mirrored = dynamic_cast<MeshParser::ExpectMirroredContext*>(context)) {
      ExpectMirrored expected{clusterRef(mirrored->clusterRef()), std::nullopt};
      if (mirrored->PERCENT() != nullptr) expected.percent = percent(mirrored->PERCENT());
      return expected;
    }
    throw std::logic_error("AstBuilder: an expectation alternative of the grammar is not handled");
  }

  std::string file_;
  Diagnostics& diagnostics_;
};

}  // namespace

std::optional<Policy> parse(const SourceFile& source, Diagnostics& diagnostics) {
  // ANTLR's input stream throws on malformed UTF-8; report the first bad byte instead.
  if (const size_t bad = firstInvalidUtf8(source.text()); bad != std::string::npos) {
    const std::string before = source.text().substr(0, bad);
    const size_t lineStart = before.rfind('\n') == std::string::npos ? 0 : before.rfind('\n') + 1;
    const auto line = static_cast<uint32_t>(std::count(before.begin(), before.end(), '\n') + 1);
    static constexpr char kHex[] = "0123456789abcdef";
    const auto byte = static_cast<unsigned char>(source.text()[bad]);
    const size_t column = codePointCount(std::string_view(before).substr(lineStart)) + 1;
    diagnostics.error(DiagnosticCode::InvalidUtf8,
                      {source.path(), line, static_cast<uint32_t>(column), 1},
                      std::string("invalid UTF-8 byte 0x") + kHex[byte >> 4] + kHex[byte & 0xf] +
                          "; policy files are UTF-8 text");
    return std::nullopt;
  }
  antlr4::ANTLRInputStream input(source.text());
  MeshLexer lexer(&input);
  lexer.removeErrorListeners();  // UNKNOWN_CHAR makes every input lexable
  antlr4::CommonTokenStream tokens(&lexer);
  MeshParser parser(&tokens);
  parser.removeErrorListeners();
  parser.setErrorHandler(makeSyntaxErrorStrategy(source.path(), diagnostics));
  const size_t errorsBefore = diagnostics.errorCount();
  MeshParser::PolicyContext* tree = parser.policy();
  // A tree repaired by error recovery is not worth building: it would only add follow-on errors.
  if (diagnostics.errorCount() != errorsBefore) return std::nullopt;
  return AstBuilder(source.path(), diagnostics).build(tree);
}

}  // namespace meshc::ast
