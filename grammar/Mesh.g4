// The meshc policy language, v1. Generated into the build directory at build time; only
// compiler/ast/AstBuilder sees the generated classes.
grammar Mesh;

policy
  : meshDecl? topItem* EOF
  ;

topItem
  : serviceDecl
  | workloadDecl
  ;

meshDecl
  : 'mesh' name=ID '{' meshSetting* '}'
  ;

meshSetting
  : 'trust_domain' STRING ';'
  ;

serviceDecl
  : 'service' name=ID '{' serviceItem* '}'
  ;

serviceItem
  : 'port' INT protocol=ID? ';'                 # servicePort
  | 'subset' name=ID '{' subsetItem* '}'        # serviceSubset
  | 'route' '{' routeItem* '}'                  # serviceRoute
  ;

subsetItem
  : 'endpoints' '[' (STRING (',' STRING)* ','?)? ']' ';'
  ;

routeItem
  : 'when' condition ('and' condition)* '=>' target ruleTimeout? ';'   # whenRule
  | 'otherwise' '=>' target ruleTimeout? ';'                           # otherwiseRule
  | 'timeout' DURATION ';'                                             # routeTimeout
  ;

ruleTimeout
  : 'timeout' DURATION
  ;

condition
  : 'path' '==' STRING                 # pathExact
  | 'path' 'prefix' STRING             # pathPrefix
  | 'method' ID                        # methodIs
  | 'header' STRING '==' STRING        # headerEquals
  | 'header' STRING 'prefix' STRING    # headerPrefix
  | 'header' STRING 'present'          # headerPresent
  ;

target
  : ID                                                   # subsetTarget
  | 'split' '{' weighted (',' weighted)* ','? '}'         # splitTarget
  ;

weighted
  : ID PERCENT
  ;

workloadDecl
  : 'workload' name=ID '{' workloadItem* '}'
  ;

workloadItem
  : 'service' ID ';'                  # workloadService
  | 'version' ID ';'                  # workloadVersion
  | 'calls' ID (',' ID)* ';'          # workloadCalls
  ;

DURATION : [0-9]+ ('ms' | 's' | 'm' | 'h') ;
// Digits running into letters ('1sec', '1.5s') make one token, so the error can say what a
// duration is instead of tripping over the leftover letters. Longest match lets DURATION keep '2s'.
MALFORMED_DURATION : [0-9]+ ('.' [0-9]+)? [a-zA-Z]+ ;
PERCENT  : [0-9]+ ('.' [0-9]+)? '%' ;
INT      : [0-9]+ ;
ID       : [a-zA-Z_] [a-zA-Z0-9_-]* ;
STRING   : '"' (~["\\\r\n] | '\\' .)* '"' ;
// Longest match makes a closed string a STRING; this only wins when the closing quote is missing.
UNTERMINATED_STRING : '"' (~["\\\r\n] | '\\' .)* ;

LINE_COMMENT  : ('#' | '//') ~[\r\n]* -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;
// Cannot run past a '*/', so it only outmatches BLOCK_COMMENT when the comment is never closed.
UNTERMINATED_BLOCK_COMMENT : '/*' (~'*' | '*'+ ~[*/])* '*'* ;
WS            : [ \t\r\n]+ -> skip ;

// Anything else becomes a token the parser rejects, so a stray character is reported once, at its
// position, by the same path as every other syntax error.
UNKNOWN_CHAR : . ;
