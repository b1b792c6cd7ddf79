package expr

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Template is a parsed string value that may hold runtime expressions: a literal,
// a whole-string expression ("$inputs.id", type-preserving), or a string with
// embedded "{$...}" expressions ("Bearer {$steps.login.outputs.token}").
//
// A Template is immutable and safe for concurrent use.
type Template struct {
	text  string
	parts []part
	whole *Expression // set when the value is exactly one expression (type-preserving)
}

type part struct {
	lit string
	e   *Expression
}

// ParseTemplate parses a string value. The rules, in order:
//
//  1. A string that is exactly one runtime expression ("$inputs.id") is a
//     whole-expression template: Eval returns the value with its JSON type.
//  2. Otherwise "{$" starts an embedded expression, which ends at the first '}'
//     ("/users/{$inputs.id}/roles"). A string that is exactly one embedded
//     expression ("{$inputs.id}") is also a whole-expression template.
//  3. "{{$" is an escape: it stands for the literal text "{$".
//  4. Every other character is literal, including '{' and '}' not part of
//     "{$...}", and a '$' outside braces. So "$.store.book[*]", "$ 5.00" and
//     JSON text are literals, never errors.
//
// An embedded "{$...}" that is not a valid runtime expression, or has no closing
// '}', is a *SyntaxError whose Offset points into s. A string that starts with
// '$' but is not an expression is a literal; use Suspicious to warn about it.
//
//	template            = whole-expression / *( literal-char / escaped-brace / embedded-expression )
//	whole-expression    = expression / "{" expression "}"
//	embedded-expression = "{" expression "}"        ; expression ends at the first "}"
//	escaped-brace       = "{{$"                     ; the literal text "{$"
func ParseTemplate(s string) (*Template, error) {
	return parseTemplate(s, true)
}

// ParseInterpolation parses s as a string with embedded "{$...}" expressions
// only: unlike ParseTemplate, a string that is exactly one expression is not
// special, and Eval always returns a string. It is meant for strings in another
// language that embed runtime expressions, such as the condition of a regex,
// jsonpath or xpath criterion ("$[?@.status == '{$inputs.status}']").
func ParseInterpolation(s string) (*Template, error) {
	t, err := parseTemplate(s, false)
	if err != nil {
		return nil, err
	}
	t.whole = nil
	return t, nil
}

func parseTemplate(s string, allowWhole bool) (*Template, error) {
	if len(s) > MaxLength {
		return nil, &SyntaxError{Offset: MaxLength, Msg: fmt.Sprintf("string longer than %d bytes", MaxLength)}
	}
	t := &Template{text: s}
	if allowWhole && strings.HasPrefix(s, "$") {
		if e, err := Parse(s); err == nil {
			t.whole = e
			return t, nil
		}
	}
	if !strings.Contains(s, "{$") {
		if s != "" {
			t.parts = []part{{lit: s}}
		}
		return t, nil
	}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			t.parts = append(t.parts, part{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c != '{' {
			lit.WriteByte(c)
			i++
			continue
		}
		if strings.HasPrefix(s[i:], "{{$") {
			lit.WriteString("{$")
			i += 3
			continue
		}
		if i+1 >= len(s) || s[i+1] != '$' {
			lit.WriteByte(c)
			i++
			continue
		}
		e, j, err := scan(s, i+1, modeTemplate)
		if err != nil {
			se := err.(*SyntaxError)
			return nil, &SyntaxError{Offset: se.Offset, Msg: se.Msg + " (in \"{$...}\"; write \"{{$\" for a literal \"{$\")"}
		}
		if j >= len(s) || s[j] != '}' {
			msg := "missing '}' after the embedded runtime expression " + e.text
			if j < len(s) {
				msg = fmt.Sprintf("unexpected %q in the embedded runtime expression %s: expected '}'", s[j], e.text)
			}
			return nil, &SyntaxError{Offset: j, Msg: msg}
		}
		flush()
		t.parts = append(t.parts, part{e: e})
		i = j + 1
	}
	flush()
	if allowWhole && len(t.parts) == 1 && t.parts[0].e != nil {
		t.whole = t.parts[0].e
	}
	return t, nil
}

// Eval evaluates the template. A whole-expression template returns the value with
// its JSON type; a literal returns its text; any other template returns a string
// in which each embedded value is formatted by FormatValue. Errors wrap
// ErrNotFound when a value does not exist.
func (t *Template) Eval(ctx Context) (any, error) {
	if t.whole != nil {
		return t.whole.Eval(ctx)
	}
	if len(t.parts) == 0 {
		return t.text, nil
	}
	if len(t.parts) == 1 && t.parts[0].e == nil {
		return t.parts[0].lit, nil
	}
	var b strings.Builder
	b.Grow(len(t.text) + 16)
	for _, p := range t.parts {
		if p.e == nil {
			b.WriteString(p.lit)
			continue
		}
		v, err := p.e.Eval(ctx)
		if err != nil {
			return nil, err
		}
		b.WriteString(FormatValue(v))
	}
	return b.String(), nil
}

// IsLiteral reports whether the template holds no expression.
func (t *Template) IsLiteral() bool {
	if t.whole != nil {
		return false
	}
	for _, p := range t.parts {
		if p.e != nil {
			return false
		}
	}
	return true
}

// IsWhole reports whether the template is exactly one expression, whose value
// Eval returns with its JSON type.
func (t *Template) IsWhole() bool { return t.whole != nil }

// Expressions returns the runtime expressions in the template, in order.
func (t *Template) Expressions() []*Expression {
	if t.whole != nil {
		return []*Expression{t.whole}
	}
	var out []*Expression
	for _, p := range t.parts {
		if p.e != nil {
			out = append(out, p.e)
		}
	}
	return out
}

// String returns the template's source text.
func (t *Template) String() string { return t.text }

// FormatValue formats a value for interpolation into a string: strings as they
// are, numbers in their shortest decimal form, booleans as true/false, null as
// the empty string, arrays and objects as compact JSON.
func FormatValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		// As swaggerexpert's interpolation does ("a{$url}b" with null gives
		// "ab"): "/users/null" would be a plausible but wrong URL.
		return ""
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e21 {
			return strconv.FormatFloat(x, 'f', -1, 64)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case json.Number:
		return x.String()
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// Suspicious reports whether s, a string that ParseTemplate accepted, holds
// something that looks like a runtime expression but will not be evaluated, and
// returns a message for a warning. It flags:
//
//   - a string that starts with a '$' root but is not a valid expression
//     ("$step.x.outputs.y", "$input.name", "$response.body.id", "$inputs.a b"),
//   - a known root written outside braces in a longer string
//     ("Bearer $inputs.token"),
//   - the escape "{{$" (often a Mustache-style "{{$inputs.x}}" mistake).
//
// JSONPath-like data ("$.store.book[*]", "$[0]") and money ("$ 5.00", "$5")
// are not flagged.
func Suspicious(s string) (msg string, ok bool) {
	if len(s) > MaxLength {
		return "", false
	}
	if strings.HasPrefix(s, "$") && len(s) > 1 && isLetter(s[1]) {
		if _, err := Parse(s); err != nil {
			word := rootWord(s)
			// A misspelt root must be followed by '.' ("$step.x", "$input.y")
			// so that "$USD 5" and "$id" are not flagged.
			typo := len(word) < len(s) && s[len(word)] == '.' && suggestRoot(word) != ""
			if isRoot(word) || typo {
				return fmt.Sprintf("%q looks like a runtime expression but is not one (%v); it will be used as a literal string", s, err), true
			}
		}
	}
	if i := strings.Index(s, "{{$"); i >= 0 {
		return fmt.Sprintf("%q contains \"{{$\", the escape for a literal \"{$\"; to interpolate, write a single brace: {$...}", s), true
	}
	// A root outside braces in a longer string.
	for i := 1; i < len(s); i++ {
		if s[i] != '$' || s[i-1] == '{' || i+1 >= len(s) || !isLetter(s[i+1]) {
			continue
		}
		word := rootWord(s[i:])
		if isRoot(word) && !insideBraces(s, i) {
			end := i + len(word)
			if _, n, err := scan(s, i, modeCond); err == nil {
				end = n
			}
			return fmt.Sprintf("%q contains %s outside braces, which is not evaluated; write {%s} to interpolate it", s, s[i:end], s[i:end]), true
		}
	}
	return "", false
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// rootWord returns the "$word" at the start of s.
func rootWord(s string) string {
	k := 1
	for k < len(s) && isLetter(s[k]) {
		k++
	}
	return s[:k]
}

func isRoot(w string) bool {
	switch w {
	case "$url", "$method", "$statusCode", "$request", "$response", "$inputs", "$outputs", "$steps", "$workflows", "$sourceDescriptions", "$components":
		return true
	}
	return false
}

// insideBraces reports whether offset i is inside a "{$...}" of s.
func insideBraces(s string, i int) bool {
	open := strings.LastIndex(s[:i], "{$")
	if open < 0 {
		return false
	}
	return !strings.Contains(s[open:i], "}")
}

// Part is one piece of a template: literal text, or an expression.
type Part struct {
	Literal string
	Expr    *Expression // nil for literal text
}

// Parts returns the template's pieces in order. A whole-expression template
// ("$inputs.id") is one Part holding the expression.
func (t *Template) Parts() []Part {
	if t.whole != nil && len(t.parts) == 0 {
		return []Part{{Expr: t.whole}}
	}
	out := make([]Part, len(t.parts))
	for i, p := range t.parts {
		out[i] = Part{Literal: p.lit, Expr: p.e}
	}
	return out
}

// Literal returns the text of a literal template with its escapes resolved
// ("{{$" becomes "{$"), which is what Eval returns for it. For a template with
// expressions it returns the source text.
func (t *Template) Literal() string {
	if !t.IsLiteral() {
		return t.text
	}
	if len(t.parts) == 1 {
		return t.parts[0].lit
	}
	return t.text
}
