// Package expr owns Arazzo 1.0.1 runtime expressions ($steps.a.outputs.b#/0),
// templates ("Bearer {$inputs.token}") and simple conditions
// ($statusCode == 201 && ...): their parsers, syntax trees, evaluators and
// limits. Everything is parsed once, at load time, and evaluated any number of
// times, concurrently, against a Context. Nothing is ever "eval"ed.
//
// It imports only the standard library. It must not import HTTP, YAML or the
// Arazzo model: the executor adapts a step's state to the small Context
// interface, and Values is a map-based Context for tests and embedders.
// Package expr/criterion builds the Criterion Object (regex, jsonpath, xpath)
// on top of it.
//
// # Grammar summary
//
// Each parse function carries its own production; together they are:
//
//	expression = "$url" / "$method" / "$statusCode"
//	           / ("$request." / "$response.") ("header." token / "query." name [ptr] / "path." name [ptr] / "body" [ptr])
//	           / ("$inputs." / "$outputs.") name [ptr]
//	           / "$steps." id ".outputs." name [ptr]
//	           / "$workflows." id ("." "inputs" / "." "outputs") "." name [ptr]
//	           / "$sourceDescriptions." id "." name [ptr]
//	           / "$components." ("inputs" / "parameters" / "successActions" / "failureActions") "." name [ptr]
//	ptr        = "#" json-pointer                       ; RFC 6901
//	template   = expression / *( text / "{{$" / "{" expression "}" )
//	condition  = or-expr
//	or-expr    = and-expr *( "||" and-expr )
//	and-expr   = equality *( "&&" equality )
//	equality   = relational [ ( "==" / "!=" ) relational ]
//	relational = unary [ ( "<" / "<=" / ">" / ">=" ) unary ]
//	unary      = "!" unary / primary
//	primary    = "(" or-expr ")" / "{" or-expr "}" / literal / expression *( "." member / "[" index "]" )
//	literal    = "true" / "false" / "null" / json-number / "'" *( char / "''" ) "'"
//
// # Runtime expressions
//
// Parse accepts exactly one expression. Where the 1.0.1 ABNF is loose, the
// choices are:
//
//   - Ids (stepId, workflowId, source description name, component kind) are
//     [A-Za-z0-9_-]+, as the Arazzo id fields require.
//   - "name" (inputs, outputs, query and path parameters, component names, the
//     part after a source description name) is any run of characters except
//     '#', '{', '}', whitespace and control characters. It may hold dots:
//     "$steps.a.outputs.x.y" is output "x.y" of step a (Arazzo output names
//     match ^[a-zA-Z0-9.\-_]+$). It may not be empty.
//   - A header name is an RFC 9110 token (1*tchar) and is matched
//     case-insensitively by the Context; everything else is case-sensitive.
//   - "#" followed by an RFC 6901 JSON pointer may follow body, query, path,
//     $inputs, $outputs, $steps, $workflows, $sourceDescriptions and
//     $components values (the spec's examples use it on outputs; 1.1.0 on
//     inputs). "#" alone is the whole value. Array indexes are decimal without
//     leading zeros; "-" never exists.
//   - $url, $method and $statusCode take nothing after them.
//   - $self and the other Arazzo 1.1.0 additions are not accepted.
//
// Expression.String is canonical and Parse(e.String()) gives the same tree.
// Eval returns the value with its JSON type ("Runtime expressions preserve the
// type of the referenced value"); a value that does not exist is an error
// wrapping ErrNotFound. A null value exists.
//
// # Templates
//
// ParseTemplate handles string values that may hold expressions (parameter
// values, payloads, outputs):
//
//   - A string that is exactly one expression ("$inputs.id") or exactly one
//     embedded expression ("{$inputs.id}") keeps the value's JSON type.
//   - "{$" starts an embedded expression, which ends at the first '}'. Any
//     other text is literal, including '{' or '}' on their own, JSON text and
//     '$' outside braces: "$.store.book[*]" and "$ 5.00" are literal strings,
//     not errors. A string starting with '$' that is not a valid expression is a
//     literal; Suspicious(s) returns a warning for the ones that look like
//     mistakes ("$step.x.outputs.y": did you mean $steps.?).
//   - Literal brace escape: "{{$" is the text "{$". Nothing else is escaped.
//   - '{' and '}' in pointers: the 1.0.1 ABNF lets a JSON pointer contain '}',
//     which makes "{$response.body#/a}b}" ambiguous. An embedded expression ends
//     at the first '}' (as Arazzo 1.1.0 decides); a member whose name contains
//     '}' can only be reached by a whole-string expression
//     ("$response.body#/a}b"), where the pointer runs to the end of the string.
//   - An embedded "{$...}" that is not a valid expression, or is not closed, is
//     a *SyntaxError: "{$" is always meant as an expression.
//   - Embedded values are formatted by FormatValue: strings as they are, numbers
//     in shortest form, true/false, null as the empty string (as swaggerexpert
//     does), arrays and objects as JSON.
//
// # Simple conditions
//
// ParseCondition parses the Criterion Object's simple conditions. Literals:
// true, false, null, JSON numbers, and single-quoted strings in which two
// quotes in a row stand for one quote. Operands are literals or runtime
// expressions followed by any number of ".member" and "[index]" steps.
//
// Precedence, highest first (the spec gives none; this is C's order):
//
//	!                    logical not (unary, right-associative)
//	<  <=  >  >=         relational
//	==  !=               equality
//	&&                   logical and (left-associative, short-circuit)
//	||                   logical or  (left-associative, short-circuit)
//	( )  { }             grouping; braces too, because the spec's own example
//	                     is "{$statusCode == 401}"
//
// Comparisons do not chain: "a < b < c" and "a == b != c" are syntax errors
// (write && between them). "a < b == true" is allowed: the levels differ.
// "!" applies to the next operand, so "!$x == 1" is "(!$x) == 1", as in C.
//
// Where a runtime expression ends inside a condition: names are identifiers
// ([A-Za-z0-9_-]) and end at '.', '[' and operators, so "$response.body.id" is
// $response.body then ".id". A dotted name such as "$steps.s.outputs.a.b" is
// read as output "a" then ".b"; if step s has no output "a", the longer names
// "a.b" (then "a.b.c", ...) are tried, so outputs whose names contain dots
// still work; the shortest name that exists wins. Header names end at
// operators and '.'. A "#" pointer runs to whitespace or an operator character
// ("= ! < > & | ( ) [ ] { } '"), so it may contain dots ("#/a.b" is member
// "a.b") and may be followed by "[index]".
//
// Navigation: ".name" selects an object member; on an array a decimal name is
// an index. "[n]" selects an array element, "['name']" a member. ".length" on
// an array or a string (which have no members) is its length, as real
// documents write "$response.body.items.length > 0".
//
// Truthiness of a bare operand (a whole condition "$response.body#/ok", or an
// operand of !, && or ||): false, null, 0, NaN, the empty string and empty
// arrays and objects are false; everything else is true.
//
// Comparisons (== and !=):
//
//   - null equals only null. A missing value (a member, element or expression
//     that does not exist) equals null, so "$response.body#/error == null" holds
//     whether error is absent or null.
//   - Numbers of any Go type (int, int64, float64, json.Number, ...) compare by
//     value; integers beyond int64 compare exactly.
//   - A number and a numeric string compare as numbers: '200' == 200. A
//     numeric string is exactly a JSON number ("1e3" yes, " 1", "0x10", "NaN"
//     no). Two strings compare as strings even if both are numeric.
//   - Strings compare case-insensitively (Unicode simple folding), as the spec
//     requires.
//   - A boolean equals a boolean, or the string "true"/"false" in any case.
//   - Arrays and objects compare element by element with these same rules.
//   - Any other mix (a number and a boolean, a string and an object) is not
//     equal.
//
// Relational operators (< <= > >=): numbers (with numeric-string coercion on
// either side, and between two numeric strings, per 1.1.0 "numeric strings
// SHOULD be coerced to numbers when compared with numeric operators"), then
// strings (case-insensitive, by lower-cased code points). Anything else,
// including null, is false.
//
// Missing values: in any position other than a comparison with null, an operand
// that does not exist makes Eval return an error wrapping ErrNotFound, not a
// silent false: a typo in an output name must not look like a failed check.
// The caller decides (a criterion that errors has not passed). Guards work:
// "$response.body.error != null && $response.body.error.code == 1" short-
// circuits.
//
// Condition.Explain formats the operand values for a failure message
// ("$statusCode == 201: got 409"), shortening long values.
//
// # Limits
//
// MaxLength (16 KiB) bounds every expression, template and condition, and
// MaxDepth (64) bounds the nesting of parentheses, braces and '!' in a
// condition, and the number of "[...]" steps after an operand. The parsers are
// recursive descent only over that bounded nesting, so hostile input cannot
// exhaust the stack; evaluation never recurses deeper than parsing did.
//
// # Differences from the swaggerexpert reference vectors
//
// corpus_test.go runs the swaggerexpert arazzo-runtime-expression and
// arazzo-criterion vectors from the shared corpus. Deliberate differences:
//
//   - "{$request.body#/url}": an embedded pointer ends at the first '}'
//     (swaggerexpert 2.x lets the pointer swallow it and finds nothing).
//   - "{$url}}" yields $url and a literal '}'; "{$unknown.type}" is an error
//     rather than ignored text.
//   - A missing value is an error wrapping ErrNotFound where swaggerexpert
//     yields false ("$response.body.missing > 0") or "" (interpolating
//     undefined).
//   - $self (Arazzo 1.1.0) is not an expression.
//   - "{{$" is an escape here; swaggerexpert has none.
//
// # Errors
//
// Parse errors are *SyntaxError with a byte offset into the string that was
// parsed, so the loader can report FILE:LINE:COL, and a message that says what
// was expected (and, for a misspelt root, what was probably meant).
package expr
