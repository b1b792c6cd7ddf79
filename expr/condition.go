package expr

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Condition is a parsed simple condition ("$statusCode == 201 && $response.body#/ok").
// It is immutable and safe for concurrent use.
type Condition struct {
	text  string
	root  *node
	exprs []*Expression
	paths []*node // operand nodes, for Explain
}

type op uint8

const (
	opLit  op = iota // literal value
	opPath           // runtime expression plus navigation
	opNot
	opAnd
	opOr
	opEq
	opNe
	opLt
	opLe
	opGt
	opGe
)

var opText = [...]string{opEq: "==", opNe: "!=", opLt: "<", opLe: "<=", opGt: ">", opGe: ">=", opAnd: "&&", opOr: "||", opNot: "!"}

// node is one node of a condition's syntax tree.
type node struct {
	op   op
	pos  int // byte offset of the node in the condition
	end  int // byte offset just after the node
	lit  any // opLit: the value (nil, bool, float64, int64, string)
	e    *Expression
	nav  []navStep // opPath: ".member" and "[index]" after e
	alts []alt     // opPath: longer names for dotted output names, tried when e is missing
	x, y *node
	text string // opPath: the operand's source text, for messages
}

// navStep is one ".member" or "[index]".
type navStep struct {
	name    string // member name, or string index
	index   int    // array index when isIndex
	isIndex bool
}

// alt is an alternative reading of "$steps.a.outputs.b.c" in which the name
// swallows the first n members: name "b.c" with n = 1.
type alt struct {
	e *Expression
	n int
}

// ParseCondition parses a simple condition. Errors are *SyntaxError with a byte
// offset into s.
//
// Grammar (precedence from lowest to highest, C-family; see the package doc):
//
//	condition  = S or-expr S
//	or-expr    = and-expr *( S "||" S and-expr )
//	and-expr   = equality *( S "&&" S equality )
//	equality   = relational [ S ( "==" / "!=" ) S relational ]      ; no chains
//	relational = unary [ S ( "<" / "<=" / ">" / ">=" ) S unary ]    ; no chains
//	unary      = "!" S unary / primary
//	primary    = "(" S or-expr S ")" / "{" S or-expr S "}" / literal / operand
//	operand    = runtime-expression *( "." member / "[" S index S "]" )
//	member     = 1*( ALPHA / DIGIT / "_" / "-" / "$" )
//	index      = 1*DIGIT / string
//	literal    = "true" / "false" / "null" / number / string
//	number     = [ "-" ] int [ frac ] [ exp ]                     ; JSON number
//	string     = "'" *( not-quote / "''" ) "'"
//	S          = *( " " / HTAB / LF / CR )
func ParseCondition(s string) (*Condition, error) {
	if len(s) > MaxLength {
		return nil, &SyntaxError{Offset: MaxLength, Msg: fmt.Sprintf("condition longer than %d bytes", MaxLength)}
	}
	p := &parser{s: s}
	p.skip()
	if p.i >= len(s) {
		return nil, &SyntaxError{Offset: p.i, Msg: "empty condition"}
	}
	n, err := p.or(0)
	if err != nil {
		return nil, err
	}
	p.skip()
	if p.i < len(s) {
		return nil, p.unexpected("an operator (==, !=, <, <=, >, >=, &&, ||) or the end of the condition")
	}
	c := &Condition{text: s, root: n, paths: p.paths}
	for _, pn := range p.paths {
		c.exprs = append(c.exprs, pn.e)
	}
	return c, nil
}

type parser struct {
	s     string
	i     int
	paths []*node
}

func (p *parser) skip() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) errf(off int, format string, args ...any) error {
	return &SyntaxError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) unexpected(want string) error {
	if p.i >= len(p.s) {
		return p.errf(p.i, "unexpected end of condition: expected %s", want)
	}
	rest := p.s[p.i:]
	operatorWanted := want == "" || strings.Contains(want, "operator")
	switch {
	case rest[0] == '"':
		return p.errf(p.i, "strings use single quotes: write 'text' (and '' for a quote inside)")
	case !operatorWanted:
	case strings.HasPrefix(rest, "==="), strings.HasPrefix(rest, "!=="):
		return p.errf(p.i, "%q is not an operator: use == or != (comparisons are already loose)", rest[:3])
	case rest[0] == '=':
		return p.errf(p.i, "'=' is not an operator: use == to compare")
	case rest[0] == '&':
		return p.errf(p.i, "'&' is not an operator: use &&")
	case rest[0] == '|':
		return p.errf(p.i, "'|' is not an operator: use ||")
	case rest[0] == '"':
		return p.errf(p.i, "strings use single quotes: write 'text' (and '' for a quote inside)")
	}
	tok := rest
	if k := strings.IndexAny(tok, " \t\r\n"); k > 0 {
		tok = tok[:k]
	}
	if len(tok) > 20 {
		tok = tok[:20] + "..."
	}
	return p.errf(p.i, "unexpected %q: expected %s", tok, want)
}

func (p *parser) peek(t string) bool { return strings.HasPrefix(p.s[p.i:], t) }

// or-expr = and-expr *( S "||" S and-expr )
func (p *parser) or(depth int) (*node, error) {
	x, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	for {
		p.skip()
		if !p.peek("||") {
			return x, nil
		}
		pos := p.i
		p.i += 2
		y, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		x = &node{op: opOr, pos: pos, x: x, y: y, end: y.end}
	}
}

// and-expr = equality *( S "&&" S equality )
func (p *parser) and(depth int) (*node, error) {
	x, err := p.equality(depth)
	if err != nil {
		return nil, err
	}
	for {
		p.skip()
		if !p.peek("&&") {
			return x, nil
		}
		pos := p.i
		p.i += 2
		y, err := p.equality(depth)
		if err != nil {
			return nil, err
		}
		x = &node{op: opAnd, pos: pos, x: x, y: y, end: y.end}
	}
}

// equality = relational [ S ( "==" / "!=" ) S relational ]
func (p *parser) equality(depth int) (*node, error) {
	x, err := p.relational(depth)
	if err != nil {
		return nil, err
	}
	p.skip()
	var o op
	switch {
	case p.peek("==="), p.peek("!=="):
		return nil, p.unexpected("")
	case p.peek("=="):
		o = opEq
	case p.peek("!="):
		o = opNe
	default:
		return x, nil
	}
	pos := p.i
	p.i += 2
	y, err := p.relational(depth)
	if err != nil {
		return nil, err
	}
	p.skip()
	if p.peek("==") || p.peek("!=") {
		return nil, p.errf(p.i, "comparisons cannot be chained: combine them with && or || (or use parentheses)")
	}
	return &node{op: o, pos: pos, x: x, y: y, end: y.end}, nil
}

// relational = unary [ S ( "<" / "<=" / ">" / ">=" ) S unary ]
func (p *parser) relational(depth int) (*node, error) {
	x, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	p.skip()
	o, ok := p.relOp()
	if !ok {
		return x, nil
	}
	pos := p.i
	p.i += len(opText[o])
	y, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	p.skip()
	if _, ok := p.relOp(); ok {
		return nil, p.errf(p.i, "comparisons cannot be chained: write a < b && b < c")
	}
	return &node{op: o, pos: pos, x: x, y: y, end: y.end}, nil
}

func (p *parser) relOp() (op, bool) {
	switch {
	case p.peek("<="):
		return opLe, true
	case p.peek(">="):
		return opGe, true
	case p.peek("<"):
		return opLt, true
	case p.peek(">"):
		return opGt, true
	}
	return 0, false
}

// unary = "!" S unary / primary
func (p *parser) unary(depth int) (*node, error) {
	p.skip()
	if depth >= MaxDepth {
		return nil, p.errf(p.i, "condition nested more than %d levels deep", MaxDepth)
	}
	if p.peek("!") && !p.peek("!=") {
		pos := p.i
		p.i++
		x, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		return &node{op: opNot, pos: pos, x: x, end: x.end}, nil
	}
	return p.primary(depth)
}

// primary = "(" S or-expr S ")" / "{" S or-expr S "}" / literal / operand
func (p *parser) primary(depth int) (*node, error) {
	if _, isRel := p.relOp(); isRel || p.peek("==") || p.peek("!=") || p.peek("&&") || p.peek("||") {
		return nil, p.errf(p.i, "missing value before the operator %q", p.s[p.i:p.i+1+boolToInt(p.i+1 < len(p.s) && strings.IndexByte("=&|", p.s[p.i+1]) >= 0)])
	}
	if p.i >= len(p.s) {
		return nil, p.unexpected("a value: a literal, a runtime expression or '('")
	}
	pos := p.i
	switch c := p.s[p.i]; {
	case c == '(' || c == '{':
		closer := byte(')')
		if c == '{' {
			closer = '}'
		}
		p.i++
		x, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		p.skip()
		if p.i >= len(p.s) || p.s[p.i] != closer {
			if p.i >= len(p.s) {
				return nil, p.errf(pos, "unbalanced %q: missing %q", c, closer)
			}
			return nil, p.unexpected(fmt.Sprintf("%q to close the %q at offset %d", closer, c, pos))
		}
		p.i++
		return x, nil
	case c == '\'':
		str, err := p.str()
		if err != nil {
			return nil, err
		}
		return &node{op: opLit, pos: pos, lit: str, end: p.i}, nil
	case c == '-' || c >= '0' && c <= '9':
		v, err := p.number()
		if err != nil {
			return nil, err
		}
		return &node{op: opLit, pos: pos, lit: v, end: p.i}, nil
	case c == '$':
		return p.operand(depth)
	case isLetter(c):
		k := p.i
		for k < len(p.s) && isIdent(p.s[k]) {
			k++
		}
		var v any
		switch p.s[p.i:k] {
		case "true":
			v = true
		case "false":
			v = false
		case "null":
		default:
			word := p.s[p.i:]
			if e := strings.IndexAny(word, " \t\r\n)"); e >= 0 {
				word = word[:e]
			}
			if len(word) > 40 {
				word = word[:40]
			}
			return nil, p.errf(p.i, "unexpected %q: expected a literal (true, false, null, a number, a 'string') or a runtime expression ($...); if this is text, quote it: '%s'", p.s[p.i:k], strings.ReplaceAll(word, "'", "''"))
		}
		p.i = k
		return &node{op: opLit, pos: pos, lit: v, end: k}, nil
	}
	return nil, p.unexpected("a value: a literal, a runtime expression or '('")
}

// str parses a single-quoted string, in which two quotes in a row are one.
//
//	string = "'" *( %x00-26 / %x28-10FFFF / "''" ) "'"
func (p *parser) str() (string, error) {
	start := p.i
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '\'' {
			if p.i+1 < len(p.s) && p.s[p.i+1] == '\'' {
				b.WriteByte('\'')
				p.i += 2
				continue
			}
			p.i++
			return b.String(), nil
		}
		b.WriteByte(c)
		p.i++
	}
	return "", p.errf(start, "unterminated string: missing closing ' (write '' for a quote inside a string)")
}

// number parses a JSON number. Integers that fit are int64, larger integers
// json.Number (compared exactly), others float64.
//
//	number = [ "-" ] ( "0" / %x31-39 *DIGIT ) [ "." 1*DIGIT ] [ ( "e" / "E" ) [ "+" / "-" ] 1*DIGIT ]
func (p *parser) number() (any, error) {
	n := jsonNumberLen(p.s[p.i:])
	if n == 0 {
		return nil, p.errf(p.i, "malformed number: numbers are written as in JSON (-12, 3.5, 1e3)")
	}
	text := p.s[p.i : p.i+n]
	if k := p.i + n; k < len(p.s) && (isIdent(p.s[k]) || p.s[k] == '.') {
		return nil, p.errf(p.i, "malformed number %q: numbers are written as in JSON (-12, 3.5, 1e3)", p.s[p.i:k+1])
	}
	p.i += n
	if i, err := strconv.ParseInt(text, 10, 64); err == nil {
		return i, nil
	}
	if isIntText(text) {
		// Too large for int64: kept exact, compared with math/big.
		return json.Number(text), nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return nil, p.errf(p.i-n, "number %s is out of range", text)
	}
	return f, nil
}

// jsonNumberLen returns the length of the JSON number at the start of s, or 0.
func jsonNumberLen(s string) int {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		k := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - k
	}
	if i < len(s) && s[i] == '0' {
		i++
	} else if digits() == 0 {
		return 0
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return 0
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return 0
		}
	}
	return i
}

// operand = runtime-expression *( "." member / "[" S index S "]" )
//
// Inside a condition, names in the runtime expression are identifiers
// ([A-Za-z0-9_-]) and end at '.', so "$response.body.id" is $response.body then
// ".id", and "$steps.s.outputs.a.b" is output "a" then ".b" -- or, if step s has
// no output "a", output "a.b" (see alts).
func (p *parser) operand(depth int) (*node, error) {
	pos := p.i
	e, j, err := scan(p.s, p.i, modeCond)
	if err != nil {
		return nil, err
	}
	p.i = j
	n := &node{op: opPath, pos: pos, e: e}
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '.' {
			k := p.i + 1
			for k < len(p.s) && (isIdent(p.s[k]) || p.s[k] == '$') {
				k++
			}
			if k == p.i+1 {
				return nil, p.errf(k, "expected a property name after '.'")
			}
			n.nav = append(n.nav, navStep{name: p.s[p.i+1 : k]})
			p.i = k
			continue
		}
		if c == '[' {
			if len(n.nav) >= MaxDepth {
				return nil, p.errf(p.i, "more than %d navigation steps", MaxDepth)
			}
			open := p.i
			p.i++
			p.skip()
			var st navStep
			switch {
			case p.i < len(p.s) && p.s[p.i] == '\'':
				str, err := p.str()
				if err != nil {
					return nil, err
				}
				st.name = str
			case p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9':
				k := p.i
				for k < len(p.s) && p.s[k] >= '0' && p.s[k] <= '9' {
					k++
				}
				idx, err := strconv.Atoi(p.s[p.i:k])
				if err != nil || idx > math.MaxInt32 {
					return nil, p.errf(p.i, "index %s is too large", p.s[p.i:k])
				}
				st.index, st.isIndex = idx, true
				p.i = k
			default:
				return nil, p.unexpected("a 0-based index (a non-negative integer) or a 'member name' inside [ ]")
			}
			p.skip()
			if p.i >= len(p.s) || p.s[p.i] != ']' {
				if p.i >= len(p.s) {
					return nil, p.errf(open, "unbalanced '[': missing ']'")
				}
				return nil, p.unexpected("']'")
			}
			p.i++
			n.nav = append(n.nav, st)
			continue
		}
		break
	}
	if p.i < len(p.s) && (p.s[p.i] == '#' || isIdent(p.s[p.i])) {
		return nil, p.unexpected("an operator after the runtime expression " + p.s[pos:p.i])
	}
	n.end = p.i
	n.text = p.s[pos:p.i]
	n.alts = alternatives(e, n.nav)
	p.paths = append(p.paths, n)
	return n, nil
}

// alternatives builds the longer readings of a dotted name ("a.b", "a.b.c") for
// expressions whose last part is a free-form name, so that outputs whose names
// contain dots (allowed by Arazzo's ^[a-zA-Z0-9\.\-_]+$) are reachable in
// conditions.
func alternatives(e *Expression, nav []navStep) []alt {
	if e.Pointer.present || len(nav) == 0 || nav[0].isIndex {
		return nil
	}
	switch e.Source {
	case SourceInputs, SourceOutputs, SourceSteps, SourceWorkflows, SourceComponents,
		SourceRequestQuery, SourceRequestPath, SourceResponseQuery, SourceResponsePath, SourceSourceDescriptions:
	default:
		return nil
	}
	var out []alt
	name := e.Name
	if e.Source == SourceSourceDescriptions {
		name = e.Field
	}
	for k, st := range nav {
		if st.isIndex || k >= 8 {
			break
		}
		name += "." + st.name
		a := *e
		if e.Source == SourceSourceDescriptions {
			a.Field = name
		} else {
			a.Name = name
		}
		a.text = a.canonical()
		out = append(out, alt{e: &a, n: k + 1})
	}
	return out
}

// Expressions returns every runtime expression the condition refers to, in
// source order. For a dotted operand such as "$steps.s.outputs.a.b" it returns
// the shortest reading ($steps.s.outputs.a); see the package documentation.
func (c *Condition) Expressions() []*Expression { return c.exprs }

// String returns the condition's source text.
func (c *Condition) String() string { return c.text }

func boolToInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Readings returns, for each runtime-expression operand in source order, the
// expressions it may denote, shortest name first: "$steps.s.outputs.a.b" gives
// [$steps.s.outputs.a, $steps.s.outputs.a.b], because Eval uses the longer
// name when the shorter does not exist (outputs may have dots in their names).
// A static check should accept an operand when any reading resolves.
func (c *Condition) Readings() [][]*Expression {
	out := make([][]*Expression, len(c.paths))
	for i, n := range c.paths {
		r := []*Expression{n.e}
		for _, a := range n.alts {
			r = append(r, a.e)
		}
		out[i] = r
	}
	return out
}
