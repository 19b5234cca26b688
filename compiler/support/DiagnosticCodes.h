#pragma once

#include <cstddef>
#include <iterator>
#include <string_view>

namespace meshc {

// Every diagnostic the compiler can report, with a stable code users can search for and tools can
// match on. Codes never change meaning and are never reused; docs/diagnostics.md describes each
// one (a test keeps the two in step). Grouped by stage: E01xx syntax, E02xx names, E03xx literals,
// E04xx structure, E05xx reachability, E06xx test blocks; warnings use the same groups with a W.
enum class DiagnosticCode {
  // Syntax (the lexer and parser).
  InvalidUtf8,
  ExpectedToken,
  UnexpectedToken,
  UnterminatedString,
  UnterminatedBlockComment,
  MalformedDuration,
  UnsupportedOperator,
  UnsupportedFeature,
  // Names.
  UnknownService,
  UnknownSubset,
  DuplicateService,
  DuplicateSubset,
  DuplicateSplitTarget,
  DuplicateWorkload,
  DuplicateCallee,
  UnknownWorkload,
  DuplicateMirrorTarget,
  // Literals.
  UnknownEscape,
  NumberTooLarge,
  PercentTooPrecise,
  PortOutOfRange,
  UnsupportedProtocol,
  MalformedEndpoint,
  PathWithSpace,
  PathNotAbsolute,
  PathWithQuery,
  LowerCaseMethod,
  HeaderValueControlCharacter,
  InvalidHeaderName,
  TimeoutNotPositive,
  TimeoutTooLong,
  UpperCaseServiceName,
  SplitWeightsTotal,
  InvalidRegex,
  EmptyQueryParameterName,
  InvalidAnswerStatus,
  InvalidRedirectScheme,
  MalformedHostName,
  ManagedHeaderEdit,
  MirrorPercentOutOfRange,
  // Structure.
  MissingMeshHeader,
  MissingPort,
  MissingSubset,
  MissingWorkloadService,
  MissingWorkloadVersion,
  RepeatedStatement,
  CalleeWithoutRoute,
  UnknownEncodedSlashesAction,
  SettingOutOfPlace,
  PrefixReplacementWithoutPrefix,
  UnusedRouteTimeout,
  SubsetNeverRouted,
  UnusedService,
  // Reachability.
  ContradictoryConditions,
  RuleAfterOtherwise,
  ShadowedRule,
  RedundantCondition,
  // Test blocks.
  TestWithoutRequest,
  TestWithSeveralRequests,
  TestWithoutExpectation,
  RepeatedExpectation,
  StatusOutOfRange,
  MalformedUrl,
  InvalidMethod,
  RepeatedPrincipal,
  RepeatedShare,
  SharesTotal,
  DuplicateTestName,
  UnreachableExpectation,
};

struct DiagnosticCodeInfo {
  DiagnosticCode code;
  std::string_view id;       // "E0201": 'E' an error, 'W' a warning
  std::string_view summary;  // one line, for docs and tools
};

// In enum order, so a code's entry is at its enumerator's index (checked at compile time).
inline constexpr DiagnosticCodeInfo kDiagnosticCodes[] = {
    {DiagnosticCode::InvalidUtf8, "E0101", "the file is not valid UTF-8"},
    {DiagnosticCode::ExpectedToken, "E0102", "a token is missing (often a ';' or '}')"},
    {DiagnosticCode::UnexpectedToken, "E0103", "a token that cannot appear here"},
    {DiagnosticCode::UnterminatedString, "E0104", "a string without its closing quote"},
    {DiagnosticCode::UnterminatedBlockComment, "E0105", "a '/*' comment without its '*/'"},
    {DiagnosticCode::MalformedDuration, "E0106", "a duration that is not an integer and a unit"},
    {DiagnosticCode::UnsupportedOperator, "E0107", "'=' or '!=' where a condition needs '=='"},
    {DiagnosticCode::UnsupportedFeature, "E0108", "a feature the language does not have yet"},
    {DiagnosticCode::UnknownService, "E0201", "a service name that is not declared"},
    {DiagnosticCode::UnknownSubset, "E0202", "a subset name the service does not declare"},
    {DiagnosticCode::DuplicateService, "E0203", "two services with the same name"},
    {DiagnosticCode::DuplicateSubset, "E0204", "two subsets of a service with the same name"},
    {DiagnosticCode::DuplicateSplitTarget, "E0205", "a subset named twice in one split"},
    {DiagnosticCode::DuplicateWorkload, "E0206", "two workloads with the same name"},
    {DiagnosticCode::DuplicateCallee, "E0207", "a service named twice in one 'calls' list"},
    {DiagnosticCode::UnknownWorkload, "E0208", "a workload name the policy does not declare"},
    {DiagnosticCode::DuplicateMirrorTarget, "E0213", "a subset mirrored twice by one rule"},
    {DiagnosticCode::UnknownEscape, "E0301", "an unknown escape sequence in a string"},
    {DiagnosticCode::NumberTooLarge, "E0302", "a number too large for its kind"},
    {DiagnosticCode::PercentTooPrecise, "E0303", "a percentage with more than two decimals"},
    {DiagnosticCode::PortOutOfRange, "E0304", "a port outside 1-65535"},
    {DiagnosticCode::UnsupportedProtocol, "E0305", "a port protocol other than http"},
    {DiagnosticCode::MalformedEndpoint, "E0306", "an endpoint that is not \"HOST:PORT\""},
    {DiagnosticCode::PathWithSpace, "E0307", "a path with a space or control character"},
    {DiagnosticCode::PathNotAbsolute, "E0308", "a path that does not start with '/'"},
    {DiagnosticCode::PathWithQuery, "E0309", "a path with a query string"},
    {DiagnosticCode::LowerCaseMethod, "E0310", "an HTTP method that is not upper-case"},
    {DiagnosticCode::HeaderValueControlCharacter, "E0311", "a control character in a header value"},
    {DiagnosticCode::InvalidHeaderName, "E0312", "a header name that is not an HTTP token"},
    {DiagnosticCode::TimeoutNotPositive, "E0313", "a zero timeout"},
    {DiagnosticCode::TimeoutTooLong, "E0314", "a timeout over 24h"},
    {DiagnosticCode::UpperCaseServiceName, "E0315", "a service name with upper-case letters"},
    {DiagnosticCode::SplitWeightsTotal, "E0316", "split weights that do not total 100%"},
    {DiagnosticCode::InvalidRegex, "E0317", "a regex RE2 cannot compile"},
    {DiagnosticCode::EmptyQueryParameterName, "E0318", "a query condition without a name"},
    {DiagnosticCode::InvalidAnswerStatus, "E0319",
     "a redirect status other than 301/302/303/307/308, or a respond status outside 200-599"},
    {DiagnosticCode::InvalidRedirectScheme, "E0320", "a redirect scheme other than http or https"},
    {DiagnosticCode::MalformedHostName, "E0321", "a redirect or rewrite host that is no DNS name"},
    {DiagnosticCode::ManagedHeaderEdit, "E0322",
     "a header edit of a header the sidecar manages (host, framing, hop-by-hop)"},
    {DiagnosticCode::MirrorPercentOutOfRange, "E0327", "a mirror percentage of 0% or over 100%"},
    {DiagnosticCode::MissingMeshHeader, "E0401", "no 'mesh' header"},
    {DiagnosticCode::MissingPort, "E0402", "a service without a port"},
    {DiagnosticCode::MissingSubset, "E0403", "a service without a subset"},
    {DiagnosticCode::MissingWorkloadService, "E0404", "a workload without 'service'"},
    {DiagnosticCode::MissingWorkloadVersion, "E0405", "a workload without 'version'"},
    {DiagnosticCode::RepeatedStatement, "E0406", "a statement that may appear only once, twice"},
    {DiagnosticCode::CalleeWithoutRoute, "E0407", "a called service with subsets but no route"},
    {DiagnosticCode::UnknownEncodedSlashesAction, "E0408",
     "an encoded_slashes action other than keep, decode or reject"},
    {DiagnosticCode::SettingOutOfPlace, "E0409",
     "a rule setting that does not fit the rule's outcome (e.g. a redirect's path on a forward)"},
    {DiagnosticCode::PrefixReplacementWithoutPrefix, "E0410",
     "a prefix replacement in a rule that does not match one path prefix"},
    {DiagnosticCode::UnusedRouteTimeout, "W0401", "a route timeout every rule overrides"},
    {DiagnosticCode::SubsetNeverRouted, "W0402", "a subset no rule sends any request to"},
    {DiagnosticCode::UnusedService, "W0403", "a service no workload calls or serves"},
    {DiagnosticCode::ContradictoryConditions, "E0501", "a rule whose conditions contradict"},
    {DiagnosticCode::RuleAfterOtherwise, "E0502", "a rule after 'otherwise'"},
    {DiagnosticCode::ShadowedRule, "E0503", "a rule every request of which an earlier rule takes"},
    {DiagnosticCode::RedundantCondition, "W0501", "a condition repeated or implied by another"},
    {DiagnosticCode::TestWithoutRequest, "E0601", "a test that sends no request"},
    {DiagnosticCode::TestWithSeveralRequests, "E0602", "a test that sends more than one request"},
    {DiagnosticCode::TestWithoutExpectation, "E0603", "a test that expects nothing"},
    {DiagnosticCode::RepeatedExpectation, "E0604", "two expectations of the same thing in a test"},
    {DiagnosticCode::StatusOutOfRange, "E0605",
     "an expected status the sidecar never answers itself"},
    {DiagnosticCode::MalformedUrl, "E0606", "a test request URL no client would send"},
    {DiagnosticCode::InvalidMethod, "E0607", "a test request method that is not an HTTP token"},
    {DiagnosticCode::RepeatedPrincipal, "E0608", "a test request with two source principals"},
    {DiagnosticCode::RepeatedShare, "E0609", "a subset listed twice in an expected split"},
    {DiagnosticCode::SharesTotal, "E0610", "expected split shares not totalling 100%"},
    {DiagnosticCode::DuplicateTestName, "E0611", "two tests with the same name"},
    {DiagnosticCode::UnreachableExpectation, "E0612",
     "an expected cluster the test's request can never reach"},
};

consteval bool codesAreInEnumOrder() {
  for (size_t i = 0; i < std::size(kDiagnosticCodes); ++i) {
    if (static_cast<size_t>(kDiagnosticCodes[i].code) != i) return false;
  }
  return static_cast<size_t>(DiagnosticCode::UnreachableExpectation) + 1 ==
         std::size(kDiagnosticCodes);
}
static_assert(codesAreInEnumOrder(), "kDiagnosticCodes must list every code in enum order");

inline const DiagnosticCodeInfo& info(DiagnosticCode code) {
  return kDiagnosticCodes[static_cast<size_t>(code)];
}
inline std::string_view codeId(DiagnosticCode code) { return info(code).id; }
inline bool isWarningCode(DiagnosticCode code) { return codeId(code).front() == 'W'; }

}  // namespace meshc
