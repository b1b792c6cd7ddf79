package expr

import (
	"fmt"
	"strings"
)

// Expression is one parsed runtime expression.
type Expression struct {
	Source Source
	// Owner is the stepId ($steps), the workflowId ($workflows), the source
	// description name ($sourceDescriptions) or the component kind ($components:
	// inputs, parameters, successActions or failureActions).
	Owner string
	// Field is "outputs" ($steps), "inputs" or "outputs" ($workflows), or for
	// $sourceDescriptions everything after the source name ("url", an
	// operationId or a workflowId).
	Field string
	// Name is the header, query or path parameter name, the input or output
	// name, or the component name.
	Name string
	// Pointer is the RFC 6901 pointer written after '#'; Pointer.Present reports
	// whether one was written.
	Pointer Pointer

	text string // canonical text, computed once
}

// Limits that keep hostile input from exhausting memory or the stack.
const (
	// MaxLength is the longest expression, template or condition accepted, in bytes.
	MaxLength = 16 << 10
	// MaxDepth is the deepest nesting of parentheses, '!' and index brackets in
	// a condition.
	MaxDepth = 64
)

// Parse parses s, which must be exactly one runtime expression (no surrounding
// braces, no leading or trailing text). Errors are *SyntaxError.
//
// The grammar is Arazzo 1.0.1's ABNF, with the structure its examples give to
// the "name" parts (see the package documentation for the exact character sets):
//
//	expression = "$url" / "$method" / "$statusCode"
//	           / "$request." source / "$response." source
//	           / "$inputs." name [pointer] / "$outputs." name [pointer]
//	           / "$steps." id ".outputs." name [pointer]
//	           / "$workflows." id "." ("inputs" / "outputs") "." name [pointer]
//	           / "$sourceDescriptions." id "." name [pointer]
//	           / "$components." ("inputs" / "parameters" / "successActions" / "failureActions") "." name [pointer]
//	source     = "header." token / "query." name [pointer] / "path." name [pointer] / "body" [pointer]
//	pointer    = "#" json-pointer
func Parse(s string) (*Expression, error) {
	if len(s) > MaxLength {
		return nil, &SyntaxError{Offset: MaxLength, Msg: fmt.Sprintf("expression longer than %d bytes", MaxLength)}
	}
	e, n, err := scan(s, 0, modeWhole)
	if err != nil {
		return nil, err
	}
	if n != len(s) {
		return nil, &SyntaxError{Offset: n, Msg: fmt.Sprintf("unexpected %q after the runtime expression %s", s[n:], e.text)}
	}
	return e, nil
}

// mode says where an expression is being scanned, which decides where it ends.
type mode uint8

const (
	// modeWhole: the expression is the whole string; names run to the end
	// (or to '#'), pointers run to the end.
	modeWhole mode = iota
	// modeTemplate: inside "{...}"; names and pointers end at '}'.
	modeTemplate
	// modeCond: inside a simple condition; names are identifiers
	// [A-Za-z0-9_-] and end at '.', '[' and operators; pointers end at
	// whitespace and operator characters.
	modeCond
)

// roots lists the expression roots, longest first where one is a prefix of
// another.
var roots = []struct {
	text string
	src  Source
}{
	{"$url", SourceURL},
	{"$method", SourceMethod},
	{"$statusCode", SourceStatusCode},
	{"$request.", SourceRequestBody}, // refined by the source part
	{"$response.", SourceResponseBody},
	{"$inputs.", SourceInputs},
	{"$outputs.", SourceOutputs},
	{"$steps.", SourceSteps},
	{"$workflows.", SourceWorkflows},
	{"$sourceDescriptions.", SourceSourceDescriptions},
	{"$components.", SourceComponents},
}

// scan parses one runtime expression at s[i:] and returns it and the offset just
// after it. Offsets in errors are relative to s.
func scan(s string, i int, m mode) (*Expression, int, error) {
	if i >= len(s) || s[i] != '$' {
		return nil, i, &SyntaxError{Offset: i, Msg: "a runtime expression starts with '$'"}
	}
	rest := s[i:]
	for _, r := range roots {
		if !strings.HasPrefix(rest, r.text) {
			continue
		}
		e := &Expression{Source: r.src}
		j := i + len(r.text)
		var err error
		switch r.src {
		case SourceURL, SourceMethod, SourceStatusCode:
			// The name must end here: "$urlx" is not "$url".
			if j < len(s) && isIdent(s[j]) {
				continue
			}
		case SourceRequestBody, SourceResponseBody:
			j, err = scanSource(e, s, j, m)
		case SourceInputs, SourceOutputs:
			e.Name, j, err = scanName(s, j, m, "name")
			if err == nil {
				j, err = scanPointer(e, s, j, m)
			}
		case SourceSteps:
			e.Owner, j, err = scanID(s, j, "step id")
			if err == nil {
				want := "'.outputs.' after the step id (as in $steps.<stepId>.outputs.<name>)"
				if rest := s[j:]; strings.HasPrefix(rest, ".") && !strings.HasPrefix(rest, ".outputs.") && len(rest) > 1 && isIdent(rest[1]) {
					tail := trimExprTail(rest, m)
					if w, after, _ := strings.Cut(tail[1:], "."); strings.EqualFold(w, "output") || strings.EqualFold(w, "outputs") {
						// A misspelt "outputs": replace it rather than insert another.
						tail = "." + after
					}
					want += "; write $steps." + e.Owner + ".outputs" + tail
				}
				j, err = expectWord(s, j, ".outputs.", want)
			}
			e.Field = "outputs"
			if err == nil {
				e.Name, j, err = scanName(s, j, m, "output name")
			}
			if err == nil {
				j, err = scanPointer(e, s, j, m)
			}
		case SourceWorkflows:
			e.Owner, j, err = scanID(s, j, "workflow id")
			if err == nil {
				switch {
				case strings.HasPrefix(s[j:], ".inputs."):
					e.Field, j = "inputs", j+len(".inputs.")
				case strings.HasPrefix(s[j:], ".outputs."):
					e.Field, j = "outputs", j+len(".outputs.")
				default:
					err = &SyntaxError{Offset: j, Msg: "expected '.inputs.' or '.outputs.' after the workflow id (as in $workflows.<workflowId>.outputs.<name>)"}
				}
			}
			if err == nil {
				e.Name, j, err = scanName(s, j, m, "name")
			}
			if err == nil {
				j, err = scanPointer(e, s, j, m)
			}
		case SourceSourceDescriptions:
			e.Owner, j, err = scanID(s, j, "source description name")
			if err == nil {
				j, err = expectWord(s, j, ".", "'.' and 'url', an operationId or a workflowId after the source description name")
			}
			if err == nil {
				e.Field, j, err = scanName(s, j, m, "'url', operationId or workflowId")
			}
			if err == nil {
				j, err = scanPointer(e, s, j, m)
			}
		case SourceComponents:
			e.Owner, j, err = scanID(s, j, "component kind")
			if err == nil {
				switch e.Owner {
				case "inputs", "parameters", "successActions", "failureActions":
				default:
					err = &SyntaxError{Offset: j - len(e.Owner), Msg: fmt.Sprintf("unknown component kind %q: expected inputs, parameters, successActions or failureActions", e.Owner)}
				}
			}
			if err == nil {
				j, err = expectWord(s, j, ".", "'.' and a component name after the component kind")
			}
			if err == nil {
				e.Name, j, err = scanName(s, j, m, "component name")
			}
			if err == nil {
				j, err = scanPointer(e, s, j, m)
			}
		}
		if err != nil {
			return nil, i, err
		}
		e.text = e.canonical()
		return e, j, nil
	}
	return nil, i, &SyntaxError{Offset: i, Msg: unknownRoot(rest)}
}

// unknownRoot explains an unknown "$..." root, suggesting the closest one.
func unknownRoot(rest string) string {
	word := rest
	for k := 1; k < len(rest); k++ {
		if !isIdent(rest[k]) {
			word = rest[:k]
			break
		}
	}
	switch word {
	case "$request", "$response":
		return fmt.Sprintf("incomplete runtime expression %q: write %s.header.<name>, %s.query.<name>, %s.path.<name> or %s.body", word, word, word, word, word)
	case "$inputs", "$outputs":
		return fmt.Sprintf("incomplete runtime expression %q: name one value, as in %s.<name> (and %s.<name>#/pointer inside it)", word, word, word)
	case "$steps":
		return "incomplete runtime expression \"$steps\": write $steps.<stepId>.outputs.<name>"
	case "$workflows":
		return "incomplete runtime expression \"$workflows\": write $workflows.<workflowId>.inputs.<name> or .outputs.<name>"
	case "$sourceDescriptions":
		return "incomplete runtime expression \"$sourceDescriptions\": write $sourceDescriptions.<name>.url (or .<operationId> / .<workflowId>)"
	case "$components":
		return "incomplete runtime expression \"$components\": write $components.<inputs|parameters|successActions|failureActions>.<name>"
	case "$self", "$message":
		return fmt.Sprintf("%s is an Arazzo 1.1.0 runtime expression; this implementation reads Arazzo 1.0.x", word)
	}
	msg := fmt.Sprintf("unknown runtime expression %q: expected $url, $method, $statusCode, $request., $response., $inputs., $outputs., $steps., $workflows., $sourceDescriptions. or $components.", word)
	if sug := suggestRoot(word); sug != "" {
		msg += "; did you mean " + sug + "?"
	}
	return msg
}

// scanSource parses the part after "$request." or "$response.".
//
//	source = "header." token / "query." name [ptr] / "path." name [ptr] / "body" [ptr]
func scanSource(e *Expression, s string, j int, m mode) (int, error) {
	resp := e.Source == SourceResponseBody
	pick := func(req, res Source) Source {
		if resp {
			return res
		}
		return req
	}
	var err error
	switch {
	case strings.HasPrefix(s[j:], "header."):
		e.Source = pick(SourceRequestHeader, SourceResponseHeader)
		j += len("header.")
		k := j
		for k < len(s) && isTokenChar(s[k], m) {
			k++
		}
		if k == j {
			return j, &SyntaxError{Offset: j, Msg: "missing header name (an RFC 9110 token)"}
		}
		e.Name = s[j:k]
		return k, nil
	case strings.HasPrefix(s[j:], "query."):
		e.Source = pick(SourceRequestQuery, SourceResponseQuery)
		e.Name, j, err = scanName(s, j+len("query."), m, "query parameter name")
	case strings.HasPrefix(s[j:], "path."):
		e.Source = pick(SourceRequestPath, SourceResponsePath)
		e.Name, j, err = scanName(s, j+len("path."), m, "path parameter name")
	case strings.HasPrefix(s[j:], "body"):
		e.Source = pick(SourceRequestBody, SourceResponseBody)
		j += len("body")
		if m != modeCond && j < len(s) && s[j] != '#' && !(m == modeTemplate && s[j] == '}') {
			msg := "expected '#' and a JSON pointer after 'body' (as in $response.body#/id)"
			if s[j] == '.' || s[j] == '[' {
				if p, ok := dotsToPointer(trimExprTail(s[j:], m)); ok {
					msg = "expected '#' and a JSON pointer after 'body': write " + s[:j] + "#" + p + " (dot navigation is only understood inside conditions)"
					if k := strings.LastIndex(s[:j], "$"); k >= 0 {
						msg = "expected '#' and a JSON pointer after 'body': write " + s[k:j] + "#" + p + " (dot navigation is only understood inside conditions)"
					}
				}
			}
			return j, &SyntaxError{Offset: j, Msg: msg}
		}
		if m == modeCond && j < len(s) && isIdent(s[j]) {
			return j, &SyntaxError{Offset: j, Msg: "expected '#', '.' or '[' after 'body'"}
		}
	default:
		msg := "expected header., query., path. or body"
		for _, w := range []string{"headers.", "Header.", "Headers."} {
			if strings.HasPrefix(s[j:], w) {
				msg += " (header is singular and lower-case: write header." + trimExprTail(s[j+len(w):], m) + ")"
			}
		}
		return j, &SyntaxError{Offset: j, Msg: msg}
	}
	if err != nil {
		return j, err
	}
	return scanPointer(e, s, j, m)
}

func expectWord(s string, j int, w, what string) (int, error) {
	if !strings.HasPrefix(s[j:], w) {
		return j, &SyntaxError{Offset: j, Msg: "expected " + what}
	}
	return j + len(w), nil
}

// scanID scans an Arazzo id (stepId, workflowId, source name).
//
//	id = 1*( ALPHA / DIGIT / "_" / "-" )
func scanID(s string, j int, what string) (string, int, error) {
	k := j
	for k < len(s) && isIdent(s[k]) {
		k++
	}
	if k == j {
		return "", j, &SyntaxError{Offset: j, Msg: "missing " + what}
	}
	return s[j:k], k, nil
}

// scanName scans a "name": in modeCond an identifier; otherwise any run of
// characters other than '#', '{', '}', whitespace and control characters.
//
//	name = 1*( %x21-22 / %x24-7A / %x7C / %x7E / %x80-10FFFF )   ; modeWhole, modeTemplate
//	name = 1*( ALPHA / DIGIT / "_" / "-" )                        ; modeCond
func scanName(s string, j int, m mode, what string) (string, int, error) {
	k := j
	for k < len(s) && isNameChar(s[k], m) {
		k++
	}
	if k == j {
		msg := "missing " + what
		if j < len(s) {
			msg += fmt.Sprintf(" (found %q)", s[j])
		}
		return "", j, &SyntaxError{Offset: j, Msg: msg}
	}
	return s[j:k], k, nil
}

// scanPointer parses an optional pointer; where it ends depends on the mode
// (end of string, '}', or whitespace and operators).
//
//	ptr = "#" json-pointer
func scanPointer(e *Expression, s string, j int, m mode) (int, error) {
	if j >= len(s) || s[j] != '#' {
		return j, nil
	}
	k := j + 1
	for k < len(s) && isPointerChar(s[k], m) {
		k++
	}
	p, err := parsePointer(s[j+1:k], j+1)
	if err != nil {
		if raw := s[j+1 : k]; raw != "" && raw[0] != '/' {
			if q, err2 := parsePointer("/"+raw, j+1); err2 == nil {
				err = &SyntaxError{Offset: j + 1, Msg: "a JSON pointer must start with '/': write #" + q.String()}
			}
		}
		return j, err
	}
	e.Pointer = p
	return k, nil
}

func isIdent(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func isNameChar(c byte, m mode) bool {
	if m == modeCond {
		return isIdent(c)
	}
	return c > ' ' && c != 0x7f && c != '#' && c != '{' && c != '}'
}

// isTokenChar reports an RFC 9110 tchar. In conditions, the tchars that are
// also operators or navigation (!, &, |, the single quote and the dot) end the header name.
func isTokenChar(c byte, m mode) bool {
	if isIdent(c) {
		return true
	}
	switch c {
	case '#', '$', '%', '*', '+', '^', '`', '~':
		return true
	case '!', '&', '\'', '.', '|':
		return m != modeCond
	}
	return false
}

func isPointerChar(c byte, m mode) bool {
	switch m {
	case modeTemplate:
		return c != '}'
	case modeCond:
		if c <= ' ' {
			return false
		}
		switch c {
		case '=', '!', '<', '>', '&', '|', '(', ')', '[', ']', '\'', '{', '}':
			return false
		}
	}
	return true
}

// canonical builds the canonical text from the fields.
func (e *Expression) canonical() string {
	var b strings.Builder
	switch e.Source {
	case SourceURL:
		return "$url"
	case SourceMethod:
		return "$method"
	case SourceStatusCode:
		return "$statusCode"
	case SourceRequestHeader:
		b.WriteString("$request.header.")
		b.WriteString(e.Name)
	case SourceRequestQuery:
		b.WriteString("$request.query.")
		b.WriteString(e.Name)
	case SourceRequestPath:
		b.WriteString("$request.path.")
		b.WriteString(e.Name)
	case SourceRequestBody:
		b.WriteString("$request.body")
	case SourceResponseHeader:
		b.WriteString("$response.header.")
		b.WriteString(e.Name)
	case SourceResponseQuery:
		b.WriteString("$response.query.")
		b.WriteString(e.Name)
	case SourceResponsePath:
		b.WriteString("$response.path.")
		b.WriteString(e.Name)
	case SourceResponseBody:
		b.WriteString("$response.body")
	case SourceInputs:
		b.WriteString("$inputs.")
		b.WriteString(e.Name)
	case SourceOutputs:
		b.WriteString("$outputs.")
		b.WriteString(e.Name)
	case SourceSteps:
		b.WriteString("$steps.")
		b.WriteString(e.Owner)
		b.WriteString(".outputs.")
		b.WriteString(e.Name)
	case SourceWorkflows:
		b.WriteString("$workflows.")
		b.WriteString(e.Owner)
		b.WriteByte('.')
		b.WriteString(e.Field)
		b.WriteByte('.')
		b.WriteString(e.Name)
	case SourceSourceDescriptions:
		b.WriteString("$sourceDescriptions.")
		b.WriteString(e.Owner)
		b.WriteByte('.')
		b.WriteString(e.Field)
	case SourceComponents:
		b.WriteString("$components.")
		b.WriteString(e.Owner)
		b.WriteByte('.')
		b.WriteString(e.Name)
	default:
		return "$<invalid>"
	}
	if e.Pointer.present {
		b.WriteByte('#')
		b.WriteString(e.Pointer.String())
	}
	return b.String()
}

// String returns the canonical text of the expression. Parse(e.String()) yields
// an equal Expression.
func (e *Expression) String() string {
	if e == nil {
		return "<nil>"
	}
	return e.text
}

// Eval resolves the expression against ctx and applies its JSON pointer. Errors
// wrap ErrNotFound when the value does not exist.
func (e *Expression) Eval(ctx Context) (any, error) {
	if ctx == nil {
		return nil, &NotFoundError{What: e.String()}
	}
	v, ok := ctx.Value(e)
	if !ok {
		return nil, &NotFoundError{What: e.String()}
	}
	if len(e.Pointer.tokens) == 0 {
		return v, nil
	}
	r, err := e.Pointer.Get(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", e.String(), err)
	}
	return r, nil
}

// String returns the Go-ish name of the source, e.g. "$request.header".
func (s Source) String() string {
	switch s {
	case SourceURL:
		return "$url"
	case SourceMethod:
		return "$method"
	case SourceStatusCode:
		return "$statusCode"
	case SourceRequestHeader:
		return "$request.header"
	case SourceRequestQuery:
		return "$request.query"
	case SourceRequestPath:
		return "$request.path"
	case SourceRequestBody:
		return "$request.body"
	case SourceResponseHeader:
		return "$response.header"
	case SourceResponseQuery:
		return "$response.query"
	case SourceResponsePath:
		return "$response.path"
	case SourceResponseBody:
		return "$response.body"
	case SourceInputs:
		return "$inputs"
	case SourceOutputs:
		return "$outputs"
	case SourceSteps:
		return "$steps"
	case SourceWorkflows:
		return "$workflows"
	case SourceSourceDescriptions:
		return "$sourceDescriptions"
	case SourceComponents:
		return "$components"
	}
	return fmt.Sprintf("Source(%d)", uint8(s))
}

// suggestRoot proposes the root a misspelt one probably meant ("$step" ->
// "$steps."). It compares case-insensitively and allows a small edit distance.
func suggestRoot(word string) string {
	cands := []string{"$url", "$method", "$statusCode", "$request", "$response", "$inputs", "$outputs", "$steps", "$workflows", "$sourceDescriptions", "$components"}
	best, bestD := "", 3
	lw := strings.ToLower(word)
	for _, c := range cands {
		d := editDistance(lw, strings.ToLower(c), bestD)
		if d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" || best == word {
		return ""
	}
	switch best {
	case "$url", "$method", "$statusCode":
		return best
	}
	return best + "."
}

// editDistance is the Levenshtein distance of a and b, or max if it is at least max.
func editDistance(a, b string, max int) int {
	if len(a) > 64 || len(b) > 64 {
		return max
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	if prev[len(b)] >= max {
		return max
	}
	return prev[len(b)]
}

// WithPointer returns a copy of e with pointer p (p.Present() false removes it).
func (e *Expression) WithPointer(p Pointer) *Expression {
	c := *e
	c.Pointer = p
	c.text = c.canonical()
	return &c
}

// trimExprTail returns the start of s that can still belong to an expression
// in mode m (up to whitespace, or '}' in a template), for suggestions.
func trimExprTail(s string, m mode) string {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || m == modeTemplate && s[i] == '}' {
			return s[:i]
		}
	}
	return s
}

// dotsToPointer converts ".a.b[0].c" into "/a/b/0/c" for suggestions.
func dotsToPointer(s string) (string, bool) {
	var b strings.Builder
	for s != "" {
		switch s[0] {
		case '.':
			k := 1
			for k < len(s) && s[k] != '.' && s[k] != '[' {
				k++
			}
			if k == 1 {
				return "", false
			}
			b.WriteByte('/')
			b.WriteString(escapeToken(s[1:k]))
			s = s[k:]
		case '[':
			k := strings.IndexByte(s, ']')
			if k < 2 {
				return "", false
			}
			b.WriteByte('/')
			b.WriteString(escapeToken(strings.Trim(s[1:k], "'\"")))
			s = s[k+1:]
		default:
			return "", false
		}
	}
	return b.String(), b.Len() > 0
}
