package contract

import (
	"math"
	"strings"

	"github.com/arazzo-run/arazzo/openapi"
)

// rawConverter is converter (schema.go) for the generic form of a lazily
// loaded document (openapi.Document.Raw): the same OpenAPI → JSON Schema
// 2020-12 conversion, read from encoding/json-shaped maps instead of
// kin-openapi structs, so that a check never makes kin-openapi decode the
// description. The rules are converter's, keyword by keyword; where kin
// would refuse the whole document (a negative minLength, an enum that is
// not a list), the keyword is ignored instead.
//
// A $ref with sibling keywords: OpenAPI 3.0 ignores the siblings (as kin
// does); in 3.1 the target is inlined (even a component) and the sibling
// assertions are added as one more allOf entry, as kin-openapi does, so
// that the documents (and problem pointers) are the same on both paths.
type rawConverter struct {
	v30      bool
	dir      direction
	need     func(name string) string
	doc      *openapi.Document
	visiting map[string]bool // inlined $refs being converted
	// prune, when set, converts only what an instance reached: the
	// pruner walked the raw form (see compilePrunedRaw).
	prune *pruner
}

func (cv *rawConverter) lookup(ref string) (any, bool) {
	frag, ok := strings.CutPrefix(ref, "#")
	if !ok || !strings.HasPrefix(frag, "/components/") {
		return nil, false
	}
	return cv.doc.Raw(frag)
}

// componentName returns the component schema a $ref names, when it names
// one ("#/components/schemas/Name", nothing after the name). Whether it
// exists is not asked here: looking it up makes the lazy loader decode
// it, and most components a schema names are never reached by a body. A
// missing one is converted to `true` (component), as inlining it would.
func (cv *rawConverter) componentName(ref string) (string, bool) {
	name, ok := strings.CutPrefix(ref, "#/components/schemas/")
	if !ok || strings.Contains(name, "/") {
		return "", false
	}
	return unescapeToken(name), true
}

// siblings returns the keywords next to a $ref that apply (OpenAPI 3.1:
// any but x- extensions), or nil.
func (cv *rawConverter) siblings(m map[string]any) map[string]any {
	if cv.v30 {
		return nil
	}
	var out map[string]any
	for k, v := range m {
		if k == "$ref" || strings.HasPrefix(k, "x-") {
			continue
		}
		if out == nil {
			out = make(map[string]any, len(m)-1)
		}
		out[k] = v
	}
	return out
}

func (cv *rawConverter) node(v any, depth int) any {
	switch x := v.(type) {
	case bool:
		return x
	case map[string]any:
		if ref, ok := x["$ref"].(string); ok {
			return cv.ref(ref, x, depth)
		}
		return cv.schema(x, depth)
	}
	return true
}

func (cv *rawConverter) ref(ref string, m map[string]any, depth int) any {
	sib := cv.siblings(m)
	if cv.need != nil && sib == nil {
		if name, ok := cv.componentName(ref); ok {
			return map[string]any{"$ref": cv.need(name)}
		}
	}
	return cv.inline(ref, sib, m, depth)
}

// inline converts the target of ref in place of the reference, with the
// 3.1 siblings sib (of owner, the schema holding the $ref).
func (cv *rawConverter) inline(ref string, sib, owner map[string]any, depth int) any {
	if depth > maxSchemaDepth || cv.visiting[ref] {
		return true
	}
	target, ok := cv.lookup(ref)
	if !ok {
		return true
	}
	cv.visiting[ref] = true
	out := cv.node(target, depth+1)
	delete(cv.visiting, ref)
	if sib == nil {
		return out
	}
	// OpenAPI 3.1 siblings, as kin-openapi applies them: annotations
	// override the target's (they are dropped here anyway), the other
	// keywords are one more allOf entry of the (inlined) target.
	assertions := map[string]any{}
	for k, v := range sib {
		if !refSiblingAnnotations[k] {
			assertions[k] = v
		}
	}
	if cv.prune != nil {
		// The siblings are owner's keywords: what reached owner reached them.
		cv.prune.inherit(assertions, owner)
	}
	conj, _ := cv.schema(assertions, depth).(map[string]any)
	if len(conj) == 0 {
		return out
	}
	om, isMap := out.(map[string]any)
	if !isMap {
		return map[string]any{"allOf": []any{out, conj}}
	}
	all, _ := om["allOf"].([]any)
	om["allOf"] = append(append(make([]any, 0, len(all)+1), all...), conj)
	return om
}

// refSiblingAnnotations are the keywords next to a $ref that kin-openapi
// treats as annotations of the reference (they override the target's).
var refSiblingAnnotations = map[string]bool{
	"$comment": true, "allowEmptyValue": true, "default": true, "deprecated": true,
	"description": true, "discriminator": true, "example": true, "examples": true,
	"externalDocs": true, "nullable": true, "readOnly": true, "title": true,
	"writeOnly": true, "xml": true,
}

// flag follows $refs to the schema a property is (for the
// readOnly/writeOnly test on required properties); a 3.1 sibling
// readOnly/writeOnly overrides the target's, as in kin-openapi.
func (cv *rawConverter) flag(v any, name string) bool {
	for range maxSchemaDepth {
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		ref, isRef := m["$ref"].(string)
		if !isRef {
			return gbool(m[name])
		}
		if !cv.v30 {
			if b, ok := m[name].(bool); ok {
				return b
			}
		}
		if v, ok = cv.lookup(ref); !ok {
			return false
		}
	}
	return false
}

func gbool(v any) bool {
	b, _ := v.(bool)
	return b
}

// count returns a non-negative integral number as kin decodes it (uint64).
func count(v any) (uint64, bool) {
	f, ok := v.(float64)
	if !ok || f < 0 || f != math.Trunc(f) || f > 1<<63 {
		return 0, false
	}
	return uint64(f), true
}

func (cv *rawConverter) schema(s map[string]any, depth int) any {
	if depth > maxSchemaDepth {
		return true
	}
	if cv.prune != nil && !cv.prune.isReached(s) {
		return true // nothing in the instance reaches it: never evaluated
	}
	d := depth + 1

	m := map[string]any{}
	nullable := cv.v30 && gbool(s["nullable"])
	var types []string
	switch t := s["type"].(type) {
	case string:
		types = []string{t}
	case []any:
		for _, x := range t {
			if str, ok := x.(string); ok {
				types = append(types, str)
			}
		}
	}
	hasType := setType(m, types, nullable)
	enum, _ := s["enum"].([]any)
	setEnum(m, enum, nullable)
	if c := s["const"]; c != nil {
		m["const"] = c
	}
	if f, ok := s["format"].(string); ok && f != "" {
		m["format"] = f
	}
	if p, ok := s["pattern"].(string); ok && p != "" {
		m["pattern"] = p
	}
	// Bounds: see converter.schema.
	if minimum, ok := s["minimum"].(float64); ok {
		if s["exclusiveMinimum"] == true {
			m["exclusiveMinimum"] = minimum
		} else {
			m["minimum"] = minimum
		}
	}
	if x, ok := s["exclusiveMinimum"].(float64); ok {
		m["exclusiveMinimum"] = x
	}
	if maximum, ok := s["maximum"].(float64); ok {
		if s["exclusiveMaximum"] == true {
			m["exclusiveMaximum"] = maximum
		} else {
			m["maximum"] = maximum
		}
	}
	if x, ok := s["exclusiveMaximum"].(float64); ok {
		m["exclusiveMaximum"] = x
	}
	if x, ok := s["multipleOf"].(float64); ok && x > 0 {
		m["multipleOf"] = x
	}
	for _, k := range [...]string{"minLength", "minItems", "minProperties"} {
		if n, ok := count(s[k]); ok && n > 0 {
			m[k] = n
		}
	}
	for _, k := range [...]string{"maxLength", "maxItems", "maxProperties"} {
		if n, ok := count(s[k]); ok {
			m[k] = n
		}
	}
	if s["uniqueItems"] == true {
		m["uniqueItems"] = true
	}
	if v, ok := s["items"]; ok && v != nil {
		m["items"] = cv.node(v, d)
	}
	if l, ok := s["prefixItems"].([]any); ok && len(l) > 0 {
		m["prefixItems"] = cv.list(l, d)
	}
	if v, ok := s["contains"]; ok && v != nil {
		m["contains"] = cv.node(v, d)
		if n, ok := count(s["minContains"]); ok {
			m["minContains"] = n
		}
		if n, ok := count(s["maxContains"]); ok {
			m["maxContains"] = n
		}
	}
	props, _ := s["properties"].(map[string]any)
	if len(props) > 0 {
		m["properties"] = cv.entries(s, props, d)
	}
	if list, ok := s["required"].([]any); ok && len(list) > 0 {
		req := make([]any, 0, len(list))
		seen := map[string]bool{}
		for _, x := range list {
			name, ok := x.(string)
			if !ok || seen[name] {
				continue
			}
			seen[name] = true
			if p, ok := props[name]; ok {
				if cv.dir == toResponse && cv.flag(p, "writeOnly") || cv.dir == toRequest && cv.flag(p, "readOnly") {
					continue
				}
			}
			req = append(req, name)
		}
		if len(req) > 0 {
			m["required"] = req
		}
	}
	if pp, ok := s["patternProperties"].(map[string]any); ok && len(pp) > 0 {
		m["patternProperties"] = cv.schemaMap(pp, d)
	}
	if v, ok := s["propertyNames"]; ok && v != nil {
		m["propertyNames"] = cv.node(v, d)
	}
	if ds, ok := s["dependentSchemas"].(map[string]any); ok && len(ds) > 0 {
		m["dependentSchemas"] = cv.entries(s, ds, d)
	}
	if dr, ok := s["dependentRequired"].(map[string]any); ok && len(dr) > 0 {
		out := make(map[string]any, len(dr))
		for name, list := range dr {
			l, _ := list.([]any)
			names := make([]any, 0, len(l))
			for _, x := range l {
				if str, ok := x.(string); ok {
					names = appendUnique(names, str)
				}
			}
			out[name] = names
		}
		m["dependentRequired"] = out
	}
	for _, k := range [...]string{"additionalProperties", "unevaluatedProperties", "unevaluatedItems"} {
		switch v := s[k].(type) {
		case bool:
			m[k] = v
		case map[string]any:
			m[k] = cv.node(v, d)
		}
	}
	for _, k := range [...]string{"allOf", "anyOf", "oneOf"} {
		if l, ok := s[k].([]any); ok && len(l) > 0 {
			m[k] = cv.list(l, d)
		}
	}
	if v, ok := s["not"]; ok && v != nil {
		m["not"] = cv.node(v, d)
	}
	if v, ok := s["if"]; ok && v != nil {
		m["if"] = cv.node(v, d)
		if v, ok := s["then"]; ok && v != nil {
			m["then"] = cv.node(v, d)
		}
		if v, ok := s["else"]; ok && v != nil {
			m["else"] = cv.node(v, d)
		}
	}
	// Annotations (example, default, discriminator, readOnly...) are left
	// out, as converter does.
	if nullable && !hasType {
		return map[string]any{"anyOf": []any{map[string]any{"type": "null"}, m}}
	}
	return m
}

func (cv *rawConverter) list(l []any, depth int) []any {
	out := make([]any, len(l))
	for i, x := range l {
		out[i] = cv.node(x, depth)
	}
	return out
}

func (cv *rawConverter) schemaMap(src map[string]any, depth int) map[string]any {
	out := make(map[string]any, len(src))
	for k, v := range src {
		out[k] = cv.node(v, depth)
	}
	return out
}

// entries converts the properties (or dependentSchemas) src of schema s:
// all of them, or when pruning those named by a member of an object that
// reached s.
func (cv *rawConverter) entries(s, src map[string]any, depth int) map[string]any {
	if cv.prune == nil {
		return cv.schemaMap(src, depth)
	}
	names := cv.prune.names[mapID(s)]
	out := make(map[string]any, min(len(src), len(names)))
	for name := range names {
		if x, ok := src[name]; ok {
			out[name] = cv.node(x, depth)
		}
	}
	return out
}

// component converts the component schema name.
func (cv *rawConverter) component(name string) any {
	v, ok := cv.doc.Raw("/components/schemas/" + escapeToken(name))
	if !ok {
		return true
	}
	if m, isMap := v.(map[string]any); isMap {
		if ref, isRef := m["$ref"].(string); isRef {
			// A component that is a reference is its target (kin-openapi
			// resolves it), converted here rather than referred to.
			return cv.inline(ref, cv.siblings(m), m, 0)
		}
	}
	return cv.node(v, 0)
}
