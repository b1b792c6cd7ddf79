package mock

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// Generation policy (deterministic for a given random source):
//   - const, then the first enum value (the i-th for the i-th array item),
//     then default, then the schema's example / first of examples, each only
//     when it validates against the schema (formats included); id-like
//     names (id, *_id, *Id) skip default and examples so that invented ids
//     differ per seed;
//   - allOf is merged (properties and required unioned; with
//     additionalProperties: false in a part, only that part's properties);
//     anyOf uses its first alternative; oneOf the first alternative whose
//     value matches exactly one alternative (formats included), else the
//     first;
//   - request values are echoed into the top-level object (see doc.go);
//   - objects: required properties always; optional ones too, down to
//     optionalDepth levels of nesting and never in a schema already being
//     generated higher up (recursion); writeOnly optional properties are left
//     out of responses; free-form maps get one entry only when they have no
//     properties and an additionalProperties schema, or need minProperties;
//   - arrays: 1 or 2 items, within minItems/maxItems, unique when asked;
//   - a schema met for the maxRecursion-th time on the current path (a
//     recursive $ref), or past maxGenDepth levels or maxNodes values,
//     produces its minimal value (empty object/array, "", 0, false, or null
//     when nullable);
//   - optional properties whose schema no value can satisfy (a closed
//     object requiring an undeclared property) are left out;
//   - strings: by format (uuid, date-time, date, time, email, uri/url,
//     hostname, ipv4, ipv6, byte, and heuristics for custom formats such as
//     "client-id" or "absolute-https-uri-or-empty"); a pattern is honoured
//     by building a matching string from the regular expression when it is
//     cheap (checked by the real matcher), else by keeping the plain string;
//     plain strings are "<name>-<6 random hex>", ids 24 random characters;
//   - numbers: within minimum/maximum (exclusive too) and multipleOf,
//     default range 1..100.
const (
	optionalDepth = 3
	maxRecursion  = 2
	maxGenDepth   = 24
	// maxGenSize caps the minItems/minProperties (and, times ten,
	// minLength) honoured, and maxNodes the values generated for one
	// answer (then minimal values are used), so that a hostile description
	// cannot make the mock allocate without bound.
	maxGenSize uint64 = 100
	maxNodes          = 20000
)

type generator struct {
	sc    *schemaCache
	nodes int // values generated so far, against maxNodes
	rng   *rand.Rand
	stack []*openapi3.Schema
	echo  map[string]any // request values to echo at the top level
}

func (g *generator) value(ref *openapi3.SchemaRef, name string, depth, idx int) any {
	if ref == nil || ref.Value == nil {
		return g.plainString(name)
	}
	s := ref.Value
	if s.Always != nil {
		return "value"
	}
	seen := 0
	for _, x := range g.stack {
		if x == s {
			seen++
		}
	}
	g.nodes++
	if seen >= maxRecursion || depth > maxGenDepth || g.nodes > maxNodes {
		return minimal(g.sc.merged(s))
	}
	g.stack = append(g.stack, s)
	defer func() { g.stack = g.stack[:len(g.stack)-1] }()
	recursive := seen > 0
	if len(s.OneOf) > 1 {
		// oneOf means exactly one: try the alternatives in order and keep
		// the first value that matches only its own.
		var first any
		for i := range s.OneOf {
			v := g.fromMerged(ref, g.sc.mergedChoice(s, i), name, depth, idx, recursive)
			if i == 0 {
				first = v
			}
			if validStrict(ref, v) {
				return v
			}
		}
		return first
	}
	return g.fromMerged(ref, g.sc.merged(s), name, depth, idx, recursive)
}

func (g *generator) fromMerged(ref *openapi3.SchemaRef, s *openapi3.Schema, name string, depth, idx int, recursive bool) any {
	if s.Const != nil {
		return s.Const
	}
	info := g.sc.infoOf(ref, s)
	if len(info.enum) > 0 {
		return info.enum[idx%len(info.enum)]
	}
	if len(s.Enum) > 0 {
		return nil // only null is allowed
	}
	if info.hasPreset && !idLike(name) {
		return info.preset
	}
	switch info.typ {
	case "object":
		return g.object(s, depth, recursive)
	case "array":
		return g.array(s, name, depth)
	case "integer":
		return g.integer(s)
	case "number":
		return g.number(s)
	case "boolean":
		return true
	case "string", "":
		return g.str(s, name)
	}
	if s.Type.Includes("null") {
		return nil
	}
	return g.plainString(name)
}

func minimal(s *openapi3.Schema) any {
	if s.Nullable || s.Type.IncludesNull() {
		return nil
	}
	switch t := schemaTypes(s); {
	case slices.Contains(t, "object"):
		return map[string]any{}
	case slices.Contains(t, "array"):
		return []any{}
	case slices.Contains(t, "integer"), slices.Contains(t, "number"):
		return int64(0)
	case slices.Contains(t, "boolean"):
		return false
	}
	return ""
}

// schemaInfo is what the generator derives from a (merged) schema, computed
// once per schema: it depends only on the immutable schema.
type schemaInfo struct {
	typ       string // first non-null type, "" when untyped
	enum      []any  // enum without null
	preset    any    // default, else example, else examples[0], when valid
	hasPreset bool
	required  []string // declared and required, sorted
	optional  []string // other properties worth generating, sorted
}

func (sc *schemaCache) infoOf(ref *openapi3.SchemaRef, s *openapi3.Schema) *schemaInfo {
	if v, ok := sc.info.Load(s); ok {
		return v.(*schemaInfo)
	}
	info := &schemaInfo{}
	for _, t := range schemaTypes(s) {
		if t != "null" {
			info.typ = t
			break
		}
	}
	info.enum = slices.DeleteFunc(slices.Clone(s.Enum), func(v any) bool { return v == nil })
	for _, v := range append([]any{s.Default, s.Example}, s.Examples...) {
		if v != nil && validStrict(ref, v) {
			info.preset, info.hasPreset = v, true
			break
		}
	}
	for name, p := range s.Properties {
		switch {
		case slices.Contains(s.Required, name):
			info.required = append(info.required, name)
		case p != nil && p.Value != nil && p.Value.WriteOnly, sc.unsatisfiable(p):
		default:
			info.optional = append(info.optional, name)
		}
	}
	slices.Sort(info.required) // the order the random source is consumed in
	slices.Sort(info.optional)
	v, _ := sc.info.LoadOrStore(s, info)
	return v.(*schemaInfo)
}

func (g *generator) object(s *openapi3.Schema, depth int, recursive bool) map[string]any {
	info := g.sc.infoOf(&openapi3.SchemaRef{Value: s}, s)
	optional := info.optional
	names := make([]string, len(info.required), len(info.required)+len(optional))
	copy(names, info.required)
	limit := len(names) + len(optional)
	if s.MaxProps != nil {
		limit = int(min(*s.MaxProps, maxGenSize))
	}
	if depth >= optionalDepth || recursive {
		limit = min(limit, int(min(s.MinProps, maxGenSize))) // optional ones only to reach minProperties
	}
	for _, name := range optional {
		if len(names) >= limit {
			break
		}
		names = append(names, name)
	}
	out := make(map[string]any, len(names))
	for _, name := range names {
		p := s.Properties[name]
		if depth == 0 && g.echo != nil {
			if v, ok := g.echo[name]; ok && valid(p, v, inResponse) {
				out[name] = v
				continue
			}
		}
		out[name] = g.value(p, name, depth+1, 0)
	}
	// Required names without a property schema: from additionalProperties.
	for _, name := range s.Required {
		if _, ok := out[name]; !ok {
			out[name] = g.value(s.AdditionalProperties.Schema, name, depth+1, 0)
		}
	}
	closed := isClosed(s)
	if !closed && len(s.PatternProperties) == 0 {
		want := int(min(s.MinProps, maxGenSize))
		if len(s.Properties) == 0 && s.AdditionalProperties.Schema != nil && depth < optionalDepth {
			want = max(want, 1)
		}
		for i := 1; len(out) < want; i++ {
			key := fmt.Sprintf("property%d", i)
			if _, ok := out[key]; !ok {
				out[key] = g.value(s.AdditionalProperties.Schema, key, depth+1, 0)
			}
		}
	}
	return out
}

func (g *generator) array(s *openapi3.Schema, name string, depth int) []any {
	n := 1 + g.rng.IntN(2)
	if depth >= optionalDepth {
		n = 1
	}
	n = max(n, int(min(s.MinItems, maxGenSize)), len(s.PrefixItems))
	if s.MaxItems != nil {
		n = min(n, int(min(*s.MaxItems, maxGenSize)))
	}
	out := make([]any, 0, n)
	var seen map[string]bool
	if s.UniqueItems {
		seen = map[string]bool{}
	}
	if g.sc.unsatisfiable(s.Items) {
		n = min(n, int(s.MinItems))
	}
	item := singular(name)
	for i := 0; len(out) < n && i < n+4; i++ {
		var v any
		if i < len(s.PrefixItems) {
			v = g.value(s.PrefixItems[i], item, depth+1, i)
		} else {
			v = g.value(s.Items, item, depth+1, i)
		}
		if seen != nil {
			b, _ := json.Marshal(normalize(v))
			if seen[string(b)] {
				continue
			}
			seen[string(b)] = true
		}
		out = append(out, v)
	}
	return out
}

func singular(name string) string {
	if strings.HasSuffix(name, "s") && len(name) > 1 {
		return name[:len(name)-1]
	}
	return name
}

// bounds returns the inclusive range a number must fall in, and whether the
// bound is exclusive (only meaningful for non-integers).
func bounds(s *openapi3.Schema) (lo, hi float64, loEx, hiEx bool) {
	lo, hi = 1, 100
	hasLo, hasHi := false, false
	if s.Min != nil {
		lo, hasLo, loEx = *s.Min, true, s.ExclusiveMin.IsTrue()
	}
	if v := s.ExclusiveMin.Value; v != nil && (!hasLo || *v >= lo) {
		lo, hasLo, loEx = *v, true, true
	}
	if s.Max != nil {
		hi, hasHi, hiEx = *s.Max, true, s.ExclusiveMax.IsTrue()
	}
	if v := s.ExclusiveMax.Value; v != nil && (!hasHi || *v <= hi) {
		hi, hasHi, hiEx = *v, true, true
	}
	switch {
	case hasLo && !hasHi:
		hi = lo + 100
	case hasHi && !hasLo:
		lo = min(1, hi-100)
	}
	return lo, hi, loEx, hiEx
}

func (g *generator) integer(s *openapi3.Schema) int64 {
	// Work in float64 within ±2^53 so that absurd bounds can neither
	// overflow int64 conversions nor reach rand with an empty range.
	const lim = 1 << 53
	lo, hi, loEx, hiEx := bounds(s)
	if math.IsNaN(lo) || math.IsNaN(hi) {
		return 1
	}
	l, h := math.Ceil(lo), math.Floor(hi)
	if loEx && l == lo {
		l++
	}
	if hiEx && h == hi {
		h--
	}
	l, h = max(min(l, lim), -lim), max(min(h, lim), -lim)
	if m := s.MultipleOf; m != nil && *m >= 1 && *m == math.Trunc(*m) {
		if *m > lim {
			return 0 // the only multiple in range, when there is one
		}
		first := math.Ceil(l / *m) * *m
		if first > h {
			return int64(first)
		}
		steps := math.Floor((h - first) / *m)
		return int64(first + float64(g.rng.Int64N(int64(min(steps, 100))+1))**m)
	}
	if l > h {
		return int64(l)
	}
	return int64(l) + g.rng.Int64N(int64(min(h-l, 1e9))+1)
}

func (g *generator) number(s *openapi3.Schema) any {
	if m := s.MultipleOf; m == nil || *m == math.Trunc(*m) {
		return float64(g.integer(s))
	}
	lo, hi, _, _ := bounds(s)
	m := *s.MultipleOf
	k := math.Ceil(lo/m) + 1
	if k*m >= hi {
		k = math.Ceil(lo / m)
	}
	return k * m
}

// baseTime anchors generated dates: fixed, so output never depends on the
// clock.
var baseTime = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func (g *generator) str(s *openapi3.Schema, name string) string {
	fits := func(v string) bool {
		n := uint64(utf8.RuneCountInString(v))
		return n >= s.MinLength && (s.MaxLength == nil || n <= *s.MaxLength) &&
			(s.Pattern == "" || compilePattern(s.Pattern).match(v))
	}
	v := g.format(s.Format, name)
	if fits(v) {
		return v
	}
	if s.Pattern != "" {
		for _, grow := range []int{0, int(s.MinLength)} {
			if p, ok := genPattern(s.Pattern, g.rng, grow); ok && fits(p) {
				return p
			}
		}
	}
	n := uint64(utf8.RuneCountInString(v))
	if n < s.MinLength {
		v += strings.Repeat("x", int(min(s.MinLength-n, maxGenSize*10)))
	}
	if s.MaxLength != nil && uint64(utf8.RuneCountInString(v)) > *s.MaxLength {
		v = string([]rune(v)[:*s.MaxLength])
	}
	return v
}

func (g *generator) format(format, name string) string {
	f := strings.ToLower(format)
	switch f {
	case "uuid":
		var b [16]byte
		for i := range b {
			b[i] = byte(g.rng.UintN(256))
		}
		b[6] = b[6]&0x0f | 0x40
		b[8] = b[8]&0x3f | 0x80
		return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
	case "date-time":
		return g.time().Format(time.RFC3339)
	case "date":
		return g.time().Format(time.DateOnly)
	case "time":
		return g.time().Format("15:04:05Z")
	case "email", "idn-email", "email-or-empty":
		return fmt.Sprintf("user.%s@example.com", g.hex(6))
	case "hostname", "idn-hostname", "hostname-rfc2181":
		return fmt.Sprintf("host-%s.example.com", g.hex(6))
	case "ipv4":
		return fmt.Sprintf("192.0.2.%d", 1+g.rng.IntN(254))
	case "ipv6":
		return fmt.Sprintf("2001:db8::%x", 1+g.rng.IntN(0xfffe))
	case "cidr":
		return "192.0.2.0/24"
	case "ipv6_cidr":
		return "2001:db8::/32"
	case "byte":
		return base64.StdEncoding.EncodeToString([]byte(g.hex(6)))
	case "binary", "password":
		return g.hex(12)
	case "int32", "int64":
		return fmt.Sprint(1 + g.rng.IntN(100))
	case "hexadecimal":
		return g.hex(12)
	case "html-color", "html-color-or-null", "forms-hex-color", "color":
		return "#" + g.hex(6)
	case "json-pointer":
		return "/" + name
	case "regex":
		return "^[a-z]+$"
	case "duration":
		return "PT1H"
	}
	switch {
	case strings.Contains(f, "uri-template") || strings.Contains(f, "uri") || strings.Contains(f, "url"):
		return "https://example.com/" + g.hex(6)
	case strings.Contains(f, "email"):
		return fmt.Sprintf("user.%s@example.com", g.hex(6))
	case strings.HasSuffix(f, "-id") || strings.HasSuffix(f, "_id"):
		return g.id()
	}
	return g.plainString(name)
}

func (g *generator) time() time.Time {
	return baseTime.Add(time.Duration(g.rng.Int64N(365*24*3600)) * time.Second)
}

func (g *generator) plainString(name string) string {
	if idLike(name) {
		return g.id()
	}
	if name == "" {
		name = "string"
	}
	return name + "-" + g.hex(6)
}

const idAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func (g *generator) id() string {
	var b [24]byte
	for i := range b {
		b[i] = idAlphabet[g.rng.IntN(len(idAlphabet))]
	}
	return string(b[:])
}

func (g *generator) hex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.rng.IntN(16)]
	}
	return string(b)
}

// idLike reports whether a property name names an identifier: "id",
// "client_id", "userId", ...
func idLike(name string) bool {
	return name == "id" || strings.HasSuffix(name, "_id") ||
		(strings.HasSuffix(name, "Id") && len(name) > 2)
}
