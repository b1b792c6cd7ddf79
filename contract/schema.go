package contract

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// direction says which side of the exchange a schema is used for: OpenAPI
// makes readOnly properties optional in requests and writeOnly properties
// optional in responses, even when they are listed in `required`.
type direction uint8

const (
	toResponse direction = iota
	toRequest
)

// maxSchemaDepth bounds the recursion of the conversion through inline
// (non-component) schemas; deeper schemas are converted to `true` (accept
// anything) rather than risking a stack overflow on a hostile description.
const maxSchemaDepth = 64

// converter turns kin-openapi schemas into JSON Schema 2020-12 documents
// (generic JSON values) for santhosh-tekuri/jsonschema.
//
// References to components.schemas become "$ref"s to the component's own
// resource (need returns its URL and queues it for conversion), so only
// the components an operation reaches are converted, each once per
// Checker, and recursive schemas stay recursive. Any other reference (to
// another file, or to a non-component location) is inlined; a cycle
// through such references is cut with `true`. With need nil, component
// references are inlined too.
type converter struct {
	v30      bool // OpenAPI 3.0: nullable, boolean exclusiveMinimum/Maximum
	dir      direction
	need     func(name string) string
	comps    openapi3.Schemas
	visiting map[*openapi3.Schema]bool
}

// componentRef returns the "$ref" for r when it names a component schema
// of this document (same name and the very schema kin resolved).
func (cv *converter) componentRef(r *openapi3.SchemaRef) (string, bool) {
	name, ok := strings.CutPrefix(r.Ref, "#/components/schemas/")
	if !ok || strings.Contains(name, "/") {
		return "", false
	}
	if cv.need == nil {
		return "", false
	}
	name = unescapeToken(name)
	c := cv.comps[name]
	if c == nil || c.Value == nil || c.Value != r.Value {
		return "", false
	}
	return cv.need(name), true
}

func (cv *converter) ref(r *openapi3.SchemaRef, depth int) any {
	if r == nil {
		return true
	}
	if r.Ref != "" {
		if u, ok := cv.componentRef(r); ok {
			return map[string]any{"$ref": u}
		}
	}
	if r.Value == nil {
		return true
	}
	return cv.schema(r.Value, depth)
}

// resolved returns the schema a reference points to (for the
// readOnly/writeOnly test on required properties).
func resolved(r *openapi3.SchemaRef) *openapi3.Schema {
	if r == nil {
		return nil
	}
	return r.Value
}

func (cv *converter) schema(s *openapi3.Schema, depth int) any {
	if s == nil {
		return true
	}
	if s.Always != nil {
		return *s.Always
	}
	if depth > maxSchemaDepth || cv.visiting[s] {
		return true
	}
	cv.visiting[s] = true
	defer delete(cv.visiting, s)
	d := depth + 1

	m := map[string]any{}
	nullable := cv.v30 && s.Nullable
	var types []string
	if s.Type != nil {
		types = *s.Type
	}
	hasType := setType(m, types, nullable)
	setEnum(m, s.Enum, nullable)
	if s.Const != nil {
		m["const"] = s.Const
	}
	if s.Format != "" {
		m["format"] = s.Format
	}
	if s.Pattern != "" {
		m["pattern"] = s.Pattern
	}
	// Bounds. OpenAPI 3.0 (JSON Schema draft 4 style) writes an exclusive
	// bound as minimum + exclusiveMinimum: true; 2020-12 has a number.
	if s.Min != nil {
		if s.ExclusiveMin.IsTrue() {
			m["exclusiveMinimum"] = *s.Min
		} else {
			m["minimum"] = *s.Min
		}
	}
	if s.ExclusiveMin.Value != nil {
		m["exclusiveMinimum"] = *s.ExclusiveMin.Value
	}
	if s.Max != nil {
		if s.ExclusiveMax.IsTrue() {
			m["exclusiveMaximum"] = *s.Max
		} else {
			m["maximum"] = *s.Max
		}
	}
	if s.ExclusiveMax.Value != nil {
		m["exclusiveMaximum"] = *s.ExclusiveMax.Value
	}
	if s.MultipleOf != nil && *s.MultipleOf > 0 {
		m["multipleOf"] = *s.MultipleOf
	}
	if s.MinLength > 0 {
		m["minLength"] = s.MinLength
	}
	if s.MaxLength != nil {
		m["maxLength"] = *s.MaxLength
	}
	if s.MinItems > 0 {
		m["minItems"] = s.MinItems
	}
	if s.MaxItems != nil {
		m["maxItems"] = *s.MaxItems
	}
	if s.UniqueItems {
		m["uniqueItems"] = true
	}
	if s.MinProps > 0 {
		m["minProperties"] = s.MinProps
	}
	if s.MaxProps != nil {
		m["maxProperties"] = *s.MaxProps
	}
	if s.Items != nil {
		m["items"] = cv.ref(s.Items, d)
	}
	if len(s.PrefixItems) > 0 {
		m["prefixItems"] = cv.refs(s.PrefixItems, d)
	}
	if s.Contains != nil {
		m["contains"] = cv.ref(s.Contains, d)
		if s.MinContains != nil {
			m["minContains"] = *s.MinContains
		}
		if s.MaxContains != nil {
			m["maxContains"] = *s.MaxContains
		}
	}
	if len(s.Properties) > 0 {
		props := make(map[string]any, len(s.Properties))
		for name, p := range s.Properties {
			props[name] = cv.ref(p, d)
		}
		m["properties"] = props
	}
	if len(s.Required) > 0 {
		req := make([]any, 0, len(s.Required))
		seen := map[string]bool{}
		for _, name := range s.Required {
			if seen[name] {
				continue
			}
			seen[name] = true
			if p := resolved(s.Properties[name]); p != nil {
				if cv.dir == toResponse && p.WriteOnly || cv.dir == toRequest && p.ReadOnly {
					continue
				}
			}
			req = append(req, name)
		}
		if len(req) > 0 {
			m["required"] = req
		}
	}
	if len(s.PatternProperties) > 0 {
		pp := make(map[string]any, len(s.PatternProperties))
		for re, p := range s.PatternProperties {
			pp[re] = cv.ref(p, d)
		}
		m["patternProperties"] = pp
	}
	if s.PropertyNames != nil {
		m["propertyNames"] = cv.ref(s.PropertyNames, d)
	}
	if len(s.DependentSchemas) > 0 {
		ds := make(map[string]any, len(s.DependentSchemas))
		for name, p := range s.DependentSchemas {
			ds[name] = cv.ref(p, d)
		}
		m["dependentSchemas"] = ds
	}
	if len(s.DependentRequired) > 0 {
		dr := make(map[string]any, len(s.DependentRequired))
		for name, list := range s.DependentRequired {
			l := make([]any, 0, len(list))
			for _, x := range list {
				l = appendUnique(l, x)
			}
			dr[name] = l
		}
		m["dependentRequired"] = dr
	}
	if v, ok := cv.boolSchema(s.AdditionalProperties, d); ok {
		m["additionalProperties"] = v
	}
	if v, ok := cv.boolSchema(s.UnevaluatedProperties, d); ok {
		m["unevaluatedProperties"] = v
	}
	if v, ok := cv.boolSchema(s.UnevaluatedItems, d); ok {
		m["unevaluatedItems"] = v
	}
	if len(s.AllOf) > 0 {
		m["allOf"] = cv.refs(s.AllOf, d)
	}
	if len(s.AnyOf) > 0 {
		m["anyOf"] = cv.refs(s.AnyOf, d)
	}
	if len(s.OneOf) > 0 {
		m["oneOf"] = cv.refs(s.OneOf, d)
	}
	if s.Not != nil {
		m["not"] = cv.ref(s.Not, d)
	}
	if s.If != nil {
		m["if"] = cv.ref(s.If, d)
		if s.Then != nil {
			m["then"] = cv.ref(s.Then, d)
		}
		if s.Else != nil {
			m["else"] = cv.ref(s.Else, d)
		}
	}
	// `example`, `examples`, `default`, `discriminator`, `xml`, `readOnly`
	// and the other annotations are left out: they assert nothing.
	if nullable && !hasType {
		// nullable without a type (e.g. next to allOf or $ref): null is
		// allowed besides whatever the rest allows.
		return map[string]any{"anyOf": []any{map[string]any{"type": "null"}, m}}
	}
	return m
}

func (cv *converter) refs(rs openapi3.SchemaRefs, depth int) []any {
	out := make([]any, len(rs))
	for i, r := range rs {
		out[i] = cv.ref(r, depth)
	}
	return out
}

func (cv *converter) boolSchema(b openapi3.BoolSchema, depth int) (any, bool) {
	switch {
	case b.Has != nil:
		return *b.Has, true
	case b.Schema != nil:
		return cv.ref(b.Schema, depth), true
	}
	return nil, false
}

// component converts the component schema name.
func (cv *converter) component(name string) any {
	r := cv.comps[name]
	if r == nil || r.Value == nil {
		return true
	}
	return cv.schema(r.Value, 0)
}

// appendUnique appends name to l unless it is there: the metaschema wants
// the names of a dependentRequired list (like those of required) unique.
// Lists are short.
func appendUnique(l []any, name string) []any {
	for _, x := range l {
		if x == name {
			return l
		}
	}
	return append(l, name)
}

var jsonTypes = map[string]bool{
	"null": true, "boolean": true, "object": true, "array": true,
	"number": true, "string": true, "integer": true,
}

func unescapeToken(s string) string {
	if !strings.Contains(s, "~") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

func escapeToken(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// setType sets m["type"] from an OpenAPI schema's types: only JSON Schema's
// types, once each (anything else, "file" from Swagger 2.0, would make the
// schema invalid, and the metaschema wants unique items), "null" added for
// an OAS 3.0 nullable. It reports whether a type was set. Both converters
// (kin-openapi's structs, schema.go; the generic form, rawschema.go) use it.
func setType(m map[string]any, types []string, nullable bool) bool {
	if len(types) == 0 {
		return false
	}
	ts := make([]any, 0, len(types)+1)
	seen := map[string]bool{}
	for _, t := range types {
		if jsonTypes[t] && !seen[t] {
			seen[t] = true
			ts = append(ts, t)
		}
	}
	if nullable && !seen["null"] {
		ts = append(ts, "null")
	}
	switch len(ts) {
	case 0:
		return false
	case 1:
		m["type"] = ts[0]
	default:
		m["type"] = ts
	}
	return true
}

// setEnum sets m["enum"] from a non-empty enum, with null added for an OAS
// 3.0 nullable (which allows null even when the enum does not list it).
func setEnum(m map[string]any, enum []any, nullable bool) {
	if len(enum) == 0 {
		return
	}
	out := make([]any, 0, len(enum)+1)
	hasNull := false
	for _, e := range enum {
		hasNull = hasNull || e == nil
		out = append(out, e)
	}
	if nullable && !hasNull {
		out = append(out, nil)
	}
	m["enum"] = out
}
