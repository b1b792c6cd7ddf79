package openapi

import (
	"encoding"
	"encoding/json"
	"fmt"
	"mime"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Parameter serialization (OpenAPI 3.1 "style" and "explode").
//
// The wire forms follow the Style Examples table of OpenAPI 3.1.1/3.2,
// which corrected 3.1.0 to agree with RFC 6570: label with explode=false
// joins with ',' (".blue,black,brown"), and '|', '[' and ']' are
// percent-encoded ("blue%7Cblack%7Cbrown", "color%5BR%5D=100").
//
// Choices where the specification is silent:
//   - nil, an empty array and an empty object are "undefined": path simple
//     gives "", label ".", matrix ";name", query/cookie form "name=".
//   - Objects given as maps are serialized with their keys sorted (Go maps
//     have no order); pass []KeyValue to choose the order.
//   - An array or object nested inside an array or object value (no
//     RFC 6570 form exists) is encoded as JSON text, except for deepObject,
//     which nests brackets (a[b][c]=v) and repeats the key for arrays.
//   - spaceDelimited and pipeDelimited with a primitive value, or with
//     explode=true, behave like form.
//   - deepObject with a value that is not an object is an error.
//   - A parameter with `content` (ContentType set) is serialized as one
//     string: JSON media types get the JSON encoding of the value, others
//     the value itself when it is a string and its JSON otherwise.
//   - Percent-encoding leaves only RFC 3986 unreserved characters as they
//     are; with allowReserved (query only, as in OpenAPI 3.1) the reserved
//     characters that are safe in a query value, and existing %XX triples,
//     pass through, but '[', ']', '#', '&', '=' and '+' are still encoded
//     (OpenAPI 3.1.1 section on allowReserved).
//   - Header values are not percent-encoded; CR, LF and NUL are rejected.
//   - Cookies use form style with form escaping; exploded pairs are joined
//     with "; " as a Cookie header requires.

// QueryPair is one name=value pair of a query string. Both Name and Value
// are already percent-encoded (allowReserved honored), so the caller joins
// them as name=value with '&' and must not escape them again; see
// EncodeQuery. They are escaped here because the delimiters a style inserts
// (',' for form, "%20" for spaceDelimited) must stay distinct from the same
// characters inside values.
type QueryPair struct {
	Name  string
	Value string
}

// KeyValue is one member of an object value whose member order matters
// (pass []KeyValue instead of a map).
type KeyValue struct {
	Key   string
	Value any
}

// EncodeQuery joins pairs into a query string (without '?').
func EncodeQuery(pairs []QueryPair) string {
	n := 0
	for _, p := range pairs {
		n += len(p.Name) + len(p.Value) + 2
	}
	b := make([]byte, 0, n)
	for i, p := range pairs {
		if i > 0 {
			b = append(b, '&')
		}
		b = append(b, p.Name...)
		b = append(b, '=')
		b = append(b, p.Value...)
	}
	return string(b)
}

// NewParameter returns a parameter with the default style and explode for
// in (path/header: simple; query/cookie: form, explode). Use it for a
// parameter an Arazzo step names but the OpenAPI operation does not declare.
func NewParameter(name, in string) *Parameter {
	p := &Parameter{Name: name, In: in, Required: in == "path"}
	p.applyDefaults(false)
	return p
}

func (p *Parameter) applyDefaults(explodeSet bool) {
	if p.Style == "" {
		switch p.In {
		case "query", "cookie":
			p.Style = "form"
		default:
			p.Style = "simple"
		}
	}
	if !explodeSet {
		p.Explode = p.Style == "form"
	}
}

// value shapes
const (
	shapeUndefined = iota
	shapePrimitive
	shapeArray
	shapeObject
)

type member struct {
	key string
	val any
}

type shaped struct {
	kind  int
	prim  string
	items []any
	obj   []member
}

// shape classifies v. Items and members keep their raw values so deepObject
// can nest; primitive renders them.
func shape(v any) (shaped, error) {
	switch x := v.(type) {
	case nil:
		return shaped{kind: shapeUndefined}, nil
	case []any:
		if len(x) == 0 {
			return shaped{kind: shapeUndefined}, nil
		}
		return shaped{kind: shapeArray, items: x}, nil
	case []string:
		if len(x) == 0 {
			return shaped{kind: shapeUndefined}, nil
		}
		items := make([]any, len(x))
		for i, s := range x {
			items[i] = s
		}
		return shaped{kind: shapeArray, items: items}, nil
	case map[string]any:
		if len(x) == 0 {
			return shaped{kind: shapeUndefined}, nil
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		obj := make([]member, len(keys))
		for i, k := range keys {
			obj[i] = member{k, x[k]}
		}
		return shaped{kind: shapeObject, obj: obj}, nil
	case []KeyValue:
		if len(x) == 0 {
			return shaped{kind: shapeUndefined}, nil
		}
		obj := make([]member, len(x))
		for i, kv := range x {
			obj[i] = member{kv.Key, kv.Value}
		}
		return shaped{kind: shapeObject, obj: obj}, nil
	case string, bool, float64, float32, int, int8, int16, int32, int64,
		uint, uint8, uint16, uint32, uint64, json.Number:
		s, err := primitive(x)
		return shaped{kind: shapePrimitive, prim: s}, err
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
			break // []byte: a string
		}
		items := make([]any, rv.Len())
		for i := range items {
			items[i] = rv.Index(i).Interface()
		}
		return shape(items)
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return shaped{}, fmt.Errorf("cannot serialize a map with %s keys", rv.Type().Key())
		}
		m := make(map[string]any, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			m[it.Key().String()] = it.Value().Interface()
		}
		return shape(m)
	case reflect.Pointer:
		if rv.IsNil() {
			return shaped{kind: shapeUndefined}, nil
		}
		return shape(rv.Elem().Interface())
	}
	s, err := primitive(v)
	return shaped{kind: shapePrimitive, prim: s}, err
}

// primitive renders a scalar; a composite value nested inside an array or
// object becomes JSON text.
func primitive(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	case bool:
		return strconv.FormatBool(x), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32), nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case json.Number:
		return x.String(), nil
	case encoding.TextMarshaler: // time.Time and friends
		b, err := x.MarshalText()
		if err != nil {
			return "", fmt.Errorf("cannot serialize a value of type %T: %v", v, err)
		}
		return string(b), nil
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(rv.Uint(), 10), nil
	case reflect.String:
		return rv.String(), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("cannot serialize a value of type %T: %v", v, err)
	}
	return string(b), nil
}

func (s shaped) itemStrings() ([]string, error) {
	out := make([]string, len(s.items))
	for i, it := range s.items {
		str, err := primitive(it)
		if err != nil {
			return nil, err
		}
		out[i] = str
	}
	return out, nil
}

// contentValue serializes the value of a parameter declared with `content`.
func (p *Parameter) contentValue(v any) (shaped, error) {
	mt, _, _ := mime.ParseMediaType(p.ContentType)
	if s, ok := v.(string); ok && !isJSONMediaType(mt) {
		return shaped{kind: shapePrimitive, prim: s}, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return shaped{}, fmt.Errorf("parameter %q: cannot encode value as %s: %v", p.Name, p.ContentType, err)
	}
	return shaped{kind: shapePrimitive, prim: string(b)}, nil
}

func isJSONMediaType(mt string) bool {
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

func (p *Parameter) shapeOf(v any) (shaped, error) {
	if p.ContentType != "" {
		return p.contentValue(v)
	}
	s, err := shape(v)
	if err != nil {
		return s, fmt.Errorf("parameter %q: %v", p.Name, err)
	}
	return s, nil
}

func (p *Parameter) pairs(s shaped, esc func(string) string, sep string) ([]string, error) {
	var out []string
	if s.kind == shapeArray {
		items, err := s.itemStrings()
		if err != nil {
			return nil, fmt.Errorf("parameter %q: %v", p.Name, err)
		}
		for _, it := range items {
			out = append(out, esc(it))
		}
		return out, nil
	}
	for _, m := range s.obj {
		v, err := primitive(m.val)
		if err != nil {
			return nil, fmt.Errorf("parameter %q: %v", p.Name, err)
		}
		if sep == "" {
			out = append(out, esc(m.key), esc(v))
		} else {
			out = append(out, esc(m.key)+sep+esc(v))
		}
	}
	return out, nil
}

// SerializePath returns what replaces "{name}" in the path template,
// already percent-escaped, including the '.' or ';name=' prefix of the
// label and matrix styles.
func (p *Parameter) SerializePath(v any) (string, error) {
	s, err := p.shapeOf(v)
	if err != nil {
		return "", err
	}
	esc := escapeStrict
	name := esc(p.Name)
	style := p.Style
	if style == "" {
		style = "simple"
	}
	switch style {
	case "simple", "label", "matrix":
	default:
		return "", fmt.Errorf("parameter %q: style %q is not allowed for path parameters (use simple, label or matrix)", p.Name, style)
	}
	switch s.kind {
	case shapeUndefined:
		switch style {
		case "label":
			return ".", nil
		case "matrix":
			return ";" + name, nil
		}
		return "", nil
	case shapePrimitive:
		switch style {
		case "label":
			return "." + esc(s.prim), nil
		case "matrix":
			if s.prim == "" {
				return ";" + name, nil
			}
			return ";" + name + "=" + esc(s.prim), nil
		}
		return esc(s.prim), nil
	case shapeArray:
		items, err := p.pairs(s, esc, "")
		if err != nil {
			return "", err
		}
		switch style {
		case "label":
			if p.Explode {
				return "." + strings.Join(items, "."), nil
			}
			return "." + strings.Join(items, ","), nil
		case "matrix":
			if p.Explode {
				var b strings.Builder
				for _, it := range items {
					b.WriteString(";" + name)
					if it != "" {
						b.WriteString("=" + it)
					}
				}
				return b.String(), nil
			}
			return ";" + name + "=" + strings.Join(items, ","), nil
		}
		return strings.Join(items, ","), nil
	default: // object
		sep := ""
		if p.Explode {
			sep = "="
		}
		members, err := p.pairs(s, esc, sep)
		if err != nil {
			return "", err
		}
		switch style {
		case "label":
			if p.Explode {
				return "." + strings.Join(members, "."), nil
			}
			return "." + strings.Join(members, ","), nil
		case "matrix":
			if p.Explode {
				return ";" + strings.Join(members, ";"), nil
			}
			return ";" + name + "=" + strings.Join(members, ","), nil
		}
		return strings.Join(members, ","), nil
	}
}

// SerializeQuery returns the query pairs for v (styles form,
// spaceDelimited, pipeDelimited, deepObject), already percent-encoded; see
// QueryPair.
func (p *Parameter) SerializeQuery(v any) ([]QueryPair, error) {
	s, err := p.shapeOf(v)
	if err != nil {
		return nil, err
	}
	esc := escapeStrict
	if p.AllowReserved {
		esc = escapeReserved
	}
	name := escapeStrict(p.Name)
	style := p.Style
	if style == "" {
		style = "form"
	}
	switch style {
	case "form", "spaceDelimited", "pipeDelimited":
		delim := ","
		switch {
		case style == "form" || p.Explode || s.kind == shapePrimitive || s.kind == shapeUndefined:
			style = "form"
		case style == "spaceDelimited":
			delim = "%20"
		default:
			delim = "%7C"
		}
		return p.formPairs(s, name, esc, delim)
	case "deepObject":
		if s.kind == shapeUndefined {
			return nil, nil
		}
		if s.kind != shapeObject {
			return nil, fmt.Errorf("parameter %q: style deepObject needs an object value, got %s", p.Name, kindName(s.kind))
		}
		var out []QueryPair
		if err := deepObject(&out, name, s.obj, esc, 0); err != nil {
			return nil, fmt.Errorf("parameter %q: %v", p.Name, err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("parameter %q: style %q is not allowed for query parameters (use form, spaceDelimited, pipeDelimited or deepObject)", p.Name, style)
}

func kindName(k int) string {
	switch k {
	case shapePrimitive:
		return "a primitive"
	case shapeArray:
		return "an array"
	case shapeObject:
		return "an object"
	}
	return "nothing"
}

// formPairs implements form (and the non-exploded delimited styles, with
// delim between items).
func (p *Parameter) formPairs(s shaped, name string, esc func(string) string, delim string) ([]QueryPair, error) {
	switch s.kind {
	case shapeUndefined:
		return []QueryPair{{name, ""}}, nil
	case shapePrimitive:
		return []QueryPair{{name, esc(s.prim)}}, nil
	case shapeArray:
		items, err := p.pairs(s, esc, "")
		if err != nil {
			return nil, err
		}
		if p.Explode && delim == "," {
			out := make([]QueryPair, len(items))
			for i, it := range items {
				out[i] = QueryPair{name, it}
			}
			return out, nil
		}
		return []QueryPair{{name, strings.Join(items, delim)}}, nil
	default:
		if p.Explode && delim == "," {
			out := make([]QueryPair, 0, len(s.obj))
			for _, m := range s.obj {
				v, err := primitive(m.val)
				if err != nil {
					return nil, fmt.Errorf("parameter %q: %v", p.Name, err)
				}
				out = append(out, QueryPair{escapeStrict(m.key), esc(v)})
			}
			return out, nil
		}
		members, err := p.pairs(s, esc, "")
		if err != nil {
			return nil, err
		}
		return []QueryPair{{name, strings.Join(members, delim)}}, nil
	}
}

const maxDeepObjectDepth = 32

func deepObject(out *[]QueryPair, prefix string, obj []member, esc func(string) string, depth int) error {
	if depth > maxDeepObjectDepth {
		return fmt.Errorf("deepObject value nested deeper than %d levels", maxDeepObjectDepth)
	}
	for _, m := range obj {
		key := prefix + "%5B" + escapeStrict(m.key) + "%5D"
		s, err := shape(m.val)
		if err != nil {
			return err
		}
		switch s.kind {
		case shapeObject:
			if err := deepObject(out, key, s.obj, esc, depth+1); err != nil {
				return err
			}
		case shapeArray:
			for _, it := range s.items {
				str, err := primitive(it)
				if err != nil {
					return err
				}
				*out = append(*out, QueryPair{key, esc(str)})
			}
		case shapeUndefined:
			*out = append(*out, QueryPair{key, ""})
		default:
			*out = append(*out, QueryPair{key, esc(s.prim)})
		}
	}
	return nil
}

// SerializeHeader returns the header value for v (style simple). Values
// are not percent-encoded; CR, LF and NUL are refused (header injection).
func (p *Parameter) SerializeHeader(v any) (string, error) {
	if p.Style != "" && p.Style != "simple" {
		return "", fmt.Errorf("parameter %q: style %q is not allowed for header parameters (use simple)", p.Name, p.Style)
	}
	s, err := p.shapeOf(v)
	if err != nil {
		return "", err
	}
	var out string
	switch s.kind {
	case shapeUndefined:
	case shapePrimitive:
		out = s.prim
	default:
		sep := ""
		if p.Explode {
			sep = "="
		}
		items, err := p.pairs(s, identity, sep)
		if err != nil {
			return "", err
		}
		out = strings.Join(items, ",")
	}
	if strings.ContainsAny(out, "\r\n\x00") {
		return "", fmt.Errorf("parameter %q: header value contains a line break or NUL", p.Name)
	}
	return out, nil
}

// SerializeCookie returns the cookie-string fragment for v (style form):
// "name=value", or for exploded arrays and objects several pairs joined
// with "; ", ready to be appended to a Cookie header.
func (p *Parameter) SerializeCookie(v any) (string, error) {
	if p.Style != "" && p.Style != "form" {
		return "", fmt.Errorf("parameter %q: style %q is not allowed for cookie parameters (use form)", p.Name, p.Style)
	}
	s, err := p.shapeOf(v)
	if err != nil {
		return "", err
	}
	pairs, err := p.formPairs(s, escapeStrict(p.Name), escapeStrict, ",")
	if err != nil {
		return "", err
	}
	parts := make([]string, len(pairs))
	for i, q := range pairs {
		parts[i] = q.Name + "=" + q.Value
	}
	return strings.Join(parts, "; "), nil
}

// Serialize dispatches on p.In. For path, header and cookie the result is
// one string; for query it is EncodeQuery of the pairs.
func (p *Parameter) Serialize(v any) (string, error) {
	switch p.In {
	case "path":
		return p.SerializePath(v)
	case "query":
		pairs, err := p.SerializeQuery(v)
		return EncodeQuery(pairs), err
	case "header":
		return p.SerializeHeader(v)
	case "cookie":
		return p.SerializeCookie(v)
	}
	return "", fmt.Errorf("parameter %q: unknown location %q (want path, query, header or cookie)", p.Name, p.In)
}

func identity(s string) string { return s }

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// reservedKept are the RFC 3986 reserved characters allowReserved lets
// through in a query value; '[', ']', '#', '&', '=', '+' stay encoded.
func reservedKept(c byte) bool {
	return strings.IndexByte(":/?@!$'()*,;", c) >= 0
}

const upperhex = "0123456789ABCDEF"

func escapeWith(s string, keep func(s string, i int) bool) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !keep(s, i) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if keep(s, i) {
			b = append(b, c)
			continue
		}
		b = append(b, '%', upperhex[c>>4], upperhex[c&15])
	}
	return string(b)
}

// escapeStrict percent-encodes everything but unreserved characters (UTF-8
// bytes individually), as RFC 6570 simple expansion does.
func escapeStrict(s string) string {
	return escapeWith(s, func(s string, i int) bool { return isUnreserved(s[i]) })
}

// escapeReserved is escapeStrict letting reserved characters and existing
// percent-encoded triples through (RFC 6570 reserved expansion).
func escapeReserved(s string) string {
	return escapeWith(s, func(s string, i int) bool {
		c := s[i]
		if isUnreserved(c) || reservedKept(c) {
			return true
		}
		return c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2])
	})
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
