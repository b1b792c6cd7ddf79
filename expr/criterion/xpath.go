package criterion

import (
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/antchfx/xmlquery"
	"github.com/antchfx/xpath"

	"github.com/arazzo-run/arazzo/expr"
)

// xpathMatcher holds compiled expressions in a pool: an antchfx *xpath.Expr
// keeps iteration state in its query tree while it evaluates, so one compiled
// expression must not be evaluated by two goroutines at once.
type xpathMatcher struct {
	src  string
	pool *sync.Pool
}

func compileXPath(s string) (matcher, error) {
	if err := checkXPath1(s); err != nil {
		return nil, err
	}
	e, err := xpath.Compile(s)
	if err != nil {
		msg := err.Error()
		pe := &posError{msg: "invalid XPath 1.0 expression: " + msg}
		if strings.HasPrefix(msg, "not yet support this function") {
			pe.msg = "unsupported XPath function: " + strings.TrimPrefix(msg, "not yet support this function ") + " (only XPath 1.0 functions and a few XPath 2.0 string functions are available)"
		}
		return nil, pe
	}
	pool := &sync.Pool{New: func() any {
		e, err := xpath.Compile(s)
		if err != nil {
			return nil // cannot happen: s compiled once already
		}
		return e
	}}
	pool.Put(e)
	return xpathMatcher{src: s, pool: pool}, nil
}

// xmlDoc parses the context value as XML. Strings and byte slices are parsed;
// anything else (a decoded JSON object, a number) is an error, since XPath
// needs an XML document.
func xmlDoc(v any) (*xmlquery.Node, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		return nil, fmt.Errorf("an xpath criterion needs an XML document as its context, got %s", kind(v))
	}
	doc, err := xmlquery.Parse(strings.NewReader(s))
	if err != nil {
		return nil, fmt.Errorf("the context value is not well-formed XML: %w", err)
	}
	return doc, nil
}

func kind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "a JSON object"
	case []any:
		return "a JSON array"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("a %T", v)
}

func (m xpathMatcher) match(v any) (bool, error) {
	doc, err := xmlDoc(v)
	if err != nil {
		return false, err
	}
	return m.evalDoc(doc)
}

func (m xpathMatcher) evalDoc(doc *xmlquery.Node) (bool, error) {
	e, _ := m.pool.Get().(*xpath.Expr)
	if e == nil {
		return false, fmt.Errorf("cannot compile XPath %q", m.src)
	}
	defer m.pool.Put(e)
	return ebv(e.Evaluate(xmlquery.CreateXPathNavigator(doc))), nil
}

// ebv is XPath's effective boolean value.
func ebv(r any) bool {
	switch x := r.(type) {
	case bool:
		return x
	case float64:
		return x != 0 && !math.IsNaN(x)
	case string:
		return x != ""
	case *xpath.NodeIterator:
		return x.MoveNext()
	}
	return false
}

func (m xpathMatcher) explain(v any) string {
	if _, err := xmlDoc(v); err != nil {
		return err.Error()
	}
	return fmt.Sprintf("the expression is false (the context value is %s)", expr.Describe(v))
}

// xpath2Words are XPath 2.0+ keywords that are operators, never XPath 1.0 ones.
var xpath2Words = map[string]string{
	"to": "range expressions (to)", "eq": "value comparisons (eq)", "ne": "value comparisons (ne)",
	"lt": "value comparisons (lt)", "le": "value comparisons (le)", "gt": "value comparisons (gt)",
	"ge": "value comparisons (ge)", "is": "node comparisons (is)", "except": "except", "intersect": "intersect",
	"idiv": "idiv", "instance": "instance of", "treat": "treat as", "cast": "cast as", "castable": "castable as",
	"return": "for/let expressions", "satisfies": "quantified expressions", "in": "for/some/every expressions",
	"then": "if-then-else", "else": "if-then-else", "union": "union (write |)",
}

// checkXPath1 refuses the XPath 2.0/3.x constructs that antchfx/xpath would
// otherwise misread or silently ignore. It tokenizes just enough of XPath to
// apply XPath 1.0's own disambiguation rule (section 3.7): after a token that
// ends an operand, a name must be an operator (and, or, div, mod).
func checkXPath1(s string) error {
	refuse := func(off int, what string) error {
		return &posError{off: off, msg: fmt.Sprintf("XPath 2.0+ construct not supported: %s (only XPath 1.0 is evaluated)", what)}
	}
	afterOperand := false
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c == '"' || c == '\'':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return &posError{off: i, msg: "unterminated string literal"}
			}
			i += j + 2
			afterOperand = true
			continue
		case c >= '0' && c <= '9' || c == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
				i++
			}
			afterOperand = true
			continue
		case c == '$':
			return refuse(i, "a variable reference ($name, and the for/some/every/let expressions that bind variables)")
		case isNameStart(c):
			j := i
			for j < len(s) && isNameChar(s[j]) {
				j++
			}
			// QName prefix:local or prefix:*
			if j+1 < len(s) && s[j] == ':' && s[j+1] != ':' {
				if s[j+1] == '*' {
					j += 2
				} else if isNameStart(s[j+1]) {
					j++
					for j < len(s) && isNameChar(s[j]) {
						j++
					}
				}
			}
			name := s[i:j]
			k := j
			for k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r') {
				k++
			}
			if afterOperand {
				switch name {
				case "and", "or", "div", "mod":
					afterOperand = false
					i = j
					continue
				}
				if what, ok := xpath2Words[name]; ok {
					return refuse(i, what)
				}
				return &posError{off: i, msg: fmt.Sprintf("unexpected name %q after an operand: XPath 1.0 operators are and, or, div, mod, |, +, -, *, =, !=, <, <=, >, >=", name)}
			}
			switch {
			case k < len(s) && s[k] == '(':
				switch name {
				case "if":
					return refuse(i, "if-then-else")
				case "some", "every", "for", "let":
					return refuse(i, name+" expressions")
				}
				afterOperand = false // a function call; ')' ends the operand
			case k+1 < len(s) && s[k] == ':' && s[k+1] == ':':
				afterOperand = false // an axis
			case k < len(s) && s[k] == '{' && (name == "map" || name == "array"):
				return refuse(i, "map and array constructors")
			default:
				switch name {
				case "some", "every", "for", "let":
					if k < len(s) && s[k] == '$' {
						return refuse(i, name+" expressions")
					}
				}
				afterOperand = true
			}
			i = j
			continue
		}
		two := ""
		if i+1 < len(s) {
			two = s[i : i+2]
		}
		switch two {
		case "!=", "<=", ">=", "//", "::":
			i += 2
			afterOperand = false
			continue
		case "..":
			i += 2
			afterOperand = true
			continue
		case "||":
			return refuse(i, "string concatenation ||")
		case "=>":
			return refuse(i, "the arrow operator =>")
		case ":=":
			return refuse(i, "let bindings :=")
		case "<<", ">>":
			return refuse(i, "node order comparisons ("+two+")")
		case "(:":
			return refuse(i, "comments (: :)")
		}
		switch c {
		case '!':
			return refuse(i, "the simple map operator !")
		case '?':
			return refuse(i, "the lookup operator ?")
		case '#':
			return refuse(i, "named function references (#)")
		case '{', '}':
			return refuse(i, "braces (inline maps, arrays or functions)")
		case ')', ']', '.':
			afterOperand = true
		case '*':
			// Multiplication after an operand, a name test otherwise.
			afterOperand = !afterOperand
		case '@':
			afterOperand = false
		default:
			afterOperand = false
		}
		i++
	}
	return nil
}

func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func isNameChar(c byte) bool {
	return isNameStart(c) || c >= '0' && c <= '9' || c == '-' || c == '.'
}
