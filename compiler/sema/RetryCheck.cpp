// Retry policies, `retry { ... }` on a route or in a rule: what each statement may hold, and lints
// for policies that cannot do what they say. Whether a rule may retry at all (it must forward) is
// RuleSettingCheck's.

#include <algorithm>
#include <optional>
#include <set>

#include "sema/Checks.h"
#include "sema/RepeatedStatements.h"
#include "sema/RouteDefaults.h"
#include "support/Suggest.h"
#include "support/Text.h"

namespace meshc::sema {
namespace {

void checkAttempts(const ast::RetryAttempts& attempts, Diagnostics& diagnostics) {
  if (attempts.malformed || attempts.count <= kMaxRetryAttempts) return;
  diagnostics.error(DiagnosticCode::RetryAttemptsOutOfRange, attempts.loc,
                    "attempts " + std::to_string(attempts.count) +
                        " is out of range: a request is retried 0 to " +
                        std::to_string(kMaxRetryAttempts) + " times after its first attempt");
}

void checkCondition(const ast::RetryCondition& condition, Diagnostics& diagnostics) {
  if (condition.malformed) return;
  if (condition.status) {
    if (*condition.status >= 100 && *condition.status <= 599) return;
    diagnostics.error(
        DiagnosticCode::UnknownRetryCondition, condition.loc,
        "status " + condition.text + " is no HTTP status; a retried status is 100-599");
    return;
  }
  if (ast::retryReasonNamed(condition.text)) return;
  if (condition.text.ends_with("xx")) {
    diagnostics.error(DiagnosticCode::UnknownRetryCondition, condition.loc,
                      "'" + condition.text +
                          "' is not a retry condition: of the status classes only 5xx is; list "
                          "other statuses one by one, as in 'on 429, 503;'");
    return;
  }
  std::vector<std::string> names;
  for (ast::RetryReason reason : ast::kRetryReasons) names.emplace_back(ast::spelling(reason));
  diagnostics.error(DiagnosticCode::UnknownRetryCondition, condition.loc,
                    "unknown retry condition '" + condition.text + "'; " +
                        suggestion(condition.text, names, "conditions") +
                        " (or a status such as 429)");
}

// The runtime draws each backoff from [0, min(max, base * 2^n)): a zero base would never wait.
void checkBackoff(const ast::RetryBackoff& backoff, Diagnostics& diagnostics) {
  const auto checkBounds = [&](const ast::Duration& duration, const char* what) {
    if (duration.malformed) return false;
    if (duration.milliseconds == 0) {
      diagnostics.error(
          DiagnosticCode::InvalidRetryBackoff, duration.loc,
          std::string("a backoff's ") + what + " is at least 1ms, not " + duration.text);
      return false;
    }
    if (duration.milliseconds > kMaxTimeoutMs) {
      diagnostics.error(
          DiagnosticCode::InvalidRetryBackoff, duration.loc,
          std::string("a backoff's ") + what + " is at most 24h, not " + duration.text);
      return false;
    }
    return true;
  };
  const bool base = checkBounds(backoff.base, "base");
  if (!backoff.max || !checkBounds(*backoff.max, "maximum") || !base) return;
  if (backoff.max->milliseconds >= backoff.base.milliseconds) return;
  diagnostics.error(
      DiagnosticCode::InvalidRetryBackoff, backoff.max->loc,
      "a backoff's maximum " + backoff.max->text + " is below its base " + backoff.base.text);
}

void checkBudget(const ast::Percent& budget, Diagnostics& diagnostics) {
  if (budget.malformed || (budget.basisPoints > 0 && budget.basisPoints <= 10000)) return;
  diagnostics.error(DiagnosticCode::PercentOutOfRange, budget.loc,
                    "a retry budget is more than 0% and at most 100% of the requests in flight, "
                    "not " +
                        budget.text);
}

void checkRetry(const ast::RetrySetting& retry, Diagnostics& diagnostics) {
  if (retry.attempts.empty()) {
    diagnostics.error(DiagnosticCode::RetryWithoutAttempts, retry.loc,
                      "a retry block needs 'attempts N;': how many times a failed request is "
                      "sent again, 0 to " +
                          std::to_string(kMaxRetryAttempts));
  }
  atMostOnce(retry.attempts, "'attempts' statement", diagnostics,
             [](const ast::RetryAttempts& a) { return a.loc; });
  atMostOnce(retry.on, "'on' statement", diagnostics, [](const ast::RetryOn& o) { return o.loc; });
  atMostOnce(retry.perTryTimeouts, "'per_try_timeout' statement", diagnostics,
             [](const ast::Duration& d) { return d.loc; });
  atMostOnce(retry.backoffs, "'backoff' statement", diagnostics,
             [](const ast::RetryBackoff& b) { return b.loc; });
  atMostOnce(retry.budgets, "'budget' statement", diagnostics,
             [](const ast::Percent& p) { return p.loc; });
  atMostOnce(retry.nonIdempotent, "'non_idempotent' statement", diagnostics,
             [](const SourceLoc& l) { return l; });
  for (const ast::RetryAttempts& attempts : retry.attempts) checkAttempts(attempts, diagnostics);
  for (const ast::RetryOn& on : retry.on) {
    for (const ast::RetryCondition& condition : on.conditions) {
      checkCondition(condition, diagnostics);
    }
  }
  for (const ast::Duration& timeout : retry.perTryTimeouts) {
    checkTimeoutDuration(timeout, "per-try timeout", diagnostics);
  }
  for (const ast::RetryBackoff& backoff : retry.backoffs) checkBackoff(backoff, diagnostics);
  for (const ast::Percent& budget : retry.budgets) checkBudget(budget, diagnostics);
}

// What a condition makes the sidecar retry (abi.h MESH_RETRY_*): a failed connection, a
// connection that gave no response, and responses with a status in [low, high].
struct Retried {
  bool connectFailure = false;
  bool noResponse = false;
  uint64_t low = 1;  // an empty range unless low <= high
  uint64_t high = 0;

  bool covers(const Retried& other) const {
    const bool statuses = other.low > other.high || (low <= other.low && other.high <= high);
    return (connectFailure || !other.connectFailure) && (noResponse || !other.noResponse) &&
           statuses;
  }
};

// Empty for a condition checkRetries reports.
std::optional<Retried> retriedBy(const ast::RetryCondition& condition) {
  if (condition.malformed) return std::nullopt;
  if (condition.status) return Retried{false, false, *condition.status, *condition.status};
  const std::optional<ast::RetryReason> reason = ast::retryReasonNamed(condition.text);
  if (!reason) return std::nullopt;
  switch (*reason) {
    case ast::RetryReason::ServerError:
      return Retried{true, true, 500, 599};
    case ast::RetryReason::GatewayError:
      return Retried{true, true, 502, 504};
    case ast::RetryReason::Reset:
      return Retried{false, true};
    case ast::RetryReason::ConnectFailure:
      return Retried{true, false};
    case ast::RetryReason::Retriable4xx:
      return Retried{false, false, 409, 409};
  }
  return std::nullopt;
}

std::string conditionName(const ast::RetryCondition& condition) {
  return condition.status ? "status " + condition.text : "'" + condition.text + "'";
}

void lintConditions(const ast::RetryOn& on, Diagnostics& diagnostics) {
  const std::vector<ast::RetryCondition>& conditions = on.conditions;
  for (size_t i = 0; i < conditions.size(); ++i) {
    const ast::RetryCondition& condition = conditions[i];
    const std::optional<Retried> retried = retriedBy(condition);
    if (!retried) continue;
    const ast::RetryCondition* same = nullptr;
    const ast::RetryCondition* wider = nullptr;
    for (size_t j = 0; j < conditions.size(); ++j) {
      const ast::RetryCondition& other = conditions[j];
      if (j == i) continue;
      const bool repeat =
          condition.status ? other.status == condition.status : other.text == condition.text;
      if (repeat) {
        if (j < i && same == nullptr) same = &other;
        continue;
      }
      // Of two conditions that retry the same (409 and retriable_4xx), the later adds nothing.
      const std::optional<Retried> otherRetried = retriedBy(other);
      const bool covers = otherRetried && otherRetried->covers(*retried) &&
                          (j < i || !retried->covers(*otherRetried));
      if (wider == nullptr && covers) wider = &other;
    }
    if (same != nullptr) {
      diagnostics.warning(DiagnosticCode::RedundantRetryCondition, condition.loc,
                          conditionName(condition) + " is listed twice");
      diagnostics.note(same->loc, "first listed here");
    } else if (wider != nullptr) {
      diagnostics.warning(DiagnosticCode::RedundantRetryCondition, condition.loc,
                          conditionName(condition) + " adds nothing: " + conditionName(*wider) +
                              " already covers it");
    }
  }
}

// A route's retry is only a default for rules that forward and have none of their own.
void lintRouteRetryUsed(const ast::Route& route, Diagnostics& diagnostics) {
  if (route.retries.empty() || route.rules.empty()) return;
  if (std::any_of(route.rules.begin(), route.rules.end(), [](const ast::RouteRule& rule) {
        return forwards(rule) && ownRetry(rule) == nullptr;
      })) {
    return;
  }
  const bool answers = !std::all_of(route.rules.begin(), route.rules.end(), forwards);
  diagnostics.warning(DiagnosticCode::UnusedRouteRetry, route.retries[0].loc,
                      std::string("route retry policy applies to no rule: every rule sets its own "
                                  "retry policy") +
                          (answers ? " or answers without backends" : ""));
}

// The timeout bounds every attempt and backoff together: a try allowed as long as all of them
// leaves no time to retry.
void lintPerTryTimeouts(const ast::Route& route, Diagnostics& diagnostics) {
  std::set<std::pair<const ast::Duration*, const ast::Duration*>> reported;
  for (const ast::RouteRule& rule : route.rules) {
    const ast::RetrySetting* retry = retryOf(route, rule);
    const ast::Duration* timeout = timeoutOf(route, rule);
    if (retry == nullptr || timeout == nullptr || retry->perTryTimeouts.empty() ||
        retry->attempts.empty() || retry->attempts[0].count == 0) {
      continue;
    }
    const ast::Duration& perTry = retry->perTryTimeouts[0];
    if (perTry.milliseconds < timeout->milliseconds) continue;
    if (!reported.insert({&perTry, timeout}).second) continue;
    diagnostics.warning(DiagnosticCode::PerTryTimeoutNotShorter, perTry.loc,
                        "per-try timeout " + perTry.text + " is not shorter than the timeout " +
                            timeout->text + " of the rule at line " +
                            std::to_string(rule.loc.line) +
                            ", which bounds all its attempts: no retry could ever start");
    diagnostics.note(timeout->loc, "the timeout is here");
  }
}

// Every retry block of a route: the route's and its rules'.
std::vector<const ast::RetrySetting*> retryBlocks(const ast::Route& route) {
  std::vector<const ast::RetrySetting*> blocks;
  for (const ast::RetrySetting& retry : route.retries) blocks.push_back(&retry);
  for (const ast::RouteRule& rule : route.rules) {
    for (const ast::RuleSetting& setting : rule.settings) {
      if (const auto* retry = std::get_if<ast::RetrySetting>(&setting)) blocks.push_back(retry);
    }
  }
  return blocks;
}

}  // namespace

void checkRetries(const ast::Policy& policy, Diagnostics& diagnostics) {
  for (const ast::Service& service : policy.services) {
    for (const ast::Route& route : service.routes) {
      atMostOnce(route.retries, "route retry block", diagnostics,
                 [](const ast::RetrySetting& r) { return r.loc; });
      for (const ast::RetrySetting* retry : retryBlocks(route)) checkRetry(*retry, diagnostics);
    }
  }
}

void lintRetries(const ast::Policy& policy, Diagnostics& diagnostics) {
  for (const ast::Service& service : policy.services) {
    for (const ast::Route& route : service.routes) {
      lintRouteRetryUsed(route, diagnostics);
      lintPerTryTimeouts(route, diagnostics);
      for (const ast::RetrySetting* retry : retryBlocks(route)) {
        for (const ast::RetryOn& on : retry->on) lintConditions(on, diagnostics);
      }
    }
  }
}

}  // namespace meshc::sema
