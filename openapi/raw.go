package openapi

import (
	"net/url"
	"sort"
	"strings"
)

// maxRawRefs bounds the $refs followed by one Raw lookup (a chain of
// components referring to each other).
const maxRawRefs = 32

// Raw returns the value at the JSON pointer ptr (without '#', e.g.
// op.Pointer+"/responses/200/content/application~1json/schema" or
// "/components/schemas/User") in the generic form the lazy loader decoded
// (encoding/json shapes: map[string]any, []any, string, float64, bool,
// nil), without kin-openapi. Local $refs met on the way ("#/components/
// responses/X" for a response) are followed; the value itself is returned
// as written, a $ref included.
//
// ok is false when the document was loaded in full (use OpenAPI3 then),
// or when ptr is outside what the lazy loader decoded: only the operations
// built lazily and the components they reach are there, so Raw(op.Pointer)
// also tells whether op's raw form is available. The value is shared with
// the document: callers must not modify it.
func (d *Document) Raw(ptr string) (v any, ok bool) {
	if d == nil || d.lazy == nil {
		return nil, false
	}
	l := d.lazy
	l.mu.Lock()
	defer l.mu.Unlock()
	refs := 0
	return l.rawAt(ptr, &refs)
}

// rawAt walks ptr from l.sub, following local $refs of the nodes it goes
// through (not of the last one). A component the cache entry still holds
// encoded is decoded when the walk reaches it; a value that holds such
// components (the root, components, a section) has them all decoded
// first, so that callers never see the encoded form. l.mu held.
func (l *lazyDoc) rawAt(ptr string, refs *int) (any, bool) {
	root := l.sub
	if ptr == "" {
		l.materialize("")
		return root, true
	}
	if ptr[0] != '/' {
		return nil, false
	}
	var cur any = root
	// direct: no $ref followed yet, so cur is at toks[:n] from the root.
	direct, n := true, 0
	var sec string
	for tok := range strings.SplitSeq(ptr[1:], "/") {
		tok = unescapeToken(tok)
		m, isMap := cur.(map[string]any)
		for isMap {
			ref, isRef := m["$ref"].(string)
			if !isRef {
				break
			}
			target, ok := l.rawRef(ref, refs)
			if !ok {
				return nil, false
			}
			direct = false
			cur = target
			m, isMap = cur.(map[string]any)
		}
		switch {
		case isMap:
			var found bool
			cur, found = m[tok]
			if !found && direct && len(l.comps) > 0 {
				switch {
				case n == 0 && tok == "components":
					cur, found = l.subComponents(), true
				case n == 1 && hasSection(l.comps, tok):
					cur, found = l.subSection(tok), true
				case n == 2 && sec != "":
					cur, found = l.lazyComponent(sec, tok)
				}
			}
			if !found {
				return nil, false
			}
		default:
			list, isList := cur.([]any)
			if !isList {
				return nil, false
			}
			i, ok := arrayIndex(tok, len(list))
			if !ok {
				return nil, false
			}
			cur = list[i]
		}
		if direct && n == 0 && tok != "components" {
			direct = false // only components hold encoded values
		}
		if direct && n == 1 {
			sec = tok
		}
		n++
	}
	if direct && len(l.comps) > 0 && n <= 2 {
		l.materialize(sec) // components (sec ""), or one section
	}
	return cur, true
}

// hasSection reports whether comps has a component in section sec.
func hasSection(comps []rawComp, sec string) bool {
	i := sort.Search(len(comps), func(i int) bool { return comps[i].sec >= sec })
	return i < len(comps) && comps[i].sec == sec
}

// rawRef resolves a local $ref ("#/components/schemas/X", possibly
// percent-encoded) against l.sub.
func (l *lazyDoc) rawRef(ref string, refs *int) (any, bool) {
	*refs++
	if *refs > maxRawRefs {
		return nil, false
	}
	frag, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil, false
	}
	if strings.Contains(frag, "%") {
		if u, err := url.PathUnescape(frag); err == nil {
			frag = u
		}
	}
	return l.rawAt(frag, refs)
}

func arrayIndex(tok string, n int) (int, bool) {
	if tok == "" || len(tok) > 9 || (len(tok) > 1 && tok[0] == '0') {
		return 0, false
	}
	i := 0
	for _, c := range []byte(tok) {
		if c < '0' || c > '9' {
			return 0, false
		}
		i = i*10 + int(c-'0')
	}
	return i, i < n
}
