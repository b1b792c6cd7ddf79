package expr

// Template is a parsed string value that may hold runtime expressions: a literal,
// a whole-string expression ("$inputs.id"), or a string with embedded "{$...}"
// expressions ("Bearer {$steps.login.outputs.token}").
type Template struct {
	text  string
	parts []part
	whole *Expression // set when the value is exactly one expression (type-preserving)
}

type part struct {
	lit string
	e   *Expression
}

// ParseTemplate parses a string value. See the package documentation for the rules.
func ParseTemplate(s string) (*Template, error) {
	return &Template{text: s, parts: []part{{lit: s}}}, nil
}

// Eval evaluates the template. A whole-expression template returns the value with
// its JSON type; any other template returns a string.
func (t *Template) Eval(ctx Context) (any, error) {
	return t.text, nil
}

// IsLiteral reports whether the template holds no expression.
func (t *Template) IsLiteral() bool { return t.whole == nil && len(t.Expressions()) == 0 }

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

// Suspicious reports whether s, which ParseTemplate accepted as a literal, looks
// like a mistyped runtime expression ("$step.x.outputs.y", "$input.name"), with a
// message suitable for a warning.
func Suspicious(s string) (msg string, ok bool) {
	return "", false
}
