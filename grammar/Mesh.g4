// The meshc policy language, v1. Generated into the build directory at build time; only
// compiler/ast/AstBuilder sees the generated classes.
grammar Mesh;

policy
  : meshDecl? topItem* EOF
  ;

topItem
  : serviceDecl
  | workloadDecl
  | testDecl
  ;

// Keywords are contextual: every keyword is also a valid name, so a keyword added to the language
// never breaks a policy that already uses that word as a service, subset or workload name.
name
  : ID
  | 'mesh' | 'trust_domain' | 'service' | 'port' | 'subset' | 'route' | 'endpoints' | 'when'
  | 'and' | 'otherwise' | 'timeout' | 'path' | 'prefix' | 'method' | 'header' | 'present'
  | 'split' | 'workload' | 'version' | 'calls' | 'test' | 'from' | 'request' | 'principal'
  | 'expect' | 'routed' | 'status' | 'no' | 'or' | 'not' | 'starts_with' | 'suffix' | 'matches'
  | 'absent' | 'query' | 'merge_slashes' | 'encoded_slashes' | 'redirect' | 'respond' | 'rewrite'
  | 'set' | 'add' | 'remove' | 'response' | 'scheme' | 'host' | 'hosts' | 'namespace'
  | 'cluster_domain' | 'source' | 'label' | 'service_account' | 'experiment' | 'variant'
  | 'sticky' | 'cookie' | 'upstream' | 'mirror' | 'mirrored' | 'cors' | 'origins' | 'methods'
  | 'headers' | 'expose' | 'max_age' | 'credentials' | 'mtls' | 'retry' | 'attempts' | 'on'
  | 'per_try_timeout' | 'backoff' | 'max' | 'budget' | 'non_idempotent' | 'retries'
  ;

meshDecl
  : 'mesh' name '{' meshSetting* '}'
  ;

// Mesh-wide settings. The path settings say how every sidecar normalises a request's path before
// matching and forwarding it (see docs/language.md).
meshSetting
  : 'trust_domain' STRING ';'              # trustDomain
  | 'merge_slashes' ';'                    # mergeSlashes
  | 'encoded_slashes' action=name ';'      # encodedSlashes   // keep, decode or reject
  | 'namespace' name ';'                   # meshNamespace    // services' default namespace
  | 'cluster_domain' STRING ';'            # clusterDomain    // e.g. "cluster.local"
  | 'mtls' name ';'                        # meshMtls         // strict, permissive or disable
  ;

serviceDecl
  : 'service' name '{' serviceItem* '}'
  ;

serviceItem
  : 'port' INT protocol=ID? ';'                 # servicePort   // protocols are never keywords
  | 'subset' name '{' subsetItem* '}'           # serviceSubset
  | 'route' '{' routeItem* '}'                  # serviceRoute
  | 'namespace' name ';'                        # serviceNamespace
  | 'hosts' '[' (STRING (',' STRING)* ','?)? ']' ';'   # serviceHosts  // extra names it answers to
  | 'experiment' name '{' experimentItem* '}'   # serviceExperiment
  | 'cors' name '{' corsItem* '}'               # serviceCors
  | 'mtls' name ';'                             # serviceMtls   // overrides the mesh's
  ;

// A CORS policy: which origins a browser may call the service from, and what the sidecar says in
// answer to their preflight requests. Lists are strings; "*" in a list allows any.
corsItem
  : kind=('origins' | 'methods' | 'headers' | 'expose') '[' (STRING (',' STRING)* ','?)? ']' ';'
                                                 # corsList
  | 'max_age' DURATION ';'                       # corsMaxAge
  | 'credentials' ';'                            # corsCredentials
  ;

// An A/B experiment: variants with weights, each routed to a subset; a request's variant is
// sticky by a header, a cookie or the caller's principal, and may be kept in a cookie.
experimentItem
  : 'variant' name PERCENT '=>' name ';'         # experimentVariant
  | 'sticky' 'header' STRING ';'                 # stickyHeader
  | 'sticky' 'cookie' STRING ';'                 # stickyCookie
  | 'sticky' 'principal' ';'                     # stickyPrincipal
  | 'cookie' STRING DURATION? ';'                # assignmentCookie   // and its max age
  ;

subsetItem
  : 'endpoints' '[' (STRING (',' STRING)* ','?)? ']' ';'
  ;

routeItem
  : 'when' anyOf '=>' outcome ruleEnd                                  # whenRule
  | 'otherwise' '=>' outcome ruleEnd                                   # otherwiseRule
  | 'timeout' DURATION ';'                                             # routeTimeout
  | 'cors' name ';'                                                    # routeCors
  | retryBlock                                                         # routeRetry
  ;

// Where a matched request goes: to backends, or answered by the sidecar itself. `redirect` and
// `respond` take a status first, so they never read as a subset that happens to have that name.
outcome
  : 'redirect' INT                        # redirectOutcome
  | 'respond' INT STRING?                 # respondOutcome
  | 'experiment' name                     # experimentOutcome
  | target                                # backendOutcome
  ;

// A short rule ends with an optional timeout; a rule with more settings has a block of them.
ruleEnd
  : ruleTimeout? ';'
  | '{' ruleSetting* '}'
  ;

ruleTimeout
  : 'timeout' DURATION
  ;

ruleSetting
  : 'timeout' DURATION ';'                                          # settingTimeout
  | 'rewrite' 'path' STRING ';'                                     # settingRewritePath
  | 'rewrite' 'prefix' STRING ';'                                   # settingRewritePrefix
  | 'rewrite' 'host' STRING ';'                                     # settingRewriteHost
  | side=('request' | 'response') 'header' 'set' STRING '=' STRING ';'   # settingHeaderSet
  | side=('request' | 'response') 'header' 'add' STRING '=' STRING ';'   # settingHeaderAdd
  | side=('request' | 'response') 'header' 'remove' STRING ';'           # settingHeaderRemove
  | 'scheme' name ';'                                               # settingScheme
  | 'host' STRING ';'                                               # settingHost
  | 'port' INT ';'                                                  # settingPort
  | 'path' STRING ';'                                               # settingPath
  | 'prefix' STRING ';'                                             # settingPrefix
  | 'mirror' clusterRef PERCENT? ';'                                # settingMirror
  | 'cors' name ';'                                                 # settingCors
  | retryBlock                                                      # settingRetry
  ;

// When the sidecar sends a failed request again: on a route, the default of every rule that
// forwards; in a rule, instead of the route's. Sema checks the values and that each statement
// appears once (`attempts` exactly once).
retryBlock
  : 'retry' '{' retryItem* '}'
  ;

retryItem
  : 'attempts' INT ';'                                       # retryAttempts
  | 'on' retryCondition (',' retryCondition)* ';'            # retryOn
  | 'per_try_timeout' DURATION ';'                           # retryPerTryTimeout
  | 'backoff' DURATION ('max' DURATION)? ';'                 # retryBackoff
  | 'budget' PERCENT ';'                                     # retryBudget
  | 'non_idempotent' ';'                                     # retryNonIdempotent
  ;

// A response status, the status class `5xx`, or a condition's name (gateway_error, reset, ...):
// names are not keywords, sema knows them.
retryCondition
  : INT                                   # retryStatus
  | STATUS_CLASS                          # retryStatusClass
  | name                                  # retryNamedCondition
  ;

// A rule matches when any of its groups does, a group when all its conditions hold: the shape
// of an HTTPRoute rule's `matches` or an Istio `match` list. `and` binds tighter than `or`; the
// parentheses around a group are optional.
anyOf
  : allOf ('or' allOf)*
  ;

allOf
  : '(' condition ('and' condition)* ')'
  | condition ('and' condition)*
  ;

// `port` is the destination port: the request's authority port, or the service's first port when
// the authority names none. `source` conditions test the calling workload, the one each sidecar is
// compiled for, so meshc decides them at compile time.
condition
  : 'not' condition                                                     # notCondition
  | 'path' op=('==' | 'prefix' | 'starts_with' | 'suffix' | 'matches') STRING   # pathMatch
  | 'method' name                                                       # methodIs
  | 'header' STRING valueTest                                           # headerMatch
  | 'query' STRING valueTest                                            # queryMatch
  | 'port' INT                                                          # portMatch
  | 'source' 'workload' name                                            # sourceWorkload
  | 'source' 'label' STRING valueTest                                   # sourceLabel
  | 'source' 'principal' valueTest                                      # sourcePrincipal
  ;

valueTest
  : op=('==' | 'prefix' | 'suffix' | 'matches') STRING   # valueCompare
  | 'present'                                           # valuePresent
  | 'absent'                                            # valueAbsent
  ;

target
  : 'split' '{' weighted (',' weighted)* ','? '}'         # splitTarget
  | name                                                 # subsetTarget
  ;

weighted
  : name PERCENT
  ;

workloadDecl
  : 'workload' name '{' workloadItem* '}'
  ;

workloadItem
  : 'service' name ';'                    # workloadService
  | 'version' name ';'                    # workloadVersion
  | 'calls' name (',' name)* ';'          # workloadCalls
  | 'label' STRING '=' STRING ';'         # workloadLabel
  | 'service_account' name ';'            # workloadServiceAccount
  ;

// A unit test of the policy: one request, as a workload's application would send it to its own
// sidecar, and what the sidecar must decide for it.
testDecl
  : 'test' STRING '{' testItem* '}'
  ;

testItem
  : 'from' name 'request' method=name url=STRING requestPart* ';'   # testRequest
  | 'expect' expectation ';'                                        # testExpect
  ;

requestPart
  : 'header' STRING '=' STRING        # requestHeader
  | 'principal' STRING                # requestPrincipal
  ;

expectation
  : 'routed' clusterRef                                          # expectRouted
  | 'split' '{' share (',' share)* ','? '}'                      # expectSplit
  | 'status' INT                                                 # expectStatus
  | 'timeout' DURATION                                           # expectTimeout
  | 'no' 'timeout'                                               # expectNoTimeout
  | 'retries' INT                                                # expectRetries
  | 'variant' name                                               # expectVariant
  | 'mirrored' clusterRef PERCENT?                               # expectMirrored
  | 'redirect' STRING                                            # expectRedirect
  | 'upstream' 'path' STRING                                     # expectUpstreamPath
  | 'upstream' 'host' STRING                                     # expectUpstreamHost
  | side=('upstream' | 'response') 'header' STRING headerIs      # expectHeader
  ;

// What a header of the forwarded request or of the response must be: one value (several fields
// of the name count as their values joined with ','), or none at all.
headerIs
  : '=' STRING                            # headerEquals
  | 'absent'                              # headerAbsent
  ;

clusterRef
  : service=name '.' subset=name
  ;

share
  : clusterRef PERCENT
  ;

DURATION : [0-9]+ ('ms' | 's' | 'm' | 'h') ;
// `5xx` in a retry's conditions. Before MALFORMED_DURATION, which matches the same three
// characters: the first rule wins a tie. Any digit, so `4xx` gets sema's message, not a syntax error.
STATUS_CLASS : [0-9] 'xx' ;
// Digits running into letters ('1sec', '1.5s') make one token, so the error can say what a
// duration is instead of tripping over the leftover letters. Longest match lets DURATION keep '2s'.
MALFORMED_DURATION : [0-9]+ ('.' [0-9]+)? [a-zA-Z]+ ;
PERCENT  : [0-9]+ ('.' [0-9]+)? '%' ;
INT      : [0-9]+ ;
ID       : [a-zA-Z_] [a-zA-Z0-9_-]* ;
STRING   : '"' (~["\\\r\n] | '\\' .)* '"' ;
// Longest match makes a closed string a STRING; this only wins when the closing quote is missing.
UNTERMINATED_STRING : '"' (~["\\\r\n] | '\\' .)* ;

// Comments go to the hidden channel: the parser never sees them, `meshc fmt` keeps them.
LINE_COMMENT  : ('#' | '//') ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;
// Cannot run past a '*/', so it only outmatches BLOCK_COMMENT when the comment is never closed.
UNTERMINATED_BLOCK_COMMENT : '/*' (~'*' | '*'+ ~[*/])* '*'* ;
WS            : [ \t\r\n]+ -> skip ;

// Anything else becomes a token the parser rejects, so a stray character is reported once, at its
// position, by the same path as every other syntax error.
UNKNOWN_CHAR : . ;
