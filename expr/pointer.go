package expr

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// Pointer is a parsed RFC 6901 JSON pointer. The zero value is "no pointer"
// (Present reports false); a pointer written as "#" or "#/" ... is present.
type Pointer struct {
	tokens  []string
	present bool
}

// ParsePointer parses an RFC 6901 JSON pointer such as "/a/0/b~1c". The empty
// string is the whole document. A leading '#' is not accepted here: it belongs to
// the runtime expression, not to the pointer.
func ParsePointer(s string) (Pointer, error) {
	p, err := parsePointer(s, 0)
	if err != nil {
		return Pointer{}, err
	}
	return p, nil
}

// parsePointer parses s, reporting errors at base+offset.
//
//	json-pointer    = *( "/" reference-token )
//	reference-token = *( unescaped / escaped )
//	escaped         = "~" ( "0" / "1" )
func parsePointer(s string, base int) (Pointer, error) {
	p := Pointer{present: true}
	if s == "" {
		return p, nil
	}
	if s[0] != '/' {
		return Pointer{}, &SyntaxError{Offset: base, Msg: fmt.Sprintf("JSON pointer must start with '/', found %q", s[0])}
	}
	if len(s) > MaxLength {
		return Pointer{}, &SyntaxError{Offset: base, Msg: fmt.Sprintf("JSON pointer longer than %d bytes", MaxLength)}
	}
	n := strings.Count(s, "/")
	p.tokens = make([]string, 0, n)
	start := 1
	for i := 1; i <= len(s); i++ {
		if i < len(s) && s[i] != '/' {
			if s[i] == '~' && (i+1 >= len(s) || (s[i+1] != '0' && s[i+1] != '1')) {
				return Pointer{}, &SyntaxError{Offset: base + i, Msg: "'~' in a JSON pointer must be followed by '0' or '1' (write ~0 for '~' and ~1 for '/')"}
			}
			continue
		}
		tok := s[start:i]
		if strings.IndexByte(tok, '~') >= 0 {
			tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		}
		p.tokens = append(p.tokens, tok)
		start = i + 1
	}
	return p, nil
}

// Present reports whether a pointer was written ('#' in a runtime expression).
func (p Pointer) Present() bool { return p.present }

// Tokens returns the unescaped reference tokens. The slice must not be modified.
func (p Pointer) Tokens() []string { return p.tokens }

// String returns the pointer in RFC 6901 form ("/a/b~1c"), without '#'.
func (p Pointer) String() string {
	var b strings.Builder
	for _, t := range p.tokens {
		b.WriteByte('/')
		b.WriteString(escapeToken(t))
	}
	return b.String()
}

func escapeToken(t string) string {
	if strings.IndexAny(t, "~/") < 0 {
		return t
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(t)
}

// Get applies the pointer to a decoded JSON value (map[string]any, []any and
// scalars; other maps and slices are walked by reflection). It wraps ErrNotFound
// when a token selects nothing.
func (p Pointer) Get(v any) (any, error) {
	for i, tok := range p.tokens {
		next, ok := step(v, tok)
		if !ok {
			return nil, &NotFoundError{What: "JSON pointer " + Pointer{tokens: p.tokens[:i+1], present: true}.String()}
		}
		v = next
	}
	return v, nil
}

// get is Get without the error value, for the allocation-free paths.
func (p Pointer) get(v any) (any, bool) {
	for _, tok := range p.tokens {
		var ok bool
		if v, ok = step(v, tok); !ok {
			return nil, false
		}
	}
	return v, true
}

// step selects one member or element. Array indexes follow RFC 6901: decimal
// without leading zeros; "-" (past the end) never exists.
func step(v any, tok string) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		r, ok := x[tok]
		return r, ok
	case []any:
		i, ok := arrayIndex(tok, len(x))
		if !ok {
			return nil, false
		}
		return x[i], true
	case nil, string, bool, float64, int, int64, json.Number:
		return nil, false
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return nil, false
		}
		r := rv.MapIndex(reflect.ValueOf(tok).Convert(rv.Type().Key()))
		if !r.IsValid() {
			return nil, false
		}
		return r.Interface(), true
	case reflect.Slice, reflect.Array:
		i, ok := arrayIndex(tok, rv.Len())
		if !ok {
			return nil, false
		}
		return rv.Index(i).Interface(), true
	}
	return nil, false
}

func arrayIndex(tok string, n int) (int, bool) {
	if tok == "" || len(tok) > 1 && tok[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(tok); i++ {
		if tok[i] < '0' || tok[i] > '9' {
			return 0, false
		}
	}
	i, err := strconv.Atoi(tok)
	if err != nil || i >= n || i > math.MaxInt32 {
		return 0, false
	}
	return i, true
}

// NotFoundError reports a value that does not exist. It matches ErrNotFound with
// errors.Is.
type NotFoundError struct {
	What string // what was looked for, e.g. "$steps.login.outputs.token" or "JSON pointer /0/id"
}

func (e *NotFoundError) Error() string { return e.What + ": value not found" }

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }
