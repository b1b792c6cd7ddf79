// Package criterion compiles Arazzo Criterion Objects (simple, regex, jsonpath and
// xpath conditions) once, at load time, and evaluates them against an
// expr.Context at run time.
//
// It may import expr, github.com/theory/jsonpath, github.com/antchfx/xpath,
// github.com/antchfx/xmlquery and the standard library; it must not import HTTP,
// YAML or the Arazzo model.
package criterion

import (
	"fmt"

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
	spec Spec
	typ  Type
}

// Compile checks and compiles s.
func Compile(s Spec) (*Criterion, error) {
	return nil, &Error{Field: "condition", Msg: "not implemented yet"}
}

// Eval evaluates the criterion.
func (c *Criterion) Eval(ctx expr.Context) (bool, error) {
	return false, fmt.Errorf("not implemented yet")
}

// Explain describes why the criterion failed, for failure messages.
func (c *Criterion) Explain(ctx expr.Context) string { return c.spec.Condition }

// Type returns the criterion's type.
func (c *Criterion) Type() Type { return c.typ }

// Expressions returns every runtime expression the criterion references
// (context, condition, and "{$...}" embedded in regex/jsonpath/xpath
// conditions), for static checks.
func (c *Criterion) Expressions() []*expr.Expression { return nil }
