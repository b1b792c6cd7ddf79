package mock

import (
	"encoding/json"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// schemaCache holds what is derived from schemas, computed once per schema
// (schemas are immutable). It belongs to one Mock, not to the package, so
// that a document and everything derived from it are collected with the
// Mock.
type schemaCache struct {
	mergedM sync.Map // mergeKey -> *openapi3.Schema
	info    sync.Map // *openapi3.Schema -> *schemaInfo
	unsat   sync.Map // *openapi3.Schema -> bool
}

type mergeKey struct {
	s      *openapi3.Schema
	choice int
}

// merged returns s with its allOf folded in, and the first alternative of
// oneOf/anyOf folded in, for the generator (the validator applies the
// combinators as written). Properties and required are unioned (a property
// declared by several parts gets all their schemas); other keywords are
// taken from s first, then from the parts in order. When a part declares
// additionalProperties: false, only the properties that part declares
// survive, so the generated object satisfies every part.
func (sc *schemaCache) merged(s *openapi3.Schema) *openapi3.Schema { return sc.mergedChoice(s, 0) }

// mergedChoice is merged with the choice-th alternative of oneOf (the
// generator tries them in order until one produces a value matching exactly
// one alternative).
func (sc *schemaCache) mergedChoice(s *openapi3.Schema, choice int) *openapi3.Schema {
	if len(s.AllOf) == 0 && len(s.OneOf) == 0 && len(s.AnyOf) == 0 {
		return s
	}
	k := mergeKey{s, choice}
	if v, ok := sc.mergedM.Load(k); ok {
		return v.(*openapi3.Schema)
	}
	m := mergeParts(s, choice, 0)
	v, _ := sc.mergedM.LoadOrStore(k, m)
	return v.(*openapi3.Schema)
}

func mergeParts(s *openapi3.Schema, choice, depth int) *openapi3.Schema {
	m := *s
	m.AllOf, m.OneOf, m.AnyOf = nil, nil, nil
	m.Properties = maps.Clone(s.Properties)
	m.Required = slices.Clone(s.Required)
	var closed []openapi3.Schemas // property sets of parts with additionalProperties: false
	if isClosed(s) {
		closed = append(closed, s.Properties)
	}
	var parts []*openapi3.SchemaRef
	parts = append(parts, s.AllOf...)
	if len(s.OneOf) > 0 {
		parts = append(parts, s.OneOf[min(choice, len(s.OneOf)-1)])
	}
	if len(s.AnyOf) > 0 {
		parts = append(parts, s.AnyOf[0])
	}
	for _, p := range parts {
		if p == nil || p.Value == nil || depth > 16 {
			continue
		}
		sub := p.Value
		if len(sub.AllOf)+len(sub.OneOf)+len(sub.AnyOf) > 0 {
			sub = mergeParts(sub, 0, depth+1)
		}
		if isClosed(sub) {
			closed = append(closed, sub.Properties)
		}
		mergeInto(&m, sub)
	}
	if len(closed) > 0 {
		for name := range m.Properties {
			for _, c := range closed {
				if _, ok := c[name]; !ok {
					delete(m.Properties, name)
					break
				}
			}
		}
		f := false
		m.AdditionalProperties = openapi3.AdditionalProperties{Has: &f}
	}
	return &m
}

// unsatisfiable reports a closed object schema that requires a property it
// does not declare (a description bug: no value can satisfy it). The
// generator leaves such optional properties out.
func (sc *schemaCache) unsatisfiable(ref *openapi3.SchemaRef) bool {
	if ref == nil || ref.Value == nil {
		return false
	}
	if v, ok := sc.unsat.Load(ref.Value); ok {
		return v.(bool)
	}
	s := sc.merged(ref.Value)
	bad := false
	if isClosed(s) && len(s.PatternProperties) == 0 {
		for _, r := range s.Required {
			if _, ok := s.Properties[r]; !ok {
				bad = true
				break
			}
		}
	}
	sc.unsat.Store(ref.Value, bad)
	return bad
}

func isClosed(s *openapi3.Schema) bool {
	return s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has
}

func mergeInto(m, sub *openapi3.Schema) {
	if m.Type.IsEmpty() && !sub.Type.IsEmpty() {
		t := sub.Type.Clone()
		m.Type = &t
	}
	for name, p := range sub.Properties {
		if m.Properties == nil {
			m.Properties = openapi3.Schemas{}
		}
		if prev, ok := m.Properties[name]; !ok {
			m.Properties[name] = p
		} else if prev != p {
			// Declared by several parts: all of them apply.
			m.Properties[name] = &openapi3.SchemaRef{Value: &openapi3.Schema{AllOf: openapi3.SchemaRefs{prev, p}}}
		}
	}
	for _, r := range sub.Required {
		if !slices.Contains(m.Required, r) {
			m.Required = append(m.Required, r)
		}
	}
	if m.Format == "" {
		m.Format = sub.Format
	}
	if m.Pattern == "" {
		m.Pattern = sub.Pattern
	}
	if len(m.Enum) == 0 {
		m.Enum = sub.Enum
	}
	if m.Const == nil {
		m.Const = sub.Const
	}
	if m.Default == nil {
		m.Default = sub.Default
	}
	if m.Example == nil {
		m.Example = sub.Example
	}
	if len(m.Examples) == 0 {
		m.Examples = sub.Examples
	}
	if m.Items == nil {
		m.Items = sub.Items
	}
	if len(m.PrefixItems) == 0 {
		m.PrefixItems = sub.PrefixItems
	}
	if m.Min == nil {
		m.Min, m.ExclusiveMin = sub.Min, sub.ExclusiveMin
	}
	if m.Max == nil {
		m.Max, m.ExclusiveMax = sub.Max, sub.ExclusiveMax
	}
	if !m.ExclusiveMin.IsSet() {
		m.ExclusiveMin = sub.ExclusiveMin
	}
	if !m.ExclusiveMax.IsSet() {
		m.ExclusiveMax = sub.ExclusiveMax
	}
	if m.MultipleOf == nil {
		m.MultipleOf = sub.MultipleOf
	}
	m.MinLength = max(m.MinLength, sub.MinLength)
	if m.MaxLength == nil {
		m.MaxLength = sub.MaxLength
	}
	m.MinItems = max(m.MinItems, sub.MinItems)
	if m.MaxItems == nil {
		m.MaxItems = sub.MaxItems
	}
	m.UniqueItems = m.UniqueItems || sub.UniqueItems
	m.MinProps = max(m.MinProps, sub.MinProps)
	if m.MaxProps == nil {
		m.MaxProps = sub.MaxProps
	}
	if m.AdditionalProperties.Has == nil && m.AdditionalProperties.Schema == nil {
		m.AdditionalProperties = sub.AdditionalProperties
	}
	m.Nullable = m.Nullable || sub.Nullable
}

// schemaTypes returns the declared types, or the types implied by the
// keywords present when none is declared.
func schemaTypes(s *openapi3.Schema) []string {
	if !s.Type.IsEmpty() {
		return s.Type.Slice()
	}
	switch {
	case len(s.Properties) > 0 || len(s.Required) > 0 || s.AdditionalProperties.Schema != nil || s.AdditionalProperties.Has != nil:
		return []string{"object"}
	case s.Items != nil || len(s.PrefixItems) > 0:
		return []string{"array"}
	case s.Pattern != "" || s.Format != "" || s.MinLength > 0 || s.MaxLength != nil:
		return []string{"string"}
	case s.Min != nil || s.Max != nil:
		return []string{"number"}
	}
	return nil
}

// jsonType names the JSON type of a decoded value; integral numbers are
// "integer".
func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	default:
		if f, ok := toFloat(x); ok {
			if f == math.Trunc(f) && !math.IsInf(f, 0) {
				return "integer"
			}
			return "number"
		}
	}
	return "unknown"
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		return f, err == nil
	}
	return 0, false
}

// normalize turns every number into float64, recursively, so that values
// from YAML (int), JSON (json.Number) and the generator compare equal.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case string, bool, nil:
		return x
	}
	if f, ok := toFloat(v); ok {
		return f
	}
	return v
}

func jsonEqual(a, b any) bool {
	if sa, ok := a.(string); ok {
		sb, ok := b.(string)
		return ok && sa == sb
	}
	return reflect.DeepEqual(normalize(a), normalize(b))
}
