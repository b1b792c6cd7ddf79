package expr

import (
	"encoding/json"
	"math/big"

	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Eval evaluates the condition against ctx. Logical operators short-circuit.
// Errors wrap ErrNotFound when an operand refers to a value that does not exist
// (except in a comparison with null; see the package documentation).
func (c *Condition) Eval(ctx Context) (bool, error) {
	return evalBool(c.root, ctx)
}

func evalBool(n *node, ctx Context) (bool, error) {
	switch n.op {
	case opAnd, opOr:
		l, err := evalBool(n.x, ctx)
		if err != nil {
			return false, err
		}
		if l == (n.op == opOr) {
			return l, nil
		}
		return evalBool(n.y, ctx)
	case opNot:
		b, err := evalBool(n.x, ctx)
		return !b, err
	case opEq, opNe:
		a, aok, err := evalValue(n.x, ctx)
		if err != nil {
			return false, err
		}
		b, bok, err := evalValue(n.y, ctx)
		if err != nil {
			return false, err
		}
		// A missing value equals null, and only null: "$response.body#/error
		// == null" holds whether the member is absent or null.
		if !aok || !bok {
			switch {
			case !aok && bok && b == nil, !bok && aok && a == nil:
				return n.op == opEq, nil
			case !aok:
				return false, notFound(n.x)
			default:
				return false, notFound(n.y)
			}
		}
		eq := looseEqual(a, b, 0)
		return eq == (n.op == opEq), nil
	case opLt, opLe, opGt, opGe:
		a, aok, err := evalValue(n.x, ctx)
		if err != nil {
			return false, err
		}
		if !aok {
			return false, notFound(n.x)
		}
		b, bok, err := evalValue(n.y, ctx)
		if err != nil {
			return false, err
		}
		if !bok {
			return false, notFound(n.y)
		}
		return relate(n.op, a, b), nil
	}
	v, ok, err := evalValue(n, ctx)
	if err != nil {
		return false, err
	}
	if !ok {
		return false, notFound(n)
	}
	return truthy(v), nil
}

// evalValue returns the value of an operand; ok is false when it does not exist.
func evalValue(n *node, ctx Context) (v any, ok bool, err error) {
	switch n.op {
	case opLit:
		return n.lit, true, nil
	case opPath:
		v, ok = evalPath(n, ctx)
		return v, ok, nil
	}
	b, err := evalBool(n, ctx)
	return b, err == nil, err
}

func evalPath(n *node, ctx Context) (any, bool) {
	if ctx == nil {
		return nil, false
	}
	v, ok := ctx.Value(n.e)
	skip := 0
	if !ok {
		for _, a := range n.alts {
			if v, ok = ctx.Value(a.e); ok {
				skip = a.n
				break
			}
		}
		if !ok {
			return nil, false
		}
	}
	if len(n.e.Pointer.tokens) > 0 {
		if v, ok = n.e.Pointer.get(v); !ok {
			return nil, false
		}
	}
	for _, st := range n.nav[skip:] {
		if v, ok = navigate(v, st); !ok {
			return nil, false
		}
	}
	return v, true
}

// navigate applies one ".member" or "[index]".
//
// ".name" selects an object member; on an array a decimal name is an index; on
// an array or a string, ".length" (when there is no such member) is its length
// in elements or characters, because real documents write
// "$response.body.items.length > 0". "[n]" selects an array element, or the
// member named by the decimal n; "['name']" a member.
func navigate(v any, st navStep) (any, bool) {
	if st.isIndex {
		switch x := v.(type) {
		case []any:
			if st.index < len(x) {
				return x[st.index], true
			}
			return nil, false
		case map[string]any:
			r, ok := x[strconv.Itoa(st.index)]
			return r, ok
		}
		return step(v, strconv.Itoa(st.index))
	}
	switch x := v.(type) {
	case map[string]any:
		r, ok := x[st.name]
		return r, ok
	case []any:
		if st.name == "length" {
			return len(x), true
		}
	case string:
		if st.name == "length" {
			return utf8.RuneCountInString(x), true
		}
		return nil, false
	}
	if r, ok := step(v, st.name); ok {
		return r, true
	}
	if st.name == "length" {
		rv := reflect.ValueOf(v)
		if k := rv.Kind(); k == reflect.Slice || k == reflect.Array {
			return rv.Len(), true
		}
	}
	return nil, false
}

func notFound(n *node) error {
	return &NotFoundError{What: n.text}
}

// truthy is the truth value of a bare operand: false, null, 0, NaN, "" and
// empty arrays and objects are false; everything else is true.
func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	if n, ok := toNum(v); ok {
		if n.isInt {
			return n.i != 0
		}
		return n.f != 0 && !math.IsNaN(n.f)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Map, reflect.Array:
		return rv.Len() > 0
	case reflect.Pointer, reflect.Interface:
		return !rv.IsNil()
	}
	return true
}

// num is a number in exact integer form when it has one.
type num struct {
	i     int64
	f     float64
	isInt bool
	big   string // an integer too large for int64, in decimal; f approximates it
}

// toNum converts every numeric form a decoded JSON value may take.
func toNum(v any) (num, bool) {
	switch x := v.(type) {
	case int:
		return num{i: int64(x), isInt: true}, true
	case int64:
		return num{i: x, isInt: true}, true
	case float64:
		return floatNum(x), true
	case json.Number:
		return parseNum(string(x))
	case int32:
		return num{i: int64(x), isInt: true}, true
	case int16:
		return num{i: int64(x), isInt: true}, true
	case int8:
		return num{i: int64(x), isInt: true}, true
	case uint:
		return uintNum(uint64(x)), true
	case uint64:
		return uintNum(x), true
	case uint32:
		return num{i: int64(x), isInt: true}, true
	case uint16:
		return num{i: int64(x), isInt: true}, true
	case uint8:
		return num{i: int64(x), isInt: true}, true
	case float32:
		return floatNum(float64(x)), true
	}
	return num{}, false
}

func uintNum(u uint64) num {
	if u <= math.MaxInt64 {
		return num{i: int64(u), isInt: true}
	}
	return num{f: float64(u)}
}

func floatNum(f float64) num {
	if f == math.Trunc(f) && f >= -9.2e18 && f <= 9.2e18 {
		return num{i: int64(f), f: f, isInt: true}
	}
	return num{f: f}
}

// parseNum parses a string that is exactly a JSON number (no spaces, no hex,
// no Inf/NaN), for numeric-string coercion.
func parseNum(s string) (num, bool) {
	if s == "" || jsonNumberLen(s) != len(s) {
		return num{}, false
	}
	intText := isIntText(s)
	if intText {
		// Checked first: a failing ParseInt allocates its error.
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return num{i: i, isInt: true}, true
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !math.IsInf(f, 0) {
		return num{}, false
	}
	if intText {
		return num{f: f, big: s}, true
	}
	return floatNum(f), true
}

// cmpNum compares two numbers; ok is false when either is NaN.
func cmpNum(a, b num) (int, bool) {
	if (a.big != "" || b.big != "") && (a.big != "" || a.isInt) && (b.big != "" || b.isInt) {
		return bigInt(a).Cmp(bigInt(b)), true
	}
	if a.isInt && b.isInt {
		switch {
		case a.i < b.i:
			return -1, true
		case a.i > b.i:
			return 1, true
		}
		return 0, true
	}
	x, y := a.f, b.f
	if a.isInt {
		x = float64(a.i)
	}
	if b.isInt {
		y = float64(b.i)
	}
	if math.IsNaN(x) || math.IsNaN(y) {
		return 0, false
	}
	switch {
	case x < y:
		return -1, true
	case x > y:
		return 1, true
	}
	return 0, true
}

// numbers returns both operands as numbers when at least one is a number and
// the other is a number or a numeric string.
func numbers(a, b any) (num, num, bool) {
	na, aok := toNum(a)
	nb, bok := toNum(b)
	switch {
	case aok && bok:
		return na, nb, true
	case aok:
		if s, ok := b.(string); ok {
			nb, bok = parseNum(s)
			return na, nb, bok
		}
	case bok:
		if s, ok := a.(string); ok {
			na, aok = parseNum(s)
			return na, nb, aok
		}
	}
	return na, nb, false
}

// looseEqual is the == of simple conditions (see the package documentation).
func looseEqual(a, b any, depth int) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if na, nb, ok := numbers(a, b); ok {
		c, ok := cmpNum(na, nb)
		return ok && c == 0
	}
	if _, ok := toNum(a); ok {
		return false
	}
	if _, ok := toNum(b); ok {
		return false
	}
	switch x := a.(type) {
	case string:
		switch y := b.(type) {
		case string:
			return strings.EqualFold(x, y)
		case bool:
			return strings.EqualFold(x, strconv.FormatBool(y))
		}
		return false
	case bool:
		switch y := b.(type) {
		case bool:
			return x == y
		case string:
			return strings.EqualFold(y, strconv.FormatBool(x))
		}
		return false
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) || depth > MaxDepth {
			return false
		}
		for i := range x {
			if !looseEqual(x[i], y[i], depth+1) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) || depth > MaxDepth {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !looseEqual(xv, yv, depth+1) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

// relate is < <= > >=: numeric when both operands are numbers or numeric
// strings, case-insensitive when both are strings, false otherwise (null,
// booleans, arrays, objects, mixed types).
func relate(o op, a, b any) bool {
	var c int
	if na, nb, ok := numbers(a, b); ok {
		var ordered bool
		if c, ordered = cmpNum(na, nb); !ordered {
			return false
		}
	} else if sa, ok := a.(string); ok {
		sb, ok := b.(string)
		if !ok {
			return false
		}
		na, aok := parseNum(sa)
		nb, bok := parseNum(sb)
		if aok && bok {
			var ordered bool
			if c, ordered = cmpNum(na, nb); !ordered {
				return false
			}
		} else {
			c = foldCompare(sa, sb)
		}
	} else {
		return false
	}
	switch o {
	case opLt:
		return c < 0
	case opLe:
		return c <= 0
	case opGt:
		return c > 0
	}
	return c >= 0
}

// foldCompare orders strings by their lower-cased code points without
// allocating.
func foldCompare(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		ra, rb = unicode.ToLower(ra), unicode.ToLower(rb)
		if ra != rb {
			if ra < rb {
				return -1
			}
			return 1
		}
		a, b = a[na:], b[nb:]
	}
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return -1
	}
	return 1
}

// Explain describes the operand values, for failure messages:
// "$statusCode == 201: got 409", or with several operands
// "$statusCode == 201 && $response.body#/ok: got $statusCode = 409, $response.body#/ok = false".
// Long values are shortened. It is meant for the failure path and allocates.
func (c *Condition) Explain(ctx Context) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(c.text))
	if len(c.paths) == 0 {
		return b.String()
	}
	// One operand: "...: got 409" or "...: $x not found". Several:
	// "...: $a = 409, $b not found".
	b.WriteString(": ")
	seen := map[string]bool{}
	first := true
	for _, n := range c.paths {
		if seen[n.text] {
			continue
		}
		seen[n.text] = true
		if !first {
			b.WriteString(", ")
		}
		first = false
		v, ok := evalPath(n, ctx)
		desc := "<redacted>"
		if ok && !sensitiveText(n.text) {
			desc = Describe(v)
		}
		switch {
		case !ok:
			b.WriteString(n.text)
			b.WriteString(" not found")
		case len(seen) == 1 && len(c.paths) == 1:
			b.WriteString("got ")
			b.WriteString(desc)
		default:
			b.WriteString(n.text)
			b.WriteString(" = ")
			b.WriteString(desc)
		}
	}
	return b.String()
}

// Describe formats a value for a diagnostic: strings in single quotes as the
// condition language writes them, other values as compact JSON, shortened to
// about 80 bytes.
func Describe(v any) string {
	var s string
	switch x := v.(type) {
	case string:
		s = "'" + strings.ReplaceAll(x, "'", "''") + "'"
	case nil:
		s = "null"
	default:
		s = FormatValue(v)
	}
	if len(s) > 80 {
		cut := 77
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

// isIntText reports whether s is a JSON integer (no fraction or exponent).
func isIntText(s string) bool {
	return s != "" && strings.IndexAny(s, ".eE") < 0
}

func bigInt(n num) *big.Int {
	if n.big == "" {
		return big.NewInt(n.i)
	}
	b, ok := new(big.Int).SetString(n.big, 10)
	if !ok {
		return new(big.Int)
	}
	return b
}

// sensitiveWords mark names whose values must not appear in messages.
var sensitiveWords = []string{"token", "password", "passwd", "secret", "apikey", "api-key", "api_key", "authorization", "cookie", "credential", "session", "private"}

// Sensitive reports whether an expression names a value that looks like a
// secret (a token, password, API key, Authorization or Cookie header, ...), by
// its names alone. Explain prints such values as <redacted>; callers that log
// values can use it the same way.
func Sensitive(e *Expression) bool {
	return sensitiveText(e.String())
}

func sensitiveText(s string) bool {
	var buf [256]byte
	if len(s) > len(buf) {
		s = s[:len(buf)]
	}
	low := buf[:len(s)]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	for _, w := range sensitiveWords {
		if strings.Contains(string(low), w) {
			return true
		}
	}
	return false
}
