package arazzo

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Limits that keep hostile documents from exhausting memory or the stack.
const (
	// MaxDocumentSize is the largest document Parse accepts, in bytes.
	MaxDocumentSize = 16 << 20
	// maxNodes bounds the number of values the document expands to, aliases
	// included: a "billion laughs" document of a few hundred bytes stops here.
	maxNodes = 250_000
	// maxDepth bounds nesting, so that walking the tree cannot overflow the stack.
	maxDepth = 256
)

// tkind is the JSON type of a tree node.
type tkind uint8

const (
	tNull tkind = iota
	tBool
	tNumber
	tString
	tArray
	tObject
)

func (k tkind) String() string {
	switch k {
	case tNull:
		return "null"
	case tBool:
		return "boolean"
	case tNumber:
		return "number"
	case tString:
		return "string"
	case tArray:
		return "array"
	case tObject:
		return "object"
	}
	return "?"
}

// tnode is a JSON value decoded from YAML, with the position of every node
// and of every object key. Aliases are expanded (within maxNodes) and merge
// keys applied, so the rest of the package sees plain JSON.
type tnode struct {
	kind tkind
	pos  Pos
	// str is the string value (tString), or the scalar's text for other scalars.
	str string
	// val is the JSON value of a scalar: nil, bool, int64, float64 or string.
	val any
	// style and exact describe how a string scalar was written, for mapping
	// an offset inside the string to a column: exact is true when the
	// string's bytes appear verbatim on one line starting at pos.Col+quote.
	exact  bool
	quoted bool

	keys   []string
	keyPos []Pos
	vals   []*tnode
	items  []*tnode

	json any // the JSON value of this subtree, built on demand
}

// get returns the value of key k of an object node, or nil.
func (n *tnode) get(k string) *tnode {
	if n == nil || n.kind != tObject {
		return nil
	}
	for i, key := range n.keys {
		if key == k {
			return n.vals[i]
		}
	}
	return nil
}

// keyPosOf returns the position of key k of an object node.
func (n *tnode) keyPosOf(k string) (Pos, bool) {
	if n == nil || n.kind != tObject {
		return Pos{}, false
	}
	for i, key := range n.keys {
		if key == k {
			return n.keyPos[i], true
		}
	}
	return Pos{}, false
}

// strAt maps a byte offset inside a string scalar to a position: exact for a
// plain (or quoted without escapes) single-line scalar, the scalar's start
// otherwise.
func (n *tnode) strAt(off int) Pos {
	p := n.pos
	if !n.exact || off < 0 || off > len(n.str) {
		return p
	}
	if n.quoted {
		p.Col++
	}
	p.Col += utf8.RuneCountInString(n.str[:off])
	return p
}

// toJSON returns the subtree as an encoding/json-shaped value. The result is
// cached: subtrees are shared between the schema check and Values.
func (n *tnode) toJSON() any {
	if n == nil {
		return nil
	}
	if n.json != nil {
		return n.json
	}
	switch n.kind {
	case tArray:
		a := make([]any, len(n.items))
		for i, it := range n.items {
			a[i] = it.toJSON()
		}
		n.json = a
		return a
	case tObject:
		m := make(map[string]any, len(n.keys))
		for i, k := range n.keys {
			m[k] = n.vals[i].toJSON()
		}
		n.json = m
		return m
	}
	return n.val
}

type memoTree struct {
	t    *tnode
	size int
}

// treeBuilder converts a yaml.Node tree.
type treeBuilder struct {
	file      string
	lines     [][]byte // source lines, for checking that a scalar is written verbatim
	nodes     int
	expanding map[*yaml.Node]bool
	memo      map[*yaml.Node]memoTree
	diags     Diagnostics
	fatal     bool
}

// parseTree decodes data (YAML or JSON) into a tree. It returns nil when the
// bytes are not YAML at all; problems that still allow a tree are returned as
// diagnostics.
func parseTree(data []byte, file string) (*tnode, Diagnostics) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil && err != io.EOF {
		return nil, Diagnostics{{Pos: yamlErrPos(err, file), Severity: SeverityError, Message: "not a YAML or JSON document: " + cleanYAMLErr(err)}}
	}
	b := &treeBuilder{file: file, lines: bytes.Split(data, []byte("\n")), expanding: map[*yaml.Node]bool{}}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil || err != io.EOF {
		p := Pos{File: file, Line: next.Line, Col: next.Column}
		if err != nil {
			p = yamlErrPos(err, file)
		}
		b.diags = append(b.diags, Diagnostic{Pos: p, Severity: SeverityWarning, Message: "the file holds more than one YAML document; only the first is read"})
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return &tnode{kind: tNull, pos: Pos{File: file, Line: 1, Col: 1}}, Diagnostics{{Pos: Pos{File: file, Line: 1, Col: 1}, Severity: SeverityError, Message: "the document is empty"}}
	}
	t := b.build(root.Content[0], 0)
	if b.fatal {
		return nil, b.diags
	}
	return t, b.diags
}

var yamlLineRe = "line "

// yamlErrPos extracts "line N" from a yaml error message.
func yamlErrPos(err error, file string) Pos {
	s := err.Error()
	if i := strings.Index(s, yamlLineRe); i >= 0 {
		j := i + len(yamlLineRe)
		k := j
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if n, e := strconv.Atoi(s[j:k]); e == nil && n > 0 {
			return Pos{File: file, Line: n, Col: 1}
		}
	}
	return Pos{File: file, Line: 1, Col: 1}
}

func cleanYAMLErr(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "yaml: ")
	return s
}

func (b *treeBuilder) pos(n *yaml.Node) Pos {
	return Pos{File: b.file, Line: n.Line, Col: n.Column}
}

func (b *treeBuilder) errorf(p Pos, format string, args ...any) {
	b.diags = append(b.diags, Diagnostic{Pos: p, Severity: SeverityError, Message: fmt.Sprintf(format, args...)})
}

func (b *treeBuilder) build(n *yaml.Node, depth int) *tnode {
	if b.fatal {
		return &tnode{kind: tNull}
	}
	b.nodes++
	if b.nodes > maxNodes {
		b.errorf(b.pos(n), "the document expands to more than %d values (YAML aliases?); refusing to load it", maxNodes)
		b.fatal = true
		return &tnode{kind: tNull}
	}
	if depth > maxDepth {
		b.errorf(b.pos(n), "the document is nested more than %d levels deep; refusing to load it", maxDepth)
		b.fatal = true
		return &tnode{kind: tNull}
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil || b.expanding[n.Alias] {
			b.errorf(b.pos(n), "YAML alias *%s refers to itself", n.Value)
			return &tnode{kind: tNull, pos: b.pos(n)}
		}
		// An anchored subtree is built once and shared by its aliases;
		// the expanded size still counts against maxNodes, so a "billion
		// laughs" document stops at the limit without allocating it.
		m, ok := b.memo[n.Alias]
		if !ok {
			b.expanding[n.Alias] = true
			before := b.nodes
			m.t = b.build(n.Alias, depth+1)
			m.size = b.nodes - before
			delete(b.expanding, n.Alias)
			if b.memo == nil {
				b.memo = map[*yaml.Node]memoTree{}
			}
			b.memo[n.Alias] = m
		} else {
			b.nodes += m.size
			if b.nodes > maxNodes {
				b.errorf(b.pos(n), "the document expands to more than %d values (YAML aliases?); refusing to load it", maxNodes)
				b.fatal = true
				return &tnode{kind: tNull}
			}
		}
		t := m.t
		// Positions inside an alias are those of the anchored node; the
		// alias itself is where the value is used.
		c := *t
		c.pos = b.pos(n)
		c.exact = false
		return &c
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return &tnode{kind: tNull, pos: b.pos(n)}
		}
		return b.build(n.Content[0], depth+1)
	case yaml.SequenceNode:
		t := &tnode{kind: tArray, pos: b.pos(n), items: make([]*tnode, 0, len(n.Content))}
		for _, c := range n.Content {
			t.items = append(t.items, b.build(c, depth+1))
		}
		return t
	case yaml.MappingNode:
		t := &tnode{kind: tObject, pos: b.pos(n)}
		b.mapping(t, n, depth, false, nil)
		return t
	case yaml.ScalarNode:
		return b.scalar(n)
	}
	return &tnode{kind: tNull, pos: b.pos(n)}
}

// mapping fills t with the pairs of n. Merge keys ("<<") are applied after
// the explicit keys, which win, as YAML 1.1 specifies. seen holds t's keys
// (nil: t is new), so a large object is built in linear time.
func (b *treeBuilder) mapping(t *tnode, n *yaml.Node, depth int, merging bool, seen map[string]bool) {
	if seen == nil {
		seen = make(map[string]bool, len(n.Content)/2)
	}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if b.fatal {
			return
		}
		// Every pair visited counts against maxNodes, merged duplicates
		// included: merging an object that merges another ten times, and
		// so on, adds few keys but exponential work.
		b.nodes++
		if b.nodes > maxNodes {
			b.errorf(b.pos(n.Content[i]), "the document expands to more than %d values (YAML aliases?); refusing to load it", maxNodes)
			b.fatal = true
			return
		}
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merges = append(merges, v)
			continue
		}
		for k.Kind == yaml.AliasNode && k.Alias != nil {
			k = k.Alias
		}
		if k.Kind != yaml.ScalarNode {
			b.errorf(b.pos(k), "object keys must be strings")
			continue
		}
		name := k.Value
		if seen[name] {
			if !merging {
				p, _ := t.keyPosOf(name)
				b.errorf(b.pos(k), "duplicate key %q (first written at %d:%d)", name, p.Line, p.Col)
			}
			continue
		}
		seen[name] = true
		t.keys = append(t.keys, name)
		t.keyPos = append(t.keyPos, b.pos(k))
		t.vals = append(t.vals, b.build(v, depth+1))
	}
	for _, m := range merges {
		b.merge(t, m, depth+1, seen)
	}
}

func (b *treeBuilder) merge(t *tnode, m *yaml.Node, depth int, seen map[string]bool) {
	if depth > maxDepth || b.fatal {
		return
	}
	// Each merge counts too: merging an empty object adds no pair to count.
	b.nodes++
	if b.nodes > maxNodes {
		b.errorf(b.pos(m), "the document expands to more than %d values (YAML aliases?); refusing to load it", maxNodes)
		b.fatal = true
		return
	}
	switch m.Kind {
	case yaml.AliasNode:
		if m.Alias == nil || b.expanding[m.Alias] {
			b.errorf(b.pos(m), "YAML alias *%s refers to itself", m.Value)
			return
		}
		b.expanding[m.Alias] = true
		b.merge(t, m.Alias, depth+1, seen)
		delete(b.expanding, m.Alias)
	case yaml.MappingNode:
		b.mapping(t, m, depth, true, seen)
	case yaml.SequenceNode:
		for _, c := range m.Content {
			b.merge(t, c, depth+1, seen)
		}
	default:
		b.errorf(b.pos(m), "a YAML merge key (<<) needs an object or a list of objects")
	}
}

func (b *treeBuilder) scalar(n *yaml.Node) *tnode {
	t := &tnode{pos: b.pos(n), str: n.Value}
	switch n.ShortTag() {
	case "!!null":
		t.kind, t.val = tNull, nil
	case "!!bool":
		var v bool
		if err := n.Decode(&v); err == nil {
			t.kind, t.val = tBool, v
		} else {
			t.kind, t.val = tString, n.Value
		}
	case "!!int":
		var v any
		if err := n.Decode(&v); err == nil {
			switch x := v.(type) {
			case int:
				t.kind, t.val = tNumber, int64(x)
			case int64:
				t.kind, t.val = tNumber, x
			case uint64:
				t.kind, t.val = tNumber, float64(x)
			default:
				t.kind, t.val = tString, n.Value
			}
		} else if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
			t.kind, t.val = tNumber, f
		} else {
			t.kind, t.val = tString, n.Value
		}
	case "!!float":
		var v float64
		if err := n.Decode(&v); err == nil && !math.IsInf(v, 0) && !math.IsNaN(v) {
			t.kind, t.val = tNumber, v
		} else {
			// JSON has no infinities or NaN: keep the text.
			t.kind, t.val = tString, n.Value
		}
	default: // !!str, !!timestamp, !!binary and custom tags: the text
		t.kind, t.val = tString, n.Value
		t.quoted = n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0
		t.exact = b.verbatim(n, t.quoted)
	}
	return t
}

// verbatim reports whether the string value of n appears byte for byte in the
// source at its position (after the opening quote when quoted), so that an
// offset inside the string is an offset on the line.
func (b *treeBuilder) verbatim(n *yaml.Node, quoted bool) bool {
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 || strings.ContainsAny(n.Value, "\n\r") {
		return false
	}
	if n.Line < 1 || n.Line > len(b.lines) {
		return false
	}
	line := b.lines[n.Line-1]
	// Columns count characters; find the byte index of column n.Column.
	idx := 0
	for c := 1; c < n.Column; c++ {
		if idx >= len(line) {
			return false
		}
		_, sz := utf8.DecodeRune(line[idx:])
		idx += sz
	}
	if quoted {
		idx++
	}
	if idx > len(line) {
		return false
	}
	return bytes.HasPrefix(line[idx:], []byte(n.Value))
}
