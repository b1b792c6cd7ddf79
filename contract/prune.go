package contract

import (
	"reflect"
	"unsafe"
)

// pruner makes a copy of a converted schema (and of the component
// resources it reaches) reduced to what one instance can use, so that the
// first check of a media type converts and compiles only the part of a
// large schema the body touches (see compilePruned):
//
//   - the `properties` and `dependentSchemas` entries that no object
//     reaching their schema has a member for are removed;
//   - a subschema that no part of the instance reaches at all is replaced
//     by `true` (and the components only it refers to are left out).
//
// Why it is exact: the walk goes through the instance and the schema
// together, following every applicator whatever its outcome ($ref,
// allOf, anyOf, oneOf, not, if/then/else to the same value; properties,
// patternProperties, additionalProperties, unevaluatedProperties to
// members; propertyNames to names; prefixItems, items, contains,
// unevaluatedItems to items; dependentSchemas named by a member): an
// over-approximation of what the validator evaluates. A subschema it
// never reaches is never evaluated, so what it holds cannot change the
// result. An entry properties[n] (or dependentSchemas[n]) is only ever
// applied to an object that has a member n and reaches the entry's
// schema; additionalProperties, unevaluatedProperties, patternProperties,
// propertyNames, min/maxProperties, required and dependentRequired look
// at the object's own member names, never at entries it has no member
// for. What the validator does evaluate is kept as it is, at the same
// keyword locations, so problems (messages and pointers) are the same as
// with the full schema (TestPrunedMatchesFull, FuzzPrunedMatchesFull).
//
// The converted documents are shared (the Checker keeps them for the full
// compile): the pruner never modifies them, it copies.
type pruner struct {
	// resource returns a component resource (a "$ref" target) by URL.
	resource func(url string) (any, bool)
	// names holds, per schema object, the member names of the objects
	// that reached it (nil: none, or only empty objects).
	names map[unsafe.Pointer]map[string]struct{}
	// reached holds the schema objects some part of the instance reached.
	reached map[unsafe.Pointer]struct{}
	// visited memoizes (schema node, instance node) pairs, so recursive
	// schemas and shared components are walked once per instance node.
	visited map[visit]struct{}

	// copy phase: the component resources the copy refers to.
	queued map[string]bool
	queue  []string
}

// visit is a (schema node, instance node) pair. Scalars are not told
// apart: what a scalar reaches (in-place applicators only) does not
// depend on its value.
type visit struct {
	schema, inst unsafe.Pointer
	n            int  // array length
	array        bool // inst is an array
	scalar       bool
}

func newPruner(resource func(string) (any, bool)) *pruner {
	return &pruner{
		resource: resource,
		names:    map[unsafe.Pointer]map[string]struct{}{},
		reached:  map[unsafe.Pointer]struct{}{},
		visited:  map[visit]struct{}{},
		queued:   map[string]bool{},
	}
}

// isReached reports whether the walk reached schema object s.
func (p *pruner) isReached(s map[string]any) bool {
	_, ok := p.reached[mapID(s)]
	return ok
}

// inherit makes schema object s count as reached (with the same member
// names) as owner: s holds keywords copied from owner.
func (p *pruner) inherit(s, owner map[string]any) {
	if owner == nil || !p.isReached(owner) {
		return
	}
	p.reached[mapID(s)] = struct{}{}
	if names := p.names[mapID(owner)]; names != nil {
		p.names[mapID(s)] = names
	}
}

// mapID is the identity of a map (its header), without allocating.
func mapID(m map[string]any) unsafe.Pointer { return reflect.ValueOf(m).UnsafePointer() }

// The keywords the converter emits whose values are one schema applied to
// the same instance, to members, to items; lists of schemas; maps of
// schemas. The pruner knows exactly the converter's vocabulary (rawschema.go,
// schema.go): a keyword added there must be added here.
var (
	inPlaceKeywords = [...]string{"not", "if", "then", "else"}
	listKeywords    = [...]string{"allOf", "anyOf", "oneOf"}
)

// walk records what instance inst (a decoded JSON value) reaches in
// schema s.
func (p *pruner) walk(s, inst any) {
	sm, ok := s.(map[string]any)
	if !ok {
		return
	}
	v := visit{schema: mapID(sm)}
	obj, isObj := inst.(map[string]any)
	arr, isArr := inst.([]any)
	switch {
	case isObj:
		v.inst = mapID(obj)
	case isArr:
		v.inst, v.n, v.array = unsafe.Pointer(unsafe.SliceData(arr)), len(arr), true
	default:
		v.scalar = true
	}
	if _, done := p.visited[v]; done {
		return
	}
	p.visited[v] = struct{}{}
	p.reached[v.schema] = struct{}{}

	if ref, ok := sm["$ref"].(string); ok {
		if target, ok := p.resource(ref); ok {
			p.walk(target, inst)
		}
	}
	for _, k := range inPlaceKeywords {
		p.walk(sm[k], inst)
	}
	for _, k := range listKeywords {
		l, _ := sm[k].([]any)
		for _, x := range l {
			p.walk(x, inst)
		}
	}
	if isObj {
		if len(obj) == 0 {
			return
		}
		// Every name is a string: one walk stands for all of them.
		p.walk(sm["propertyNames"], "")
		names := p.names[v.schema]
		if names == nil {
			names = make(map[string]struct{}, len(obj))
			p.names[v.schema] = names
		}
		props, _ := sm["properties"].(map[string]any)
		pattern, _ := sm["patternProperties"].(map[string]any)
		additional, unevaluated := sm["additionalProperties"], sm["unevaluatedProperties"]
		for name, member := range obj {
			names[name] = struct{}{}
			if ps, ok := props[name]; ok {
				p.walk(ps, member)
			}
			// Whether a pattern matches, or a member is additional, is
			// not decided here: walking more keeps more, never less.
			for _, ps := range pattern {
				p.walk(ps, member)
			}
			p.walk(additional, member)
			p.walk(unevaluated, member)
		}
		if deps, ok := sm["dependentSchemas"].(map[string]any); ok {
			for name, ds := range deps {
				if _, ok := obj[name]; ok {
					p.walk(ds, inst)
				}
			}
		}
		return
	}
	if !isArr {
		return
	}
	prefix, _ := sm["prefixItems"].([]any)
	items, contains, unevaluated := sm["items"], sm["contains"], sm["unevaluatedItems"]
	for i, el := range arr {
		if i < len(prefix) {
			p.walk(prefix[i], el)
		}
		p.walk(items, el)
		p.walk(contains, el)
		p.walk(unevaluated, el)
	}
}

// copy returns s without what the walk did not reach, queueing the
// component resources it still refers to.
func (p *pruner) copy(s any) any {
	sm, ok := s.(map[string]any)
	if !ok {
		return s
	}
	if _, ok := p.reached[mapID(sm)]; !ok {
		return true // never evaluated
	}
	out := make(map[string]any, len(sm))
	for k, v := range sm {
		switch k {
		case "properties", "dependentSchemas":
			src, ok := v.(map[string]any)
			if !ok {
				out[k] = v
				continue
			}
			names := p.names[mapID(sm)]
			m := make(map[string]any, min(len(src), len(names)))
			if len(names) < len(src) {
				for name := range names {
					if x, ok := src[name]; ok {
						m[name] = p.copy(x)
					}
				}
			} else {
				for name, x := range src {
					if _, ok := names[name]; ok {
						m[name] = p.copy(x)
					}
				}
			}
			out[k] = m
		case "patternProperties":
			src, ok := v.(map[string]any)
			if !ok {
				out[k] = v
				continue
			}
			m := make(map[string]any, len(src))
			for re, x := range src {
				m[re] = p.copy(x)
			}
			out[k] = m
		case "items", "contains", "additionalProperties", "unevaluatedProperties", "unevaluatedItems",
			"propertyNames", "not", "if", "then", "else":
			out[k] = p.copy(v)
		case "prefixItems", "allOf", "anyOf", "oneOf":
			src, ok := v.([]any)
			if !ok {
				out[k] = v
				continue
			}
			l := make([]any, len(src))
			for i, x := range src {
				l[i] = p.copy(x)
			}
			out[k] = l
		case "$ref":
			out[k] = v
			if u, ok := v.(string); ok && !p.queued[u] {
				p.queued[u] = true
				p.queue = append(p.queue, u)
			}
		default:
			// Assertions (type, enum, const, required, pattern...): kept.
			out[k] = v
		}
	}
	return out
}
