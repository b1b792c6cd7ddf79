// Package criterion compiles Arazzo Criterion Objects (simple, regex, jsonpath and
// xpath conditions) once, at load time, and evaluates them against an
// expr.Context at run time.
//
// It may import expr, github.com/theory/jsonpath, github.com/antchfx/xpath,
// github.com/antchfx/xmlquery and the standard library; it must not import HTTP,
// YAML or the Arazzo model.
//
// # Types
//
//   - simple (type omitted or "simple"): an expr.Condition. A context, if
//     given, must be a runtime expression; it is reported by Expressions but
//     not otherwise used.
//   - regex: an RE2 pattern (Go regexp) searched in the context value (an
//     unanchored match, as Go's MatchString; write ^...$ to anchor). The
//     context value is formatted with expr.FormatValue, so $statusCode 200
//     is matched as "200".
//   - jsonpath: an RFC 9535 query (github.com/theory/jsonpath) whose root is
//     the context value; the criterion passes when the node list is not empty.
//   - xpath: an XPath 1.0 expression (github.com/antchfx/xpath) evaluated on
//     the context value parsed as XML; it passes on the XPath effective boolean
//     value (true, a non-zero number, a non-empty string or node-set).
//
// In regex, jsonpath and xpath conditions, "{$...}" runtime expressions are
// substituted first, as strings (expr.ParseInterpolation); the result is then
// compiled at evaluation time. Conditions without "{$" are compiled once, in
// Compile.
//
// # Versions (the Criterion Expression Type Object)
//
//   - jsonpath + "draft-goessner-dispatch-jsonpath-00": accepted where the
//     query is also valid RFC 9535, and then evaluated with RFC 9535
//     semantics. Goessner-only syntax (script expressions "(@.length-1)",
//     unquoted filter strings, ...) is rejected with a message saying so.
//     "rfc9535" (Arazzo 1.1.0) is accepted too.
//   - xpath + "xpath-10": XPath 1.0.
//   - xpath + "xpath-20", "xpath-30", "xpath-31" (1.1.0), and plain type
//     "xpath" (XPath 3.1 per the spec): only the XPath 1.0 subset is
//     evaluated. Constructs that XPath 1.0 does not have are refused at
//     Compile rather than misread: variables and the expressions that bind
//     them ($x, for, some, every, let), if-then-else, the operators to, eq,
//     ne, lt, le, gt, ge, is, <<, >>, except, intersect, idiv, instance of,
//     treat as, cast as, castable as, the simple map "!", string
//     concatenation "||", the arrow "=>", lookups "?", inline maps and arrays,
//     named function references "#", and comments "(: :)". Functions that
//     antchfx/xpath does not implement (most of XPath 2.0+'s library) are
//     refused by it. The XPath 2.0 functions it does implement (matches,
//     ends-with, lower-case, string-join, ...) are accepted as an extension.
//
// # Pseudo-JSONPath
//
// Real documents often write "type: jsonpath" with JavaScript-like comparisons
// ("$.success == true", "$.items.length > 0"). These are not RFC 9535 queries,
// so Compile rejects them, and the Error's Hint proposes the equivalent simple
// condition built from the context ("$response.body#/success == true").
package criterion

import (
	"fmt"
	"strings"

	"github.com/arazzo-run/arazzo/expr"
)

// Type is the kind of a criterion.
type Type uint8

// The criterion types of Arazzo 1.0.1.
const (
	Simple Type = iota
	Regex
	JSONPath
	XPath
)

func (t Type) String() string {
	switch t {
	case Simple:
		return "simple"
	case Regex:
		return "regex"
	case JSONPath:
		return "jsonpath"
	case XPath:
		return "xpath"
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// The accepted Criterion Expression Type Object versions.
const (
	VersionGoessner = "draft-goessner-dispatch-jsonpath-00"
	VersionRFC9535  = "rfc9535" // Arazzo 1.1.0
	VersionXPath10  = "xpath-10"
	VersionXPath20  = "xpath-20"
	VersionXPath30  = "xpath-30"
	VersionXPath31  = "xpath-31" // Arazzo 1.1.0
)

// Spec holds the raw fields of a Criterion Object. Type "" means simple. Version
// comes from a Criterion Expression Type Object ({type, version}); it is "" when
// type was a plain string.
type Spec struct {
	Context   string
	Condition string
	Type      string
	Version   string
}

// Error is a compile error. Field names the Criterion Object field at fault
// ("context", "condition", "type" or "version"); Offset is a byte offset into
// that field's string; Hint, when not empty, proposes a fix.
type Error struct {
	Field  string
	Offset int
	Msg    string
	Hint   string
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s: offset %d: %s", e.Field, e.Offset, e.Msg)
	if e.Hint != "" {
		s += " (hint: " + e.Hint + ")"
	}
	return s
}

// Criterion is a compiled Criterion Object. It is immutable and safe for
// concurrent use.
type Criterion struct {
	spec    Spec
	typ     Type
	context *expr.Expression // nil for a simple criterion without context
	cond    *expr.Condition  // simple
	interp  *expr.Template   // regex/jsonpath/xpath with "{$...}" in the condition
	m       matcher          // regex/jsonpath/xpath compiled once (nil when interp is set)
	compile func(string) (matcher, error)
}

// matcher is a compiled regex, jsonpath or xpath condition.
type matcher interface {
	match(v any) (bool, error)
	// explain describes a failed match of v.
	explain(v any) string
}

// Compile checks and compiles s. Every error is an *Error.
func Compile(s Spec) (*Criterion, error) {
	c := &Criterion{spec: s}
	typ := strings.TrimSpace(s.Type)
	switch typ {
	case "", "simple":
		c.typ = Simple
	case "regex":
		c.typ = Regex
	case "jsonpath":
		c.typ = JSONPath
	case "xpath":
		c.typ = XPath
	default:
		hint := ""
		switch strings.ToLower(typ) {
		case "simple", "regex", "jsonpath", "xpath":
			hint = "types are case-sensitive: write " + strings.ToLower(typ)
		case "json-path", "json_path", "jsonpointer", "json-pointer":
			hint = "write jsonpath"
		case "regexp", "regular-expression", "pattern":
			hint = "write regex"
		}
		return nil, &Error{Field: "type", Msg: fmt.Sprintf("unknown criterion type %q: expected simple, regex, jsonpath or xpath", s.Type), Hint: hint}
	}
	if err := c.checkVersion(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(s.Condition) == "" {
		return nil, &Error{Field: "condition", Msg: "condition is required"}
	}
	if s.Context != "" {
		t, err := expr.ParseTemplate(s.Context)
		if err == nil && !t.IsWhole() {
			_, err = expr.Parse(s.Context)
		}
		if err != nil {
			hint := ""
			if c.typ == JSONPath {
				hint = pseudoJSONPathHint(s.Context, s.Condition)
			}
			return nil, fieldError("context", err, hint)
		}
		c.context = t.Expressions()[0]
	} else if c.typ != Simple {
		return nil, &Error{Field: "context", Msg: fmt.Sprintf("a %s criterion needs a context: the runtime expression it is applied to (e.g. $response.body)", c.typ), Hint: "add context: $response.body"}
	}
	var err error
	switch c.typ {
	case Simple:
		c.cond, err = expr.ParseCondition(s.Condition)
		if err != nil {
			return nil, fieldError("condition", err, "")
		}
		return c, nil
	case Regex:
		c.compile = compileRegex
	case JSONPath:
		c.compile = func(q string) (matcher, error) { return compileJSONPath(q, s.Version) }
	case XPath:
		c.compile = compileXPath
	}
	if strings.Contains(s.Condition, "{$") {
		t, err := expr.ParseInterpolation(s.Condition)
		if err != nil {
			return nil, fieldError("condition", err, "")
		}
		if !t.IsLiteral() {
			c.interp = t
			// Check the syntax with placeholders for the values; a value
			// that is spliced into the syntax itself may need either a
			// number or a name.
			if err0 := c.tryPlaceholder(t, "0"); err0 != nil {
				if errx := c.tryPlaceholder(t, "x"); errx != nil {
					return nil, c.conditionError(err0, true)
				}
			}
			return c, nil
		}
	}
	m, err := c.compile(s.Condition)
	if err != nil {
		return nil, c.conditionError(err, false)
	}
	c.m = m
	return c, nil
}

func (c *Criterion) tryPlaceholder(t *expr.Template, ph string) error {
	var b strings.Builder
	for _, p := range t.Parts() {
		if p.Expr != nil {
			b.WriteString(ph)
		} else {
			b.WriteString(p.Literal)
		}
	}
	_, err := c.compile(b.String())
	return err
}

// conditionError converts a compile error of a regex/jsonpath/xpath condition.
func (c *Criterion) conditionError(err error, interpolated bool) error {
	ce := &Error{Field: "condition", Msg: err.Error()}
	if pe, ok := err.(*posError); ok {
		ce.Msg = pe.msg
		if !interpolated {
			ce.Offset = pe.off
		}
		ce.Hint = pe.hint
	}
	if c.typ == JSONPath && ce.Hint == "" {
		ce.Hint = pseudoJSONPathHint(c.spec.Context, c.spec.Condition)
	}
	return ce
}

func (c *Criterion) checkVersion() error {
	v := c.spec.Version
	if v == "" {
		return nil
	}
	switch c.typ {
	case JSONPath:
		if v == VersionGoessner || v == VersionRFC9535 {
			return nil
		}
		return &Error{Field: "version", Msg: fmt.Sprintf("unknown jsonpath version %q: expected %s", v, VersionGoessner), Hint: "omit the Criterion Expression Type Object to use RFC 9535 JSONPath"}
	case XPath:
		switch v {
		case VersionXPath10, VersionXPath20, VersionXPath30, VersionXPath31:
			return nil
		}
		return &Error{Field: "version", Msg: fmt.Sprintf("unknown xpath version %q: expected xpath-10, xpath-20 or xpath-30", v)}
	}
	return &Error{Field: "version", Msg: fmt.Sprintf("a version applies only to jsonpath and xpath, not to type %s", c.typ)}
}

// fieldError converts an expr.SyntaxError into an *Error for field.
func fieldError(field string, err error, hint string) *Error {
	e := &Error{Field: field, Msg: err.Error(), Hint: hint}
	if se, ok := err.(*expr.SyntaxError); ok {
		e.Offset, e.Msg = se.Offset, se.Msg
	}
	return e
}

// Eval evaluates the criterion. A regex, jsonpath or xpath criterion whose
// context value is null fails (false, nil); one whose context does not exist
// returns an error wrapping expr.ErrNotFound.
func (c *Criterion) Eval(ctx expr.Context) (bool, error) {
	if c.typ == Simple {
		return c.cond.Eval(ctx)
	}
	v, err := c.context.Eval(ctx)
	if err != nil {
		return false, err
	}
	if v == nil {
		return false, nil
	}
	m, err := c.matcher(ctx)
	if err != nil {
		return false, err
	}
	return m.match(v)
}

func (c *Criterion) matcher(ctx expr.Context) (matcher, error) {
	if c.interp == nil {
		return c.m, nil
	}
	q, err := c.interp.Eval(ctx)
	if err != nil {
		return nil, err
	}
	m, err := c.compile(q.(string))
	if err != nil {
		return nil, fmt.Errorf("%s condition after substituting its runtime expressions (%q): %w", c.typ, q, err)
	}
	return m, nil
}

// Explain describes why the criterion failed, for failure messages. It is meant
// for the failure path and allocates.
func (c *Criterion) Explain(ctx expr.Context) string {
	if c.typ == Simple {
		return c.cond.Explain(ctx)
	}
	prefix := fmt.Sprintf("%s %s on %s", c.typ, strings.TrimSpace(c.spec.Condition), c.context)
	v, err := c.context.Eval(ctx)
	if err != nil {
		return prefix + ": " + err.Error()
	}
	if v == nil {
		return prefix + ": the context value is null"
	}
	m, err := c.matcher(ctx)
	if err != nil {
		return prefix + ": " + err.Error()
	}
	if expr.Sensitive(c.context) {
		return prefix + ": no match (the context value is not shown: it looks like a secret)"
	}
	return prefix + ": " + m.explain(v)
}

// Type returns the criterion's type.
func (c *Criterion) Type() Type { return c.typ }

// Condition returns the parsed simple condition, or nil for regex, jsonpath and
// xpath criteria. Static checks use its Readings.
func (c *Criterion) Condition() *expr.Condition { return c.cond }

// Spec returns the fields the criterion was compiled from.
func (c *Criterion) Spec() Spec { return c.spec }

// Expressions returns every runtime expression the criterion references
// (context, condition, and "{$...}" embedded in regex/jsonpath/xpath
// conditions), for static checks.
func (c *Criterion) Expressions() []*expr.Expression {
	var out []*expr.Expression
	if c.context != nil {
		out = append(out, c.context)
	}
	if c.cond != nil {
		out = append(out, c.cond.Expressions()...)
	}
	if c.interp != nil {
		out = append(out, c.interp.Expressions()...)
	}
	return out
}

// posError is a compile error with an offset into the condition.
type posError struct {
	off  int
	msg  string
	hint string
}

func (e *posError) Error() string { return e.msg }
